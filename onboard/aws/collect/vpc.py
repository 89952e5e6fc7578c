"""VPC collectors: VPCs, subnets, route tables, internet and NAT gateways, and flow logs.

All regional; every record has region = the region scanned and account_id = the account.

`ec2.network` — DescribeVpcs, DescribeSubnets, DescribeRouteTables, DescribeInternetGateways
(kept together: the topology needs all of them, and they fail together in practice).

`ec2.vpc` (id = VpcId; vpc_id = VpcId; name = Name tag; arn vpc/…):
  cidr          primary IPv4 CIDR (CidrBlock)
  cidrs         every associated IPv4 CIDR, primary first
  ipv6_cidrs    associated IPv6 CIDRs
  is_default    the region's default VPC (IsDefault)
  state         "available" | "pending"
  owner_id      owning account (differs from account_id for a VPC shared through RAM)
  tags          {key: value}

`ec2.subnet` (id = subnet_id = SubnetId; vpc_id; name = Name tag; arn = SubnetArn):
  cidr, ipv6_cidrs, az, az_id
  map_public_ip      MapPublicIpOnLaunch (launches get a public IPv4 address)
  assign_ipv6        AssignIpv6AddressOnCreation
  default_for_az     DefaultForAz (a default VPC's subnet)
  available_ips      AvailableIpAddressCount
  owner_id, tags

`ec2.route_table` (id = RouteTableId; vpc_id; name = Name tag; arn route-table/…):
  associations  [{subnet_id, main (bool), gateway_id}] — only associations in state
                "associated"; gateway_id is set for an edge (ingress-routing) association
  routes        [{destination, ipv6_destination, prefix_list_id, gateway_id,
                  egress_only_gateway_id, nat_gateway_id, transit_gateway_id,
                  vpc_peering_connection_id, instance_id, network_interface_id,
                  vpc_endpoint_id, state, origin}] — gateway_id is GatewayId as AWS gives
                it (igw-…, vgw-…, vpce-…, "local"); an egress-only gateway is under
                egress_only_gateway_id; state "active" | "blackhole"
  tags

`ec2.internet_gateway` (id = InternetGatewayId; vpc_id = the attached VPC when exactly one;
  name = Name tag; arn internet-gateway/…):
  vpc_ids       VPCs it is attached to (attachment state "available"/"attached")
  tags

`ec2.nat_gateways` — DescribeNatGateways (its own collector: no check depends on it, so
its failure must not turn the network checks into ERROR).

`ec2.nat_gateway` (id = NatGatewayId; vpc_id; subnet_id; name = Name tag; arn natgateway/…):
  state             "pending" | "available" | "deleting" (deleted and failed ones are
                    dropped: they carry no traffic)
  connectivity_type "public" | "private" (None when the API leaves it out)
  public_ips        Elastic IPs; private_ips
  tags

`ec2.flow_logs` — DescribeFlowLogs.

`ec2.flow_log` (id = FlowLogId; arn vpc-flow-log/…; vpc_id / subnet_id = resource_id when
  that is a VPC / a subnet):
  resource_id       the VPC, subnet, ENI or transit gateway it logs
  status            FlowLogStatus ("ACTIVE")
  deliver_status    DeliverLogsStatus ("SUCCESS" | "FAILED" | None)
  deliver_error     DeliverLogsErrorMessage (e.g. "Access error") or None
  traffic_type      "ACCEPT" | "REJECT" | "ALL"
  destination_type  "cloud-watch-logs" | "s3" | "kinesis-data-firehose"
  destination       the destination ARN, or the CloudWatch log group name
  tags

Calls per region (one page each up to 1,000 items, 100 for route tables): DescribeVpcs,
DescribeSubnets, DescribeRouteTables, DescribeInternetGateways, DescribeNatGateways,
DescribeFlowLogs = 6.
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, paginate, tags_dict
from onboard.models import Resource

PAGE = 1000
ROUTE_TABLE_PAGE = 100  # DescribeRouteTables allows 5-100
GONE_NAT_STATES = frozenset({"deleted", "failed"})

ROUTE_FIELDS = {
    "destination": "DestinationCidrBlock",
    "ipv6_destination": "DestinationIpv6CidrBlock",
    "prefix_list_id": "DestinationPrefixListId",
    "gateway_id": "GatewayId",
    "egress_only_gateway_id": "EgressOnlyInternetGatewayId",
    "nat_gateway_id": "NatGatewayId",
    "transit_gateway_id": "TransitGatewayId",
    "vpc_peering_connection_id": "VpcPeeringConnectionId",
    "instance_id": "InstanceId",
    "network_interface_id": "NetworkInterfaceId",
    "vpc_endpoint_id": "VpcEndpointId",
    "state": "State",
    "origin": "Origin",
}


def _arn(ctx: Context, kind: str, id_: str, owner: str | None = None) -> str:
    return ctx.arn("ec2", f"{kind}/{id_}", region=ctx.region, account=owner or ctx.account_id)


def _associated(items: list[dict[str, Any]] | None, cidr_key: str, state_key: str
                ) -> list[str]:
    return [a[cidr_key] for a in items or []
            if a.get(cidr_key) and (a.get(state_key) or {}).get("State", "associated")
            == "associated"]


def vpc_record(ctx: Context, v: dict[str, Any]) -> Resource:
    tags = tags_dict(v.get("Tags"))
    primary = v.get("CidrBlock")
    cidrs = _associated(v.get("CidrBlockAssociationSet"), "CidrBlock", "CidrBlockState")
    if primary:
        cidrs = [primary, *(c for c in cidrs if c != primary)]
    return Resource(
        type="ec2.vpc", id=v["VpcId"], account_id=ctx.account_id, region=ctx.region,
        arn=_arn(ctx, "vpc", v["VpcId"], v.get("OwnerId")), name=tags.get("Name", ""),
        vpc_id=v["VpcId"],
        attrs={"cidr": primary, "cidrs": cidrs,
               "ipv6_cidrs": _associated(v.get("Ipv6CidrBlockAssociationSet"),
                                         "Ipv6CidrBlock", "Ipv6CidrBlockState"),
               "is_default": bool(v.get("IsDefault")), "state": v.get("State"),
               "owner_id": v.get("OwnerId"), "tags": tags})


def subnet_record(ctx: Context, s: dict[str, Any]) -> Resource:
    tags = tags_dict(s.get("Tags"))
    return Resource(
        type="ec2.subnet", id=s["SubnetId"], account_id=ctx.account_id, region=ctx.region,
        arn=s.get("SubnetArn") or _arn(ctx, "subnet", s["SubnetId"], s.get("OwnerId")),
        name=tags.get("Name", ""), vpc_id=s.get("VpcId"), subnet_id=s["SubnetId"],
        attrs={"cidr": s.get("CidrBlock"),
               "ipv6_cidrs": _associated(s.get("Ipv6CidrBlockAssociationSet"),
                                         "Ipv6CidrBlock", "Ipv6CidrBlockState"),
               "az": s.get("AvailabilityZone"), "az_id": s.get("AvailabilityZoneId"),
               "map_public_ip": bool(s.get("MapPublicIpOnLaunch")),
               "assign_ipv6": bool(s.get("AssignIpv6AddressOnCreation")),
               "default_for_az": bool(s.get("DefaultForAz")),
               "available_ips": s.get("AvailableIpAddressCount"),
               "owner_id": s.get("OwnerId"), "tags": tags})


def route_table_record(ctx: Context, t: dict[str, Any]) -> Resource:
    tags = tags_dict(t.get("Tags"))
    associations = [
        {"subnet_id": a.get("SubnetId"), "main": bool(a.get("Main")),
         "gateway_id": a.get("GatewayId")}
        for a in t.get("Associations") or []
        if (a.get("AssociationState") or {}).get("State", "associated") == "associated"]
    routes = [{key: r.get(field) for key, field in ROUTE_FIELDS.items()}
              for r in t.get("Routes") or []]
    return Resource(
        type="ec2.route_table", id=t["RouteTableId"], account_id=ctx.account_id,
        region=ctx.region, arn=_arn(ctx, "route-table", t["RouteTableId"], t.get("OwnerId")),
        name=tags.get("Name", ""), vpc_id=t.get("VpcId"),
        attrs={"associations": associations, "routes": routes, "tags": tags})


def internet_gateway_record(ctx: Context, g: dict[str, Any]) -> Resource:
    tags = tags_dict(g.get("Tags"))
    vpc_ids = [a["VpcId"] for a in g.get("Attachments") or []
               if a.get("VpcId") and a.get("State") in ("available", "attached", None)]
    return Resource(
        type="ec2.internet_gateway", id=g["InternetGatewayId"], account_id=ctx.account_id,
        region=ctx.region,
        arn=_arn(ctx, "internet-gateway", g["InternetGatewayId"], g.get("OwnerId")),
        name=tags.get("Name", ""), vpc_id=vpc_ids[0] if len(vpc_ids) == 1 else None,
        attrs={"vpc_ids": vpc_ids, "tags": tags})


@collector("ec2.network", scope="regional",
           produces=("ec2.vpc", "ec2.subnet", "ec2.route_table", "ec2.internet_gateway"),
           calls=("ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeRouteTables",
                  "ec2:DescribeInternetGateways"))
def collect_network(ctx: Context) -> list[Resource]:
    ec2 = ctx.client("ec2")
    out = [vpc_record(ctx, v) for v in paginate(ec2, "describe_vpcs", "Vpcs",
                                                 MaxResults=PAGE)]
    out += [subnet_record(ctx, s) for s in paginate(ec2, "describe_subnets", "Subnets",
                                                     MaxResults=PAGE)]
    out += [route_table_record(ctx, t)
            for t in paginate(ec2, "describe_route_tables", "RouteTables",
                              MaxResults=ROUTE_TABLE_PAGE)]
    out += [internet_gateway_record(ctx, g)
            for g in paginate(ec2, "describe_internet_gateways", "InternetGateways",
                              MaxResults=PAGE)]
    return out


def nat_gateway_record(ctx: Context, n: dict[str, Any]) -> Resource:
    tags = tags_dict(n.get("Tags"))
    addresses = n.get("NatGatewayAddresses") or []
    return Resource(
        type="ec2.nat_gateway", id=n["NatGatewayId"], account_id=ctx.account_id,
        region=ctx.region, arn=_arn(ctx, "natgateway", n["NatGatewayId"]),
        name=tags.get("Name", ""), vpc_id=n.get("VpcId"), subnet_id=n.get("SubnetId"),
        attrs={"state": n.get("State"), "connectivity_type": n.get("ConnectivityType"),
               "public_ips": [a["PublicIp"] for a in addresses if a.get("PublicIp")],
               "private_ips": [a["PrivateIp"] for a in addresses if a.get("PrivateIp")],
               "tags": tags})


@collector("ec2.nat_gateways", scope="regional", produces=("ec2.nat_gateway",),
           calls=("ec2:DescribeNatGateways",))
def collect_nat_gateways(ctx: Context) -> list[Resource]:
    ec2 = ctx.client("ec2")
    return [nat_gateway_record(ctx, n)
            for n in paginate(ec2, "describe_nat_gateways", "NatGateways", MaxResults=PAGE)
            if n.get("State") not in GONE_NAT_STATES]


def flow_log_record(ctx: Context, f: dict[str, Any]) -> Resource:
    resource_id = f.get("ResourceId") or ""
    return Resource(
        type="ec2.flow_log", id=f["FlowLogId"], account_id=ctx.account_id,
        region=ctx.region, arn=_arn(ctx, "vpc-flow-log", f["FlowLogId"]),
        vpc_id=resource_id if resource_id.startswith("vpc-") else None,
        subnet_id=resource_id if resource_id.startswith("subnet-") else None,
        attrs={"resource_id": resource_id, "status": f.get("FlowLogStatus"),
               "deliver_status": f.get("DeliverLogsStatus"),
               "deliver_error": f.get("DeliverLogsErrorMessage"),
               "traffic_type": f.get("TrafficType"),
               "destination_type": f.get("LogDestinationType"),
               "destination": f.get("LogDestination") or f.get("LogGroupName"),
               "tags": tags_dict(f.get("Tags"))})


@collector("ec2.flow_logs", scope="regional", produces=("ec2.flow_log",),
           calls=("ec2:DescribeFlowLogs",))
def collect_flow_logs(ctx: Context) -> list[Resource]:
    ec2 = ctx.client("ec2")
    return [flow_log_record(ctx, f)
            for f in paginate(ec2, "describe_flow_logs", "FlowLogs", MaxResults=PAGE)]
