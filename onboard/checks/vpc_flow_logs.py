"""vpc.flow_logs: VPCs whose traffic is not recorded by an active, delivering VPC flow log.

An unused default VPC (nothing has a network interface in it) carries no traffic, so there
is nothing to log: it PASSes with "default VPC, unused" rather than FAILing or being
SKIPPED. Every account has one in every region, and a FAIL (or a SKIPPED the report lists
as a coverage gap) there is noise that buries the VPCs that matter. The moment anything is
launched into it, the next scan checks it like any other VPC. When the network-interface
collector failed, usage is unknown and the default VPC is checked like any other.

A VPC shared through RAM counts the flow logs its owner account created on it (when that
account is in the inventory). A flow log that is ACTIVE but failing to deliver (e.g. its
role lost permission) records nothing, so it does not count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, fail, ok
from onboard.i18n import _
from onboard.models import Resource
from onboard.topology import Topology


def _label(vpc: Resource) -> str:
    return f"{vpc.id} ({vpc.name})" if vpc.name else vpc.id


def _working(log: Resource) -> bool:
    return (str(log.attrs.get("status") or "").upper() == "ACTIVE"
            and str(log.attrs.get("deliver_status") or "SUCCESS").upper() != "FAILED")


@check("vpc.flow_logs", needs=("ec2.vpc", "ec2.flow_log"))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """FAIL per VPC without an ACTIVE flow log on the VPC itself that is delivering."""
    topo = Topology(inv)
    logs: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for log in inv.of("ec2.flow_log"):
        logs[(log.account_id, str(log.attrs.get("resource_id") or ""))].append(log)
    for vpc in inv.of("ec2.vpc"):
        label = _label(vpc)
        owner = str(vpc.attrs.get("owner_id") or vpc.account_id)
        # A VPC shared through RAM is logged by its owner account.
        mine = logs.get((vpc.account_id, vpc.id), []) + (
            logs.get((owner, vpc.id), []) if owner != vpc.account_id else [])
        working = [log for log in mine if _working(log)]
        if working:
            log = working[0]
            yield ok(vpc, _("{label} has flow log {log} ({traffic} → {destination})").format(
                label=label, log=log.id, traffic=log.attrs.get("traffic_type"),
                destination=log.attrs.get("destination_type")))
            continue
        if vpc.attrs.get("is_default") and not topo.vpc_in_use(vpc.account_id, vpc.id):
            yield ok(vpc, _("{label}: default VPC, unused (no network interfaces)").format(
                label=label))
            continue
        if mine:
            log = mine[0]
            state = log.attrs.get("status") or "?"
            if str(state).upper() == "ACTIVE":
                problem = log.attrs.get("deliver_error") or _("delivery FAILED")
                yield fail(vpc, _("{label}: flow log {log} is not delivering ({problem})").format(
                    label=label, log=log.id, problem=problem))
            else:
                yield fail(vpc, _("{label}: flow log {log} is {state}, not ACTIVE").format(
                    label=label, log=log.id, state=state))
            continue
        partial = _subnet_logs(topo, logs, vpc)
        shared = _(" (VPC shared by {owner})").format(owner=owner) if owner != vpc.account_id \
            else ""
        yield fail(vpc, _("{label} has no VPC flow log{partial}{shared}").format(
            label=label, partial=partial, shared=shared))


def _subnet_logs(topo: Topology, logs: dict[tuple[str, str], list[Resource]],
                 vpc: Resource) -> str:
    subnets = topo.subnets_of(vpc.account_id, vpc.id)
    covered = [s.id for s in subnets
               if any(_working(log) for log in logs.get((vpc.account_id, s.id), []))]
    if not covered:
        return ""
    return _(" (subnet-level logs on {n} of {total} subnets only)").format(
        n=len(covered), total=len(subnets))

