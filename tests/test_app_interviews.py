"""Pilot tests for Interviews: both wordings, autosave, status keys, accounts named."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, TextArea

from onboard import week
from onboard.screens.interviews import InterviewsScreen
from onboard.screens.modals import AccountModal
from tests.helpers import rule_done
from tests.test_app_support import asynctest, make_app, settle

SIZE = (120, 40)


async def _open(pilot, app) -> InterviewsScreen:  # type: ignore[no-untyped-def]
    await pilot.press("3")
    await settle(app)
    await pilot.pause(0.2)
    assert isinstance(app.screen, InterviewsScreen)
    return app.screen


async def _saved(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause(1.2)  # the autosave debounce
    await settle(app)
    await pilot.pause(0.1)


@asynctest
async def test_shows_both_wordings_side_by_side(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        aws = str(screen.query_one("#aws-wording").render())
        plain = str(screen.query_one("#plain-wording").render())
        assert "Organizations management account" in aws
        assert "every account's bills" in plain
        assert screen.query_one("#add-account").display is True


@asynctest
async def test_typing_autosaves_and_marks_answered(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        await pilot.press("n")
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"yes, 222233334444")
        await _saved(pilot, app)
        saved = store.answers(app.session.id)["management-account"]
        assert saved == {"answer": "yes, 222233334444", "status": "answered",
                         "updated": saved["updated"]}
        assert "saved" in str(screen.query_one("#save-state").render())


@asynctest
async def test_status_cycles_by_key(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await pilot.press("s")
        await _saved(pilot, app)
        assert store.answers(app.session.id)["management-account"]["status"] == "asked"
        await pilot.press("s", "s")
        await _saved(pilot, app)
        assert store.answers(app.session.id)["management-account"]["status"] == "follow-up"


@asynctest
async def test_all_answered_ticks_the_interview_task(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        notes = screen.query_one("#answer", TextArea)
        notes.focus()
        await pilot.press(*"there is a management account")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, OptionList)
        await pilot.press("down")
        await pilot.pause()
        await pilot.press("n", *"two things by hand")
        await _saved(pilot, app)
        await pilot.pause(0.3)
        assert rule_done(store, app.catalog, app.session.id, "interview_complete")
        states = {s.task.id: s for s in week.task_states(app.catalog, store, app.session.id)}
        assert states["interview-cto"].done


@asynctest
async def test_add_account_named_in_the_interview(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AccountModal)
        app.screen.query_one("#account-id", Input).value = "999988887777"
        app.screen.query_one("#account-name", Input).value = "management (billing)"
        await pilot.click("#ok")
        await settle(app)
        await pilot.pause(0.2)
        [acc] = store.accounts(app.session.id)
        assert (acc.account_id, acc.source) == ("999988887777", "interview")
