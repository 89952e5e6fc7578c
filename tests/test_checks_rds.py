"""Table-driven tests of the RDS evaluators from hand-made inventory records."""

from __future__ import annotations

from typing import Any

import pytest

from onboard.checks import all_checks
from onboard.checks.base import Inventory, Outcome
from onboard.models import Resource, Status

ACCOUNT = "111122223333"
REGISTRY = all_checks()


def instance(name: str, region: str = "us-east-1", **attrs: Any) -> Resource:
    base = {"engine": "postgres", "cluster_id": None, "replica_source": None,
            "backup_retention": 7, "deletion_protection": True, "publicly_accessible": False,
            "storage_encrypted": True, "multi_az": False, "subnet_group": "private",
            "subnet_ids": ["subnet-1"], "security_groups": ["sg-1"],
            "endpoint": f"{name}.abc.{region}.rds.amazonaws.com:5432", "tags": {}}
    base.update(attrs)
    return Resource(type="rds.db_instance", id=name, name=name, account_id=ACCOUNT,
                    region=region, arn=f"arn:aws:rds:{region}:{ACCOUNT}:db:{name}",
                    vpc_id="vpc-1", attrs=base)


def cluster(name: str, members: list[str], region: str = "us-east-1",
            **attrs: Any) -> Resource:
    base = {"engine": "aurora-postgresql", "backup_retention": 7, "deletion_protection": True,
            "publicly_accessible": None, "storage_encrypted": True, "members": members,
            "subnet_group": "private", "subnet_ids": ["subnet-1"], "security_groups": [],
            "errors": {}}
    base.update(attrs)
    return Resource(type="rds.db_cluster", id=name, name=name, account_id=ACCOUNT,
                    region=region, arn=f"arn:aws:rds:{region}:{ACCOUNT}:cluster:{name}",
                    vpc_id="vpc-1", attrs=base)


def aurora(name: str = "orders", *, member_attrs: dict[str, Any] | None = None,
           **attrs: Any) -> list[Resource]:
    """A cluster and its two members; members carry misleading values of their own."""
    members = [f"{name}-1", f"{name}-2"]
    engine = attrs.get("engine", "aurora-postgresql")
    mine = {"backup_retention": 1, "deletion_protection": False, **(member_attrs or {})}
    return [cluster(name, members, **attrs),
            *(instance(m, cluster_id=name, engine=engine, **mine) for m in members)]


def run(check_id: str, *resources: Resource) -> list[Outcome]:
    return list(REGISTRY[check_id].fn(Inventory(list(resources))))


def summary(outs: list[Outcome]) -> list[tuple[str, Status, str]]:
    return [(o.resource_id, o.status, o.message) for o in outs]


# --- rds.backup_retention -----------------------------------------------------------------


@pytest.mark.parametrize(("attrs", "status", "message"), [
    ({"backup_retention": 7}, Status.PASS, "DB instance app-db: automated backups kept 7 days"),
    ({"backup_retention": 35}, Status.PASS, "DB instance app-db: automated backups kept 35 days"),
    ({"backup_retention": 6}, Status.FAIL,
     "DB instance app-db: automated backups kept only 6 days (< 7)"),
    ({"backup_retention": 1}, Status.FAIL,
     "DB instance app-db: automated backups kept only 1 day (< 7)"),
    ({"backup_retention": 0}, Status.FAIL,
     "DB instance app-db: automated backups disabled (retention 0 days)"),
    ({"backup_retention": 0, "replica_source": "app-primary"}, Status.PASS,
     "DB instance app-db: read replica of app-primary, whose backups cover its data "
     "(retention here 0 days)"),
])
def test_backup_retention_instance(attrs: dict[str, Any], status: Status, message: str) -> None:
    [out] = run("rds.backup_retention", instance("app-db", **attrs))
    assert (out.status, out.message, out.resource_id) == (status, message, "app-db")
    assert out.resource_arn == f"arn:aws:rds:us-east-1:{ACCOUNT}:db:app-db"
    assert out.region == "us-east-1"


@pytest.mark.parametrize(("retention", "status", "message"), [
    (7, Status.PASS, "DB cluster orders: automated backups kept 7 days"),
    (3, Status.FAIL, "DB cluster orders: automated backups kept only 3 days (< 7)"),
])
def test_backup_retention_cluster_judged_not_members(retention: int, status: Status,
                                                     message: str) -> None:
    outs = run("rds.backup_retention", *aurora(backup_retention=retention))
    assert summary(outs) == [("orders", status, message)]


def test_backup_retention_member_without_cluster_record_is_judged() -> None:
    orphan = instance("lonely-1", cluster_id="gone", backup_retention=1)
    other_region = instance("orders-1", region="eu-west-1", cluster_id="orders",
                            backup_retention=2)
    outs = run("rds.backup_retention", *aurora(), orphan, other_region)
    assert [(o.resource_id, o.region, o.status) for o in outs] == [
        ("orders", "us-east-1", Status.PASS), ("lonely-1", "us-east-1", Status.FAIL),
        ("orders-1", "eu-west-1", Status.FAIL)]


# --- rds.deletion_protection --------------------------------------------------------------


@pytest.mark.parametrize(("on", "status", "message"), [
    (True, Status.PASS, "DB instance app-db: deletion protection on"),
    (False, Status.FAIL, "DB instance app-db: deletion protection off"),
])
def test_deletion_protection_instance(on: bool, status: Status, message: str) -> None:
    [out] = run("rds.deletion_protection", instance("app-db", deletion_protection=on))
    assert (out.status, out.message, out.resource_id) == (status, message, "app-db")


@pytest.mark.parametrize(("on", "status", "message"), [
    (True, Status.PASS, "DB cluster orders: deletion protection on"),
    (False, Status.FAIL, "DB cluster orders: deletion protection off"),
])
def test_deletion_protection_cluster(on: bool, status: Status, message: str) -> None:
    # Members report False; only the cluster's setting counts, once.
    outs = run("rds.deletion_protection", *aurora(deletion_protection=on))
    assert summary(outs) == [("orders", status, message)]


def test_deletion_protection_mixed_inventory() -> None:
    outs = run("rds.deletion_protection", *aurora(), instance("app-db"),
               instance("scratch", deletion_protection=False))
    assert [(o.resource_id, o.status) for o in outs] == [
        ("orders", Status.PASS), ("app-db", Status.PASS), ("scratch", Status.FAIL)]


# --- rds.public ---------------------------------------------------------------------------


def test_public_instance() -> None:
    outs = run("rds.public", instance("app-db", publicly_accessible=True),
               instance("internal-db"))
    assert summary(outs) == [
        ("app-db", Status.FAIL, "DB instance app-db: PubliclyAccessible true "
                                "(endpoint app-db.abc.us-east-1.rds.amazonaws.com:5432)"),
        ("internal-db", Status.PASS, "DB instance internal-db: not publicly accessible")]


def test_public_instance_without_endpoint() -> None:
    [out] = run("rds.public", instance("new-db", publicly_accessible=True, endpoint=None))
    assert (out.status, out.message) == (Status.FAIL, "DB instance new-db: PubliclyAccessible true")


def test_public_aurora_is_judged_per_member() -> None:
    resources = aurora(publicly_accessible=False)  # moto reports it for Aurora too
    resources[1].attrs["publicly_accessible"] = True
    outs = run("rds.public", *resources)
    assert [(o.resource_id, o.status) for o in outs] == [
        ("orders-1", Status.FAIL), ("orders-2", Status.PASS)]


@pytest.mark.parametrize(("public", "status", "message"), [
    (True, Status.FAIL, "DB cluster ledger: PubliclyAccessible true"),
    (False, Status.PASS, "DB cluster ledger: not publicly accessible"),
])
def test_public_multi_az_db_cluster_is_judged_once(public: bool, status: Status,
                                                   message: str) -> None:
    resources = aurora("ledger", engine="postgres", publicly_accessible=public,
                       member_attrs={"publicly_accessible": public})
    outs = run("rds.public", *resources)
    assert summary(outs) == [("ledger", status, message)]
    assert outs[0].resource_type == "rds.db_cluster"


def test_public_cluster_without_the_field_defers_to_members() -> None:
    resources = aurora("graph", engine="neptune", member_attrs={"publicly_accessible": True})
    outs = run("rds.public", *resources)
    assert [(o.resource_id, o.status) for o in outs] == [
        ("graph-1", Status.FAIL), ("graph-2", Status.FAIL)]


def test_needs() -> None:
    for check_id in ("rds.backup_retention", "rds.deletion_protection", "rds.public"):
        assert set(REGISTRY[check_id].needs) == {"rds.db_instance", "rds.db_cluster"}
