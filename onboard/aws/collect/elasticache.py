"""ElastiCache collector: cache clusters (Redis/Valkey/Memcached nodes) with their network.

`elasticache.cluster` (id = name = CacheClusterId; arn; vpc_id from its cache subnet group):
  engine, engine_version, node_type, status
  replication_group    ReplicationGroupId, or None
  subnet_group         CacheSubnetGroupName, or None (EC2-Classic / default)
  subnet_ids           list of subnet ids of that group
  security_groups      list of VPC security group ids
  at_rest_encryption   bool, or None when the API does not report it
  transit_encryption   bool, or None when the API does not report it
  auth_token_enabled   bool, or None when the API does not report it
  errors               {"subnet_group": <AWS error code>} when the subnet groups could not
                       be listed (subnet_ids and vpc_id are then empty)

Calls per region: DescribeCacheClusters (1 per 100 clusters); DescribeCacheSubnetGroups
(1 per 100 groups) only when some cluster exists.
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, detail, paginate
from onboard.models import Resource

PAGE = {"PageSize": 100}


def _opt_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


@collector("elasticache.clusters", scope="regional", produces=("elasticache.cluster",),
           calls=("elasticache:DescribeCacheClusters", "elasticache:DescribeCacheSubnetGroups"))
def collect(ctx: Context) -> list[Resource]:
    client = ctx.client("elasticache")
    clusters = list(paginate(client, "describe_cache_clusters", "CacheClusters",
                             PaginationConfig=PAGE))
    if not clusters:
        return []
    errors: dict[str, str] = {}
    listed = detail(errors, "subnet_group", lambda: list(paginate(
        client, "describe_cache_subnet_groups", "CacheSubnetGroups", PaginationConfig=PAGE)))
    groups = {g["CacheSubnetGroupName"]: g for g in listed or []}
    out = []
    for c in clusters:
        name = c.get("CacheSubnetGroupName") or None
        group = groups.get(name or "", {})
        out.append(Resource(
            type="elasticache.cluster", id=c["CacheClusterId"], name=c["CacheClusterId"],
            account_id=ctx.account_id, region=ctx.region, arn=c.get("ARN"),
            vpc_id=group.get("VpcId"),
            attrs={
                "engine": c.get("Engine"),
                "engine_version": c.get("EngineVersion"),
                "node_type": c.get("CacheNodeType"),
                "status": c.get("CacheClusterStatus"),
                "replication_group": c.get("ReplicationGroupId") or None,
                "subnet_group": name,
                "subnet_ids": [s["SubnetIdentifier"] for s in group.get("Subnets", [])
                               if s.get("SubnetIdentifier")],
                "security_groups": [g["SecurityGroupId"] for g in c.get("SecurityGroups", [])
                                    if g.get("SecurityGroupId")],
                "at_rest_encryption": _opt_bool(c.get("AtRestEncryptionEnabled")),
                "transit_encryption": _opt_bool(c.get("TransitEncryptionEnabled")),
                "auth_token_enabled": _opt_bool(c.get("AuthTokenEnabled")),
                "errors": dict(errors) if name else {},
            }))
    return out
