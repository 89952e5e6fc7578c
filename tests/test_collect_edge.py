"""Collector tests for ElastiCache, CloudFront and load balancers against moto."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from onboard.aws.collect import cloudfront, elasticache, elb
from onboard.aws.collect.base import REGISTRY, Context
from onboard.checks import evaluate
from onboard.checks.base import Inventory
from onboard.models import Status

ACCOUNT = "123456789012"


def deny(session: boto3.Session, event: str, code: str = "AccessDenied") -> None:
    def handler(**_: Any) -> tuple[Any, dict[str, Any]]:
        return SimpleNamespace(status_code=403, raw=None), {"Error": {"Code": code}}

    session.events.register(f"before-call.{event}", handler)


def not_implemented(session: boto3.Session, event: str) -> None:
    def handler(**_: Any) -> None:
        raise NotImplementedError("moto gap")

    session.events.register(f"before-call.{event}", handler)


def record_calls(session: boto3.Session) -> list[str]:
    calls: list[str] = []
    session.events.register("before-call.*.*",
                            lambda model, **_: calls.append(model.name))
    return calls


@pytest.fixture
def network(aws: None) -> tuple[str, list[str]]:
    ec2 = boto3.client("ec2", region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24",
                                 AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    return vpc, subnets


# --- ElastiCache -------------------------------------------------------------------------


def test_elasticache_clusters(network: tuple[str, list[str]],
                              make_ctx: Callable[..., Context]) -> None:
    vpc, subnets = network
    ec = boto3.client("elasticache", region_name="us-east-1")
    ec.create_cache_subnet_group(CacheSubnetGroupName="cache", SubnetIds=subnets,
                                 CacheSubnetGroupDescription="d")
    ec.create_cache_cluster(CacheClusterId="sessions", Engine="redis", NumCacheNodes=1,
                            CacheNodeType="cache.t3.micro", CacheSubnetGroupName="cache")
    session = boto3.Session()
    calls = record_calls(session)
    [c] = elasticache.collect(make_ctx(session=session))
    assert calls == ["DescribeCacheClusters", "DescribeCacheSubnetGroups"]
    assert (c.type, c.id, c.region, c.vpc_id) == ("elasticache.cluster", "sessions",
                                                  "us-east-1", vpc)
    assert c.arn == f"arn:aws:elasticache:us-east-1:{ACCOUNT}:cluster:sessions"
    a = c.attrs
    assert a["engine"] == "redis" and a["subnet_group"] == "cache"
    assert sorted(a["subnet_ids"]) == sorted(subnets)
    assert a["auth_token_enabled"] is False
    # moto does not report encryption on cache clusters: unknown, not False.
    assert a["at_rest_encryption"] is None and a["transit_encryption"] is None
    assert a["replication_group"] is None and a["errors"] == {}


def test_elasticache_empty_region_is_one_call(aws: None,
                                              make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    calls = record_calls(session)
    assert elasticache.collect(make_ctx(session=session)) == []
    assert calls == ["DescribeCacheClusters"]


def test_elasticache_subnet_group_failure(network: tuple[str, list[str]],
                                          make_ctx: Callable[..., Context]) -> None:
    _, subnets = network
    ec = boto3.client("elasticache", region_name="us-east-1")
    ec.create_cache_subnet_group(CacheSubnetGroupName="cache", SubnetIds=subnets,
                                 CacheSubnetGroupDescription="d")
    ec.create_cache_cluster(CacheClusterId="sessions", Engine="redis", NumCacheNodes=1,
                            CacheNodeType="cache.t3.micro", CacheSubnetGroupName="cache")
    session = boto3.Session()
    deny(session, "elasticache.DescribeCacheSubnetGroups")
    [c] = elasticache.collect(make_ctx(session=session))
    assert c.attrs["errors"] == {"subnet_group": "AccessDenied"}
    assert c.attrs["subnet_ids"] == [] and c.vpc_id is None


def test_elasticache_listing_failure_propagates(aws: None,
                                                make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    deny(session, "elasticache.DescribeCacheClusters")
    with pytest.raises(ClientError):
        elasticache.collect(make_ctx(session=session))


# --- CloudFront --------------------------------------------------------------------------


def _dist_config(ref: str, origin: dict[str, Any], logging: dict[str, Any] | None = None,
                 aliases: list[str] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "CallerReference": ref, "Comment": ref, "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {
            "TargetOriginId": origin["Id"], "ViewerProtocolPolicy": "redirect-to-https",
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            "MinTTL": 0},
    }
    if logging:
        config["Logging"] = logging
    if aliases:
        config["Aliases"] = {"Quantity": len(aliases), "Items": aliases}
    return config


@pytest.fixture
def distributions(aws: None) -> dict[str, str]:
    cf = boto3.client("cloudfront", region_name="us-east-1")
    logged = cf.create_distribution(DistributionConfig=_dist_config(
        "logged", {"Id": "assets", "DomainName": "acme-assets.s3.us-east-1.amazonaws.com",
                   "S3OriginConfig": {"OriginAccessIdentity": ""},
                   "OriginAccessControlId": "E1OAC"},
        logging={"Enabled": True, "IncludeCookies": False,
                 "Bucket": "acme-cf-logs.s3.amazonaws.com", "Prefix": "cf/"}))
    bare = cf.create_distribution(DistributionConfig=_dist_config(
        "bare", {"Id": "api", "DomainName": "api.example.com",
                 "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                        "OriginProtocolPolicy": "https-only"}}))
    v2 = cf.create_distribution(DistributionConfig=_dist_config(
        "v2", {"Id": "site", "DomainName": "acme-site.s3-website-us-east-1.amazonaws.com",
               "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                      "OriginProtocolPolicy": "http-only"}}))
    ids = {name: d["Distribution"]["Id"] for name, d in
           (("logged", logged), ("bare", bare), ("v2", v2))}
    logs = boto3.client("logs", region_name="us-east-1")
    arn = f"arn:aws:cloudfront::{ACCOUNT}:distribution/"
    logs.put_delivery_source(name="v2-src", resourceArn=arn + ids["v2"],
                             logType="ACCESS_LOGS")
    # A source with no delivery writes nothing: it must not count as logging.
    logs.put_delivery_source(name="bare-src", resourceArn=arn + ids["bare"],
                             logType="ACCESS_LOGS")
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="acme-cf-v2")
    dest = logs.put_delivery_destination(name="s3", deliveryDestinationConfiguration={
        "destinationResourceArn": "arn:aws:s3:::acme-cf-v2"})
    logs.create_delivery(deliverySourceName="v2-src",
                         deliveryDestinationArn=dest["deliveryDestination"]["arn"])
    return ids


def test_cloudfront_distributions(distributions: dict[str, str],
                                  make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    calls = record_calls(session)
    got = {r.id: r for r in cloudfront.collect(make_ctx(session=session))}
    assert sorted(calls) == sorted(["ListDistributions", *["GetDistributionConfig"] * 3,
                                    "DescribeDeliverySources", "DescribeDeliveries"])
    assert set(got) == set(distributions.values())

    logged = got[distributions["logged"]]
    assert (logged.type, logged.region) == ("cloudfront.distribution", "global")
    assert logged.arn == f"arn:aws:cloudfront::{ACCOUNT}:distribution/{logged.id}"
    a = logged.attrs
    assert a["logging_enabled"] is True
    assert a["logging_bucket"] == "acme-cf-logs.s3.amazonaws.com"
    assert a["logging_v2"] is False
    assert a["domain"].endswith(".cloudfront.net")
    assert a["viewer_protocol_policy"] == "redirect-to-https"
    assert a["min_protocol_version"] == "TLSv1"
    assert a["enabled"] is True and a["status"] == "Deployed"
    assert a["web_acl_id"] is None and a["aliases"] == []
    # moto drops OriginAccessControlId/S3OriginConfig; the kind still comes from the domain.
    assert a["origins"][0]["kind"] == "s3" and a["origins"][0]["id"] == "assets"
    assert a["errors"] == {}

    bare = got[distributions["bare"]].attrs
    assert bare["logging_enabled"] is False and bare["logging_bucket"] is None
    assert bare["logging_v2"] is False  # a source without a delivery
    assert bare["origins"] == [{"id": "api", "domain": "api.example.com", "kind": "custom",
                                "origin_access": None}]

    v2 = got[distributions["v2"]].attrs
    assert v2["logging_enabled"] is False and v2["logging_v2"] is True
    assert v2["origins"][0]["kind"] == "s3-website"


def test_cloudfront_no_distributions_is_one_call(aws: None,
                                                 make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    calls = record_calls(session)
    assert cloudfront.collect(make_ctx(session=session)) == []
    assert calls == ["ListDistributions"]


def test_cloudfront_v2_unknown_keeps_legacy_result(distributions: dict[str, str],
                                                   make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    not_implemented(session, "cloudwatch-logs.DescribeDeliverySources")
    got = {r.id: r for r in cloudfront.collect(make_ctx(session=session))}
    logged = got[distributions["logged"]].attrs
    assert logged["logging_enabled"] is True and logged["logging_v2"] is None
    assert logged["errors"] == {"logging_v2": "NotImplemented"}


def test_cloudfront_config_failure_is_per_distribution(
        distributions: dict[str, str], make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    deny(session, "cloudfront.GetDistributionConfig")
    got = {r.id: r for r in cloudfront.collect(make_ctx(session=session))}
    for r in got.values():
        assert r.attrs["logging_enabled"] is None
        assert r.attrs["errors"] == {"config": "AccessDenied"}
    assert got[distributions["v2"]].attrs["logging_v2"] is True


@pytest.mark.parametrize(("origin", "kind", "access"), [
    ({"DomainName": "b.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""},
      "OriginAccessControlId": "E2"}, "s3", "oac"),
    ({"DomainName": "b.s3.eu-west-1.amazonaws.com",
      "S3OriginConfig": {"OriginAccessIdentity": "origin-access-identity/cloudfront/E3"}},
     "s3", "oai"),
    ({"DomainName": "b.s3-eu-west-1.amazonaws.com"}, "s3", None),
    ({"DomainName": "b.s3-website.eu-west-1.amazonaws.com"}, "s3-website", None),
    ({"DomainName": "b.s3-website-us-east-1.amazonaws.com"}, "s3-website", None),
    ({"DomainName": "app.example.com", "CustomOriginConfig": {}}, "custom", None),
    ({"DomainName": "internal-alb", "VpcOriginConfig": {"VpcOriginId": "vo-1"}}, "vpc", None),
])
def test_origin_kind_and_access(origin: dict[str, Any], kind: str, access: str | None) -> None:
    assert cloudfront.origin_kind(origin) == kind
    assert cloudfront.origin_access(origin) == access


# --- Load balancers ----------------------------------------------------------------------


@pytest.fixture
def load_balancers(network: tuple[str, list[str]]) -> dict[str, Any]:
    vpc, subnets = network
    ec2 = boto3.client("ec2", region_name="us-east-1")
    sg = ec2.create_security_group(GroupName="lb", Description="lb", VpcId=vpc)["GroupId"]
    v2 = boto3.client("elbv2", region_name="us-east-1")
    alb = v2.create_load_balancer(Name="web", Subnets=subnets, SecurityGroups=[sg],
                                  Scheme="internet-facing")["LoadBalancers"][0]
    nlb = v2.create_load_balancer(Name="tcp", Subnets=subnets, Type="network",
                                  Scheme="internal")["LoadBalancers"][0]
    v2.create_load_balancer(Name="inspect", Subnets=subnets, Type="gateway")
    v2.modify_load_balancer_attributes(LoadBalancerArn=alb["LoadBalancerArn"], Attributes=[
        {"Key": "access_logs.s3.enabled", "Value": "true"},
        {"Key": "access_logs.s3.bucket", "Value": "acme-lb-logs"}])
    tg = v2.create_target_group(Name="web-tg", Protocol="HTTP", Port=80, VpcId=vpc,
                                TargetType="instance")["TargetGroups"][0]
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                                 SubnetId=subnets[0])["Instances"][0]["InstanceId"]
    v2.register_targets(TargetGroupArn=tg["TargetGroupArn"],
                        Targets=[{"Id": instance, "Port": 80}])
    v2.create_listener(LoadBalancerArn=alb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                       DefaultActions=[{"Type": "forward",
                                        "TargetGroupArn": tg["TargetGroupArn"]}])
    classic = boto3.client("elb", region_name="us-east-1")
    classic.create_load_balancer(
        LoadBalancerName="legacy", Subnets=subnets, SecurityGroups=[sg],
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}])
    classic.register_instances_with_load_balancer(LoadBalancerName="legacy",
                                                  Instances=[{"InstanceId": instance}])
    return {"vpc": vpc, "subnets": subnets, "sg": sg, "alb": alb, "nlb": nlb, "tg": tg,
            "instance": instance}


def test_elbv2_load_balancers(load_balancers: dict[str, Any],
                              make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    calls = record_calls(session)
    got = {r.id: r for r in elb.collect_v2(make_ctx(session=session))}
    # gateway LB: neither attributes nor listeners are read; target groups once, with
    # one health call per group
    assert sorted(calls) == sorted(["DescribeLoadBalancers",
                                    *["DescribeLoadBalancerAttributes"] * 2,
                                    *["DescribeListeners"] * 2,
                                    "DescribeTargetGroups", "DescribeTargetHealth"])
    web, tcp, gw = got["web"], got["tcp"], got["inspect"]
    assert web.type == "elb.load_balancer" and web.arn == load_balancers["alb"]["LoadBalancerArn"]
    assert web.vpc_id == load_balancers["vpc"]
    assert web.attrs["kind"] == "application"
    assert web.attrs["access_logs_enabled"] is True
    assert web.attrs["access_logs_bucket"] == "acme-lb-logs"
    assert web.attrs["security_groups"] == [load_balancers["sg"]]
    assert sorted(web.attrs["subnet_ids"]) == sorted(load_balancers["subnets"])
    assert web.attrs["listeners"] == [{"protocol": "HTTP", "port": 80}]
    assert web.attrs["dns"].startswith("web-")
    # moto omits access_logs.s3.enabled until it is set: absent means off
    assert tcp.attrs["kind"] == "network"
    assert tcp.attrs["access_logs_enabled"] is False and tcp.attrs["access_logs_bucket"] is None
    assert tcp.attrs["listeners"] == []
    assert gw.attrs["kind"] == "gateway" and gw.attrs["access_logs_enabled"] is None
    assert all(r.attrs["errors"] == {} for r in got.values())


def test_elbv2_attribute_failure_is_per_lb(load_balancers: dict[str, Any],
                                           make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    deny(session, "elastic-load-balancing-v2.DescribeLoadBalancerAttributes")
    got = {r.id: r for r in elb.collect_v2(make_ctx(session=session))}
    assert got["web"].attrs["errors"] == {"attributes": "AccessDenied"}
    assert got["web"].attrs["access_logs_enabled"] is None
    assert got["web"].attrs["listeners"] == [{"protocol": "HTTP", "port": 80}]
    assert got["inspect"].attrs["errors"] == {}


def test_classic_load_balancers(load_balancers: dict[str, Any],
                                make_ctx: Callable[..., Context]) -> None:
    [lb] = elb.collect_classic(make_ctx())
    assert (lb.type, lb.id, lb.vpc_id) == ("elb.load_balancer", "legacy",
                                           load_balancers["vpc"])
    assert lb.arn == f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/legacy"
    a = lb.attrs
    assert a["kind"] == "classic" and a["scheme"] == "internet-facing"
    assert a["access_logs_enabled"] is False and a["access_logs_bucket"] is None
    assert a["listeners"] == [{"protocol": "HTTP", "port": 80}]
    assert a["instances"] == [load_balancers["instance"]]
    assert a["security_groups"] == [load_balancers["sg"]]
    assert a["errors"] == {}

    boto3.client("elb", region_name="us-east-1").modify_load_balancer_attributes(
        LoadBalancerName="legacy", LoadBalancerAttributes={"AccessLog": {
            "Enabled": True, "S3BucketName": "acme-lb-logs", "EmitInterval": 60}})
    [lb] = elb.collect_classic(make_ctx())
    assert lb.attrs["access_logs_enabled"] is True
    assert lb.attrs["access_logs_bucket"] == "acme-lb-logs"


def test_target_groups(load_balancers: dict[str, Any],
                       make_ctx: Callable[..., Context]) -> None:
    [tg] = elb.collect_target_groups(make_ctx())
    assert (tg.type, tg.id, tg.vpc_id) == ("elb.target_group", "web-tg", load_balancers["vpc"])
    assert tg.arn == load_balancers["tg"]["TargetGroupArn"]
    assert tg.attrs["lb_arns"] == [load_balancers["alb"]["LoadBalancerArn"]]
    assert tg.attrs["target_type"] == "instance"
    assert tg.attrs["targets"] == [{"id": load_balancers["instance"], "port": 80,
                                    "health": "healthy"}]
    assert tg.attrs["errors"] == {}


def test_target_groups_come_with_the_load_balancers(load_balancers: dict[str, Any],
                                                    make_ctx: Callable[..., Context]) -> None:
    found = elb.collect_v2(make_ctx())
    assert {r.type for r in found} == {"elb.load_balancer", "elb.target_group"}
    assert [r.id for r in found if r.type == "elb.target_group"] == ["web-tg"]


def test_target_health_failure_is_recorded(load_balancers: dict[str, Any],
                                           make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    deny(session, "elastic-load-balancing-v2.DescribeTargetHealth")
    [tg] = elb.collect_target_groups(make_ctx(session=session))
    assert tg.attrs["errors"] == {"targets": "AccessDenied"} and tg.attrs["targets"] == []


@pytest.mark.parametrize("name", ["elb.load_balancers", "elb.classic_load_balancers",
                                  "elasticache.clusters",
                                  "cloudfront.distributions"])
def test_registered(name: str) -> None:
    spec = REGISTRY[name]
    expected = "global" if name.startswith("cloudfront") else "regional"
    assert spec.scope == expected


def test_empty_regions(aws: None, make_ctx: Callable[..., Context]) -> None:
    assert elb.collect_v2(make_ctx()) == []
    assert elb.collect_classic(make_ctx()) == []
    assert elb.collect_target_groups(make_ctx()) == []


def test_elb_listing_failure_propagates(aws: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    deny(session, "elastic-load-balancing.DescribeLoadBalancers")
    with pytest.raises(ClientError):
        elb.collect_classic(make_ctx(session=session))


def test_checks_read_what_the_collectors_produce(
        load_balancers: dict[str, Any], distributions: dict[str, str],
        make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    inv = Inventory(elb.collect_v2(ctx) + elb.collect_classic(ctx) + cloudfront.collect(ctx))
    found = {(f.check_id, f.resource_id): f.status
             for f in evaluate(inv, {}, only={"elb.access_logs", "cloudfront.logging"})}
    assert found == {
        ("elb.access_logs", "web"): Status.PASS,
        ("elb.access_logs", "tcp"): Status.FAIL,
        ("elb.access_logs", "legacy"): Status.FAIL,
        ("cloudfront.logging", distributions["logged"]): Status.PASS,
        ("cloudfront.logging", distributions["bare"]): Status.FAIL,
        ("cloudfront.logging", distributions["v2"]): Status.PASS,
    }
