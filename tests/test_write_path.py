"""The write path tells the truth: unread accounts, cancelled and killed scans are never
"fixed", derived rows are unique in the database, and Terraform addresses follow imports."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from onboard import catalog as catalog_mod
from onboard import orient
from onboard.aws import session as session_mod
from onboard.cli import main
from onboard.models import Finding, Severity, Status
from onboard.scan import ScanOptions, run_scan
from onboard.store import Store
from onboard.workspace import Workspace
from tests.helpers import derive, record_scan
from tests.test_runner import seed_small_org

REGIONS = ["us-east-1"]


@pytest.fixture(scope="module")
def catalog() -> catalog_mod.Catalog:
    return catalog_mod.load()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "truth.db")


def _deny(monkeypatch: pytest.MonkeyPatch, service: str, operation: str,
          when: Any = lambda params: True) -> None:
    """Every `service` client answers AccessDenied to `operation` (when `when(params)`)."""
    original = session_mod.AccountAccess.client

    def deny(params: dict[str, Any], **_: Any) -> Any:
        if when(params):
            return (SimpleNamespace(status_code=403),
                    {"Error": {"Code": "AccessDenied", "Message": "explicit deny"},
                     "ResponseMetadata": {"HTTPStatusCode": 403}})
        return None

    def client(self: session_mod.AccountAccess, name: str, region: str | None = None) -> Any:
        c = original(self, name, region)
        flag = f"_denied_{operation}"
        if name == service and not getattr(c, flag, False):
            c.meta.events.register(f"before-call.{service}.{operation}", deny)
            setattr(c, flag, True)
        return c

    monkeypatch.setattr(session_mod.AccountAccess, "client", client)


def _first_scan(store: Store, catalog: catalog_mod.Catalog) -> tuple[dict[str, str], int, Any]:
    ids = seed_small_org()
    sess = store.create_session("t")
    first = run_scan(store, sess.id, catalog, ScanOptions(regions=REGIONS, workers=4))
    assert first.status == "complete"
    return ids, sess.id, first


def _fails(store: Store, scan_id: int, account_id: str) -> set[tuple[str, str]]:
    return {(f.check_id, f.resource_id) for f in store.findings(scan_id, status="FAIL")
            if f.account_id == account_id}


def test_an_account_whose_role_is_denied_is_one_error_and_nothing_in_it_is_fixed(
        aws: None, store: Store, catalog: catalog_mod.Catalog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ids, sid, first = _first_scan(store, catalog)
    prod_fails = _fails(store, first.scan_id, ids["prod"])
    assert ("s3.versioning", "prod-uploads") in prod_fails
    rows_before = {r.id: r for r in orient.matrix(store, catalog, sid)}

    _deny(monkeypatch, "sts", "AssumeRole", lambda p: ids["prod"] in str(p.get("body", "")))
    second = run_scan(store, sid, catalog, ScanOptions(regions=REGIONS, workers=4))

    assert second.fixed == [], "an account that was not read fixed nothing"
    assert {(f.check_id, f.resource_id) for f in second.unchecked
            if f.account_id == ids["prod"]} == prod_fails
    errors = [f for f in second.findings if f.account_id == ids["prod"]]
    assert [(f.check_id, f.status) for f in errors] == [("account.access", Status.ERROR)]
    assert "AccessDenied" in errors[0].message
    prod = next(a for a in second.accounts if a.account_id == ids["prod"])
    assert prod.access == "denied"
    for row in orient.matrix(store, catalog, sid):
        if row.id in rows_before and any(r.account_id == ids["prod"] for r in row.resources):
            assert not row.fixed, f"{row.check_id} marked fixed without being read"


def test_a_denied_organizations_call_is_said_and_fixes_nothing(
        aws: None, store: Store, catalog: catalog_mod.Catalog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ids, sid, _first = _first_scan(store, catalog)
    _deny(monkeypatch, "organizations", "DescribeOrganization")
    second = run_scan(store, sid, catalog, ScanOptions(regions=REGIONS, workers=4))
    assert second.organizations_error == "AccessDenied"
    assert store.scan(second.scan_id).notes["organizations_error"] == "AccessDenied"
    assert second.fixed == []
    assert any(f.account_id == ids["prod"] for f in second.unchecked)
    me = next(a for a in second.accounts if a.account_id == ids["management"])
    assert me.access == "ok" and "assume" not in me.access_reason
    assert not any(r.fixed for r in orient.matrix(store, catalog, sid))


def test_denied_describe_regions_is_not_an_assume_role_failure(
        aws: None, store: Store, catalog: catalog_mod.Catalog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ids, sid, _first = _first_scan(store, catalog)
    _deny(monkeypatch, "ec2", "DescribeRegions")
    second = run_scan(store, sid, catalog, ScanOptions(regions=REGIONS, workers=4))
    assert all(a.access == "ok" for a in second.accounts), [
        (a.account_id, a.access_reason) for a in second.accounts]
    assert not any("cannot assume" in a.access_reason for a in second.accounts)
    assert set(second.region_errors) == set(ids.values())
    assert "DescribeRegions" in second.region_errors[ids["management"]]
    # the asked-for region was still scanned: the same problems are still seen
    assert ("s3.versioning", "prod-uploads") in _fails(store, second.scan_id, ids["prod"])


def test_a_cancelled_scan_fixes_nothing_and_is_not_the_current_state(
        aws: None, store: Store, catalog: catalog_mod.Catalog) -> None:
    _ids, sid, first = _first_scan(store, catalog)
    cancel = threading.Event()
    seen = 0

    def progress(p: Any) -> None:
        nonlocal seen
        if p.phase == "collect":
            seen += 1
            if seen == 5:
                cancel.set()

    second = run_scan(store, sid, catalog, ScanOptions(regions=REGIONS, workers=1),
                      progress=progress, cancel=cancel)
    assert second.status == "incomplete"
    assert second.fixed == []
    assert second.unchecked, "what the cancelled scan did not reach is not re-checked"
    assert store.latest_scan(sid).id == first.scan_id  # type: ignore[union-attr]
    assert not any(r.fixed for r in orient.matrix(store, catalog, sid))
    # and a FAIL is never at once "fixed since the previous scan"
    assert not {f.key for f in second.fixed} & {f.key for f in second.findings
                                                if f.status == Status.FAIL}


def test_a_killed_scan_never_hides_the_complete_one(store: Store,
                                                   catalog: catalog_mod.Catalog) -> None:
    sid = store.create_session("k").id
    first = record_scan(store, sid, [Finding(
        check_id="s3.versioning", status=Status.FAIL, severity=Severity.MEDIUM,
        account_id="111111111111", region="global", resource_id="b1", message="off")])
    killed = store.start_scan(sid, {}, [])  # the process died here: `running`, no findings
    assert store.latest_scan(sid).id == first  # type: ignore[union-attr]
    store.mark_interrupted_scans(sid)
    assert store.scan(killed).status == "incomplete"
    assert store.latest_scan(sid).id == first  # type: ignore[union-attr]
    assert store.newest_scan(sid).id == killed  # type: ignore[union-attr]


def test_generated_rows_are_unique_in_the_database(store: Store,
                                                  catalog: catalog_mod.Catalog) -> None:
    sid = store.create_session("u").id
    record_scan(store, sid, [Finding(
        check_id="s3.versioning", status=Status.FAIL, severity=Severity.MEDIUM,
        account_id="111111111111", region="global", resource_id="b1", message="off")])
    row = derive(store, catalog, sid)[0]
    with pytest.raises(sqlite3.IntegrityError):
        store.save_matrix_row(sid, {**row.stored(), "id": None})


def test_regenerations_in_two_connections_do_not_duplicate(tmp_path: Path,
                                                           catalog: catalog_mod.Catalog) -> None:
    path = tmp_path / "two.db"
    a = Store.open(path)
    sid = a.create_session("c").id
    findings = [Finding(check_id=c, status=Status.FAIL, severity=Severity.HIGH,
                        account_id="111111111111", region="global", resource_id=r,
                        message="x")
                for c, r in (("s3.versioning", "b1"), ("iam.human_users", "u1"),
                             ("ec2.ssh_open", "sg-1"))]
    scan_id = a.start_scan(sid, {}, [])
    a.replace_findings(scan_id, findings)
    a.finish_scan(scan_id, "complete")
    stores = [Store.open(path) for _ in range(4)]
    barrier = threading.Barrier(len(stores))

    def derive_once(s: Store) -> None:
        barrier.wait()
        Workspace(s, catalog, sid).rederive()

    threads = [threading.Thread(target=derive_once, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = a.matrix_rows(sid)
    assert sorted(r.check_id for r in rows) == ["ec2.ssh_open", "iam.human_users",
                                                  "s3.versioning"]


def test_a_v3_database_with_duplicated_rows_is_mended_on_open(tmp_path: Path) -> None:
    import sqlite_utils

    from onboard import store as store_mod

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    for step in store_mod.MIGRATIONS[:3]:  # a database as version 3 left it
        step(db)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO sessions (id, name) VALUES (1, 'old')")
    for row_id in (1, 2, 3):  # what four concurrent exports used to leave
        conn.execute("INSERT INTO matrix_rows (id, session_id, check_id, account_id, custom, "
                     "fixed) VALUES (?, 1, 's3.versioning', '', 0, 0)", [row_id])
    conn.execute("INSERT INTO actions (id, session_id, title, status) VALUES (1, 1, 't', "
                 "'chosen')")
    conn.execute("INSERT INTO action_rows (action_id, row_id) VALUES (1, 3)")
    conn.commit()
    conn.close()
    again = Store.open(path)
    assert again.schema_version == store_mod.SCHEMA_VERSION
    assert [r.id for r in again.matrix_rows(1)] == [1]
    assert again.actions(1)[0]["row_ids"] == [1], "links move to the kept row"


def test_terraform_import_after_a_scan_readdresses_findings_everywhere(
        store: Store, catalog: catalog_mod.Catalog, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONBOARD_DB", str(store.path))
    sid = store.create_session("tf").id
    record_scan(store, sid, [Finding(
        check_id="s3.versioning", status=Status.FAIL, severity=Severity.MEDIUM,
        account_id="111111111111", region="global", resource_id="acme-exports",
        resource_arn="arn:aws:s3:::acme-exports", resource_type="s3.bucket",
        message="off")])
    state = tmp_path / "terraform.tfstate"
    state.write_text(json.dumps({"version": 4, "resources": [
        {"mode": "managed", "type": "aws_s3_bucket", "name": "exports",
         "instances": [{"attributes": {"bucket": "acme-exports", "id": "acme-exports",
                                       "arn": "arn:aws:s3:::acme-exports"}}]}]}))
    assert main(["tf", "import", str(state)]) == 0
    capsys.readouterr()
    assert main(["export", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    found = [f for f in report["findings"] if f["resource_id"] == "acme-exports"]
    assert found and found[0]["terraform_address"] == "aws_s3_bucket.exports"
    assert main(["export", "--format", "csv"]) == 0
    assert "aws_s3_bucket.exports" in capsys.readouterr().out
    row = orient.matrix(store, catalog, sid)[0]
    assert row.resources[0].terraform_address == "aws_s3_bucket.exports"


def test_row_status_follows_actions_and_triage(store: Store,
                                               catalog: catalog_mod.Catalog) -> None:
    sid = store.create_session("st").id
    findings = [Finding(check_id=c, status=Status.FAIL, severity=Severity.HIGH,
                        account_id="111111111111", region="global", resource_id=r,
                        resource_type="x", message="x")
                for c, r in (("s3.versioning", "b1"), ("iam.human_users", "u1"),
                             ("ec2.ssh_open", "sg-1"))]
    record_scan(store, sid, findings)
    ws = Workspace(store, catalog, sid)
    ws.choose("enable-s3-versioning")
    ws.set_triage(findings[2], "accepted risk", "bastion, IP-restricted next week")
    status = {r.check_id: r.status for r in orient.matrix(store, catalog, sid)}
    assert status == {"s3.versioning": "answered", "iam.human_users": "open",
                      "ec2.ssh_open": "accepted"}
    assert main(["--db", str(store.path), "export", "--format", "json"]) == 0
