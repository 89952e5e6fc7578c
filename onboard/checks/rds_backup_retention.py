"""rds.backup_retention: DB instances and clusters keeping automated backups under 7 days.

An instance in a DB cluster (Aurora, Multi-AZ DB cluster, DocumentDB, Neptune) takes its
backups from the cluster, so the cluster is judged and its members are not (one finding,
not one per member). A read replica's data is backed up on its source, which is judged
itself, so a replica without backups passes with a note.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, fail, ok
from onboard.i18n import _, ngettext
from onboard.models import Resource

MIN_DAYS = 7


def databases(inv: Inventory) -> Iterator[tuple[str, Resource]]:
    """Every cluster, and every instance not judged through a cluster in the inventory,
    each with its kind as a label in the language spoken."""
    clusters = {(c.account_id, c.region, c.id) for c in inv.of("rds.db_cluster")}
    for cluster in inv.of("rds.db_cluster"):
        yield _("DB cluster"), cluster
    for db in inv.of("rds.db_instance"):
        cluster_id = db.attrs.get("cluster_id")
        if cluster_id and (db.account_id, db.region, cluster_id) in clusters:
            continue
        yield _("DB instance"), db


@check("rds.backup_retention", needs=("rds.db_instance", "rds.db_cluster"))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per cluster and per stand-alone instance."""
    for kind, db in databases(inv):
        days = int(db.attrs.get("backup_retention") or 0)
        label = f"{kind} {db.id}"
        source = db.attrs.get("replica_source")
        if days >= MIN_DAYS:
            yield ok(db, _("{label}: automated backups kept {days} days").format(label=label,
                                                                                days=days))
        elif source:
            yield ok(db, _("{label}: read replica of {source}, whose backups cover its data "
                           "(retention here {days} days)").format(label=label, source=source,
                                                                 days=days))
        elif days == 0:
            yield fail(db, _("{label}: automated backups disabled (retention 0 days)").format(
                label=label))
        else:
            yield fail(db, ngettext("{label}: automated backups kept only {days} day (< {min})",
                                    "{label}: automated backups kept only {days} days (< {min})",
                                    days).format(label=label, days=days, min=MIN_DAYS))

