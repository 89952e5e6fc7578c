"""Table-driven tests for the identity evaluators (IAM root and users, Identity Center)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from onboard.checks.base import Inventory, Outcome
from onboard.checks.iam_human_users import human_users
from onboard.checks.iam_root_access_keys import root_access_keys
from onboard.checks.iam_root_mfa import root_mfa
from onboard.checks.iam_user_access_keys import user_access_keys
from onboard.checks.iam_user_mfa import user_mfa
from onboard.checks.iam_workload_users import workload_users
from onboard.checks.sso_enabled import sso_enabled
from onboard.models import CollectError, Resource, Status

ACCT = "111111111111"
MEMBER = "222222222222"
NOW = datetime.now(UTC)


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).isoformat()


def run(fn: Callable[[Inventory], Iterator[Outcome]], *resources: Resource,
        errors: list[CollectError] | None = None) -> list[Outcome]:
    return list(fn(Inventory(list(resources), errors or [])))


def only(fn: Callable[[Inventory], Iterator[Outcome]], *resources: Resource) -> Outcome:
    [out] = run(fn, *resources)
    return out


# --- root -----------------------------------------------------------------------------------

def account(root: dict[str, Any] | None = None, summary: dict[str, Any] | None = None,
            errors: dict[str, str] | None = None) -> Resource:
    return Resource(type="iam.account", id=ACCT, account_id=ACCT,
                    arn=f"arn:aws:iam::{ACCT}:root",
                    attrs={"root": root, "summary": summary, "password_policy": None,
                           "errors": errors or {}})


def root_row(**kw: Any) -> dict[str, Any]:
    row = {"user": "<root_account>", "password_enabled": None, "mfa_active": False,
           "access_key_1_active": False, "access_key_1_last_rotated": None,
           "access_key_1_last_used_date": None, "access_key_2_active": False,
           "access_key_2_last_rotated": None, "cert_1_active": False, "cert_2_active": False}
    row.update(kw)
    return row


@pytest.mark.parametrize("rec, status, words", [
    (account(root_row(mfa_active=True)), Status.PASS, "has MFA (credential report"),
    (account(root_row(mfa_active=False)), Status.FAIL, "no MFA device (credential report"),
    # the report row wins over the summary
    (account(root_row(mfa_active=True), {"AccountMFAEnabled": 0}), Status.PASS, "has MFA"),
    (account(None, {"AccountMFAEnabled": 1}), Status.PASS, "AccountMFAEnabled 1"),
    (account(None, {"AccountMFAEnabled": 0}), Status.FAIL, "AccountMFAEnabled 0"),
    # root credentials removed centrally: nothing to protect with MFA
    (account(root_row(password_enabled=False)), Status.PASS, "no password and no access key"),
    (account(root_row(password_enabled=False, access_key_1_active=True)), Status.FAIL,
     "no MFA device"),
    (account(None, None, {"account_summary": "AccessDenied", "credential_report": "Timeout"}),
     Status.ERROR, "account_summary: AccessDenied"),
])
def test_root_mfa(rec: Resource, status: Status, words: str) -> None:
    out = only(root_mfa, rec)
    assert out.status == status and words in out.message
    assert out.resource_id == ACCT and out.region == "global"


@pytest.mark.parametrize("rec, status, words", [
    (account(root_row(access_key_1_active=True,
                      access_key_1_last_rotated="2019-05-01T10:00:00+00:00",
                      access_key_1_last_used_date="2024-02-03T04:05:06+00:00")),
     Status.FAIL, "1 active access key(s): key 1 created 2019-05-01, last used 2024-02-03"),
    (account(root_row(access_key_2_active=True,
                      access_key_2_last_rotated="2019-05-01T10:00:00+00:00")),
     Status.FAIL, "key 2 created 2019-05-01, last used never"),
    (account(root_row(access_key_1_last_rotated="2019-05-01T10:00:00+00:00")),
     Status.PASS, "an inactive one remains"),
    (account(root_row(), {"AccountAccessKeysPresent": 1}), Status.PASS, "no access key"),
    (account(None, {"AccountAccessKeysPresent": 1}), Status.FAIL, "AccountAccessKeysPresent 1"),
    (account(None, {"AccountAccessKeysPresent": 0}), Status.PASS, "no access key"),
    (account(None, None, {"account_summary": "AccessDenied"}), Status.ERROR, "AccessDenied"),
])
def test_root_access_keys(rec: Resource, status: Status, words: str) -> None:
    out = only(root_access_keys, rec)
    assert out.status == status and words in out.message
    assert out.resource_id == ACCT


# --- users ----------------------------------------------------------------------------------

def key(key_id: str, *, status: str = "Active", age: float = 10, used: float | None = 1,
        service: str | None = "s3") -> dict[str, Any]:
    return {"id": key_id, "status": status, "created": ago(age),
            "last_used": None if used is None else ago(used),
            "last_used_service": None if used is None else service}


def user(name: str, *, password: bool | None = False, mfa: bool | None = False,
         keys: list[dict[str, Any]] | None = None, errors: dict[str, str] | None = None,
         last_login: str | None = None) -> Resource:
    return Resource(type="iam.user", id=name, name=name, account_id=ACCT,
                    arn=f"arn:aws:iam::{ACCT}:user/{name}",
                    attrs={"password_enabled": password, "password_last_used": last_login,
                           "mfa_active": mfa, "access_keys": keys or [], "created": ago(400),
                           "tags": {}, "source": "credential_report", "errors": errors or {}})


@pytest.mark.parametrize("rec, status, message", [
    (user("haruka.sato", password=True, last_login="2025-03-04T05:06:07+00:00"), Status.FAIL,
     "user haruka.sato has a console password (last signed in 2025-03-04); people should sign "
     "in through IAM Identity Center"),
    (user("kenji", password=True), Status.FAIL, "no recorded sign-in"),
    (user("ci", keys=[key("AKIA1")]), Status.PASS, "user ci has no console password"),
    (user("x", password=None, errors={"login_profile": "AccessDenied"}), Status.ERROR,
     "GetLoginProfile: AccessDenied"),
])
def test_human_users(rec: Resource, status: Status, message: str) -> None:
    out = only(human_users, rec)
    assert out.status == status and message in out.message
    assert out.resource_id == rec.id and out.resource_arn == rec.arn


@pytest.mark.parametrize("rec, status, message", [
    (user("haruka.sato", password=True, mfa=False), Status.FAIL,
     "user haruka.sato has a console password and no MFA device"),
    (user("kenji", password=True, mfa=True), Status.PASS,
     "user kenji has a console password and an MFA device"),
    (user("x", password=True, mfa=None, errors={"mfa_devices": "Throttling"}), Status.ERROR,
     "ListMFADevices: Throttling"),
    (user("y", password=None, errors={"login_profile": "AccessDenied"}), Status.ERROR,
     "GetLoginProfile: AccessDenied"),
])
def test_user_mfa(rec: Resource, status: Status, message: str) -> None:
    out = only(user_mfa, rec)
    assert out.status == status and message in out.message and out.resource_id == rec.id


def test_user_mfa_ignores_programmatic_users() -> None:
    assert run(user_mfa, user("ci", password=False, mfa=False, keys=[key("AKIA1")])) == []


@pytest.mark.parametrize("rec, status, words", [
    (user("ci", keys=[key("AKIAOLD", age=200, used=3)]), Status.FAIL,
     ["user ci: active access key AKIAOLD is 200 days old (last used", "(s3)"]),
    (user("ci", keys=[key("AKIANEVER", age=30, used=None)]), Status.FAIL,
     ["key AKIANEVER was never used (created 30 days ago)"]),
    (user("ci", keys=[key("AKIAOLDNEVER", age=120, used=None)]), Status.FAIL,
     ["AKIAOLDNEVER is 120 days old (never used)"]),
    # never used is a FAIL whatever the age (DESIGN.md's definition); the age is said
    (user("ci", keys=[key("AKIANEW", age=1, used=None)]), Status.FAIL,
     ["key AKIANEW was never used (created 1 day ago)"]),
    (user("ci", keys=[key("AKIAOK", age=89, used=2)]), Status.PASS,
     ["key AKIAOK is 89 days old (last used"]),
    # the inactive old key does not count
    (user("ci", keys=[key("AKIAOK", age=5, used=1),
                      key("AKIAOFF", status="Inactive", age=900, used=None)]),
     Status.PASS, ["AKIAOK"]),
    # both keys named when both are bad
    (user("ci", keys=[key("AKIAA", age=100), key("AKIAB", age=40, used=None)]), Status.FAIL,
     ["AKIAA is 100 days old", "AKIAB was never used"]),
    (user("ci", keys=[key("AKIAX", age=10, used=None)],
          errors={"last_used:AKIAX": "AccessDenied"}), Status.ERROR,
     ["last use unknown (GetAccessKeyLastUsed: AccessDenied)"]),
    # last use unknown but too old anyway: still a FAIL
    (user("ci", keys=[key("AKIAX", age=300, used=None)],
          errors={"last_used:AKIAX": "AccessDenied"}), Status.FAIL,
     ["AKIAX is 300 days old (last use unknown)"]),
    (user("ci", errors={"access_keys": "AccessDenied"}), Status.ERROR,
     ["ListAccessKeys: AccessDenied"]),
])
def test_user_access_keys(rec: Resource, status: Status, words: list[str]) -> None:
    out = only(user_access_keys, rec)
    assert out.status == status, out.message
    for w in words:
        assert w in out.message
    assert out.resource_id == "ci"


@pytest.mark.parametrize("rec", [
    user("nokeys"),
    user("onlyinactive", keys=[key("AKIAOFF", status="Inactive", age=900, used=None)]),
])
def test_user_access_keys_no_finding(rec: Resource) -> None:
    assert run(user_access_keys, rec) == []


@pytest.mark.parametrize("rec, status, message", [
    (user("ci-deploy", keys=[key("AKIA1"), key("AKIA2")]), Status.FAIL,
     "user ci-deploy has no console password and 2 active access key(s) (AKIA1, AKIA2): "
     "looks like a workload's — use an IAM role"),
    (user("old-bot", keys=[key("AKIA1", status="Inactive")]), Status.PASS,
     "user old-bot has no console password and no active access key"),
    (user("empty"), Status.PASS, "no active access key"),
    (user("x", password=None, errors={"login_profile": "AccessDenied"}), Status.ERROR,
     "GetLoginProfile: AccessDenied"),
    (user("y", errors={"access_keys": "AccessDenied"}), Status.ERROR,
     "ListAccessKeys: AccessDenied"),
])
def test_workload_users(rec: Resource, status: Status, message: str) -> None:
    out = only(workload_users, rec)
    assert out.status == status and message in out.message and out.resource_id == rec.id


def test_workload_users_leaves_console_users_to_human_users() -> None:
    assert run(workload_users, user("haruka", password=True, keys=[key("AKIA1")])) == []


# --- Identity Center ------------------------------------------------------------------------

def org(account_id: str = ACCT, *, in_org: bool | None = True, management: str = ACCT,
        errors: dict[str, str] | None = None) -> Resource:
    attrs: dict[str, Any] = {"in_organization": in_org, "errors": errors or {},
                             "organization_id": "o-abc" if in_org else None,
                             "management_account_id": management if in_org else None,
                             "is_management": (management == account_id) if in_org is not None
                             else None, "feature_set": "ALL" if in_org else None}
    return Resource(type="org.account", id=account_id, account_id=account_id, attrs=attrs)


def sso_region(region: str, *instances: dict[str, Any], account_id: str = ACCT) -> Resource:
    return Resource(type="sso.region", id=region, account_id=account_id, region=region,
                    attrs={"instances": list(instances)})


INSTANCE = {"arn": "arn:aws:sso:::instance/ssoins-7223", "identity_store_id": "d-9067",
            "owner_account_id": ACCT, "status": "ACTIVE"}


@pytest.mark.parametrize("resources, errors, status, message", [
    ([org(), sso_region("us-east-1"), sso_region("eu-west-1", INSTANCE)], [], Status.PASS,
     "IAM Identity Center instance ssoins-7223 (identity store d-9067) in eu-west-1"),
    ([org(in_org=False), sso_region("us-east-1", INSTANCE)], [], Status.PASS, "ssoins-7223"),
    ([org(), sso_region("us-east-1"), sso_region("eu-west-1")], [], Status.FAIL,
     "management account of o-abc has no IAM Identity Center instance (regions scanned: "
     "eu-west-1, us-east-1)"),
    ([org(in_org=False), sso_region("us-east-1")], [], Status.FAIL,
     "standalone account has no IAM Identity Center instance"),
    ([org(), sso_region("us-east-1", {**INSTANCE, "status": "CREATE_IN_PROGRESS"})], [],
     Status.FAIL, "ssoins-7223 in us-east-1 is CREATE_IN_PROGRESS, not ACTIVE"),
    # the instance may be in the region whose listing failed: ERROR, not FAIL
    ([org(), sso_region("us-east-1")],
     [CollectError(collector="sso.instances", types=["sso.region"], account_id=ACCT,
                   region="eu-west-1", code="AccessDeniedException", message="no")],
     Status.ERROR, "ListInstances failed in eu-west-1 (AccessDeniedException)"),
    # ...but an instance found elsewhere settles it
    ([org(), sso_region("us-east-1", INSTANCE)],
     [CollectError(collector="sso.instances", types=["sso.region"], account_id=ACCT,
                   region="eu-west-1", code="AccessDeniedException", message="no")],
     Status.PASS, "ssoins-7223"),
    ([org(in_org=None, errors={"describe_organization": "AccessDeniedException"}),
      sso_region("us-east-1")], [], Status.ERROR, "DescribeOrganization: AccessDenied"),
    ([org()], [], Status.SKIPPED, "no region was scanned"),
])
def test_sso_enabled(resources: list[Resource], errors: list[CollectError], status: Status,
                     message: str) -> None:
    [out] = run(sso_enabled, *resources, errors=errors)
    assert out.status == status and message in out.message
    assert out.resource_id == ACCT and out.region == "global" and out.account_id == ACCT


def test_sso_enabled_skips_member_accounts() -> None:
    outs = run(sso_enabled, org(), sso_region("us-east-1", INSTANCE),
               org(MEMBER), sso_region("us-east-1", account_id=MEMBER))
    assert [(o.account_id, o.status) for o in outs] == [(ACCT, Status.PASS)]
