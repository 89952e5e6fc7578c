"""Tests for the organization, Identity Center, CloudTrail, Config and security-service
collectors against moto, including how many API calls each makes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from onboard.aws.collect import (
    accessanalyzer,
    cloudtrail,
    config,
    guardduty,
    inspector,
    organizations,
    securityhub,
    sso,
)
from onboard.aws.collect.base import REGISTRY, Context
from onboard.models import Resource

ACCOUNT = "123456789012"
ROLE = "arn:aws:iam::{}:role/OrganizationAccountAccessRole"


class Calls:
    """Counts every API call a boto3 session makes, by 'service:Operation'."""

    def __init__(self, session: boto3.Session) -> None:
        self.counter: Counter[str] = Counter()
        session.events.register("before-call", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.counter[f"{model.service_model.service_name}:{model.name}"] += 1


def one(records: list[Resource], type_: str) -> Resource:
    found = [r for r in records if r.type == type_]
    assert len(found) == 1, found
    return found[0]


def member_session(account_id: str) -> boto3.Session:
    creds = boto3.client("sts").assume_role(RoleArn=ROLE.format(account_id),
                                            RoleSessionName="audit")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                         aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name="us-east-1")


@pytest.mark.parametrize("name, scope, produces", [
    ("organizations.organization", "global", ("org.account",)),
    ("sso.instances", "regional", ("sso.region", "sso.permission_set", "sso.group",
                                   "sso.user")),
    ("cloudtrail.trails", "global", ("cloudtrail.trail", "cloudtrail.account")),
    ("config.recorders", "regional", ("config.region",)),
    ("securityhub.hub", "regional", ("securityhub.region",)),
    ("guardduty.detectors", "regional", ("guardduty.region",)),
    ("accessanalyzer.analyzers", "regional", ("accessanalyzer.region",)),
    ("inspector.status", "regional", ("inspector.region",)),
])
def test_registration(name: str, scope: str, produces: tuple[str, ...]) -> None:
    spec = REGISTRY[name]
    assert spec.scope == scope and spec.produces == produces
    assert spec.calls and all(":" not in c.operation for c in spec.calls)


# --- Organizations --------------------------------------------------------------------------

def test_org_standalone(aws: None, make_ctx: Callable[..., Context]) -> None:
    rec = one(organizations.collect_organization(make_ctx()), "org.account")
    assert rec.id == ACCOUNT and rec.region == "global"
    assert rec.attrs["in_organization"] is False and rec.attrs["is_management"] is False
    assert rec.attrs["errors"] == {}


def test_org_management_and_member(aws: None, make_ctx: Callable[..., Context]) -> None:
    org = boto3.client("organizations")
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    status = org.create_account(AccountName="prod", Email="prod@example.com")
    member = status["CreateAccountStatus"]["AccountId"]
    mgmt = one(organizations.collect_organization(make_ctx()), "org.account")
    assert mgmt.attrs == {
        "in_organization": True, "organization_id": org_id,
        "organization_arn": mgmt.attrs["organization_arn"], "management_account_id": ACCOUNT,
        "is_management": True, "feature_set": "ALL", "errors": {}}
    rec = one(organizations.collect_organization(
        make_ctx(account_id=member, session=member_session(member))), "org.account")
    assert rec.account_id == member
    assert rec.attrs["in_organization"] is True and rec.attrs["is_management"] is False
    assert rec.attrs["management_account_id"] == ACCOUNT


def test_org_denied_is_recorded(aws: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()

    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "scp"}},
                          "DescribeOrganization")

    session.events.register("before-call.organizations.DescribeOrganization", deny)
    rec = one(organizations.collect_organization(make_ctx(session=session)), "org.account")
    assert rec.attrs["in_organization"] is None and rec.attrs["is_management"] is None
    assert rec.attrs["errors"] == {"describe_organization": "AccessDeniedException"}


# --- IAM Identity Center --------------------------------------------------------------------

def test_sso_lists_the_preseeded_instance(aws: None, make_ctx: Callable[..., Context]) -> None:
    rec = one(sso.collect_sso_instances(make_ctx("eu-west-1")), "sso.region")
    assert rec.id == "eu-west-1" and rec.region == "eu-west-1"
    [inst] = rec.attrs["instances"]
    assert inst["arn"].startswith("arn:aws:sso:::instance/ssoins-")
    assert inst["identity_store_id"].startswith("d-")
    assert inst["owner_account_id"] == ACCOUNT and inst["status"] == "ACTIVE"


# --- CloudTrail -----------------------------------------------------------------------------

def _trail(name: str, region: str, multi: bool, logging: bool) -> str:
    bucket = f"trail-{name}-{region}"
    kwargs = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    boto3.client("s3", region_name=region).create_bucket(Bucket=bucket, **kwargs)
    ct = boto3.client("cloudtrail", region_name=region)
    arn = ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=multi,
                          EnableLogFileValidation=True)["TrailARN"]
    if logging:
        ct.start_logging(Name=name)
    return arn


def test_cloudtrail_no_trail(aws: None, make_ctx: Callable[..., Context]) -> None:
    records = cloudtrail.collect_trails(make_ctx())
    assert [r.type for r in records] == ["cloudtrail.account"]
    assert records[0].attrs == {"listed_from": "us-east-1", "trails": []}


def test_cloudtrail_trails_with_status(aws: None, make_ctx: Callable[..., Context]) -> None:
    main = _trail("main", "eu-west-1", multi=True, logging=True)
    _trail("local", "us-east-1", multi=False, logging=False)
    _trail("elsewhere", "ap-northeast-1", multi=False, logging=True)
    session = boto3.Session()
    calls = Calls(session)
    records = cloudtrail.collect_trails(make_ctx(session=session))
    trails = {r.id: r for r in records if r.type == "cloudtrail.trail"}
    # The single-region trail of another region is not listed from us-east-1.
    assert set(trails) == {"main", "local"}
    m = trails["main"]
    assert m.region == "eu-west-1" and m.arn == main
    assert m.attrs["multi_region"] is True and m.attrs["is_logging"] is True
    assert m.attrs["home_region"] == "eu-west-1" and m.attrs["owner_account_id"] == ACCOUNT
    assert m.attrs["log_file_validation"] is True and m.attrs["organization_trail"] is False
    assert m.attrs["management_events"] == "all" and m.attrs["errors"] == {}
    assert m.attrs["s3_bucket"] == "trail-main-eu-west-1" and m.attrs["kms_key_id"] is None
    assert trails["local"].attrs["multi_region"] is False
    assert trails["local"].attrs["is_logging"] is False
    acct = one(records, "cloudtrail.account")
    assert sorted(acct.attrs["trails"]) == sorted([main, trails["local"].arn])
    assert calls.counter == Counter({"cloudtrail:DescribeTrails": 1,
                                     "cloudtrail:GetTrailStatus": 2})


def test_cloudtrail_custom_selectors_are_read(aws: None, make_ctx: Callable[..., Context]
                                              ) -> None:
    _trail("reads", "us-east-1", multi=True, logging=True)
    boto3.client("cloudtrail").put_event_selectors(TrailName="reads", EventSelectors=[
        {"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}])
    session = boto3.Session()

    def flag_custom(parsed: dict[str, Any], **_: Any) -> None:
        # moto does not set HasCustomEventSelectors after PutEventSelectors; AWS does.
        for trail in parsed["trailList"]:
            trail["HasCustomEventSelectors"] = True

    session.events.register("after-call.cloudtrail.DescribeTrails", flag_custom)
    rec = one(cloudtrail.collect_trails(make_ctx(session=session)), "cloudtrail.trail")
    assert rec.attrs["management_events"] == "read_only"


def test_cloudtrail_status_denied_is_recorded(aws: None, make_ctx: Callable[..., Context]
                                              ) -> None:
    _trail("main", "us-east-1", multi=True, logging=True)
    session = boto3.Session()

    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}},
                          "GetTrailStatus")

    session.events.register("before-call.cloudtrail.GetTrailStatus", deny)
    rec = one(cloudtrail.collect_trails(make_ctx(session=session)), "cloudtrail.trail")
    assert rec.attrs["is_logging"] is None
    assert rec.attrs["errors"] == {"trail_status": "AccessDeniedException"}


@pytest.mark.parametrize("selectors, expected", [
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}, "all"),
    ({"EventSelectors": [{"ReadWriteType": "WriteOnly"}]}, "write_only"),
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False,
                          "DataResources": [{"Type": "AWS::S3::Object"}]}]}, "none"),
    ({"EventSelectors": [{"ReadWriteType": "ReadOnly"}, {"ReadWriteType": "WriteOnly"}]},
     "all"),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]}]}]}, "all"),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "readOnly", "Equals": ["false"]}]}]}, "write_only"),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}]}, "none"),
    ({"EventSelectors": [], "AdvancedEventSelectors": []}, "none"),
])
def test_management_events(selectors: dict[str, Any], expected: str) -> None:
    assert cloudtrail.management_events(selectors) == expected


@pytest.mark.parametrize("selectors, expected", [
    # issue #11: NotEquals on readOnly was read as "all"
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "readOnly", "NotEquals": ["false"]}]}]}, "read_only"),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "readOnly", "Equals": ["true", "false"]}]}]}, "all"),
])
def test_management_events_not_equals(selectors: dict[str, Any], expected: str) -> None:
    assert cloudtrail.management_events(selectors) == expected


def test_excluded_management_sources() -> None:
    assert cloudtrail.excluded_sources({"EventSelectors": [
        {"ReadWriteType": "All", "ExcludeManagementEventSources": ["kms.amazonaws.com"]}],
        "AdvancedEventSelectors": [{"FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "eventSource", "NotEquals": ["rdsdata.amazonaws.com"]}]}]}) == [
        "kms.amazonaws.com", "rdsdata.amazonaws.com"]
    assert cloudtrail.excluded_sources({}) == []


# --- Config ---------------------------------------------------------------------------------

def test_config_no_recorder_one_call(aws: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    calls = Calls(session)
    rec = one(config.collect_recorders(make_ctx(session=session)), "config.region")
    assert rec.attrs == {"recorders": [], "errors": {}}
    assert calls.counter == Counter({"config:DescribeConfigurationRecorders": 1})


def test_config_recorder_status(aws: None, make_ctx: Callable[..., Context]) -> None:
    cfg = boto3.client("config", region_name="eu-west-1")
    cfg.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    rec = one(config.collect_recorders(make_ctx("eu-west-1")), "config.region")
    [r] = rec.attrs["recorders"]
    assert r["name"] == "default" and r["recording"] is False
    assert r["all_supported"] is True and r["include_global_resource_types"] is True
    assert r["excluded_types"] == []
    boto3.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="config-bucket-x", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    cfg.put_delivery_channel(DeliveryChannel={"name": "default",
                                              "s3BucketName": "config-bucket-x"})
    cfg.start_configuration_recorder(ConfigurationRecorderName="default")
    session = boto3.Session()
    calls = Calls(session)
    rec = one(config.collect_recorders(make_ctx("eu-west-1", session=session)), "config.region")
    [r] = rec.attrs["recorders"]
    assert r["recording"] is True and r["last_status"] == "PENDING"
    assert calls.counter == Counter({"config:DescribeConfigurationRecorders": 1,
                                     "config:DescribeConfigurationRecorderStatus": 1})


# --- Security Hub, GuardDuty, Access Analyzer, Inspector ------------------------------------

def test_securityhub(aws: None, make_ctx: Callable[..., Context]) -> None:
    rec = one(securityhub.collect_hub(make_ctx()), "securityhub.region")
    assert rec.attrs == {"enabled": False, "hub_arn": None, "subscribed_at": None}
    boto3.client("securityhub").enable_security_hub()
    rec = one(securityhub.collect_hub(make_ctx()), "securityhub.region")
    assert rec.attrs["enabled"] is True
    assert rec.attrs["hub_arn"] == f"arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/default"


def test_securityhub_other_error_raises(aws: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()

    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}},
                          "DescribeHub")

    session.events.register("before-call.securityhub.DescribeHub", deny)
    with pytest.raises(ClientError):
        securityhub.collect_hub(make_ctx(session=session))


def test_guardduty(aws: None, make_ctx: Callable[..., Context]) -> None:
    rec = one(guardduty.collect_detectors(make_ctx()), "guardduty.region")
    assert rec.attrs == {"detectors": [], "errors": {}}
    gd = boto3.client("guardduty")
    detector = gd.create_detector(Enable=True)["DetectorId"]
    rec = one(guardduty.collect_detectors(make_ctx()), "guardduty.region")
    assert rec.attrs["detectors"] == [{"id": detector, "status": "ENABLED",
                                       "finding_publishing_frequency": "SIX_HOURS",
                                       "features": {}}]
    gd.update_detector(DetectorId=detector, Enable=False)
    rec = one(guardduty.collect_detectors(make_ctx()), "guardduty.region")
    assert rec.attrs["detectors"][0]["status"] == "DISABLED"


def test_guardduty_detail_failure(aws: None, make_ctx: Callable[..., Context]) -> None:
    detector = boto3.client("guardduty").create_detector(Enable=True)["DetectorId"]
    session = boto3.Session()

    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}},
                          "GetDetector")

    session.events.register("before-call.guardduty.GetDetector", deny)
    rec = one(guardduty.collect_detectors(make_ctx(session=session)), "guardduty.region")
    assert rec.attrs["detectors"][0]["status"] is None
    assert rec.attrs["errors"] == {f"detector:{detector}": "AccessDeniedException"}


def test_accessanalyzer_unimplemented_in_moto_raises(aws: None,
                                                     make_ctx: Callable[..., Context]) -> None:
    with pytest.raises(ClientError):
        accessanalyzer.collect_analyzers(make_ctx())


def test_accessanalyzer_parses_analyzers(make_ctx: Callable[..., Context]) -> None:
    """moto has no Access Analyzer: a botocore Stubber stands in for the real API."""
    from botocore.stub import Stubber

    session = boto3.Session()
    client = session.client("accessanalyzer", region_name="us-east-1")
    stub = Stubber(client)
    stub.add_response("list_analyzers", {"analyzers": [{
        "arn": "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/ext",
        "name": "ext", "type": "ACCOUNT", "status": "ACTIVE",
        "createdAt": "2024-01-01T00:00:00Z"}]})
    ctx = Context(account_id=ACCOUNT, region="us-east-1", partition="aws",
                  client_for=lambda service, region=None: client)
    with stub:
        rec = one(accessanalyzer.collect_analyzers(ctx), "accessanalyzer.region")
    assert rec.attrs["analyzers"] == [{
        "name": "ext", "arn": "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/ext",
        "type": "ACCOUNT", "status": "ACTIVE"}]


def test_inspector(aws: None, make_ctx: Callable[..., Context]) -> None:
    rec = one(inspector.collect_inspector(make_ctx()), "inspector.region")
    # moto lists no account before enable (AWS says DISABLED): no status means not enabled,
    # and the record says the answer was empty.
    assert rec.attrs == {"account_state": "NOT_ENABLED", "resource_state": {},
                         "status_returned": False, "errors": {}}
    boto3.client("inspector2").enable(accountIds=[ACCOUNT], resourceTypes=["ECR"])
    rec = one(inspector.collect_inspector(make_ctx()), "inspector.region")
    assert rec.attrs["account_state"] == "ENABLED" and rec.attrs["errors"] == {}
    assert rec.attrs["status_returned"] is True
    assert rec.attrs["resource_state"]["ecr"] == "ENABLED"
    assert rec.attrs["resource_state"]["ec2"] == "DISABLED"


# --- the whole set, one account × one region --------------------------------------------------

def test_calls_per_account_and_region(aws: None, make_ctx: Callable[..., Context]) -> None:
    """A baseline account: org + trail + recorder + hub + detector + inspector turned on."""
    boto3.client("organizations").create_organization(FeatureSet="ALL")
    _trail("org", "us-east-1", multi=True, logging=True)
    boto3.client("config").put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config"})
    boto3.client("securityhub").enable_security_hub()
    boto3.client("guardduty").create_detector(Enable=True)
    boto3.client("inspector2").enable(accountIds=[ACCOUNT], resourceTypes=["EC2"])
    session = boto3.Session()
    calls = Calls(session)
    ctx = make_ctx(session=session)
    organizations.collect_organization(ctx)
    cloudtrail.collect_trails(ctx)
    global_calls = sum(calls.counter.values())
    for fn in (sso.collect_sso_instances, config.collect_recorders, securityhub.collect_hub,
               guardduty.collect_detectors, inspector.collect_inspector):
        fn(ctx)
    with pytest.raises(ClientError):
        accessanalyzer.collect_analyzers(ctx)
    regional_calls = sum(calls.counter.values()) - global_calls
    # global: DescribeOrganization 1 + DescribeTrails 1 + GetTrailStatus 1 per trail
    assert global_calls == 3
    # regional: ListInstances 1 (+ ListPermissionSets, ListUsers, ListGroups on moto's
    # pre-seeded, empty instance), Config 2, DescribeHub 1, GuardDuty 2, Inspector 1,
    # ListAnalyzers 1
    assert regional_calls == 11
    declared = {f"{c.service}:{c.operation}" for spec in REGISTRY.values()
                for c in spec.calls}
    assert set(calls.counter) <= declared
