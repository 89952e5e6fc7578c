"""The plan for a session's latest scan: the one place the kit asks the store."""

from __future__ import annotations

from onboard.checks.base import Inventory
from onboard.i18n import _
from onboard.sso_kit.plan import Edit, Plan, build
from onboard.store import Store


class NoScan(ValueError):
    """The session has no scan to plan from."""


def edits(store: Store, session_id: int) -> list[Edit]:
    return [Edit(r["kind"], r["target"], r["value"] or "")
            for r in store.sso_edits(session_id)]


def load_plan(store: Store, session_id: int) -> Plan:
    """Build the plan from the latest finished scan, with the session's stored edits."""
    return load(store, session_id)[0]


def load(store: Store, session_id: int) -> tuple[Plan, Inventory]:
    """The plan and the inventory it was built from (the cut-over script reads both)."""
    scan = store.latest_scan(session_id)
    if scan is None:
        raise NoScan(_("this session has no scan yet; run `onboard scan` (or `onboard demo "
                       "--headless`) first"))
    inventory = Inventory(store.resources(scan.id), store.collect_errors(scan.id))
    regions = [r for r in scan.regions if r != "global"]
    plan = build(inventory, store.accounts(session_id), store.answers(session_id),
                 edits(store, session_id), default_region=regions[0] if regions else "us-east-1")
    return plan, inventory
