"""The collector contract: what a collector declares, and the context it runs in.

A collector makes read-only API calls for one service in one (account, region) and returns
inventory records (`Resource`). It declares every API operation it may call, with the IAM
action that allows it: the read-only guard allows exactly those operations and
`onboard policy` prints exactly those actions. Collectors raise on a failure of their main
listing call (the runner turns that into a CollectError, which checks turn into ERROR
findings); a failure on one resource's detail call is recorded on that resource as
`attrs["errors"][<what>] = <AWS error code>` so that its check reports ERROR for it alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

from botocore.exceptions import ClientError

from onboard.models import Resource

T = TypeVar("T")

# The IAM service prefix where it differs from the boto3 client name.
IAM_PREFIX = {
    "elbv2": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "s3control": "s3",
    "sso-admin": "sso",
    "accessanalyzer": "access-analyzer",
    "identitystore": "identitystore",
    "config": "config",
    "wafv2": "wafv2",
}

# Operations whose IAM action is not "<prefix>:<OperationName>".
IAM_ACTION_OVERRIDES = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketPolicyStatus"): "s3:GetBucketPolicyStatus",
    ("s3", "GetBucketVersioning"): "s3:GetBucketVersioning",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetBucketLogging"): "s3:GetBucketLogging",
    ("s3", "GetBucketOwnershipControls"): "s3:GetBucketOwnershipControls",
    ("s3", "GetBucketLocation"): "s3:GetBucketLocation",
    ("s3", "GetBucketAcl"): "s3:GetBucketAcl",
    ("s3", "GetBucketPolicy"): "s3:GetBucketPolicy",
    ("s3", "GetBucketTagging"): "s3:GetBucketTagging",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("elbv2", "DescribeLoadBalancers"): "elasticloadbalancing:DescribeLoadBalancers",
    ("iam", "GetCredentialReport"): "iam:GetCredentialReport",
    ("lambda", "ListFunctions"): "lambda:ListFunctions",
    ("apigateway", "GetRestApis"): "apigateway:GET",
    ("apigateway", "GetStages"): "apigateway:GET",
    ("apigatewayv2", "GetApis"): "apigateway:GET",
}


@dataclass(frozen=True)
class Api:
    """One API operation a collector may call (boto3 client name + botocore op name)."""

    service: str
    operation: str

    @property
    def iam_action(self) -> str:
        override = IAM_ACTION_OVERRIDES.get((self.service, self.operation))
        if override:
            return override
        return f"{IAM_PREFIX.get(self.service, self.service)}:{self.operation}"


def api(spec: str) -> Api:
    """`api("ec2:DescribeVpcs")` — boto3 client name, colon, botocore operation name."""
    service, operation = spec.split(":", 1)
    return Api(service, operation)


class ClientFactory(Protocol):
    def __call__(self, service: str, region: str | None = None) -> Any: ...


@dataclass
class Context:
    """Where a collector runs: one account, one region, and a client per service."""

    account_id: str
    region: str
    partition: str
    client_for: ClientFactory

    def client(self, service: str, region: str | None = None) -> Any:
        return self.client_for(service, region or self.region)

    def arn(self, service: str, resource: str, region: str = "", account: str = "") -> str:
        return f"arn:{self.partition}:{service}:{region}:{account}:{resource}"


CollectFn = Callable[[Context], list[Resource]]


@dataclass(frozen=True)
class Collector:
    name: str
    scope: Literal["global", "regional"]
    produces: tuple[str, ...]
    calls: tuple[Api, ...]
    fn: CollectFn = field(compare=False)
    management_only: bool = False  # skip organization members that are not the management


    @property
    def services(self) -> set[str]:
        return {c.service for c in self.calls}


REGISTRY: dict[str, Collector] = {}


def collector(name: str, *, scope: Literal["global", "regional"], produces: tuple[str, ...],
              calls: tuple[str, ...], management_only: bool = False
              ) -> Callable[[CollectFn], CollectFn]:
    """Register a collector function under `name` (e.g. 's3.buckets').

    `management_only`: its checks judge only an organization's management account (and
    accounts outside any organization), so members of a discovered organization skip it."""

    def register(fn: CollectFn) -> CollectFn:
        if name in REGISTRY:
            raise ValueError(f"collector {name} registered twice")
        REGISTRY[name] = Collector(name, scope, produces, tuple(api(c) for c in calls), fn,
                                   management_only)
        return fn

    return register


def error_code(exc: BaseException) -> str:
    """The AWS error code of a failure, or the exception's class name."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or "ClientError")
    return type(exc).__name__


def paginate(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
    """Every item under `key` across all pages of a paginated operation."""
    paginator = client.get_paginator(operation)
    for page in paginator.paginate(**kwargs):
        yield from page.get(key, [])


def detail(errors: dict[str, str], what: str, call: Callable[[], Any],
           missing: tuple[str, ...] = ()) -> Any:
    """Run one per-resource detail call. Error codes in `missing` mean "not configured"
    (returns None); any other failure is recorded in `errors[what]` and returns None."""
    try:
        return call()
    except ClientError as exc:
        code = error_code(exc)
        if code not in missing:
            errors[what] = code
        return None
    except NotImplementedError:
        errors[what] = "NotImplemented"
        return None


def fan_out(fn: Callable[[Any], T], items: list[Any], max_workers: int = 8) -> list[T]:
    """`fn` over every item on a small thread pool, results in order: for per-resource
    detail calls (one S3 bucket, one distribution) that no batch API replaces."""
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=min(max_workers, len(items))) as pool:
        return list(pool.map(fn, items))


def tags_dict(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in tags or [] if "Key" in t}
