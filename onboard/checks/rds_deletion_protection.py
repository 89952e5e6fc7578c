"""rds.deletion_protection: DB instances and clusters that can be deleted with one API call.

Cluster members are judged through their cluster, which holds the setting.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, fail, ok
from onboard.checks.rds_backup_retention import databases
from onboard.i18n import _


@check("rds.deletion_protection", needs=("rds.db_instance", "rds.db_cluster"))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per cluster and per stand-alone instance."""
    for kind, db in databases(inv):
        label = f"{kind} {db.id}"
        if db.attrs.get("deletion_protection"):
            yield ok(db, _("{label}: deletion protection on").format(label=label))
        else:
            yield fail(db, _("{label}: deletion protection off").format(label=label))

