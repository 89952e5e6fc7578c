"""Container collectors: ECS clusters and EKS clusters.

Both regional; two collectors, so a failure of one service is recorded for it alone.

`ecs.clusters` — ListClusters, then DescribeClusters (100 clusters per call, with SETTINGS).

`ecs.cluster` (id = name = clusterName; arn = clusterArn):
  status                 "ACTIVE" | "PROVISIONING" | "INACTIVE" | ...
  services               activeServicesCount
  running_tasks          runningTasksCount
  pending_tasks          pendingTasksCount
  container_instances    registeredContainerInstancesCount (EC2 capacity; 0 on Fargate-only)
  capacity_providers     e.g. ["FARGATE", "FARGATE_SPOT"]
  container_insights     the containerInsights setting ("enabled" | "disabled" | "enhanced")
                         or None
  errors                 {"details": <AWS error code>} when DescribeClusters failed for the
                         cluster's batch (the counts are then None)

  Services' network placement (subnets, public IP) needs ListServices + DescribeServices per
  cluster and is not read.

`eks.clusters` — ListClusters, then DescribeCluster per cluster.

`eks.cluster` (id = name; arn; vpc_id = resourcesVpcConfig.vpcId, None when the API leaves
  it out — moto does; the diagram then places it by its subnets):
  version, status, platform_version
  endpoint_public_access   bool (the Kubernetes API is reachable from the internet)
  endpoint_private_access  bool
  public_access_cidrs      list of CIDRs allowed to the public endpoint (["0.0.0.0/0"] = all)
  subnet_ids, security_groups, cluster_security_group
  logging                  enabled control-plane log types, e.g. ["api", "audit"]
  secrets_encryption       bool (an encryptionConfig for "secrets" exists)
  role                     the cluster role ARN
  errors                   {"details": <AWS error code>} when DescribeCluster failed (the
                           other attrs are then None / [])

Calls per region: ECS ListClusters (1 per 100) + DescribeClusters (1 per 100 clusters);
EKS ListClusters (1 per 100) + DescribeCluster per cluster.
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, detail, paginate
from onboard.models import Resource

PAGE = {"PageSize": 100}
BATCH = 100  # DescribeClusters takes at most 100 clusters


def _name_from_arn(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


@collector("ecs.clusters", scope="regional", produces=("ecs.cluster",),
           calls=("ecs:ListClusters", "ecs:DescribeClusters"))
def collect_ecs(ctx: Context) -> list[Resource]:
    client = ctx.client("ecs")
    arns = sorted(set(paginate(client, "list_clusters", "clusterArns", PaginationConfig=PAGE)))
    out = []
    for start in range(0, len(arns), BATCH):
        batch = arns[start:start + BATCH]
        errors: dict[str, str] = {}
        resp = detail(errors, "details", lambda batch=batch: client.describe_clusters(  # type: ignore[misc]
            clusters=batch, include=["SETTINGS"]))
        found = {c["clusterArn"]: c for c in (resp or {}).get("clusters") or []
                 if c.get("clusterArn")}
        for arn in batch:
            if resp is not None and arn not in found:
                continue  # deleted between the two calls
            c: dict[str, Any] = found.get(arn, {})
            settings = {s.get("name"): s.get("value") for s in c.get("settings") or []}
            out.append(Resource(
                type="ecs.cluster", id=c.get("clusterName") or _name_from_arn(arn),
                name=c.get("clusterName") or _name_from_arn(arn), account_id=ctx.account_id,
                region=ctx.region, arn=arn,
                attrs={"status": c.get("status"),
                       "services": c.get("activeServicesCount"),
                       "running_tasks": c.get("runningTasksCount"),
                       "pending_tasks": c.get("pendingTasksCount"),
                       "container_instances": c.get("registeredContainerInstancesCount"),
                       "capacity_providers": list(c.get("capacityProviders") or []),
                       "container_insights": settings.get("containerInsights"),
                       "errors": dict(errors)}))
    return out


def eks_record(ctx: Context, name: str, c: dict[str, Any] | None,
               errors: dict[str, str]) -> Resource:
    c = c or {}
    vpc = c.get("resourcesVpcConfig") or {}
    logging = [t for entry in (c.get("logging") or {}).get("clusterLogging") or []
               if entry.get("enabled") for t in entry.get("types") or []]
    described = bool(c)
    return Resource(
        type="eks.cluster", id=name, name=name, account_id=ctx.account_id, region=ctx.region,
        arn=c.get("arn") or ctx.arn("eks", f"cluster/{name}", ctx.region, ctx.account_id),
        vpc_id=vpc.get("vpcId") or None,
        attrs={
            "version": c.get("version"),
            "status": c.get("status"),
            "platform_version": c.get("platformVersion"),
            "endpoint_public_access": bool(vpc.get("endpointPublicAccess")) if described
            else None,
            "endpoint_private_access": bool(vpc.get("endpointPrivateAccess")) if described
            else None,
            "public_access_cidrs": list(vpc.get("publicAccessCidrs") or []),
            "subnet_ids": list(vpc.get("subnetIds") or []),
            "security_groups": list(vpc.get("securityGroupIds") or []),
            "cluster_security_group": vpc.get("clusterSecurityGroupId"),
            "logging": sorted(logging),
            "secrets_encryption": any("secrets" in (e.get("resources") or [])
                                      for e in c.get("encryptionConfig") or [])
            if described else None,
            "role": c.get("roleArn"),
            "errors": errors,
        })


@collector("eks.clusters", scope="regional", produces=("eks.cluster",),
           calls=("eks:ListClusters", "eks:DescribeCluster"))
def collect_eks(ctx: Context) -> list[Resource]:
    client = ctx.client("eks")
    out = []
    for name in sorted(set(paginate(client, "list_clusters", "clusters",
                                    PaginationConfig=PAGE))):
        errors: dict[str, str] = {}
        resp = detail(errors, "details", lambda name=name: client.describe_cluster(name=name),  # type: ignore[misc]
                      missing=("ResourceNotFoundException",))
        if resp is None and not errors:
            continue  # deleted between the two calls
        out.append(eks_record(ctx, name, (resp or {}).get("cluster"), errors))
    return out
