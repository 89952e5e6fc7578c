"""Evaluator for guardduty.enabled: a GuardDuty detector is ENABLED in each region."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok


@check("guardduty.enabled", needs=("guardduty.region",))
def guardduty_enabled(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per region; a detector whose status could not be read is an ERROR."""
    for region in inventory.of("guardduty.region"):
        detectors = region.attrs.get("detectors") or []
        errors = region.attrs.get("errors") or {}
        enabled = [d for d in detectors if d.get("status") == "ENABLED"]
        unknown = [d for d in detectors if d.get("status") is None]
        if enabled:
            yield ok(region, f"GuardDuty detector {enabled[0]['id']} is ENABLED")
        elif unknown:
            det = unknown[0]["id"]
            yield error(region, f"cannot read GuardDuty detector {det} "
                                f"(GetDetector: {errors.get(f'detector:{det}', 'unknown')})")
        elif detectors:
            yield fail(region, f"GuardDuty detector {detectors[0]['id']} is "
                               f"{detectors[0].get('status')} (suspended)")
        else:
            yield fail(region, "GuardDuty has no detector in this region")
