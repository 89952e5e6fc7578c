"""A security reviewer's edge cases: hand-made inventories a holdout would use to catch a scanner.

Grouped by area. Each case states the verdict a reviewer expects from the catalog's `rule`
text, and the part of the message that proves the deciding signal. The cases marked
"issue #11" failed before that issue's fixes (a false PASS, or a verdict the rule text did
not predict).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from onboard import catalog
from onboard.checks import all_checks, evaluate
from onboard.checks.base import Inventory, Outcome
from onboard.models import GLOBAL, CollectError, Resource, Status

A = "111122223333"
B = "444455556666"
REGION = "eu-west-1"
REGISTRY = all_checks()


def run(check_id: str, *resources: Resource, errors: Iterable[CollectError] = ()
        ) -> list[Outcome]:
    return list(REGISTRY[check_id].fn(Inventory(list(resources), list(errors))))


def one(check_id: str, *resources: Resource) -> Outcome:
    outs = run(check_id, *resources)
    assert len(outs) == 1, outs
    return outs[0]


def res(type_: str, id_: str, account: str = A, region: str = REGION, **attrs: Any) -> Resource:
    return Resource(type=type_, id=id_, name=id_, account_id=account, region=region,
                    arn=f"arn:aws:test:{region}:{account}:{id_}", attrs=attrs)


# --- S3: policy, ACL, Block Public Access -----------------------------------------------------

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
BPA_ON = {f: True for f in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                            "RestrictPublicBuckets")}


def bucket(**attrs: Any) -> Resource:
    base: dict[str, Any] = {"public_access_block": None, "policy_public": None, "policy": None,
                            "acl_grants": [], "versioning": "Enabled", "ownership": None,
                            "errors": {}}
    base.update(attrs)
    return Resource(type="s3.bucket", id="data", name="data", account_id=A, region=REGION,
                    arn="arn:aws:s3:::data", attrs=base)


def s3_account(flags: dict[str, bool] | None = None, error: str | None = None) -> Resource:
    return Resource(type="s3.account", id=A, name=A, account_id=A, region=GLOBAL,
                    attrs={"public_access_block": flags,
                           "errors": {"public_access_block": error} if error else {}})


def allow(condition: dict[str, Any] | None = None, principal: Any = "*",
          action: Any = "s3:GetObject", sid: str = "S") -> dict[str, Any]:
    stmt: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Principal": principal,
                            "Action": action, "Resource": "arn:aws:s3:::data/*"}
    if condition is not None:
        stmt["Condition"] = condition
    return stmt


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


S3_POLICY_CASES: list[tuple[str, dict[str, Any], Status, str]] = [
    # issue #11: wildcard or negated condition values restrict nobody
    ("vpce wildcard under StringLike", {"policy": policy(allow(
        {"StringLike": {"aws:SourceVpce": "vpce-*"}}))}, Status.FAIL,
     "aws:SourceVpce 'vpce-*' is not a fixed value"),
    ("principal arn with an account wildcard", {"policy": policy(allow(
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/reader"}}))}, Status.FAIL,
     "is not a fixed value"),
    ("PrincipalIsAWSService false admits every non-service", {"policy": policy(allow(
        {"Bool": {"aws:PrincipalIsAWSService": "false"}}))}, Status.FAIL, "does not pin a caller"),
    ("policy variable is not fixed", {"policy": policy(allow(
        {"StringEquals": {"aws:userid": "${aws:userid}"}}))}, Status.FAIL, "not a fixed value"),
    ("ForAllValues holds when the key is absent", {"policy": policy(allow(
        {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": ["o-abc"]}}))}, Status.FAIL,
     "admits everyone it does not name"),
    ("a /1 source range is half the internet", {"policy": policy(allow(
        {"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}))}, Status.FAIL, "wider than /8"),
    ("principal with a wildcard account", {"policy": policy(allow(
        principal={"AWS": "arn:aws:iam::*:root"}))}, Status.FAIL, "allows s3:GetObject to *"),
    ("IfExists admits callers without the key", {"policy": policy(allow(
        {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}))}, Status.FAIL,
     "admits everyone it does not name"),
    # fixed values do pin the caller
    ("ForAnyValue with a fixed org", {"policy": policy(allow(
        {"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": ["o-abc"]}}))}, Status.PASS,
     "not public"),
    ("office /24 in SourceIp", {"policy": policy(allow(
        {"IpAddress": {"aws:SourceIp": ["198.51.100.0/24", "2001:db8::/48"]}}))}, Status.PASS,
     "not public"),
    ("fixed principal arn", {"policy": policy(allow(
        {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::444455556666:role/reader"}}))},
     Status.PASS, "not public"),
    ("two keys ANDed, one fixed", {"policy": policy(allow(
        {"StringLike": {"aws:SourceVpce": "vpce-*"},
         "StringEquals": {"aws:SourceAccount": "111122223333"}}))}, Status.PASS, "not public"),
    ("deny-unless-vpce fences a public allow", {"policy": policy(
        allow(), {"Sid": "OnlyFromVpce", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                  "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
                  "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b"}}})},
     Status.PASS, "not public"),
    ("a deny on the bucket arn alone leaves objects open", {"policy": policy(
        allow(), {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                  "Resource": "arn:aws:s3:::data",
                  "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b"}}})},
     Status.FAIL, "public via policy"),
    ("a deny on one action fences nothing", {"policy": policy(
        allow(), {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
                  "Resource": "*",
                  "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b"}}})},
     Status.FAIL, "public via policy"),
    ("a deny fenced by a wildcard fences nothing", {"policy": policy(
        allow(), {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                  "Condition": {"StringNotLike": {"aws:SourceVpce": "vpce-*"}}})},
     Status.FAIL, "public via policy"),
    # issue #11: GetBucketPolicyStatus failing is never a silent PASS
    ("status failed, public text", {"policy": policy(allow({"StringLike": {
        "aws:SourceVpce": "vpce-*"}})), "errors": {"policy_status": "AccessDenied"}},
     Status.FAIL, "public via policy"),
    ("status failed, private text says how it was judged", {"policy": policy(allow(
        {"StringEquals": {"aws:SourceVpce": "vpce-1"}})),
        "errors": {"policy_status": "AccessDenied"}}, Status.PASS,
     "policy judged from its text, no statement admits an unpinned caller "
     "(GetBucketPolicyStatus: AccessDenied)"),
    ("policy unreadable, status failed: ERROR not PASS", {
        "errors": {"policy": "AccessDenied"}}, Status.ERROR, "policy could not be read"),
    ("policy unreadable but AWS says public", {"policy_public": True,
                                               "errors": {"policy": "AccessDenied"}},
     Status.FAIL, "GetBucketPolicyStatus IsPublic"),
    ("malformed policy JSON is ERROR", {"errors": {"policy": "InvalidPolicyJson"}},
     Status.ERROR, "InvalidPolicyJson"),
    # ACLs
    ("authenticated users can list", {"acl_grants": [
        {"grantee_type": "Group", "uri": AUTH_USERS, "id": None, "permission": "READ"}]},
     Status.FAIL, "READ to AuthenticatedUsers"),
    ("ACLs disabled ignore a stale public grant", {"ownership": "BucketOwnerEnforced",
                                                  "acl_grants": [
        {"grantee_type": "Group", "uri": ALL_USERS, "id": None, "permission": "WRITE"}]},
     Status.PASS, "not public"),
    ("bucket-level IgnorePublicAcls neutralises a grant", {
        "public_access_block": {"IgnorePublicAcls": True}, "acl_grants": [
            {"grantee_type": "Group", "uri": ALL_USERS, "id": None, "permission": "READ"}]},
     Status.PASS, "neutralised by IgnorePublicAcls (bucket)"),
    ("BlockPublicPolicy alone does not neutralise an existing policy", {
        "public_access_block": {"BlockPublicPolicy": True}, "policy": policy(allow())},
     Status.FAIL, "public via policy"),
]


@pytest.mark.parametrize(("attrs", "status", "text"), [c[1:] for c in S3_POLICY_CASES],
                         ids=[c[0] for c in S3_POLICY_CASES])
def test_s3_bucket_public(attrs: dict[str, Any], status: Status, text: str) -> None:
    out = one("s3.bucket_public", s3_account(None), bucket(**attrs))
    assert out.status is status, out.message
    assert text in out.message


@pytest.mark.parametrize(("bucket_flags", "account", "status", "text"), [
    # the rule: effective = bucket OR account, per flag
    ({"BlockPublicAcls": True, "IgnorePublicAcls": True},
     s3_account({"BlockPublicPolicy": True, "RestrictPublicBuckets": True}), Status.PASS,
     "fully on (from the bucket and account combined)"),
    (None, s3_account(BPA_ON), Status.PASS, "fully on (from the account)"),
    (BPA_ON, s3_account(None, error="AccessDenied"), Status.PASS, "fully on (from the bucket)"),
    (None, s3_account(None, error="AccessDenied"), Status.ERROR, "unknown"),
    ({"BlockPublicAcls": True}, s3_account({"IgnorePublicAcls": True}), Status.FAIL,
     "off for BlockPublicPolicy, RestrictPublicBuckets"),
])
def test_s3_bucket_public_access_block_is_effective(bucket_flags: Any, account: Resource,
                                                    status: Status, text: str) -> None:
    out = one("s3.bucket_public_access_block", account, bucket(public_access_block=bucket_flags))
    assert out.status is status and text in out.message, out.message


def test_s3_bpa_text_agrees_with_the_logic() -> None:
    """issue #11: the catalog no longer says 'private' nor 'the bucket's own settings'."""
    check = catalog.shipped().checks["s3.bucket_public_access_block"]
    assert "private" not in check.observation
    assert "effective" in check.rule and "account level" in check.rule
    assert "own Block Public Access settings" not in check.description


# --- security groups ------------------------------------------------------------------------


def sg(*ingress: dict[str, Any], id_: str = "sg-1") -> Resource:
    return Resource(type="ec2.security_group", id=id_, name="g", account_id=A, region=REGION,
                    vpc_id="vpc-1", attrs={"ingress": list(ingress), "egress": [],
                                           "is_default": False, "tags": {}})


def rule(protocol: str = "tcp", low: int | None = None, high: int | None = None,
         v4: tuple[str, ...] = (), v6: tuple[str, ...] = (), groups: tuple[str, ...] = (),
         prefix_lists: tuple[str, ...] = ()) -> dict[str, Any]:
    perm: dict[str, Any] = {"IpProtocol": protocol,
                            "IpRanges": [{"CidrIp": c} for c in v4],
                            "Ipv6Ranges": [{"CidrIpv6": c} for c in v6],
                            "UserIdGroupPairs": [{"GroupId": g} for g in groups],
                            "PrefixListIds": [{"PrefixListId": p} for p in prefix_lists]}
    if low is not None:
        perm["FromPort"], perm["ToPort"] = low, high if high is not None else low
    return perm


SG_CASES: list[tuple[str, str, dict[str, Any], Status, str]] = [
    ("rdp over ipv6 only", "ec2.sg_open_ports", rule("tcp", 3389, v6=("::/0",)), Status.FAIL,
     "tcp/3389 from ::/0 (RDP)"),
    ("protocol -1 from ipv6", "ec2.ssh_open", rule("-1", v6=("::/0",)), Status.FAIL,
     "all traffic from ::/0"),
    ("protocol number 6 is tcp", "ec2.ssh_open", rule("6", 22, v4=("0.0.0.0/0",)), Status.FAIL,
     "tcp/22"),
    ("a range that spans 22", "ec2.ssh_open", rule("tcp", 1, 1024, v4=("0.0.0.0/0",)),
     Status.FAIL, "tcp/1-1024"),
    # two halves of the internet are the internet (a holdout's favourite evasion)
    ("0.0.0.0/1 plus 128.0.0.0/1", "ec2.ssh_open",
     rule("tcp", 22, v4=("0.0.0.0/1", "128.0.0.0/1")), Status.FAIL, "tcp/22 from 0.0.0.0/1"),
    ("a /8 is one network, not the internet", "ec2.ssh_open",
     rule("tcp", 22, v4=("10.0.0.0/8",)), Status.PASS, "does not allow"),
    ("prefix list source is not expanded", "ec2.sg_open_ports",
     rule("tcp", 3306, prefix_lists=("pl-0abc",)), Status.PASS, "admits nothing"),
    ("sg reference is not the internet", "ec2.sg_open_ports",
     rule("tcp", 5432, groups=("sg-app",)), Status.PASS, "admits nothing"),
    # issue #11: EC2.19's high-risk list, port by port
    ("jupyter 8888", "ec2.sg_open_ports", rule("tcp", 8888, v4=("0.0.0.0/0",)), Status.FAIL,
     "Jupyter"),
    ("smtp 25", "ec2.sg_open_ports", rule("tcp", 25, v4=("0.0.0.0/0",)), Status.FAIL, "SMTP"),
    ("yarn 8088 inside a range", "ec2.sg_open_ports", rule("tcp", 8081, 8090, v4=("0.0.0.0/0",)),
     Status.FAIL, "8088 Hadoop YARN"),
    ("dev server 3000", "ec2.sg_open_ports", rule("tcp", 3000, v4=("0.0.0.0/0",)), Status.FAIL,
     "dev server"),
    ("https alt 8443 is a web port", "ec2.sg_open_ports", rule("tcp", 8443, v4=("0.0.0.0/0",)),
     Status.PASS, "tcp/8443"),
    ("udp memcached amplification", "ec2.sg_open_ports", rule("udp", 11211, v4=("0.0.0.0/0",)),
     Status.FAIL, "memcached"),
]


@pytest.mark.parametrize(("check_id", "perm", "status", "text"), [c[1:] for c in SG_CASES],
                         ids=[c[0] for c in SG_CASES])
def test_security_groups(check_id: str, perm: dict[str, Any], status: Status,
                         text: str) -> None:
    out = one(check_id, sg(perm))
    assert out.status is status, out.message
    assert text in out.message


# --- routes and public subnets ---------------------------------------------------------------


def subnet(id_: str, vpc: str = "vpc-1") -> Resource:
    return Resource(type="ec2.subnet", id=id_, name=id_, account_id=A, region=REGION,
                    vpc_id=vpc, attrs={})


def table(id_: str, routes: list[dict[str, Any]], subnets: tuple[str, ...] = (),
          main: bool = False, vpc: str = "vpc-1") -> Resource:
    assocs = [{"subnet_id": s, "main": False} for s in subnets]
    if main:
        assocs.append({"subnet_id": None, "main": True})
    return Resource(type="ec2.route_table", id=id_, name=id_, account_id=A, region=REGION,
                    vpc_id=vpc, attrs={"associations": assocs, "routes": routes})


def route(dest: str | None = "0.0.0.0/0", v6: str | None = None, **target: Any
          ) -> dict[str, Any]:
    return {"destination": dest, "ipv6_destination": v6, "state": "active",
            "gateway_id": None, **target}


def cache(subnet_id: str) -> Resource:
    return res("elasticache.cluster", "sessions", subnet_ids=[subnet_id], errors={})


ROUTE_CASES: list[tuple[str, list[Resource], Status, str]] = [
    ("main table fallback makes an unassociated subnet public",
     [subnet("s-1"), table("rtb-main", [route(gateway_id="igw-1")], main=True)], Status.FAIL,
     "rtb-main: 0.0.0.0/0 → igw-1"),
    ("explicit private table beats a public main table",
     [subnet("s-1"), table("rtb-main", [route(gateway_id="igw-1")], main=True),
      table("rtb-priv", [route(nat_gateway_id="nat-1")], subnets=("s-1",))], Status.PASS,
     "private"),
    # issue #11: any route to an IGW, not only the default one
    ("office range routed to the igw", [subnet("s-1"), table(
        "rtb-1", [route("203.0.113.0/24", gateway_id="igw-1")], subnets=("s-1",))],
     Status.FAIL, "203.0.113.0/24 → igw-1"),
    ("transit gateway default route is private", [subnet("s-1"), table(
        "rtb-1", [route(transit_gateway_id="tgw-1")], subnets=("s-1",))], Status.PASS,
     "private"),
    ("egress-only gateway is private", [subnet("s-1"), table(
        "rtb-1", [route(None, v6="::/0", egress_only_gateway_id="eigw-1")],
        subnets=("s-1",))], Status.PASS, "private"),
    ("ipv6-only igw route is public", [subnet("s-1"), table(
        "rtb-1", [route(None, v6="::/0", gateway_id="igw-1")], subnets=("s-1",))],
     Status.FAIL, "::/0 → igw-1"),
    ("blackholed igw route is private", [subnet("s-1"), table(
        "rtb-1", [{**route(gateway_id="igw-1"), "state": "blackhole"}], subnets=("s-1",))],
     Status.PASS, "private"),
    ("main table of another vpc does not apply", [
        subnet("s-1", vpc="vpc-2"), table("rtb-main", [route(gateway_id="igw-1")], main=True)],
     Status.PASS, "private"),
]


@pytest.mark.parametrize(("network", "status", "text"), [c[1:] for c in ROUTE_CASES],
                         ids=[c[0] for c in ROUTE_CASES])
def test_routes(network: list[Resource], status: Status, text: str) -> None:
    out = one("network.public_subnet_resources", *network, cache("s-1"))
    assert out.status is status, out.message
    assert text in out.message


# --- instances in public subnets: structure over names ---------------------------------------

PUBLIC_NET = [subnet("s-pub"), table("rtb-pub", [route(gateway_id="igw-1")],
                                     subnets=("s-pub",))]


def host(name: str = "", groups: tuple[str, ...] = ("sg-1",),
         public_ip: str | None = "198.51.100.7", **attrs: Any) -> Resource:
    base = {"state": "running", "public_ip": public_ip, "security_groups": list(groups),
            "tags": {"Name": name} if name else {}, "ipv6_addresses": []}
    base.update(attrs)
    return Resource(type="ec2.instance", id="i-1", name=name, account_id=A, region=REGION,
                    vpc_id="vpc-1", subnet_id="s-pub", attrs=base)


ANY = ("0.0.0.0/0",)
INSTANCE_CASES: list[tuple[str, Resource, list[Resource], Status, str]] = [
    # issue #11: product names not on any word list, caught by their ports
    ("clickhouse by its port", host("analytics-ch-1"),
     [sg(rule("tcp", 8123, v4=("10.0.0.0/16",)))], Status.FAIL, "tcp/8123 (ClickHouse)"),
    ("pgbouncer by its port", host("pooler"), [sg(rule("tcp", 6432, v4=("10.0.0.0/16",)))],
     Status.FAIL, "PgBouncer"),
    ("opensearch by its port despite a web name", host("www-search"),
     [sg(rule("tcp", 9200, groups=("sg-app",)), rule("tcp", 443, v4=ANY))], Status.FAIL,
     "Elasticsearch/OpenSearch"),
    ("typesense-like unknown name, lb target", host("typesense-1"),
     [sg(rule("tcp", 8108, groups=("sg-alb",))),
      res("elb.target_group", "search-tg", target_type="instance",
          targets=[{"id": "i-1", "port": 8108}])], Status.FAIL,
     "load balancer target (target group search-tg)"),
    ("no public address", host("app", public_ip=None), [sg(rule("tcp", 443, v4=ANY))],
     Status.FAIL, "no public address"),
    ("admits nothing from the internet", host("meilisearch"),
     [sg(rule("tcp", 7700, v4=("10.0.0.0/16",)))], Status.FAIL, "admit nothing from the internet"),
    ("all-traffic from self is not a listener", host("svc"),
     [sg(rule("-1", groups=("sg-1",)))], Status.FAIL, "admit nothing from the internet"),
    ("nat instance by source/dest check", host("router", source_dest_check=False),
     [sg(rule("-1", v4=("10.0.0.0/16",)))], Status.PASS, "source/destination check is off"),
    ("web server serving 443 to the world", host("frontend-7"),
     [sg(rule("tcp", 443, v4=ANY, v6=("::/0",)))], Status.PASS, "serves web port tcp/443"),
    ("wireguard endpoint", host("wg"), [sg(rule("udp", 51820, v4=ANY))], Status.PASS,
     "VPN endpoint"),
    ("unnamed ssh-only host", host(), [sg(rule("tcp", 22, v4=ANY))], Status.PASS,
     "bastion-shaped"),
    ("smtp relay is not an edge role", host("mx-1"), [sg(rule("tcp", 25, v4=ANY))], Status.FAIL,
     "not a recognisable edge role"),
    ("ipv6-only address counts as public", host("web", public_ip=None,
                                                ipv6_addresses=["2001:db8::7"]),
     [sg(rule("tcp", 80, v6=("::/0",)))], Status.PASS, "public address 2001:db8::7"),
    ("unknown security group is ERROR, not PASS", host("x", groups=("sg-gone",)), [],
     Status.ERROR, "sg-gone are not in the inventory"),
]


@pytest.mark.parametrize(("inst", "extra", "status", "text"), [c[1:] for c in INSTANCE_CASES],
                         ids=[c[0] for c in INSTANCE_CASES])
def test_instances_in_public_subnets(inst: Resource, extra: list[Resource], status: Status,
                                     text: str) -> None:
    out = one("network.public_subnet_resources", *PUBLIC_NET, inst, *extra)
    assert out.status is status, out.message
    assert text in out.message


def test_classic_load_balancer_member_is_an_lb_target() -> None:
    clb = res("elb.load_balancer", "legacy", kind="classic", instances=["i-1"])
    out = one("network.public_subnet_resources", *PUBLIC_NET, host("api"),
              sg(rule("tcp", 8080, groups=("sg-elb",))), clb)
    assert out.status is Status.FAIL and "classic load balancer legacy" in out.message


# --- CloudTrail ---------------------------------------------------------------------------------


def marker(account: str = A) -> Resource:
    return Resource(type="cloudtrail.account", id=account, name=account, account_id=account,
                    region=GLOBAL, attrs={"listed_from": "us-east-1", "trails": []})


def trail(name: str, account: str = A, owner: str | None = None, **attrs: Any) -> Resource:
    owner = owner or account
    base = {"multi_region": True, "is_logging": True, "organization_trail": False,
            "owner_account_id": owner, "management_events": "all",
            "latest_delivery_error": None, "errors": {}}
    base.update(attrs)
    return Resource(type="cloudtrail.trail", id=name, name=name, account_id=account,
                    region="us-east-1", arn=f"arn:aws:cloudtrail:us-east-1:{owner}:trail/{name}",
                    attrs=base)


def org(account: str, org_id: str = "o-1", management: bool = False) -> Resource:
    return Resource(type="org.account", id=account, name=account, account_id=account,
                    region=GLOBAL, attrs={"in_organization": True, "organization_id": org_id,
                                          "management_account_id": A, "is_management": management})


TRAIL_CASES: list[tuple[str, list[Resource], Status, str]] = [
    # issue #11
    ("write-only multi-region trail", [marker(), trail("t", management_events="write_only")],
     Status.FAIL, "records write events only"),
    ("delivery error", [marker(), trail("t", latest_delivery_error="AccessDenied")],
     Status.FAIL, "LatestDeliveryError: AccessDenied"),
    ("read-only trail beside a write-only one", [
        marker(), trail("r", management_events="read_only"),
        trail("w", management_events="write_only")], Status.FAIL, "records read events only"),
    ("excluded kms events are named, not failed", [
        marker(), trail("t", excluded_management_sources=["kms.amazonaws.com"])], Status.PASS,
     "excludes events from kms.amazonaws.com"),
    ("single-region logging trail only", [marker(), trail("t", multi_region=False)],
     Status.FAIL, "only single-region trails"),
    ("selectors unreadable is ERROR", [marker(), trail(
        "t", management_events=None, errors={"event_selectors": "AccessDenied"})],
     Status.ERROR, "event_selectors: AccessDenied"),
]


@pytest.mark.parametrize(("resources", "status", "text"), [c[1:] for c in TRAIL_CASES],
                         ids=[c[0] for c in TRAIL_CASES])
def test_cloudtrail(resources: list[Resource], status: Status, text: str) -> None:
    out = one("cloudtrail.enabled", *resources)
    assert out.status is status, out.message
    assert text in out.message


def test_org_trail_covers_a_member_with_a_stopped_trail_of_its_own() -> None:
    """issue #11: the member's own stopped trail no longer hides the organization trail."""
    outs = {o.account_id: o for o in run(
        "cloudtrail.enabled", marker(), org(A, management=True),
        trail("org", organization_trail=True), marker(B), org(B),
        trail("own", account=B, is_logging=False))}
    assert outs[B].status is Status.PASS
    assert "covered by organization trail org" in outs[B].message
    assert "its own: multi-region trail own is not logging" in outs[B].message


def test_write_only_org_trail_covers_nobody() -> None:
    outs = {o.account_id: o for o in run(
        "cloudtrail.enabled", marker(), org(A, management=True),
        trail("org", organization_trail=True, management_events="write_only"),
        marker(B), org(B))}
    assert outs[B].status is Status.FAIL and outs[A].status is Status.FAIL


def test_member_view_of_an_org_trail_does_not_cover_others() -> None:
    """A member's copy of the org trail (owner elsewhere) is not the owner's word."""
    outs = {o.account_id: o for o in run(
        "cloudtrail.enabled", marker(B), org(B),
        trail("org", account=B, owner=A, organization_trail=True), marker("777788889999"),
        org("777788889999"))}
    assert outs["777788889999"].status is Status.FAIL


@pytest.mark.parametrize(("selectors", "expected"), [
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "readOnly", "NotEquals": ["true"]}]}]}, "write_only"),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]}]}]}, "all"),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}]}, "none"),
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]}, "none"),
])
def test_event_selector_reading(selectors: dict[str, Any], expected: str) -> None:
    from onboard.aws.collect.cloudtrail import management_events
    assert management_events(selectors) == expected


# --- Config -------------------------------------------------------------------------------------


def recorder(**attrs: Any) -> dict[str, Any]:
    base = {"name": "default", "recording": True, "all_supported": True,
            "include_global_resource_types": True, "recording_strategy": None,
            "resource_types": [], "excluded_types": [], "last_status": "Success",
            "last_error_code": None, "service_principal": None}
    base.update(attrs)
    return base


CONFIG_CASES: list[tuple[str, list[dict[str, Any]], Status, str]] = [
    ("one resource type", [recorder(all_supported=False,
                                    recording_strategy="INCLUSION_BY_RESOURCE_TYPES",
                                    resource_types=["AWS::EC2::Instance"])], Status.FAIL,
     "only 1 selected resource type (AWS::EC2::Instance)"),  # issue #11
    ("exclusions narrow it", [recorder(
        all_supported=False, recording_strategy="EXCLUSION_BY_RESOURCE_TYPES",
        excluded_types=["AWS::IAM::Role", "AWS::EC2::SecurityGroup"])],
     Status.FAIL, "all but 2 excluded resource types: AWS::IAM::Role"),
    ("all supported", [recorder()], Status.PASS, "all supported resource types"),
    ("service-linked recorder next to a narrowed one", [
        recorder(name="svc", service_principal="securityhub.amazonaws.com"),
        recorder(all_supported=False, recording_strategy="INCLUSION_BY_RESOURCE_TYPES",
                 resource_types=["AWS::S3::Bucket", "AWS::IAM::User"])], Status.FAIL,
     "only 2 selected resource types"),
    ("stopped recorder", [recorder(recording=False)], Status.FAIL, "not recording"),
]


@pytest.mark.parametrize(("recorders", "status", "text"), [c[1:] for c in CONFIG_CASES],
                         ids=[c[0] for c in CONFIG_CASES])
def test_config(recorders: list[dict[str, Any]], status: Status, text: str) -> None:
    out = one("config.enabled", res("config.region", REGION, recorders=recorders, errors={}))
    assert out.status is status, out.message
    assert text in out.message


# --- RDS and Aurora -----------------------------------------------------------------------------


def db(name: str, **attrs: Any) -> Resource:
    base = {"engine": "postgres", "cluster_id": None, "replica_source": None,
            "backup_retention": 7, "deletion_protection": True, "publicly_accessible": False,
            "subnet_ids": ["s-1"], "errors": {}}
    base.update(attrs)
    return res("rds.db_instance", name, **base)


def cluster(name: str, **attrs: Any) -> Resource:
    base = {"engine": "aurora-postgresql", "backup_retention": 7, "deletion_protection": True,
            "publicly_accessible": None, "members": [], "subnet_ids": ["s-1"], "errors": {}}
    base.update(attrs)
    return res("rds.db_cluster", name, **base)


RDS_CASES: list[tuple[str, str, list[Resource], dict[str, Status]]] = [
    ("aurora serverless v2 cluster without protection", "rds.deletion_protection",
     [cluster("sls", engine="aurora-postgresql", deletion_protection=False)],
     {"sls": Status.FAIL}),
    ("cluster protected, members say otherwise", "rds.deletion_protection",
     [cluster("c", members=["c-1"]), db("c-1", cluster_id="c", deletion_protection=False)],
     {"c": Status.PASS}),
    ("member of an uncollected cluster is judged itself", "rds.deletion_protection",
     [db("c-1", cluster_id="elsewhere", deletion_protection=False)], {"c-1": Status.FAIL}),
    ("read replica without backups passes, its source is judged", "rds.backup_retention",
     [db("src", backup_retention=7), db("rep", backup_retention=0, replica_source="src")],
     {"src": Status.PASS, "rep": Status.PASS}),
    ("retention 6 days", "rds.backup_retention", [db("d", backup_retention=6)],
     {"d": Status.FAIL}),
    ("aurora member publicly accessible", "rds.public",
     [cluster("c", members=["c-1"]), db("c-1", cluster_id="c", engine="aurora-postgresql",
                                         publicly_accessible=True)], {"c-1": Status.FAIL}),
    ("multi-az db cluster decides for members", "rds.public",
     [cluster("maz", engine="postgres", publicly_accessible=True, members=["maz-1"]),
      db("maz-1", cluster_id="maz", publicly_accessible=False)], {"maz": Status.FAIL}),
]


@pytest.mark.parametrize(("check_id", "resources", "expected"), [c[1:] for c in RDS_CASES],
                         ids=[c[0] for c in RDS_CASES])
def test_rds(check_id: str, resources: list[Resource], expected: dict[str, Status]) -> None:
    outs = run(check_id, *resources)
    assert {o.resource_id: o.status for o in outs} == expected, [o.message for o in outs]


# --- IAM: keys, MFA, people and workloads ---------------------------------------------------

NOW = datetime.now(UTC)


def key(id_: str = "AKIA1", status: str = "Active", age: int = 10, used: int | None = 1,
        service: str | None = "s3", region: str | None = "eu-west-1") -> dict[str, Any]:
    return {"id": id_, "status": status, "created": (NOW - timedelta(days=age)).isoformat(),
            "last_used": (NOW - timedelta(days=used)).isoformat() if used is not None else None,
            "last_used_service": service if used is not None else None,
            "last_used_region": region if used is not None else None}


def user(name: str, password: bool | None = False, mfa: bool | None = False,
         keys: list[dict[str, Any]] | None = None, **attrs: Any) -> Resource:
    base = {"password_enabled": password, "mfa_active": mfa, "access_keys": keys or [],
            "tags": {}, "groups": [], "errors": {}}
    base.update(attrs)
    return Resource(type="iam.user", id=name, name=name, account_id=A, region=GLOBAL,
                    arn=f"arn:aws:iam::{A}:user/{name}", attrs=base)


IAM_CASES: list[tuple[str, str, Resource, Status | None, str]] = [
    ("inactive old key is ignored", "iam.user_access_keys",
     user("u", keys=[key(status="Inactive", age=900, used=None)]), None, ""),
    ("active 91-day key used yesterday", "iam.user_access_keys",
     user("u", keys=[key(age=91, used=1)]), Status.FAIL, "91 days old"),
    ("active 90-day key passes", "iam.user_access_keys", user("u", keys=[key(age=90)]),
     Status.PASS, "90 days old"),
    ("fresh key never used", "iam.user_access_keys", user("u", keys=[key(age=2, used=None)]),
     Status.FAIL, "never used"),
    ("one good and one stale key", "iam.user_access_keys",
     user("u", keys=[key("AKIA1", age=5), key("AKIA2", age=400)]), Status.FAIL, "AKIA2"),
    ("MFA device created but not enabled", "iam.user_mfa", user("u", password=True, mfa=False),
     Status.FAIL, "no MFA device"),
    ("key-only user has no console MFA finding", "iam.user_mfa", user("u", keys=[key()]), None,
     ""),
    # issue #11: a developer with CLI keys only is a person, not a workload
    ("first.last with keys is a person", "iam.human_users",
     user("mei.tanaka", keys=[key(service="iam")]), Status.FAIL,
     "a person, decided by name 'mei.tanaka' (first.last)"),
    ("email-shaped name", "iam.human_users", user("dev@example.com", keys=[key()]),
     Status.FAIL, "(an email address)"),
    ("person by group", "iam.human_users", user("kenji", keys=[key()], groups=["Developers"]),
     Status.FAIL, "decided by group 'Developers'"),
    ("person by key use", "iam.human_users",
     user("kenji", keys=[key(service="organizations", region="us-east-1")]), Status.FAIL,
     "last used on organizations in us-east-1"),
    ("tag declares a service account", "iam.human_users",
     user("kenji", keys=[key()], tags={"Type": "service"}), Status.PASS,
     "a workload, decided by tag Type=service"),
    ("person without keys or password", "iam.human_users", user("mei.tanaka"), Status.PASS,
     "no active access key"),
    ("ci name is a workload", "iam.workload_users", user("ci-deployer", keys=[key()]),
     Status.FAIL, "decided by name 'ci-deployer' (word 'ci')"),
    ("github actions user", "iam.workload_users", user("github-actions", keys=[key()]),
     Status.FAIL, "use an IAM role"),
    ("terraform bot", "iam.workload_users", user("terraformBot", keys=[key()]), Status.FAIL,
     "word 'terraform'"),
    ("no signal at all: treated as a workload, and says so", "iam.workload_users",
     user("x7", keys=[key(used=None)]), Status.FAIL, "so treated as a workload"),
    ("developer with keys is not told to use an EC2 role", "iam.workload_users",
     user("mei.tanaka", keys=[key()]), None, ""),
    ("name beats group", "iam.workload_users",
     user("deploy-bot", keys=[key()], groups=["developers"]), Status.FAIL, "word 'deploy'"),
]


@pytest.mark.parametrize(("check_id", "u", "status", "text"), [c[1:] for c in IAM_CASES],
                         ids=[c[0] for c in IAM_CASES])
def test_iam(check_id: str, u: Resource, status: Status | None, text: str) -> None:
    outs = run(check_id, u)
    if status is None:
        assert outs == [], [o.message for o in outs]
        return
    [out] = outs
    assert out.status is status, out.message
    assert text in out.message


# --- Access Analyzer, Inspector, Identity Center ------------------------------------------------


def analyzers(account: str, *items: tuple[str, str, str]) -> Resource:
    return res("accessanalyzer.region", REGION, account=account,
               analyzers=[{"name": n, "type": t, "status": s, "arn": f"arn:{n}"}
                          for n, t, s in items])


def test_unused_access_analyzer_is_not_external_access() -> None:
    """issue #11: IAM.28 / CIS v5.0 1.19 count external-access analyzers only."""
    out = one("accessanalyzer.enabled",
              analyzers(A, ("unused", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")))
    assert out.status is Status.FAIL and "unused- or internal-access" in out.message


def test_organization_analyzer_in_delegated_admin_covers_members() -> None:
    """issue #11: the delegated admin's ORGANIZATION analyzer is credited to members."""
    outs = {o.account_id: o for o in run(
        "accessanalyzer.enabled", org(A, management=True), org(B), org("777788889999", "o-2"),
        analyzers(B, ("org", "ORGANIZATION", "ACTIVE")), analyzers(A),
        analyzers("777788889999"))}
    assert outs[A].status is Status.PASS
    assert f"covered by organization analyzer org of account {B}" in outs[A].message
    assert outs["777788889999"].status is Status.FAIL  # another organization


def test_organization_analyzer_in_another_region_does_not_cover() -> None:
    other = res("accessanalyzer.region", "us-east-1", account=B, region="us-east-1",
                analyzers=[{"name": "org", "type": "ORGANIZATION", "status": "ACTIVE"}])
    out = run("accessanalyzer.enabled", org(A), org(B), other, analyzers(A))
    assert {(o.account_id, o.region): o.status for o in out}[(A, REGION)] is Status.FAIL


def test_inspector_ecr_only_fails_where_instances_run() -> None:
    """issue #11: Inspector.1 is EC2 scanning; ECR or Lambda alone no longer passes there."""
    region = res("inspector.region", REGION, resource_state={"ec2": "DISABLED",
                                                            "ecr": "ENABLED"}, errors={})
    inst = res("ec2.instance", "i-1", state="stopped")
    out = one("inspector.enabled", region, inst)
    assert out.status is Status.FAIL and "1 EC2 instance runs here unscanned" in out.message
    assert one("inspector.enabled", region).status is Status.PASS  # nothing to scan
    unlisted = CollectError(collector="ec2.instances", types=["ec2.instance"], account_id=A,
                            region=REGION, code="AccessDenied", message="no")
    [out] = run("inspector.enabled", region, errors=[unlisted])
    assert out.status is Status.ERROR and "DescribeInstances: AccessDenied" in out.message


def test_sso_member_is_skipped_when_the_management_account_was_not_scanned() -> None:
    """issue #11: the talk's day one says the gap out loud instead of emitting nothing."""
    out = one("sso.enabled", org(B))
    assert out.status is Status.SKIPPED
    assert f"management account {A}, which was not scanned" in out.message
    assert run("sso.enabled", org(B), org(A, management=True),
               res("sso.region", "us-east-1", instances=[{"arn": "x/ssoins-1",
                                                          "status": "ACTIVE"}]))[0].account_id == A


# --- coverage gaps: SCP denials -----------------------------------------------------------------

SCP_MESSAGE = ("User: arn:aws:sts::111122223333:assumed-role/audit/x is not authorized to "
               "perform: config:DescribeConfigurationRecorders with an explicit deny in a "
               "service control policy")


def failure(region: str, message: str, code: str = "AccessDeniedException",
            types: tuple[str, ...] = ("config.region",)) -> CollectError:
    return CollectError(collector="config.recorders", types=list(types), account_id=A,
                        region=region, code=code, message=message)


def test_scp_denied_region_is_skipped_once_not_an_error() -> None:
    """issue #11: an explicit deny in an SCP is SKIPPED "denied by an SCP", per region."""
    inv = Inventory([], [failure("ap-south-1", SCP_MESSAGE),
                         failure("ap-south-1", SCP_MESSAGE)])
    findings = evaluate(inv, {}, only={"config.enabled"})
    assert [(f.status, f.region) for f in findings] == [(Status.SKIPPED, "ap-south-1")]
    assert findings[0].message.startswith("denied by an SCP: region ap-south-1 was not scanned")
    assert "config:DescribeConfigurationRecorders" in findings[0].message


def test_plain_access_denied_stays_an_error() -> None:
    inv = Inventory([], [failure("ap-south-1", "User is not authorized to perform: "
                                               "config:DescribeConfigurationRecorders")])
    [finding] = evaluate(inv, {}, only={"config.enabled"})
    assert finding.status is Status.ERROR


def test_ec2_unauthorized_operation_with_scp_deny_is_skipped() -> None:
    msg = ("You are not authorized to perform this operation. User: arn:aws:sts::1:x is not "
           "authorized to perform: ec2:DescribeSecurityGroups with an explicit deny in a "
           "service control policy. Encoded authorization failure message: abc")
    inv = Inventory([], [failure("me-south-1", msg, code="UnauthorizedOperation",
                                 types=("ec2.security_group",))])
    [finding] = evaluate(inv, {}, only={"ec2.ssh_open"})
    assert finding.status is Status.SKIPPED and "ec2:DescribeSecurityGroups" in finding.message


def test_scp_and_other_error_in_one_region_is_an_error() -> None:
    inv = Inventory([], [failure("ap-south-1", SCP_MESSAGE),
                         failure("ap-south-1", "Rate exceeded", code="Throttling")])
    [finding] = evaluate(inv, {}, only={"config.enabled"})
    assert finding.status is Status.ERROR


# --- the catalog states its rules and current references -----------------------------------

CIS_V5_IDS = {
    "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12",
    "1.13", "1.14", "1.15", "1.16", "1.17", "1.18", "1.19", "1.20", "1.21", "2.1.1", "2.1.2",
    "2.1.3", "2.1.4", "2.2.1", "2.2.2", "2.2.3", "2.2.4", "2.3.1", "3.1", "3.2", "3.3", "3.4",
    "3.5", "3.6", "3.7", "3.8", "3.9", *(f"4.{n}" for n in range(1, 17)), "5.1.1", "5.1.2",
    "5.2", "5.3", "5.4", "5.5", "5.6", "5.7"}
CIS_V3_IDS = {
    *(f"1.{n}" for n in range(1, 23)), "2.1.1", "2.1.2", "2.1.3", "2.1.4", "2.2.1", "2.3.1",
    "2.3.2", "2.3.3", "2.4.1", *(f"3.{n}" for n in range(1, 10)),
    *(f"4.{n}" for n in range(1, 17)), "5.1", "5.2", "5.3", "5.4", "5.5", "5.6"}


def test_every_check_states_its_rule_and_current_references() -> None:
    shipped = catalog.shipped()
    for check in shipped.checks.values():
        assert len(check.rule) > 80, check.id
        refs = check.references
        assert set(refs.cis) <= CIS_V5_IDS, check.id
        assert set(refs.cis_v3) <= CIS_V3_IDS, check.id
        assert bool(refs.cis) == bool(refs.cis_v3), check.id
        assert all(p.islower() and " " not in p for p in refs.prowler), check.id


def test_references_claim_no_more_than_the_logic_checks() -> None:
    """issue #11: each reference below was cited while the evaluator checked less."""
    checks = catalog.shipped().checks
    assert "IAM.19" not in checks["iam.user_mfa"].references.securityhub
    assert "1.12" not in checks["iam.user_access_keys"].references.cis_v3
    assert "EC2.18" not in checks["ec2.sg_open_ports"].references.securityhub
    assert "RDS.7" in checks["rds.deletion_protection"].references.securityhub
    assert "rds_cluster_deletion_protection" in checks["rds.deletion_protection"].references.prowler
    assert checks["iam.root_mfa"].references.cis == ["1.4"]  # v5.0 renumbered root MFA
    assert "running or stopped" in checks["ec2.instance_profile"].observation
