"""rds.public: DB instances (and Multi-AZ DB clusters) marked PubliclyAccessible.

Aurora, DocumentDB and Neptune set public access per instance, so their member instances
are judged one by one. A Multi-AZ DB cluster (MySQL/PostgreSQL) sets it on the cluster,
which is judged instead of its members.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, fail, ok
from onboard.i18n import _
from onboard.models import Resource

PER_INSTANCE_ENGINES = ("aurora", "docdb", "neptune")


def _cluster_decides(cluster: Resource) -> bool:
    engine = str(cluster.attrs.get("engine") or "")
    return (cluster.attrs.get("publicly_accessible") is not None
            and not engine.startswith(PER_INSTANCE_ENGINES))


def _outcome(kind: str, db: Resource) -> Outcome:
    label = f"{kind} {db.id}"
    if db.attrs.get("publicly_accessible"):
        endpoint = db.attrs.get("endpoint")
        where = _(" (endpoint {endpoint})").format(endpoint=endpoint) if endpoint else ""
        return fail(db, _("{label}: PubliclyAccessible true{where}").format(label=label,
                                                                            where=where))
    return ok(db, _("{label}: not publicly accessible").format(label=label))


@check("rds.public", needs=("rds.db_instance", "rds.db_cluster"))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per instance, or per Multi-AZ DB cluster instead of its members."""
    deciding = {(c.account_id, c.region, c.id) for c in inv.of("rds.db_cluster")
                if _cluster_decides(c)}
    for cluster in inv.of("rds.db_cluster"):
        if (cluster.account_id, cluster.region, cluster.id) in deciding:
            yield _outcome(_("DB cluster"), cluster)
    for db in inv.of("rds.db_instance"):
        cluster_id = db.attrs.get("cluster_id")
        if cluster_id and (db.account_id, db.region, cluster_id) in deciding:
            continue
        yield _outcome(_("DB instance"), db)

