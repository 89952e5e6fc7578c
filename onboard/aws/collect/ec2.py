"""EC2 collectors: security groups, network interfaces and instances.

All regional; every record has region = the region scanned and account_id = the account.
(VPCs, subnets, route tables, gateways and flow logs are in `vpc.py`.)

`ec2.security_groups` — DescribeSecurityGroups.

`ec2.security_group` (id = GroupId; name = GroupName; vpc_id; arn = SecurityGroupArn or
  security-group/…):
  description  the group's description
  ingress      raw IpPermissions (IpProtocol, FromPort, ToPort, IpRanges, Ipv6Ranges,
               UserIdGroupPairs, PrefixListIds), as the API returns them
  egress       raw IpPermissionsEgress
  is_default   GroupName == "default" (the VPC's default group)
  owner_id     owning account
  tags         {key: value}

`ec2.network_interfaces` — DescribeNetworkInterfaces.

`ec2.network_interface` (id = NetworkInterfaceId; vpc_id; subnet_id; arn network-interface/…):
  groups             security group ids
  public_ip          public IPv4 of the primary address (Association.PublicIp) or None
  public_ips         every public IPv4 on the interface (secondary addresses too)
  private_ip         primary private IPv4
  ipv6_addresses     IPv6 addresses
  instance_id        Attachment.InstanceId (None for ENIs of ELB, RDS, Lambda, NAT, ...)
  interface_type     InterfaceType ("interface", "nat_gateway", "lambda", "vpc_endpoint", ...)
  description        the ENI's description (AWS-managed ENIs say who owns them, e.g.
                     "ELB app/web/…", "RDSNetworkInterface")
  requester_managed  RequesterManaged (created by an AWS service)
  requester_id       RequesterId (the service or account that created it)
  status             "in-use" | "available" | ...
  az                 availability zone

`ec2.instances` — DescribeInstances.

`ec2.instance` (id = InstanceId; name = Name tag; vpc_id; subnet_id; arn instance/…):
  state                 State.Name ("pending" | "running" | "stopping" | "stopped" |
                        "shutting-down" | "terminated")
  instance_profile_arn  IamInstanceProfile.Arn, None when the instance has no role
  public_ip, private_ip, ipv6_addresses
  security_groups       ids of every group on the instance and its interfaces
  network_interfaces    ENI ids
  image_id, instance_type, key_name (SSH key pair or None), platform ("windows" or None)
  http_tokens           MetadataOptions.HttpTokens ("required" = IMDSv2 only, "optional")
  source_dest_check     SourceDestCheck (False on a NAT instance or router; None if absent)
  launch_time           ISO-8601
  tags                  {key: value}

Calls per region (one page each up to 1,000 items): DescribeSecurityGroups,
DescribeNetworkInterfaces, DescribeInstances = 3.
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, paginate, tags_dict
from onboard.models import Resource

PAGE = 1000


def _arn(ctx: Context, kind: str, id_: str, owner: str | None = None) -> str:
    return ctx.arn("ec2", f"{kind}/{id_}", region=ctx.region, account=owner or ctx.account_id)


def security_group_record(ctx: Context, g: dict[str, Any]) -> Resource:
    return Resource(
        type="ec2.security_group", id=g["GroupId"], account_id=ctx.account_id,
        region=ctx.region, name=g.get("GroupName", ""), vpc_id=g.get("VpcId"),
        arn=g.get("SecurityGroupArn") or _arn(ctx, "security-group", g["GroupId"],
                                              g.get("OwnerId")),
        attrs={"description": g.get("Description", ""),
               "ingress": g.get("IpPermissions") or [],
               "egress": g.get("IpPermissionsEgress") or [],
               "is_default": g.get("GroupName") == "default",
               "owner_id": g.get("OwnerId"), "tags": tags_dict(g.get("Tags"))})


@collector("ec2.security_groups", scope="regional", produces=("ec2.security_group",),
           calls=("ec2:DescribeSecurityGroups",))
def collect_security_groups(ctx: Context) -> list[Resource]:
    ec2 = ctx.client("ec2")
    return [security_group_record(ctx, g)
            for g in paginate(ec2, "describe_security_groups", "SecurityGroups",
                              MaxResults=PAGE)]


def network_interface_record(ctx: Context, n: dict[str, Any]) -> Resource:
    public_ips = [a["Association"]["PublicIp"] for a in n.get("PrivateIpAddresses") or []
                  if (a.get("Association") or {}).get("PublicIp")]
    primary_public = (n.get("Association") or {}).get("PublicIp")
    if primary_public and primary_public not in public_ips:
        public_ips.insert(0, primary_public)
    return Resource(
        type="ec2.network_interface", id=n["NetworkInterfaceId"], account_id=ctx.account_id,
        region=ctx.region, arn=_arn(ctx, "network-interface", n["NetworkInterfaceId"]),
        vpc_id=n.get("VpcId"), subnet_id=n.get("SubnetId"),
        attrs={"groups": [g["GroupId"] for g in n.get("Groups") or [] if g.get("GroupId")],
               "public_ip": primary_public, "public_ips": public_ips,
               "private_ip": n.get("PrivateIpAddress"),
               "ipv6_addresses": [a["Ipv6Address"] for a in n.get("Ipv6Addresses") or []
                                  if a.get("Ipv6Address")],
               "instance_id": (n.get("Attachment") or {}).get("InstanceId"),
               "interface_type": n.get("InterfaceType"),
               "description": n.get("Description", ""),
               "requester_managed": bool(n.get("RequesterManaged")),
               "requester_id": n.get("RequesterId"), "status": n.get("Status"),
               "az": n.get("AvailabilityZone")})


@collector("ec2.network_interfaces", scope="regional", produces=("ec2.network_interface",),
           calls=("ec2:DescribeNetworkInterfaces",))
def collect_network_interfaces(ctx: Context) -> list[Resource]:
    ec2 = ctx.client("ec2")
    return [network_interface_record(ctx, n)
            for n in paginate(ec2, "describe_network_interfaces", "NetworkInterfaces",
                              MaxResults=PAGE)]


def instance_record(ctx: Context, i: dict[str, Any]) -> Resource:
    tags = tags_dict(i.get("Tags"))
    enis = i.get("NetworkInterfaces") or []
    groups = [g["GroupId"] for g in i.get("SecurityGroups") or [] if g.get("GroupId")]
    for eni in enis:
        groups += [g["GroupId"] for g in eni.get("Groups") or [] if g.get("GroupId")]
    ipv6 = [a["Ipv6Address"] for eni in enis for a in eni.get("Ipv6Addresses") or []
            if a.get("Ipv6Address")]
    launched: Any = i.get("LaunchTime")
    return Resource(
        type="ec2.instance", id=i["InstanceId"], account_id=ctx.account_id,
        region=ctx.region, arn=_arn(ctx, "instance", i["InstanceId"]),
        name=tags.get("Name", ""), vpc_id=i.get("VpcId"), subnet_id=i.get("SubnetId"),
        attrs={"state": (i.get("State") or {}).get("Name"),
               "instance_profile_arn": (i.get("IamInstanceProfile") or {}).get("Arn"),
               "public_ip": i.get("PublicIpAddress"),
               "private_ip": i.get("PrivateIpAddress"), "ipv6_addresses": ipv6,
               "security_groups": list(dict.fromkeys(groups)),
               "network_interfaces": [e["NetworkInterfaceId"] for e in enis
                                      if e.get("NetworkInterfaceId")],
               "image_id": i.get("ImageId"), "instance_type": i.get("InstanceType"),
               "key_name": i.get("KeyName"), "platform": i.get("Platform"),
               "http_tokens": (i.get("MetadataOptions") or {}).get("HttpTokens"),
               "source_dest_check": i.get("SourceDestCheck"),
               "launch_time": launched.isoformat() if hasattr(launched, "isoformat")
               else launched,
               "tags": tags})


@collector("ec2.instances", scope="regional", produces=("ec2.instance",),
           calls=("ec2:DescribeInstances",))
def collect_instances(ctx: Context) -> list[Resource]:
    ec2 = ctx.client("ec2")
    return [instance_record(ctx, i)
            for reservation in paginate(ec2, "describe_instances", "Reservations",
                                        MaxResults=PAGE)
            for i in reservation.get("Instances") or []]
