"""Tests for the IAM collector against moto: the credential-report path, fallbacks, call counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from onboard.aws.collect import iam as iam_mod
from onboard.aws.collect.base import REGISTRY, Context
from onboard.models import Resource

ACCOUNT = "123456789012"


class Calls:
    """Counts every API call a boto3 session makes, by 'service:Operation'."""

    def __init__(self, session: boto3.Session) -> None:
        self.counter: Counter[str] = Counter()
        session.events.register("before-call", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.counter[f"{model.service_model.service_name}:{model.name}"] += 1

    @property
    def total(self) -> int:
        return sum(self.counter.values())


def deny(session: boto3.Session, operation: str, code: str = "AccessDenied") -> None:
    """Make every call of `operation` fail with `code`."""

    def raise_error(**_: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": "denied by test"}}, operation)

    session.events.register(f"before-call.iam.{operation}", raise_error)


def by_id(records: list[Resource], type_: str) -> dict[str, Resource]:
    return {r.id: r for r in records if r.type == type_}


@pytest.fixture
def people() -> dict[str, Any]:
    """alice: console, no MFA · bob: console + MFA · ci-bot: 2 keys (one used, one inactive)
    · lurker: no credentials. Must be called inside the `aws` fixture."""
    iam = boto3.client("iam")
    iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "web"}])
    iam.create_login_profile(UserName="alice", Password="Str0ng!Passw0rd")
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Str0ng!Passw0rd")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"][
        "SerialNumber"]
    iam.enable_mfa_device(UserName="bob", SerialNumber=serial, AuthenticationCode1="123456",
                          AuthenticationCode2="654321")
    iam.create_user(UserName="ci-bot")
    used = iam.create_access_key(UserName="ci-bot")["AccessKey"]
    idle = iam.create_access_key(UserName="ci-bot")["AccessKey"]
    iam.update_access_key(UserName="ci-bot", AccessKeyId=idle["AccessKeyId"], Status="Inactive")
    boto3.client("sts", aws_access_key_id=used["AccessKeyId"],
                 aws_secret_access_key=used["SecretAccessKey"]).get_caller_identity()
    iam.create_user(UserName="lurker")
    return {"used": used["AccessKeyId"], "idle": idle["AccessKeyId"]}


def run(make_ctx: Callable[..., Context], session: boto3.Session) -> list[Resource]:
    return iam_mod.collect_iam(make_ctx(session=session))


def test_registration_declares_every_call(aws: None, make_ctx: Callable[..., Context],
                                          people: dict[str, Any]) -> None:
    spec = REGISTRY["iam.users"]
    assert spec.scope == "global"
    assert spec.produces == ("iam.account", "iam.user")
    session = boto3.Session()
    calls = Calls(session)
    run(make_ctx, session)
    declared = {f"{c.service}:{c.operation}" for c in spec.calls}
    assert set(calls.counter) <= declared


def test_users_from_credential_report(aws: None, make_ctx: Callable[..., Context],
                                      people: dict[str, Any]) -> None:
    records = run(make_ctx, boto3.Session())
    users = by_id(records, "iam.user")
    assert set(users) == {"alice", "bob", "ci-bot", "lurker"}
    alice, bob, bot, lurker = (users[n] for n in ("alice", "bob", "ci-bot", "lurker"))
    assert alice.arn == f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert alice.attrs["source"] == "credential_report"
    assert alice.attrs["password_enabled"] is True and alice.attrs["mfa_active"] is False
    assert alice.attrs["tags"] == {"team": "web"}
    assert alice.attrs["access_keys"] == []
    assert bob.attrs["password_enabled"] is True and bob.attrs["mfa_active"] is True
    assert bot.attrs["password_enabled"] is False
    keys = {k["id"]: k for k in bot.attrs["access_keys"]}
    assert set(keys) == {people["used"], people["idle"]}
    assert keys[people["used"]]["status"] == "Active"
    assert keys[people["used"]]["last_used"] is not None
    assert keys[people["idle"]]["status"] == "Inactive"
    assert keys[people["idle"]]["last_used"] is None
    assert datetime.fromisoformat(keys[people["used"]]["created"]).tzinfo is not None
    assert lurker.attrs["password_enabled"] is False and lurker.attrs["access_keys"] == []
    assert all(u.attrs["errors"] == {} for u in users.values())
    assert all(u.region == "global" for u in users.values())


def test_account_record(aws: None, make_ctx: Callable[..., Context]) -> None:
    iam = boto3.client("iam")
    records = run(make_ctx, boto3.Session())
    acct = by_id(records, "iam.account")[ACCOUNT]
    assert acct.arn == f"arn:aws:iam::{ACCOUNT}:root"
    assert acct.attrs["summary"]["AccountMFAEnabled"] == 0
    assert acct.attrs["root"] is None  # moto's report has no <root_account> row
    assert acct.attrs["password_policy"] is None
    assert acct.attrs["credential_report"]["generated"].startswith("2015-")
    assert acct.attrs["errors"] == {}
    iam.update_account_password_policy(MinimumPasswordLength=14)
    acct = by_id(run(make_ctx, boto3.Session()), "iam.account")[ACCOUNT]
    assert acct.attrs["password_policy"]["MinimumPasswordLength"] == 14


def test_call_count_minimal_when_report_is_fresh(
        aws: None, make_ctx: Callable[..., Context], people: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh report: 5 account-level calls, then ListAccessKeys for the one user with keys."""
    monkeypatch.setattr(iam_mod, "REPORT_FRESH_SECONDS", 10**10)
    session = boto3.Session()
    calls = Calls(session)
    run(make_ctx, session)
    assert calls.counter == Counter({
        "iam:GetAccountSummary": 1, "iam:GetAccountPasswordPolicy": 1,
        "iam:GenerateCredentialReport": 1, "iam:GetCredentialReport": 1,
        "iam:GetAccountAuthorizationDetails": 1, "iam:ListAccessKeys": 1,
    })


def test_stale_report_rechecks_only_failing_state(
        aws: None, make_ctx: Callable[..., Context], people: dict[str, Any]) -> None:
    """moto's report claims 2015: console users' password (and alice's missing MFA) are
    re-checked live; ci-bot's used key is not."""
    session = boto3.Session()
    calls = Calls(session)
    users = by_id(run(make_ctx, session), "iam.user")
    assert calls.counter["iam:GetLoginProfile"] == 2  # alice, bob
    assert calls.counter["iam:ListMFADevices"] == 1  # alice only (bob has MFA)
    assert calls.counter["iam:GetAccessKeyLastUsed"] == 0
    assert calls.total == 9
    assert users["alice"].attrs["mfa_active"] is False


def test_stale_report_never_used_key_is_rechecked(
        aws: None, make_ctx: Callable[..., Context]) -> None:
    iam = boto3.client("iam")
    iam.create_user(UserName="deploy")
    key = iam.create_access_key(UserName="deploy")["AccessKey"]["AccessKeyId"]
    session = boto3.Session()
    calls = Calls(session)
    deploy = by_id(run(make_ctx, session), "iam.user")["deploy"]
    assert calls.counter["iam:GetAccessKeyLastUsed"] == 1
    assert deploy.attrs["access_keys"][0]["id"] == key
    assert deploy.attrs["access_keys"][0]["last_used"] is None


def test_user_missing_from_report_is_looked_up(
        aws: None, make_ctx: Callable[..., Context], people: dict[str, Any]) -> None:
    """A user created after the (cached) report gets the per-user lookups."""
    session = boto3.Session()

    def drop_alice(parsed: dict[str, Any], **_: Any) -> None:
        lines = parsed["Content"].decode().splitlines(keepends=True)
        parsed["Content"] = "".join(x for x in lines if not x.startswith("alice,")).encode()

    session.events.register("after-call.iam.GetCredentialReport", drop_alice)
    users = by_id(run(make_ctx, session), "iam.user")
    assert users["alice"].attrs["source"] == "api"
    assert users["alice"].attrs["password_enabled"] is True
    assert users["alice"].attrs["mfa_active"] is False
    assert users["alice"].attrs["password_last_used"] is None
    assert users["bob"].attrs["source"] == "credential_report"


def test_report_denied_falls_back_to_per_user_calls(
        aws: None, make_ctx: Callable[..., Context], people: dict[str, Any]) -> None:
    session = boto3.Session()
    deny(session, "GenerateCredentialReport")
    calls = Calls(session)
    records = run(make_ctx, session)
    acct = by_id(records, "iam.account")[ACCOUNT]
    assert acct.attrs["errors"] == {"credential_report": "AccessDenied"}
    assert acct.attrs["credential_report"] is None and acct.attrs["root"] is None
    users = by_id(records, "iam.user")
    assert {u.attrs["source"] for u in users.values()} == {"api"}
    assert users["bob"].attrs["mfa_active"] is True
    assert users["alice"].attrs["password_enabled"] is True
    assert users["lurker"].attrs["password_enabled"] is False
    keys = {k["id"]: k for k in users["ci-bot"].attrs["access_keys"]}
    assert keys[people["used"]]["last_used"] is not None
    assert keys[people["used"]]["last_used_service"] == "sts"
    # 4 users × (GetLoginProfile + ListMFADevices + ListAccessKeys) + 2 keys' last use
    assert calls.counter["iam:GetLoginProfile"] == 4
    assert calls.counter["iam:ListMFADevices"] == 4
    assert calls.counter["iam:ListAccessKeys"] == 4
    assert calls.counter["iam:GetAccessKeyLastUsed"] == 2


def test_detail_failure_is_recorded_on_the_user(
        aws: None, make_ctx: Callable[..., Context], people: dict[str, Any]) -> None:
    session = boto3.Session()
    deny(session, "ListAccessKeys")
    deny(session, "GetAccountSummary", "Throttling")
    records = run(make_ctx, session)
    bot = by_id(records, "iam.user")["ci-bot"]
    assert bot.attrs["errors"] == {"access_keys": "AccessDenied"}
    assert by_id(records, "iam.user")["alice"].attrs["errors"] == {}
    acct = by_id(records, "iam.account")[ACCOUNT]
    assert acct.attrs["summary"] is None
    assert acct.attrs["errors"] == {"account_summary": "Throttling"}


def test_listing_failure_propagates(aws: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    deny(session, "GetAccountAuthorizationDetails")
    with pytest.raises(ClientError):
        run(make_ctx, session)


class FakeIam:
    """A scripted IAM client for the report-polling logic."""

    def __init__(self, get_results: list[Any], state: str = "STARTED") -> None:
        self.get_results = get_results
        self.state = state
        self.generated = 0

    def generate_credential_report(self) -> dict[str, str]:
        self.generated += 1
        return {"State": self.state}

    def get_credential_report(self) -> dict[str, Any]:
        result = self.get_results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


def _err(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "GetCredentialReport")


REPORT = (b"user,arn,user_creation_time,password_enabled,mfa_active,access_key_1_active,"
          b"access_key_1_last_rotated,access_key_2_active\n"
          b"<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported,true,"
          b"false,N/A,false\n")


def test_report_polls_while_in_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: list[float] = []
    monkeypatch.setattr(iam_mod, "_sleep", sleeps.append)
    now = datetime.now(UTC)
    fake = FakeIam([_err("ReportInProgress"), _err("ReportInProgress"),
                    {"Content": REPORT, "GeneratedTime": now}])
    rows, generated = iam_mod.fetch_credential_report(fake)
    assert sleeps == [0.5, 1.0]
    assert generated == now
    root = rows["<root_account>"]
    assert root["mfa_active"] is True
    assert root["password_enabled"] is None and root["access_key_1_last_rotated"] is None
    assert root["access_key_1_active"] is False


def test_report_wait_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [0.0]
    monkeypatch.setattr(iam_mod.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(iam_mod, "_sleep", lambda s: clock.__setitem__(0, clock[0] + s))
    fake = FakeIam([_err("ReportInProgress")] * 100)
    with pytest.raises(iam_mod.ReportUnavailable) as exc:
        iam_mod.fetch_credential_report(fake)
    assert exc.value.code == "Timeout:STARTED"
    assert clock[0] <= iam_mod.REPORT_WAIT_SECONDS


def test_report_not_present_regenerates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(iam_mod, "_sleep", lambda s: None)
    fake = FakeIam([_err("ReportNotPresent"), {"Content": REPORT}], state="COMPLETE")
    rows, generated = iam_mod.fetch_credential_report(fake)
    assert fake.generated == 2 and generated is None and "<root_account>" in rows


def test_report_other_error_is_unavailable() -> None:
    with pytest.raises(iam_mod.ReportUnavailable) as exc:
        iam_mod.fetch_credential_report(FakeIam([_err("AccessDenied")]))
    assert exc.value.code == "AccessDenied"


def test_root_row_from_report(aws: None, make_ctx: Callable[..., Context]) -> None:
    """A real report's <root_account> row lands in iam.account attrs.root."""
    session = boto3.Session()

    def add_root(parsed: dict[str, Any], **_: Any) -> None:
        header, *rest = parsed["Content"].decode().splitlines(keepends=True)
        ncols = header.count(",") + 1
        cells = ["N/A"] * ncols
        names = header.strip().split(",")
        values = {"user": "<root_account>", "arn": f"arn:aws:iam::{ACCOUNT}:root",
                  "password_enabled": "not_supported", "mfa_active": "false",
                  "access_key_1_active": "true",
                  "access_key_1_last_rotated": "2019-05-01T10:00:00+00:00",
                  "access_key_1_last_used_date": "2024-02-03T04:05:06+00:00",
                  "access_key_2_active": "false"}
        for i, name in enumerate(names):
            cells[i] = values.get(name, "N/A")
        parsed["Content"] = (header + ",".join(cells) + "\n" + "".join(rest)).encode()

    session.events.register("after-call.iam.GetCredentialReport", add_root)
    acct = by_id(run(make_ctx, session), "iam.account")[ACCOUNT]
    root = acct.attrs["root"]
    assert root["mfa_active"] is False and root["access_key_1_active"] is True
    assert root["access_key_1_last_used_date"] == "2024-02-03T04:05:06+00:00"
    assert root["access_key_2_active"] is False
    assert "<root_account>" not in by_id(run(make_ctx, session), "iam.user")


def test_groups_and_key_last_used_region(aws: None, make_ctx: Callable[..., Context]) -> None:
    """What tells a person from a workload is collected without extra calls: group membership
    from GetAccountAuthorizationDetails, and each key's last-used service and region."""
    iam = boto3.client("iam")
    iam.create_group(GroupName="developers")
    iam.create_user(UserName="mei.tanaka", Tags=[{"Key": "Type", "Value": "human"}])
    iam.add_user_to_group(GroupName="developers", UserName="mei.tanaka")
    key = iam.create_access_key(UserName="mei.tanaka")["AccessKey"]
    boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key["AccessKeyId"],
                 aws_secret_access_key=key["SecretAccessKey"]).list_buckets()
    session = boto3.Session()
    calls = Calls(session)
    user = by_id(run(make_ctx, session), "iam.user")["mei.tanaka"]
    assert user.attrs["groups"] == ["developers"]
    assert user.attrs["tags"] == {"Type": "human"}
    [k] = user.attrs["access_keys"]
    assert set(k) >= {"last_used_service", "last_used_region"}
    assert calls.counter["iam:ListGroupsForUser"] == 0
    # the per-user path carries the region too
    assert iam_mod._last_used(iam, key["AccessKeyId"], {})[2] in (None, "eu-west-1",
                                                                  "us-east-1")
