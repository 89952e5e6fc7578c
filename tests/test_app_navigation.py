"""Pilot tests: moving between screens by number, letter, tab click, palette; help."""

from __future__ import annotations

from pathlib import Path

from onboard.screens import SCREENS, screen_class
from onboard.screens.discovery import DiscoveryScreen
from onboard.screens.help import HelpModal
from onboard.screens.interviews import InterviewsScreen
from onboard.screens.review import ReviewScreen
from onboard.screens.week import WeekScreen
from onboard.screens.widgets import TopBar
from tests.test_app_support import asynctest, make_app, seed_scan, settle

SIZE = (120, 40)


@asynctest
async def test_starts_on_week_and_number_keys_switch_screens(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WeekScreen)
        for key, kind in (("2", DiscoveryScreen), ("3", InterviewsScreen),
                          ("4", ReviewScreen), ("1", WeekScreen)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, kind), key


@asynctest
async def test_mnemonic_keys_and_tab_clicks(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DiscoveryScreen)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.click("#tab-interviews")
        await pilot.pause()
        assert isinstance(app.screen, InterviewsScreen)
        await pilot.click("#tab-week")
        await pilot.pause()
        assert isinstance(app.screen, WeekScreen)


def test_registry_keys_are_unique() -> None:
    keys = [s.key for s in SCREENS] + [s.mnemonic for s in SCREENS if s.mnemonic]
    assert len(keys) == len(set(keys))
    assert [s.id for s in SCREENS][:4] == ["week", "discovery", "interviews", "review"]


@asynctest
async def test_header_shows_session_identity_and_day(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_scan(store, app.session.id, [])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        text = str(app.screen.query_one(TopBar).render())
        assert "acme" in text
        assert "user/newcomer @ 111111111111" in text
        assert "Day 2" in text, "a finished scan (a day-2 task) puts the week on day 2"


@asynctest
async def test_header_says_not_scanned_yet(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert "not scanned yet" in str(app.screen.query_one(TopBar).render())


@asynctest
async def test_help_shows_the_current_screens_text(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        assert "Review" in app.screen.target.HELP
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


@asynctest
async def test_command_palette_goes_to_a_screen(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Go to Interviews")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, InterviewsScreen)


@asynctest
async def test_palette_lists_every_action(tmp_path: Path) -> None:
    from onboard.screens.commands import OnboardCommands

    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        provider = OnboardCommands(app.screen)
        commands = provider.commands()
        names = {name for name, _, _ in commands}
        for wanted in ("Start scan", "Cancel scan", "Switch session", "Add account",
                       "Continue with the next task", "Go to Week", "Go to Review",
                       "Export report", "Export decisions", "Show policy",
                       "Import Terraform state", "Go to Identity Center",
                       "Review: Triage", "Matrix: Note", "Week: Note",
                       "Architecture: Export diagram", "Identity Center: Leave out"):
            assert wanted in names
        assert any(n.startswith("Jump to task: ") for n in names)
        # every screen's own keys are there, each with its key
        for s in SCREENS:
            for b in screen_class(s.id).BINDINGS:
                if b.description and not b.action.startswith("app.") and b.action not in (
                        "escape", "move_task(1)", "move_task(-1)", "toggle_task"):
                    found = [h for n, h, _ in commands if n == f"{s.title}: {b.description}"]
                    assert found and found[0].startswith(b.key_display or b.key), (s.id, b)


@asynctest
async def test_the_palette_finds_export_policy_triage(tmp_path: Path) -> None:
    from onboard.screens.commands import OnboardCommands

    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        provider = OnboardCommands(app.screen)
        for query, wanted in (("export", "Export report"), ("decision", "Export decisions"),
                              ("policy", "Show policy"), ("triage", "Review: Triage"),
                              ("terraform", "Import Terraform state")):
            hits = [h async for h in provider.search(query)]
            assert any(wanted in str(h.match_display) for h in hits), query


KEY_MEANINGS = {
    "a": ("add",), "e": ("edit", "rename"), "n": ("note",), "o": ("sort", "order"),
    "r": ("scan",), "space": ("knew", "tick", "choose", "select"), "x": ("export",),
    "delete": ("delete", "remove"), "escape": ("cancel", "back"), "s": ("status",),
    "f": ("fix",), "y": ("copy",), "enter": ("open",),
}
"""A key used on several screens means the same thing on each."""


def test_one_key_means_one_thing_app_wide() -> None:
    from collections import defaultdict

    from onboard.screens.base import GLOBAL_KEYS

    seen: dict[str, set[str]] = defaultdict(set)
    for s in SCREENS:
        for b in screen_class(s.id).BINDINGS:
            for key in b.key.split(","):
                assert key not in GLOBAL_KEYS and key != "X", (s.id, key)
                if key in KEY_MEANINGS:
                    assert any(w in b.description.lower() for w in KEY_MEANINGS[key]), (
                        s.id, key, b.description)
                else:
                    seen[key].add(s.id)
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}


@asynctest
async def test_unknown_task_screen_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.go("no-such-screen")
        await pilot.pause()
        assert isinstance(app.screen, WeekScreen)


@asynctest
async def test_switch_session_to_a_new_one_and_back(tmp_path: Path) -> None:
    from textual.widgets import Input, OptionList

    from onboard.screens.modals import SessionModal

    app, store = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_switch_session()
        await settle(app)
        await pilot.pause(0.2)
        assert isinstance(app.screen, SessionModal)
        app.screen.query_one(Input).value = "second"
        await pilot.click("#ok")
        await settle(app)
        await pilot.pause(0.3)
        assert app.session.name == "second"
        assert "second" in str(app.screen.query_one(TopBar).render())
        app.action_switch_session()
        await settle(app)
        await pilot.pause(0.2)
        options = app.screen.query_one(OptionList)
        index = next(i for i in range(options.option_count)
                     if "acme" in str(options.get_option_at_index(i).prompt))
        options.highlighted = index
        await pilot.press("enter")
        await settle(app)
        await pilot.pause(0.3)
        assert app.session.name == "acme"
    assert {s.name for s in store.sessions()} == {"acme", "second"}
