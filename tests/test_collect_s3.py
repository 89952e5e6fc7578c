"""Collector tests for S3 (account Block Public Access and buckets) against moto."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from onboard.aws.collect.base import REGISTRY, Context
from onboard.aws.collect.s3 import bucket_region, collect_account, collect_buckets
from onboard.checks import evaluate
from onboard.checks.base import Inventory
from onboard.models import Status

ACCOUNT = "123456789012"
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}


def deny(session: boto3.Session, event: str, code: str = "AccessDenied") -> None:
    """Make every call matching `event` (e.g. 's3.GetBucketVersioning') fail with `code`."""

    def handler(**_: Any) -> tuple[Any, dict[str, Any]]:
        return SimpleNamespace(status_code=403, raw=None), {"Error": {"Code": code}}

    session.events.register(f"before-call.{event}", handler)


def record_calls(session: boto3.Session) -> list[str]:
    calls: list[str] = []

    def handler(model: Any, **_: Any) -> None:
        calls.append(f"{model.service_model.service_name}:{model.name}")

    session.events.register("before-call.*.*", handler)
    return calls


def by_id(resources: list[Any]) -> dict[str, Any]:
    return {r.id: r for r in resources}


def test_registered_with_every_call_declared() -> None:
    buckets = REGISTRY["s3.buckets"]
    assert buckets.scope == "global" and buckets.produces == ("s3.bucket",)
    ops = {c.operation for c in buckets.calls}
    assert {"ListBuckets", "GetBucketLocation", "GetPublicAccessBlock", "GetBucketPolicy",
            "GetBucketPolicyStatus", "GetBucketAcl", "GetBucketOwnershipControls",
            "GetBucketVersioning"} == ops
    account = REGISTRY["s3.account"]
    assert [c.iam_action for c in account.calls] == ["s3:GetAccountPublicAccessBlock"]


@pytest.mark.parametrize(("location", "region"), [
    (None, "us-east-1"), ("", "us-east-1"), ("EU", "eu-west-1"), ("ap-south-1", "ap-south-1"),
])
def test_bucket_region(location: str | None, region: str) -> None:
    assert bucket_region(location) == region


def test_account_bpa_not_configured_then_configured(aws: None,
                                                    make_ctx: Callable[..., Context]) -> None:
    [acct] = collect_account(make_ctx())
    assert (acct.type, acct.id, acct.region) == ("s3.account", ACCOUNT, "global")
    assert acct.attrs == {"public_access_block": None, "errors": {}}

    boto3.client("s3control", region_name="us-east-1").put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={**ALL_ON, "IgnorePublicAcls": False})
    [acct] = collect_account(make_ctx())
    assert acct.attrs["public_access_block"] == {**ALL_ON, "IgnorePublicAcls": False}


def test_account_bpa_denied_is_recorded(aws: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    deny(session, "s3-control.GetPublicAccessBlock")
    [acct] = collect_account(make_ctx(session=session))
    assert acct.attrs == {"public_access_block": None,
                          "errors": {"public_access_block": "AccessDenied"}}


def test_no_buckets(aws: None, make_ctx: Callable[..., Context]) -> None:
    assert collect_buckets(make_ctx()) == []


@pytest.fixture
def two_buckets(aws: None) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="acme-private")
    s3.put_public_access_block(Bucket="acme-private", PublicAccessBlockConfiguration=ALL_ON)
    s3.put_bucket_versioning(Bucket="acme-private",
                             VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_ownership_controls(Bucket="acme-private", OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    s3.put_bucket_encryption(Bucket="acme-private", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"},
                   "BucketKeyEnabled": True}]})
    eu = boto3.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="acme-logs", ACL="log-delivery-write",
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.create_bucket(Bucket="acme-public",
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_bucket_acl(Bucket="acme-public", ACL="public-read")
    eu.put_bucket_policy(Bucket="acme-public", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Public", "Effect": "Allow", "Principal": "*",
                       "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-public/*"}]}))
    eu.put_bucket_versioning(Bucket="acme-public",
                             VersioningConfiguration={"Status": "Suspended"})
    eu.put_bucket_logging(Bucket="acme-public", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "acme-logs", "TargetPrefix": "public/"}})


def test_bucket_attrs(two_buckets: None, make_ctx: Callable[..., Context]) -> None:
    got = by_id(collect_buckets(make_ctx()))
    assert set(got) == {"acme-private", "acme-public", "acme-logs"}

    private = got["acme-private"]
    assert (private.type, private.region, private.name) == ("s3.bucket", "us-east-1",
                                                            "acme-private")
    assert private.arn == "arn:aws:s3:::acme-private"
    a = private.attrs
    assert a["public_access_block"] == ALL_ON
    assert a["versioning"] == "Enabled"
    assert a["ownership"] == "BucketOwnerEnforced"
    assert a["acl_grants"] == []  # ACLs disabled: GetBucketAcl is not called
    assert "encryption" not in a  # no check needs it: not a call worth making
    assert a["policy"] is None and a["policy_public"] is None
    assert a["created"].startswith("20")
    assert a["errors"] == {}

    public = got["acme-public"].attrs
    assert got["acme-public"].region == "eu-west-1"
    assert public["public_access_block"] is None  # moto: fresh bucket has no BPA
    assert public["policy_public"] is True
    assert public["policy"]["Statement"][0]["Principal"] == "*"
    assert {"grantee_type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers",
            "id": None, "permission": "READ"} in public["acl_grants"]
    assert public["versioning"] == "Suspended"
    assert public["ownership"] is None
    assert public["errors"] == {}


def test_calls_are_minimal(two_buckets: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    calls = record_calls(session)
    collect_buckets(make_ctx(session=session))
    assert calls.count("s3:ListBuckets") == 1
    assert calls.count("s3:GetBucketLocation") == 3
    # Only acme-public has a policy; acme-private has ACLs disabled.
    assert calls.count("s3:GetBucketPolicyStatus") == 1
    assert calls.count("s3:GetBucketAcl") == 2
    # ListBuckets + 5 per bucket + 1 policy status + 2 ACLs
    assert len(calls) == 1 + 3 * 5 + 1 + 2


def test_bucket_region_from_list_buckets_skips_location(
        two_buckets: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()

    def add_region(parsed: dict[str, Any], **_: Any) -> None:
        for b in parsed.get("Buckets", []):
            b["BucketRegion"] = "eu-west-1" if b["Name"] == "acme-public" else "us-east-1"

    session.events.register("after-call.s3.ListBuckets", add_region)
    calls = record_calls(session)
    got = by_id(collect_buckets(make_ctx(session=session)))
    assert "s3:GetBucketLocation" not in calls
    assert got["acme-public"].region == "eu-west-1"
    assert got["acme-public"].attrs["versioning"] == "Suspended"


def test_detail_failures_are_recorded_per_bucket(two_buckets: None,
                                                 make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    deny(session, "s3.GetBucketVersioning")
    deny(session, "s3.GetBucketPolicyStatus")

    def not_implemented(**_: Any) -> None:
        raise NotImplementedError("moto gap")

    session.events.register("before-call.s3.GetBucketOwnershipControls", not_implemented)
    got = by_id(collect_buckets(make_ctx(session=session)))
    assert got["acme-private"].attrs["errors"] == {"versioning": "AccessDenied",
                                                   "ownership": "NotImplemented"}
    public = got["acme-public"].attrs
    assert public["errors"] == {"versioning": "AccessDenied", "policy_status": "AccessDenied",
                                "ownership": "NotImplemented"}
    assert public["versioning"] is None and public["policy_public"] is None
    assert public["policy"] is not None  # the policy itself was still read


def test_list_buckets_failure_propagates(aws: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    deny(session, "s3.ListBuckets")
    with pytest.raises(ClientError, match="AccessDenied"):
        collect_buckets(make_ctx(session=session))


def test_bucket_deleted_mid_scan_is_dropped(two_buckets: None,
                                            make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()

    def gone(params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]] | None:
        if "acme-logs" in params["url_path"] or "acme-logs" in params["url"]:
            return SimpleNamespace(status_code=404, raw=None), {"Error": {"Code": "NoSuchBucket"}}
        return None

    session.events.register("before-call.s3.GetBucketLocation", gone)
    calls = record_calls(session)
    assert set(by_id(collect_buckets(make_ctx(session=session)))) == {"acme-private",
                                                                       "acme-public"}
    assert len(calls) == 1 + 2 * 5 + 1 + 1 + 1  # nothing more asked about acme-logs


def test_checks_read_what_the_collector_produces(two_buckets: None,
                                                 make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    inv = Inventory(collect_account(ctx) + collect_buckets(ctx))
    found = {(f.check_id, f.resource_id): (f.status, f.message)
             for f in evaluate(inv, {}, only={"s3.bucket_public", "s3.versioning",
                                              "s3.bucket_public_access_block",
                                              "s3.account_public_access_block"})}
    assert found[("s3.account_public_access_block", ACCOUNT)][0] == Status.FAIL
    status, message = found[("s3.bucket_public", "acme-public")]
    assert status == Status.FAIL
    assert "policy statement 'Public' allows s3:GetObject to *" in message
    assert "ACL grant READ to AllUsers" in message
    assert found[("s3.bucket_public", "acme-private")][0] == Status.PASS
    assert found[("s3.bucket_public_access_block", "acme-private")] == (
        Status.PASS, "bucket acme-private: Block Public Access fully on (from the bucket)")
    assert found[("s3.bucket_public_access_block", "acme-public")][0] == Status.FAIL
    assert found[("s3.versioning", "acme-public")] == (
        Status.FAIL, "bucket acme-public: versioning Suspended")
    assert found[("s3.versioning", "acme-logs")] == (
        Status.FAIL, "bucket acme-logs: versioning never enabled")
    assert found[("s3.versioning", "acme-private")][0] == Status.PASS
