"""ec2.ssh_open: security groups that admit SSH (tcp/22) from 0.0.0.0/0 or ::/0."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, fail, ok
from onboard.checks.sg_rules import group_label, open_rules, rules_covering, usage_note
from onboard.i18n import _
from onboard.topology import Topology

SSH = ("tcp", 22)


@check("ec2.ssh_open", needs=("ec2.security_group",))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """FAIL per group whose ingress admits tcp/22 from the internet, directly, through a
    tcp port range that contains 22, or through an all-traffic rule; PASS otherwise.

    Unattached groups still FAIL (one attachment away from exposure) and say so.
    """
    topo = Topology(inv)
    users = topo.interfaces_by_group()
    for sg in inv.of("ec2.security_group"):
        label = group_label(sg)
        note = usage_note(topo, sg, users)
        hits = rules_covering(open_rules(sg.attrs.get("ingress")), *SSH)
        if hits:
            evidence = ", ".join(dict.fromkeys(str(rule) for rule in hits))
            yield fail(sg, _("{label} allows {evidence}{note}").format(
                label=label, evidence=evidence, note=note))
        else:
            yield ok(sg, _("{label} does not allow tcp/22 from the internet{note}").format(
                label=label, note=note))

