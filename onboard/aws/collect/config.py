"""AWS Config collector: the customer-managed configuration recorder of each region and its status.

`config.recorders` (regional): DescribeConfigurationRecorders, then — only when a recorder
exists — DescribeConfigurationRecorderStatus (neither is paginated; a region holds at most one
customer-managed recorder). DescribeDeliveryChannelStatus is deliberately not called.

`config.region` (region = the region, id = the region name); attrs:
  recorders  list of {name, recording (bool; None when the status call failed),
             all_supported, include_global_resource_types, recording_strategy
             ("ALL_SUPPORTED_RESOURCE_TYPES" | "INCLUSION_BY_RESOURCE_TYPES" |
             "EXCLUSION_BY_RESOURCE_TYPES" | None), resource_types (list, for inclusion),
             excluded_types (list, for exclusion),
             last_status ("Pending" | "Success" | "Failure" | None), last_error_code,
             service_principal (set for a service-linked recorder)}
  errors     {"recorder_status": error code}
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, detail
from onboard.models import Resource


def _recorder(rec: dict[str, Any], status: dict[str, Any] | None) -> dict[str, Any]:
    group = rec.get("recordingGroup") or {}
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    return {
        "name": rec.get("name"),
        "recording": None if status is None else bool(status.get("recording")),
        "all_supported": bool(group.get("allSupported", True)),
        "include_global_resource_types": bool(group.get("includeGlobalResourceTypes")),
        "recording_strategy": strategy,
        "resource_types": list(group.get("resourceTypes") or []),
        "excluded_types": list((group.get("exclusionByResourceTypes") or {})
                               .get("resourceTypes") or []),
        "last_status": (status or {}).get("lastStatus"),
        "last_error_code": (status or {}).get("lastErrorCode"),
        "service_principal": rec.get("servicePrincipal"),
    }


@collector("config.recorders", scope="regional", produces=("config.region",),
           calls=("config:DescribeConfigurationRecorders",
                  "config:DescribeConfigurationRecorderStatus"))
def collect_recorders(ctx: Context) -> list[Resource]:
    """One config.region record with the region's recorder(s) and whether they record."""
    client = ctx.client("config")
    recorders = client.describe_configuration_recorders().get("ConfigurationRecorders", [])
    errors: dict[str, str] = {}
    statuses: dict[str, dict[str, Any]] | None = {}
    if recorders:
        resp = detail(errors, "recorder_status", client.describe_configuration_recorder_status)
        statuses = None if resp is None else {
            s.get("name"): s for s in resp.get("ConfigurationRecordersStatus", [])}
    out = [_recorder(rec, None if statuses is None else statuses.get(rec.get("name"), {}))
           for rec in recorders]
    return [Resource(type="config.region", id=ctx.region, account_id=ctx.account_id,
                     region=ctx.region, name=ctx.region,
                     attrs={"recorders": out, "errors": errors})]
