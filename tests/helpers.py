"""Helpers shared by tests: derive the matrix as a scan's write path would."""

from __future__ import annotations

from collections.abc import Iterable

from onboard import orient
from onboard.catalog import Catalog
from onboard.models import Account, Finding, Resource, Severity, Status
from onboard.store import Store
from onboard.workspace import Workspace


def derive(store: Store, catalog: Catalog, session_id: int,
           per_account: bool | None = None) -> list[orient.MatrixRow]:
    """What a finished scan does to the matrix (tests store findings by hand), then the
    pure read every view makes."""
    Workspace(store, catalog, session_id).rederive(per_account)
    return orient.matrix(store, catalog, session_id)


_CATALOG: Catalog | None = None


def default_catalog() -> Catalog:
    global _CATALOG
    if _CATALOG is None:
        from onboard import catalog as catalog_mod

        _CATALOG = catalog_mod.load()
    return _CATALOG


def record_scan(store: Store, session_id: int, findings: Iterable[Finding],
                inventory: Iterable[Resource] = (), status: str = "complete",
                identity: dict[str, str] | None = None, regions: Iterable[str] = ("us-east-1",),
                catalog: Catalog | None = None) -> int:
    """A scan as the scan pipeline stores it (batches, then findings through the write path,
    which derives the matrix), without AWS: for tests that make findings by hand."""
    findings, inventory = list(findings), list(inventory)
    identity = identity or {"account_id": "111111111111", "arn": "arn:me"}
    ws = Workspace(store, catalog or default_catalog(), session_id)
    scan_id = ws.start_scan(identity, list(regions))
    read = ({identity["account_id"]} | {f.account_id for f in findings}
            | {r.account_id for r in inventory}) - {""}
    ws.record_accounts([Account(account_id=a, access="ok") for a in sorted(read)])
    store.add_batch(scan_id, inventory)
    # as the account.access evaluator says of every account a scan read
    findings += [Finding(check_id="account.access", status=Status.PASS,
                         severity=Severity.HIGH, account_id=a, region="global",
                         resource_id=a, message="account read") for a in sorted(read)
                 if not any(f.check_id == "account.access" and f.account_id == a
                            for f in findings)]
    ws.finish_scan(scan_id, findings, status, 0, {})
    return scan_id


def rule_done(store: Store, catalog: Catalog | None, session_id: int, rule: str) -> bool:
    """Whether a week-plan rule (week.yaml's `auto:`) holds for the session now."""
    from onboard import week

    facts = week.Facts(catalog or default_catalog(), store, session_id)
    return week.RULES[rule](facts).done
