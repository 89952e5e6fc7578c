"""RDS collector: DB instances and DB clusters (Aurora, Multi-AZ DB clusters, DocumentDB, Neptune).

`rds.db_instance` (id = DBInstanceIdentifier; arn; vpc_id from its DB subnet group):
  engine, engine_version, instance_class, status
  cluster_id           DBClusterIdentifier, or None for a stand-alone instance
  replica_source       ReadReplicaSourceDBInstanceIdentifier, or None
  backup_retention     int days (0 = automated backups disabled)
  deletion_protection  bool
  publicly_accessible  bool
  storage_encrypted    bool
  multi_az             bool
  subnet_group         DB subnet group name, or None
  subnet_ids           list of subnet ids in that group
  security_groups      list of VPC security group ids
  endpoint             "address:port", or None while creating
  tags                 {key: value}

`rds.db_cluster` (id = DBClusterIdentifier; arn; vpc_id from its DB subnet group):
  engine, engine_version, engine_mode, status
  backup_retention, deletion_protection, storage_encrypted, multi_az
  publicly_accessible  bool, or None when the API does not report it (AWS reports it for
                       Multi-AZ DB clusters only)
  members              list of member DB instance ids
  subnet_group, subnet_ids, security_groups, endpoint, tags — as for instances
  errors               {} or {"subnet_group": <AWS error code>} when DescribeDBSubnetGroups
                       was needed for this cluster and failed (subnet_ids is then [])

Calls per region: DescribeDBInstances and DescribeDBClusters (1 each per 100 records);
DescribeDBSubnetGroups (1 per 100 groups) only when a cluster's subnets cannot be taken
from one of its member instances.
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, detail, paginate, tags_dict
from onboard.models import Resource

PAGE = {"PageSize": 100}


def _subnets(group: dict[str, Any] | None) -> list[str]:
    return [s["SubnetIdentifier"] for s in (group or {}).get("Subnets", [])
            if s.get("SubnetIdentifier")]


def _sg_ids(item: dict[str, Any]) -> list[str]:
    return [g["VpcSecurityGroupId"] for g in item.get("VpcSecurityGroups", [])
            if g.get("VpcSecurityGroupId")]


def _instance(ctx: Context, d: dict[str, Any]) -> Resource:
    group = d.get("DBSubnetGroup") or {}
    ep = d.get("Endpoint") or {}
    return Resource(
        type="rds.db_instance", id=d["DBInstanceIdentifier"], name=d["DBInstanceIdentifier"],
        account_id=ctx.account_id, region=ctx.region, arn=d.get("DBInstanceArn"),
        vpc_id=group.get("VpcId"),
        attrs={
            "engine": d.get("Engine"),
            "engine_version": d.get("EngineVersion"),
            "instance_class": d.get("DBInstanceClass"),
            "status": d.get("DBInstanceStatus"),
            "cluster_id": d.get("DBClusterIdentifier") or None,
            "replica_source": d.get("ReadReplicaSourceDBInstanceIdentifier") or None,
            "backup_retention": int(d.get("BackupRetentionPeriod") or 0),
            "deletion_protection": bool(d.get("DeletionProtection")),
            "publicly_accessible": bool(d.get("PubliclyAccessible")),
            "storage_encrypted": bool(d.get("StorageEncrypted")),
            "multi_az": bool(d.get("MultiAZ")),
            "subnet_group": group.get("DBSubnetGroupName"),
            "subnet_ids": _subnets(group),
            "security_groups": _sg_ids(d),
            "endpoint": f"{ep['Address']}:{ep.get('Port')}" if ep.get("Address") else None,
            "tags": tags_dict(d.get("TagList")),
        })


def _cluster(ctx: Context, c: dict[str, Any], group: dict[str, Any] | None,
             errors: dict[str, str]) -> Resource:
    group = group or {}
    public = c.get("PubliclyAccessible")
    return Resource(
        type="rds.db_cluster", id=c["DBClusterIdentifier"], name=c["DBClusterIdentifier"],
        account_id=ctx.account_id, region=ctx.region, arn=c.get("DBClusterArn"),
        vpc_id=group.get("VpcId"),
        attrs={
            "engine": c.get("Engine"),
            "engine_version": c.get("EngineVersion"),
            "engine_mode": c.get("EngineMode"),
            "status": c.get("Status"),
            "backup_retention": int(c.get("BackupRetentionPeriod") or 0),
            "deletion_protection": bool(c.get("DeletionProtection")),
            "publicly_accessible": None if public is None else bool(public),
            "storage_encrypted": bool(c.get("StorageEncrypted")),
            "multi_az": bool(c.get("MultiAZ")),
            "members": [m["DBInstanceIdentifier"] for m in c.get("DBClusterMembers", [])],
            "subnet_group": c.get("DBSubnetGroup"),
            "subnet_ids": _subnets(group),
            "security_groups": _sg_ids(c),
            "endpoint": c.get("Endpoint"),
            "tags": tags_dict(c.get("TagList")),
            "errors": errors,
        })


@collector("rds.databases", scope="regional", produces=("rds.db_instance", "rds.db_cluster"),
           calls=("rds:DescribeDBInstances", "rds:DescribeDBClusters",
                  "rds:DescribeDBSubnetGroups"))
def collect(ctx: Context) -> list[Resource]:
    rds = ctx.client("rds")
    raw_instances = list(paginate(rds, "describe_db_instances", "DBInstances",
                                  PaginationConfig=PAGE))
    raw_clusters = list(paginate(rds, "describe_db_clusters", "DBClusters",
                                 PaginationConfig=PAGE))
    # A cluster's DBSubnetGroup is only a name; its member instances carry the full group.
    groups: dict[str, dict[str, Any]] = {}
    for d in raw_instances:
        group = d.get("DBSubnetGroup") or {}
        if group.get("DBSubnetGroupName") and group.get("Subnets"):
            groups[group["DBSubnetGroupName"]] = group
    errors: dict[str, str] = {}
    if any(c.get("DBSubnetGroup") and c["DBSubnetGroup"] not in groups for c in raw_clusters):
        listed = detail(errors, "subnet_group", lambda: list(paginate(
            rds, "describe_db_subnet_groups", "DBSubnetGroups", PaginationConfig=PAGE)))
        for group in listed or []:
            groups.setdefault(group["DBSubnetGroupName"], group)
    out = [_instance(ctx, d) for d in raw_instances]
    for c in raw_clusters:
        group = groups.get(c.get("DBSubnetGroup") or "")
        out.append(_cluster(ctx, c, group, {} if group or not c.get("DBSubnetGroup")
                            else dict(errors)))
    return out
