"""Resume: a second run on the same database opens where the first one stopped."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, OptionList, Select

from onboard.screens.interviews import InterviewsScreen
from onboard.screens.review import ReviewScreen
from onboard.screens.week import WeekScreen
from tests.test_app_support import asynctest, finding, make_app, seed_scan, settle

SIZE = (120, 40)


async def _settle(pilot, app) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await settle(app)
        await pilot.pause(0.2)


@asynctest
async def test_reopens_review_with_filter_and_selection(tmp_path: Path) -> None:
    db = tmp_path / "resume.db"
    app, store = make_app(tmp_path, db=db)
    seed_scan(store, app.session.id, [finding("s3.versioning", f"b-{i}") for i in range(5)]
              + [finding("ec2.ssh_open", f"sg-{i}") for i in range(5)])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await _settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        screen.query_one("#f-check_id", Select).value = "ec2.ssh_open"
        await _settle(pilot, app)
        screen.query_one(DataTable).move_cursor(row=3)
        await _settle(pilot, app)
        chosen = screen.rows[3].key
        await pilot.press("q")
    store.close()

    app2, _ = make_app(tmp_path, db=db)
    async with app2.run_test(size=SIZE) as pilot:
        await _settle(pilot, app2)
        screen = app2.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.filters.get("check_id") == "ec2.ssh_open"
        assert screen.query_one("#f-check_id", Select).value == "ec2.ssh_open"
        assert screen.current() is not None and screen.current().key == chosen


@asynctest
async def test_reopens_the_interview_prompt(tmp_path: Path) -> None:
    db = tmp_path / "resume.db"
    app, store = make_app(tmp_path, db=db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await _settle(pilot, app)
        await pilot.press("down")
        await _settle(pilot, app)
        await pilot.press("q")
    store.close()
    app2, _ = make_app(tmp_path, db=db)
    async with app2.run_test(size=SIZE) as pilot:
        await _settle(pilot, app2)
        assert isinstance(app2.screen, InterviewsScreen)
        assert app2.screen.current is not None
        assert app2.screen.current.id == "terraform-scope"
        assert app2.screen.query_one(OptionList).highlighted == 1


@asynctest
async def test_bad_saved_state_starts_on_week_with_a_warning(tmp_path: Path) -> None:
    db = tmp_path / "resume.db"
    app, store = make_app(tmp_path, db=db)
    store.update_session(app.session.id, ui_state={"screen": "review",
                                                   "review": {"order": ["not", "a", "str"]}})
    store.close()
    app2, _ = make_app(tmp_path, db=db)
    async with app2.run_test(size=SIZE) as pilot:
        await _settle(pilot, app2)
        assert isinstance(app2.screen, WeekScreen)
        assert any("unreadable" in n.message for n in app2._notifications)
