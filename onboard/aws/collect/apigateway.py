"""API Gateway collectors: REST APIs (v1) and HTTP/WebSocket APIs (v2).

Both regional; two collectors, so a failure of one API family is recorded for it alone.

`apigateway.rest_apis` — GetRestApis.

`apigateway.rest_api` (id = the API id; name = its name; arn
  arn:…:apigateway:<region>::/restapis/<id>):
  endpoint_types        ["EDGE"] | ["REGIONAL"] | ["PRIVATE"]
  vpc_endpoint_ids      VPC endpoints of a PRIVATE API
  disable_execute_api   the default execute-api endpoint is switched off (bool)
  api_key_source        "HEADER" | "AUTHORIZER"
  has_policy            a resource policy is attached (bool)
  created               ISO-8601
  tags                  {key: value}

`apigateway.http_apis` — apigatewayv2 GetApis.

`apigateway.http_api` (id = ApiId; name; arn arn:…:apigateway:<region>::/apis/<id>):
  protocol              "HTTP" | "WEBSOCKET"
  endpoint              ApiEndpoint (https://<id>.execute-api.<region>.amazonaws.com)
  disable_execute_api   bool
  created               ISO-8601
  tags                  {key: value}

Integrations (which Lambda or load balancer an API calls) need per-API calls and are not
read. Calls per region: GetRestApis (1 per 500 APIs), GetApis (1 per page).
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, paginate
from onboard.models import Resource


def _iso(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value


@collector("apigateway.rest_apis", scope="regional", produces=("apigateway.rest_api",),
           calls=("apigateway:GetRestApis",))
def collect_rest_apis(ctx: Context) -> list[Resource]:
    client = ctx.client("apigateway")
    out = []
    for a in paginate(client, "get_rest_apis", "items", PaginationConfig={"PageSize": 500}):
        endpoint = a.get("endpointConfiguration") or {}
        out.append(Resource(
            type="apigateway.rest_api", id=a["id"], name=a.get("name", ""),
            account_id=ctx.account_id, region=ctx.region,
            arn=ctx.arn("apigateway", f"/restapis/{a['id']}", ctx.region),
            attrs={"endpoint_types": list(endpoint.get("types") or []),
                   "vpc_endpoint_ids": list(endpoint.get("vpcEndpointIds") or []),
                   "disable_execute_api": bool(a.get("disableExecuteApiEndpoint")),
                   "api_key_source": a.get("apiKeySource"),
                   "has_policy": bool(a.get("policy")),
                   "created": _iso(a.get("createdDate")),
                   "tags": dict(a.get("tags") or {})}))
    return out


@collector("apigateway.http_apis", scope="regional", produces=("apigateway.http_api",),
           calls=("apigatewayv2:GetApis",))
def collect_http_apis(ctx: Context) -> list[Resource]:
    client = ctx.client("apigatewayv2")
    return [Resource(
        type="apigateway.http_api", id=a["ApiId"], name=a.get("Name", ""),
        account_id=ctx.account_id, region=ctx.region,
        arn=ctx.arn("apigateway", f"/apis/{a['ApiId']}", ctx.region),
        attrs={"protocol": a.get("ProtocolType"), "endpoint": a.get("ApiEndpoint"),
               "disable_execute_api": bool(a.get("DisableExecuteApiEndpoint")),
               "created": _iso(a.get("CreatedDate")), "tags": dict(a.get("Tags") or {})})
        for a in paginate(client, "get_apis", "Items")]
