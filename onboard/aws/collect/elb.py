"""ELB collectors: ALB/NLB/GWLB (elbv2), Classic load balancers, and elbv2 target groups.

`elb.load_balancer` (id = name = LoadBalancerName; arn; vpc_id):
  kind                 "application" | "network" | "gateway" | "classic"
  scheme               "internet-facing" | "internal" | None
  dns                  the load balancer's DNS name
  access_logs_enabled  bool (elbv2 `access_logs.s3.enabled`, absent = false; classic
                       AccessLog.Enabled), or None for gateway load balancers (they have
                       no access logs, so their attributes are not read) or when the
                       attributes call failed
  access_logs_bucket   S3 bucket receiving the logs, or None
  security_groups      list of security group ids
  subnet_ids           list of subnet ids
  listeners            list of {protocol, port}: elbv2 DescribeListeners for ALB/NLB (not
                       read for gateway load balancers), classic ListenerDescriptions
  instances            classic only: registered instance ids
  errors               {"attributes": code} / {"listeners": code} for failed detail calls

`elb.target_group` (id = name = TargetGroupName; arn; vpc_id, None for lambda targets):
  lb_arns              load balancer ARNs forwarding to it
  target_type          "instance" | "ip" | "lambda" | "alb"
  protocol, port
  targets              list of {id, port, health} from DescribeTargetHealth
  errors               {"targets": code} when DescribeTargetHealth failed

Calls per region: elbv2 DescribeLoadBalancers (1 per 400) + per ALB/NLB
DescribeLoadBalancerAttributes and DescribeListeners (1 per 400 listeners); elb
DescribeLoadBalancers (1 per 400) + DescribeLoadBalancerAttributes per classic LB; elbv2
DescribeTargetGroups (1 per 400) + DescribeTargetHealth per target group. Per-LB and
per-target-group calls are fanned out over 8 threads.
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, detail, fan_out, paginate
from onboard.models import Resource

MAX_WORKERS = 8
PAGE = {"PageSize": 400}


def _attr_map(attrs: list[dict[str, str]] | None) -> dict[str, str]:
    return {a["Key"]: a.get("Value", "") for a in attrs or [] if "Key" in a}


@collector("elb.load_balancers", scope="regional",
           produces=("elb.load_balancer", "elb.target_group"),
           calls=("elbv2:DescribeLoadBalancers", "elbv2:DescribeLoadBalancerAttributes",
                  "elbv2:DescribeListeners", "elbv2:DescribeTargetGroups",
                  "elbv2:DescribeTargetHealth"))
def collect_v2(ctx: Context) -> list[Resource]:
    """ALB/NLB/GWLB records, and — only where load balancers exist — their target groups
    (a target group with no load balancer routes nothing, so an empty region costs one
    call, not two)."""
    client = ctx.client("elbv2")
    lbs = list(paginate(client, "describe_load_balancers", "LoadBalancers",
                        PaginationConfig=PAGE))

    def one(lb: dict[str, Any]) -> Resource:
        arn = lb["LoadBalancerArn"]
        kind = lb.get("Type") or "application"
        errors: dict[str, str] = {}
        logs_on: bool | None = None
        bucket: str | None = None
        listeners: list[dict[str, Any]] = []
        if kind != "gateway":  # gateway LBs have no access logs and no protocol/port
            resp = detail(errors, "attributes",
                          lambda: client.describe_load_balancer_attributes(LoadBalancerArn=arn))
            if resp is not None:
                attrs = _attr_map(resp.get("Attributes"))
                logs_on = attrs.get("access_logs.s3.enabled", "false").lower() == "true"
                bucket = (attrs.get("access_logs.s3.bucket") or None) if logs_on else None
            found = detail(errors, "listeners", lambda: list(paginate(
                client, "describe_listeners", "Listeners", LoadBalancerArn=arn,
                PaginationConfig=PAGE)))
            listeners = [{"protocol": li.get("Protocol"), "port": li.get("Port")}
                         for li in found or []]
        return Resource(
            type="elb.load_balancer", id=lb["LoadBalancerName"], name=lb["LoadBalancerName"],
            account_id=ctx.account_id, region=ctx.region, arn=arn, vpc_id=lb.get("VpcId"),
            attrs={
                "kind": kind,
                "scheme": lb.get("Scheme"),
                "dns": lb.get("DNSName"),
                "access_logs_enabled": logs_on,
                "access_logs_bucket": bucket,
                "security_groups": list(lb.get("SecurityGroups") or []),
                "subnet_ids": [az["SubnetId"] for az in lb.get("AvailabilityZones", [])
                               if az.get("SubnetId")],
                "listeners": listeners,
                "errors": errors,
            })

    found = fan_out(one, lbs)
    if not lbs:
        return found
    errors: dict[str, str] = {}
    groups = detail(errors, "target_groups", lambda: collect_target_groups(ctx))
    for lb in found:
        lb.attrs["errors"].update(errors)
    return found + (groups or [])


@collector("elb.classic_load_balancers", scope="regional", produces=("elb.load_balancer",),
           calls=("elb:DescribeLoadBalancers", "elb:DescribeLoadBalancerAttributes"))
def collect_classic(ctx: Context) -> list[Resource]:
    client = ctx.client("elb")
    lbs = list(paginate(client, "describe_load_balancers", "LoadBalancerDescriptions",
                        PaginationConfig=PAGE))

    def one(lb: dict[str, Any]) -> Resource:
        name = lb["LoadBalancerName"]
        errors: dict[str, str] = {}
        resp = detail(errors, "attributes",
                      lambda: client.describe_load_balancer_attributes(LoadBalancerName=name))
        log = (resp or {}).get("LoadBalancerAttributes", {}).get("AccessLog") or {}
        logs_on = bool(log.get("Enabled")) if resp is not None else None
        return Resource(
            type="elb.load_balancer", id=name, name=name, account_id=ctx.account_id,
            region=ctx.region, vpc_id=lb.get("VPCId"),
            arn=ctx.arn("elasticloadbalancing", f"loadbalancer/{name}", ctx.region,
                        ctx.account_id),
            attrs={
                "kind": "classic",
                "scheme": lb.get("Scheme"),
                "dns": lb.get("DNSName"),
                "access_logs_enabled": logs_on,
                "access_logs_bucket": (log.get("S3BucketName") or None) if logs_on else None,
                "security_groups": list(lb.get("SecurityGroups") or []),
                "subnet_ids": list(lb.get("Subnets") or []),
                "listeners": [{"protocol": d["Listener"].get("Protocol"),
                               "port": d["Listener"].get("LoadBalancerPort")}
                              for d in lb.get("ListenerDescriptions", []) if "Listener" in d],
                "instances": [i["InstanceId"] for i in lb.get("Instances", [])
                              if i.get("InstanceId")],
                "errors": errors,
            })

    return fan_out(one, lbs)


def collect_target_groups(ctx: Context) -> list[Resource]:
    """Every target group with its targets' health (called by collect_v2)."""
    client = ctx.client("elbv2")
    groups = list(paginate(client, "describe_target_groups", "TargetGroups",
                           PaginationConfig=PAGE))

    def one(tg: dict[str, Any]) -> Resource:
        arn = tg["TargetGroupArn"]
        errors: dict[str, str] = {}
        resp = detail(errors, "targets",
                      lambda: client.describe_target_health(TargetGroupArn=arn))
        targets = [{"id": t.get("Target", {}).get("Id"), "port": t.get("Target", {}).get("Port"),
                    "health": t.get("TargetHealth", {}).get("State")}
                   for t in (resp or {}).get("TargetHealthDescriptions", [])]
        return Resource(
            type="elb.target_group", id=tg["TargetGroupName"], name=tg["TargetGroupName"],
            account_id=ctx.account_id, region=ctx.region, arn=arn, vpc_id=tg.get("VpcId"),
            attrs={
                "lb_arns": list(tg.get("LoadBalancerArns") or []),
                "target_type": tg.get("TargetType"),
                "protocol": tg.get("Protocol"),
                "port": tg.get("Port"),
                "targets": targets,
                "errors": errors,
            })

    return fan_out(one, groups)
