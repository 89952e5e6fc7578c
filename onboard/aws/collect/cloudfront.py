"""CloudFront collector: distributions, their origins and both kinds of access logging.

`cloudfront.distribution` (global; id = name = distribution Id; arn):
  domain               the *.cloudfront.net domain name
  aliases              list of alternate domain names (CNAMEs)
  origins              list of {id, domain, kind, origin_access}: kind is "s3" (S3 REST
                       endpoint), "s3-website", "vpc" (VPC origin) or "custom"; origin_access
                       is "oac" (origin access control), "oai" (legacy identity) or None
  logging_enabled      bool from GetDistributionConfig Logging.Enabled (legacy standard
                       logging to S3), or None when that call failed
  logging_bucket       the legacy log bucket ("name.s3.amazonaws.com"), or None
  logging_v2           True when a CloudWatch Logs delivery source of type ACCESS_LOGS for
                       this distribution has a delivery ("standard logging v2"); False when
                       none; None when that could not be checked (see errors["logging_v2"])
  web_acl_id           the WAF web ACL id/ARN, or None
  viewer_protocol_policy  of the default cache behaviour
  min_protocol_version    ViewerCertificate.MinimumProtocolVersion
  enabled, status
  errors               {"config": code} when GetDistributionConfig failed;
                       {"logging_v2": code} when the logs delivery calls failed

Calls per account: ListDistributions (1 per 1000), GetDistributionConfig per distribution
(fanned out over 8 threads), and, only when distributions exist, logs DescribeDeliverySources
(1 per 50) in us-east-1 plus DescribeDeliveries (1 per 50) only when a CloudFront
ACCESS_LOGS source exists.
"""

from __future__ import annotations

import re
from typing import Any

from onboard.aws.collect.base import Context, collector, detail, fan_out, paginate
from onboard.models import GLOBAL, Resource

MAX_WORKERS = 8
_S3_REST = re.compile(r"\.s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$")
_S3_WEBSITE = re.compile(r"\.s3-website[.-]")


def _items(block: dict[str, Any] | None) -> list[Any]:
    return list((block or {}).get("Items") or [])


def origin_kind(origin: dict[str, Any]) -> str:
    domain = (origin.get("DomainName") or "").lower()
    if origin.get("VpcOriginConfig"):
        return "vpc"
    if _S3_WEBSITE.search(domain):
        return "s3-website"
    if origin.get("S3OriginConfig") is not None or _S3_REST.search(domain):
        return "s3"
    return "custom"


def origin_access(origin: dict[str, Any]) -> str | None:
    if origin.get("OriginAccessControlId"):
        return "oac"
    if (origin.get("S3OriginConfig") or {}).get("OriginAccessIdentity"):
        return "oai"
    return None


def _origins(origins: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": o.get("Id"), "domain": o.get("DomainName"), "kind": origin_kind(o),
             "origin_access": origin_access(o)} for o in origins]


def _v2_logged(ctx: Context, arns: set[str], errors: dict[str, str]) -> set[str] | None:
    """Distribution ARNs with standard logging v2 delivering somewhere; None if unknown."""
    logs = ctx.client("logs", "us-east-1" if ctx.partition == "aws" else ctx.region)

    def sources() -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for s in paginate(logs, "describe_delivery_sources", "deliverySources",
                          PaginationConfig={"PageSize": 50}):
            hits = arns & set(s.get("resourceArns") or [])
            if hits and s.get("logType") == "ACCESS_LOGS":
                found[s["name"]] = hits
        return found

    by_source = detail(errors, "logging_v2", sources)
    if by_source is None:
        return None
    if not by_source:
        return set()
    deliveries = detail(errors, "logging_v2", lambda: list(paginate(
        logs, "describe_deliveries", "deliveries", PaginationConfig={"PageSize": 50})))
    if deliveries is None:
        return None
    logged: set[str] = set()
    for d in deliveries:
        logged |= by_source.get(d.get("deliverySourceName", ""), set())
    return logged


@collector("cloudfront.distributions", scope="global", produces=("cloudfront.distribution",),
           calls=("cloudfront:ListDistributions", "cloudfront:GetDistributionConfig",
                  "logs:DescribeDeliverySources", "logs:DescribeDeliveries"))
def collect(ctx: Context) -> list[Resource]:
    cf = ctx.client("cloudfront", "us-east-1" if ctx.partition == "aws" else ctx.region)
    summaries: list[dict[str, Any]] = []
    for page in cf.get_paginator("list_distributions").paginate(
            PaginationConfig={"PageSize": 1000}):
        summaries += _items(page.get("DistributionList"))
    if not summaries:
        return []

    def config(dist_id: str) -> tuple[dict[str, Any] | None, dict[str, str]]:
        errs: dict[str, str] = {}
        resp = detail(errs, "config", lambda: cf.get_distribution_config(Id=dist_id))
        return (resp.get("DistributionConfig") if resp else None), errs

    configs = fan_out(config, [s["Id"] for s in summaries], MAX_WORKERS)
    v2_errors: dict[str, str] = {}
    v2 = _v2_logged(ctx, {s["ARN"] for s in summaries if s.get("ARN")}, v2_errors)

    out = []
    for s, (cfg, errors) in zip(summaries, configs, strict=True):
        errors.update(v2_errors)
        logging = (cfg or {}).get("Logging") or {}
        origins = _items((cfg or {}).get("Origins")) or _items(s.get("Origins"))
        out.append(Resource(
            type="cloudfront.distribution", id=s["Id"], name=s["Id"],
            account_id=ctx.account_id, region=GLOBAL, arn=s.get("ARN"),
            attrs={
                "domain": s.get("DomainName"),
                "aliases": _items(s.get("Aliases")),
                "origins": _origins(origins),
                "logging_enabled": bool(logging.get("Enabled")) if cfg is not None else None,
                "logging_bucket": (logging.get("Bucket") or None) if logging.get("Enabled")
                else None,
                "logging_v2": None if v2 is None else s.get("ARN") in v2,
                "web_acl_id": s.get("WebACLId") or None,
                "viewer_protocol_policy": (s.get("DefaultCacheBehavior") or {})
                .get("ViewerProtocolPolicy"),
                "min_protocol_version": (s.get("ViewerCertificate") or {})
                .get("MinimumProtocolVersion"),
                "enabled": bool(s.get("Enabled")),
                "status": s.get("Status"),
                "errors": errors,
            }))
    return out
