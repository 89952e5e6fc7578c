"""Pilot tests for Matrix: rows by risk, the risk breakdown, edits that persist, resets,
custom rows, sorting, marking reviewed, resume; plus the four new screens' keys.

`seed_org` (hand-built inventory and findings, no moto) is shared with the Assets and
Actions tests.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.widgets import Button, DataTable, Input, Select, Static

from onboard import catalog as catalog_mod
from onboard import orient
from onboard.models import Finding, Resource, Severity, Status
from onboard.screens import SCREENS
from onboard.screens.matrix import ConfirmModal, MatrixRowModal, MatrixScreen
from onboard.store import Store
from onboard.workspace import Workspace
from tests.helpers import derive
from tests.test_app_support import asynctest, make_app, seed_accounts

SIZE = (120, 40)
PROD = "111111111111"

RESOURCES = [
    Resource(type="s3.bucket", id="cap-table-prod", account_id=PROD, region="us-east-1",
             arn="arn:aws:s3:::cap-table-prod", name="cap-table-prod",
             attrs={"tags": {"data": "investor"}}),
    Resource(type="s3.bucket", id="static-site", account_id=PROD, region="us-east-1",
             arn="arn:aws:s3:::static-site", name="static-site"),
    Resource(type="rds.db_instance", id="app-db", account_id=PROD, region="us-east-1",
             name="app-db", attrs={"engine": "postgres"}),
    *(Resource(type="iam.user", id=u, account_id=PROD, region="global", name=u)
      for u in ("haruka", "kenji", "ec2-app")),
    Resource(type="ec2.security_group", id="sg-open", account_id=PROD, region="us-east-1"),
]


def _fail(check_id: str, resource_id: str, rtype: str, severity: Severity,
          region: str = "global", arn: str | None = None) -> Finding:
    return Finding(check_id=check_id, status=Status.FAIL, severity=severity, account_id=PROD,
                   region=region, resource_id=resource_id, resource_arn=arn,
                   resource_type=rtype, message=f"{resource_id}: {check_id} failed")


FINDINGS = [
    _fail("iam.human_users", "haruka", "iam.user", Severity.HIGH),
    _fail("iam.human_users", "kenji", "iam.user", Severity.HIGH),
    _fail("iam.workload_users", "ec2-app", "iam.user", Severity.HIGH),
    _fail("s3.bucket_public_access_block", "cap-table-prod", "s3.bucket", Severity.MEDIUM,
          "us-east-1", "arn:aws:s3:::cap-table-prod"),
    _fail("s3.versioning", "cap-table-prod", "s3.bucket", Severity.MEDIUM, "us-east-1",
          "arn:aws:s3:::cap-table-prod"),
    _fail("s3.versioning", "static-site", "s3.bucket", Severity.MEDIUM, "us-east-1",
          "arn:aws:s3:::static-site"),
    _fail("ec2.ssh_open", "sg-open", "ec2.security_group", Severity.HIGH, "us-east-1"),
]


def seed_org(store: Store, session_id: int, resources: list[Resource] | None = None,
             findings: list[Finding] | None = None) -> int:
    """Accounts, one complete scan with inventory and failing findings; the scan id."""
    seed_accounts(store, session_id)
    scan_id = store.start_scan(session_id, {"account_id": PROD,
                                            "arn": f"arn:aws:iam::{PROD}:user/newcomer"},
                               ["us-east-1"])
    store.add_batch(scan_id, RESOURCES if resources is None else resources)
    Workspace(store, catalog_mod.load(), session_id).finish_scan(
        scan_id, FINDINGS if findings is None else findings, "complete", 0, {})
    return scan_id


def plain(widget: Static) -> str:
    """A Static's content as plain text (works for Text, tables and groups)."""
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(widget.content)
    return capture.get()


async def settle(pilot: Any, wait: float = 0.05) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(wait)


async def open_matrix(pilot: Any) -> MatrixScreen:
    await pilot.press("7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MatrixScreen)
    return screen


def _row(store: Store, app: Any, check_id: str) -> orient.MatrixRow:
    return next(r for r in orient.matrix(store, app.catalog, app.session.id)
                if r.check_id == check_id)


@asynctest
async def test_rows_come_sorted_by_risk_with_the_breakdown(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(pilot)
        scores = [r.score for r in screen.rows]
        assert len(scores) == 5 and scores == sorted(scores, reverse=True)
        assert screen.query_one(DataTable).row_count == 5
        top = screen.rows[0]
        detail = plain(screen.query_one("#matrix-detail-text", Static))
        assert top.risk is not None and top.risk.explanation.split(" = ")[0][:40] in detail
        assert f"threat {top.threat} × vulnerability {top.vulnerability}" in detail
        assert "unclassified" in detail and "Answered by" in detail
        summary = plain(screen.query_one("#matrix-summary", Static))
        assert "5 open rows" in summary and "not reviewed yet" in summary


@asynctest
async def test_editing_a_row_persists_only_the_changed_fields(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(pilot)
        table = screen.query_one(DataTable)
        index = next(i for i, r in enumerate(screen.rows) if r.check_id == "s3.versioning")
        table.move_cursor(row=index)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MatrixRowModal)
        dialog.query_one("#f-incident", Input).value = "Cap tables lost for good"
        dialog.query_one("#f-threat", Select).value = 1
        await pilot.pause()
        dialog.query_one("#ok", Button).press()
        await settle(pilot)
        row = _row(store, app, "s3.versioning")
        assert row.incident == "Cap tables lost for good" and row.threat == 1
        assert sorted(row.edited) == ["incident", "threat"]
        assert store.last_activity(app.session.id, "matrix_reviewed") is None  # no review
        assert screen.current() is not None and screen.current().id == row.id
        assert "Cap tables lost for good" in plain(screen.query_one("#matrix-detail-text",
                                                                   Static))
        # the rescan keeps the edit
        seed_org(store, app.session.id)
        assert _row(store, app, "s3.versioning").threat == 1


@asynctest
async def test_reset_gives_a_field_back_to_the_generated_text(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    derive(store, app.catalog, app.session.id)
    original = _row(store, app, "ec2.ssh_open")
    orient.edit_row(store, app.catalog, app.session.id, original.id, reason="my words",
                    vulnerability=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(pilot)
        index = next(i for i, r in enumerate(screen.rows) if r.id == original.id)
        screen.query_one(DataTable).move_cursor(row=index)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MatrixRowModal)
        assert "edited by you" in str(dialog.query_one("#h-reason").render())
        assert dialog.query_one("#reset-reason", Button).display
        assert not dialog.query_one("#reset-incident", Button).display
        dialog.query_one("#reset-reason", Button).press()
        await pilot.pause()
        assert dialog.query_one("#f-reason", Input).value == original.reason
        dialog.query_one("#ok", Button).press()
        await settle(pilot)
        row = _row(store, app, "ec2.ssh_open")
        assert row.reason == original.reason and row.edited == ["vulnerability"]
        assert row.vulnerability == 1


@asynctest
async def test_custom_row_added_scored_and_deleted(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(pilot)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MatrixRowModal)
        dialog.query_one("#f-observation", Input).value = "The root password is shared"
        dialog.query_one("#f-incident", Input).value = "Account takeover"
        dialog.query_one("#f-stride", Input).value = "xs"
        dialog.query_one("#ok", Button).press()
        await pilot.pause()
        assert app.screen is dialog  # bad STRIDE letters: the dialog says so and stays
        assert "not 'X'" in str(dialog.query_one("#row-error").render())
        dialog.query_one("#f-stride", Input).value = "e, s"
        dialog.query_one("#f-threat", Select).value = 3
        dialog.query_one("#f-resources", Input).value = "cap-table-prod"
        dialog.query_one("#ok", Button).press()
        await settle(pilot)
        [custom] = [r for r in orient.matrix(store, app.catalog, app.session.id) if r.custom]
        assert custom.stride == "SE" and custom.threat == 3
        assert [r.resource_id for r in custom.resources] == ["cap-table-prod"]
        assert screen.current() is not None and screen.current().id == custom.id
        assert "✚" in plain(screen.query_one("#matrix-detail-text", Static))
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        app.screen.query_one("#ok", Button).press()
        await settle(pilot)
        assert not [r for r in orient.matrix(store, app.catalog, app.session.id) if r.custom]
        assert all(not r.custom for r in screen.rows)


@asynctest
async def test_generated_rows_are_not_deleted(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        await open_matrix(pilot)
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, MatrixScreen)
        assert any("Only your own rows" in n.message for n in app._notifications)
        assert len(orient.matrix(store, app.catalog, app.session.id)) == 5


@asynctest
async def test_sort_by_other_columns_and_mark_reviewed(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(pilot)
        chosen = screen.current()
        await pilot.press("o")
        await pilot.pause()
        assert screen.sort == "observation"
        observations = [r.observation.lower() for r in screen.rows]
        assert observations == sorted(observations)
        assert screen.current() == chosen  # the selection stays on its row
        await pilot.click("#matrix", offset=(50, 0))  # the "Assumed incident" header
        await pilot.pause()
        assert screen.sort == "incident"
        await pilot.press("R")
        await settle(pilot)
        assert store.last_activity(app.session.id, "matrix_reviewed") is not None
        assert "reviewed ✓" in plain(screen.query_one("#matrix-summary", Static))


@asynctest
async def test_reopens_on_the_same_row_and_order(tmp_path: Path) -> None:
    db = tmp_path / "resume.db"
    app, store = make_app(tmp_path, db=db)
    seed_org(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(pilot)
        await pilot.press("o")
        screen.query_one(DataTable).move_cursor(row=3)
        await settle(pilot)
        wanted = screen.current()
        assert wanted is not None
        await pilot.press("q")
    store.close()

    app2, _ = make_app(tmp_path, db=db)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app2.screen
        assert isinstance(screen, MatrixScreen)
        assert screen.sort == "observation"
        assert screen.current() is not None and screen.current().id == wanted.id


@asynctest
async def test_empty_matrix_says_what_to_do(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(pilot)
        assert "Run a scan on Review (4)" in plain(screen.query_one("#matrix-summary", Static))
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, MatrixScreen)


@asynctest
async def test_new_screens_have_number_and_letter_keys(tmp_path: Path) -> None:
    from onboard.screens.actions import ActionsScreen
    from onboard.screens.architecture import ArchitectureScreen
    from onboard.screens.assets import AssetsScreen
    from onboard.screens.commands import OnboardCommands

    app, _ = make_app(tmp_path)
    kinds = {"architecture": ArchitectureScreen, "assets": AssetsScreen,
             "matrix": MatrixScreen, "actions": ActionsScreen}
    async with app.run_test(size=SIZE) as pilot:
        for s in SCREENS:
            if s.id not in kinds:
                continue
            for key in (s.key, s.mnemonic):
                await pilot.press("1")
                await pilot.press(key)
                await settle(pilot, 0.05)
                assert isinstance(app.screen, kinds[s.id]), key
        names = {name for name, _, _ in OnboardCommands(app.screen).commands()}
        assert {"Go to Matrix", "Go to Assets", "Go to Actions",
                "Go to Architecture"} <= names
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Decide" in app.screen.target.HELP  # type: ignore[attr-defined]


def test_matrix_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    from onboard import assets

    app, store = make_app(tmp_path)
    sid = app.session.id
    seed_org(store, sid)
    assets.add_asset(store, sid, "investor cap tables", 3, links=["pattern:cap-table*"])
    derive(store, app.catalog, sid)
    row = _row(store, app, "s3.versioning")
    orient.edit_row(store, app.catalog, sid, row.id, incident="Cap tables lost for good")

    async def go(pilot: Any) -> None:
        await open_matrix(pilot)
        index = next(i for i, r in enumerate(pilot.app.screen.rows) if r.id == row.id)
        pilot.app.screen.query_one(DataTable).move_cursor(row=index)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=go)


@asynctest
async def test_bad_saved_selection_is_ignored(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    store.update_session(app.session.id, ui_state={
        "screen": "matrix", "screens": {"matrix": "not a row", "matrix_sort": 7}})
    app, store = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MatrixScreen)
        assert screen.sort == "risk" and screen.current() == screen.rows[0]
    store.update_session(app.session.id, ui_state={"screen": "matrix", "screens": [1, 2]})
    app, _ = make_app(tmp_path)
    assert app.screen_state == {}
