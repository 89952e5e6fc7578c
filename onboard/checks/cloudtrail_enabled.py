"""Evaluator for cloudtrail.enabled: a multi-region trail is logging management events.

Judged per account (resource id = account id, region "global") from the `cloudtrail.account`
marker and the account's `cloudtrail.trail` records. PASS names a multi-region trail (an
organization trail counts) that is logging and records management write events. A member
account may be unable to read an organization trail's status; the status seen from the trail's
owner account (if scanned) is used instead, and if it is still unknown the result is ERROR.
FAIL says why: no multi-region trail, only single-region trails, or the multi-region trail is
not logging / records no management write events. An organization trail that is logging in a
scanned account (normally the management account) covers every member of that organization
even where the member's own DescribeTrails does not list it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.models import Resource

WRITES = {"all", "write_only"}


@check("cloudtrail.enabled", needs=("cloudtrail.account", "cloudtrail.trail"))
def cloudtrail_enabled(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per account."""
    trails: dict[str, list[Resource]] = defaultdict(list)
    logging_by_arn: dict[str, bool] = {}
    mgmt_by_arn: dict[str, str] = {}
    for trail in inventory.of("cloudtrail.trail"):
        trails[trail.account_id].append(trail)
        if trail.arn and trail.attrs.get("is_logging") is not None:
            logging_by_arn.setdefault(trail.arn, trail.attrs["is_logging"])
        if trail.arn and trail.attrs.get("management_events") is not None:
            mgmt_by_arn.setdefault(trail.arn, trail.attrs["management_events"])
    org_of = {r.account_id: r.attrs.get("organization_id") for r in inventory.of("org.account")
              if r.attrs.get("in_organization")}
    covering = _organization_trails(inventory, org_of, logging_by_arn, mgmt_by_arn)
    for acct in inventory.of("cloudtrail.account"):
        org_trail = covering.get(org_of.get(acct.account_id) or "")
        mine = sorted(trails[acct.account_id], key=lambda t: (not t.attrs.get("organization_trail"),
                                                             t.id))
        multi = [t for t in mine if t.attrs.get("multi_region")]
        if not any(t.attrs.get("multi_region") for t in mine) and org_trail:
            yield ok(acct, f"covered by organization trail {org_trail.id} of account "
                           f"{org_trail.account_id} (home {org_trail.region}), which is logging")
            continue
        if not mine:
            yield fail(acct, "no CloudTrail trail: API activity is not recorded (DescribeTrails "
                             f"from {acct.attrs.get('listed_from')} found none)")
            continue
        if not multi:
            names = ", ".join(f"{t.id} ({t.region})" for t in mine)
            yield fail(acct, f"only single-region trails ({names}): activity in other regions "
                             "is not recorded")
            continue
        problems: list[str] = []
        unknown: list[str] = []
        passed = None
        for t in multi:
            kind = "organization trail" if t.attrs.get("organization_trail") else "trail"
            logging = t.attrs.get("is_logging")
            if logging is None and t.arn:
                logging = logging_by_arn.get(t.arn)
            mgmt = t.attrs.get("management_events")
            if mgmt is None and t.arn:
                mgmt = mgmt_by_arn.get(t.arn)
            if logging is False:
                problems.append(f"multi-region {kind} {t.id} is not logging")
            elif mgmt is not None and mgmt not in WRITES:
                problems.append(f"multi-region {kind} {t.id} records no management write "
                                f"events ({mgmt})")
            elif logging is None or mgmt is None:
                codes = ", ".join(f"{k}: {v}" for k, v in
                                  sorted((t.attrs.get("errors") or {}).items())) or "unknown"
                unknown.append(f"{kind} {t.id} ({codes})")
            else:
                passed = (kind, t)
                break
        if passed:
            kind, t = passed
            yield ok(acct, f"multi-region {kind} {t.id} (home {t.region}) is logging "
                           "management events")
        elif unknown:
            yield error(acct, "cannot tell whether the multi-region "
                              + "; ".join(unknown) + " is logging")
        else:
            yield fail(acct, "; ".join(problems))


def _organization_trails(inventory: Inventory, org_of: dict[str, str | None],
                         logging_by_arn: dict[str, bool],
                         mgmt_by_arn: dict[str, str]) -> dict[str, Resource]:
    """Per organization id, a multi-region organization trail seen logging management
    write events in the account that owns it."""
    found: dict[str, Resource] = {}
    for t in inventory.of("cloudtrail.trail"):
        org = org_of.get(t.account_id)
        if not org or not (t.attrs.get("organization_trail") and t.attrs.get("multi_region")):
            continue
        logging = t.attrs.get("is_logging")
        if logging is None and t.arn:
            logging = logging_by_arn.get(t.arn)
        mgmt = t.attrs.get("management_events")
        if mgmt is None and t.arn:
            mgmt = mgmt_by_arn.get(t.arn)
        if logging and mgmt in WRITES:
            found.setdefault(org, t)
    return found
