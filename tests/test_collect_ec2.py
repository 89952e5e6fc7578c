"""EC2/VPC collectors against moto: records, attrs, declared calls, page sizes, failures."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from onboard.aws.collect import ec2 as ec2_mod
from onboard.aws.collect import vpc as vpc_mod
from onboard.aws.collect.base import REGISTRY, Context
from onboard.checks import evaluate
from onboard.checks.base import Inventory
from onboard.models import Resource, Status
from onboard.topology import Topology

ACCOUNT = "123456789012"
MINE = ("ec2.network", "ec2.nat_gateways", "ec2.flow_logs", "ec2.security_groups",
        "ec2.network_interfaces", "ec2.instances")
AMI = "ami-12c6146b"


class Recorder:
    """Records every ec2 API call (operation name + API parameters) a session makes."""

    def __init__(self, session: boto3.Session) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        session.events.register("before-parameter-build", self._record)

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.service_model.service_name, model.name, dict(params)))

    def ops(self) -> list[str]:
        return [f"{svc}:{op}" for svc, op, _ in self.calls]


def run(ctx: Context, *names: str) -> list[Resource]:
    out: list[Resource] = []
    for name in names or MINE:
        out += REGISTRY[name].fn(ctx)
    return out


def by_type(resources: list[Resource], type_: str) -> dict[str, Resource]:
    return {r.id: r for r in resources if r.type == type_}


def build_world(region: str = "us-east-1") -> dict[str, str]:
    """A small startup network: one VPC, a public and a private subnet, IGW, NAT, eigw."""
    ec2 = boto3.client("ec2", region_name=region)
    ids: dict[str, str] = {}
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True,
                         TagSpecifications=[{"ResourceType": "vpc",
                                             "Tags": [{"Key": "Name", "Value": "prod"}]}])
    ids["vpc"] = vpc["Vpc"]["VpcId"]
    ids["pub"] = ec2.create_subnet(VpcId=ids["vpc"], CidrBlock="10.0.1.0/24",
                                   AvailabilityZone=f"{region}a")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=ids["pub"], MapPublicIpOnLaunch={"Value": True})
    ids["priv"] = ec2.create_subnet(VpcId=ids["vpc"], CidrBlock="10.0.2.0/24",
                                    AvailabilityZone=f"{region}b")["Subnet"]["SubnetId"]
    ids["igw"] = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=ids["igw"], VpcId=ids["vpc"])
    ids["rtb_pub"] = ec2.create_route_table(VpcId=ids["vpc"])["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=ids["rtb_pub"], DestinationCidrBlock="0.0.0.0/0",
                     GatewayId=ids["igw"])
    ec2.create_route(RouteTableId=ids["rtb_pub"], DestinationIpv6CidrBlock="::/0",
                     GatewayId=ids["igw"])
    ec2.associate_route_table(RouteTableId=ids["rtb_pub"], SubnetId=ids["pub"])
    alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ids["nat"] = ec2.create_nat_gateway(SubnetId=ids["pub"], AllocationId=alloc
                                        )["NatGateway"]["NatGatewayId"]
    ids["eigw"] = ec2.create_egress_only_internet_gateway(VpcId=ids["vpc"])[
        "EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
    main = ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [ids["vpc"]]},
        {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]
    ids["rtb_main"] = main["RouteTableId"]
    ec2.create_route(RouteTableId=ids["rtb_main"], DestinationCidrBlock="0.0.0.0/0",
                     NatGatewayId=ids["nat"])
    ec2.create_route(RouteTableId=ids["rtb_main"], DestinationIpv6CidrBlock="::/0",
                     EgressOnlyInternetGatewayId=ids["eigw"])
    return ids


def add_groups(region: str, vpc_id: str) -> dict[str, str]:
    ec2 = boto3.client("ec2", region_name=region)
    ssh = ec2.create_security_group(GroupName="ssh-anywhere", Description="launch wizard",
                                    VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=ssh, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}],
         "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    web = ec2.create_security_group(GroupName="web", Description="web tier",
                                    VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
         "UserIdGroupPairs": [{"GroupId": ssh}]}])
    return {"ssh": ssh, "web": web}


@pytest.fixture
def recorded(aws: None, make_ctx: Callable[..., Context]
             ) -> tuple[Context, Recorder, boto3.Session]:
    session = boto3.Session(region_name="us-east-1")
    return make_ctx(session=session), Recorder(session), session


def test_collectors_are_registered_with_their_contract() -> None:
    for name in MINE:
        assert REGISTRY[name].scope == "regional"
        assert REGISTRY[name].services == {"ec2"}
    assert REGISTRY["ec2.network"].produces == (
        "ec2.vpc", "ec2.subnet", "ec2.route_table", "ec2.internet_gateway")
    assert REGISTRY["ec2.instances"].calls[0].iam_action == "ec2:DescribeInstances"
    assert REGISTRY["ec2.network"].fn is vpc_mod.collect_network
    assert REGISTRY["ec2.security_groups"].fn is ec2_mod.collect_security_groups


def test_network_records(aws: None, make_ctx: Callable[..., Context]) -> None:
    ids = build_world()
    out = run(make_ctx(), "ec2.network", "ec2.nat_gateways")
    vpcs = by_type(out, "ec2.vpc")
    prod = vpcs[ids["vpc"]]
    assert prod.name == "prod" and prod.vpc_id == ids["vpc"] and prod.region == "us-east-1"
    assert prod.arn == f"arn:aws:ec2:us-east-1:{ACCOUNT}:vpc/{ids['vpc']}"
    assert prod.attrs["cidr"] == "10.0.0.0/16" and prod.attrs["cidrs"] == ["10.0.0.0/16"]
    assert len(prod.attrs["ipv6_cidrs"]) == 1 and prod.attrs["is_default"] is False
    assert prod.attrs["tags"] == {"Name": "prod"}
    default = [v for v in vpcs.values() if v.attrs["is_default"]]
    assert len(default) == 1 and default[0].attrs["cidr"] == "172.31.0.0/16"

    subnets = by_type(out, "ec2.subnet")
    pub = subnets[ids["pub"]]
    assert (pub.vpc_id, pub.subnet_id) == (ids["vpc"], ids["pub"])
    assert pub.attrs["map_public_ip"] is True and pub.attrs["az"] == "us-east-1a"
    assert pub.attrs["cidr"] == "10.0.1.0/24" and pub.attrs["default_for_az"] is False
    assert subnets[ids["priv"]].attrs["map_public_ip"] is False

    tables = by_type(out, "ec2.route_table")
    rtb_pub = tables[ids["rtb_pub"]]
    assert rtb_pub.vpc_id == ids["vpc"]
    assert rtb_pub.attrs["associations"] == [
        {"subnet_id": ids["pub"], "main": False, "gateway_id": None}]
    igw_routes = [r for r in rtb_pub.attrs["routes"] if r["gateway_id"] == ids["igw"]]
    assert {(r["destination"], r["ipv6_destination"], r["state"]) for r in igw_routes} == {
        ("0.0.0.0/0", None, "active"), (None, "::/0", "active")}
    rtb_main = tables[ids["rtb_main"]]
    assert {"subnet_id": None, "main": True, "gateway_id": None} in \
        rtb_main.attrs["associations"]
    nat_route = next(r for r in rtb_main.attrs["routes"] if r["destination"] == "0.0.0.0/0")
    assert nat_route["nat_gateway_id"] == ids["nat"] and nat_route["gateway_id"] is None
    eigw_route = next(r for r in rtb_main.attrs["routes"] if r["ipv6_destination"] == "::/0")
    assert eigw_route["egress_only_gateway_id"] == ids["eigw"]

    igw = by_type(out, "ec2.internet_gateway")[ids["igw"]]
    assert igw.attrs["vpc_ids"] == [ids["vpc"]] and igw.vpc_id == ids["vpc"]

    nat = by_type(out, "ec2.nat_gateway")[ids["nat"]]
    assert (nat.vpc_id, nat.subnet_id) == (ids["vpc"], ids["pub"])
    assert nat.attrs["state"] == "available" and len(nat.attrs["public_ips"]) == 1

    json.dumps([r.attrs for r in out])  # the store keeps attrs as JSON


def test_topology_on_collected_network(aws: None, make_ctx: Callable[..., Context]) -> None:
    ids = build_world()
    topo = Topology(Inventory(run(make_ctx(), "ec2.network")))
    assert topo.is_public(ACCOUNT, ids["pub"])
    assert topo.routing(ACCOUNT, ids["pub"]).evidence.startswith(f"{ids['rtb_pub']}: ")
    # NAT and egress-only routes on the main table do not make the private subnet public.
    assert topo.route_table(ACCOUNT, ids["priv"]).id == ids["rtb_main"]  # type: ignore[union-attr]
    assert not topo.is_public(ACCOUNT, ids["priv"])
    assert [s.id for s in topo.public_subnets()] == [ids["pub"]]


def test_security_groups_and_interfaces(aws: None, make_ctx: Callable[..., Context]) -> None:
    ids = build_world()
    groups = add_groups("us-east-1", ids["vpc"])
    ec2 = boto3.client("ec2", region_name="us-east-1")
    eni_id = ec2.create_network_interface(SubnetId=ids["priv"], Groups=[groups["web"]],
                                          Description="app")["NetworkInterface"][
        "NetworkInterfaceId"]
    out = run(make_ctx(), "ec2.security_groups", "ec2.network_interfaces")
    sgs = by_type(out, "ec2.security_group")
    ssh = sgs[groups["ssh"]]
    assert ssh.name == "ssh-anywhere" and ssh.vpc_id == ids["vpc"]
    assert ssh.arn == f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{groups['ssh']}"
    assert ssh.attrs["description"] == "launch wizard" and ssh.attrs["is_default"] is False
    (rule,) = ssh.attrs["ingress"]
    assert rule["IpProtocol"] == "tcp" and (rule["FromPort"], rule["ToPort"]) == (22, 22)
    assert rule["IpRanges"] == [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}]
    assert rule["Ipv6Ranges"] == [{"CidrIpv6": "::/0"}]
    assert ssh.attrs["egress"][0]["IpProtocol"] == "-1"
    pair = next(p for p in sgs[groups["web"]].attrs["ingress"] if p["FromPort"] == 5432)
    assert pair["UserIdGroupPairs"][0]["GroupId"] == groups["ssh"]
    defaults = [g for g in sgs.values() if g.attrs["is_default"]]
    assert {g.name for g in defaults} == {"default"} and len(defaults) == 2  # default + prod

    eni = by_type(out, "ec2.network_interface")[eni_id]
    assert (eni.vpc_id, eni.subnet_id) == (ids["vpc"], ids["priv"])
    assert eni.attrs["groups"] == [groups["web"]] and eni.attrs["description"] == "app"
    assert eni.attrs["instance_id"] is None and eni.attrs["public_ip"] is None
    assert eni.attrs["status"] == "available" and eni.attrs["private_ip"].startswith("10.0.2.")
    json.dumps([r.attrs for r in out])


def test_instances(aws: None, make_ctx: Callable[..., Context]) -> None:
    ids = build_world()
    groups = add_groups("us-east-1", ids["vpc"])
    iam = boto3.client("iam", region_name="us-east-1")
    profile = iam.create_instance_profile(InstanceProfileName="app-server")[
        "InstanceProfile"]["Arn"]
    ec2 = boto3.client("ec2", region_name="us-east-1")

    def launch(subnet: str, name: str, **extra: Any) -> str:
        return ec2.run_instances(
            ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=subnet, InstanceType="t3.micro",
            SecurityGroupIds=[groups["web"]],
            TagSpecifications=[{"ResourceType": "instance",
                                "Tags": [{"Key": "Name", "Value": name},
                                         {"Key": "Role", "Value": "web"}]}],
            **extra)["Instances"][0]["InstanceId"]

    web = launch(ids["pub"], "web-1", IamInstanceProfile={"Name": "app-server"},
                 MetadataOptions={"HttpTokens": "required"}, KeyName="ops")
    worker = launch(ids["priv"], "worker-1")
    gone = launch(ids["priv"], "old")
    ec2.stop_instances(InstanceIds=[worker])
    ec2.modify_instance_attribute(InstanceId=worker, SourceDestCheck={"Value": False})
    ec2.terminate_instances(InstanceIds=[gone])

    out = run(make_ctx(), "ec2.instances", "ec2.network_interfaces")
    instances = by_type(out, "ec2.instance")
    w = instances[web]
    assert w.name == "web-1" and (w.vpc_id, w.subnet_id) == (ids["vpc"], ids["pub"])
    assert w.arn == f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{web}"
    assert w.attrs["state"] == "running" and w.attrs["instance_profile_arn"] == profile
    assert w.attrs["public_ip"]  # MapPublicIpOnLaunch subnet
    assert w.attrs["private_ip"].startswith("10.0.1.")
    assert w.attrs["security_groups"] == [groups["web"]]
    assert w.attrs["image_id"] == AMI and w.attrs["instance_type"] == "t3.micro"
    assert w.attrs["http_tokens"] == "required" and w.attrs["key_name"] == "ops"
    assert w.attrs["source_dest_check"] is True  # a NAT instance would say False
    assert w.attrs["tags"] == {"Name": "web-1", "Role": "web"}
    assert isinstance(w.attrs["launch_time"], str) and "T" in w.attrs["launch_time"]
    assert len(w.attrs["network_interfaces"]) == 1
    k = instances[worker]
    assert k.attrs["state"] == "stopped" and k.attrs["instance_profile_arn"] is None
    assert k.attrs["public_ip"] is None
    assert k.attrs["source_dest_check"] is False
    assert instances[gone].attrs["state"] == "terminated"

    enis = by_type(out, "ec2.network_interface")
    primary = enis[w.attrs["network_interfaces"][0]]
    assert primary.attrs["instance_id"] == web
    assert primary.attrs["public_ip"] == w.attrs["public_ip"]
    assert primary.attrs["groups"] == [groups["web"]]
    json.dumps([r.attrs for r in out])


def test_flow_logs(aws: None, make_ctx: Callable[..., Context]) -> None:
    ids = build_world()
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="flow-logs-audit")
    ec2 = boto3.client("ec2", region_name="us-east-1")
    fl = ec2.create_flow_logs(ResourceIds=[ids["vpc"]], ResourceType="VPC", TrafficType="ALL",
                              LogDestinationType="s3",
                              LogDestination="arn:aws:s3:::flow-logs-audit")["FlowLogIds"][0]
    sub_fl = ec2.create_flow_logs(ResourceIds=[ids["priv"]], ResourceType="Subnet",
                                  TrafficType="REJECT", LogDestinationType="s3",
                                  LogDestination="arn:aws:s3:::flow-logs-audit")["FlowLogIds"][0]
    logs = by_type(run(make_ctx(), "ec2.flow_logs"), "ec2.flow_log")
    log = logs[fl]
    assert log.vpc_id == ids["vpc"] and log.subnet_id is None
    assert log.attrs["resource_id"] == ids["vpc"] and log.attrs["status"] == "ACTIVE"
    assert log.attrs["traffic_type"] == "ALL" and log.attrs["destination_type"] == "s3"
    assert log.attrs["destination"] == "arn:aws:s3:::flow-logs-audit"
    assert log.arn == f"arn:aws:ec2:us-east-1:{ACCOUNT}:vpc-flow-log/{fl}"
    assert logs[sub_fl].subnet_id == ids["priv"] and logs[sub_fl].vpc_id is None
    assert logs[sub_fl].attrs["traffic_type"] == "REJECT"


def test_calls_are_declared_paged_and_made_once(
        recorded: tuple[Context, Recorder, boto3.Session]) -> None:
    ctx, rec, _ = recorded
    build_world()
    rec.calls.clear()
    for name in MINE:
        before = len(rec.calls)
        REGISTRY[name].fn(ctx)
        made = rec.calls[before:]
        declared = {f"{c.service}:{c.operation}" for c in REGISTRY[name].calls}
        ops = [f"{svc}:{op}" for svc, op, _ in made]
        assert set(ops) == declared, name  # every declared call used, nothing undeclared
        assert len(ops) == len(declared), name  # one page each on a small account
        for _svc, op, params in made:
            expected = 100 if op == "DescribeRouteTables" else 1000
            assert params.get("MaxResults") == expected, op
    assert len(rec.calls) == 9  # API calls per region for the whole EC2/VPC inventory


def test_every_page_is_read(recorded: tuple[Context, Recorder, boto3.Session],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    # moto pages DescribeInstances (by reservation); most other Describe* ignore MaxResults.
    ctx, rec, _ = recorded
    monkeypatch.setattr(ec2_mod, "PAGE", 5)
    ec2 = boto3.client("ec2", region_name="us-east-1")
    made = {ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
            for _ in range(7)}
    rec.calls.clear()
    got = {r.id for r in run(ctx, "ec2.instances")}
    assert got == made
    assert rec.ops() == ["ec2:DescribeInstances", "ec2:DescribeInstances"]
    assert [params["MaxResults"] for _, _, params in rec.calls] == [5, 5]
    assert "NextToken" in rec.calls[1][2]


def test_listing_failure_propagates(recorded: tuple[Context, Recorder, boto3.Session]) -> None:
    ctx, _, session = recorded

    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "no"}},
                          "DescribeSecurityGroups")

    session.events.register("before-call.ec2.DescribeSecurityGroups", deny)
    with pytest.raises(ClientError) as info:
        run(ctx, "ec2.security_groups")
    assert info.value.response["Error"]["Code"] == "UnauthorizedOperation"
    # The other collectors do not depend on it.
    assert by_type(run(ctx, "ec2.network"), "ec2.vpc")


def test_regions_and_accounts_are_recorded(aws: None, make_ctx: Callable[..., Context]
                                           ) -> None:
    build_world("eu-west-1")
    out = run(make_ctx("eu-west-1"))
    assert out and {r.region for r in out} == {"eu-west-1"}
    assert {r.account_id for r in out} == {ACCOUNT}
    assert all(r.arn and ":eu-west-1:" in r.arn for r in out)
    # us-east-1 only has its default VPC.
    east = run(make_ctx("us-east-1"), "ec2.network")
    assert [v.attrs["is_default"] for v in by_type(east, "ec2.vpc").values()] == [True]


def test_scan_to_findings(aws: None, make_ctx: Callable[..., Context]) -> None:
    """Collected moto inventory through every EC2/network check."""
    ids = build_world()
    groups = add_groups("us-east-1", ids["vpc"])
    ec2 = boto3.client("ec2", region_name="us-east-1")
    db_host = ec2.run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=ids["pub"],
        SecurityGroupIds=[groups["ssh"]],
        TagSpecifications=[{"ResourceType": "instance",
                            "Tags": [{"Key": "Name", "Value": "prod-postgres"}]}],
    )["Instances"][0]["InstanceId"]
    inv = Inventory(run(make_ctx()))
    checks = {"ec2.ssh_open", "ec2.sg_open_ports", "vpc.flow_logs", "ec2.instance_profile",
              "network.public_subnet_resources"}
    findings = {(f.check_id, f.resource_id): f for f in evaluate(inv, {}, only=checks)}

    ssh = findings[("ec2.ssh_open", groups["ssh"])]
    assert ssh.status is Status.FAIL
    assert ssh.message == (f"{groups['ssh']} (ssh-anywhere) allows tcp/22 from 0.0.0.0/0, "
                           f"tcp/22 from ::/0 (attached to {db_host})")
    assert findings[("ec2.ssh_open", groups["web"])].status is Status.PASS
    assert findings[("ec2.sg_open_ports", groups["web"])].status is Status.PASS
    assert findings[("vpc.flow_logs", ids["vpc"])].status is Status.FAIL
    default_vpc = next(v.id for v in inv.of("ec2.vpc") if v.attrs["is_default"])
    unused = findings[("vpc.flow_logs", default_vpc)]
    assert (unused.status, unused.message.endswith("default VPC, unused (no network "
                                                   "interfaces)")) == (Status.PASS, True)
    assert findings[("ec2.instance_profile", db_host)].status is Status.FAIL
    public = findings[("network.public_subnet_resources", db_host)]
    assert public.status is Status.FAIL and ids["igw"] in public.message
