"""Evaluator for accessanalyzer.enabled: an active *external-access* analyzer in each region.

Counts only ACTIVE analyzers of type ACCOUNT or ORGANIZATION (IAM.28 and CIS v5.0 1.19 count
external-access analyzers only): an unused-access or internal-access analyzer reports nothing
about who outside the account can reach a resource. An ORGANIZATION analyzer lives in the
management or delegated-administrator account and is not listed in members, so it is credited
to every scanned account of the same organization (from `org.account`) in the same region.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from onboard.checks.base import Inventory, Outcome, check, fail, ok
from onboard.i18n import _

EXTERNAL = frozenset({"ACCOUNT", "ORGANIZATION"})


def _active_external(analyzers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in analyzers if a.get("status") == "ACTIVE" and a.get("type") in EXTERNAL]


@check("accessanalyzer.enabled", needs=("accessanalyzer.region",))
def accessanalyzer_enabled(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per region."""
    org_of = {r.account_id: r.attrs.get("organization_id") for r in inventory.of("org.account")
              if r.attrs.get("in_organization") and r.attrs.get("organization_id")}
    # (organization id, region) → (owner account, analyzer) of an active organization analyzer
    org_analyzers: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for rec in inventory.of("accessanalyzer.region"):
        org = org_of.get(rec.account_id)
        for a in _active_external(rec.attrs.get("analyzers") or []):
            if org and a.get("type") == "ORGANIZATION":
                org_analyzers.setdefault((org, rec.region), (rec.account_id, a))
    for region in inventory.of("accessanalyzer.region"):
        analyzers = region.attrs.get("analyzers") or []
        good = _active_external(analyzers)
        if good:
            a = good[0]
            yield ok(region, _("external-access analyzer {name} ({type}) is ACTIVE").format(
                name=a.get("name"), type=a.get("type")))
            continue
        covering = org_analyzers.get((org_of.get(region.account_id) or "", region.region))
        if covering:
            owner, a = covering
            yield ok(region, _("covered by organization analyzer {name} of account {owner} "
                               "(ORGANIZATION, ACTIVE) in {region}").format(
                name=a.get("name"), owner=owner, region=region.region))
        elif analyzers:
            listed = ", ".join(f"{a.get('name')} ({a.get('type')}, {a.get('status')})"
                               for a in analyzers)
            yield fail(region, _("no active external-access analyzer (ACCOUNT or "
                                 "ORGANIZATION); unused- or internal-access analyzers do not "
                                 "count: {listed}").format(listed=listed))
        else:
            yield fail(region, _("IAM Access Analyzer has no analyzer in this region"))

