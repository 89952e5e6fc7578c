"""Evaluator for config.enabled: an AWS Config recorder is recording in each region.

PASS names the recording recorder (and says when it records only selected resource types).
FAIL when the region has no recorder, none is recording, or the recorder's last recording
attempt failed (lastStatus Failure: nothing is being recorded in practice). A service-linked
recorder (servicePrincipal set) records only what its service needs and does not count.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok


def _scope(rec: dict[str, Any]) -> str:
    if rec.get("recording_strategy") in (None, "ALL_SUPPORTED_RESOURCE_TYPES") \
            and rec.get("all_supported", True):
        return "all supported resource types"
    if rec.get("recording_strategy") == "EXCLUSION_BY_RESOURCE_TYPES":
        return "all but excluded resource types"
    return f"only {len(rec.get('resource_types') or [])} selected resource types"


@check("config.enabled", needs=("config.region",))
def config_enabled(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per region."""
    for region in inventory.of("config.region"):
        everything = region.attrs.get("recorders") or []
        recorders = [r for r in everything if not r.get("service_principal")]
        errors = region.attrs.get("errors") or {}
        good = [r for r in recorders if r.get("recording") is True
                and str(r.get("last_status") or "").upper() != "FAILURE"]
        if good:
            rec = good[0]
            yield ok(region, f"recorder {rec.get('name')} is recording ({_scope(rec)})")
        elif any(r.get("recording") is None for r in recorders):
            yield error(region, "cannot tell whether the Config recorder is recording "
                                f"(DescribeConfigurationRecorderStatus: "
                                f"{errors.get('recorder_status', 'unknown')})")
        elif not recorders and everything:
            yield fail(region, "only service-linked Config recorders ("
                               + ", ".join(str(r.get("name")) for r in everything)
                               + "), no recorder of your own")
        elif not recorders:
            yield fail(region, "no AWS Config recorder in this region")
        else:
            rec = recorders[0]
            if rec.get("recording"):
                yield fail(region, f"recorder {rec.get('name')} is on but its last recording "
                                   f"failed ({rec.get('last_error_code') or 'Failure'})")
            else:
                yield fail(region, f"recorder {rec.get('name')} exists but is not recording")
