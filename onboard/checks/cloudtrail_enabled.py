"""Evaluator for cloudtrail.enabled: a multi-region trail logs read and write management events.

Judged per account (resource id = account id, region "global") from the `cloudtrail.account`
marker and the account's `cloudtrail.trail` records. A trail *qualifies* when it is
multi-region, logging, records management events of both kinds (read and write: CIS v5.0 3.1
and CloudTrail.1 ask for ReadWriteType All) and has no LatestDeliveryError (a trail whose
files cannot be delivered records nothing anyone can read).

PASS: one of the account's own trails qualifies, or an organization trail of the same
organization qualifies as seen from the account that owns it — that trail covers every member
even when the member also has a stopped or partial trail of its own. A member may be unable to
read an organization trail's status; the status seen from the owner account (if scanned) is
used instead, and if it is still unknown the result is ERROR. FAIL says why: no trail, only
single-region trails, or what each multi-region trail lacks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.i18n import _
from onboard.models import Resource

BOTH = "all"
FIELDS = ("is_logging", "management_events", "latest_delivery_error",
          "excluded_management_sources")


class _Seen:
    """A trail's attributes merged over every account that listed it (same ARN)."""

    def __init__(self, inventory: Inventory) -> None:
        self.by_arn: dict[str, dict[str, Any]] = defaultdict(dict)
        for t in inventory.of("cloudtrail.trail"):
            if not t.arn:
                continue
            merged = self.by_arn[t.arn]
            for key in FIELDS:
                if t.attrs.get(key) is not None:
                    merged.setdefault(key, t.attrs[key])

    def get(self, t: Resource, key: str) -> Any:
        value = t.attrs.get(key)
        if value is None and t.arn:
            value = self.by_arn.get(t.arn, {}).get(key)
        return value


def judge(t: Resource, seen: _Seen) -> tuple[str, str]:
    """("pass" | "fail" | "unknown", text) for one multi-region trail."""
    kind = _("organization trail") if t.attrs.get("organization_trail") else _("trail")
    label = _("multi-region {kind} {id}").format(kind=kind, id=t.id)
    logging = seen.get(t, "is_logging")
    mgmt = seen.get(t, "management_events")
    delivery = seen.get(t, "latest_delivery_error")
    if logging is False:
        return "fail", _("{label} is not logging").format(label=label)
    if mgmt is not None and mgmt != BOTH:
        what = {"write_only": _("write events only"), "read_only": _("read events only"),
                "none": _("no management events")}.get(str(mgmt), str(mgmt))
        return "fail", _("{label} records {what} (read and write management events "
                         "needed)").format(label=label, what=what)
    if delivery:
        return "fail", _("{label} cannot deliver its log files (LatestDeliveryError: "
                         "{error})").format(label=label, error=delivery)
    if logging is None or mgmt is None:
        codes = ", ".join(f"{k}: {v}" for k, v in
                          sorted((t.attrs.get("errors") or {}).items())) or _("unknown")
        return "unknown", f"{kind} {t.id} ({codes})"
    excluded = seen.get(t, "excluded_management_sources") or []
    note = (_("; excludes events from {sources}").format(sources=", ".join(excluded))
            if excluded else "")
    return "pass", _("{label} (home {region}) is logging read and write management "
                     "events{note}").format(label=label, region=t.region, note=note)


@check("cloudtrail.enabled", needs=("cloudtrail.account", "cloudtrail.trail"))
def cloudtrail_enabled(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per account."""
    seen = _Seen(inventory)
    trails: dict[str, list[Resource]] = defaultdict(list)
    for trail in inventory.of("cloudtrail.trail"):
        trails[trail.account_id].append(trail)
    org_of = {r.account_id: r.attrs.get("organization_id") for r in inventory.of("org.account")
              if r.attrs.get("in_organization")}
    covering = _organization_trails(inventory, org_of, seen)
    for acct in inventory.of("cloudtrail.account"):
        org_trail = covering.get(org_of.get(acct.account_id) or "")
        mine = sorted(trails[acct.account_id],
                      key=lambda t: (not t.attrs.get("organization_trail"), t.id))
        multi = [t for t in mine if t.attrs.get("multi_region")]
        results = [judge(t, seen) for t in multi]
        passed = [text for status, text in results if status == "pass"]
        if passed:
            yield ok(acct, passed[0])
        elif org_trail:
            own = "; ".join(text for status, text in results if status == "fail")
            extra = _(" (its own: {own})").format(own=own) if own else ""
            yield ok(acct, _("covered by organization trail {trail} of account {account} "
                             "(home {region}), which is logging read and write management "
                             "events{extra}").format(trail=org_trail.id,
                                                     account=org_trail.account_id,
                                                     region=org_trail.region, extra=extra))
        elif any(status == "unknown" for status, __ in results):
            unknown = [text for status, text in results if status == "unknown"]
            yield error(acct, _("cannot tell whether the multi-region {trails} is "
                                "logging").format(trails="; ".join(unknown)))
        elif not mine:
            yield fail(acct, _("no CloudTrail trail: API activity is not recorded "
                               "(DescribeTrails from {region} found none)").format(
                region=acct.attrs.get("listed_from")))
        elif not multi:
            names = ", ".join(f"{t.id} ({t.region})" for t in mine)
            yield fail(acct, _("only single-region trails ({names}): activity in other "
                               "regions is not recorded").format(names=names))
        else:
            yield fail(acct, "; ".join(text for __, text in results))



def _organization_trails(inventory: Inventory, org_of: dict[str, str | None],
                         seen: _Seen) -> dict[str, Resource]:
    """Per organization id, a qualifying multi-region organization trail, judged in the
    account that owns it."""
    found: dict[str, Resource] = {}
    for t in inventory.of("cloudtrail.trail"):
        org = org_of.get(t.account_id)
        if not org or not (t.attrs.get("organization_trail") and t.attrs.get("multi_region")):
            continue
        owner = t.attrs.get("owner_account_id")
        if owner and owner != t.account_id:
            continue  # a member's view of it; the owner's record decides
        if judge(t, seen)[0] == "pass":
            found.setdefault(org, t)
    return found
