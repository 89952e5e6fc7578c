"""Pilot tests for Actions: one key chooses a suggestion, editing owner / priority / due /
status, custom actions, unanswered rows, the remediation plan, the decision table export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, DataTable, Input, Select, SelectionList, Static

from onboard import decide, orient
from onboard.decide import ActionStatus
from onboard.screens.actions import ActionModal, ActionsScreen, PlanDetail
from onboard.screens.matrix import ConfirmModal
from tests.helpers import derive, rule_done
from tests.test_app_matrix import plain, seed_org, settle
from tests.test_app_support import asynctest, make_app

SIZE = (120, 40)


async def open_actions(pilot: Any) -> ActionsScreen:
    await pilot.press("8")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ActionsScreen)
    return screen


def _actions(store: Any, app: Any) -> list[decide.Action]:
    return decide.list_actions(store, app.catalog, app.session.id)


def _select(screen: ActionsScreen, key: str) -> None:
    index = next(i for i, e in enumerate(screen.data.entries) if e.key == key)
    screen.query_one(DataTable).move_cursor(row=index)


@asynctest
async def test_space_chooses_the_suggestion(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_actions(pilot)
        entries = screen.data.entries
        assert entries and all(e.status == "suggested" for e in entries)
        assert [e.risk for e in entries] == sorted((e.risk for e in entries), reverse=True)
        unanswered = len(screen.data.unanswered)
        assert unanswered == 5
        _select(screen, "s:enable-s3-versioning")
        keys = [e.key for e in screen.data.entries]
        following = keys[keys.index("s:enable-s3-versioning") + 1]
        await pilot.press("space")
        await settle(pilot)
        [action] = _actions(store, app)
        assert action.action_def == "enable-s3-versioning"
        assert action.status is ActionStatus.CHOSEN
        versioning = next(r for r in orient.matrix(store, app.catalog, app.session.id)
                          if r.check_id == "s3.versioning")
        assert action.row_ids == [versioning.id]
        # one chosen action without an owner does not decide every high-risk row
        assert not rule_done(store, app.catalog, app.session.id, "actions_chosen")
        assert screen.data.entries[0].key == f"a{action.id}"  # chosen ones come first
        current = screen.current()  # the cursor stays in the suggestions: space, down, space
        assert current is not None and current.key == following
        assert len(screen.data.unanswered) == unanswered - 1
        assert "1 decided" in plain(screen.query_one("#actions-summary", Static))
        _select(screen, f"a{action.id}")
        await pilot.press("space")
        await settle(pilot)
        assert any("Already chosen" in n.message for n in app._notifications)
        assert len(_actions(store, app)) == 1


@asynctest
async def test_edit_sets_owner_priority_due_and_status(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_actions(pilot)
        _select(screen, "s:adopt-identity-center")
        await pilot.press("e")  # on a suggestion: choose it with these details
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ActionModal)
        dialog.query_one("#action-owner", Input).value = "haruka"
        dialog.query_one("#action-due", Input).value = "2025-02-30"
        dialog.query_one("#ok", Button).press()
        await pilot.pause()
        assert app.screen is dialog
        assert "date like" in str(dialog.query_one("#action-error").render())
        dialog.query_one("#action-due", Input).value = "2025-02-28"
        dialog.query_one("#action-priority", Select).value = "P2"
        dialog.query_one("#action-status", Select).value = "doing"
        dialog.query_one("#ok", Button).press()
        await settle(pilot)
        [action] = _actions(store, app)
        assert (action.action_def, action.owner, action.due, action.priority,
                action.priority_set, action.status) == (
            "adopt-identity-center", "haruka", "2025-02-28", "P2", True, ActionStatus.DOING)
        await pilot.press("s")
        await settle(pilot)
        assert _actions(store, app)[0].status is ActionStatus.DONE
        row = screen.query_one(DataTable).get_row_at(screen.query_one(DataTable).cursor_row)
        assert [str(c) for c in row[:2]] == ["done", "P2"]


@asynctest
async def test_custom_action_for_a_custom_row(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    sid = app.session.id
    seed_org(store, sid)
    derive(store, app.catalog, sid)
    custom = orient.add_custom_row(store, app.catalog, sid, "The root password is shared",
                                   threat=3, vulnerability=3)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_actions(pilot)
        assert custom.id in [r.id for r in screen.data.unanswered]
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ActionModal)
        dialog.query_one("#action-title", Input).value = "Rotate the root password into 1Password"
        dialog.query_one("#action-status", Select).value = "chosen"
        dialog.query_one("#action-rows", SelectionList).select(custom.id)
        dialog.query_one("#ok", Button).press()
        await settle(pilot)
        [action] = _actions(store, app)
        assert action.custom and action.row_ids == [custom.id]
        assert action.status is ActionStatus.CHOSEN
        assert custom.id not in [r.id for r in screen.data.unanswered]
        detail = screen.query_one(PlanDetail)
        assert "No catalog steps" in plain(detail.query_one("#fix-console-text", Static))
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        app.screen.query_one("#ok", Button).press()
        await settle(pilot)
        assert _actions(store, app) == []


@asynctest
async def test_the_plan_names_the_real_resources(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_actions(pilot)
        _select(screen, "s:enable-s3-versioning")
        await pilot.pause()
        detail = screen.query_one(PlanDetail)
        cli = plain(detail.query_one("#fix-cli-text", Static))
        assert "cap-table-prod" in cli and "static-site" in cli
        assert "{resource_id}" not in cli
        head = plain(detail.query_one("#detail-head", Static))
        assert "space chooses it" in head and "Answers 1 row" in head
        await pilot.press("f")
        await pilot.pause()
        assert detail.query_one("#fix-tabs").active == "fix-cli"  # type: ignore[attr-defined]


@asynctest
async def test_export_writes_the_decision_table(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_actions(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert any("No decisions yet" in n.message for n in app._notifications)
        assert not (tmp_path / "onboard-decisions-acme.md").exists()
        _select(screen, "s:use-instance-roles")
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        path = tmp_path / "onboard-decisions-acme.md"
        text = path.read_text()
        assert text.startswith("# Decision table: acme\n")
        assert "| # | observation | assumed incident | reason | action |" in text
        assert "Use IAM roles for workloads" in text
        assert store.last_activity(app.session.id, "decisions_exported") is not None
        assert any(str(path) in n.message for n in app._notifications)
        assert "decision table exported ✓" in plain(screen.query_one("#actions-summary",
                                                                     Static))
        await pilot.press("X")
        await settle(pilot)
        report = (tmp_path / "onboard-report-acme.md").read_text()
        assert report.startswith("# Onboarding report: acme")


@asynctest
async def test_fix_script_view_shows_and_copies_the_core_script(tmp_path: Path) -> None:
    from textual.widgets import TextArea

    from onboard import fixscript
    from onboard.screens.actions import ScriptModal

    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_actions(pilot)
        _select(screen, "s:enable-s3-versioning")
        await pilot.press("F")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, ScriptModal)
        expected = fixscript.script_for(store, app.catalog, app.session.id,
                                        "enable-s3-versioning")
        area = modal.query_one(TextArea)
        assert area.read_only and area.text == expected
        assert "set -euo pipefail" in expected and "--profile onboard-" in expected
        await pilot.press("y")
        await settle(pilot)
        assert pilot.app.clipboard == expected
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ActionsScreen)
