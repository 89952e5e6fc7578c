"""The week plan ticks only what is true: each task's "Done when" is a rule over the store,
the user's own tick wins, and `onboard week` says why an open task is open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onboard import catalog as catalog_mod
from onboard import orient, week
from onboard.cli import main
from onboard.models import Finding, Severity, Status
from onboard.store import Store
from onboard.workspace import Workspace
from tests.helpers import record_scan

PROD = "111111111111"


@pytest.fixture(scope="module")
def catalog() -> catalog_mod.Catalog:
    return catalog_mod.load()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "week.db")


def state(catalog: catalog_mod.Catalog, store: Store, sid: int, task: str) -> week.TaskState:
    return next(s for s in week.task_states(catalog, store, sid) if s.task.id == task)


def fail(check: str, rid: str, rtype: str = "x") -> Finding:
    return Finding(check_id=check, status=Status.FAIL, severity=Severity.HIGH,
                   account_id=PROD, region="global", resource_id=rid, resource_type=rtype,
                   message=f"{rid} fails {check}")


def test_nothing_is_done_on_a_new_session(store: Store, catalog: catalog_mod.Catalog) -> None:
    sid = store.create_session("new").id
    states = week.task_states(catalog, store, sid)
    assert not any(s.done for s in states)
    scan = state(catalog, store, sid, "run-resource-review")
    assert scan.by == "derived" and "no scan yet" in scan.reason
    assert week.current_day(catalog, store, sid) == 1


def test_choose_actions_needs_every_high_risk_row_decided_with_owner_and_date(
        store: Store, catalog: catalog_mod.Catalog) -> None:
    sid = store.create_session("s").id
    record_scan(store, sid, [fail("s3.bucket_public", "open-bucket", "s3.bucket"),
                             fail("ec2.ssh_open", "sg-1", "ec2.security_group"),
                             fail("s3.versioning", "b1", "s3.bucket")])
    rows = orient.matrix(store, catalog, sid)
    high = [r for r in rows if r.score >= week.HIGH_RISK_FROM]
    assert len(high) >= 2, [(r.check_id, r.score) for r in rows]
    ws = Workspace(store, catalog, sid)
    ws.choose("enable-s3-block-public-access")
    task = state(catalog, store, sid, "choose-actions")
    assert not task.done
    assert "high-risk rows still without a decision" in task.reason
    assert "no owner or due date" in task.reason
    for action in ws.choose_many(["all"], owner="sre", due="2025-02-01"):
        assert action.owner == "sre"
    left = [r for r in orient.matrix(store, catalog, sid)
            if r.score >= week.HIGH_RISK_FROM and r.status == "open"]
    for r in left:
        ws.add_action(f"Decide {r.check_id}", row_ids=[r.id], status="chosen",
                      owner="cto", due="2025-02-15")
    task = state(catalog, store, sid, "choose-actions")
    assert task.done and task.by == "derived", task.reason


def test_the_decision_table_must_be_exported_after_the_last_change(
        store: Store, catalog: catalog_mod.Catalog, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    sid = store.create_session("d").id
    args = ["--db", str(store.path), "export", "--only", "decisions"]
    assert main(args) == 0  # an export of an empty session
    share = state(catalog, store, sid, "share-decision-table")
    assert not share.done and "no decision" in share.reason
    record_scan(store, sid, [fail("s3.versioning", "b1", "s3.bucket")])
    ws = Workspace(store, catalog, sid)
    ws.choose("enable-s3-versioning")
    assert main(args) == 0
    assert state(catalog, store, sid, "share-decision-table").done
    ws.update_action(ws.choose("enable-s3-versioning").id, owner="sre")
    share = state(catalog, store, sid, "share-decision-table")
    assert not share.done and "changed after the last export" in share.reason
    capsys.readouterr()


def test_review_the_matrix_is_a_statement_not_an_edit(store: Store,
                                                     catalog: catalog_mod.Catalog) -> None:
    sid = store.create_session("m").id
    record_scan(store, sid, [fail("s3.versioning", "b1", "s3.bucket")])
    ws = Workspace(store, catalog, sid)
    row = orient.matrix(store, catalog, sid)[0]
    ws.edit_row(row.id, reason="one delete away")
    assert not state(catalog, store, sid, "review-the-matrix").done
    ws.mark_matrix_reviewed()
    assert state(catalog, store, sid, "review-the-matrix").done
    record_scan(store, sid, [fail("s3.versioning", "b1", "s3.bucket"),
                             fail("ec2.ssh_open", "sg-9", "ec2.security_group")])
    again = state(catalog, store, sid, "review-the-matrix")
    assert not again.done and "added since you marked" in again.reason


def test_an_interview_follow_up_without_notes_is_not_an_answer(
        store: Store, catalog: catalog_mod.Catalog) -> None:
    sid = store.create_session("i").id
    ws = Workspace(store, catalog, sid)
    for p in catalog.prompts:
        ws.save_answer(p.id, "noted", "answered")
    assert state(catalog, store, sid, "interview-the-engineer-who-knows").done
    ws.save_answer(catalog.prompts[0].id, "", "follow-up")
    task = state(catalog, store, sid, "interview-the-engineer-who-knows")
    assert not task.done and f"1 of {len(catalog.prompts)}" in task.reason


def test_the_users_own_tick_wins_and_can_be_given_back(
        store: Store, catalog: catalog_mod.Catalog) -> None:
    sid = store.create_session("u").id
    ws = Workspace(store, catalog, sid)
    ws.set_task("run-resource-review", True)
    task = state(catalog, store, sid, "run-resource-review")
    assert task.done and task.by == "user" and "no scan yet" in task.reason
    record_scan(store, sid, [fail("s3.versioning", "b1", "s3.bucket")])
    ws.set_task("run-resource-review", False)
    assert not state(catalog, store, sid, "run-resource-review").done
    ws.set_task("run-resource-review", None)
    task = state(catalog, store, sid, "run-resource-review")
    assert task.done and task.by == "derived"


def test_triage_counts_every_fail_including_questions(store: Store,
                                                     catalog: catalog_mod.Catalog) -> None:
    sid = store.create_session("t").id
    findings = [fail("s3.versioning", "b1", "s3.bucket"), fail("s3.versioning", "b2",
                                                               "s3.bucket")]
    record_scan(store, sid, findings)
    ws = Workspace(store, catalog, sid)
    ws.set_triage(findings[0], "confirmed", "")
    task = state(catalog, store, sid, "triage-findings")
    assert not task.done and "1 of 2 FAILs not triaged" in task.reason
    ws.set_triage(findings[1], "question", "ask the CTO")
    assert state(catalog, store, sid, "triage-findings").done


@pytest.mark.slow
def test_week_json_on_the_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's proof: the demo scan + one chosen action leaves the high-risk task open
    with its reason; answering every high-risk row closes it."""
    db = str(tmp_path / "demo.db")
    assert main(["demo", "--headless", "--db", db]) in (0, 1)
    assert main(["actions", "choose", "enable-s3-block-public-access", "--owner", "sre",
                 "--due", "2030-01-31", "--db", db]) == 0
    capsys.readouterr()
    assert main(["week", "--format", "json", "--db", db]) == 0
    tasks = {t["id"]: t for t in json.loads(capsys.readouterr().out)["tasks"]}
    choose = tasks["choose-actions"]
    assert (choose["done"], choose["by"], choose["rule"]) == (False, "derived",
                                                              "actions_chosen")
    assert "high-risk rows still without a decision" in choose["reason"]
    assert tasks["run-resource-review"]["done"] is True

    assert main(["actions", "choose", "all", "--owner", "sre", "--due", "2030-01-31",
                 "--db", db]) == 0
    store = Store.open(db)
    catalog = catalog_mod.load()
    sid = store.session_by_name("demo").id  # type: ignore[union-attr]
    ws = Workspace(store, catalog, sid)
    for r in orient.matrix(store, catalog, sid):
        if r.score >= week.HIGH_RISK_FROM and r.status == "open":
            ws.add_action(f"Decide: {r.title}", row_ids=[r.id], status="chosen",
                          owner="cto", due="2030-02-28")
    store.close()
    capsys.readouterr()
    assert main(["week", "--format", "json", "--db", db]) == 0
    tasks = {t["id"]: t for t in json.loads(capsys.readouterr().out)["tasks"]}
    assert tasks["choose-actions"]["done"] is True, tasks["choose-actions"]["reason"]
