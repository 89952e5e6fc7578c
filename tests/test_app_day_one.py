"""Day one inside the app: bulk triage with the question mark, notes, the policy view, the
Terraform import dialog, a confirmed account removal, failure toasts in plain words."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Input, RadioSet, TextArea

from onboard.app import failure_text
from onboard.aws.session import AwsSetupError
from onboard.models import Account
from onboard.screens.day_one import PolicyModal, TerraformImportModal
from onboard.screens.discovery import DiscoveryScreen
from onboard.screens.matrix import ConfirmModal
from onboard.screens.modals import NoteModal, TriageModal
from onboard.screens.review import ReviewScreen
from onboard.screens.week import TaskBox, WeekScreen, widget_id
from tests.test_app_support import asynctest, finding, make_app, seed_scan, settle

SIZE = (80, 24)


async def _settle(pilot, app) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await settle(app)
        await pilot.pause(0.2)


@asynctest
async def test_bulk_triage_marks_every_selected_finding_question(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_scan(store, app.session.id, [finding("ec2.ssh_open", f"sg-{i}") for i in range(4)])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await _settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("space", "space", "space")
        assert len(screen.selected) == 3
        assert str(screen.query_one(DataTable).get_row_at(0)[0]).startswith("● ")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, TriageModal) and app.screen.count == 3
        radios = list(app.screen.query_one(RadioSet).query("RadioButton"))
        question = next(r for r in radios if r.name == "question")
        question.value = True
        assert "●" in str(question.render()) and "○" in str(radios[0].render())
        app.screen.query_one("#triage-note", Input).value = "ask Kenji"
        await pilot.click("#ok")
        await _settle(pilot, app)
        marks = store.triage(app.session.id)
        assert sorted(k[3] for k, v in marks.items() if v["mark"] == "question") == [
            "sg-0", "sg-1", "sg-2"]
        assert screen.selected == {}


@asynctest
async def test_notes_on_a_task_are_stored_and_shown(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        assert isinstance(app.screen, WeekScreen)
        box = app.screen.query_one(f"#{widget_id('list-accounts')}", TaskBox)
        box.focus()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteModal)
        app.screen.query_one(TextArea).text = "prod and staging only; who owns billing?"
        await pilot.press("ctrl+s")
        await _settle(pilot, app)
        assert store.notes(app.session.id, "task") == {
            "list-accounts": "prod and staging only; who owns billing?"}
        assert "who owns billing" in str(app.screen.query_one("#help-body").render())
        app.ws.set_note("task", "list-accounts", "")
        assert store.notes(app.session.id, "task") == {}


@asynctest
async def test_policy_view_shows_the_guard_policy(tmp_path: Path) -> None:
    from onboard.aws.guard import iam_policy_json

    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.action_show_policy()
        await _settle(pilot, app)
        assert isinstance(app.screen, PolicyModal)
        assert app.screen.query_one(TextArea).text == iam_policy_json()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PolicyModal)


@asynctest
async def test_terraform_import_dialog_reads_several_files(tmp_path: Path) -> None:
    from onboard.demo import TERRAFORM_STATE, terraform_state

    assert json.loads(TERRAFORM_STATE.read_text()) == terraform_state()  # shipped = generated
    second = tmp_path / "staging.tfstate"
    second.write_text(json.dumps({"version": 4, "resources": [{
        "mode": "managed", "type": "aws_s3_bucket", "name": "b",
        "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
        "instances": [{"attributes": {"id": "acme-staging", "bucket": "acme-staging"}}]}]}))
    app, store = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_import_terraform()
        await _settle(pilot, app)
        modal = app.screen
        assert isinstance(modal, TerraformImportModal)
        path_input = modal.query_one("#tf-path", Input)
        for path in (str(TERRAFORM_STATE), str(tmp_path / "nope.tfstate"), str(second)):
            path_input.value = path
            await pilot.press("enter")
            await pilot.pause()
        assert modal.paths == [str(TERRAFORM_STATE), str(second)]  # the missing one: refused
        await pilot.press("enter")  # an empty line imports the list
        await _settle(pilot, app)
        result = str(modal.query_one("#tf-result").render())
        assert "Read 11 AWS resources" in result and "Read 1 AWS resources" in result
        assert len(store.tf_resources(app.session.id)) == 12


@asynctest
async def test_path_completion_suggests_state_files(tmp_path: Path) -> None:
    from onboard.screens.day_one import PathSuggester

    (tmp_path / "prod.tfstate").write_text("{}")
    (tmp_path / "infra").mkdir()
    suggester = PathSuggester()
    assert await suggester.get_suggestion(str(tmp_path / "pr")) == str(tmp_path / "prod.tfstate")
    assert await suggester.get_suggestion(str(tmp_path / "inf")) == str(tmp_path / "infra") + "/"


@asynctest
async def test_removing_a_hand_added_account_asks_first(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    app.ws.add_account(Account(account_id="444455556666", name="billing", source="manual",
                               known_before=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await _settle(pilot, app)
        assert isinstance(app.screen, DiscoveryScreen)
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        await _settle(pilot, app)
        assert [a.account_id for a in store.accounts(app.session.id)] == ["444455556666"]
        await pilot.press("delete")
        await pilot.pause()
        await pilot.click("#ok")
        await _settle(pilot, app)
        assert store.accounts(app.session.id) == []


def test_failure_toasts_say_what_went_wrong_without_class_names() -> None:
    text = failure_text(AwsSetupError("no credentials: run `aws sso login`"))
    assert text == "no credentials: run `aws sso login`"
    assert "Error" not in failure_text(RuntimeError(""))
