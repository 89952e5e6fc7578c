"""Table-driven tests of the load balancer and CloudFront evaluators."""

from __future__ import annotations

from typing import Any

import pytest

from onboard.checks import all_checks
from onboard.checks.base import Inventory, Outcome
from onboard.models import GLOBAL, Resource, Status

ACCOUNT = "111122223333"
REGISTRY = all_checks()


def lb(name: str = "web", kind: str = "application", **attrs: Any) -> Resource:
    base = {"kind": kind, "scheme": "internet-facing", "dns": f"{name}.elb.amazonaws.com",
            "access_logs_enabled": False, "access_logs_bucket": None, "security_groups": [],
            "subnet_ids": [], "listeners": [{"protocol": "HTTP", "port": 80}], "errors": {}}
    base.update(attrs)
    return Resource(type="elb.load_balancer", id=name, name=name, account_id=ACCOUNT,
                    region="eu-central-1", vpc_id="vpc-1",
                    arn=f"arn:aws:elasticloadbalancing:eu-central-1:{ACCOUNT}:loadbalancer/{name}",
                    attrs=base)


def dist(dist_id: str = "E2ABC", **attrs: Any) -> Resource:
    base = {"domain": "d111.cloudfront.net", "aliases": [], "origins": [],
            "logging_enabled": False, "logging_bucket": None, "logging_v2": False,
            "web_acl_id": None, "viewer_protocol_policy": "redirect-to-https",
            "min_protocol_version": "TLSv1.2_2021", "enabled": True, "status": "Deployed",
            "errors": {}}
    base.update(attrs)
    return Resource(type="cloudfront.distribution", id=dist_id, name=dist_id,
                    account_id=ACCOUNT, region=GLOBAL,
                    arn=f"arn:aws:cloudfront::{ACCOUNT}:distribution/{dist_id}", attrs=base)


def run(check_id: str, *resources: Resource) -> list[Outcome]:
    return list(REGISTRY[check_id].fn(Inventory(list(resources))))


# --- elb.access_logs ----------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "attrs", "status", "message"), [
    ("application", {"access_logs_enabled": True, "access_logs_bucket": "acme-lb-logs"},
     Status.PASS, "application load balancer web: access logs on (s3://acme-lb-logs)"),
    ("application", {}, Status.FAIL, "application load balancer web: access logs off"),
    ("network", {"listeners": [{"protocol": "TLS", "port": 443}]}, Status.FAIL,
     "network load balancer web: access logs off"),
    ("network", {"listeners": [{"protocol": "TCP", "port": 5432}]}, Status.FAIL,
     "network load balancer web: access logs off (NLB access logs record TLS listeners "
     "only; it has none yet)"),
    ("network", {"access_logs_enabled": True, "access_logs_bucket": "b"}, Status.PASS,
     "network load balancer web: access logs on (s3://b)"),
    ("classic", {}, Status.FAIL, "classic load balancer web: access logs off"),
    ("classic", {"access_logs_enabled": True, "access_logs_bucket": None}, Status.PASS,
     "classic load balancer web: access logs on"),
    ("application", {"access_logs_enabled": None, "errors": {"attributes": "AccessDenied"}},
     Status.ERROR, "application load balancer web: attributes could not be read (AccessDenied)"),
    ("classic", {"access_logs_enabled": None}, Status.ERROR,
     "classic load balancer web: attributes could not be read (not collected)"),
    ("application", {"access_logs_enabled": True, "errors": {"listeners": "AccessDenied"}},
     Status.PASS, "application load balancer web: access logs on"),
])
def test_access_logs(kind: str, attrs: dict[str, Any], status: Status, message: str) -> None:
    [out] = run("elb.access_logs", lb(kind=kind, **attrs))
    assert (out.status, out.message, out.resource_id) == (status, message, "web")
    assert (out.region, out.resource_type) == ("eu-central-1", "elb.load_balancer")
    assert out.resource_arn and out.resource_arn.endswith("loadbalancer/web")


def test_gateway_load_balancers_have_no_finding() -> None:
    outs = run("elb.access_logs", lb("inspect", kind="gateway", access_logs_enabled=None,
                                     listeners=[]), lb("web"))
    assert [(o.resource_id, o.status) for o in outs] == [("web", Status.FAIL)]


# --- cloudfront.logging -------------------------------------------------------------------


@pytest.mark.parametrize(("attrs", "status", "message"), [
    ({"logging_enabled": True, "logging_bucket": "acme-cf-logs.s3.amazonaws.com"},
     Status.PASS,
     "distribution E2ABC (d111.cloudfront.net): standard logging to acme-cf-logs.s3.amazonaws.com"),
    ({"logging_v2": True}, Status.PASS,
     "distribution E2ABC (d111.cloudfront.net): standard logging v2 (CloudWatch Logs delivery)"),
    ({"logging_enabled": True, "logging_v2": True, "logging_bucket": "b"}, Status.PASS,
     "standard logging v2"),
    ({}, Status.FAIL, "distribution E2ABC (d111.cloudfront.net): no access logging (neither "
                      "standard logging nor logging v2)"),
    ({"aliases": ["www.acme.com", "acme.com"]}, Status.FAIL,
     "distribution E2ABC (www.acme.com): no access logging"),
    # v2 unknown: the legacy result stands
    ({"logging_enabled": True, "logging_bucket": "b", "logging_v2": None,
      "errors": {"logging_v2": "NotImplemented"}}, Status.PASS, "standard logging to b"),
    ({"logging_v2": None, "errors": {"logging_v2": "AccessDenied"}}, Status.FAIL,
     "distribution E2ABC (d111.cloudfront.net): standard logging off; logging v2 could not "
     "be checked (AccessDenied)"),
    # legacy unknown
    ({"logging_enabled": None, "errors": {"config": "AccessDenied"}}, Status.ERROR,
     "distribution E2ABC (d111.cloudfront.net): logging configuration could not be read "
     "(AccessDenied)"),
    ({"logging_enabled": None, "logging_v2": True, "errors": {"config": "AccessDenied"}},
     Status.PASS, "standard logging v2"),
    # disabled distributions serve nothing
    ({"enabled": False}, Status.PASS,
     "distribution E2ABC (d111.cloudfront.net): disabled (serves no traffic); access "
     "logging off"),
])
def test_cloudfront_logging(attrs: dict[str, Any], status: Status, message: str) -> None:
    [out] = run("cloudfront.logging", dist(**attrs))
    assert out.status == status, out.message
    assert message in out.message
    assert (out.resource_id, out.region, out.account_id) == ("E2ABC", GLOBAL, ACCOUNT)
    assert out.resource_arn == f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2ABC"


def test_cloudfront_one_outcome_per_distribution() -> None:
    outs = run("cloudfront.logging", dist("E1", logging_enabled=True), dist("E2"))
    assert [(o.resource_id, o.status) for o in outs] == [("E1", Status.PASS),
                                                        ("E2", Status.FAIL)]


def test_needs() -> None:
    assert REGISTRY["elb.access_logs"].needs == ("elb.load_balancer",)
    assert REGISTRY["cloudfront.logging"].needs == ("cloudfront.distribution",)
