"""The emulated DealLink org: its shape, its seeded problems read back, its expected lists."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from onboard import catalog
from onboard.demo import (
    PRIMARY_REGION,
    REGIONS,
    DemoOrg,
    Expect,
    build_in_process,
    seed,
    strip_account_host,
)
from tests.moto_server import moto_server_env  # noqa: F401  (a fixture)

# DESIGN.md's check catalog (a contract: ids are added, never renamed)
DESIGN_CHECKS = {
    "iam.root_mfa", "iam.root_access_keys", "iam.human_users", "iam.user_mfa",
    "iam.user_access_keys", "iam.workload_users", "ec2.instance_profile", "sso.enabled",
    "cloudtrail.enabled", "config.enabled", "vpc.flow_logs", "elb.access_logs",
    "cloudfront.logging", "s3.account_public_access_block", "s3.bucket_public_access_block",
    "s3.bucket_public", "s3.versioning", "rds.backup_retention", "rds.deletion_protection",
    "rds.public", "network.public_subnet_resources", "ec2.ssh_open", "ec2.sg_open_ports",
    "securityhub.enabled", "guardduty.enabled", "accessanalyzer.enabled", "inspector.enabled",
}
ACCOUNT_SCOPED = {"iam.root_mfa", "iam.root_access_keys", "sso.enabled", "cloudtrail.enabled",
                  "s3.account_public_access_block"}
REGION_SCOPED = {"config.enabled", "securityhub.enabled", "guardduty.enabled",
                 "accessanalyzer.enabled", "inspector.enabled"}
# the talk's findings and the review list: each must be seeded as at least one FAIL
TALK_PROBLEMS = {
    "iam.human_users", "iam.user_mfa", "iam.workload_users", "iam.user_access_keys",
    "ec2.instance_profile", "s3.account_public_access_block", "s3.bucket_public_access_block",
    "s3.versioning", "s3.bucket_public", "rds.backup_retention", "rds.deletion_protection",
    "rds.public", "network.public_subnet_resources", "ec2.ssh_open", "ec2.sg_open_ports",
    "vpc.flow_logs", "config.enabled", "cloudtrail.enabled", "elb.access_logs",
    "cloudfront.logging", "guardduty.enabled", "securityhub.enabled", "iam.root_mfa",
    "sso.enabled",
}


class Aws:
    """boto3 clients into any account of the demo org (assume-role from management)."""

    def __init__(self, org: DemoOrg) -> None:
        self.org = org
        self.session = boto3.Session(region_name=PRIMARY_REGION)
        self.creds: dict[str, dict[str, str]] = {}
        self.clients: dict[tuple[str, str, str], Any] = {}

    def __call__(self, key: str, service: str, region: str = PRIMARY_REGION) -> Any:
        if (key, service, region) not in self.clients:
            self.clients[(key, service, region)] = self._client(key, service, region)
        return self.clients[(key, service, region)]

    def _client(self, key: str, service: str, region: str) -> Any:
        acct = self.org.accounts[key]
        if acct.environment == "management":
            return self.session.client(service, region_name=region)
        if key not in self.creds:
            c = self.session.client("sts").assume_role(
                RoleArn=f"arn:aws:iam::{acct.id}:role/OrganizationAccountAccessRole",
                RoleSessionName="test-demo")["Credentials"]
            self.creds[key] = {"aws_access_key_id": c["AccessKeyId"],
                               "aws_secret_access_key": c["SecretAccessKey"],
                               "aws_session_token": c["SessionToken"]}
        return self.session.client(service, region_name=region, **self.creds[key])


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


class TestInProcess:
    """One in-process seed (`onboard demo`'s path), read back through the AWS APIs."""

    @pytest.fixture(scope="class")
    def demo(self) -> Iterator[tuple[DemoOrg, Aws]]:
        with build_in_process() as org:
            yield org, Aws(org)

    def test_accounts_and_ous(self, demo: tuple[DemoOrg, Aws]) -> None:
        org, aws = demo
        assert list(org.accounts) == ["management", "production", "staging", "sandbox"]
        assert [a.environment for a in org.accounts.values()] == [
            "management", "prod", "staging", "sandbox"]
        assert org.accounts["management"].id == "123456789012"
        assert org.accounts["management"].name == "DealLink Management"  # a backend tweak
        assert len(set(org.account_ids)) == 4
        assert org.regions == REGIONS and len(REGIONS) == 2
        orgs = aws("management", "organizations")
        assert orgs.describe_organization()["Organization"]["FeatureSet"] == "ALL"
        listed = {a["Id"]: a for a in orgs.list_accounts()["Accounts"]}
        assert set(listed) == set(org.account_ids)
        assert all(a["Status"] == "ACTIVE" for a in listed.values())
        for acct in org.accounts.values():
            assert listed[acct.id]["Email"] == acct.email
        root = orgs.list_roots()["Roots"][0]["Id"]
        ous = {o["Name"]: o["Id"] for o in
               orgs.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]}
        assert set(ous) == {"Workloads", "Sandbox"}

        def members(parent: str) -> set[str]:
            return {a["Id"] for a in orgs.list_accounts_for_parent(ParentId=parent)["Accounts"]}

        assert members(ous["Workloads"]) == {org.accounts["production"].id,
                                             org.accounts["staging"].id}
        assert members(ous["Sandbox"]) == {org.accounts["sandbox"].id}
        assert members(root) == {org.accounts["management"].id}
        for key in ("production", "staging", "sandbox"):
            who = aws(key, "sts").get_caller_identity()
            assert who["Account"] == org.accounts[key].id

    def test_iam_problems(self, demo: tuple[DemoOrg, Aws]) -> None:
        org, aws = demo
        iam = aws("production", "iam")
        users = {u["UserName"] for u in iam.list_users()["Users"]}
        assert {"haruka.sato", "kenji.tanaka", "app-server", "legacy-ci"} <= users
        iam.get_login_profile(UserName="kenji.tanaka")
        assert iam.list_mfa_devices(UserName="kenji.tanaka")["MFADevices"] == []
        assert iam.list_mfa_devices(UserName="taro.yamada")["MFADevices"]
        with pytest.raises(ClientError) as exc:
            iam.get_login_profile(UserName="app-server")
        assert _code(exc) == "NoSuchEntity"
        (key,) = iam.list_access_keys(UserName="app-server")["AccessKeyMetadata"]
        assert key["Status"] == "Active"
        used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
        assert used.get("LastUsedDate")
        mgmt = aws("management", "iam")
        (never,) = mgmt.list_access_keys(UserName="haruka.sato")["AccessKeyMetadata"]
        last = mgmt.get_access_key_last_used(AccessKeyId=never["AccessKeyId"])
        assert not last["AccessKeyLastUsed"].get("LastUsedDate")
        # in-process tweaks: root MFA on in management only; keys backdated; no SSO
        assert org.backend_tweaks
        assert mgmt.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1
        assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0
        now = datetime.now(UTC)
        assert (now - key["CreateDate"]).days >= 399
        assert (now - never["CreateDate"]).days >= 44
        assert aws("management", "sso-admin").list_instances()["Instances"] == []

    def test_s3_problems_and_good_buckets(self, demo: tuple[DemoOrg, Aws]) -> None:
        _, aws = demo
        prod = aws("production", "s3")
        assert prod.get_bucket_versioning(Bucket="deallink-prod-exports")["Status"] == "Suspended"
        good = "deallink-prod-customer-documents"
        assert prod.get_bucket_versioning(Bucket=good)["Status"] == "Enabled"
        assert all(prod.get_public_access_block(Bucket=good)
                   ["PublicAccessBlockConfiguration"].values())
        rule = prod.get_bucket_encryption(Bucket=good)["ServerSideEncryptionConfiguration"]
        assert rule["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
        staging = aws("staging", "s3")
        with pytest.raises(ClientError) as exc:
            staging.get_public_access_block(Bucket="deallink-staging-customer-documents")
        assert _code(exc) == "NoSuchPublicAccessBlockConfiguration"
        assert "Status" not in staging.get_bucket_versioning(
            Bucket="deallink-staging-customer-documents")
        grants = staging.get_bucket_acl(Bucket="deallink-staging-static-assets")["Grants"]
        assert any(g["Grantee"].get("URI", "").endswith("/global/AllUsers") for g in grants)
        sandbox = aws("sandbox", "s3")
        status = sandbox.get_bucket_policy_status(Bucket="deallink-sandbox-marketing-lp")
        assert status["PolicyStatus"]["IsPublic"] is True
        tokyo = sandbox.get_bucket_location(Bucket="deallink-sandbox-tokyo-datasets")
        assert tokyo["LocationConstraint"] == "ap-northeast-1"
        # account-level Block Public Access: on in prod only
        cfg = aws("production", "s3control").get_public_access_block(
            AccountId=demo[0].accounts["production"].id)["PublicAccessBlockConfiguration"]
        assert all(cfg.values())
        with pytest.raises(ClientError) as exc:
            aws("staging", "s3control").get_public_access_block(
                AccountId=demo[0].accounts["staging"].id)
        assert _code(exc) == "NoSuchPublicAccessBlockConfiguration"

    def test_network_and_compute_problems(self, demo: tuple[DemoOrg, Aws]) -> None:
        org, aws = demo
        ec2 = aws("staging", "ec2")
        sg = ec2.describe_security_groups(GroupIds=[org.ids["staging/sg/deallink-staging-ssh"]]
                                          )["SecurityGroups"][0]
        assert any(p["FromPort"] == 22 and {"CidrIp": "0.0.0.0/0", "Description": "temporary"}
                   in p["IpRanges"] for p in sg["IpPermissions"])
        worker = ec2.describe_instances(InstanceIds=[org.ids["staging/instance/"
                                                             "deallink-staging-worker"]])
        inst = worker["Reservations"][0]["Instances"][0]
        assert "IamInstanceProfile" not in inst
        assert inst["SecurityGroups"][0]["GroupId"] == sg["GroupId"]
        prod = aws("production", "ec2")
        web = prod.describe_instances(InstanceIds=[org.ids["production/instance/"
                                                           "deallink-prod-web-1"]])
        assert web["Reservations"][0]["Instances"][0]["IamInstanceProfile"]["Arn"].endswith(
            "/deallink-prod-web")
        batch = prod.describe_instances(InstanceIds=[org.ids["production/instance/"
                                                             "deallink-prod-batch"]])
        assert "IamInstanceProfile" not in batch["Reservations"][0]["Instances"][0]
        db_sg = prod.describe_security_groups(GroupIds=[
            org.ids["production/sg/deallink-prod-analytics-db"]])["SecurityGroups"][0]
        assert db_sg["IpPermissions"][0]["Ipv6Ranges"][0]["CidrIpv6"] == "::/0"
        rdp = aws("sandbox", "ec2").describe_security_groups(
            GroupIds=[org.ids["sandbox/sg/launch-wizard-2"]])["SecurityGroups"][0]
        assert rdp["IpPermissions"][0]["FromPort"] == 3389
        # flow logs: prod's VPC only
        assert prod.describe_flow_logs()["FlowLogs"][0]["ResourceId"] == org.ids[
            "production/vpc"]
        assert ec2.describe_flow_logs()["FlowLogs"] == []
        # the sandbox's forgotten experiment in Tokyo, in the default VPC
        tokyo = aws("sandbox", "ec2", "ap-northeast-1")
        (res,) = tokyo.describe_instances()["Reservations"]
        assert res["Instances"][0]["VpcId"] == org.ids["sandbox/default_vpc/ap-northeast-1"]

    def test_rds(self, demo: tuple[DemoOrg, Aws]) -> None:
        org, aws = demo
        rds = aws("production", "rds")
        dbs = {d["DBInstanceIdentifier"]: d for d in rds.describe_db_instances()["DBInstances"]}
        bad, good = dbs["deallink-prod-analytics"], dbs["deallink-prod-db"]
        assert (bad["BackupRetentionPeriod"], bad["DeletionProtection"],
                bad["PubliclyAccessible"]) == (1, False, True)
        assert (good["BackupRetentionPeriod"], good["DeletionProtection"],
                good["PubliclyAccessible"]) == (7, True, False)
        ec2 = aws("production", "ec2")
        igw_subnets = set()
        for rt in ec2.describe_route_tables(Filters=[{"Name": "vpc-id",
                                                      "Values": [org.ids["production/vpc"]]}]
                                            )["RouteTables"]:
            if any(r.get("GatewayId", "").startswith("igw-") for r in rt["Routes"]):
                igw_subnets |= {a["SubnetId"] for a in rt["Associations"] if "SubnetId" in a}
        bad_subnets = {s["SubnetIdentifier"] for s in bad["DBSubnetGroup"]["Subnets"]}
        good_subnets = {s["SubnetIdentifier"] for s in good["DBSubnetGroup"]["Subnets"]}
        assert bad_subnets & igw_subnets
        assert not good_subnets & igw_subnets
        staging = aws("staging", "rds").describe_db_instances()["DBInstances"][0]
        assert staging["BackupRetentionPeriod"] == 1 and not staging["DeletionProtection"]

    def test_logging_and_security_services(self, demo: tuple[DemoOrg, Aws]) -> None:
        org, aws = demo
        trails = aws("production", "cloudtrail").describe_trails()["trailList"]
        assert trails[0]["IsMultiRegionTrail"]
        assert aws("production", "cloudtrail").get_trail_status(
            Name=trails[0]["Name"])["IsLogging"]
        (staging_trail,) = aws("staging", "cloudtrail").describe_trails()["trailList"]
        assert not staging_trail["IsMultiRegionTrail"]
        assert aws("sandbox", "cloudtrail").describe_trails()["trailList"] == []
        recorders = aws("production", "config").describe_configuration_recorder_status()
        assert recorders["ConfigurationRecordersStatus"][0]["recording"]
        assert aws("production", "config", "ap-northeast-1").describe_configuration_recorders(
            )["ConfigurationRecorders"] == []
        for key in ("management", "staging", "sandbox"):
            assert aws(key, "config").describe_configuration_recorders(
                )["ConfigurationRecorders"] == []
        for region in REGIONS:
            assert aws("production", "guardduty", region).list_detectors()["DetectorIds"]
            assert aws("sandbox", "guardduty", region).list_detectors()["DetectorIds"] == []
        def inspector(key: str, region: str) -> str:
            status = aws(key, "inspector2", region).batch_get_account_status(
                accountIds=[org.accounts[key].id])["accounts"][0]
            return str(status["resourceState"]["ec2"]["status"])

        assert inspector("production", PRIMARY_REGION) == "ENABLED"
        assert inspector("production", "ap-northeast-1") == "DISABLED"
        assert inspector("sandbox", PRIMARY_REGION) == "DISABLED"
        aws("production", "securityhub").describe_hub()
        with pytest.raises(ClientError) as exc:
            aws("sandbox", "securityhub").describe_hub()
        assert _code(exc) == "InvalidAccessException"
        elb = aws("production", "elbv2")
        lb = elb.describe_load_balancers(Names=["deallink-prod-alb"])["LoadBalancers"][0]
        attrs = {a["Key"]: a["Value"] for a in elb.describe_load_balancer_attributes(
            LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]}
        assert attrs["access_logs.s3.enabled"] == "true"
        selb = aws("staging", "elbv2")
        slb = selb.describe_load_balancers(Names=["deallink-staging-alb"])["LoadBalancers"][0]
        sattrs = {a["Key"]: a["Value"] for a in selb.describe_load_balancer_attributes(
            LoadBalancerArn=slb["LoadBalancerArn"])["Attributes"]}
        assert sattrs.get("access_logs.s3.enabled", "false") == "false"
        cf = aws("production", "cloudfront").get_distribution_config(
            Id=org.ids["production/distribution"])["DistributionConfig"]
        assert cf["Logging"]["Enabled"] is False

    def test_architecture_for_the_diagram(self, demo: tuple[DemoOrg, Aws]) -> None:
        org, aws = demo
        for key in ("production", "staging"):
            ec2 = aws(key, "ec2")
            vpc = org.ids[f"{key}/vpc"]
            subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}]
                                           )["Subnets"]
            assert len(subnets) == 4
            assert len({s["AvailabilityZone"] for s in subnets}) == 2
            assert sum(s["MapPublicIpOnLaunch"] for s in subnets) == 2
            igws = ec2.describe_internet_gateways(Filters=[
                {"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"]
            assert len(igws) == 1
            (nat,) = ec2.describe_nat_gateways()["NatGateways"]
            routes = [r for rt in ec2.describe_route_tables(Filters=[
                {"Name": "vpc-id", "Values": [vpc]}])["RouteTables"] for r in rt["Routes"]]
            assert any(r.get("NatGatewayId") == nat["NatGatewayId"] for r in routes)
            assert any(r.get("GatewayId") == igws[0]["InternetGatewayId"] for r in routes)
            elb = aws(key, "elbv2")
            (tg,) = elb.describe_target_groups()["TargetGroups"]
            assert elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"]
                                              )["TargetHealthDescriptions"]
            (cache,) = aws(key, "elasticache").describe_cache_clusters()["CacheClusters"]
            assert cache["Engine"] == "redis"
            assert aws(key, "lambda").list_functions()["Functions"]
            assert aws(key, "codepipeline").list_pipelines()["pipelines"]
            assert aws(key, "codebuild").list_projects()["projects"]
            assert aws(key, "dynamodb").list_tables()["TableNames"]
            (acl,) = aws(key, "wafv2").list_web_acls(Scope="CLOUDFRONT")["WebACLs"]
            cfc = aws(key, "cloudfront")
            dist = cfc.get_distribution(Id=org.ids[f"{key}/distribution"])["Distribution"]
            config = dist["DistributionConfig"]
            assert config["WebACLId"] == acl["ARN"]
            domains = [o["DomainName"] for o in config["Origins"]["Items"]]
            assert any(d.endswith(".s3.amazonaws.com") for d in domains)
            assert any(".elb." in d for d in domains)
            r53 = aws(key, "route53")
            zone = org.ids[f"{key}/hosted_zone"]
            records = r53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
            aliases = [r["AliasTarget"]["DNSName"] for r in records if "AliasTarget" in r]
            assert any(a.rstrip(".") == dist["DomainName"].rstrip(".") for a in aliases)

    def test_expected_lists_are_consistent(self, demo: tuple[DemoOrg, Aws]) -> None:
        org, _ = demo
        assert_consistent(org)
        assert {e.check_id for e in org.expected} >= TALK_PROBLEMS
        ids = set(org.account_ids)
        mgmt, prod = org.accounts["management"].id, org.accounts["production"].id
        assert Expect("iam.root_mfa", mgmt, mgmt) in org.good
        assert Expect("sso.enabled", mgmt, mgmt) in org.expected
        sandbox = org.accounts["sandbox"].id
        assert Expect("iam.root_access_keys", sandbox, sandbox) in org.expected
        assert Expect("iam.user_access_keys", prod, "app-server") in org.expected
        assert Expect("iam.workload_users", prod, "app-server") in org.expected
        assert Expect("cloudtrail.enabled", prod, prod) in org.good
        assert Expect("s3.versioning", prod, "deallink-prod-exports") in org.expected
        assert Expect("s3.versioning", prod, "deallink-prod-customer-documents") in org.good
        assert Expect("rds.backup_retention", prod, "deallink-prod-db") in org.good
        assert Expect("config.enabled", prod, "ap-northeast-1") in org.expected
        assert {a for asset in org.assets for a, _ in asset.resources} <= ids

    def test_expected_resources_exist(self, demo: tuple[DemoOrg, Aws]) -> None:
        org, aws = demo
        keys = {a.id: k for k, a in org.accounts.items()}
        for e in [*org.expected, *org.good]:
            key, check, rid = keys[e.account_id], e.check_id, e.resource_id
            if check.startswith("s3.") and check != "s3.account_public_access_block":
                aws(key, "s3").head_bucket(Bucket=rid)
            elif rid.startswith("i-"):
                found = [aws(key, "ec2", r).describe_instances(
                    Filters=[{"Name": "instance-id", "Values": [rid]}])["Reservations"]
                    for r in REGIONS]
                assert any(found), e
            elif rid.startswith("sg-"):
                assert any(aws(key, "ec2", r).describe_security_groups(
                    Filters=[{"Name": "group-id", "Values": [rid]}])["SecurityGroups"]
                    for r in REGIONS), e
            elif rid.startswith("vpc-"):
                assert any(aws(key, "ec2", r).describe_vpcs(
                    Filters=[{"Name": "vpc-id", "Values": [rid]}])["Vpcs"] for r in REGIONS), e
            elif check.startswith("iam.") and check not in ACCOUNT_SCOPED:
                aws(key, "iam").get_user(UserName=rid)
            elif check.startswith("rds.") or rid.endswith(("-db", "-analytics")):
                aws(key, "rds").describe_db_instances(DBInstanceIdentifier=rid)
            elif rid.endswith("-redis"):
                aws(key, "elasticache").describe_cache_clusters(CacheClusterId=rid)
            elif check == "elb.access_logs":
                aws(key, "elbv2").describe_load_balancers(Names=[rid])
            elif check == "cloudfront.logging":
                aws(key, "cloudfront").get_distribution(Id=rid)
            else:
                assert check in ACCOUNT_SCOPED | REGION_SCOPED, e


def assert_consistent(org: DemoOrg) -> None:
    """Every listed outcome names a known account, a DESIGN check id and the right scope."""
    ids = set(org.account_ids)
    known = DESIGN_CHECKS | set(catalog.load().checks)
    assert org.expected and org.good
    both = org.expected + org.good
    assert len(set(both)) == len(both), "duplicates or an outcome both FAIL and PASS"
    for e in both:
        assert isinstance(e, tuple) and len(e) == 3
        assert e.account_id in ids, e
        assert e.check_id in DESIGN_CHECKS and e.check_id in known, e
        if e.check_id in ACCOUNT_SCOPED:
            assert e.resource_id == e.account_id, e
        elif e.check_id in REGION_SCOPED:
            assert e.resource_id in org.regions, e
        else:
            assert e.resource_id and e.resource_id not in ids, e


def test_build_in_process_restores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "someone-real")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    before = dict(os.environ)
    seen: dict[str, str | None] = {}

    def fake_seed(session: boto3.Session) -> Any:
        seen.update({k: os.environ.get(k) for k in
                     ("AWS_PROFILE", "AWS_ENDPOINT_URL", "MOTO_EC2_LOAD_DEFAULT_AMIS")})
        seen["account"] = session.client("sts").get_caller_identity()["Account"]
        return "org"

    with build_in_process(fake_seed) as org:
        assert org == "org"
    assert seen == {"AWS_PROFILE": None, "AWS_ENDPOINT_URL": None,
                    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false", "account": "123456789012"}
    assert dict(os.environ) == before


def test_seed_refuses_real_aws() -> None:
    """Without moto in process and without a local endpoint, nothing is created."""
    with pytest.raises(RuntimeError, match="real AWS"):
        seed(boto3.Session(region_name=PRIMARY_REGION))


def test_seed_in_the_aws_fixture_without_tweaks(aws: None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """seed() under conftest's mock, with the backend tweaks off: the lists say so."""
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    org = seed(boto3.Session(region_name=PRIMARY_REGION), backend_tweaks=False)
    assert not org.backend_tweaks
    assert_consistent(org)
    mgmt, prod = org.accounts["management"].id, org.accounts["production"].id
    assert Expect("iam.root_mfa", mgmt, mgmt) in org.expected
    sandbox = org.accounts["sandbox"].id
    assert Expect("iam.root_access_keys", sandbox, sandbox) in org.good
    assert not [e for e in org.expected + org.good if e.check_id == "sso.enabled"]
    # fresh keys: a used one passes, a never-used one fails at any age
    assert Expect("iam.user_access_keys", prod, "app-server") in org.good
    assert Expect("iam.user_access_keys", mgmt, "haruka.sato") in org.expected
    summary = boto3.client("iam").get_account_summary()["SummaryMap"]
    assert summary["AccountMFAEnabled"] == 0


@pytest.mark.slow
def test_seed_against_the_moto_server(moto_server_env: str) -> None:  # noqa: F811
    """The same seed() over HTTP (AWS_ENDPOINT_URL); in-process tweaks are skipped."""
    session = boto3.Session(region_name=PRIMARY_REGION)
    assert session.client("s3").meta.endpoint_url == moto_server_env
    org = seed(session)
    assert not org.backend_tweaks
    assert_consistent(org)
    assert len(org.accounts) == 4
    aws = Aws(org)
    listed = aws("management", "organizations").list_accounts()["Accounts"]
    assert {a["Id"] for a in listed} == set(org.account_ids)
    assert aws("production", "s3").get_bucket_versioning(
        Bucket="deallink-prod-exports")["Status"] == "Suspended"
    db = aws("production", "rds").describe_db_instances(
        DBInstanceIdentifier="deallink-prod-analytics")["DBInstances"][0]
    assert db["BackupRetentionPeriod"] == 1 and db["PubliclyAccessible"]
    mgmt = org.accounts["management"].id
    assert Expect("iam.root_mfa", mgmt, mgmt) in org.expected
    assert aws("management", "iam").get_account_summary()["SummaryMap"][
        "AccountMFAEnabled"] == 0
    # S3 Control over a local endpoint needs the host fix seed() applies (see the moto notes)
    prod = org.accounts["production"].id
    s3control = aws("production", "s3control")
    s3control.meta.events.register("before-send.s3-control", strip_account_host)
    cfg = s3control.get_public_access_block(AccountId=prod)["PublicAccessBlockConfiguration"]
    assert all(cfg.values())
    assert Expect("s3.account_public_access_block", prod, prod) in org.good
