"""The architecture diagram: tree placement, Mermaid validity, collapsing, golden files.

Golden files: tests/golden/diagram_small.mmd and diagram_large.mmd. After an intended change
regenerate them with `ONBOARD_UPDATE_GOLDEN=1 pytest tests/test_diagram.py` and review the diff.

When ONBOARD_MERMAID_NODE_MODULES names a node_modules folder holding `mermaid` and `jsdom`
(`npm install --prefix DIR mermaid jsdom`), the outputs are also parsed by Mermaid itself.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from onboard import diagram
from onboard.aws.collect import all_collectors
from onboard.aws.collect.base import Context
from onboard.checks.base import Inventory
from onboard.models import Finding, Resource, Severity, Status

GOLDEN = Path(__file__).parent / "golden"
PROD, STAGING = "111111111111", "222222222222"
R = "us-east-1"
ALB_ARN = f"arn:aws:elasticloadbalancing:{R}:{PROD}:loadbalancer/app/web/abc"
WAF_ARN = f"arn:aws:wafv2:us-east-1:{PROD}:global/webacl/edge/1111"


def res(type_: str, id_: str, account: str = PROD, region: str = R, **kw: Any) -> Resource:
    return Resource(type=type_, id=id_, account_id=account, region=region, **kw)


def network(account: str, vpc: str, cidr16: str, public: list[str], private: list[str],
            region: str = R) -> list[Resource]:
    """A VPC with public subnets (explicit route table → IGW) and private ones (main → NAT)."""
    out = [res("ec2.vpc", vpc, account, region, name=vpc.removeprefix("vpc-"), vpc_id=vpc,
               attrs={"cidr": f"{cidr16}.0.0/16"}),
           res("ec2.internet_gateway", f"igw-{vpc[4:]}", account, region, vpc_id=vpc,
               attrs={"vpc_ids": [vpc]})]
    for n, sid in enumerate(public + private):
        az = f"{region}{'ab'[n % 2]}"
        out.append(res("ec2.subnet", sid, account, region, name=sid.removeprefix("subnet-"),
                       vpc_id=vpc, subnet_id=sid, attrs={"cidr": f"{cidr16}.{n}.0/24", "az": az}))
    out.append(res("ec2.route_table", f"rtb-pub-{vpc[4:]}", account, region, vpc_id=vpc, attrs={
        "associations": [{"subnet_id": s, "main": False} for s in public],
        "routes": [{"destination": "0.0.0.0/0", "gateway_id": f"igw-{vpc[4:]}",
                    "state": "active"}]}))
    out.append(res("ec2.route_table", f"rtb-main-{vpc[4:]}", account, region, vpc_id=vpc, attrs={
        "associations": [{"subnet_id": None, "main": True}],
        "routes": [{"destination": "0.0.0.0/0", "nat_gateway_id": "nat-1", "state": "active"}]}))
    return out


def instance(id_: str, subnet: str, vpc: str = "vpc-app", account: str = PROD, **attrs: Any
             ) -> Resource:
    attrs = {"state": "running", "instance_type": "t3.small", **attrs}
    return res("ec2.instance", id_, account, name=attrs.pop("name", ""), vpc_id=vpc,
               subnet_id=subnet, attrs=attrs)


def small_inventory() -> list[Resource]:
    """The talk's startup: CloudFront + WAF in front of an ALB and S3, EC2 behind the ALB,
    RDS and ElastiCache in private subnets, Lambda, Code*, DynamoDB, Route 53."""
    out = network(PROD, "vpc-app", "10.0", ["subnet-pub-a", "subnet-pub-b"],
                  ["subnet-priv-a", "subnet-priv-b"])
    out += [
        res("ec2.vpc", "vpc-default", vpc_id="vpc-default",
            attrs={"cidr": "172.31.0.0/16", "is_default": True}),
        res("ec2.subnet", "subnet-def-a", vpc_id="vpc-default", subnet_id="subnet-def-a",
            attrs={"cidr": "172.31.0.0/20", "az": "us-east-1a"}),
        res("ec2.nat_gateway", "nat-1", vpc_id="vpc-app", subnet_id="subnet-pub-a",
            attrs={"state": "available"}),
        instance("i-bastion", "subnet-pub-a", name="bastion", public_ip="203.0.113.10",
                 instance_type="t3.micro"),
        instance("i-web1", "subnet-priv-a", name="web-1", private_ip="10.0.2.5"),
        instance("i-web2", "subnet-priv-b", name="web-2", private_ip="10.0.3.5"),
        instance("i-old", "subnet-priv-b", name="old", state="terminated"),
        res("elb.load_balancer", "web", name="web", arn=ALB_ARN, vpc_id="vpc-app",
            attrs={"kind": "application", "scheme": "internet-facing",
                   "dns": "web-123.us-east-1.elb.amazonaws.com",
                   "subnet_ids": ["subnet-pub-a", "subnet-pub-b"]}),
        res("elb.target_group", "web-tg", name="web-tg", vpc_id="vpc-app",
            attrs={"lb_arns": [ALB_ARN], "target_type": "instance",
                   "targets": [{"id": "i-web1", "port": 80}, {"id": "i-web2", "port": 80}]}),
        res("rds.db_instance", "app-db", name="app-db", vpc_id="vpc-app",
            arn=f"arn:aws:rds:{R}:{PROD}:db:app-db",
            attrs={"engine": "postgres", "subnet_ids": ["subnet-priv-a", "subnet-priv-b"]}),
        res("elasticache.cluster", "sessions-001", vpc_id="vpc-app",
            attrs={"engine": "redis", "replication_group": "sessions",
                   "subnet_ids": ["subnet-priv-a", "subnet-priv-b"]}),
        res("elasticache.cluster", "sessions-002", vpc_id="vpc-app",
            attrs={"engine": "redis", "replication_group": "sessions",
                   "subnet_ids": ["subnet-priv-a", "subnet-priv-b"]}),
        res("lambda.function", "thumbnailer", name="thumbnailer",
            arn=f"arn:aws:lambda:{R}:{PROD}:function:thumbnailer",
            attrs={"runtime": "python3.12", "subnet_ids": ["subnet-priv-a", "subnet-priv-b"]}),
        res("lambda.function", "nightly-report", name="nightly-report",
            attrs={"runtime": "nodejs20.x", "subnet_ids": []}),
        res("s3.bucket", "acme-assets", name="acme-assets", arn="arn:aws:s3:::acme-assets"),
        res("s3.bucket", "acme-logs", name="acme-logs", arn="arn:aws:s3:::acme-logs"),
        res("dynamodb.table", "orders", name="orders"),
        res("apigateway.rest_api", "a1b2c3", name="partner-api",
            attrs={"endpoint_types": ["REGIONAL"]}),
        res("codepipeline.pipeline", "deploy", name="deploy"),
        res("codebuild.project", "build", name="build", attrs={"privileged_mode": True}),
        res("cloudfront.distribution", "E1ABC", name="E1ABC", region="global",
            arn=f"arn:aws:cloudfront::{PROD}:distribution/E1ABC",
            attrs={"domain": "d111.cloudfront.net", "aliases": ["www.example.com"],
                   "web_acl_id": WAF_ARN,
                   "origins": [{"id": "s3", "domain": "acme-assets.s3.amazonaws.com",
                                "kind": "s3"},
                               {"id": "alb", "domain": "web-123.us-east-1.elb.amazonaws.com",
                                "kind": "custom"}]}),
        res("wafv2.web_acl", "1111", name="edge", region="global", arn=WAF_ARN,
            attrs={"scope": "CLOUDFRONT", "protects": []}),
        res("route53.zone", "Z1", name="example.com", region="global",
            attrs={"private": False}),
        res("route53.record", "Z1:www.example.com:A", name="www.example.com", region="global",
            attrs={"zone_id": "Z1", "target": "d111.cloudfront.net",
                   "target_kind": "cloudfront", "alias": True}),
        res("route53.record", "Z1:api.example.com:A", name="api.example.com", region="global",
            attrs={"zone_id": "Z1", "target": "web-123.us-east-1.elb.amazonaws.com",
                   "target_kind": "elb", "alias": True}),
        # not drawn: no diagram meaning
        res("ec2.security_group", "sg-1", vpc_id="vpc-app"),
        res("iam.user", "alice", region="global"),
    ]
    return out


def large_inventory() -> list[Resource]:
    """Two accounts; 12 instances in one subnet, 40 buckets, 10 Lambdas, awkward names."""
    out = network(PROD, "vpc-app", "10.0", ["subnet-pub-a", "subnet-pub-b"],
                  ["subnet-priv-a", "subnet-priv-b"])
    out += [instance(f"i-{n:04x}", "subnet-priv-a", name=f"worker-{n:02d}",
                     private_ip=f"10.0.2.{n}") for n in range(12)]
    out.append(instance("i-odd", "subnet-pub-a",
                        name='ops "jump" [old] <b>#1</b> | {x} `y` 踏み台'))
    out.append(res("elb.load_balancer", "web", name="web", arn=ALB_ARN, vpc_id="vpc-app",
                   attrs={"kind": "application", "scheme": "internet-facing",
                          "dns": "web-123.us-east-1.elb.amazonaws.com",
                          "subnet_ids": ["subnet-pub-a", "subnet-pub-b"]}))
    out.append(res("elb.target_group", "workers", name="workers", vpc_id="vpc-app", attrs={
        "lb_arns": [ALB_ARN], "target_type": "ip",
        "targets": [{"id": f"10.0.2.{n}", "port": 80} for n in range(12)]}))
    # a DB whose subnet group mixes a public and a private subnet → drawn in the public tier
    out.append(res("rds.db_instance", "legacy-db", name="legacy-db", vpc_id="vpc-app",
                   attrs={"engine": "mysql", "publicly_accessible": True,
                          "subnet_ids": ["subnet-pub-a", "subnet-priv-a"]}))
    # an Aurora cluster with two members folded into one node
    out.append(res("rds.db_cluster", "aurora", vpc_id="vpc-app", attrs={
        "engine": "aurora-postgresql", "subnet_ids": ["subnet-priv-a", "subnet-priv-b"]}))
    out += [res("rds.db_instance", f"aurora-{n}", vpc_id="vpc-app", attrs={
        "engine": "aurora-postgresql", "cluster_id": "aurora",
        "subnet_ids": ["subnet-priv-a", "subnet-priv-b"]}) for n in (1, 2)]
    out += [res("s3.bucket", f"acme-data-{n:02d}", name=f"acme-data-{n:02d}",
                arn=f"arn:aws:s3:::acme-data-{n:02d}") for n in range(40)]
    out += [res("lambda.function", f"job-{n}", name=f"job-{n}", attrs={"runtime": "python3.12"})
            for n in range(10)]
    out.append(res("cloudfront.distribution", "E2XYZ", region="global", attrs={
        "domain": "d222.cloudfront.net", "aliases": [], "web_acl_id": "classic-waf-id",
        "origins": [{"id": "data", "domain": "acme-data-07.s3.us-east-1.amazonaws.com",
                     "kind": "s3"},
                    {"id": "old", "domain": "legacy.example.net", "kind": "custom"},
                    {"id": "other", "domain": "someone-else.s3.amazonaws.com", "kind": "s3"}]}))
    # staging: another account, another region, a VPC Lambda placed by its subnets alone
    out += network(STAGING, "vpc-stg", "10.9", ["subnet-stg-pub"], ["subnet-stg-priv"],
                   region="eu-west-1")
    out.append(res("lambda.function", "stg-fn", STAGING, "eu-west-1", name="stg-fn",
                   attrs={"runtime": "python3.12", "subnet_ids": ["subnet-stg-priv"]}))
    out.append(res("eks.cluster", "stg-k8s", STAGING, "eu-west-1", attrs={
        "version": "1.30", "endpoint_public_access": True,
        "subnet_ids": ["subnet-stg-pub", "subnet-stg-priv"]}))
    out.append(res("wafv2.web_acl", "2222", STAGING, "eu-west-1", name="api-waf", attrs={
        "scope": "REGIONAL",
        "protects": ["arn:aws:apigateway:eu-west-1::/restapis/stgapi/stages/prod"]}))
    out.append(res("apigateway.rest_api", "stgapi", STAGING, "eu-west-1", name="stg-api",
                   attrs={"endpoint_types": ["EDGE"]}))
    return out


FAILING = {"i-bastion", "arn:aws:s3:::acme-logs", "app-db"}
LARGE_FAILING = {"i-0003", "i-0007", "arn:aws:s3:::acme-data-01", "aurora-2", "legacy-db"}


# --- structural validation ----------------------------------------------------------------

NODE = re.compile(r'^\s*([^\s\[\(\{]+)(\[\(|\(\[|\{\{|\[)"(.*)"(\)\]|\]\)|\}\}|\])$')
SUBGRAPH = re.compile(r'^\s*subgraph ([^\s\[]+)\["(.*)"\]$')
EDGE = re.compile(r'^\s*(\S+) (-->|-\.->)(?:\|"(.*)"\|)? (\S+)$')
SAFE_ID = re.compile(r"^[A-Za-z0-9_]+$")
ENTITY = re.compile(r"#(?:[a-z]+|\d+);")


def assert_valid_mermaid(text: str) -> dict[str, Any]:
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: dict[str, str] = {}
    subgraphs: list[str] = []
    edges: list[tuple[str, str]] = []
    depth = 0
    labels: list[str] = []
    for line in lines[1:]:
        if m := SUBGRAPH.match(line):
            subgraphs.append(m.group(1))
            labels.append(m.group(2))
            depth += 1
        elif line.strip() == "end":
            depth -= 1
            assert depth >= 0, "end without subgraph"
        elif m := EDGE.match(line):
            edges.append((m.group(1), m.group(4)))
            labels.append(m.group(3) or "")
        elif m := NODE.match(line):
            assert m.group(1) not in nodes, f"node {m.group(1)} defined twice"
            nodes[m.group(1)] = m.group(3)
            labels.append(m.group(3))
        elif line.strip().startswith(("classDef ", "class ", "%%")):
            continue
        else:
            raise AssertionError(f"unexpected line: {line!r}")
    assert depth == 0, "unbalanced subgraph/end"
    ids = list(nodes) + subgraphs
    assert len(ids) == len(set(ids)), "an id is used twice"
    for node_id in ids:
        assert SAFE_ID.match(node_id), node_id
        assert node_id not in {"end", "subgraph", "graph", "flowchart", "class", "style"}
    for src, dst in edges:
        assert src in nodes and dst in nodes, (src, dst)
    for label in labels:
        raw = ENTITY.sub("", label)
        assert not set(raw) & set('"#<>[](){}|`'), label
    for line in lines:
        if line.strip().startswith("class "):
            for node_id in line.split()[1].split(","):
                assert node_id in nodes
    return {"nodes": nodes, "subgraphs": subgraphs, "edges": edges}


def mermaid_parser() -> Path | None:
    folder = os.environ.get("ONBOARD_MERMAID_NODE_MODULES")
    if not folder or not shutil.which("node"):
        return None
    path = Path(folder)
    return path if (path / "mermaid").is_dir() and (path / "jsdom").is_dir() else None


PARSE_JS = """
import { JSDOM } from 'jsdom';
import fs from 'fs';
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
globalThis.Element = dom.window.Element;
globalThis.HTMLElement = dom.window.HTMLElement;
const { default: mermaid } = await import('mermaid');
const results = [];
for (const file of process.argv.slice(2)) {
  try {
    const r = await mermaid.parse(fs.readFileSync(file, 'utf8'));
    results.push({file, ok: true, type: r.diagramType});
  } catch (e) {
    results.push({file, ok: false, error: String(e.message || e).slice(0, 400)});
  }
}
console.log(JSON.stringify(results));
"""


def parse_with_mermaid(tmp_path: Path, texts: dict[str, str]) -> list[dict[str, Any]]:
    modules = mermaid_parser()
    assert modules is not None
    (tmp_path / "node_modules").symlink_to(modules)
    (tmp_path / "parse.mjs").write_text(PARSE_JS)
    files = []
    for name, text in texts.items():
        (tmp_path / name).write_text(text)
        files.append(name)
    proc = subprocess.run(["node", "parse.mjs", *files], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return list(json.loads(proc.stdout.strip().splitlines()[-1]))


# --- golden files ---------------------------------------------------------------------------


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ONBOARD_UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"{name} changed; see the module docstring"


def test_small_inventory_golden() -> None:
    text = diagram.mermaid(Inventory(small_inventory()), failing=FAILING,
                           accounts={PROD: "prod"})
    assert_valid_mermaid(text)
    check_golden("diagram_small.mmd", text)


def test_large_inventory_golden() -> None:
    text = diagram.mermaid(Inventory(large_inventory()), failing=LARGE_FAILING,
                           accounts={PROD: "prod", STAGING: "staging"})
    shape = assert_valid_mermaid(text)
    check_golden("diagram_large.mmd", text)
    assert len(shape["nodes"]) < 45  # 12 + 40 + 10 + … resources, collapsed


@pytest.mark.skipif(mermaid_parser() is None,
                    reason="set ONBOARD_MERMAID_NODE_MODULES to a node_modules with mermaid")
def test_mermaid_itself_parses_the_outputs(tmp_path: Path) -> None:
    texts = {
        "small.mmd": diagram.mermaid(Inventory(small_inventory()), failing=FAILING),
        "large.mmd": diagram.mermaid(Inventory(large_inventory()), failing=LARGE_FAILING),
        "full.mmd": diagram.mermaid(Inventory(large_inventory()), collapse=0),
        "empty.mmd": diagram.mermaid(Inventory([])),
    }
    results = parse_with_mermaid(tmp_path, texts)
    assert [r["ok"] for r in results] == [True] * len(texts), results
    assert {r["type"] for r in results} == {"flowchart-v2"}


# --- what the small diagram says ---------------------------------------------------------


def test_small_inventory_content() -> None:
    text = diagram.mermaid(Inventory(small_inventory()), failing=FAILING)
    shape = assert_valid_mermaid(text)
    nodes, edges = shape["nodes"], set(shape["edges"])
    # outside the VPC as well as inside: the talk's missing pieces
    for needle in ("CloudFront E1ABC", "WAF edge", "S3 acme-assets", "Lambda nightly-report",
                   "CodePipeline deploy", "CodeBuild build", "ElastiCache sessions",
                   "DynamoDB orders", "Route 53 example.com", "API Gateway REST partner-api"):
        assert any(needle in label for label in nodes.values()), needle
    assert ("cloudfront_E1ABC", "s3_acme_assets") in edges
    assert ("cloudfront_E1ABC", "lb_web") in edges
    assert ("waf_1111", "cloudfront_E1ABC") in edges
    assert ("route53_Z1", "cloudfront_E1ABC") in edges and ("route53_Z1", "lb_web") in edges
    assert ("lb_web", "ec2_i_web1") in edges and ("lb_web", "ec2_i_web2") in edges
    assert "i_old" not in text  # terminated
    assert "sg_1" not in text and "alice" not in text  # not diagram material
    risk = next(line for line in text.splitlines() if line.strip().startswith("class "))
    assert risk.split()[1].split(",") == ["ec2_i_bastion", "rds_app_db", "s3_acme_logs"]
    assert "vpc-default" in text  # summarised, not drawn as an empty box


def test_tree_places_resources_in_subnets_tiers_and_outside() -> None:
    arch = diagram.tree(Inventory(small_inventory()))
    (acct,) = arch.accounts
    assert [g.kind for g in acct.groups] == ["global", "region"]
    region = acct.groups[1]
    assert [g.kind for g in region.groups] == ["vpc", "vpc", "outside"]
    app = next(g for g in region.groups if g.meta.get("vpc_id") == "vpc-app")
    public, private = app.groups
    assert (public.kind, public.meta["public"], private.meta["public"]) == ("tier", True, False)
    assert [i.label for i in app.items] == ["Internet gateway igw-app"]
    subnets = {s.meta["subnet_id"]: s for s in public.groups + private.groups}
    assert {i.id for i in subnets["subnet-pub-a"].items} == {"ec2_i_bastion", "nat_1"}
    assert subnets["subnet-pub-a"].meta["evidence"] == "rtb-pub-app: 0.0.0.0/0 → igw-app"
    assert [i.id for i in public.items] == ["lb_web"]  # ALB across two public subnets
    assert {i.id for i in private.items} == {"rds_app_db", "cache_sessions_001",
                                             "lambda_thumbnailer"}
    cache = next(i for i in private.items if i.kind == "cache")
    assert cache.count == 2 and "2 nodes" in cache.label
    outside = region.groups[-1]
    assert {i.kind for i in outside.items} == {"s3", "lambda", "dynamodb", "apigw",
                                              "codepipeline", "codebuild"}
    as_dict = arch.to_dict()
    json.dumps(as_dict)  # plain data for the TUI
    assert as_dict["accounts"][0]["groups"][0]["kind"] == "global"


def test_db_with_mixed_subnets_is_drawn_in_the_public_tier() -> None:
    arch = diagram.tree(Inventory(large_inventory()))
    tiers = [g for g in arch.groups() if g.kind == "tier"]
    public = next(t for t in tiers if t.meta["public"] and t.meta["vpc_id"] == "vpc-app")
    legacy = next(i for i in public.items if i.id == "rds_legacy_db")
    assert "1 public + 1 private subnets" in legacy.label
    assert "publicly accessible" in legacy.label


def test_aurora_members_fold_into_the_cluster() -> None:
    arch = diagram.tree(Inventory(large_inventory()))
    (cluster,) = [i for i in arch.items() if i.id == "rds_aurora"]
    assert [r.id for r in cluster.resources] == ["aurora", "aurora-1", "aurora-2"]
    assert "2 instances" in cluster.label
    assert not any(i.id.startswith("rds_aurora_") for i in arch.items())
    text = diagram.mermaid(Inventory(large_inventory()), failing={"aurora-2"})
    assert "class rds_aurora risk" in text


def test_lambda_vpc_comes_from_its_subnets_when_aws_omits_it() -> None:
    arch = diagram.tree(Inventory(large_inventory()))
    subnet = next(g for g in arch.groups() if g.meta.get("subnet_id") == "subnet-stg-priv")
    assert [i.id for i in subnet.items] == ["lambda_stg_fn"]
    eks_tier = next(g for g in arch.groups() if any(i.kind == "eks" for i in g.items))
    assert eks_tier.kind == "tier" and eks_tier.meta["public"] is True


def test_unknown_subnets_fall_back_to_the_vpc_and_unknown_vpcs_get_a_box() -> None:
    inv = Inventory([
        res("rds.db_instance", "db", vpc_id="vpc-gone", attrs={"subnet_ids": ["subnet-x"]}),
        res("ec2.instance", "i-1", vpc_id=None, subnet_id="subnet-y", attrs={"state": "running"}),
    ])
    arch = diagram.tree(inv)
    vpc = next(g for g in arch.groups() if g.kind == "vpc")
    assert vpc.meta == {"account_id": PROD, "region": R, "vpc_id": "vpc-gone", "cidr": None,
                        "is_default": False, "known": False}
    assert [i.id for i in vpc.items] == ["rds_db"]
    outside = next(g for g in arch.groups() if g.kind == "outside")
    assert outside.items[0].label.endswith("VPC unknown")
    assert_valid_mermaid(diagram.mermaid(inv))


def test_collapse_merges_many_and_redirects_edges() -> None:
    text = diagram.mermaid(Inventory(large_inventory()), failing=LARGE_FAILING)
    shape = assert_valid_mermaid(text)
    nodes = shape["nodes"]
    workers = next(k for k, v in nodes.items() if v.startswith("12 × EC2 instance"))
    assert nodes[workers] == "12 × EC2 instance · 2 with findings"
    buckets = next(k for k, v in nodes.items() if v.startswith("40 × S3 bucket"))
    assert ("lb_web", workers) in shape["edges"]  # 12 IP targets → one edge
    assert sum(1 for e in shape["edges"] if e[0] == "lb_web") == 1
    assert ("cloudfront_E2XYZ", buckets) in shape["edges"]
    assert any(v.startswith("10 × Lambda function") for v in nodes.values())
    full = assert_valid_mermaid(diagram.mermaid(Inventory(large_inventory()), collapse=0))
    assert len(full["nodes"]) > 60


def test_collapse_limit_is_exclusive() -> None:
    buckets = [res("s3.bucket", f"b{n}", name=f"b{n}") for n in range(8)]
    assert diagram.mermaid(Inventory(buckets)).count("S3 b") == 8
    buckets.append(res("s3.bucket", "b8", name="b8"))
    assert "9 × S3 bucket" in diagram.mermaid(Inventory(buckets))


def test_origins_outside_the_inventory_are_drawn() -> None:
    text = diagram.mermaid(Inventory(large_inventory()))
    assert "origin legacy.example.net" in text
    assert "S3 someone-else · not in the inventory" in text
    assert "WAF classic-waf-id · not in the inventory" in text


def test_labels_are_escaped() -> None:
    text = diagram.mermaid(Inventory(large_inventory()))
    line = next(x for x in text.splitlines() if "i_odd" in x and "[" in x)
    assert ("ops #quot;jump#quot; #91;old#93; #lt;b#gt;#35;1#lt;/b#gt; #124; #123;x#125; "
            "#96;y#96; 踏み台") in line
    assert diagram.mermaid_label("a\nb\tc\x00d") == "a b c d"
    assert len(diagram.clean("x" * 500)) == diagram.MAX_LABEL
    assert diagram.safe_id("vpc-0ab/c:d") == "vpc_0ab_c_d" and diagram.safe_id("---") == "x"


def test_ids_stay_unique_across_accounts_and_regions() -> None:
    inv = Inventory([res("s3.bucket", "data", name="data"),
                     res("dynamodb.table", "data", name="data"),
                     res("dynamodb.table", "data", STAGING, name="data"),
                     res("dynamodb.table", "data", STAGING, "eu-west-1", name="data"),
                     res("lambda.function", "a-b", name="a-b"),
                     res("lambda.function", "a_b", name="a_b")])
    shape = assert_valid_mermaid(diagram.mermaid(inv))
    assert len(shape["nodes"]) == 6


def test_output_is_deterministic() -> None:
    items = large_inventory()
    first = diagram.mermaid(Inventory(items), failing=LARGE_FAILING)
    random.Random(4).shuffle(items)
    assert diagram.mermaid(Inventory(items), failing=LARGE_FAILING) == first
    assert diagram.dot(Inventory(items)) == diagram.dot(Inventory(large_inventory()))


def test_empty_inventory() -> None:
    text = diagram.mermaid(Inventory([]))
    assert_valid_mermaid(text)
    assert "No resources" in text
    assert diagram.tree(Inventory([])).accounts == []


def test_failing_ids_from_findings() -> None:
    def f(status: Status, rid: str, arn: str | None) -> Finding:
        return Finding(check_id="x", status=status, severity=Severity.HIGH, account_id=PROD,
                       region=R, resource_id=rid, resource_arn=arn, message="m")

    found = diagram.failing_ids([f(Status.FAIL, "b", "arn:aws:s3:::b"), f(Status.FAIL, "i-1", None),
                                 f(Status.PASS, "i-2", None)])
    assert found == {"arn:aws:s3:::b", "i-1"}


def test_dot_output_is_balanced_and_renders() -> None:
    text = diagram.dot(Inventory(small_inventory()), failing=FAILING)
    assert text.startswith("digraph onboard {") and text.rstrip().endswith("}")
    assert text.count("{") == text.count("}")
    assert "subgraph cluster_vpc_app {" in text
    assert 'cloudfront_E1ABC -> s3_acme_assets [label="origin"];' in text
    assert 'waf_1111 -> cloudfront_E1ABC [label="protects", style=dashed];' in text
    assert 'color="#c62828"' in text
    escaped = diagram.dot(Inventory(large_inventory()))
    assert 'label="EC2 ops \\"jump\\" [old]' in escaped
    if shutil.which("dot"):
        proc = subprocess.run(["dot", "-Tsvg"], input=escaped, capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode == 0, proc.stderr


# --- from a moto scan ---------------------------------------------------------------------


def test_diagram_of_a_moto_estate(aws: None, make_ctx: Callable[..., Context]) -> None:
    """Collectors → Inventory → Mermaid, on an estate seeded in moto."""
    ec2 = boto3.client("ec2", region_name=R)
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.7.{n}.0/24",
                                AvailabilityZone=f"{R}{az}")["Subnet"]["SubnetId"]
              for n, az in enumerate("ab")]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.9.0/24",
                                AvailabilityZone=f"{R}a")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for s in public:
        ec2.associate_route_table(RouteTableId=table, SubnetId=s)
    image = ec2.describe_images()["Images"][0]["ImageId"]
    app = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=private,
                            TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                {"Key": "Name", "Value": "app"}]}])["Instances"][0]
    elb = boto3.client("elbv2", region_name=R)
    lb = elb.create_load_balancer(Name="web", Subnets=public)["LoadBalancers"][0]
    tg = elb.create_target_group(Name="app", Protocol="HTTP", Port=80, VpcId=vpc,
                                 TargetType="instance")["TargetGroups"][0]
    elb.register_targets(TargetGroupArn=tg["TargetGroupArn"],
                         Targets=[{"Id": app["InstanceId"]}])
    elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                        DefaultActions=[{"Type": "forward",
                                         "TargetGroupArn": tg["TargetGroupArn"]}])
    boto3.client("s3", region_name=R).create_bucket(Bucket="acme-assets")
    boto3.client("dynamodb", region_name=R).create_table(
        TableName="orders", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])

    ctx = make_ctx()
    wanted = ("ec2.network", "ec2.instances", "elb.load_balancers",
              "s3.buckets", "dynamodb.tables", "lambda.functions", "route53.zones")
    collectors = all_collectors()
    inv = Inventory([r for name in wanted for r in collectors[name].fn(ctx)])
    text = diagram.mermaid(inv, failing={app["InstanceId"]})
    shape = assert_valid_mermaid(text)
    app_node = next(k for k, v in shape["nodes"].items() if v.startswith("EC2 app"))
    assert ("lb_web", app_node) in shape["edges"]
    assert f"class {app_node} risk" in text
    arch = diagram.tree(inv)
    tiers = {g.meta["public"]: g for g in arch.groups()
             if g.kind == "tier" and g.meta["vpc_id"] == vpc}
    assert [i.id for i in tiers[True].items] == ["lb_web"]
    private_box = next(g for g in tiers[False].groups if g.meta["subnet_id"] == private)
    assert [i.id for i in private_box.items] == [app_node]
    assert "S3 acme-assets" in text and "DynamoDB orders" in text
