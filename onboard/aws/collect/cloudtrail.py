"""CloudTrail collector: the trails an account can see, whether they log, and what they record.

`cloudtrail.trails` is a global collector (once per account): DescribeTrails with
includeShadowTrails=True in the account's primary region lists the trails of that region plus
every multi-region and organization trail, whatever its home region (single-region trails of
other regions are not listed — they cannot satisfy "every region is recorded" anyway). Then,
per trail, GetTrailStatus(Name=<trail ARN>) in the trail's home region (an ARN is required for
an organization trail seen from a member account), and GetEventSelectors only for trails that
report HasCustomEventSelectors (otherwise the trail records all management events).

`cloudtrail.trail` (region = the trail's home region, id = name = trail name, arn = TrailARN);
attrs:
  multi_region                   bool
  is_logging                     bool; None when GetTrailStatus failed
  organization_trail             bool
  owner_account_id               the account in the trail ARN (the management or delegated
                                 administrator account for an organization trail)
  home_region                    str
  log_file_validation            bool
  s3_bucket                      str or None
  kms_key_id                     str or None (None: SSE-S3)
  cloudwatch_logs_log_group_arn  str or None
  include_global_service_events  bool
  management_events              "all" | "read_only" | "write_only" | "none"; None when
                                 GetEventSelectors failed
  excluded_management_sources    event sources left out of management events (list)
  latest_delivery_error          str or None (from GetTrailStatus)
  errors                         {"trail_status" | "event_selectors": error code}

`cloudtrail.account` (region "global", id = account id): proof the account was looked at, so an
account without any trail can fail. attrs:
  listed_from   the region DescribeTrails was called in
  trails        list of the trail ARNs seen
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, detail
from onboard.models import GLOBAL, Resource


def _read_only_values(field: dict[str, Any]) -> set[str]:
    """Which readOnly values ("true" = reads, "false" = writes) an advanced selector admits."""
    allowed = {"true", "false"}
    equals = {str(v).lower() for v in field.get("Equals") or []}
    not_equals = {str(v).lower() for v in field.get("NotEquals") or []}
    if equals:
        allowed &= equals
    return allowed - not_equals


def management_events(selectors: dict[str, Any]) -> str:
    """Which management events a GetEventSelectors response records."""
    reads = writes = False
    for sel in selectors.get("EventSelectors") or []:
        if not sel.get("IncludeManagementEvents", True):
            continue
        rw = sel.get("ReadWriteType", "All")
        reads |= rw in ("All", "ReadOnly")
        writes |= rw in ("All", "WriteOnly")
    for adv in selectors.get("AdvancedEventSelectors") or []:
        fields = {f.get("Field"): f for f in adv.get("FieldSelectors") or []}
        category = fields.get("eventCategory", {})
        if "Management" not in (category.get("Equals") or []):
            continue
        admitted = _read_only_values(fields.get("readOnly", {}))
        reads |= "true" in admitted
        writes |= "false" in admitted
    if reads and writes:
        return "all"
    if reads:
        return "read_only"
    return "write_only" if writes else "none"


def excluded_sources(selectors: dict[str, Any]) -> list[str]:
    """Event sources whose management events a trail leaves out (e.g. kms.amazonaws.com)."""
    out: list[str] = []
    for sel in selectors.get("EventSelectors") or []:
        if sel.get("IncludeManagementEvents", True):
            out += [str(s) for s in sel.get("ExcludeManagementEventSources") or []]
    for adv in selectors.get("AdvancedEventSelectors") or []:
        fields = {f.get("Field"): f for f in adv.get("FieldSelectors") or []}
        if "Management" in (fields.get("eventCategory", {}).get("Equals") or []):
            out += [str(s) for s in fields.get("eventSource", {}).get("NotEquals") or []]
    return sorted(set(out))


def _trail_record(ctx: Context, trail: dict[str, Any]) -> Resource:
    arn = trail["TrailARN"]
    home = trail.get("HomeRegion") or ctx.region
    client = ctx.client("cloudtrail", region=home)
    errors: dict[str, str] = {}
    status = detail(errors, "trail_status", lambda: client.get_trail_status(Name=arn))
    mgmt: str | None = "all"
    excluded: list[str] = []
    if trail.get("HasCustomEventSelectors"):
        selectors = detail(errors, "event_selectors",
                           lambda: client.get_event_selectors(TrailName=arn))
        mgmt = None if selectors is None else management_events(selectors)
        excluded = excluded_sources(selectors or {})
    attrs = {
        "multi_region": bool(trail.get("IsMultiRegionTrail")),
        "is_logging": None if status is None else bool(status.get("IsLogging")),
        "organization_trail": bool(trail.get("IsOrganizationTrail")),
        "owner_account_id": arn.split(":")[4] if arn.count(":") >= 5 else None,
        "home_region": home,
        "log_file_validation": bool(trail.get("LogFileValidationEnabled")),
        "s3_bucket": trail.get("S3BucketName"),
        "kms_key_id": trail.get("KmsKeyId"),
        "cloudwatch_logs_log_group_arn": trail.get("CloudWatchLogsLogGroupArn"),
        "include_global_service_events": bool(trail.get("IncludeGlobalServiceEvents")),
        "management_events": mgmt,
        "excluded_management_sources": excluded,
        "latest_delivery_error": (status or {}).get("LatestDeliveryError") or None,
        "errors": errors,
    }
    return Resource(type="cloudtrail.trail", id=trail["Name"], account_id=ctx.account_id,
                    region=home, arn=arn, name=trail["Name"], attrs=attrs)


@collector("cloudtrail.trails", scope="global",
           produces=("cloudtrail.trail", "cloudtrail.account"),
           calls=("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus",
                  "cloudtrail:GetEventSelectors"))
def collect_trails(ctx: Context) -> list[Resource]:
    """Every trail visible from the primary region, with its status, plus the account marker."""
    client = ctx.client("cloudtrail")
    trails = client.describe_trails(includeShadowTrails=True).get("trailList", [])
    out = [_trail_record(ctx, trail) for trail in trails]
    out.append(Resource(type="cloudtrail.account", id=ctx.account_id,
                        account_id=ctx.account_id, region=GLOBAL, name=ctx.account_id,
                        attrs={"listed_from": ctx.region,
                               "trails": [t["TrailARN"] for t in trails]}))
    return out
