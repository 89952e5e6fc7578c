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

        def before_call(model: Any, **_: Any) -> None:
            key = (service, model.name)
            if key not in self.allowed:
                raise ReadOnlyViolation(f"refused {service}:{model.name}: not a declared "
                                        "read-only operation of onboard's collectors")
            with self._lock:
                self.calls[key] += 1

        client.meta.events.register_first("before-call.*.*", before_call)

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.calls.values())


def iam_policy() -> dict[str, Any]:
    """The least-privilege policy a scan needs, generated from the collectors' declarations."""
    actions = sorted({c.iam_action for c in declared_calls()})
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OnboardReadOnlyAudit",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*",
        }],
    }


def iam_policy_json() -> str:
    return json.dumps(iam_policy(), indent=2)
