"""Reads never write: every read command and the opening of every screen leave every table
as it was — but for the two legitimate writes, the append-only activity log and the TUI's
resume state (where it was left, when it was last opened)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from onboard.cli import main
from onboard.models import Account, Finding, Resource, Severity, Status
from onboard.screens import SCREENS
from onboard.store import Store
from onboard.workspace import Workspace
from tests.helpers import record_scan
from tests.test_app_support import load_catalog, make_app

PROD, STAGING = "111111111111", "222222222222"
LEGIT_TABLES = {"activity"}
LEGIT_COLUMNS = {"sessions": {"last_opened", "ui_state"}}


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, minus the legitimate writes."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, list[tuple[Any, ...]]] = {}
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            if table in LEGIT_TABLES:
                continue
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")
                    if r[1] not in LEGIT_COLUMNS.get(table, set())]
            rows = conn.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
        out["pragma user_version"] = conn.execute("PRAGMA user_version").fetchall()
        return out
    finally:
        conn.close()


def _finding(check: str, rid: str, account: str = PROD, status: Status = Status.FAIL,
             rtype: str = "s3.bucket", region: str = "global") -> Finding:
    return Finding(check_id=check, status=status, severity=Severity.HIGH, account_id=account,
                   region=region, resource_id=rid, resource_type=rtype,
                   resource_arn=f"arn:aws:s3:::{rid}" if rtype == "s3.bucket" else None,
                   message=f"{rid}: {check}")


def seed(store: Store, catalog: Any, tmp_path: Path) -> int:
    """A session in the middle of its week: a scan, triage, assets, matrix edits, actions,
    a Terraform import, interview answers and a task ticked by hand."""
    sid = store.create_session("purity", person="newcomer", started="2025-01-06").id
    inventory = [Resource(type="s3.bucket", id="cap-table-prod", account_id=PROD,
                          arn="arn:aws:s3:::cap-table-prod", attrs={"tags": {"data": "inv"}}),
                 Resource(type="s3.bucket", id="static-site", account_id=STAGING,
                          arn="arn:aws:s3:::static-site")]
    findings = [_finding("s3.versioning", "cap-table-prod"),
                _finding("s3.versioning", "static-site", STAGING),
                _finding("s3.bucket_public_access_block", "cap-table-prod"),
                _finding("iam.human_users", "haruka.sato", rtype="iam.user"),
                _finding("iam.human_users", "haruka.sato", STAGING, rtype="iam.user"),
                _finding("ec2.ssh_open", "sg-0abc", rtype="ec2.security_group",
                         region="us-east-1"),
                _finding("iam.root_mfa", PROD, status=Status.PASS, rtype="iam.account")]
    record_scan(store, sid, findings, inventory, catalog=catalog,
                identity={"account_id": PROD, "arn": f"arn:aws:iam::{PROD}:user/sre"})
    ws = Workspace(store, catalog, sid)
    ws.record_accounts([Account(account_id=PROD, name="prod", access="ok",
                                source="organizations", environment="prod"),
                        Account(account_id=STAGING, name="staging", access="ok",
                                source="organizations", environment="staging")])
    ws.set_triage(findings[5], "accepted risk", "bastion until SSM")
    ws.add_asset("investor cap tables", 3, "Series A", ["pattern:cap-table-*"])
    row = next(r for r in __import__("onboard").orient.matrix(store, catalog, sid)
               if r.check_id == "s3.versioning")
    ws.edit_row(row.id, reason="one delete away from losing the cap table")
    ws.choose("enable-s3-versioning", owner="sre", due="2025-01-31")
    ws.add_action("Rotate the deploy key", status="proposed")
    ws.save_answer("management-account", "yes, the billing one", "answered")
    first_task = catalog.days[0].tasks[0].id
    ws.set_task(first_task, True)
    state = tmp_path / "terraform.tfstate"
    state.write_text(json.dumps({"version": 4, "resources": [
        {"mode": "managed", "type": "aws_s3_bucket", "name": "cap",
         "instances": [{"attributes": {"bucket": "cap-table-prod", "id": "cap-table-prod",
                                       "arn": "arn:aws:s3:::cap-table-prod"}}]}]}))
    ws.import_terraform([state])
    # a killed scan after the complete one (status left `running`)
    store.start_scan(sid, {"account_id": PROD}, ["us-east-1"])
    return sid


READ_COMMANDS = [
    ["export"], ["export", "--format", "json"], ["export", "--format", "csv"],
    ["export", "--format", "mermaid"], ["export", "--only", "decisions"],
    ["export", "--only", "decisions", "--format", "json"],
    ["export", "--only", "decisions", "--format", "csv"],
    ["actions", "list"], ["actions", "suggest"], ["matrix", "list"], ["assets", "list"],
    ["sessions"], ["week"], ["week", "--format", "json"], ["policy"],
]


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, Any]:
    catalog = load_catalog(tmp_path)
    path = tmp_path / "onboard.db"
    store = Store.open(path)
    seed(store, catalog, tmp_path)
    store.close()
    return path, catalog


@pytest.mark.parametrize("argv", READ_COMMANDS, ids=" ".join)
def test_read_commands_write_nothing(seeded: tuple[Path, Any], argv: list[str],
                                    capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path, _catalog = seeded
    before = dump(path)
    monkeypatch.setenv("ONBOARD_CHECKLISTS", str(tmp_path / "checklists"))
    code = main(["--db", str(path), *argv])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert dump(path) == before, f"`onboard {' '.join(argv)}` changed the database"


def test_opening_every_screen_writes_nothing(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed(store, app.catalog, tmp_path)
    # the app's own session is "acme": point it at the seeded one
    app.session = store.session_by_name("purity")  # type: ignore[assignment]
    before = dump(store.path)

    async def visit() -> None:
        async with app.run_test(size=(140, 44)) as pilot:
            for spec in SCREENS:
                await pilot.press(spec.key)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
            await app.workers.wait_for_complete()

    asyncio.run(visit())
    assert dump(store.path) == before, "opening a screen changed the database"


@pytest.mark.parametrize("argv", READ_COMMANDS, ids=" ".join)
def test_read_commands_make_no_file_or_folder(argv: list[str], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere" / "x.db"
    code = main(["--db", str(missing), *argv])
    err = capsys.readouterr().err
    assert code in (0, 2)
    assert "Traceback" not in err and (code == 0 or err.count("\n") == 1)
    assert not missing.parent.exists(), f"`onboard {' '.join(argv)}` made {missing.parent}"
