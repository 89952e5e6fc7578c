"""Evaluator for accessanalyzer.enabled: an active IAM Access Analyzer in each region.

Counts an ACTIVE analyzer of type ACCOUNT or ORGANIZATION, or their *_UNUSED_ACCESS variants.
An organization analyzer lives in the management (or delegated administrator) account and is
not visible from members, so each account/region is judged on what it can see.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, fail, ok

COUNTED = {"ACCOUNT", "ORGANIZATION", "ACCOUNT_UNUSED_ACCESS", "ORGANIZATION_UNUSED_ACCESS"}


@check("accessanalyzer.enabled", needs=("accessanalyzer.region",))
def accessanalyzer_enabled(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per region."""
    for region in inventory.of("accessanalyzer.region"):
        analyzers = region.attrs.get("analyzers") or []
        good = [a for a in analyzers if a.get("status") == "ACTIVE" and a.get("type") in COUNTED]
        if good:
            a = good[0]
            yield ok(region, f"analyzer {a.get('name')} ({a.get('type')}) is ACTIVE")
        elif analyzers:
            listed = ", ".join(f"{a.get('name')} ({a.get('type')}, {a.get('status')})"
                               for a in analyzers)
            yield fail(region, f"no active account or organization analyzer: {listed}")
        else:
            yield fail(region, "IAM Access Analyzer has no analyzer in this region")
