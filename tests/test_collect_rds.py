"""Collector tests for RDS DB instances and clusters against moto."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from onboard.aws.collect.base import REGISTRY, Context
from onboard.aws.collect.rds import collect
from onboard.checks import evaluate
from onboard.checks.base import Inventory
from onboard.models import Status

PASSWORD = "correct-horse-battery"


def deny(session: boto3.Session, event: str, code: str = "AccessDenied") -> None:
    def handler(**_: Any) -> tuple[Any, dict[str, Any]]:
        return SimpleNamespace(status_code=403, raw=None), {"Error": {"Code": code}}

    session.events.register(f"before-call.{event}", handler)


def record_calls(session: boto3.Session) -> list[str]:
    calls: list[str] = []
    session.events.register("before-call.*.*",
                            lambda model, **_: calls.append(model.name))
    return calls


@pytest.fixture
def subnets(aws: None) -> tuple[str, list[str]]:
    ec2 = boto3.client("ec2", region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ids = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24",
                             AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
           for i, az in enumerate("ab")]
    sg = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    rds = boto3.client("rds", region_name="us-east-1")
    rds.create_db_subnet_group(DBSubnetGroupName="private", DBSubnetGroupDescription="d",
                               SubnetIds=ids)
    rds.create_db_instance(
        DBInstanceIdentifier="app-db", Engine="postgres", DBInstanceClass="db.t3.micro",
        AllocatedStorage=20, MasterUsername="app", MasterUserPassword=PASSWORD,
        DBSubnetGroupName="private", VpcSecurityGroupIds=[sg], PubliclyAccessible=True,
        BackupRetentionPeriod=3, DeletionProtection=True, StorageEncrypted=True,
        MultiAZ=True, Tags=[{"Key": "team", "Value": "core"}])
    rds.create_db_cluster(
        DBClusterIdentifier="aurora", Engine="aurora-postgresql", MasterUsername="app",
        MasterUserPassword=PASSWORD, DBSubnetGroupName="private", VpcSecurityGroupIds=[sg],
        DeletionProtection=False, BackupRetentionPeriod=14, StorageEncrypted=True)
    rds.create_db_instance(DBInstanceIdentifier="aurora-1", Engine="aurora-postgresql",
                           DBInstanceClass="db.r5.large", DBClusterIdentifier="aurora")
    return vpc, ids


def drop_app_db(rds: Any) -> None:
    """Remove the stand-alone instance whose DBSubnetGroup would resolve the cluster's."""
    rds.modify_db_instance(DBInstanceIdentifier="app-db", DeletionProtection=False,
                           ApplyImmediately=True)
    rds.delete_db_instance(DBInstanceIdentifier="app-db", SkipFinalSnapshot=True)


def test_registration() -> None:
    spec = REGISTRY["rds.databases"]
    assert spec.scope == "regional"
    assert spec.produces == ("rds.db_instance", "rds.db_cluster")
    assert {c.operation for c in spec.calls} == {"DescribeDBInstances", "DescribeDBClusters",
                                                 "DescribeDBSubnetGroups"}


def test_empty_region_makes_two_calls(aws: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    calls = record_calls(session)
    assert collect(make_ctx(session=session)) == []
    assert calls == ["DescribeDBInstances", "DescribeDBClusters"]


def test_instances_and_clusters(subnets: tuple[str, list[str]],
                                make_ctx: Callable[..., Context]) -> None:
    vpc, subnet_ids = subnets
    got = {(r.type, r.id): r for r in collect(make_ctx())}
    assert set(got) == {("rds.db_instance", "app-db"), ("rds.db_instance", "aurora-1"),
                        ("rds.db_cluster", "aurora")}

    db = got[("rds.db_instance", "app-db")]
    assert db.arn == "arn:aws:rds:us-east-1:123456789012:db:app-db"
    assert (db.region, db.vpc_id) == ("us-east-1", vpc)
    a = db.attrs
    assert a["engine"] == "postgres" and a["cluster_id"] is None
    assert a["backup_retention"] == 3
    assert a["deletion_protection"] is True
    assert a["publicly_accessible"] is True
    assert a["storage_encrypted"] is True and a["multi_az"] is True
    assert a["subnet_group"] == "private" and sorted(a["subnet_ids"]) == sorted(subnet_ids)
    assert len(a["security_groups"]) == 1 and a["security_groups"][0].startswith("sg-")
    assert a["endpoint"].startswith("app-db.") and a["endpoint"].endswith(":5432")
    assert a["instance_class"] == "db.t3.micro"
    assert a["tags"] == {"team": "core"}

    member = got[("rds.db_instance", "aurora-1")].attrs
    assert member["cluster_id"] == "aurora"

    cluster = got[("rds.db_cluster", "aurora")]
    assert cluster.arn == "arn:aws:rds:us-east-1:123456789012:cluster:aurora"
    assert cluster.vpc_id == vpc
    c = cluster.attrs
    assert c["engine"] == "aurora-postgresql"
    assert c["backup_retention"] == 14 and c["deletion_protection"] is False
    assert c["storage_encrypted"] is True
    assert c["members"] == ["aurora-1"]
    assert c["subnet_group"] == "private" and sorted(c["subnet_ids"]) == sorted(subnet_ids)
    assert len(c["security_groups"]) == 1
    assert c["errors"] == {}


def test_cluster_subnets_come_from_members_when_possible(
        subnets: tuple[str, list[str]], make_ctx: Callable[..., Context]) -> None:
    # app-db shares the "private" group, so its DBSubnetGroup resolves the cluster's.
    session = boto3.Session()
    calls = record_calls(session)
    collect(make_ctx(session=session))
    assert calls == ["DescribeDBInstances", "DescribeDBClusters"]


def test_subnet_group_lookup_once_per_region(subnets: tuple[str, list[str]],
                                             make_ctx: Callable[..., Context]) -> None:
    rds = boto3.client("rds", region_name="us-east-1")
    drop_app_db(rds)
    rds.create_db_cluster(DBClusterIdentifier="aurora-2", Engine="aurora-mysql",
                          MasterUsername="app", MasterUserPassword=PASSWORD,
                          DBSubnetGroupName="private")
    session = boto3.Session()
    calls = record_calls(session)
    got = {r.id: r for r in collect(make_ctx(session=session)) if r.type == "rds.db_cluster"}
    assert calls.count("DescribeDBSubnetGroups") == 1
    assert all(len(c.attrs["subnet_ids"]) == 2 for c in got.values())


def test_subnet_group_failure_is_recorded_on_clusters(
        subnets: tuple[str, list[str]], make_ctx: Callable[..., Context]) -> None:
    rds = boto3.client("rds", region_name="us-east-1")
    drop_app_db(rds)
    session = boto3.Session()
    deny(session, "rds.DescribeDBSubnetGroups")
    [cluster] = [r for r in collect(make_ctx(session=session)) if r.type == "rds.db_cluster"]
    assert cluster.attrs["errors"] == {"subnet_group": "AccessDenied"}
    assert cluster.attrs["subnet_ids"] == [] and cluster.vpc_id is None


def test_listing_failure_propagates(aws: None, make_ctx: Callable[..., Context]) -> None:
    session = boto3.Session()
    deny(session, "rds.DescribeDBClusters")
    with pytest.raises(ClientError, match="AccessDenied"):
        collect(make_ctx(session=session))


def test_checks_read_what_the_collector_produces(subnets: tuple[str, list[str]],
                                                 make_ctx: Callable[..., Context]) -> None:
    inv = Inventory(collect(make_ctx()))
    found = sorted((f.check_id, f.resource_id, f.status) for f in evaluate(
        inv, {}, only={"rds.backup_retention", "rds.deletion_protection", "rds.public"}))
    assert found == [
        ("rds.backup_retention", "app-db", Status.FAIL),
        ("rds.backup_retention", "aurora", Status.PASS),
        ("rds.deletion_protection", "app-db", Status.PASS),
        ("rds.deletion_protection", "aurora", Status.FAIL),
        ("rds.public", "app-db", Status.FAIL),
        ("rds.public", "aurora-1", Status.PASS),
    ]
