"""Pilot tests for the Identity Center screen: the plan's rows, renames and exclusions stored
as edits (they survive a rescan), bad input shown as an error, hostile text shown as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, Static

from onboard.screens.sso import AskModal, SsoScreen
from tests.sso_fixtures import PROD, accounts
from tests.test_app_matrix import plain, settle
from tests.test_app_support import asynctest, make_app
from tests.test_cli_sso import scan_into

SIZE = (140, 44)


def _app(tmp_path: Path) -> tuple[Any, Any]:
    app, store = make_app(tmp_path)
    store.upsert_accounts(app.session.id, accounts())
    scan_into(store, app.session.id)
    return app, store


async def _open(pilot: Any) -> SsoScreen:
    await pilot.press("9")  # its tab
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SsoScreen)
    return screen


def _row(screen: SsoScreen, kind: str, key: str) -> int:
    return next(i for i, r in enumerate(screen.rows) if (r.kind, r.key) == (kind, key))


@asynctest
async def test_the_plan_is_listed_and_a_group_renamed(tmp_path: Path) -> None:
    app, store = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        summary = plain(screen.query_one("#sso-summary", Static))
        assert "4 people · 3 groups · 3 permission sets · 5 assignments" in summary
        assert "2 IAM users left out" in summary
        table = screen.query_one(DataTable)
        table.focus()
        table.move_cursor(row=_row(screen, "group", "developers"))
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AskModal)
        dialog.query_one(Input).value = "engineers"
        await pilot.press("enter")
        await settle(pilot)
        assert store.sso_edits(app.session.id)[0]["value"] == "engineers"
        assert screen.rows[_row(screen, "group", "developers")].cells[1] == "engineers"


@asynctest
async def test_break_glass_exclusion_and_forget(tmp_path: Path) -> None:
    app, store = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        table = screen.query_one(DataTable)
        table.focus()
        table.move_cursor(row=_row(screen, "user", f"{PROD}/alice"))
        await pilot.press("g")
        await settle(pilot)
        excluded = screen.rows[_row(screen, "excluded", f"{PROD}/alice")]
        assert excluded.cells[3].startswith("break-glass: ")
        scan_into(store, app.session.id)  # a rescan keeps the edit
        screen.reload()
        await settle(pilot)
        table.move_cursor(row=_row(screen, "excluded", f"{PROD}/alice"))
        await pilot.press("z")
        await settle(pilot)
        assert store.sso_edits(app.session.id) == []
        assert _row(screen, "user", f"{PROD}/alice") >= 0


@asynctest
async def test_bad_names_are_refused_and_hostile_text_stays_text(tmp_path: Path) -> None:
    app, store = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        table = screen.query_one(DataTable)
        table.focus()
        table.move_cursor(row=_row(screen, "permission set", "Acme-developers"))
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one(Input).value = "no spaces allowed"
        await pilot.press("enter")
        await settle(pilot)
        assert store.sso_edits(app.session.id) == []
        table.move_cursor(row=_row(screen, "group", "developers"))
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one(Input).value = "[bold]team[/bold]"
        await pilot.press("enter")
        await settle(pilot)
        cell = table.get_cell_at((_row(screen, "group", "developers"), 1))
        assert cell.plain == "[bold]team[/bold]"
