"""The scan runner against moto in-process: org discovery, assume-role, faults, progress."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from onboard import catalog as catalog_mod
from onboard.aws import session as session_mod
from onboard.aws.session import Aws, AwsSetupError
from onboard.models import Status
from onboard.scan import Progress, ScanOptions, run_scan
from onboard.store import Store
from tests.helpers import rule_done

REGIONS = ["us-east-1", "eu-west-1"]


def seed_small_org() -> dict[str, str]:
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    ids = {"management": boto3.client("sts").get_caller_identity()["Account"]}
    for name in ("prod", "sandbox"):
        req = org.create_account(AccountName=name, Email=f"{name}@example.com")
        ids[name] = org.describe_create_account_status(
            CreateAccountRequestId=req["CreateAccountStatus"]["Id"]
        )["CreateAccountStatus"]["AccountId"]
    creds = boto3.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{ids['prod']}:role/OrganizationAccountAccessRole",
        RoleSessionName="seed")["Credentials"]
    prod = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                         aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name="us-east-1")
    prod.client("s3").create_bucket(Bucket="prod-uploads")
    prod.client("iam").create_user(UserName="haruka.sato")
    prod.client("iam").create_login_profile(UserName="haruka.sato", Password="x-Passw0rd!")
    return ids


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "scan.db")


@pytest.fixture(scope="module")
def catalog() -> catalog_mod.Catalog:
    return catalog_mod.load()


def test_scans_every_org_account_and_stores_findings(aws: None, store: Store,
                                                     catalog: catalog_mod.Catalog) -> None:
    ids = seed_small_org()
    sess = store.create_session("t")
    seen: list[Progress] = []
    result = run_scan(store, sess.id, catalog, ScanOptions(regions=REGIONS, workers=4),
                      progress=seen.append)
    assert result.status == "complete"
    assert {a.account_id for a in result.accounts} == set(ids.values())
    assert all(a.access == "ok" and a.source == "organizations" for a in result.accounts)
    mgmt = next(a for a in result.accounts if a.account_id == ids["management"])
    assert mgmt.environment == "management"
    fails = {(f.check_id, f.account_id, f.resource_id) for f in result.findings
             if f.status == Status.FAIL}
    assert ("s3.versioning", ids["prod"], "prod-uploads") in fails
    assert ("iam.human_users", ids["prod"], "haruka.sato") in fails
    regions = {f.region for f in result.findings if f.check_id == "config.enabled"}
    assert regions == set(REGIONS)
    assert store.count_findings(result.scan_id) == len(result.findings)
    assert result.api_calls > 0 and store.scan(result.scan_id).api_calls == result.api_calls
    phases = [p.phase for p in seen]
    assert phases[0] == "identity" and phases[-1] == "done" and "collect" in phases
    last = [p for p in seen if p.phase == "collect"][-1]
    assert last.done == last.total > 0
    assert rule_done(store, None, sess.id, "scan_finished")


def _deny(service_op: str, account: str | None = None):
    """A before-call hook answering AccessDenied for one operation (optionally one account)."""

    def hook(model: Any, context: Any = None, **_: Any) -> Any:
        return (SimpleNamespace(status_code=403),
                {"Error": {"Code": "AccessDenied", "Message": f"denied {model.name}"},
                 "ResponseMetadata": {"HTTPStatusCode": 403}})

    return hook


def test_access_denied_on_one_service_in_one_account_is_an_error_not_a_stop(
        aws: None, store: Store, catalog: catalog_mod.Catalog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ids = seed_small_org()
    original = session_mod.AccountAccess.client

    def client(self: session_mod.AccountAccess, service: str, region: str | None = None):
        c = original(self, service, region)
        if self.account_id == ids["prod"] and service == "s3" and not getattr(c, "_denied", 0):
            c.meta.events.register("before-call.s3.ListBuckets", _deny("s3:ListBuckets"))
            c._denied = 1
        return c

    monkeypatch.setattr(session_mod.AccountAccess, "client", client)
    sess = store.create_session("t")
    result = run_scan(store, sess.id, catalog, ScanOptions(regions=["us-east-1"], workers=4))
    errors = [f for f in result.findings if f.status == Status.ERROR
              and f.check_id == "s3.versioning"]
    assert [(f.account_id, f.resource_id) for f in errors] == [(ids["prod"], ids["prod"])]
    assert "AccessDenied" in errors[0].message
    assert not any(f.check_id == "s3.versioning" and f.account_id == ids["prod"]
                   and f.status == Status.PASS for f in result.findings)
    # everything else in that account was still scanned
    assert any(f.check_id == "iam.human_users" and f.account_id == ids["prod"]
               and f.status == Status.FAIL for f in result.findings)
    assert result.has_errors


def test_account_whose_role_cannot_be_assumed_is_recorded_denied(
        aws: None, store: Store, catalog: catalog_mod.Catalog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ids = seed_small_org()
    original = session_mod.AccountAccess.client

    def deny_sandbox(params: dict[str, Any], **_: Any) -> Any:
        if ids["sandbox"] in str(params.get("body", "")):
            return (SimpleNamespace(status_code=403),
                    {"Error": {"Code": "AccessDenied", "Message": "not authorized"},
                     "ResponseMetadata": {"HTTPStatusCode": 403}})
        return None

    def client(self: session_mod.AccountAccess, service: str, region: str | None = None):
        c = original(self, service, region)
        if service == "sts" and not getattr(c, "_hooked", 0):
            c.meta.events.register("before-call.sts.AssumeRole", deny_sandbox)
            c._hooked = 1
        return c

    monkeypatch.setattr(session_mod.AccountAccess, "client", client)
    sess = store.create_session("t")
    result = run_scan(store, sess.id, catalog, ScanOptions(regions=["us-east-1"], workers=4))
    sandbox = next(a for a in result.accounts if a.account_id == ids["sandbox"])
    assert sandbox.access == "denied" and "AccessDenied" in sandbox.access_reason
    # one account-level ERROR says why; no check pretends to have read it
    assert [(f.check_id, f.status.value) for f in result.findings
            if f.account_id == ids["sandbox"]] == [("account.access", "ERROR")]
    assert any(f.account_id == ids["prod"] for f in result.findings)
    assert store.accounts(sess.id)[0].access in ("ok", "denied")
    assert result.has_errors


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any):
        yield self._body


def test_throttling_is_retried_then_succeeds(aws: None, store: Store,
                                             catalog: catalog_mod.Catalog,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    seed_small_org()
    remaining = {"n": 2}
    body = (b"<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
            b"<Message>Rate exceeded</Message></Error></Errors><RequestID>1</RequestID>"
            b"</Response>")
    lock = threading.Lock()

    def throttle(**_: Any) -> Any:
        with lock:
            if remaining["n"] > 0:
                remaining["n"] -= 1
                return AWSResponse("https://ec2", 503, {}, _Raw(body))
        return None

    original = session_mod.AccountAccess.client

    def client(self: session_mod.AccountAccess, service: str, region: str | None = None):
        c = original(self, service, region)
        if service == "ec2" and not getattr(c, "_hooked", 0):
            c.meta.events.register_first("before-send.ec2.DescribeSecurityGroups", throttle)
            c._hooked = 1
        return c

    monkeypatch.setattr(session_mod.AccountAccess, "client", client)
    sess = store.create_session("t")
    result = run_scan(store, sess.id, catalog, ScanOptions(regions=["us-east-1"], workers=1))
    assert remaining["n"] == 0
    assert not [f for f in result.findings
                if f.check_id == "ec2.ssh_open" and f.status == Status.ERROR]
    assert any(f.check_id == "ec2.ssh_open" for f in result.findings)


def test_no_credentials_says_how_to_log_in(store: Store, catalog: catalog_mod.Catalog,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    sess = store.create_session("t")
    with pytest.raises(AwsSetupError, match="aws sso login --profile") as info:
        run_scan(store, sess.id, catalog, ScanOptions(regions=["us-east-1"]))
    assert "onboard demo" in str(info.value)
    assert store.scans(sess.id) == []


def test_expired_sso_token_says_sso_login() -> None:
    from botocore.exceptions import UnauthorizedSSOTokenError

    err = session_mod.explain_credentials_error(UnauthorizedSSOTokenError(), "acme-prod")
    assert "aws sso login --profile acme-prod" in str(err)


def test_cancel_keeps_what_was_collected_and_marks_incomplete(
        aws: None, store: Store, catalog: catalog_mod.Catalog) -> None:
    seed_small_org()
    cancel = threading.Event()

    def on_progress(p: Progress) -> None:
        if p.phase == "collect" and p.done >= 3:
            cancel.set()

    sess = store.create_session("t")
    result = run_scan(store, sess.id, catalog, ScanOptions(regions=REGIONS, workers=1),
                      progress=on_progress, cancel=cancel)
    assert result.status == "incomplete"
    assert store.scan(result.scan_id).status == "incomplete"
    assert sum(result.inventory_counts.values()) > 0
    assert not rule_done(store, None, sess.id, "scan_finished")


def test_killed_scan_keeps_batches(aws: None, store: Store,
                                   catalog: catalog_mod.Catalog) -> None:
    seed_small_org()

    def die(p: Progress) -> None:
        if p.phase == "collect" and p.done >= 5:
            raise KeyboardInterrupt

    sess = store.create_session("t")
    with pytest.raises(KeyboardInterrupt):
        run_scan(store, sess.id, catalog, ScanOptions(regions=REGIONS, workers=2),
                 progress=die)
    (scan,) = store.scans(sess.id)
    assert scan.status == "running"
    assert sum(store.inventory_counts(scan.id).values()) > 0
    store.mark_interrupted_scans(sess.id)
    assert store.scan(scan.id).status == "incomplete"


def test_manual_accounts_without_organizations(aws: None, store: Store,
                                               catalog: catalog_mod.Catalog) -> None:
    sess = store.create_session("t")
    other = "210987654321"
    result = run_scan(store, sess.id, catalog,
                      ScanOptions(regions=["us-east-1"], accounts=[other], workers=4))
    sources = {a.account_id: a.source for a in result.accounts}
    assert sources == {"123456789012": "caller", other: "manual"}
    assert any(f.account_id == other for f in result.findings)


def test_second_scan_reports_new_and_fixed(aws: None, store: Store,
                                           catalog: catalog_mod.Catalog) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="one")
    sess = store.create_session("t")
    opts = ScanOptions(regions=["us-east-1"], workers=4)
    first = run_scan(store, sess.id, catalog, opts)
    s3.put_bucket_versioning(Bucket="one", VersioningConfiguration={"Status": "Enabled"})
    s3.create_bucket(Bucket="two")
    second = run_scan(store, sess.id, catalog, opts)
    assert second.previous_scan_id == first.scan_id
    assert ("s3.versioning", "two") in {(f.check_id, f.resource_id) for f in second.new}
    assert ("s3.versioning", "one") in {(f.check_id, f.resource_id) for f in second.fixed}


def test_aws_profile_not_found_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(AwsSetupError, match="profile 'nope' not found"):
        Aws(profile="nope").whoami()


def test_regions_not_enabled_are_skipped_not_errors(aws: None, store: Store,
                                                    catalog: catalog_mod.Catalog,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """An opt-in region the account has not enabled is skipped and said, never an ERROR."""
    original = session_mod.Aws.enabled_regions
    monkeypatch.setattr(session_mod.Aws, "enabled_regions",
                        lambda self, acct: [r for r in original(self, acct)
                                            if r != "ap-east-1"])
    sess = store.create_session("t")
    result = run_scan(store, sess.id, catalog,
                      ScanOptions(regions=["us-east-1", "ap-east-1"], workers=4))
    assert result.skipped_regions == {"123456789012": ["ap-east-1"]}
    assert {f.region for f in result.findings} <= {"us-east-1", "global"}
    assert not [f for f in result.findings if f.status == Status.ERROR
                and f.check_id != "accessanalyzer.enabled"]
