"""Pure tests of onboard.topology: which subnets are public, which VPCs are in use."""

from __future__ import annotations

from typing import Any

import pytest

from onboard.checks.base import Inventory
from onboard.models import CollectError, Resource
from onboard.topology import (
    Topology,
    describe_route,
    internet_route,
    is_default_route,
    public_subnets,
    subnet_is_public,
    vpc_in_use,
)

ACCT = "111111111111"
OTHER = "222222222222"
REGION = "eu-west-1"


def route(dest: str | None = None, ipv6: str | None = None, gateway: str | None = None,
          state: str = "active", **targets: str) -> dict[str, Any]:
    base = {"destination": dest, "ipv6_destination": ipv6, "gateway_id": gateway,
            "nat_gateway_id": None, "transit_gateway_id": None,
            "vpc_peering_connection_id": None, "egress_only_gateway_id": None, "state": state}
    return {**base, **targets}


LOCAL = route("10.0.0.0/16", gateway="local")


def table(id_: str, routes: list[dict[str, Any]], subnets: tuple[str, ...] = (),
          main: bool = False, vpc: str = "vpc-1", account: str = ACCT) -> Resource:
    assocs = [{"subnet_id": s, "main": False, "gateway_id": None} for s in subnets]
    if main:
        assocs.append({"subnet_id": None, "main": True, "gateway_id": None})
    return Resource(type="ec2.route_table", id=id_, account_id=account, region=REGION,
                    vpc_id=vpc, attrs={"associations": assocs, "routes": [LOCAL, *routes]})


def subnet(id_: str, vpc: str = "vpc-1", account: str = ACCT) -> Resource:
    return Resource(type="ec2.subnet", id=id_, account_id=account, region=REGION, vpc_id=vpc,
                    subnet_id=id_, attrs={"cidr": "10.0.0.0/24"})


def vpc(id_: str = "vpc-1", default: bool = False, region: str = REGION,
        account: str = ACCT) -> Resource:
    return Resource(type="ec2.vpc", id=id_, account_id=account, region=region, vpc_id=id_,
                    attrs={"is_default": default})


def eni(id_: str, vpc_id: str = "vpc-1", groups: tuple[str, ...] = (),
        instance: str | None = None, account: str = ACCT) -> Resource:
    return Resource(type="ec2.network_interface", id=id_, account_id=account, region=REGION,
                    vpc_id=vpc_id, attrs={"groups": list(groups), "instance_id": instance})


IGW_DEFAULT = route("0.0.0.0/0", gateway="igw-1")

PUBLIC_CASES = [
    ("igw default route", [IGW_DEFAULT], True),
    ("igw ipv6 default route", [route(ipv6="::/0", gateway="igw-1")], True),
    ("blackholed igw route", [route("0.0.0.0/0", gateway="igw-1", state="blackhole")], False),
    ("egress-only igw", [route(ipv6="::/0", egress_only_gateway_id="eigw-1")], False),
    ("eigw id in gateway field", [route(ipv6="::/0", gateway="eigw-1")], False),
    ("nat gateway", [route("0.0.0.0/0", nat_gateway_id="nat-1")], False),
    ("transit gateway", [route("0.0.0.0/0", transit_gateway_id="tgw-1")], False),
    ("peering", [route("0.0.0.0/0", vpc_peering_connection_id="pcx-1")], False),
    ("virtual private gateway", [route("0.0.0.0/0", gateway="vgw-1")], False),
    # any route to an IGW makes the subnet reachable from that range (issue #11)
    ("igw for a narrow range only", [route("192.0.2.0/24", gateway="igw-1")], True),
    ("gateway endpoint", [route(gateway="vpce-1", prefix_list_id="pl-1")], False),
    ("local only", [], False),
    ("blackhole v4 but live v6", [route("0.0.0.0/0", gateway="igw-1", state="blackhole"),
                                  route(ipv6="::/0", gateway="igw-1")], True),
    ("state missing means active", [{"destination": "0.0.0.0/0", "gateway_id": "igw-9"}],
     True),
]


@pytest.mark.parametrize(("routes", "public"), [c[1:] for c in PUBLIC_CASES],
                         ids=[c[0] for c in PUBLIC_CASES])
def test_explicit_association_decides(routes: list[dict[str, Any]], public: bool) -> None:
    inv = Inventory([subnet("subnet-a"), table("rtb-x", routes, subnets=("subnet-a",)),
                     table("rtb-main", [], main=True)])
    assert subnet_is_public(inv, ACCT, "subnet-a") is public


def test_unassociated_subnet_uses_the_vpc_main_table() -> None:
    inv = Inventory([subnet("subnet-a"), subnet("subnet-b"),
                     table("rtb-main", [IGW_DEFAULT], main=True),
                     table("rtb-private", [route("0.0.0.0/0", nat_gateway_id="nat-1")],
                           subnets=("subnet-b",))])
    topo = Topology(inv)
    assert topo.route_table(ACCT, "subnet-a").id == "rtb-main"  # type: ignore[union-attr]
    assert topo.is_public(ACCT, "subnet-a")
    assert topo.route_table(ACCT, "subnet-b").id == "rtb-private"  # type: ignore[union-attr]
    assert not topo.is_public(ACCT, "subnet-b")
    routing = topo.routing(ACCT, "subnet-a")
    assert routing.route_table_id == "rtb-main" and not routing.explicit
    assert routing.evidence == "rtb-main: 0.0.0.0/0 → igw-1"
    assert topo.routing(ACCT, "subnet-b").evidence == ""


def test_main_table_of_another_vpc_does_not_apply() -> None:
    inv = Inventory([subnet("subnet-a", vpc="vpc-1"),
                     table("rtb-main2", [IGW_DEFAULT], main=True, vpc="vpc-2")])
    topo = Topology(inv)
    assert topo.route_table(ACCT, "subnet-a") is None
    assert not topo.is_public(ACCT, "subnet-a")


def test_a_table_can_be_main_and_explicitly_associated() -> None:
    both = table("rtb-1", [IGW_DEFAULT], subnets=("subnet-b",), main=True)
    inv = Inventory([subnet("subnet-a"), subnet("subnet-b"), both])
    assert [s.id for s in public_subnets(inv)] == ["subnet-a", "subnet-b"]


def test_accounts_are_kept_apart() -> None:
    # Same VPC and subnet ids in two accounts: only account OTHER's main table is public.
    inv = Inventory([subnet("subnet-a"), subnet("subnet-a", account=OTHER),
                     table("rtb-1", [], main=True),
                     table("rtb-2", [IGW_DEFAULT], main=True, account=OTHER)])
    assert not subnet_is_public(inv, ACCT, "subnet-a")
    assert subnet_is_public(inv, OTHER, "subnet-a")


def test_unknown_subnet_is_not_public_and_split_reports_it() -> None:
    inv = Inventory([subnet("subnet-pub"), subnet("subnet-priv"),
                     table("rtb-pub", [IGW_DEFAULT], subnets=("subnet-pub",)),
                     table("rtb-main", [], main=True)])
    topo = Topology(inv)
    assert not topo.known(ACCT, "subnet-gone")
    assert not topo.is_public(ACCT, "subnet-gone")
    public, private, unknown = topo.split(ACCT, ["subnet-pub", "subnet-priv", "subnet-gone"])
    assert [r.subnet_id for r in public] == ["subnet-pub"]
    assert [r.subnet_id for r in private] == ["subnet-priv"]
    assert unknown == ["subnet-gone"]


def test_subnets_of_a_vpc() -> None:
    inv = Inventory([subnet("subnet-a"), subnet("subnet-b", vpc="vpc-2")])
    assert [s.id for s in Topology(inv).subnets_of(ACCT, "vpc-1")] == ["subnet-a"]


@pytest.mark.parametrize(("cidr", "expected"), [
    ("0.0.0.0/0", True), ("::/0", True), ("0.0.0.0/1", False), ("10.0.0.0/8", False),
    (None, False), ("", False), ("not-a-cidr", False),
])
def test_is_default_route(cidr: str | None, expected: bool) -> None:
    assert is_default_route(cidr) is expected


def test_internet_route_and_its_description() -> None:
    rt = table("rtb-1", [route("0.0.0.0/0", nat_gateway_id="nat-1"),
                         route(ipv6="::/0", gateway="igw-7")])
    found = internet_route(rt)
    assert found is not None and found["gateway_id"] == "igw-7"
    assert describe_route(found) == "::/0 → igw-7"
    assert internet_route(table("rtb-2", [])) is None


def test_vpc_in_use_by_network_interface() -> None:
    inv = Inventory([vpc("vpc-1", default=True), vpc("vpc-2"), eni("eni-1", "vpc-2")])
    assert not vpc_in_use(inv, ACCT, "vpc-1")
    assert vpc_in_use(inv, ACCT, "vpc-2")
    assert not vpc_in_use(inv, OTHER, "vpc-2")
    assert Topology(inv).vpc_users(ACCT, "vpc-2") == {"eni-1"}


@pytest.mark.parametrize(("state", "in_use"), [
    ("running", True), ("stopped", True), ("terminated", False), ("shutting-down", False),
])
def test_vpc_in_use_by_instance(state: str, in_use: bool) -> None:
    inst = Resource(type="ec2.instance", id="i-1", account_id=ACCT, region=REGION,
                    vpc_id="vpc-1", attrs={"state": state})
    assert vpc_in_use(Inventory([vpc(), inst]), ACCT, "vpc-1") is in_use


def test_vpc_use_unknown_when_interface_collector_failed_counts_as_in_use() -> None:
    err = CollectError(collector="ec2.network_interfaces", types=["ec2.network_interface"],
                       account_id=ACCT, region=REGION, code="AccessDenied", message="no")
    inv = Inventory([vpc("vpc-1", default=True), vpc("vpc-9", region="us-east-1")],
                    errors=[err])
    topo = Topology(inv)
    assert topo.vpc_in_use(ACCT, "vpc-1")
    assert not topo.vpc_in_use(ACCT, "vpc-9")  # the failure was in another region
    assert not topo.interfaces_known(ACCT, REGION)
    assert topo.interfaces_known(ACCT, "us-east-1")
    assert topo.interfaces_known(OTHER, REGION)


def test_interfaces_by_group() -> None:
    inv = Inventory([eni("eni-1", groups=("sg-a", "sg-b"), instance="i-1"),
                     eni("eni-2", groups=("sg-a",)),
                     eni("eni-3", groups=("sg-a",), account=OTHER)])
    users = Topology(inv).interfaces_by_group()
    assert sorted(e.id for e in users[(ACCT, "sg-a")]) == ["eni-1", "eni-2"]
    assert [e.id for e in users[(ACCT, "sg-b")]] == ["eni-1"]
    assert [e.id for e in users[(OTHER, "sg-a")]] == ["eni-3"]
    assert (ACCT, "sg-c") not in users


def test_topology_imports_no_aws_sdk() -> None:
    import subprocess
    import sys
    code = ("import sys, onboard.topology, onboard.checks.sg_rules; "
            "bad = [m for m in ('boto3', 'botocore', 'textual') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
