"""The read-only guard: a botocore hook that refuses any operation not on the allow-list,
before it is sent, and the least-privilege IAM policy generated from the same list."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from onboard.aws.collect import all_collectors
from onboard.aws.collect.base import Api, api
from onboard.i18n import _

# Operations the session layer itself makes (identity, discovery, assume-role, regions).
SESSION_CALLS: tuple[Api, ...] = tuple(api(s) for s in (
    "sts:GetCallerIdentity",
    "sts:AssumeRole",
    "organizations:DescribeOrganization",
    "organizations:ListAccounts",
    "organizations:ListRoots",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListAccountsForParent",
    "ec2:DescribeRegions",
))

READ_PREFIXES = ("Describe", "Get", "List", "Search", "Lookup", "BatchGet")
# Not named like reads, but change nothing a customer owns.
READ_EXCEPTIONS = {("iam", "GenerateCredentialReport"), ("sts", "AssumeRole")}


class ReadOnlyViolation(RuntimeError):
    """onboard tried an operation that is not a declared read: refused, never sent."""


def is_read_only(call: Api) -> bool:
    return call.operation.startswith(READ_PREFIXES) or (
        (call.service, call.operation) in READ_EXCEPTIONS)


def declared_calls() -> list[Api]:
    """Every operation any part of a scan may make, deduplicated and sorted."""
    calls = set(SESSION_CALLS)
    for collector in all_collectors().values():
        calls.update(collector.calls)
    return sorted(calls, key=lambda c: (c.service, c.operation))


class Guard:
    """Attach to every client: refuses undeclared operations and counts the ones sent."""

    def __init__(self, allowed: Iterable[Api] | None = None) -> None:
        self.allowed = {(c.service, c.operation) for c in (allowed or declared_calls())}
        self.calls: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def attach(self, client: Any) -> None:
        service = client.meta.service_model.service_name

        def before_call(model: Any, **__: Any) -> None:
            key = (service, model.name)
            if key not in self.allowed:
                raise ReadOnlyViolation(_("refused {service}:{operation}: not a declared "
                                          "read-only operation of onboard's collectors").format(
                    service=service, operation=model.name))

            with self._lock:
                self.calls[key] += 1

        client.meta.events.register_first("before-call.*.*", before_call)

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.calls.values())


DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"

# API Gateway's IAM actions are HTTP verbs on resource paths: `apigateway:GET` on "*" would
# also read API key values (GET /apikeys?includeValues=true). Only these paths are read.
APIGATEWAY_RESOURCES: dict[tuple[str, str], tuple[str, ...]] = {
    ("apigateway", "GetRestApis"): ("/restapis",),
    ("apigateway", "GetStages"): ("/restapis/*/stages",),
    ("apigatewayv2", "GetApis"): ("/apis",),
}


def _sid(service: str) -> str:
    return "OnboardRead" + "".join(part.capitalize() for part in
                                   service.replace("_", "-").split("-"))


def iam_policy(role_name: str = DEFAULT_ROLE_NAME, partition: str = "aws") -> dict[str, Any]:
    """The least-privilege policy a scan needs, generated from the collectors' declarations:
    one statement per service; sts:AssumeRole only on `role_name` (in any account), and
    apigateway:GET only on the API listings the collectors read."""
    by_service: dict[str, set[str]] = {}
    apigw: set[str] = set()
    for call in declared_calls():
        action = call.iam_action
        if (call.service, call.operation) in APIGATEWAY_RESOURCES:
            apigw.update(f"arn:{partition}:apigateway:*::{path}"
                         for path in APIGATEWAY_RESOURCES[(call.service, call.operation)])
            continue
        if action == "sts:AssumeRole":
            continue
        by_service.setdefault(action.split(":", 1)[0], set()).add(action)
    statements: list[dict[str, Any]] = [
        {"Sid": _sid(service), "Effect": "Allow", "Action": sorted(actions), "Resource": "*"}
        for service, actions in sorted(by_service.items())]
    if apigw:
        statements.append({"Sid": "OnboardReadApiGatewayListings", "Effect": "Allow",
                           "Action": "apigateway:GET", "Resource": sorted(apigw)})
    statements.append({"Sid": "OnboardAssumeAuditRole", "Effect": "Allow",
                       "Action": "sts:AssumeRole",
                       "Resource": f"arn:{partition}:iam::*:role/{role_name}"})
    return {"Version": "2012-10-17", "Statement": statements}


def policy_actions(policy: dict[str, Any]) -> set[str]:
    """Every action a policy document allows, whatever its resources."""
    out: set[str] = set()
    for st in policy["Statement"]:
        actions = st["Action"]
        out.update([actions] if isinstance(actions, str) else actions)
    return out


def policy_allows(policy: dict[str, Any], action: str, resource: str) -> bool:
    """Whether an Allow statement matches `action` on `resource` (IAM's `*` and `?`, in
    actions case-insensitively)."""
    import fnmatch

    for st in policy["Statement"]:
        actions = [st["Action"]] if isinstance(st["Action"], str) else st["Action"]
        resources = [st["Resource"]] if isinstance(st["Resource"], str) else st["Resource"]
        if st["Effect"] == "Allow" and any(
                fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions) and any(
                fnmatch.fnmatchcase(resource, r) for r in resources):
            return True
    return False


def iam_policy_json(role_name: str = DEFAULT_ROLE_NAME) -> str:
    return json.dumps(iam_policy(role_name), indent=2)
