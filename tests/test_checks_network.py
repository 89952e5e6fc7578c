"""Table-driven pure tests of the EC2/network evaluators and the security-group rule helper."""

from __future__ import annotations

from typing import Any

import pytest

from onboard.checks import evaluate
from onboard.checks.base import Inventory, Outcome
from onboard.checks.ec2_instance_profile import evaluate as instance_profile
from onboard.checks.ec2_sg_open_ports import evaluate as sg_open_ports
from onboard.checks.ec2_ssh_open import evaluate as ssh_open
from onboard.checks.network_public_subnet_resources import evaluate as public_subnet_resources
from onboard.checks.network_public_subnet_resources import internal_signal, tokens
from onboard.checks.sg_rules import OpenRule, normalize_protocol, open_rules, rules_covering
from onboard.checks.vpc_flow_logs import evaluate as flow_logs
from onboard.models import CollectError, Resource, Status

ACCT = "111111111111"
OTHER = "222222222222"
REGION = "eu-west-1"


# --- builders ------------------------------------------------------------------------------

def perm(protocol: str = "tcp", from_port: int | None = 22, to_port: int | None = None,
         cidrs: tuple[str, ...] = (), ipv6: tuple[str, ...] = (),
         groups: tuple[str, ...] = (), prefix_lists: tuple[str, ...] = ()) -> dict[str, Any]:
    p: dict[str, Any] = {"IpProtocol": protocol,
                         "IpRanges": [{"CidrIp": c} for c in cidrs],
                         "Ipv6Ranges": [{"CidrIpv6": c} for c in ipv6],
                         "UserIdGroupPairs": [{"GroupId": g, "UserId": ACCT} for g in groups],
                         "PrefixListIds": [{"PrefixListId": p} for p in prefix_lists]}
    if protocol not in ("-1",) and from_port is not None:
        p["FromPort"] = from_port
        p["ToPort"] = from_port if to_port is None else to_port
    return p


def sg(id_: str = "sg-1", ingress: list[dict[str, Any]] | None = None, name: str = "web",
       vpc_id: str = "vpc-1", egress: list[dict[str, Any]] | None = None,
       account: str = ACCT, region: str = REGION) -> Resource:
    return Resource(type="ec2.security_group", id=id_, account_id=account, region=region,
                    name=name, vpc_id=vpc_id,
                    arn=f"arn:aws:ec2:{region}:{account}:security-group/{id_}",
                    attrs={"description": "", "ingress": ingress or [],
                           "egress": egress or [], "is_default": name == "default",
                           "tags": {}})


def eni(id_: str, groups: tuple[str, ...] = (), instance: str | None = None,
        vpc_id: str = "vpc-1", account: str = ACCT, region: str = REGION) -> Resource:
    return Resource(type="ec2.network_interface", id=id_, account_id=account, region=region,
                    vpc_id=vpc_id, subnet_id="subnet-priv",
                    attrs={"groups": list(groups), "instance_id": instance})


def vpc(id_: str = "vpc-1", default: bool = False, name: str = "",
        account: str = ACCT, region: str = REGION) -> Resource:
    return Resource(type="ec2.vpc", id=id_, account_id=account, region=region, vpc_id=id_,
                    name=name, attrs={"is_default": default, "cidr": "10.0.0.0/16"})


def flow_log(id_: str, resource_id: str, status: str = "ACTIVE",
             deliver: str | None = "SUCCESS", error: str | None = None,
             account: str = ACCT) -> Resource:
    return Resource(type="ec2.flow_log", id=id_, account_id=account, region=REGION,
                    attrs={"resource_id": resource_id, "status": status,
                           "deliver_status": deliver, "deliver_error": error,
                           "traffic_type": "ALL", "destination_type": "s3",
                           "destination": "arn:aws:s3:::logs"})


def subnet(id_: str, vpc_id: str = "vpc-1") -> Resource:
    return Resource(type="ec2.subnet", id=id_, account_id=ACCT, region=REGION, vpc_id=vpc_id,
                    subnet_id=id_, attrs={"cidr": "10.0.0.0/24"})


def route_table(id_: str, routes: list[dict[str, Any]], subnets: tuple[str, ...] = (),
                main: bool = False) -> Resource:
    assocs = [{"subnet_id": s, "main": False, "gateway_id": None} for s in subnets]
    if main:
        assocs.append({"subnet_id": None, "main": True, "gateway_id": None})
    return Resource(type="ec2.route_table", id=id_, account_id=ACCT, region=REGION,
                    vpc_id="vpc-1", attrs={"associations": assocs, "routes": routes})


def instance(id_: str = "i-1", name: str = "", state: str = "running",
             profile: str | None = None, subnet_id: str | None = "subnet-priv",
             tags: dict[str, str] | None = None, public_ip: str | None = None,
             groups: tuple[str, ...] = ()) -> Resource:
    all_tags = {**({"Name": name} if name else {}), **(tags or {})}
    return Resource(type="ec2.instance", id=id_, account_id=ACCT, region=REGION, name=name,
                    vpc_id="vpc-1", subnet_id=subnet_id,
                    arn=f"arn:aws:ec2:{REGION}:{ACCT}:instance/{id_}",
                    attrs={"state": state, "instance_profile_arn": profile, "tags": all_tags,
                           "public_ip": public_ip, "security_groups": list(groups)})


def db(type_: str, id_: str, subnet_ids: list[str], **attrs: Any) -> Resource:
    return Resource(type=type_, id=id_, account_id=ACCT, region=REGION, vpc_id="vpc-1",
                    attrs={"subnet_ids": subnet_ids, **attrs})


def only(outcomes: list[Outcome], resource_id: str) -> Outcome:
    found = [o for o in outcomes if o.resource_id == resource_id]
    assert len(found) == 1, found
    return found[0]


ANY4 = ("0.0.0.0/0",)
ANY6 = ("::/0",)


# --- sg_rules --------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("-1", "all"), ("all", "all"), ("tcp", "tcp"), ("6", "tcp"), ("TCP", "tcp"),
    ("17", "udp"), ("udp", "udp"), ("1", "icmp"), ("58", "icmpv6"), ("50", "50"), (-1, "all"),
])
def test_normalize_protocol(raw: Any, expected: str) -> None:
    assert normalize_protocol(raw) == expected


def test_open_rules_expands_sources_and_ports() -> None:
    rules = open_rules([
        perm("tcp", 20, 25, cidrs=("10.0.0.0/8", "0.0.0.0/0"), ipv6=("::/0", "2001:db8::/32")),
        perm("-1", cidrs=ANY4),
        perm("tcp", 443, groups=("sg-lb",)),
        perm("udp", 53, prefix_lists=("pl-1",)),
        perm("50", None, cidrs=ANY4),
        perm("icmp", -1, -1, cidrs=ANY4),
    ])
    assert [str(r) for r in rules] == [
        "tcp/20-25 from 0.0.0.0/0", "tcp/20-25 from ::/0", "all traffic from 0.0.0.0/0",
        "protocol 50 from 0.0.0.0/0", "icmp from 0.0.0.0/0"]
    assert rules[2].all_traffic and rules[2].covers("udp", 9)


@pytest.mark.parametrize(("rule", "protocol", "port", "covered"), [
    (OpenRule("tcp", 22, 22, "0.0.0.0/0"), "tcp", 22, True),
    (OpenRule("tcp", 0, 65535, "0.0.0.0/0"), "tcp", 22, True),
    (OpenRule("tcp", 20, 25, "0.0.0.0/0"), "tcp", 22, True),
    (OpenRule("tcp", 23, 25, "0.0.0.0/0"), "tcp", 22, False),
    (OpenRule("tcp", 1, 21, "0.0.0.0/0"), "tcp", 22, False),
    (OpenRule("udp", 22, 22, "0.0.0.0/0"), "tcp", 22, False),
    (OpenRule("all", 0, 65535, "::/0"), "tcp", 22, True),
    (OpenRule("icmp", 0, 65535, "::/0"), "tcp", 22, False),
])
def test_port_containment(rule: OpenRule, protocol: str, port: int, covered: bool) -> None:
    assert rule.covers(protocol, port) is covered
    assert (rules_covering([rule], protocol, port) == [rule]) is covered


def test_tcp_rule_without_ports_means_all_ports() -> None:
    (rule,) = open_rules([{"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert (rule.from_port, rule.to_port) == (0, 65535)


# --- ec2.ssh_open ---------------------------------------------------------------------------

SSH_CASES: list[tuple[str, list[dict[str, Any]], Status, str]] = [
    ("tcp/22 from ipv4 any", [perm("tcp", 22, cidrs=ANY4)], Status.FAIL,
     "allows tcp/22 from 0.0.0.0/0"),
    ("tcp/22 from ipv6 any", [perm("tcp", 22, ipv6=ANY6)], Status.FAIL,
     "allows tcp/22 from ::/0"),
    ("both families", [perm("tcp", 22, cidrs=ANY4, ipv6=ANY6)], Status.FAIL,
     "allows tcp/22 from 0.0.0.0/0, tcp/22 from ::/0"),
    ("full tcp range", [perm("tcp", 0, 65535, cidrs=ANY4)], Status.FAIL,
     "allows tcp/0-65535 from 0.0.0.0/0"),
    ("range containing 22", [perm("tcp", 20, 25, ipv6=ANY6)], Status.FAIL,
     "allows tcp/20-25 from ::/0"),
    ("all traffic", [perm("-1", cidrs=ANY4)], Status.FAIL, "allows all traffic from 0.0.0.0/0"),
    ("protocol number 6", [perm("6", 22, cidrs=ANY4)], Status.FAIL,
     "allows tcp/22 from 0.0.0.0/0"),
    ("private cidr", [perm("tcp", 22, cidrs=("10.0.0.0/8",))], Status.PASS,
     "does not allow tcp/22"),
    # issue #11: wider than /8 is internet-wide (0.0.0.0/1 + 128.0.0.0/1 evades a /0 test)
    ("half the internet is the internet", [perm("tcp", 22, cidrs=("0.0.0.0/1",))],
     Status.FAIL, "allows tcp/22 from 0.0.0.0/1"),
    ("from another group", [perm("tcp", 22, groups=("sg-bastion",))], Status.PASS,
     "does not allow"),
    ("from a prefix list", [perm("tcp", 22, prefix_lists=("pl-office",))], Status.PASS,
     "does not allow"),
    ("range not containing 22", [perm("tcp", 23, 25, cidrs=ANY4)], Status.PASS,
     "does not allow"),
    ("udp 22", [perm("udp", 22, cidrs=ANY4)], Status.PASS, "does not allow"),
    ("icmp", [perm("icmp", -1, -1, cidrs=ANY4)], Status.PASS, "does not allow"),
    ("web ports", [perm("tcp", 80, cidrs=ANY4), perm("tcp", 443, ipv6=ANY6)], Status.PASS,
     "does not allow"),
    ("default group self rule", [perm("-1", groups=("sg-1",))], Status.PASS, "does not allow"),
    ("no rules", [], Status.PASS, "does not allow"),
]


@pytest.mark.parametrize(("ingress", "status", "text"), [c[1:] for c in SSH_CASES],
                         ids=[c[0] for c in SSH_CASES])
def test_ssh_open(ingress: list[dict[str, Any]], status: Status, text: str) -> None:
    (out,) = ssh_open(Inventory([sg(ingress=ingress), eni("eni-1", ("sg-1",), "i-web")]))
    assert out.status is status
    assert out.resource_id == "sg-1" and out.resource_type == "ec2.security_group"
    assert out.message.startswith("sg-1 (web) ")
    assert text in out.message
    assert out.message.endswith("(attached to i-web)")


def test_ssh_open_ignores_egress() -> None:
    (out,) = ssh_open(Inventory([sg(egress=[perm("-1", cidrs=ANY4, ipv6=ANY6)])]))
    assert out.status is Status.PASS


def test_ssh_open_unattached_group_still_fails_and_says_so() -> None:
    (out,) = ssh_open(Inventory([sg(ingress=[perm("tcp", 22, cidrs=ANY4)])]))
    assert out.status is Status.FAIL
    assert out.message == "sg-1 (web) allows tcp/22 from 0.0.0.0/0 (not attached)"


def test_ssh_open_attachment_lists_instances_and_other_interfaces() -> None:
    enis = [eni(f"eni-{n}", ("sg-1",), f"i-{n}") for n in range(5)]
    enis.append(eni("eni-lb", ("sg-1",)))
    outs = list(ssh_open(Inventory([sg(ingress=[perm("tcp", 22, cidrs=ANY4)]), *enis])))
    assert outs[0].message.endswith("(attached to eni-lb, i-0, i-1 +3 more)")


def test_ssh_open_attachment_in_another_account_does_not_count() -> None:
    inv = Inventory([sg(ingress=[perm("tcp", 22, cidrs=ANY4)]),
                     eni("eni-1", ("sg-1",), "i-1", account=OTHER)])
    assert next(iter(ssh_open(inv))).message.endswith("(not attached)")


def test_ssh_open_says_nothing_about_attachment_when_interfaces_failed() -> None:
    err = CollectError(collector="ec2.network_interfaces", types=["ec2.network_interface"],
                       account_id=ACCT, region=REGION, code="AccessDenied", message="denied")
    inv = Inventory([sg(ingress=[perm("tcp", 22, cidrs=ANY4)])], errors=[err])
    (out,) = ssh_open(inv)
    assert out.status is Status.FAIL
    assert out.message == "sg-1 (web) allows tcp/22 from 0.0.0.0/0"


def test_default_group_of_unused_default_vpc_is_quiet() -> None:
    # Real AWS: the default group admits all traffic from itself and sends anywhere.
    default = sg("sg-d", name="default", vpc_id="vpc-d",
                 ingress=[perm("-1", groups=("sg-d",))], egress=[perm("-1", cidrs=ANY4)])
    inv = Inventory([vpc("vpc-d", default=True), default])
    for evaluator in (ssh_open, sg_open_ports):
        (out,) = evaluator(inv)
        assert out.status is Status.PASS
        assert "default group of the unused default VPC" in out.message


def test_edited_default_group_of_unused_default_vpc_still_fails() -> None:
    default = sg("sg-d", name="default", vpc_id="vpc-d", ingress=[perm("tcp", 22, cidrs=ANY4)])
    (out,) = ssh_open(Inventory([vpc("vpc-d", default=True), default]))
    assert out.status is Status.FAIL


def test_ssh_open_one_outcome_per_group_across_accounts() -> None:
    inv = Inventory([sg("sg-1", [perm("tcp", 22, cidrs=ANY4)]),
                     sg("sg-2", [perm("tcp", 443, cidrs=ANY4)], name="lb"),
                     sg("sg-1", [], account=OTHER, region="us-east-1")])
    outs = list(ssh_open(inv))
    assert [(o.account_id, o.region, o.resource_id, o.status) for o in outs] == [
        (ACCT, REGION, "sg-1", Status.FAIL), (ACCT, REGION, "sg-2", Status.PASS),
        (OTHER, "us-east-1", "sg-1", Status.PASS)]


def test_collector_failure_turns_into_error_through_evaluate() -> None:
    err = CollectError(collector="ec2.security_groups", types=["ec2.security_group"],
                       account_id=ACCT, region=REGION, code="UnauthorizedOperation",
                       message="not allowed")
    inv = Inventory([sg("sg-9", [perm("tcp", 22, cidrs=ANY4)], region="us-east-1")],
                    errors=[err])
    findings = evaluate(inv, {}, only={"ec2.ssh_open", "ec2.sg_open_ports"})
    by = {(f.check_id, f.region): f for f in findings}
    assert by[("ec2.ssh_open", REGION)].status is Status.ERROR
    assert "UnauthorizedOperation" in by[("ec2.ssh_open", REGION)].message
    assert by[("ec2.ssh_open", "us-east-1")].status is Status.FAIL
    assert by[("ec2.sg_open_ports", REGION)].status is Status.ERROR


# --- ec2.sg_open_ports ------------------------------------------------------------------------

PORT_CASES: list[tuple[str, list[dict[str, Any]], Status, str]] = [
    ("rdp", [perm("tcp", 3389, cidrs=ANY4)], Status.FAIL, "tcp/3389 from 0.0.0.0/0 (RDP)"),
    ("mysql v6", [perm("tcp", 3306, ipv6=ANY6)], Status.FAIL, "tcp/3306 from ::/0 (MySQL)"),
    ("postgres", [perm("tcp", 5432, cidrs=ANY4)], Status.FAIL, "(PostgreSQL)"),
    ("redis", [perm("tcp", 6379, cidrs=ANY4)], Status.FAIL, "(Redis)"),
    ("mongo", [perm("tcp", 27017, cidrs=ANY4)], Status.FAIL, "(MongoDB)"),
    ("elasticsearch by number", [perm("6", 9200, cidrs=ANY4)], Status.FAIL,
     "tcp/9200 from 0.0.0.0/0 (Elasticsearch)"),
    ("telnet", [perm("tcp", 23, cidrs=ANY4)], Status.FAIL, "(Telnet)"),
    ("smb", [perm("tcp", 445, cidrs=ANY4)], Status.FAIL, "(SMB)"),
    ("docker", [perm("tcp", 2375, cidrs=ANY4)], Status.FAIL, "(Docker API)"),
    ("kubelet", [perm("tcp", 10250, cidrs=ANY4)], Status.FAIL, "(kubelet)"),
    ("memcached udp", [perm("udp", 11211, cidrs=ANY4)], Status.FAIL,
     "udp/11211 from 0.0.0.0/0 (memcached)"),
    ("range around mysql", [perm("tcp", 3300, 3310, cidrs=ANY4)], Status.FAIL,
     "tcp/3300-3310 from 0.0.0.0/0 (includes 3306 MySQL)"),
    ("ftp range", [perm("tcp", 20, 25, cidrs=ANY4)], Status.FAIL,
     "tcp/20-25 from 0.0.0.0/0 (includes 20 FTP data, 21 FTP, 23 Telnet +1 more)"),
    ("every tcp port", [perm("tcp", 0, 65535, cidrs=ANY4)], Status.FAIL,
     "tcp/0-65535 from 0.0.0.0/0 (includes 20 FTP data, 21 FTP, 23 Telnet +"),
    ("all traffic", [perm("-1", ipv6=ANY6)], Status.FAIL, "allows all traffic from ::/0"),
    ("ssh only is ssh_open's", [perm("tcp", 22, cidrs=ANY4)], Status.PASS, "(open: tcp/22)"),
    ("web tier", [perm("tcp", 80, cidrs=ANY4, ipv6=ANY6), perm("tcp", 443, cidrs=ANY4)],
     Status.PASS, "opens no admin or data port to the internet (open: tcp/80, tcp/443)"),
    # 8080 is in Security Hub EC2.19's high-risk list; 8443 is not (issue #11)
    ("alt web ports", [perm("tcp", 8080, cidrs=ANY4), perm("tcp", 8443, cidrs=ANY4)],
     Status.FAIL, "tcp/8080 from 0.0.0.0/0 (HTTP alt/Jenkins)"),
    ("https alt", [perm("tcp", 8443, cidrs=ANY4)], Status.PASS, "(open: tcp/8443)"),
    ("public dns", [perm("udp", 53, cidrs=ANY4), perm("tcp", 53, cidrs=ANY4)], Status.PASS,
     "open: udp/53, tcp/53"),
    ("ntp and ipsec", [perm("udp", 123, cidrs=ANY4), perm("udp", 500, cidrs=ANY4)],
     Status.PASS, "open: udp/123, udp/500"),
    ("mysql over udp is not mysql", [perm("udp", 3306, cidrs=ANY4)], Status.PASS, "udp/3306"),
    ("icmp", [perm("icmp", -1, -1, cidrs=ANY4)], Status.PASS, "(open: icmp)"),
    ("esp", [perm("50", None, cidrs=ANY4)], Status.PASS, "(open: protocol 50)"),
    ("postgres from vpc", [perm("tcp", 5432, cidrs=("10.0.0.0/16",))], Status.PASS,
     "admits nothing from the internet"),
    ("redis from app group", [perm("tcp", 6379, groups=("sg-app",))], Status.PASS,
     "admits nothing from the internet"),
    ("all traffic from self", [perm("-1", groups=("sg-1",))], Status.PASS,
     "admits nothing from the internet"),
]


@pytest.mark.parametrize(("ingress", "status", "text"), [c[1:] for c in PORT_CASES],
                         ids=[c[0] for c in PORT_CASES])
def test_sg_open_ports(ingress: list[dict[str, Any]], status: Status, text: str) -> None:
    (out,) = sg_open_ports(Inventory([sg(ingress=ingress)]))
    assert out.status is status
    assert out.message.startswith("sg-1 (web) ")
    assert text in out.message
    assert out.message.endswith("(not attached)")


def test_sg_open_ports_lists_every_offending_rule() -> None:
    (out,) = sg_open_ports(Inventory([sg(ingress=[
        perm("tcp", 443, cidrs=ANY4), perm("tcp", 3389, cidrs=ANY4),
        perm("tcp", 5432, ipv6=ANY6)])]))
    assert out.message == ("sg-1 (web) allows tcp/3389 from 0.0.0.0/0 (RDP); "
                           "tcp/5432 from ::/0 (PostgreSQL) (not attached)")


# --- vpc.flow_logs --------------------------------------------------------------------------

def test_flow_logs_table() -> None:
    eni_err = CollectError(collector="ec2.network_interfaces", types=["ec2.network_interface"],
                           account_id=ACCT, region="us-east-2", code="Throttling", message="x")
    inv = Inventory([
        vpc("vpc-ok", name="prod"), flow_log("fl-1", "vpc-ok"),
        vpc("vpc-none"),
        vpc("vpc-other"), flow_log("fl-2", "vpc-other", account=OTHER),
        vpc("vpc-broken"), flow_log("fl-3", "vpc-broken", deliver="FAILED",
                                    error="Access error"),
        vpc("vpc-off"), flow_log("fl-4", "vpc-off", status="INACTIVE"),
        vpc("vpc-second"), flow_log("fl-5", "vpc-second", deliver="FAILED"),
        flow_log("fl-6", "vpc-second"),
        vpc("vpc-subnets"), subnet("subnet-1", "vpc-subnets"), subnet("subnet-2", "vpc-subnets"),
        flow_log("fl-7", "subnet-1"),
        vpc("vpc-dflt-unused", default=True),
        vpc("vpc-dflt-used", default=True), eni("eni-1", vpc_id="vpc-dflt-used"),
        vpc("vpc-dflt-logged", default=True), flow_log("fl-8", "vpc-dflt-logged"),
        vpc("vpc-dflt-unknown", default=True, region="us-east-2"),
        vpc("vpc-unused-custom"),
        vpc("vpc-ok", account=OTHER),
    ], errors=[eni_err])
    outs = list(flow_logs(inv))
    assert len(outs) == 13
    expect = {
        "vpc-none": (Status.FAIL, "vpc-none has no VPC flow log"),
        "vpc-other": (Status.FAIL, "vpc-other has no VPC flow log"),
        "vpc-broken": (Status.FAIL, "vpc-broken: flow log fl-3 is not delivering "
                                    "(Access error)"),
        "vpc-off": (Status.FAIL, "vpc-off: flow log fl-4 is INACTIVE, not ACTIVE"),
        "vpc-second": (Status.PASS, "vpc-second has flow log fl-6 (ALL → s3)"),
        "vpc-subnets": (Status.FAIL, "vpc-subnets has no VPC flow log (subnet-level logs on 1 "
                                     "of 2 subnets only)"),
        "vpc-dflt-unused": (Status.PASS, "vpc-dflt-unused: default VPC, unused (no network "
                                         "interfaces)"),
        "vpc-dflt-used": (Status.FAIL, "vpc-dflt-used has no VPC flow log"),
        "vpc-dflt-logged": (Status.PASS, "vpc-dflt-logged has flow log fl-8 (ALL → s3)"),
        "vpc-dflt-unknown": (Status.FAIL, "vpc-dflt-unknown has no VPC flow log"),
        "vpc-unused-custom": (Status.FAIL, "vpc-unused-custom has no VPC flow log"),
    }
    mine = [o for o in outs if o.account_id == ACCT]
    assert only(mine, "vpc-ok").status is Status.PASS
    assert only(mine, "vpc-ok").message == "vpc-ok (prod) has flow log fl-1 (ALL → s3)"
    for vpc_id, (status, message) in expect.items():
        out = only(mine, vpc_id)
        assert (out.status, out.message) == (status, message), vpc_id
    theirs = only([o for o in outs if o.account_id == OTHER], "vpc-ok")
    assert theirs.status is Status.FAIL  # ACCT's fl-1 logs ACCT's vpc-ok, not OTHER's


def test_shared_vpc_counts_the_owner_accounts_flow_log() -> None:
    shared = vpc("vpc-shared", account=OTHER)
    shared = shared.model_copy(update={"attrs": {**shared.attrs, "owner_id": ACCT}})
    inv = Inventory([vpc("vpc-shared"), flow_log("fl-1", "vpc-shared"), shared])
    assert [o.status for o in flow_logs(inv)] == [Status.PASS, Status.PASS]
    (out,) = flow_logs(Inventory([shared]))
    assert out.status is Status.FAIL
    assert out.message == f"vpc-shared has no VPC flow log (VPC shared by {ACCT})"


def test_default_vpc_used_by_a_stopped_instance_is_checked() -> None:
    inv = Inventory([vpc("vpc-d", default=True),
                     instance(state="stopped").model_copy(update={"vpc_id": "vpc-d"})])
    (out,) = flow_logs(inv)
    assert out.status is Status.FAIL


# --- ec2.instance_profile -------------------------------------------------------------------

PROFILE = "arn:aws:iam::111111111111:instance-profile/app/web-server"


@pytest.mark.parametrize(("state", "profile", "status", "message"), [
    ("running", PROFILE, Status.PASS, "i-1 (api) uses instance profile web-server"),
    ("running", None, Status.FAIL, "i-1 (api) (running) has no IAM instance profile"),
    ("stopped", None, Status.FAIL, "i-1 (api) (stopped) has no IAM instance profile"),
    ("pending", None, Status.FAIL, "i-1 (api) (pending) has no IAM instance profile"),
    ("stopping", PROFILE, Status.PASS, "uses instance profile web-server"),
    ("terminated", None, None, ""),
    ("shutting-down", None, None, ""),
])
def test_instance_profile(state: str, profile: str | None, status: Status | None,
                          message: str) -> None:
    outs = list(instance_profile(Inventory([instance(name="api", state=state,
                                                     profile=profile)])))
    if status is None:
        assert outs == []
        return
    (out,) = outs
    assert out.status is status and out.resource_id == "i-1"
    assert out.resource_arn == f"arn:aws:ec2:{REGION}:{ACCT}:instance/i-1"
    assert message in out.message


def test_instance_profile_unnamed_instance() -> None:
    (out,) = instance_profile(Inventory([instance()]))
    assert out.message.startswith("i-1 (running) has no IAM instance profile")


# --- network.public_subnet_resources --------------------------------------------------------

IGW = {"destination": "0.0.0.0/0", "gateway_id": "igw-1", "state": "active"}
NAT = {"destination": "0.0.0.0/0", "nat_gateway_id": "nat-1", "state": "active"}
NETWORK = [
    subnet("subnet-pub"), subnet("subnet-pub2"), subnet("subnet-priv"), subnet("subnet-priv2"),
    route_table("rtb-pub", [IGW], subnets=("subnet-pub", "subnet-pub2")),
    route_table("rtb-main", [NAT], main=True),
    sg("sg-ssh", [perm("tcp", 22, cidrs=("0.0.0.0/0",))], name="ssh"),
]


def run_public(*resources: Resource) -> list[Outcome]:
    return list(public_subnet_resources(Inventory([*NETWORK, *resources])))


DB_CASES: list[tuple[str, Resource, Status, str]] = [
    ("rds all private", db("rds.db_instance", "orders", ["subnet-priv", "subnet-priv2"]),
     Status.PASS, "DB instance orders: all 2 subnets in its subnet group are private"),
    ("rds one public subnet", db("rds.db_instance", "orders", ["subnet-priv", "subnet-pub"]),
     Status.FAIL, "DB instance orders: 1 of 2 subnets in its subnet group are public: "
                  "subnet-pub (rtb-pub: 0.0.0.0/0 → igw-1)"),
    ("rds publicly accessible", db("rds.db_instance", "orders", ["subnet-pub", "subnet-pub2"],
                                   publicly_accessible=True),
     Status.FAIL, "2 of 2 subnets in its subnet group are public: subnet-pub, subnet-pub2 "
                  "(rtb-pub: 0.0.0.0/0 → igw-1); publicly accessible"),
    ("aurora cluster", db("rds.db_cluster", "aurora", ["subnet-pub", "subnet-priv"]),
     Status.FAIL, "DB cluster aurora: 1 of 2 subnets"),
    ("cache public", db("elasticache.cluster", "sessions-001", ["subnet-pub2"]),
     Status.FAIL, "cache cluster sessions-001: 1 of 1 subnets in its subnet group are public: "
                  "subnet-pub2"),
    ("cache private", db("elasticache.cluster", "sessions-001", ["subnet-priv"]),
     Status.PASS, "cache cluster sessions-001: all 1 subnets"),
    ("unknown subnet", db("rds.db_instance", "orders", ["subnet-priv", "subnet-gone"]),
     Status.ERROR, "subnets subnet-gone are not in the network inventory"),
    ("public wins over unknown", db("rds.db_instance", "orders", ["subnet-pub", "subnet-gone"]),
     Status.FAIL, "1 of 2 subnets"),
    ("no subnet group", db("rds.db_instance", "orders", []), Status.SKIPPED,
     "has no subnet group"),
]


@pytest.mark.parametrize(("resource", "status", "message"), [c[1:] for c in DB_CASES],
                         ids=[c[0] for c in DB_CASES])
def test_public_subnet_databases(resource: Resource, status: Status, message: str) -> None:
    out = only(run_public(resource), resource.id)
    assert out.status is status
    assert out.resource_type == resource.type
    assert message in out.message


def test_cluster_members_are_judged_through_their_cluster() -> None:
    outs = run_public(
        db("rds.db_cluster", "aurora", ["subnet-pub", "subnet-priv"]),
        db("rds.db_instance", "aurora-1", ["subnet-pub", "subnet-priv"], cluster_id="aurora"),
        db("rds.db_instance", "orphan-1", ["subnet-pub"], cluster_id="not-collected"))
    assert {o.resource_id: o.status for o in outs} == {"aurora": Status.FAIL,
                                                      "orphan-1": Status.FAIL}


IP = "203.0.113.9"
SSH = ("sg-ssh",)


def reachable(name: str = "", **kw: Any) -> Resource:
    """A host in a public subnet with a public IP, reached from the internet on tcp/22 only:
    the structural rules 1-8 do not decide, so what is tested is the name rules 9-11."""
    return instance(name=name, subnet_id="subnet-pub", public_ip=IP, groups=SSH, **kw)


INSTANCE_CASES: list[tuple[str, Resource, Status | None, str]] = [
    ("db by name", reachable("prod-db-1"),
     Status.FAIL, "i-1 (prod-db-1) is in public subnet subnet-pub (rtb-pub: 0.0.0.0/0 → "
                  "igw-1), public address 203.0.113.9 and looks internal: named internal by "
                  "Name 'prod-db-1'"),
    ("camel case db", reachable("ordersDB01"), Status.FAIL, "Name 'ordersDB01'"),
    ("compound db", reachable("userdb"), Status.FAIL, "Name 'userdb'"),
    ("postgres", reachable("postgres-primary"), Status.FAIL, "looks internal"),
    ("redis cache", reachable("rediscache"), Status.FAIL, "looks internal"),
    ("worker by role tag", reachable("app-7", tags={"Role": "worker"}),
     Status.FAIL, "Role 'worker'"),
    ("backend by tier tag", reachable(tags={"tier": "backend"}), Status.FAIL, "tier 'backend'"),
    ("asg name", reachable(tags={"aws:autoscaling:groupName": "prod-kafka-brokers"}),
     Status.FAIL, "prod-kafka-brokers"),
    ("queue", reachable("queue-consumer"), Status.FAIL, "looks internal"),
    ("batch", reachable("nightly-batch"), Status.FAIL, "looks internal"),
    ("internal", reachable("internal-tools"), Status.FAIL, "looks internal"),
    ("elasticsearch", reachable("elasticsearch-data-0"), Status.FAIL, "looks internal"),
    # "web" is no longer an edge word: a web name proves nothing, a web port does
    ("web with backend word", reachable("web-backend"), Status.FAIL, "Name 'web-backend'"),
    ("db in private subnet", instance(name="prod-db-1", subnet_id="subnet-priv"), Status.PASS,
     "i-1 (prod-db-1) is in private subnet subnet-priv"),
    ("bastion", reachable("bastion"), Status.PASS, "public by design: edge role by Name "
                                                   "'bastion'"),
    ("db bastion is a bastion", reachable("db-bastion"), Status.PASS, "edge role"),
    ("db proxy", reachable("db-proxy"), Status.PASS, "edge role"),
    ("pgbouncer behind haproxy", reachable("postgres-haproxy"), Status.PASS, "edge role"),
    ("nat instance", reachable("nat-instance"), Status.PASS, "edge role"),
    ("vpn", reachable("openvpn", tags={"Role": "backend"}), Status.PASS, "edge role"),
    ("jump host", reachable("jumphost-redis"), Status.PASS, "edge role"),
    ("web name, ssh only", reachable("web-1"), Status.PASS, "bastion-shaped"),
    ("no substring false alarm", reachable("feedback-app"), Status.PASS, "bastion-shaped"),
    ("dashboard is not db", reachable("dashboard"), Status.PASS, "bastion-shaped"),
    ("unnamed", reachable(), Status.PASS, "i-1 is in public subnet subnet-pub"),
    ("irrelevant tag keys", reachable("api", tags={"Owner": "db-team", "CostCenter": "backend"}),
     Status.PASS, "admin ports only (tcp/22)"),
    ("terminated", instance(name="prod-db-1", subnet_id="subnet-pub", state="terminated"),
     None, ""),
    ("no subnet", instance(name="prod-db-1", subnet_id=None), None, ""),
    ("unknown subnet", instance(name="prod-db-1", subnet_id="subnet-gone"), Status.ERROR,
     "subnet subnet-gone is not in the network inventory"),
]


@pytest.mark.parametrize(("resource", "status", "message"), [c[1:] for c in INSTANCE_CASES],
                         ids=[c[0] for c in INSTANCE_CASES])
def test_public_subnet_instances(resource: Resource, status: Status | None,
                                 message: str) -> None:
    outs = run_public(resource)
    if status is None:
        assert outs == []
        return
    (out,) = outs
    assert (out.status, out.resource_id) == (status, "i-1")
    assert message in out.message


def test_public_via_main_table_and_ipv6() -> None:
    inv = Inventory([
        subnet("subnet-a"), subnet("subnet-b"),
        route_table("rtb-main", [{"ipv6_destination": "::/0", "gateway_id": "igw-6",
                                  "state": "active"}], main=True),
        route_table("rtb-eigw", [{"ipv6_destination": "::/0", "gateway_id": None,
                                  "egress_only_gateway_id": "eigw-1", "state": "active"}],
                    subnets=("subnet-b",)),
        db("elasticache.cluster", "c-a", ["subnet-a"]),
        db("elasticache.cluster", "c-b", ["subnet-b"]),
    ])
    outs = list(public_subnet_resources(inv))
    assert only(outs, "c-a").status is Status.FAIL
    assert "rtb-main: ::/0 → igw-6" in only(outs, "c-a").message
    assert only(outs, "c-b").status is Status.PASS


def test_network_collector_failure_is_error_not_pass() -> None:
    err = CollectError(collector="ec2.network", types=["ec2.vpc", "ec2.subnet",
                                                       "ec2.route_table"],
                       account_id=ACCT, region=REGION, code="AccessDenied", message="no")
    inv = Inventory([db("rds.db_instance", "orders", ["subnet-x"])], errors=[err])
    findings = evaluate(inv, {}, only={"network.public_subnet_resources", "vpc.flow_logs"})
    assert {(f.check_id, f.status) for f in findings} == {
        ("network.public_subnet_resources", Status.ERROR), ("vpc.flow_logs", Status.ERROR)}


@pytest.mark.parametrize(("text", "expected"), [
    ("prodDB01-primary", ["prod", "db", "primary"]),
    ("web_server.2", ["web", "server"]),
    ("", []),
])
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_internal_signal_prefers_name_and_ignores_edge_hosts() -> None:
    assert internal_signal(instance(name="redis-1")) == "Name 'redis-1'"
    assert internal_signal(instance(name="app", tags={"Service": "celery"})) == "Service 'celery'"
    assert internal_signal(instance(name="db", tags={"Role": "bastion"})) is None
