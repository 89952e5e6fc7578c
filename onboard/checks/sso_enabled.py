"""Evaluator for sso.enabled: IAM Identity Center exists where Organizations is managed.

Judged once per account (resource id = account id, region "global") in the organization's
management account and in standalone accounts. A member account gets no finding when its
management account was scanned (its access comes from that account's instance); when the
management account was not scanned — the talk's day one, scanning with member credentials —
each member gets SKIPPED saying so, because nothing seen can tell whether Identity Center
exists. PASS if any scanned region of that account
lists an active Identity Center instance. If none is found but ListInstances failed in some
region, the instance may live there: ERROR, not FAIL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok, skipped
from onboard.models import Resource

USABLE = {None, "ACTIVE"}


@check("sso.enabled", needs=("org.account", "sso.region"))
def sso_enabled(inventory: Inventory) -> Iterator[Outcome]:
    """PASS/FAIL per management or standalone account; nothing for members."""
    regions: dict[str, list[Resource]] = defaultdict(list)
    for rec in inventory.of("sso.region"):
        regions[rec.account_id].append(rec)
    failed: dict[str, list[str]] = defaultdict(list)
    for err in inventory.errors_for(("sso.region",)):
        failed[err.account_id].append(f"{err.region} ({err.code})")
    scanned = {r.account_id for r in inventory.of("org.account")}
    for acct in inventory.of("org.account"):
        in_org = acct.attrs.get("in_organization")
        if in_org is None or (in_org and acct.attrs.get("is_management") is None):
            code = (acct.attrs.get("errors") or {}).get("describe_organization", "unknown")
            yield error(acct, "cannot tell whether this is a management, member or standalone "
                              f"account (DescribeOrganization: {code})")
            continue
        if in_org and not acct.attrs.get("is_management"):
            mgmt = acct.attrs.get("management_account_id")
            if mgmt not in scanned:
                yield skipped(acct, "member of organization "
                                    f"{acct.attrs.get('organization_id')}: IAM Identity Center "
                                    f"lives in its management account {mgmt or '(unknown)'}, "
                                    "which was not scanned", acct.account_id)
            continue
        role = (f"management account of {acct.attrs.get('organization_id')}" if in_org
                else "standalone account")
        yield from _judge(acct, role, regions[acct.account_id], failed[acct.account_id])


def _judge(acct: Resource, role: str, records: list[Resource], failed: list[str]
           ) -> Iterator[Outcome]:
    seen = [(rec.region, inst) for rec in sorted(records, key=lambda r: r.region)
            for inst in rec.attrs.get("instances") or []]
    usable = [(region, inst) for region, inst in seen if inst.get("status") in USABLE]
    if usable:
        region, inst = usable[0]
        yield ok(acct, f"IAM Identity Center instance {_short(inst.get('arn'))} (identity "
                       f"store {inst.get('identity_store_id')}) in {region}", acct.account_id)
    elif failed:
        yield error(acct, "no IAM Identity Center instance found, but ListInstances failed in "
                          f"{', '.join(sorted(failed))}", acct.account_id)
    elif not records:
        yield skipped(acct, "no region was scanned for IAM Identity Center", acct.account_id)
    elif seen:
        region, inst = seen[0]
        yield fail(acct, f"{role}: IAM Identity Center instance {_short(inst.get('arn'))} in "
                         f"{region} is {inst.get('status')}, not ACTIVE", acct.account_id)
    else:
        names = ", ".join(sorted(r.region for r in records))
        yield fail(acct, f"{role} has no IAM Identity Center instance (regions scanned: "
                         f"{names})", acct.account_id)


def _short(arn: str | None) -> str:
    return (arn or "?").rsplit("/", 1)[-1]
