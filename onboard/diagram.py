"""Inventory → architecture diagram: a nested tree, Mermaid and Graphviz DOT (no AWS calls).

The talk's newcomer found the existing diagram missing everything outside the VPC
(CloudFront, WAF, S3, Lambda, the Code* services) and some things inside (ElastiCache).
This module draws all of it from one scan's inventory.

Layout (the tree, `tree(inventory)`):

    account
      global            edge services: Route 53 zones, CloudFront, CloudFront-scope WAF,
                        origins outside the inventory
      region
        VPC             its internet gateway, and anything whose subnets are unknown
          public subnets   (subnets routed to an internet gateway — onboard.topology)
            subnet         resources that live in exactly this subnet
            (tier)         resources spread over several subnets of this tier
          private subnets
        outside the VPCs   S3 buckets of the region, Lambda outside a VPC, API Gateway,
                           DynamoDB, CodePipeline/CodeBuild/CodeCommit, ECS, regional WAF

Placement of resources that can use several subnets (RDS by its DB subnet group,
ElastiCache by its cache subnet group, load balancers, Lambda and EKS in a VPC, CodeBuild in
a VPC): AWS does not say which subnet an RDS instance currently sits in, only the subnets it
*can* use. A node can be drawn in one place only, so such a resource is drawn

  * in the subnet itself when its group has exactly one subnet;
  * in the tier ("public subnets" / "private subnets") when all its subnets share one tier,
    labelled with how many subnets it can use;
  * in the *public* tier when its subnets mix public and private ones — it can land in a
    public subnet, which is what check 6 of the talk asks about — labelled "… public + …
    private subnets";
  * at the VPC level when none of its subnets is in the inventory.

Drawing one node per usable subnet was rejected: it reads as N databases.

Edges: Route 53 zone → CloudFront / load balancer / API / S3 website it aliases (label: the
record names); CloudFront → its origins (S3 bucket by name, load balancer by DNS name, API
Gateway by id, else an "origin" node for what is outside the inventory); WAF → what it
protects (dotted); load balancer → its targets (label: the target group; instance, IP
(matched to an instance's private IP), Lambda and ALB targets; classic load balancers'
registered instances).

Folding: an Aurora/Multi-AZ cluster is one node with its member instances; an ElastiCache
replication group is one node with its member clusters. Collapsing (Mermaid and DOT do it
with `collapse=8`): more than N nodes of one kind in one box become one node "12 × EC2
instance"; edges to the members go to it.

Mermaid and DOT draw only what has content: a VPC (region, account) with nothing in it is
not drawn — a region's empty VPCs become one node "1 VPC without resources: vpc-… · default"
— and a tier's subnets without resources of their own become one node ("subnet public-b ·
10.0.1.0/24 · us-east-1b" or "3 more subnets: …"). `tree()` keeps everything.

Mermaid ids contain only [A-Za-z0-9_]; labels are quoted and every character that Mermaid
could read as syntax (`"` `#` `<` `>` `[` `]` `(` `)` `{` `}` `|` and the backtick) is
written as a `#NN;` entity code. Output is sorted, so the same inventory gives the same text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from onboard.checks.base import Inventory
from onboard.i18n import N_, _, ngettext
from onboard.models import GLOBAL, Finding, Resource, Status
from onboard.topology import GONE_INSTANCE_STATES, Topology

COLLAPSE = 8
"""Default for Mermaid/DOT: more than this many nodes of one kind in one box → one node."""
MAX_LABEL = 120

# --- kinds ---------------------------------------------------------------------------------

# resource type → (kind, what one is called, what many are called)
KINDS: dict[str, tuple[str, str]] = {
    "ec2.instance": ("ec2", "EC2 instance"),
    "ec2.nat_gateway": ("nat", "NAT gateway"),
    "ec2.internet_gateway": ("igw", "Internet gateway"),
    "rds.db_instance": ("rds", "RDS instance"),
    "rds.db_cluster": ("rds", "RDS cluster"),
    "elasticache.cluster": ("cache", "ElastiCache cluster"),
    "elb.load_balancer": ("lb", "load balancer"),
    "lambda.function": ("lambda", "Lambda function"),
    "eks.cluster": ("eks", "EKS cluster"),
    "ecs.cluster": ("ecs", "ECS cluster"),
    "codebuild.project": ("codebuild", "CodeBuild project"),
    "codepipeline.pipeline": ("codepipeline", "CodePipeline pipeline"),
    "codecommit.repository": ("codecommit", "CodeCommit repository"),
    "s3.bucket": ("s3", "S3 bucket"),
    "dynamodb.table": ("dynamodb", "DynamoDB table"),
    "apigateway.rest_api": ("apigw", "API Gateway API"),
    "apigateway.http_api": ("apigw", "API Gateway API"),
    "cloudfront.distribution": ("cloudfront", "CloudFront distribution"),
    "route53.zone": ("route53", "Route 53 zone"),
    "wafv2.web_acl": ("waf", "WAF web ACL"),
}
KIND_PLURAL: dict[str, str] = {
    "ec2": N_("EC2 instance"), "nat": N_("NAT gateway"), "igw": N_("internet gateway"),
    "rds": N_("RDS database"), "cache": N_("ElastiCache cluster"), "lb": N_("load balancer"),
    "lambda": N_("Lambda function"), "eks": N_("EKS cluster"), "ecs": N_("ECS cluster"),
    "codebuild": N_("CodeBuild project"), "codepipeline": N_("CodePipeline pipeline"),
    "codecommit": N_("CodeCommit repository"), "s3": N_("S3 bucket"),
    "dynamodb": N_("DynamoDB table"), "apigw": N_("API Gateway API"),
    "cloudfront": N_("CloudFront distribution"), "route53": N_("Route 53 zone"),
    "waf": N_("WAF web ACL"), "external": N_("origin outside the inventory"),
}
"""What a folded "N × …" node holds (translated where the node is made)."""
# Types that are placed in a VPC when they have one (the others are always outside).
VPC_TYPES = frozenset({"ec2.instance", "ec2.nat_gateway", "rds.db_instance", "rds.db_cluster",
                       "elasticache.cluster", "elb.load_balancer", "lambda.function",
                       "eks.cluster", "codebuild.project"})
GLOBAL_TYPES = frozenset({"cloudfront.distribution", "route53.zone"})
# Mermaid node shapes per kind: (open, close) around the quoted label.
SHAPES: dict[str, tuple[str, str]] = {
    "rds": ("[(", ")]"), "cache": ("[(", ")]"), "s3": ("[(", ")]"), "dynamodb": ("[(", ")]"),
    "cloudfront": ("([", "])"), "route53": ("([", "])"), "apigw": ("([", "])"),
    "external": ("([", "])"), "waf": ("{{", "}}"),
}
DOT_SHAPES = {"rds": "cylinder", "cache": "cylinder", "s3": "cylinder",
              "dynamodb": "cylinder", "cloudfront": "oval", "route53": "oval",
              "apigw": "oval", "external": "oval", "waf": "hexagon"}


# --- the tree ------------------------------------------------------------------------------


@dataclass
class Item:
    """One box in the diagram: a resource, a folded cluster, or a collapsed many."""

    id: str
    kind: str
    label: str
    resources: list[Resource] = field(default_factory=list)
    collapsed: bool = False

    @property
    def count(self) -> int:
        return len(self.resources)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "label": self.label,
                "collapsed": self.collapsed, "count": self.count,
                "resources": [{"type": r.type, "id": r.id, "account_id": r.account_id,
                               "region": r.region, "arn": r.arn} for r in self.resources]}


@dataclass
class Group:
    """A box of boxes: account, global, region, vpc, tier, subnet or outside."""

    id: str
    kind: str
    label: str
    groups: list[Group] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def walk(self) -> Iterable[Group]:
        yield self
        for g in self.groups:
            yield from g.walk()

    def all_items(self) -> list[Item]:
        return [i for g in self.walk() for i in g.items]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "label": self.label, "meta": self.meta,
                "groups": [g.to_dict() for g in self.groups],
                "items": [i.to_dict() for i in self.items]}


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str = ""
    dotted: bool = False


@dataclass
class Architecture:
    """account → (global, region → (VPC → tier → subnet, outside)) plus edges between items."""

    accounts: list[Group]
    edges: list[Edge]

    def items(self) -> list[Item]:
        return [i for a in self.accounts for i in a.all_items()]

    def groups(self) -> list[Group]:
        return [g for a in self.accounts for g in a.walk()]

    def to_dict(self) -> dict[str, Any]:
        return {"accounts": [a.to_dict() for a in self.accounts],
                "edges": [{"src": e.src, "dst": e.dst, "label": e.label, "dotted": e.dotted}
                          for e in self.edges]}


# --- ids and labels ------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def safe_id(text: str) -> str:
    """A Mermaid/DOT-safe id fragment: only [A-Za-z0-9_], never empty."""
    return _UNSAFE.sub("_", text).strip("_") or "x"


class _Ids:
    """Deterministic, unique, readable node ids (callers visit resources in sorted order)."""

    def __init__(self) -> None:
        self._by_key: dict[Any, str] = {}
        self._used: set[str] = set()

    def get(self, key: Any, base: str, *more: str) -> str:
        if key in self._by_key:
            return self._by_key[key]
        candidates = [safe_id(base)]
        if more:
            candidates.append(safe_id("_".join((base, *more))))
        found = next((c for c in candidates if c not in self._used), None)
        n = 2
        while found is None:
            found = f"{candidates[-1]}_{n}"
            found = None if found in self._used else found
            n += 1
        self._used.add(found)
        self._by_key[key] = found
        return found


_ESCAPES = {'"': "#quot;", "#": "#35;", "<": "#lt;", ">": "#gt;", "[": "#91;", "]": "#93;",
            "(": "#40;", ")": "#41;", "{": "#123;", "}": "#125;", "|": "#124;", "`": "#96;"}


def clean(text: str, limit: int = MAX_LABEL) -> str:
    """One line of plain text, control characters removed, at most `limit` characters."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def mermaid_label(text: str) -> str:
    """Text for inside a Mermaid "…" label: syntax characters become entity codes."""
    return "".join(_ESCAPES.get(ch, ch) for ch in clean(text))


def dot_label(text: str) -> str:
    return clean(text).replace("\\", "\\\\").replace('"', '\\"')


def _short(values: list[str], n: int = 2) -> str:
    values = sorted(dict.fromkeys(v for v in values if v))
    return ", ".join(values[:n]) + (f" +{len(values) - n}" if len(values) > n else "")


# --- labels per type -----------------------------------------------------------------------


def _lb_kind(r: Resource) -> str:
    return {"application": "ALB", "network": "NLB", "gateway": "GWLB",
            "classic": "CLB"}.get(r.attrs.get("kind") or "", "ELB")


def resource_label(r: Resource) -> str:
    a = r.attrs
    name = r.name or r.id
    if r.type == "ec2.instance":
        parts = [f"EC2 {name}"] + ([r.id] if r.name else [])
        parts += [a.get("instance_type") or ""]
        if a.get("public_ip"):
            parts.append(_("public IP"))
        if a.get("state") not in (None, "running"):
            parts.append(str(a["state"]))
    elif r.type == "ec2.nat_gateway":
        parts = [_("NAT gateway {name}").format(name=name)]
    elif r.type == "ec2.internet_gateway":
        parts = [_("Internet gateway {name}").format(name=name)]
    elif r.type == "rds.db_instance":
        parts = [f"RDS {r.id}", a.get("engine") or ""]
        if a.get("publicly_accessible"):
            parts.append(_("publicly accessible"))
    elif r.type == "rds.db_cluster":
        parts = [_("RDS cluster {id}").format(id=r.id), a.get("engine") or ""]
        if a.get("publicly_accessible"):
            parts.append(_("publicly accessible"))
    elif r.type == "elasticache.cluster":
        parts = [f"ElastiCache {r.id}", a.get("engine") or ""]
    elif r.type == "elb.load_balancer":
        parts = [f"{_lb_kind(r)} {name}", a.get("scheme") or ""]
    elif r.type == "lambda.function":
        parts = [f"Lambda {name}", a.get("runtime") or a.get("package_type") or ""]
    elif r.type == "eks.cluster":
        parts = [f"EKS {name}", a.get("version") or ""]
        if a.get("endpoint_public_access"):
            parts.append(_("public API endpoint"))
    elif r.type == "ecs.cluster":
        services = a.get("services")
        parts = [f"ECS {name}"] + ([_("{n} services").format(n=services)]
                                   if services is not None else [])
    elif r.type == "codebuild.project":
        parts = [f"CodeBuild {name}"] + ([_("privileged")] if a.get("privileged_mode") else [])
    elif r.type == "codepipeline.pipeline":
        parts = [f"CodePipeline {name}"]
    elif r.type == "codecommit.repository":
        parts = [f"CodeCommit {name}"]
    elif r.type == "s3.bucket":
        parts = [f"S3 {name}"]
    elif r.type == "dynamodb.table":
        parts = [f"DynamoDB {name}"]
    elif r.type == "apigateway.rest_api":
        parts = [f"API Gateway REST {name}", _short(a.get("endpoint_types") or [])]
    elif r.type == "apigateway.http_api":
        parts = [f"API Gateway {a.get('protocol') or 'HTTP'} {name}"]
    elif r.type == "cloudfront.distribution":
        parts = [f"CloudFront {r.id}", (a.get("aliases") or [a.get("domain") or ""])[0]]
    elif r.type == "route53.zone":
        parts = [f"Route 53 {name}"] + ([_("private")] if a.get("private") else [])
    elif r.type == "wafv2.web_acl":
        parts = [f"WAF {name}"]
    else:
        parts = [f"{r.type} {name}"]
    return " · ".join(p for p in parts if p)


# --- building the tree ---------------------------------------------------------------------


def _bucket_of_domain(domain: str) -> str | None:
    m = re.match(r"^(?P<bucket>.+?)\.s3(?:[.-]website)?[.-]", domain.lower())
    return m.group("bucket") if m else None


def _api_of_domain(domain: str) -> str | None:
    m = re.match(r"^(?P<id>[a-z0-9]+)\.execute-api\.", domain.lower())
    return m.group("id") if m else None


class _Builder:
    def __init__(self, inv: Inventory, accounts: Mapping[str, str] | None) -> None:
        self.inv = inv
        self.names = dict(accounts or {})
        self.topo = Topology(inv)
        self.ids = _Ids()
        self.accounts: dict[str, Group] = {}
        self.regions: dict[tuple[str, str], Group] = {}
        self.vpcs: dict[tuple[str, str, str], Group] = {}
        self.tiers: dict[tuple[str, str, str, bool], Group] = {}
        self.subnets: dict[tuple[str, str], Group] = {}
        self.item_of: dict[tuple[str, str, str, str], str] = {}
        self.items: dict[str, Item] = {}
        self.edges: set[Edge] = set()

    # groups ---------------------------------------------------------------------------

    def account(self, account_id: str) -> Group:
        if account_id not in self.accounts:
            name = self.names.get(account_id, "")
            label = _("Account {id}").format(id=account_id) + (f" · {name}" if name else "")
            self.accounts[account_id] = Group(
                self.ids.get(("account", account_id), f"acct_{account_id}"), "account", label,
                meta={"account_id": account_id, "name": name})
        return self.accounts[account_id]

    def global_group(self, account_id: str) -> Group:
        acct = self.account(account_id)
        for g in acct.groups:
            if g.kind == "global":
                return g
        g = Group(self.ids.get(("global", account_id), f"global_{account_id}"), "global",
                  _("global · edge services"), meta={"account_id": account_id})
        acct.groups.insert(0, g)
        return g

    def region(self, account_id: str, region: str) -> Group:
        key = (account_id, region)
        if key not in self.regions:
            g = Group(self.ids.get(("region", *key), f"r_{account_id}_{region}"), "region",
                      region, meta={"account_id": account_id, "region": region})
            outside = Group(self.ids.get(("outside", *key), f"out_{account_id}_{region}"),
                            "outside", _("outside the VPCs"),
                            meta={"account_id": account_id, "region": region})
            g.groups.append(outside)
            self.account(account_id).groups.append(g)
            self.regions[key] = g
        return self.regions[key]

    def outside(self, account_id: str, region: str) -> Group:
        return next(g for g in self.region(account_id, region).groups if g.kind == "outside")

    def vpc(self, account_id: str, region: str, vpc_id: str) -> Group:
        key = (account_id, region, vpc_id)
        if key not in self.vpcs:
            vpc = self.inv.get("ec2.vpc", account_id, vpc_id)
            parts = [f"VPC {vpc_id}"]
            if vpc is not None:
                parts += [vpc.name, vpc.attrs.get("cidr") or ""]
                parts += [_("default VPC")] if vpc.attrs.get("is_default") else []
            else:
                parts.append(_("not in the inventory"))
            g = Group(self.ids.get(("vpc", *key), vpc_id, account_id), "vpc",
                      " · ".join(p for p in parts if p),
                      meta={"account_id": account_id, "region": region, "vpc_id": vpc_id,
                            "cidr": vpc.attrs.get("cidr") if vpc else None,
                            "is_default": bool(vpc and vpc.attrs.get("is_default")),
                            "known": vpc is not None})
            region_group = self.region(account_id, region)
            region_group.groups.insert(len(region_group.groups) - 1, g)  # outside stays last
            self.vpcs[key] = g
        return self.vpcs[key]

    def tier(self, account_id: str, region: str, vpc_id: str, public: bool) -> Group:
        key = (account_id, region, vpc_id, public)
        if key not in self.tiers:
            vpc = self.vpc(account_id, region, vpc_id)
            label = (_("public subnets · routed to an internet gateway") if public
                     else _("private subnets"))
            g = Group(self.ids.get(("tier", *key), f"{vpc.id}_{'public' if public else 'private'}"),
                      "tier", label, meta={"public": public, "vpc_id": vpc_id})
            vpc.groups.append(g)
            vpc.groups.sort(key=lambda t: not t.meta.get("public"))  # public tier first
            self.tiers[key] = g
        return self.tiers[key]

    def subnet(self, s: Resource) -> Group:
        key = (s.account_id, s.id)
        if key not in self.subnets:
            public = self.topo.is_public(s.account_id, s.id)
            tier = self.tier(s.account_id, s.region, s.vpc_id or "?", public)
            parts = [s.id, s.name, s.attrs.get("cidr") or "", s.attrs.get("az") or ""]
            g = Group(self.ids.get(("subnet", *key), s.id, s.account_id), "subnet",
                      " · ".join(p for p in parts if p),
                      meta={"subnet_id": s.id, "name": s.name, "public": public,
                            "cidr": s.attrs.get("cidr"), "az": s.attrs.get("az"),
                            "evidence": self.topo.routing(s.account_id, s.id).evidence})
            tier.groups.append(g)
            self.subnets[key] = g
        return self.subnets[key]

    # items ----------------------------------------------------------------------------

    def add(self, group: Group, resources: list[Resource], label: str,
            kind: str | None = None) -> Item:
        first = resources[0]
        kind = kind or KINDS.get(first.type, ("other", ""))[0]
        own = safe_id(first.id)
        base = own if own.startswith(f"{kind}_") else f"{kind}_{own}"  # igw_…, not igw_igw_…
        item = Item(self.ids.get(("item", *first.key), base, first.account_id, first.region),
                    kind, clean(label), list(resources))
        group.items.append(item)
        self.items[item.id] = item
        for r in resources:
            self.item_of[r.key] = item.id
        return item

    def external(self, account_id: str, domain: str, label: str,
                 kind: str = "external") -> str:
        """An item for something referenced but not in the inventory (an origin, a WAF)."""
        key = ("external", account_id, domain)
        item_id = self.ids.get(key, f"ext_{domain}", account_id)
        if item_id not in self.items:
            item = Item(item_id, kind, clean(label), [])
            self.global_group(account_id).items.append(item)
            self.items[item_id] = item
        return item_id

    def place(self, resources: list[Resource], label: str) -> None:
        """Put a resource (or a folded group of them) where it lives."""
        r = resources[0]
        subnet_ids = list(dict.fromkeys(
            s for x in resources
            for s in ([x.subnet_id] if x.subnet_id else []) + list(x.attrs.get("subnet_ids")
                                                                     or [])))
        known = [self.inv.get("ec2.subnet", r.account_id, s) for s in subnet_ids]
        subnets = [s for s in known if s is not None and s.vpc_id]
        vpc_id = r.vpc_id or next((s.vpc_id for s in subnets if s.vpc_id), None)
        if r.type not in VPC_TYPES or not (vpc_id or subnet_ids):
            self.add(self.outside(r.account_id, r.region), resources, label)
            return
        if not vpc_id:
            self.add(self.outside(r.account_id, r.region), resources,
                     f"{label} · " + _("VPC unknown"))
            return
        if not subnets:
            self.add(self.vpc(r.account_id, r.region, vpc_id), resources, label)
            return
        if len(subnets) == 1 and len(subnet_ids) == 1:
            self.add(self.subnet(subnets[0]), resources, label)
            return
        public = [s for s in subnets if self.topo.is_public(s.account_id, s.id)]
        private = len(subnets) - len(public)
        for s in subnets:
            self.subnet(s)  # the subnets it can use are drawn too
        if public and private:
            suffix = _("{public} public + {private} private subnets").format(
                public=len(public), private=private)
        else:
            suffix = _("{n} subnets").format(n=len(subnets))
        self.add(self.tier(r.account_id, r.region, vpc_id, bool(public)), resources,
                 f"{label} · {suffix}")

    def build(self) -> Architecture:
        inv = self.inv
        for s in sorted(inv.of("ec2.subnet"), key=lambda x: (x.account_id, x.region, x.id)):
            if s.vpc_id:
                self.vpc(s.account_id, s.region, s.vpc_id)
                self.subnet(s)
        for v in sorted(inv.of("ec2.vpc"), key=lambda x: (x.account_id, x.region, x.id)):
            self.vpc(v.account_id, v.region, v.id)
        for g in sorted(inv.of("ec2.internet_gateway"), key=lambda x: (x.account_id, x.id)):
            for vpc_id in g.attrs.get("vpc_ids") or ([g.vpc_id] if g.vpc_id else []):
                self.add(self.vpc(g.account_id, g.region, vpc_id), [g], resource_label(g))

        # RDS: clusters with their member instances folded in
        clusters = {(c.account_id, c.region, c.id): c for c in inv.of("rds.db_cluster")}
        members: dict[tuple[str, str, str], list[Resource]] = defaultdict(list)
        singles: list[Resource] = []
        for d in inv.of("rds.db_instance"):
            key = (d.account_id, d.region, d.attrs.get("cluster_id") or "")
            (members[key] if key in clusters else singles).append(d)
        # ElastiCache: replication groups folded into one node
        caches: dict[tuple[str, str, str], list[Resource]] = defaultdict(list)
        for c in inv.of("elasticache.cluster"):
            caches[(c.account_id, c.region,
                    c.attrs.get("replication_group") or f"\0{c.id}")].append(c)

        units: list[tuple[list[Resource], str]] = []
        for key, cluster in clusters.items():
            group = [cluster, *sorted(members[key], key=lambda x: x.id)]
            label = resource_label(cluster)
            if len(group) > 1:
                label += " · " + _("{n} instances").format(n=len(group) - 1)
            units.append((group, label))
        units += [([d], resource_label(d)) for d in singles]
        for (_account, _region, rg), group in caches.items():
            group = sorted(group, key=lambda x: x.id)
            if rg.startswith("\0"):
                units.append((group, resource_label(group[0])))
            else:
                engine = group[0].attrs.get("engine") or ""
                units.append((group, " · ".join(p for p in (
                    f"ElastiCache {rg}", engine, _("{n} nodes").format(n=len(group))) if p)))
        for type_ in ("ec2.instance", "ec2.nat_gateway", "elb.load_balancer", "lambda.function",
                      "eks.cluster", "ecs.cluster", "codebuild.project",
                      "codepipeline.pipeline", "codecommit.repository", "s3.bucket",
                      "dynamodb.table", "apigateway.rest_api", "apigateway.http_api"):
            for r in inv.of(type_):
                if type_ == "ec2.instance" and r.attrs.get("state") in GONE_INSTANCE_STATES:
                    continue
                units.append(([r], resource_label(r)))
        for r in inv.of("wafv2.web_acl"):
            if r.attrs.get("scope") == "CLOUDFRONT" or r.region == GLOBAL:
                continue
            units.append(([r], resource_label(r)))
        for group, label in sorted(units, key=lambda u: (u[0][0].account_id, u[0][0].region,
                                                        u[0][0].type, u[0][0].id)):
            self.place(group, label)

        for type_ in ("route53.zone", "cloudfront.distribution", "wafv2.web_acl"):
            for r in sorted(inv.of(type_), key=lambda x: (x.account_id, x.id)):
                if type_ == "wafv2.web_acl" and r.region != GLOBAL:
                    continue
                self.add(self.global_group(r.account_id), [r], resource_label(r))

        self.link()
        return self.finish()

    # edges ----------------------------------------------------------------------------

    def edge(self, src: Resource | str, dst: Resource | str, label: str = "",
             dotted: bool = False) -> None:
        s = src if isinstance(src, str) else self.item_of.get(src.key)
        d = dst if isinstance(dst, str) else self.item_of.get(dst.key)
        if s and d and s != d:
            self.edges.add(Edge(s, d, clean(label, 40), dotted))

    def link(self) -> None:
        inv = self.inv
        buckets = {b.id: b for b in inv.of("s3.bucket")}
        lbs_by_dns = {(lb.attrs.get("dns") or "").lower(): lb
                      for lb in inv.of("elb.load_balancer") if lb.attrs.get("dns")}
        lbs_by_arn = {lb.arn: lb for lb in inv.of("elb.load_balancer") if lb.arn}
        apis = {a.id: a for t in ("apigateway.rest_api", "apigateway.http_api")
                for a in inv.of(t)}
        dists: dict[str, Resource] = {}
        for d in inv.of("cloudfront.distribution"):
            for name in [d.attrs.get("domain"), *(d.attrs.get("aliases") or [])]:
                if name:
                    dists.setdefault(name.lower(), d)
        acls = {k: a for a in inv.of("wafv2.web_acl") for k in (a.arn, a.id) if k}
        functions = {f.arn: f for f in inv.of("lambda.function") if f.arn}
        by_ip = {(i.account_id, i.region, i.attrs.get("private_ip")): i
                 for i in inv.of("ec2.instance") if i.attrs.get("private_ip")}

        # CloudFront → origins; WAF → CloudFront
        for d in inv.of("cloudfront.distribution"):
            for o in d.attrs.get("origins") or []:
                domain = (o.get("domain") or "").lower()
                bucket = _bucket_of_domain(domain) if o.get("kind", "").startswith("s3") or \
                    ".s3" in domain else None
                if bucket:
                    if bucket in buckets:
                        self.edge(d, buckets[bucket], _("origin"))
                    else:
                        self.edge(d, self.external(d.account_id, domain, f"S3 {bucket} · "
                                                   + _("not in the inventory")), _("origin"))
                elif domain in lbs_by_dns:
                    self.edge(d, lbs_by_dns[domain], _("origin"))
                elif _api_of_domain(domain) in apis:
                    self.edge(d, apis[_api_of_domain(domain) or ""], _("origin"))
                elif domain:
                    self.edge(d, self.external(d.account_id, domain,
                                               _("origin {domain}").format(domain=domain)),
                              _("origin"))
            acl_ref = d.attrs.get("web_acl_id")
            if acl_ref:
                acl = acls.get(acl_ref)
                if acl is not None and acl.key in self.item_of:
                    self.edge(acl, d, _("protects"), dotted=True)
                else:
                    short = acl_ref.rsplit("/", 2)[-2] if "/" in acl_ref else acl_ref
                    self.edge(self.external(d.account_id, f"waf {acl_ref}",
                                            f"WAF {short} · " + _("not in the inventory"),
                                            "waf"),
                              d, _("protects"), dotted=True)
        # regional WAF → ALB / API Gateway stage
        for acl in inv.of("wafv2.web_acl"):
            for arn in acl.attrs.get("protects") or []:
                protected = lbs_by_arn.get(arn)
                m = re.search(r"/restapis/([^/]+)", arn)
                if protected is None and m:
                    protected = apis.get(m.group(1))
                if protected is not None:
                    self.edge(acl, protected, _("protects"), dotted=True)
        # Route 53 aliases
        zones = {(z.account_id, z.id): z for z in inv.of("route53.zone")}
        for rec in inv.of("route53.record"):
            zone = zones.get((rec.account_id, rec.attrs.get("zone_id") or ""))
            if zone is None:
                continue
            target_name = (rec.attrs.get("target") or "").lower()
            kind = rec.attrs.get("target_kind")
            target: Resource | None = None
            if kind == "cloudfront":
                target = dists.get(target_name)
            elif kind == "elb":
                target = lbs_by_dns.get(target_name)
            elif kind == "apigateway":
                target = apis.get(_api_of_domain(target_name) or "")
            elif kind == "s3-website":
                target = buckets.get(rec.name)
            if target is not None:
                self.edge(zone, target, rec.name)
        # load balancer → targets
        for tg in inv.of("elb.target_group"):
            for lb_arn in tg.attrs.get("lb_arns") or []:
                lb = lbs_by_arn.get(lb_arn)
                if lb is None:
                    continue
                for t in tg.attrs.get("targets") or []:
                    tid = t.get("id") or ""
                    kind = tg.attrs.get("target_type")
                    dst: Resource | None
                    if kind == "lambda":
                        dst = functions.get(tid)
                    elif kind == "alb":
                        dst = lbs_by_arn.get(tid)
                    elif kind == "ip":
                        dst = by_ip.get((tg.account_id, tg.region, tid))
                    else:
                        dst = inv.get("ec2.instance", tg.account_id, tid)
                    if dst is not None:
                        self.edge(lb, dst, tg.name or tg.id)
        for lb in inv.of("elb.load_balancer"):
            for iid in lb.attrs.get("instances") or []:
                inst = inv.get("ec2.instance", lb.account_id, iid)
                if inst is not None:
                    self.edge(lb, inst)

    # finishing ------------------------------------------------------------------------

    def finish(self) -> Architecture:
        def sort_group(g: Group) -> None:
            g.items.sort(key=lambda i: (i.kind, i.label, i.id))
            rank = {"global": 0, "region": 1, "vpc": 0, "tier": 0, "subnet": 0, "outside": 9}
            g.groups.sort(key=lambda c: (rank.get(c.kind, 5), not c.meta.get("public", False),
                                         c.label, c.id))
            for c in g.groups:
                sort_group(c)

        accounts = [self.accounts[a] for a in sorted(self.accounts)]
        for a in accounts:
            sort_group(a)
        return Architecture(accounts, _merge_edges(self.edges, {}))


def _merge_edges(edges: Iterable[Edge], moved: Mapping[str, str]) -> list[Edge]:
    """Edges with their ends moved (collapsing), self-loops dropped, one edge per
    (src, dst, style) with the labels joined; sorted."""
    merged: dict[tuple[str, str, bool], set[str]] = defaultdict(set)
    for e in edges:
        src, dst = moved.get(e.src, e.src), moved.get(e.dst, e.dst)
        if src != dst:
            merged[(src, dst, e.dotted)].add(e.label)
    out = [Edge(s, d, _short([x for x in labels if x]), dotted)
           for (s, d, dotted), labels in merged.items()]
    return sorted(out, key=lambda e: (e.src, e.dst, e.dotted, e.label))


def tree(inventory: Inventory, collapse: int | None = None,
         accounts: Mapping[str, str] | None = None) -> Architecture:
    """The architecture as nested groups (account → global / region → VPC → tier → subnet,
    and "outside the VPCs"), with edges between items. `collapse=N` merges more than N items
    of one kind in one group into one; `accounts` maps account id → a display name."""
    arch = _Builder(inventory, accounts).build()
    return collapsed(arch, collapse) if collapse else arch


def collapsed(arch: Architecture, limit: int) -> Architecture:
    """Merge more than `limit` items of one kind in one group into one "N × kind" item
    (in place: the groups of `arch` are changed) and move the edges to the merged items."""
    moved: dict[str, str] = {}

    def visit(g: Group) -> None:
        by_kind: dict[str, list[Item]] = defaultdict(list)
        for item in g.items:
            by_kind[item.kind].append(item)
        kept: list[Item] = []
        for kind, items in sorted(by_kind.items()):
            if len(items) <= limit:
                kept += items
                continue
            resources = [r for i in items for r in i.resources]
            many = Item(safe_id(f"{g.id}_{kind}_many"), kind,
                        f"{len(items)} × "
                        + (_(KIND_PLURAL[kind]) if kind in KIND_PLURAL else kind),
                        resources, True)
            for i in items:
                moved[i.id] = many.id
            kept.append(many)
        g.items = sorted(kept, key=lambda i: (i.kind, i.label, i.id))
        for c in g.groups:
            visit(c)

    for a in arch.accounts:
        visit(a)
    return Architecture(arch.accounts, _merge_edges(arch.edges, moved))


# --- rendering -----------------------------------------------------------------------------


def failing_ids(findings: Iterable[Finding]) -> set[str]:
    """The ids to pass as `failing`: each FAIL finding's resource ARN, else its id."""
    return {f.resource_arn or f.resource_id for f in findings if f.status == Status.FAIL}


def _is_failing(item: Item, failing: set[str]) -> int:
    return sum(1 for r in item.resources if r.id in failing or (r.arn and r.arn in failing))


def _has_content(g: Group) -> bool:
    """Anything worth drawing below this group (an internet gateway alone is not)."""
    return any(i.kind != "igw" for i in g.items) or any(_has_content(c) for c in g.groups)


@dataclass
class _Box:
    """A group as drawn: pruned, with empty subnets summarised."""

    group: Group
    items: list[Item]
    boxes: list[_Box]


def _drawn(g: Group) -> _Box | None:
    if g.kind in ("vpc", "region", "account", "outside", "global") and not _has_content(g):
        return None
    items = list(g.items)
    boxes: list[_Box] = []
    empty_subnets: list[Group] = []
    empty_vpcs: list[Group] = []
    for c in g.groups:
        if c.kind == "subnet" and not _has_content(c):
            empty_subnets.append(c)
            continue
        box = _drawn(c)
        if box is None:
            if c.kind == "vpc":
                empty_vpcs.append(c)
            continue
        boxes.append(box)
    if empty_subnets:
        names = [s.meta.get("name") or s.meta.get("subnet_id") or s.id for s in empty_subnets]
        if len(empty_subnets) == 1:
            meta = empty_subnets[0].meta
            label = " · ".join(p for p in (_("subnet {name}").format(name=names[0]),
                                           meta.get("cidr") or "", meta.get("az") or "") if p)
        else:
            label = _("{n} more subnets: {names}").format(n=len(empty_subnets),
                                                          names=_short(names, 3))
        items.append(Item(f"{g.id}_empty", "subnets", clean(label),
                          [], collapsed=len(empty_subnets) > 1))
    if empty_vpcs and g.kind == "region":
        names = [(v.meta.get("vpc_id") or v.id) + (" · " + _("default")
                                                   if v.meta.get("is_default") else "")
                 for v in empty_vpcs]
        label = ngettext("{n} VPC without resources: {names}",
                         "{n} VPCs without resources: {names}", len(empty_vpcs)).format(
            n=len(empty_vpcs), names=_short(names, 3))
        items.append(Item(f"{g.id}_empty_vpcs", "vpcs", clean(label), [], True))
    return _Box(g, items, boxes)


def _item_label(item: Item, failing: set[str]) -> str:
    bad = _is_failing(item, failing)
    if item.collapsed and bad:
        return f"{item.label} · " + _("{n} with findings").format(n=bad)
    return item.label


def mermaid(inventory: Inventory, failing: Iterable[str] = (), collapse: int = COLLAPSE,
            accounts: Mapping[str, str] | None = None, direction: str = "LR") -> str:
    """A Mermaid flowchart of the inventory. `failing`: resource ids or ARNs with FAIL
    findings (see `failing_ids`); their nodes get the `risk` class."""
    failing = set(failing)
    arch = tree(inventory, collapse=collapse or None, accounts=accounts)
    lines = [f"flowchart {direction}"]
    boxes = [b for b in (_drawn(a) for a in arch.accounts) if b is not None]
    if not boxes:
        empty = mermaid_label(_("No resources in the inventory yet · run a scan"))
        lines.append(f'  empty["{empty}"]')
        return "\n".join(lines) + "\n"
    risky: list[str] = []
    drawn: set[str] = set()

    def emit(box: _Box, depth: int) -> None:
        pad = "  " * depth
        lines.append(f'{pad}subgraph {box.group.id}["{mermaid_label(box.group.label)}"]')
        for item in box.items:
            opening, closing = SHAPES.get(item.kind, ("[", "]"))
            lines.append(f'{pad}  {item.id}{opening}"{mermaid_label(_item_label(item, failing))}"'
                         f"{closing}")
            drawn.add(item.id)
            if _is_failing(item, failing):
                risky.append(item.id)
        for child in box.boxes:
            emit(child, depth + 1)
        lines.append(f"{pad}end")

    for box in boxes:
        emit(box, 1)
    for e in arch.edges:
        if e.src not in drawn or e.dst not in drawn:
            continue
        arrow = "-.->" if e.dotted else "-->"
        label = f'|"{mermaid_label(e.label)}"|' if e.label else ""
        lines.append(f"  {e.src} {arrow}{label} {e.dst}")
    lines.append("  classDef risk fill:#fde2e1,stroke:#c62828,stroke-width:2px,color:#5f0000")
    if risky:
        lines.append(f"  class {','.join(sorted(risky))} risk")
    return "\n".join(lines) + "\n"


def dot(inventory: Inventory, failing: Iterable[str] = (), collapse: int = COLLAPSE,
        accounts: Mapping[str, str] | None = None) -> str:
    """The same diagram as Graphviz DOT (clusters for groups; risk nodes drawn in red)."""
    failing = set(failing)
    arch = tree(inventory, collapse=collapse or None, accounts=accounts)
    lines = ["digraph onboard {", "  rankdir=LR;", "  compound=true;",
             '  node [shape=box, style="rounded,filled", fillcolor=white, fontsize=10];']
    drawn: set[str] = set()

    def emit(box: _Box, depth: int) -> None:
        pad = "  " * depth
        lines.append(f"{pad}subgraph cluster_{box.group.id} {{")
        lines.append(f'{pad}  label="{dot_label(box.group.label)}";')
        for item in box.items:
            attrs = [f'label="{dot_label(_item_label(item, failing))}"']
            if item.kind in DOT_SHAPES:
                attrs.append(f"shape={DOT_SHAPES[item.kind]}")
            if _is_failing(item, failing):
                attrs += ['color="#c62828"', 'fillcolor="#fde2e1"', "penwidth=2"]
            lines.append(f"{pad}  {item.id} [{', '.join(attrs)}];")
            drawn.add(item.id)
        for child in box.boxes:
            emit(child, depth + 1)
        lines.append(f"{pad}}}")

    for box in (b for b in (_drawn(a) for a in arch.accounts) if b is not None):
        emit(box, 1)
    for e in arch.edges:
        if e.src in drawn and e.dst in drawn:
            attrs = [f'label="{dot_label(e.label)}"'] if e.label else []
            attrs += ["style=dashed"] if e.dotted else []
            suffix = f" [{', '.join(attrs)}]" if attrs else ""
            lines.append(f"  {e.src} -> {e.dst}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"
