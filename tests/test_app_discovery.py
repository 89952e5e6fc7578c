"""Pilot tests for Discovery: the accounts table, hidden accounts, add and edit."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Select

from onboard.screens.discovery import DiscoveryScreen
from onboard.screens.modals import AccountModal
from tests.test_app_support import asynctest, make_app, seed_accounts, seed_scan, settle

SIZE = (120, 40)


async def _open(pilot, app) -> DiscoveryScreen:  # type: ignore[no-untyped-def]
    await pilot.press("2")
    await settle(app)
    await pilot.pause(0.2)
    assert isinstance(app.screen, DiscoveryScreen)
    return app.screen


@asynctest
async def test_table_marks_accounts_nobody_mentioned(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_accounts(store, app.session.id)
    seed_scan(store, app.session.id, [])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        rows = {str(table.get_row(k)[1]): table.get_row(k) for k in table.rows}
        assert "★" in str(rows["222222222222"][0])
        assert "★" in str(rows["333333333333"][0])
        assert str(rows["111111111111"][0]) == ""
        assert str(rows["333333333333"][5]) == "denied"
        summary = str(screen.query_one("#discovery-summary").render())
        assert "2 you were not told about" in summary
        tip = str(screen.query_one("#interview-tip").render())
        assert "see every account's bills" in tip


@asynctest
async def test_add_account_by_hand(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AccountModal)
        await pilot.press(*"12345")  # too short: refused
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountModal)
        app.screen.query_one("#account-id", Input).value = "444455556666"
        app.screen.query_one("#account-name", Input).value = "billing"
        app.screen.query_one("#account-env", Select).value = "management"
        await pilot.click("#ok")
        await settle(app)
        await pilot.pause(0.3)
        await settle(app)
        await pilot.pause(0.2)
        [acc] = store.accounts(app.session.id)
        assert (acc.account_id, acc.name, acc.environment, acc.source) == (
            "444455556666", "billing", "management", "manual")
        assert acc.known_before is True
        assert screen.query_one(DataTable).row_count == 1


@asynctest
async def test_edit_environment_and_mark_known(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_accounts(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        table = screen.query_one(DataTable)
        table.move_cursor(row=2)  # the sandbox
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#account-env", Select).value = "sandbox"
        await pilot.click("#ok")
        await settle(app)
        await pilot.pause(0.3)
        sandbox = {a.account_id: a for a in store.accounts(app.session.id)}["333333333333"]
        assert sandbox.environment == "sandbox"
        table.move_cursor(row=2)
        await pilot.press("k")
        await settle(app)
        await pilot.pause(0.3)
        sandbox = {a.account_id: a for a in store.accounts(app.session.id)}["333333333333"]
        assert sandbox.known_before is True
        assert sandbox.environment == "sandbox"
