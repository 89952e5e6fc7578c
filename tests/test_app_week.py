"""Pilot tests for the Week screen: ticking, ticks by events, Continue."""

from __future__ import annotations

from pathlib import Path

from onboard import week
from onboard.screens.discovery import DiscoveryScreen
from onboard.screens.interviews import InterviewsScreen
from onboard.screens.week import TaskBox, WeekScreen, widget_id
from tests.test_app_support import asynctest, make_app, seed_accounts, settle

SIZE = (120, 40)


async def _settle(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await settle(app)
    await pilot.pause(0.2)


@asynctest
async def test_every_day_and_task_is_listed(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        boxes = list(app.screen.query(TaskBox))
        assert [b.task_def.id for b in boxes] == list(app.catalog.tasks)
        assert app.screen.query_one("#day-2")


@asynctest
async def test_space_ticks_and_persists(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        assert isinstance(app.focused, TaskBox)
        first = app.focused.task_def.id
        await pilot.press("space")
        await _settle(pilot, app)
        assert store.task_overrides(app.session.id)[first] is True
        assert app.snapshot is not None and app.snapshot.progress[0].done == 1
        await pilot.press("space")
        await _settle(pilot, app)
        assert store.task_overrides(app.session.id)[first] is False


@asynctest
async def test_the_data_ticks_a_task_and_the_user_can_untick_it(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        box = app.screen.query_one(f"#{widget_id('list-accounts')}", TaskBox)
        assert box.value is False
        seed_accounts(store, app.session.id)  # Organizations listed, management among them
        app.refresh_week()
        await _settle(pilot, app)
        assert box.value is True
        assert "the data says so" in str(box.label)
        box.focus()
        await pilot.press("space")
        await _settle(pilot, app)
        states = {s.task.id: s for s in week.task_states(app.catalog, store, app.session.id)}
        assert states["list-accounts"].done is False


@asynctest
async def test_focus_shows_the_tasks_help(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        app.screen.query_one(f"#{widget_id('list-accounts')}", TaskBox).focus()
        await pilot.pause()
        body = str(app.screen.query_one("#help-body").render())
        assert "Organizations lists the accounts" in body
        assert "Discovery" in body


@asynctest
async def test_continue_jumps_to_the_first_open_tasks_screen(tmp_path: Path) -> None:
    app, _store = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, InterviewsScreen)
        app.ws.set_task("interview-cto", True)
        app.refresh_week()
        await _settle(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, DiscoveryScreen)


@asynctest
async def test_enter_opens_the_focused_tasks_screen(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        app.screen.query_one(f"#{widget_id('list-accounts')}", TaskBox).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DiscoveryScreen)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, WeekScreen)


@asynctest
async def test_up_and_down_move_between_tasks(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot, app)
        boxes = list(app.screen.query(TaskBox))
        boxes[0].focus()
        await pilot.press("down")
        assert app.focused is boxes[1]
        await pilot.press("down", "down")
        assert app.focused is boxes[3]
        await pilot.press("up")
        assert app.focused is boxes[2]
        value = boxes[2].value
        await pilot.press("space")
        assert boxes[2].value is not value
