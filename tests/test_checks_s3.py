"""Table-driven tests of the S3 evaluators from hand-made inventory records."""

from __future__ import annotations

from typing import Any

import pytest

from onboard.checks import all_checks
from onboard.checks import evaluate as evaluate_all
from onboard.checks.base import Inventory, Outcome
from onboard.checks.s3_access import public_statements, restricting_condition
from onboard.models import CollectError, Resource, Status

REGISTRY = all_checks()

ACCOUNT = "111122223333"
ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
       "RestrictPublicBuckets": True}
NONE_ON = dict.fromkeys(ALL, False)
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
OWNER_GRANT = {"grantee_type": "CanonicalUser", "uri": None, "id": "abc",
               "permission": "FULL_CONTROL"}
ERR = object()  # marker: the level could not be read


def flags(*on: str) -> dict[str, bool]:
    return {f: f in on for f in ALL}


def account(bpa: Any = None) -> Resource:
    errors = {"public_access_block": "AccessDenied"} if bpa is ERR else {}
    return Resource(type="s3.account", id=ACCOUNT, account_id=ACCOUNT, name=ACCOUNT,
                    attrs={"public_access_block": None if bpa is ERR else bpa,
                           "errors": errors})


def bucket(name: str = "acme-data", bpa: Any = None, **attrs: Any) -> Resource:
    errors = dict(attrs.pop("errors", {}))
    if bpa is ERR:
        errors["public_access_block"] = "AccessDenied"
        bpa = None
    base = {"public_access_block": bpa, "policy_public": None, "policy": None,
            "acl_grants": [OWNER_GRANT], "versioning": None, "mfa_delete": None,
            "encryption": None, "logging_target": None, "ownership": None,
            "created": "2024-01-01T00:00:00+00:00", "errors": errors}
    base.update(attrs)
    return Resource(type="s3.bucket", id=name, name=name, account_id=ACCOUNT,
                    region="eu-west-1", arn=f"arn:aws:s3:::{name}", attrs=base)


def run(check_id: str, *resources: Resource) -> list[Outcome]:
    return list(REGISTRY[check_id].fn(Inventory(list(resources))))


def one(check_id: str, *resources: Resource) -> Outcome:
    [out] = run(check_id, *resources)
    return out


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(principal: Any = "*", action: Any = "s3:GetObject", sid: str = "PublicRead",
          condition: dict[str, Any] | None = None, effect: str = "Allow") -> dict[str, Any]:
    stmt: dict[str, Any] = {"Sid": sid, "Effect": effect, "Principal": principal,
                            "Action": action, "Resource": "arn:aws:s3:::acme-data/*"}
    if condition:
        stmt["Condition"] = condition
    return stmt


# --- s3.account_public_access_block ------------------------------------------------------


@pytest.mark.parametrize(("bpa", "status", "message"), [
    (ALL, Status.PASS, "account-level Block Public Access: all four flags on"),
    (None, Status.FAIL, "account-level Block Public Access not configured"),
    (flags("BlockPublicAcls", "BlockPublicPolicy"), Status.FAIL,
     "account-level Block Public Access off: IgnorePublicAcls, RestrictPublicBuckets"),
    (NONE_ON, Status.FAIL, "account-level Block Public Access off: BlockPublicAcls, "
                           "IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets"),
    (ERR, Status.ERROR, "account-level Block Public Access could not be read (AccessDenied)"),
])
def test_account_bpa(bpa: Any, status: Status, message: str) -> None:
    out = one("s3.account_public_access_block", account(bpa), bucket(bpa=ALL))
    assert (out.status, out.message) == (status, message)
    assert (out.resource_id, out.account_id, out.region) == (ACCOUNT, ACCOUNT, "global")
    assert out.resource_type == "s3.account"


# --- s3.bucket_public_access_block -------------------------------------------------------


@pytest.mark.parametrize(("bucket_bpa", "account_bpa", "status", "message"), [
    (ALL, None, Status.PASS, "Block Public Access fully on (from the bucket)"),
    (None, ALL, Status.PASS, "Block Public Access fully on (from the account)"),
    (ALL, ALL, Status.PASS, "Block Public Access fully on (from the bucket and account)"),
    (flags("BlockPublicAcls", "IgnorePublicAcls"),
     flags("BlockPublicPolicy", "RestrictPublicBuckets"), Status.PASS,
     "Block Public Access fully on (from the bucket and account combined)"),
    (ALL, ERR, Status.PASS, "Block Public Access fully on (from the bucket)"),
    (ERR, ALL, Status.PASS, "Block Public Access fully on (from the account)"),
    (None, None, Status.FAIL,
     "Block Public Access off for BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, "
     "RestrictPublicBuckets (bucket: not configured; account: not configured)"),
    (flags("BlockPublicAcls", "BlockPublicPolicy"), None, Status.FAIL,
     "Block Public Access off for IgnorePublicAcls, RestrictPublicBuckets (bucket: only "
     "BlockPublicAcls, BlockPublicPolicy on; account: not configured)"),
    (NONE_ON, flags("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy"), Status.FAIL,
     "Block Public Access off for RestrictPublicBuckets (bucket: all off; account: only "
     "BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy on)"),
    (None, ERR, Status.ERROR,
     "Block Public Access unknown for BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, "
     "RestrictPublicBuckets (bucket: not configured; account: unknown (AccessDenied))"),
    (ERR, None, Status.ERROR, "bucket: unknown (AccessDenied); account: not configured"),
    (flags("BlockPublicAcls"), ERR, Status.ERROR,
     "unknown for IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets"),
])
def test_bucket_bpa(bucket_bpa: Any, account_bpa: Any, status: Status, message: str) -> None:
    out = one("s3.bucket_public_access_block", account(account_bpa), bucket(bpa=bucket_bpa))
    assert out.status == status
    assert out.message.startswith("bucket acme-data: ")
    assert message in out.message
    assert (out.resource_id, out.region, out.resource_arn) == ("acme-data", "eu-west-1",
                                                               "arn:aws:s3:::acme-data")


def test_bucket_bpa_without_account_record_is_unknown() -> None:
    out = one("s3.bucket_public_access_block", bucket(bpa=flags("BlockPublicAcls")))
    assert out.status == Status.ERROR
    assert "account: unknown (not collected)" in out.message
    assert one("s3.bucket_public_access_block", bucket(bpa=ALL)).status == Status.PASS


def test_bucket_bpa_one_outcome_per_bucket() -> None:
    outs = run("s3.bucket_public_access_block", account(ALL),
               bucket("a-one"), bucket("a-two", bpa=ALL))
    assert [(o.resource_id, o.status) for o in outs] == [("a-one", Status.PASS),
                                                        ("a-two", Status.PASS)]


# --- s3.bucket_public ---------------------------------------------------------------------

OAC_POLICY = policy(allow({"Service": "cloudfront.amazonaws.com"}, condition={
    "StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E1"}}))


@pytest.mark.parametrize(("attrs", "account_bpa", "status", "message"), [
    # private
    ({}, None, Status.PASS, "not public (no public policy statement or ACL grant)"),
    ({"policy": OAC_POLICY, "policy_public": False}, None, Status.PASS,
     "no public policy statement or ACL grant"),
    ({"policy": policy(allow(condition={"StringEquals": {"aws:SourceArn": "arn:x"}}))},
     None, Status.PASS, "not public"),
    ({"policy": policy(allow(condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}}))},
     None, Status.PASS, "not public"),
    ({"policy": policy(allow(condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}))},
     None, Status.PASS, "not public"),
    ({"policy": policy(allow(condition={"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}))},
     None, Status.PASS, "not public"),
    ({"policy": policy(allow(effect="Deny"))}, None, Status.PASS, "not public"),
    ({"policy": policy(allow({"AWS": "arn:aws:iam::444455556666:root"}))}, None, Status.PASS,
     "not public"),
    ({"acl_grants": [OWNER_GRANT, {"grantee_type": "Group", "uri": LOG_DELIVERY, "id": None,
                                   "permission": "WRITE"}]}, None, Status.PASS, "not public"),
    # public through the policy
    ({"policy": policy(allow()), "policy_public": True}, None, Status.FAIL,
     "public via policy statement 'PublicRead' allows s3:GetObject to *"),
    ({"policy": policy(allow({"AWS": "*"}, action=["s3:GetObject", "s3:PutObject"]))},
     None, Status.FAIL, "allows s3:GetObject, s3:PutObject to *"),
    ({"policy": policy(allow({"AWS": ["arn:aws:iam::444455556666:root", "*"]}))}, None,
     Status.FAIL, "public via policy"),
    ({"policy": policy(allow(condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}))},
     None, Status.FAIL, "public via policy"),
    ({"policy": policy(allow(condition={"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}))},
     None, Status.FAIL, "public via policy"),
    ({"policy": policy(allow(condition={"Bool": {"aws:SecureTransport": "true"}}))}, None,
     Status.FAIL, "public via policy"),
    ({"policy": policy({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                        "Action": "s3:*", "Resource": "*"})}, None, Status.FAIL,
     "statement '#1' allows s3:* to *"),
    ({"policy": OAC_POLICY, "policy_public": True}, None, Status.FAIL,
     "public via policy is public (GetBucketPolicyStatus IsPublic)"),
    ({"policy": policy(allow()), "errors": {"policy_status": "AccessDenied"}}, None,
     Status.FAIL, "public via policy statement"),
    # public policy neutralised by RestrictPublicBuckets
    ({"policy": policy(allow()), "policy_public": True}, ALL, Status.PASS,
     "neutralised by RestrictPublicBuckets (account)"),
    ({"policy": policy(allow()), "policy_public": True,
      "public_access_block": flags("RestrictPublicBuckets")}, None, Status.PASS,
     "neutralised by RestrictPublicBuckets (bucket)"),
    ({"policy": policy(allow()), "policy_public": True},
     flags("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy"), Status.FAIL,
     "public via policy"),
    ({"policy": policy(allow()), "policy_public": True}, ERR, Status.ERROR,
     "RestrictPublicBuckets is unknown"),
    # public through the ACL
    ({"acl_grants": [OWNER_GRANT, {"grantee_type": "Group", "uri": ALL_USERS, "id": None,
                                   "permission": "READ"}]}, None, Status.FAIL,
     "public via ACL grant READ to AllUsers"),
    ({"acl_grants": [{"grantee_type": "Group", "uri": AUTH_USERS, "id": None,
                      "permission": "WRITE"}]}, None, Status.FAIL,
     "public via ACL grant WRITE to AuthenticatedUsers"),
    ({"acl_grants": [{"grantee_type": "Group", "uri": ALL_USERS, "id": None,
                      "permission": "READ_ACP"},
                     {"grantee_type": "Group", "uri": ALL_USERS, "id": None,
                      "permission": "WRITE_ACP"}]}, None, Status.FAIL,
     "ACL grant READ_ACP to AllUsers; ACL grant WRITE_ACP to AllUsers"),
    ({"acl_grants": [{"grantee_type": "Group", "uri": ALL_USERS, "id": None,
                      "permission": "FULL_CONTROL"}]}, ALL, Status.PASS,
     "ACL grant FULL_CONTROL to AllUsers, neutralised by IgnorePublicAcls (account)"),
    ({"acl_grants": [{"grantee_type": "Group", "uri": ALL_USERS, "id": None,
                      "permission": "READ"}], "ownership": "BucketOwnerEnforced"}, None,
     Status.PASS, "no public policy statement or ACL grant"),
    ({"acl_grants": [{"grantee_type": "Group", "uri": ALL_USERS, "id": None,
                      "permission": "READ"}]}, ERR, Status.ERROR, "IgnorePublicAcls is unknown"),
    # both paths
    ({"policy": policy(allow()), "acl_grants": [{"grantee_type": "Group", "uri": ALL_USERS,
                                                 "id": None, "permission": "READ"}]},
     None, Status.FAIL, "policy statement 'PublicRead' allows s3:GetObject to *; ACL grant "
                        "READ to AllUsers"),
    # unreadable paths
    ({"errors": {"policy": "AccessDenied"}}, None, Status.ERROR,
     "cannot tell whether public: policy could not be read (AccessDenied)"),
    ({"errors": {"policy": "AccessDenied"},
      "acl_grants": [{"grantee_type": "Group", "uri": ALL_USERS, "id": None,
                      "permission": "READ"}]}, None, Status.FAIL,
     "public via ACL grant READ to AllUsers"),
    ({"errors": {"acl": "AccessDenied"}, "acl_grants": []}, None, Status.ERROR,
     "ACL could not be read (AccessDenied)"),
    ({"errors": {"acl": "AccessDenied"}, "acl_grants": []}, ALL, Status.PASS, "not public"),
])
def test_bucket_public(attrs: dict[str, Any], account_bpa: Any, status: Status,
                       message: str) -> None:
    bpa = attrs.pop("public_access_block", None)
    out = one("s3.bucket_public", account(account_bpa), bucket(bpa=bpa, **attrs))
    assert out.status == status, out.message
    assert out.message.startswith("bucket acme-data: ")
    assert message in out.message
    assert out.resource_id == "acme-data"


@pytest.mark.parametrize(("condition", "restricts"), [
    (None, False),
    ({"StringEquals": {"aws:SourceAccount": "111122223333"}}, True),
    # AWS needs fixed values: a wildcard in the ARN leaves the statement public (issue #11)
    ({"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::1:distribution/*"}}, False),
    ({"ArnEquals": {"aws:SourceArn": "arn:aws:cloudfront::1:distribution/E1"}}, True),
    ({"StringLike": {"aws:PrincipalOrgID": "*"}}, False),
    ({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, False),
    ({"Null": {"aws:SourceVpce": "false"}}, False),
    ({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, False),
    ({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::/0"]}}, False),
    ({"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}, False),
])
def test_restricting_condition(condition: dict[str, Any] | None, restricts: bool) -> None:
    assert restricting_condition(condition) is restricts


def test_public_statements_tolerates_odd_shapes() -> None:
    assert public_statements(None) == []
    assert public_statements({"Statement": allow(sid="")}) == [
        "statement '#1' allows s3:GetObject to *"]
    assert public_statements({"Statement": ["not a dict"]}) == []


# --- s3.versioning ------------------------------------------------------------------------


@pytest.mark.parametrize(("attrs", "status", "message"), [
    ({"versioning": "Enabled"}, Status.PASS, "bucket acme-data: versioning Enabled"),
    ({"versioning": "Suspended"}, Status.FAIL, "bucket acme-data: versioning Suspended"),
    ({"versioning": None}, Status.FAIL, "bucket acme-data: versioning never enabled"),
    ({"errors": {"versioning": "AccessDenied"}}, Status.ERROR,
     "bucket acme-data: versioning could not be read (AccessDenied)"),
])
def test_versioning(attrs: dict[str, Any], status: Status, message: str) -> None:
    out = one("s3.versioning", bucket(**attrs))
    assert (out.status, out.message, out.resource_id) == (status, message, "acme-data")


def test_versioning_ignores_unrelated_errors() -> None:
    out = one("s3.versioning", bucket(versioning="Enabled", errors={"logging": "AccessDenied"}))
    assert out.status == Status.PASS


# --- wiring -------------------------------------------------------------------------------


def test_needs_and_collector_failure_become_error() -> None:
    assert REGISTRY["s3.bucket_public"].needs == ("s3.bucket", "s3.account")
    assert REGISTRY["s3.versioning"].needs == ("s3.bucket",)
    inv = Inventory([account(ALL), bucket(versioning="Suspended")], [CollectError(
        collector="s3.buckets", types=["s3.bucket"], account_id="999988887777",
        region="global", code="AccessDenied", message="no")])
    findings = evaluate_all(inv, {}, only={"s3.versioning"})
    assert [(f.account_id, f.status, f.resource_id) for f in findings] == [
        (ACCOUNT, Status.FAIL, "acme-data"), ("999988887777", Status.ERROR, "999988887777")]
