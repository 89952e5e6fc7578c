"""Table-driven tests for the audit-logging and security-service evaluators (CloudTrail,
Config, Security Hub, GuardDuty, Access Analyzer, Inspector)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from onboard.checks.accessanalyzer_enabled import accessanalyzer_enabled
from onboard.checks.base import Inventory, Outcome
from onboard.checks.cloudtrail_enabled import cloudtrail_enabled
from onboard.checks.config_enabled import config_enabled
from onboard.checks.guardduty_enabled import guardduty_enabled
from onboard.checks.inspector_enabled import inspector_enabled
from onboard.checks.securityhub_enabled import securityhub_enabled
from onboard.models import Resource, Status

MGMT = "111111111111"
MEMBER = "222222222222"


def run(fn: Callable[[Inventory], Iterator[Outcome]], *resources: Resource) -> list[Outcome]:
    return list(fn(Inventory(list(resources))))


# --- CloudTrail -----------------------------------------------------------------------------

def marker(account_id: str = MGMT) -> Resource:
    return Resource(type="cloudtrail.account", id=account_id, account_id=account_id,
                    attrs={"listed_from": "us-east-1", "trails": []})


def trail(name: str, *, account_id: str = MGMT, owner: str = MGMT, home: str = "us-east-1",
          multi: bool = True, logging: bool | None = True, org: bool = False,
          mgmt: str | None = "all", errors: dict[str, str] | None = None) -> Resource:
    return Resource(type="cloudtrail.trail", id=name, name=name, account_id=account_id,
                    region=home, arn=f"arn:aws:cloudtrail:{home}:{owner}:trail/{name}",
                    attrs={"multi_region": multi, "is_logging": logging,
                           "organization_trail": org, "owner_account_id": owner,
                           "home_region": home, "log_file_validation": True,
                           "s3_bucket": "logs", "kms_key_id": None,
                           "management_events": mgmt, "errors": errors or {}})


@pytest.mark.parametrize("resources, status, message", [
    ([marker()], Status.FAIL,
     "no CloudTrail trail: API activity is not recorded (DescribeTrails from us-east-1 found "
     "none)"),
    ([marker(), trail("main", home="eu-west-1")], Status.PASS,
     "multi-region trail main (home eu-west-1) is logging read and write management events"),
    ([marker(), trail("local", multi=False), trail("other", multi=False, home="us-east-1")],
     Status.FAIL, "only single-region trails (local (us-east-1), other (us-east-1)): activity "
     "in other regions is not recorded"),
    ([marker(), trail("main", logging=False)], Status.FAIL,
     "multi-region trail main is not logging"),
    ([marker(), trail("data-only", mgmt="none")], Status.FAIL,
     "multi-region trail data-only records no management events"),
    ([marker(), trail("reads", mgmt="read_only")], Status.FAIL, "records read events only"),
    # CIS v5.0 3.1 / CloudTrail.1 want read *and* write management events (issue #11)
    ([marker(), trail("writes", mgmt="write_only")], Status.FAIL, "records write events only"),
    # a stopped multi-region trail next to a logging one: the logging one passes
    ([marker(), trail("a-stopped", logging=False), trail("b-live")], Status.PASS, "b-live"),
    # single-region logging trail + multi-region stopped trail: FAIL names the stopped one
    ([marker(), trail("local", multi=False), trail("main", logging=False)], Status.FAIL,
     "main is not logging"),
    ([marker(), trail("main", logging=None, errors={"trail_status": "AccessDenied"})],
     Status.ERROR, "trail main (trail_status: AccessDenied)"),
    ([marker(), trail("org", org=True)], Status.PASS, "multi-region organization trail org"),
])
def test_cloudtrail_enabled(resources: list[Resource], status: Status, message: str) -> None:
    [out] = run(cloudtrail_enabled, *resources)
    assert out.status == status, out.message
    assert message in out.message
    assert out.resource_id == MGMT and out.region == "global" and out.account_id == MGMT


def test_cloudtrail_member_uses_the_owner_accounts_status() -> None:
    """A member account that cannot read the organization trail's status borrows the status
    the management account's scan saw for the same trail ARN."""
    org_mgmt = trail("org", org=True, logging=True)
    org_member = trail("org", account_id=MEMBER, org=True, logging=None, mgmt=None,
                       errors={"trail_status": "AccessDenied"})
    outs = {o.account_id: o for o in run(cloudtrail_enabled, marker(), org_mgmt,
                                          marker(MEMBER), org_member)}
    assert outs[MEMBER].status == Status.PASS
    assert "organization trail org" in outs[MEMBER].message
    assert outs[MEMBER].resource_id == MEMBER
    # and the org trail stopped in the management account fails both
    org_mgmt.attrs["is_logging"] = False
    outs = {o.account_id: o for o in run(cloudtrail_enabled, marker(), org_mgmt,
                                          marker(MEMBER), org_member)}
    assert outs[MEMBER].status == Status.FAIL and outs[MGMT].status == Status.FAIL


def test_cloudtrail_member_alone_is_error_not_pass() -> None:
    org_member = trail("org", account_id=MEMBER, org=True, logging=None,
                       errors={"trail_status": "AccessDenied"})
    [out] = run(cloudtrail_enabled, marker(MEMBER), org_member)
    assert out.status == Status.ERROR and "organization trail org" in out.message


def org_account(account_id: str, org: str = "o-abc") -> Resource:
    return Resource(type="org.account", id=account_id, account_id=account_id,
                    attrs={"in_organization": True, "organization_id": org,
                           "management_account_id": MGMT, "is_management": account_id == MGMT})


def test_organization_trail_covers_members_that_do_not_list_it() -> None:
    """The management account's logging organization trail covers every member of the same
    organization, even when the member's DescribeTrails does not show it."""
    org_trail = trail("org-trail", org=True)
    outs = {o.account_id: o for o in run(
        cloudtrail_enabled, marker(), org_trail, org_account(MGMT), marker(MEMBER),
        org_account(MEMBER), marker("333333333333"), org_account("333333333333", "o-other"))}
    assert outs[MEMBER].status == Status.PASS
    assert outs[MEMBER].message == ("covered by organization trail org-trail of account "
                                    f"{MGMT} (home us-east-1), which is logging read and write "
                                    "management events")
    assert outs["333333333333"].status == Status.FAIL  # another organization
    # a plain (non-organization) trail in the management account covers nobody else
    plain = trail("main")
    outs = {o.account_id: o for o in run(cloudtrail_enabled, marker(), plain, org_account(MGMT),
                                          marker(MEMBER), org_account(MEMBER))}
    assert outs[MEMBER].status == Status.FAIL
    # a stopped organization trail covers nobody
    org_trail.attrs["is_logging"] = False
    outs = {o.account_id: o for o in run(cloudtrail_enabled, marker(), org_trail,
                                          org_account(MGMT), marker(MEMBER),
                                          org_account(MEMBER))}
    assert outs[MEMBER].status == Status.FAIL and outs[MGMT].status == Status.FAIL


def test_cloudtrail_needs_the_marker() -> None:
    """Without the account marker (collector not run) there is no finding at all."""
    assert run(cloudtrail_enabled, trail("main")) == []


# --- Config ---------------------------------------------------------------------------------

def cfg(region: str, *recorders: dict[str, Any], errors: dict[str, str] | None = None
        ) -> Resource:
    return Resource(type="config.region", id=region, account_id=MGMT, region=region,
                    attrs={"recorders": list(recorders), "errors": errors or {}})


def recorder(**kw: Any) -> dict[str, Any]:
    rec = {"name": "default", "recording": True, "all_supported": True,
           "include_global_resource_types": True, "recording_strategy": None,
           "resource_types": [], "last_status": "SUCCESS", "last_error_code": None,
           "service_principal": None}
    rec.update(kw)
    return rec


@pytest.mark.parametrize("rec, status, message", [
    (cfg("eu-west-1", recorder()), Status.PASS,
     "recorder default is recording (all supported resource types)"),
    (cfg("eu-west-1", recorder(all_supported=False,
                               recording_strategy="INCLUSION_BY_RESOURCE_TYPES",
                               resource_types=["AWS::S3::Bucket"])), Status.FAIL,
     "only 1 selected resource type (AWS::S3::Bucket), not all"),  # issue #11
    (cfg("eu-west-1", recorder(last_status="Pending")), Status.PASS, "is recording"),
    (cfg("eu-west-1"), Status.FAIL, "no AWS Config recorder in this region"),
    (cfg("eu-west-1", recorder(recording=False)), Status.FAIL,
     "recorder default exists but is not recording"),
    (cfg("eu-west-1", recorder(last_status="Failure", last_error_code="AccessDenied")),
     Status.FAIL, "its last recording failed (AccessDenied)"),
    (cfg("eu-west-1", recorder(name="AWSConfigurationRecorderForX",
                               service_principal="x.amazonaws.com")),
     Status.FAIL, "only service-linked Config recorders"),
    (cfg("eu-west-1", recorder(recording=None), errors={"recorder_status": "Throttling"}),
     Status.ERROR, "DescribeConfigurationRecorderStatus: Throttling"),
])
def test_config_enabled(rec: Resource, status: Status, message: str) -> None:
    [out] = run(config_enabled, rec)
    assert out.status == status and message in out.message
    assert out.resource_id == "eu-west-1" and out.region == "eu-west-1"


# --- Security Hub / GuardDuty / Access Analyzer / Inspector ------------------------------------

def regional(type_: str, region: str = "ap-northeast-1", **attrs: Any) -> Resource:
    return Resource(type=type_, id=region, account_id=MGMT, region=region, attrs=attrs)


@pytest.mark.parametrize("rec, status, message", [
    (regional("securityhub.region", enabled=True,
              hub_arn="arn:aws:securityhub:ap-northeast-1:111111111111:hub/default"),
     Status.PASS, "Security Hub is enabled (arn:aws:securityhub:"),
    (regional("securityhub.region", enabled=False, hub_arn=None), Status.FAIL,
     "Security Hub is not enabled in this region"),
])
def test_securityhub_enabled(rec: Resource, status: Status, message: str) -> None:
    [out] = run(securityhub_enabled, rec)
    assert out.status == status and message in out.message
    assert out.resource_id == "ap-northeast-1"


@pytest.mark.parametrize("detectors, errors, status, message", [
    ([{"id": "d1", "status": "ENABLED"}], {}, Status.PASS, "GuardDuty detector d1 is ENABLED"),
    ([], {}, Status.FAIL, "GuardDuty has no detector in this region"),
    ([{"id": "d1", "status": "DISABLED"}], {}, Status.FAIL, "detector d1 is DISABLED"),
    ([{"id": "d1", "status": None}], {"detector:d1": "AccessDenied"}, Status.ERROR,
     "cannot read GuardDuty detector d1 (GetDetector: AccessDenied)"),
    ([{"id": "d1", "status": None}, {"id": "d2", "status": "ENABLED"}],
     {"detector:d1": "AccessDenied"}, Status.PASS, "d2 is ENABLED"),
])
def test_guardduty_enabled(detectors: list[dict[str, Any]], errors: dict[str, str],
                           status: Status, message: str) -> None:
    [out] = run(guardduty_enabled, regional("guardduty.region", detectors=detectors,
                                            errors=errors))
    assert out.status == status and message in out.message
    assert out.resource_id == "ap-northeast-1"


def analyzer(name: str, type_: str, status: str = "ACTIVE") -> dict[str, str]:
    return {"name": name, "arn": f"arn:aws:access-analyzer:::analyzer/{name}", "type": type_,
            "status": status}


@pytest.mark.parametrize("analyzers, status, message", [
    ([analyzer("ext", "ACCOUNT")], Status.PASS, "analyzer ext (ACCOUNT) is ACTIVE"),
    ([analyzer("org", "ORGANIZATION")], Status.PASS, "(ORGANIZATION)"),
    # unused-access analyzers report no external access: IAM.28 / CIS v5.0 1.19 (issue #11)
    ([analyzer("unused", "ACCOUNT_UNUSED_ACCESS")], Status.FAIL, "ACCOUNT_UNUSED_ACCESS"),
    ([analyzer("org-unused", "ORGANIZATION_UNUSED_ACCESS")], Status.FAIL, "org-unused"),
    ([], Status.FAIL, "IAM Access Analyzer has no analyzer in this region"),
    ([analyzer("ext", "ACCOUNT", "CREATING")], Status.FAIL,
     "no active external-access analyzer (ACCOUNT or ORGANIZATION); unused- or "
     "internal-access analyzers do not count: ext (ACCOUNT, CREATING)"),
    ([analyzer("int", "ACCOUNT_INTERNAL_ACCESS")], Status.FAIL, "int (ACCOUNT_INTERNAL_ACCESS"),
    ([analyzer("bad", "ACCOUNT", "FAILED"), analyzer("ok", "ORGANIZATION")], Status.PASS,
     "analyzer ok"),
])
def test_accessanalyzer_enabled(analyzers: list[dict[str, str]], status: Status,
                                message: str) -> None:
    [out] = run(accessanalyzer_enabled, regional("accessanalyzer.region", analyzers=analyzers))
    assert out.status == status and message in out.message
    assert out.resource_id == "ap-northeast-1"


@pytest.mark.parametrize("account_state, states, errors, status, message", [
    ("ENABLED", {"ec2": "ENABLED", "ecr": "ENABLED", "lambda": "ENABLED"}, {}, Status.PASS,
     "Inspector scans EC2, ECR, Lambda"),
    ("ENABLED", {"ec2": "DISABLED", "ecr": "ENABLED", "lambda": "DISABLED"}, {}, Status.PASS,
     "Inspector scans ECR; off: EC2, Lambda"),
    ("DISABLED", {"ec2": "DISABLED", "ecr": "DISABLED", "lambda": "DISABLED"}, {},
     Status.FAIL, "Inspector is not scanning EC2, ECR or Lambda (account DISABLED)"),
    # Lambda code scanning alone does not count
    ("ENABLED", {"ec2": "DISABLED", "ecr": "DISABLED", "lambda": "DISABLED",
                 "lambdaCode": "ENABLED"}, {}, Status.FAIL, "not scanning"),
    ("ENABLING", {"ec2": "ENABLING"}, {}, Status.FAIL, "(account ENABLING)"),
    (None, {}, {"account_status": "NotReturned"}, Status.ERROR,
     "cannot read Inspector status (BatchGetAccountStatus: NotReturned)"),
])
def test_inspector_enabled(account_state: str | None, states: dict[str, str],
                           errors: dict[str, str], status: Status, message: str) -> None:
    rec = regional("inspector.region", account_state=account_state, resource_state=states,
                   errors=errors)
    [out] = run(inspector_enabled, rec)
    assert out.status == status and message in out.message
    assert out.resource_id == "ap-northeast-1"


def test_regional_checks_report_each_region() -> None:
    recs = [regional("securityhub.region", region=r, enabled=r == "us-east-1", hub_arn=None)
            for r in ("us-east-1", "eu-west-1")]
    outs = {o.region: o.status for o in run(securityhub_enabled, *recs)}
    assert outs == {"us-east-1": Status.PASS, "eu-west-1": Status.FAIL}
