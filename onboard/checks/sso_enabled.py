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
from onboard.i18n import _
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
            code = (acct.attrs.get("errors") or {}).get("describe_organization", _("unknown"))
            yield error(acct, _("cannot tell whether this is a management, member or "
                                "standalone account (DescribeOrganization: {code})").format(
                code=code))
            continue
        if in_org and not acct.attrs.get("is_management"):
            mgmt = acct.attrs.get("management_account_id")
            if mgmt not in scanned:
                yield skipped(acct, _("member of organization {org}: IAM Identity Center lives "
                                      "in its management account {management}, which was not "
                                      "scanned").format(
                    org=acct.attrs.get("organization_id"),
                    management=mgmt or _("(unknown)")), acct.account_id)
            continue
        role = (_("management account of {org}").format(org=acct.attrs.get("organization_id"))
                if in_org else _("standalone account"))
        yield from _judge(acct, role, regions[acct.account_id], failed[acct.account_id])


def _judge(acct: Resource, role: str, records: list[Resource], failed: list[str]
           ) -> Iterator[Outcome]:
    seen = [(rec.region, inst) for rec in sorted(records, key=lambda r: r.region)
            for inst in rec.attrs.get("instances") or []]
    usable = [(region, inst) for region, inst in seen if inst.get("status") in USABLE]
    if usable:
        region, inst = usable[0]
        yield ok(acct, _("IAM Identity Center instance {instance} (identity store {store}) in "
                         "{region}").format(instance=_short(inst.get("arn")),
                                            store=inst.get("identity_store_id"),
                                            region=region), acct.account_id)
    elif failed:
        yield error(acct, _("no IAM Identity Center instance found, but ListInstances failed "
                            "in {regions}").format(regions=", ".join(sorted(failed))),
                    acct.account_id)
    elif not records:
        yield skipped(acct, _("no region was scanned for IAM Identity Center"),
                      acct.account_id)
    elif seen:
        region, inst = seen[0]
        yield fail(acct, _("{role}: IAM Identity Center instance {instance} in {region} is "
                           "{status}, not ACTIVE").format(role=role,
                                                          instance=_short(inst.get("arn")),
                                                          region=region,
                                                          status=inst.get("status")),
                   acct.account_id)
    else:
        names = ", ".join(sorted(r.region for r in records))
        yield fail(acct, _("{role} has no IAM Identity Center instance (regions scanned: "
                           "{regions})").format(role=role, regions=names), acct.account_id)



def _short(arn: str | None) -> str:
    return (arn or "?").rsplit("/", 1)[-1]
