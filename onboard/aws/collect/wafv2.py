"""WAFv2 collectors: web ACLs of CloudFront scope (global) and of regional scope.

`wafv2.web_acls_cloudfront` — global: ListWebACLs(Scope=CLOUDFRONT), called in us-east-1
(the only region that holds CloudFront-scope ACLs; outside the `aws` partition, in the
scanned region). Which distributions such an ACL protects is not asked of WAF (AWS has no
WAF call for it): each `cloudfront.distribution` names its ACL in attrs `web_acl_id` (the
ACL's ARN), and the diagram joins the two.

`wafv2.web_acls` — regional: ListWebACLs(Scope=REGIONAL), then per ACL
ListResourcesForWebACL once per resource type in PROTECTED_TYPES.

`wafv2.web_acl` (id = the ACL's Id; name = Name; arn = ARN; region = "global" for
  CLOUDFRONT scope, else the region scanned):
  scope        "CLOUDFRONT" | "REGIONAL"
  description
  protects     list of resource ARNs the ACL is associated with (REGIONAL: ALB stages and
               API Gateway REST API stages, e.g. `arn:aws:apigateway:r::/restapis/ID/stages/S`;
               always [] for CLOUDFRONT scope — see above)
  errors       {"resources": <AWS error code>} when ListResourcesForWebACL failed (moto:
               "NotImplemented"); protects is then incomplete

Calls: ListWebACLs (1 per 100 ACLs) per scope; REGIONAL: ListResourcesForWebACL × 2 per ACL.
AppSync, Cognito, App Runner and Verified Access associations are not read: the diagram
does not draw those services.
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, detail
from onboard.models import GLOBAL, Resource

PAGE = 100
PROTECTED_TYPES = ("APPLICATION_LOAD_BALANCER", "API_GATEWAY")


def list_web_acls(client: Any, scope: str) -> list[dict[str, Any]]:
    """Every web ACL summary of a scope (ListWebACLs has no botocore paginator)."""
    out: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"Scope": scope, "Limit": PAGE}
    while True:
        page = client.list_web_acls(**kwargs)
        out += page.get("WebACLs") or []
        marker = page.get("NextMarker")
        if not marker or not page.get("WebACLs"):
            return out
        kwargs["NextMarker"] = marker


def _record(ctx: Context, acl: dict[str, Any], scope: str, region: str,
            protects: list[str], errors: dict[str, str]) -> Resource:
    return Resource(
        type="wafv2.web_acl", id=acl["Id"], name=acl.get("Name", ""),
        account_id=ctx.account_id, region=region, arn=acl.get("ARN"),
        attrs={"scope": scope, "description": acl.get("Description") or "",
               "protects": protects, "errors": errors})


@collector("wafv2.web_acls_cloudfront", scope="global", produces=("wafv2.web_acl",),
           calls=("wafv2:ListWebACLs",))
def collect_cloudfront(ctx: Context) -> list[Resource]:
    client = ctx.client("wafv2", "us-east-1" if ctx.partition == "aws" else ctx.region)
    return [_record(ctx, acl, "CLOUDFRONT", GLOBAL, [], {})
            for acl in list_web_acls(client, "CLOUDFRONT")]


def _protected(client: Any, arn: str, errors: dict[str, str]) -> list[str]:
    found: list[str] = []
    for kind in PROTECTED_TYPES:
        resp = detail(errors, "resources", lambda kind=kind: client.list_resources_for_web_acl(  # type: ignore[misc]
            WebACLArn=arn, ResourceType=kind))
        found += (resp or {}).get("ResourceArns") or []
    return sorted(set(found))


@collector("wafv2.web_acls", scope="regional", produces=("wafv2.web_acl",),
           calls=("wafv2:ListWebACLs", "wafv2:ListResourcesForWebACL"))
def collect_regional(ctx: Context) -> list[Resource]:
    client = ctx.client("wafv2")
    out = []
    for acl in list_web_acls(client, "REGIONAL"):
        errors: dict[str, str] = {}
        protects = _protected(client, acl["ARN"], errors) if acl.get("ARN") else []
        out.append(_record(ctx, acl, "REGIONAL", ctx.region, protects, errors))
    return out
