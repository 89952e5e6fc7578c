"""Collector tests for the inventory beyond the checks: Lambda, WAFv2, Code*, API Gateway,
DynamoDB, Route 53, ECS and EKS, against moto."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from onboard.aws.collect import (
    apigateway,
    codeservices,
    containers,
    dynamodb,
    lambdas,
    route53,
    wafv2,
)
from onboard.aws.collect.base import REGISTRY, Context
from onboard.aws.guard import Guard, declared_calls

ACCOUNT = "123456789012"
REGION = "us-east-1"


def deny(session: boto3.Session, event: str, code: str = "AccessDenied") -> None:
    def handler(**_: Any) -> tuple[Any, dict[str, Any]]:
        return SimpleNamespace(status_code=403, raw=None), {"Error": {"Code": code}}

    session.events.register(f"before-call.{event}", handler)


def answer(session: boto3.Session, event: str, body: dict[str, Any]) -> None:
    """Answer an operation moto does not implement with a canned response."""
    def handler(**_: Any) -> tuple[Any, dict[str, Any]]:
        return SimpleNamespace(status_code=200, raw=None), body

    session.events.register(f"before-call.{event}", handler)


def record_calls(session: boto3.Session) -> list[str]:
    calls: list[str] = []
    session.events.register("before-call.*.*", lambda model, **_: calls.append(model.name))
    return calls


def role(name: str, service: str) -> str:
    iam = boto3.client("iam", region_name=REGION)
    doc = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(doc))["Role"]["Arn"]


@pytest.fixture
def network(aws: None) -> tuple[str, list[str]]:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.2.{i}.0/24",
                                 AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    return vpc, subnets


def test_declarations_cover_every_new_collector() -> None:
    names = {"lambda.functions", "wafv2.web_acls", "wafv2.web_acls_cloudfront",
             "codepipeline.pipelines", "codebuild.projects", "codecommit.repositories",
             "apigateway.rest_apis", "apigateway.http_apis", "dynamodb.tables",
             "route53.zones", "ecs.clusters", "eks.clusters"}
    assert names <= set(REGISTRY)
    assert REGISTRY["route53.zones"].scope == "global"
    assert REGISTRY["wafv2.web_acls_cloudfront"].scope == "global"
    assert REGISTRY["wafv2.web_acls"].scope == "regional"
    actions = {c.iam_action for c in declared_calls()}
    assert {"lambda:ListFunctions", "wafv2:ListWebACLs", "wafv2:ListResourcesForWebACL",
            "codebuild:BatchGetProjects", "route53:ListResourceRecordSets",
            "eks:DescribeCluster", "ecs:DescribeClusters", "apigateway:GET",
            "dynamodb:ListTables", "codecommit:ListRepositories",
            "codepipeline:ListPipelines"} <= actions


# --- Lambda ------------------------------------------------------------------------------


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("h.py", "def h(event, context):\n    return 1\n")
    return buf.getvalue()


def test_lambda_functions_with_and_without_vpc(network: tuple[str, list[str]],
                                               make_ctx: Callable[..., Context]) -> None:
    _, subnets = network
    arn = role("fn", "lambda.amazonaws.com")
    lam = boto3.client("lambda", region_name=REGION)
    lam.create_function(FunctionName="api", Runtime="python3.12", Role=arn, Handler="h.h",
                        Code={"ZipFile": _zip()}, MemorySize=256, Timeout=10,
                        VpcConfig={"SubnetIds": subnets, "SecurityGroupIds": []},
                        Environment={"Variables": {"DB_PASSWORD": "hunter2", "A": "1"}})
    lam.create_function(FunctionName="cron", Runtime="nodejs20.x", Role=arn, Handler="h.h",
                        Code={"ZipFile": _zip()})
    found = {r.id: r for r in lambdas.collect_functions(make_ctx())}
    assert set(found) == {"api", "cron"}
    api = found["api"]
    assert api.type == "lambda.function"
    assert api.arn == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:api"
    assert api.attrs["runtime"] == "python3.12" and api.attrs["role"] == arn
    assert api.attrs["subnet_ids"] == subnets
    assert api.attrs["memory"] == 256 and api.attrs["timeout"] == 10
    assert api.attrs["env_var_names"] == ["A", "DB_PASSWORD"]
    assert "hunter2" not in json.dumps(api.attrs)  # values are never kept
    assert found["cron"].vpc_id is None and found["cron"].attrs["subnet_ids"] == []


def test_lambda_vpc_id_is_kept_when_aws_gives_it(make_ctx: Callable[..., Context]) -> None:
    r = lambdas.function_record(make_ctx(), {
        "FunctionName": "f", "FunctionArn": "arn:aws:lambda:us-east-1:1:function:f",
        "VpcConfig": {"VpcId": "vpc-1", "SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
        "PackageType": "Image"})
    assert r.vpc_id == "vpc-1" and r.attrs["security_groups"] == ["sg-1"]
    assert r.attrs["runtime"] is None and r.attrs["package_type"] == "Image"


def test_lambda_listing_failure_raises(aws: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    deny(session, "lambda.ListFunctions")
    with pytest.raises(ClientError):
        lambdas.collect_functions(make_ctx(session=session))


# --- WAFv2 -------------------------------------------------------------------------------

VISIBILITY = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False,
              "MetricName": "m"}


def _acl(region: str, name: str, scope: str) -> dict[str, Any]:
    waf = boto3.client("wafv2", region_name=region)
    return waf.create_web_acl(Name=name, Scope=scope, DefaultAction={"Allow": {}},
                              VisibilityConfig=VISIBILITY)["Summary"]


def test_wafv2_cloudfront_scope_is_read_from_us_east_1(aws: None,
                                                       make_ctx: Callable[..., Context]) -> None:
    edge = _acl("us-east-1", "edge", "CLOUDFRONT")
    _acl("us-east-1", "regional-use1", "REGIONAL")
    session = boto3.Session()
    calls: list[tuple[str, str]] = []
    session.events.register("before-call.wafv2.*", lambda model, context, **_: calls.append(
        (model.name, context["client_region"])))
    # a global collector may be run from any primary region: it still asks us-east-1
    found = wafv2.collect_cloudfront(make_ctx(region="eu-west-1", session=session))
    assert [(r.id, r.region, r.arn, r.attrs["scope"]) for r in found] == [
        (edge["Id"], "global", edge["ARN"], "CLOUDFRONT")]
    assert found[0].name == "edge" and found[0].attrs["protects"] == []
    assert calls == [("ListWebACLs", "us-east-1")]


def test_wafv2_regional_acls_and_what_they_protect(aws: None,
                                                   make_ctx: Callable[..., Context]) -> None:
    acl = _acl("eu-west-1", "api-waf", "REGIONAL")
    _acl("us-east-1", "other-region", "REGIONAL")
    alb = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/1"
    stage = "arn:aws:apigateway:eu-west-1::/restapis/abc/stages/prod"
    session = boto3.Session()

    def listed(params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]]:
        kind = json.loads(params["body"])["ResourceType"]
        arns = [alb] if kind == "APPLICATION_LOAD_BALANCER" else [stage]
        return SimpleNamespace(status_code=200, raw=None), {"ResourceArns": arns}

    session.events.register("before-call.wafv2.ListResourcesForWebACL", listed)
    (r,) = wafv2.collect_regional(make_ctx(region="eu-west-1", session=session))
    assert (r.id, r.region, r.attrs["scope"]) == (acl["Id"], "eu-west-1", "REGIONAL")
    assert r.attrs["protects"] == sorted([alb, stage]) and r.attrs["errors"] == {}


def test_wafv2_protected_resources_unavailable_is_recorded(
        aws: None, make_ctx: Callable[..., Context]) -> None:
    _acl("us-east-1", "waf", "REGIONAL")
    # moto has no ListResourcesForWebACL: recorded on the ACL, not fatal
    (r,) = wafv2.collect_regional(make_ctx())
    assert r.attrs["errors"] == {"resources": "NotImplemented"}
    assert r.attrs["protects"] == []


def test_wafv2_pages_through_markers(make_ctx: Callable[..., Context]) -> None:
    pages = [{"WebACLs": [{"Id": "1", "Name": "a", "ARN": "arn:1"}], "NextMarker": "m"},
             {"WebACLs": [{"Id": "2", "Name": "b", "ARN": "arn:2"}]}]
    seen: list[dict[str, Any]] = []

    class Fake:
        def list_web_acls(self, **kw: Any) -> dict[str, Any]:
            seen.append(kw)
            return pages[len(seen) - 1]

    assert [a["Id"] for a in wafv2.list_web_acls(Fake(), "REGIONAL")] == ["1", "2"]
    assert seen[1]["NextMarker"] == "m" and seen[0]["Scope"] == "REGIONAL"


# --- Code* -------------------------------------------------------------------------------


def test_codebuild_projects_privileged_mode_and_env_var_names(
        aws: None, make_ctx: Callable[..., Context]) -> None:
    arn = role("cb", "codebuild.amazonaws.com")
    cb = boto3.client("codebuild", region_name=REGION)
    cb.create_project(
        name="build", source={"type": "GITHUB", "location": "https://github.com/acme/app"},
        artifacts={"type": "NO_ARTIFACTS"}, serviceRole=arn,
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                     "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": True,
                     "environmentVariables": [
                         {"name": "NPM_TOKEN", "value": "s3cr3t", "type": "PLAINTEXT"},
                         {"name": "DB", "value": "/prod/db", "type": "PARAMETER_STORE"}]})
    session = boto3.Session()
    calls = record_calls(session)
    (p,) = codeservices.collect_projects(make_ctx(session=session))
    assert (p.type, p.id, p.arn) == ("codebuild.project", "build",
                                     f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/build")
    assert p.attrs["privileged_mode"] is True
    assert p.attrs["env_vars"] == [{"name": "NPM_TOKEN", "type": "PLAINTEXT"},
                                   {"name": "DB", "type": "PARAMETER_STORE"}]
    assert "s3cr3t" not in json.dumps(p.attrs)
    assert p.attrs["source_type"] == "GITHUB" and p.attrs["service_role"] == arn
    assert calls == ["ListProjects", "BatchGetProjects"]


def test_codebuild_batch_failure_is_per_project(aws: None,
                                                make_ctx: Callable[..., Context]) -> None:
    arn = role("cb", "codebuild.amazonaws.com")
    cb = boto3.client("codebuild", region_name=REGION)
    for name in ("alpha", "beta"):
        cb.create_project(name=name, source={"type": "S3", "location": "bucket/key.zip"},
                          artifacts={"type": "NO_ARTIFACTS"}, serviceRole=arn,
                          environment={"type": "LINUX_CONTAINER", "image": "img",
                                       "computeType": "BUILD_GENERAL1_SMALL"})
    session = boto3.Session()
    deny(session, "codebuild.BatchGetProjects")
    found = codeservices.collect_projects(make_ctx(session=session))
    assert [(p.id, p.attrs["errors"], p.attrs["privileged_mode"]) for p in found] == [
        ("alpha", {"details": "AccessDenied"}, None), ("beta", {"details": "AccessDenied"}, None)]


def test_codebuild_no_projects_makes_one_call(aws: None,
                                              make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    calls = record_calls(session)
    assert codeservices.collect_projects(make_ctx(session=session)) == []
    assert calls == ["ListProjects"]


def test_codepipeline_pipelines(aws: None, make_ctx: Callable[..., Context]) -> None:
    arn = role("cp", "codepipeline.amazonaws.com")
    cp = boto3.client("codepipeline", region_name=REGION)
    action = {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}
    build = {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"}
    cp.create_pipeline(pipeline={
        "name": "deploy", "roleArn": arn, "artifactStore": {"type": "S3", "location": "artifacts"},
        "stages": [
            {"name": "Source", "actions": [{"name": "S", "actionTypeId": action,
                                            "configuration": {"S3Bucket": "b",
                                                              "S3ObjectKey": "k"},
                                            "outputArtifacts": [{"name": "src"}]}]},
            {"name": "Build", "actions": [{"name": "B", "actionTypeId": build,
                                           "configuration": {"ProjectName": "build"},
                                           "inputArtifacts": [{"name": "src"}]}]}]})
    (p,) = codeservices.collect_pipelines(make_ctx())
    assert (p.type, p.id, p.arn) == ("codepipeline.pipeline", "deploy",
                                     f"arn:aws:codepipeline:{REGION}:{ACCOUNT}:deploy")
    assert p.attrs["version"] == 1 and p.attrs["created"]


def test_codecommit_listing_not_implemented_in_moto_raises(
        aws: None, make_ctx: Callable[..., Context]) -> None:
    boto3.client("codecommit", region_name=REGION).create_repository(repositoryName="app")
    with pytest.raises(NotImplementedError):
        codeservices.collect_repositories(make_ctx())


def test_codecommit_repositories(aws: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    answer(session, "codecommit.ListRepositories", {"repositories": [
        {"repositoryName": "app", "repositoryId": "uuid-1"}]})
    (r,) = codeservices.collect_repositories(make_ctx(session=session))
    assert (r.type, r.id, r.arn, r.attrs) == (
        "codecommit.repository", "app", f"arn:aws:codecommit:{REGION}:{ACCOUNT}:app",
        {"repository_id": "uuid-1"})


# --- API Gateway, DynamoDB ---------------------------------------------------------------


def test_api_gateway_rest_and_http_apis(aws: None, make_ctx: Callable[..., Context]) -> None:
    rest = boto3.client("apigateway", region_name=REGION).create_rest_api(
        name="public-api", endpointConfiguration={"types": ["REGIONAL"]},
        policy=json.dumps({"Version": "2012-10-17", "Statement": []}))
    http = boto3.client("apigatewayv2", region_name=REGION).create_api(
        Name="webhooks", ProtocolType="HTTP")
    ctx = make_ctx()
    (r,) = apigateway.collect_rest_apis(ctx)
    assert (r.type, r.id, r.name) == ("apigateway.rest_api", rest["id"], "public-api")
    assert r.arn == f"arn:aws:apigateway:{REGION}::/restapis/{rest['id']}"
    assert r.attrs["endpoint_types"] == ["REGIONAL"] and r.attrs["has_policy"] is True
    (h,) = apigateway.collect_http_apis(ctx)
    assert (h.type, h.id, h.name) == ("apigateway.http_api", http["ApiId"], "webhooks")
    assert h.attrs["protocol"] == "HTTP" and "execute-api" in h.attrs["endpoint"]


def test_dynamodb_tables_one_call(aws: None, make_ctx: Callable[..., Context]) -> None:
    ddb = boto3.client("dynamodb", region_name=REGION)
    for name in ("orders", "sessions"):
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
    session = boto3.Session()
    calls = record_calls(session)
    found = dynamodb.collect_tables(make_ctx(session=session))
    assert [(t.id, t.arn) for t in found] == [
        (n, f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{n}") for n in ("orders", "sessions")]
    assert calls == ["ListTables"]


# --- Route 53 ----------------------------------------------------------------------------


def test_route53_zones_and_alias_records(aws: None, make_ctx: Callable[..., Context]) -> None:
    r53 = boto3.client("route53", region_name=REGION)
    zone = r53.create_hosted_zone(Name="example.com.", CallerReference="1",
                                  HostedZoneConfig={"Comment": "prod", "PrivateZone": False})
    zone_id = zone["HostedZone"]["Id"].rsplit("/", 1)[-1]
    changes = [
        {"Name": "example.com.", "Type": "A", "AliasTarget": {
            "HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "d111.cloudfront.net.",
            "EvaluateTargetHealth": False}},
        {"Name": "api.example.com.", "Type": "A", "AliasTarget": {
            "HostedZoneId": "Z35SXDOTRQ7X7K",
            "DNSName": "dualstack.web-1.us-east-1.elb.amazonaws.com.",
            "EvaluateTargetHealth": True}},
        {"Name": "\\052.example.com.", "Type": "CNAME", "TTL": 60,
         "ResourceRecords": [{"Value": "example.com"}]},
        {"Name": "assets.example.com.", "Type": "CNAME", "TTL": 60,
         "ResourceRecords": [{"Value": "d222.cloudfront.net"}]},
        {"Name": "_x.example.com.", "Type": "CNAME", "TTL": 60,
         "ResourceRecords": [{"Value": "_y.acm-validations.aws."}]},
        {"Name": "mail.example.com.", "Type": "A", "TTL": 60,
         "ResourceRecords": [{"Value": "192.0.2.1"}]},
    ]
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": c} for c in changes]})
    session = boto3.Session()
    calls = record_calls(session)
    found = route53.collect_zones(make_ctx(session=session))
    zones = [r for r in found if r.type == "route53.zone"]
    records = {r.name: r for r in found if r.type == "route53.record"}
    assert [(z.id, z.name, z.region, z.attrs["private"], z.attrs["comment"]) for z in zones] == [
        (zone_id, "example.com", "global", False, "prod")]
    assert zones[0].arn == f"arn:aws:route53:::hostedzone/{zone_id}"
    assert set(records) == {"example.com", "api.example.com", "assets.example.com"}
    apex = records["example.com"]
    assert apex.id == f"{zone_id}:example.com:A"
    assert (apex.attrs["alias"], apex.attrs["target"], apex.attrs["target_kind"]) == (
        True, "d111.cloudfront.net", "cloudfront")
    assert records["api.example.com"].attrs["target"] == "web-1.us-east-1.elb.amazonaws.com"
    assert records["api.example.com"].attrs["target_kind"] == "elb"
    assert records["assets.example.com"].attrs["alias"] is False
    assert calls == ["ListHostedZones", "ListResourceRecordSets"]


def test_route53_record_failure_is_recorded_on_the_zone(
        aws: None, make_ctx: Callable[..., Context]) -> None:
    boto3.client("route53").create_hosted_zone(Name="internal.", CallerReference="2")
    session = boto3.Session()
    deny(session, "route53.ListResourceRecordSets", "Throttling")
    (z,) = route53.collect_zones(make_ctx(session=session))
    assert z.attrs["errors"] == {"records": "Throttling"}


def test_route53_target_kinds() -> None:
    assert route53.target_kind("my-nlb-1.elb.eu-west-1.amazonaws.com") == "elb"
    assert route53.target_kind("b.s3-website-us-east-1.amazonaws.com") == "s3-website"
    assert route53.target_kind("d-1.execute-api.us-east-1.amazonaws.com") == "apigateway"
    assert route53.target_kind("www.example.com", "example.com") == "route53"
    assert route53.target_kind("vpce-1.vpce-svc.amazonaws.com") == "other"
    assert route53.dns_name("\\052.Example.COM.") == "*.example.com"


# --- ECS, EKS ----------------------------------------------------------------------------


def test_ecs_clusters_with_service_counts(aws: None, make_ctx: Callable[..., Context]) -> None:
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="prod",
                       settings=[{"name": "containerInsights", "value": "enabled"}])
    ecs.create_cluster(clusterName="batch")
    session = boto3.Session()
    calls = record_calls(session)
    found = {c.id: c for c in containers.collect_ecs(make_ctx(session=session))}
    assert set(found) == {"prod", "batch"}
    prod = found["prod"]
    assert prod.arn == f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/prod"
    assert prod.attrs["container_insights"] == "enabled"
    assert prod.attrs["services"] == 0 and prod.attrs["running_tasks"] == 0
    assert calls == ["ListClusters", "DescribeClusters"]


def test_ecs_service_count_comes_from_describe_clusters(
        aws: None, make_ctx: Callable[..., Context]) -> None:
    # moto never updates activeServicesCount; AWS does, so no ListServices call is needed
    arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/prod"
    session = boto3.Session()
    answer(session, "ecs.ListClusters", {"clusterArns": [arn]})
    answer(session, "ecs.DescribeClusters", {"clusters": [
        {"clusterArn": arn, "clusterName": "prod", "status": "ACTIVE",
         "activeServicesCount": 3, "runningTasksCount": 7,
         "capacityProviders": ["FARGATE"]}], "failures": []})
    (c,) = containers.collect_ecs(make_ctx(session=session))
    assert (c.attrs["services"], c.attrs["running_tasks"]) == (3, 7)
    assert c.attrs["capacity_providers"] == ["FARGATE"]


def test_ecs_describe_failure_keeps_the_clusters(aws: None,
                                                 make_ctx: Callable[..., Context]) -> None:
    boto3.client("ecs", region_name=REGION).create_cluster(clusterName="prod")
    session = boto3.Session()
    deny(session, "ecs.DescribeClusters")
    (c,) = containers.collect_ecs(make_ctx(session=session))
    assert c.id == "prod" and c.attrs["errors"] == {"details": "AccessDenied"}
    assert c.attrs["services"] is None


def test_eks_clusters_public_endpoint_and_subnets(network: tuple[str, list[str]],
                                                  make_ctx: Callable[..., Context]) -> None:
    _, subnets = network
    arn = role("eks", "eks.amazonaws.com")
    eks = boto3.client("eks", region_name=REGION)
    eks.create_cluster(name="main", roleArn=arn, resourcesVpcConfig={
        "subnetIds": subnets, "endpointPublicAccess": True, "endpointPrivateAccess": False},
        logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": True}]})
    (c,) = containers.collect_eks(make_ctx())
    assert (c.type, c.id, c.arn) == ("eks.cluster", "main",
                                     f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/main")
    assert c.attrs["endpoint_public_access"] is True
    assert c.attrs["subnet_ids"] == subnets and c.attrs["role"] == arn
    assert c.attrs["logging"] == ["api", "audit"] and c.attrs["errors"] == {}


def test_eks_describe_failure_is_per_cluster(aws: None,
                                             make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    answer(session, "eks.ListClusters", {"clusters": ["a"]})
    deny(session, "eks.DescribeCluster")
    (c,) = containers.collect_eks(make_ctx(session=session))
    assert c.attrs["errors"] == {"details": "AccessDenied"}
    assert c.attrs["endpoint_public_access"] is None


def test_eks_record_keeps_vpc_id(make_ctx: Callable[..., Context]) -> None:
    r = containers.eks_record(make_ctx(), "k", {
        "arn": "arn:aws:eks:us-east-1:1:cluster/k",
        "resourcesVpcConfig": {"vpcId": "vpc-9", "subnetIds": ["subnet-1"],
                               "endpointPublicAccess": False, "endpointPrivateAccess": True,
                               "publicAccessCidrs": ["0.0.0.0/0"]},
        "encryptionConfig": [{"resources": ["secrets"]}]}, {})
    assert r.vpc_id == "vpc-9" and r.attrs["secrets_encryption"] is True
    assert r.attrs["endpoint_private_access"] is True


# --- the guard allows exactly what the collectors call -----------------------------------


@pytest.mark.parametrize("name", ["lambda.functions", "wafv2.web_acls",
                                  "wafv2.web_acls_cloudfront", "codepipeline.pipelines",
                                  "codebuild.projects", "apigateway.rest_apis",
                                  "apigateway.http_apis", "dynamodb.tables", "route53.zones",
                                  "ecs.clusters", "eks.clusters"])
def test_collectors_run_under_the_read_only_guard(name: str, aws: None,
                                                  make_ctx: Callable[..., Context]) -> None:
    col = REGISTRY[name]
    guard = Guard(col.calls)
    base = make_ctx()

    def guarded(service: str, region: str | None = None) -> Any:
        client = base.client_for(service, region)
        guard.attach(client)
        return client

    ctx = Context(account_id=ACCOUNT, region=REGION, partition="aws", client_for=guarded)
    assert col.fn(ctx) == []
    assert guard.total >= 1
