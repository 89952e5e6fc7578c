"""Evaluator for cloudtrail.enabled: a multi-region trail is logging management events.

Judged per account (resource id = account id, region "global") from the `cloudtrail.account`
marker and the account's `cloudtrail.trail` records. PASS names a multi-region trail (an
organization trail counts) that is logging and records management write events. A member
account may be unable to read an organization trail's status; the status seen from the trail's
owner account (if scanned) is used instead, and if it is still unknown the result is ERROR.
FAIL says why: no multi-region trail, only single-region trails, or the multi-region trail is
not logging / records no management write events.
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
    for acct in inventory.of("cloudtrail.account"):
        mine = sorted(trails[acct.account_id], key=lambda t: (not t.attrs.get("organization_trail"),
                                                             t.id))
        multi = [t for t in mine if t.attrs.get("multi_region")]
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
