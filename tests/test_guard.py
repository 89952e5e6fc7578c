"""The read-only guard refuses writes before they are sent; the policy matches it."""

from __future__ import annotations

import json
import re

import boto3
import pytest

from onboard.aws.collect import all_collectors
from onboard.aws.guard import (
    Guard,
    ReadOnlyViolation,
    declared_calls,
    iam_policy,
    is_read_only,
    policy_actions,
)
from onboard.cli import main


def test_every_declared_call_is_a_read() -> None:
    calls = declared_calls()
    assert len(calls) > 40
    writes = [f"{c.service}:{c.operation}" for c in calls if not is_read_only(c)]
    assert writes == []


def test_every_collector_declares_calls_and_types() -> None:
    for name, col in all_collectors().items():
        assert col.calls, name
        assert col.produces, name
        assert all("." in t for t in col.produces), name


def test_guard_refuses_an_undeclared_write_before_sending(aws: None) -> None:
    guard = Guard()
    s3 = boto3.client("s3", region_name="us-east-1")
    guard.attach(s3)
    with pytest.raises(ReadOnlyViolation, match="s3:CreateBucket"):
        s3.create_bucket(Bucket="should-not-exist")
    other = boto3.client("s3", region_name="us-east-1")
    assert other.list_buckets()["Buckets"] == []  # nothing reached the backend
    s3.list_buckets()
    assert guard.calls[("s3", "ListBuckets")] == 1
    assert guard.total == 1


def test_policy_is_valid_json_with_iam_actions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy"]) == 0
    policy = json.loads(capsys.readouterr().out)
    assert policy == iam_policy()
    assert all(st["Effect"] == "Allow" for st in policy["Statement"])
    actions = sorted(policy_actions(policy))
    assert all(re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9]+", a) for a in actions)
    assert "s3:ListAllMyBuckets" in actions and "sts:AssumeRole" in actions
    assert not any(a.split(":")[1].startswith(("Put", "Create", "Delete", "Update"))
                   for a in actions)
