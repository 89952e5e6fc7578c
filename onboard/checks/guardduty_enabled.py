"""Evaluator for guardduty.enabled: a GuardDuty detector is ENABLED in each region."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.i18n import _


@check("guardduty.enabled", needs=("guardduty.region",))
def guardduty_enabled(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per region; a detector whose status could not be read is an ERROR."""
    for region in inventory.of("guardduty.region"):
        detectors = region.attrs.get("detectors") or []
        errors = region.attrs.get("errors") or {}
        enabled = [d for d in detectors if d.get("status") == "ENABLED"]
        unknown = [d for d in detectors if d.get("status") is None]
        if enabled:
            yield ok(region, _("GuardDuty detector {id} is ENABLED").format(
                id=enabled[0]["id"]))
        elif unknown:
            det = unknown[0]["id"]
            yield error(region, _("cannot read GuardDuty detector {id} (GetDetector: "
                                  "{code})").format(
                id=det, code=errors.get(f"detector:{det}", _("unknown"))))
        elif detectors:
            yield fail(region, _("GuardDuty detector {id} is {status} (suspended)").format(
                id=detectors[0]["id"], status=detectors[0].get("status")))
        else:
            yield fail(region, _("GuardDuty has no detector in this region"))

