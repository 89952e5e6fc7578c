"""ec2.instance_profile: live EC2 instances that run without an IAM instance profile (role).

Running, pending, stopping and stopped instances count: a stopped instance keeps its
disk (and any access keys written to it) and comes back with a start. Terminated and
shutting-down instances are gone and produce no finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, fail, ok
from onboard.i18n import _
from onboard.models import Resource

IN_SCOPE_STATES = frozenset({"pending", "running", "stopping", "stopped"})


def instance_label(inst: Resource) -> str:
    return f"{inst.id} ({inst.name})" if inst.name else inst.id


def profile_name(arn: str) -> str:
    """'arn:aws:iam::1:instance-profile/path/web' → 'web'."""
    return arn.rsplit("/", 1)[-1] if "/" in arn else arn


@check("ec2.instance_profile", needs=("ec2.instance",))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """FAIL per live instance without an instance profile; PASS names the profile."""
    for inst in inv.of("ec2.instance"):
        state = str(inst.attrs.get("state") or "")
        if state not in IN_SCOPE_STATES:
            continue
        label = instance_label(inst)
        arn = inst.attrs.get("instance_profile_arn")
        if arn:
            yield ok(inst, _("{label} uses instance profile {profile}").format(
                label=label, profile=profile_name(arn)))
        else:
            yield fail(inst, _("{label} ({state}) has no IAM instance profile: software on it "
                               "that calls AWS needs stored access keys").format(
                label=label, state=state))

