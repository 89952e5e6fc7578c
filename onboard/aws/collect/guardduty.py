"""GuardDuty collector: the detectors of each region and their status.

`guardduty.detectors` (regional): ListDetectors (paginated, 50 per page; a region has at most
one detector), then GetDetector per detector.

`guardduty.region` (region = the region, id = the region name); attrs:
  detectors  list of {id, status ("ENABLED" | "DISABLED"; None when GetDetector failed),
             finding_publishing_frequency, features ({feature name: status})}
  errors     {"detector:<id>": error code}
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, detail, paginate
from onboard.models import Resource


def _detector(client: Any, detector_id: str, errors: dict[str, str]) -> dict[str, Any]:
    resp = detail(errors, f"detector:{detector_id}",
                  lambda: client.get_detector(DetectorId=detector_id)) or {}
    return {"id": detector_id, "status": resp.get("Status"),
            "finding_publishing_frequency": resp.get("FindingPublishingFrequency"),
            "features": {f.get("Name"): f.get("Status") for f in resp.get("Features") or []}}


@collector("guardduty.detectors", scope="regional", produces=("guardduty.region",),
           calls=("guardduty:ListDetectors", "guardduty:GetDetector"))
def collect_detectors(ctx: Context) -> list[Resource]:
    """One guardduty.region record with the region's detectors."""
    client = ctx.client("guardduty")
    errors: dict[str, str] = {}
    detectors = [_detector(client, detector_id, errors)
                 for detector_id in paginate(client, "list_detectors", "DetectorIds",
                                             PaginationConfig={"PageSize": 50})]
    return [Resource(type="guardduty.region", id=ctx.region, account_id=ctx.account_id,
                     region=ctx.region, name=ctx.region,
                     attrs={"detectors": detectors, "errors": errors})]
