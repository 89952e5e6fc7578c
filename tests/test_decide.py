"""Decide: suggested and custom actions, priorities, the decision table, remediation
snippets with real names, and `onboard actions` on the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onboard import assets, catalog, cli, decide, orient
from onboard.assets import RowResource
from onboard.catalog import Catalog
from onboard.decide import ActionStatus, DecideError
from onboard.models import Finding, Status
from onboard.remediation import TfIndex, dedupe_hcl, hcl_escape, plan, tf_name
from onboard.store import Store
from tests.helpers import derive, record_scan

PROD = "111111111111"
TALK_FOUR = ["adopt-identity-center", "use-instance-roles", "enable-s3-block-public-access",
             "enable-s3-versioning"]


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return catalog.load()


def fail(cat: Catalog, check_id: str, resource_id: str, region: str = "global",
         rtype: str = "", arn: str | None = None, tf: str | None = None) -> Finding:
    return Finding(check_id=check_id, status=Status.FAIL,
                   severity=cat.checks[check_id].severity, account_id=PROD, region=region,
                   resource_id=resource_id, resource_arn=arn, resource_type=rtype,
                   message="m", terraform_address=tf)


def talk_findings(cat: Catalog) -> list[Finding]:
    """The talk's four observations (plus the EC2 instance without a role)."""
    return [fail(cat, "iam.human_users", u, rtype="iam.user")
            for u in ("haruka.sato", "kenji.ito", "mei.tanaka")] + [
        fail(cat, "iam.user_access_keys", "kenji.ito", rtype="iam.user"),
        fail(cat, "iam.workload_users", "ec2-app", rtype="iam.user"),
        fail(cat, "ec2.instance_profile", "i-0abc123", region="ap-northeast-1",
             rtype="ec2.instance"),
        fail(cat, "s3.bucket_public_access_block", "cap-table-prod", rtype="s3.bucket"),
        fail(cat, "s3.versioning", "cap-table-prod", rtype="s3.bucket",
             arn="arn:aws:s3:::cap-table-prod"),
    ]


def scan(store: Store, sid: int, findings: list[Finding]) -> int:
    return record_scan(store, sid, findings, identity={"account_id": PROD})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "d.db")
    yield s
    s.close()


@pytest.fixture
def sid(store: Store, cat: Catalog) -> int:
    session = store.create_session("talk", person="sre", started="2025-01-06")
    scan(store, session.id, talk_findings(cat))
    derive(store, cat, session.id)
    return session.id


def rows_by_check(store: Store, cat: Catalog, sid: int) -> dict[str, orient.MatrixRow]:
    return {r.check_id: r for r in orient.matrix(store, cat, sid)}


# --- suggestions and choosing -------------------------------------------------------------


def test_the_talks_four_actions_are_suggested_for_its_four_rows(store: Store, sid: int,
                                                                cat: Catalog) -> None:
    found = {s.id: s for s in decide.suggestions(store, cat, sid)}
    assert set(found) == set(TALK_FOUR)
    rows = rows_by_check(store, cat, sid)
    assert found["adopt-identity-center"].check_ids == ["iam.human_users",
                                                        "iam.user_access_keys"]
    assert found["use-instance-roles"].check_ids == ["ec2.instance_profile",
                                                     "iam.workload_users"]
    assert found["enable-s3-block-public-access"].row_ids == [
        rows["s3.bucket_public_access_block"].id]
    assert found["enable-s3-versioning"].row_ids == [rows["s3.versioning"].id]
    for s in found.values():
        assert s.best_risk == max(rows[c].score for c in s.check_ids)
        assert s.priority == decide.priority_for(s.best_risk)
        assert s.action_id is None


def test_choosing_creates_a_chosen_action_linked_to_its_rows(store: Store, sid: int,
                                                             cat: Catalog) -> None:
    action = decide.choose(store, cat, sid, "adopt-identity-center", owner="CTO",
                           due="2025-01-31")
    rows = rows_by_check(store, cat, sid)
    assert action.status is ActionStatus.CHOSEN
    assert action.title == cat.actions["adopt-identity-center"].title
    assert set(action.row_ids) == {rows["iam.human_users"].id,
                                   rows["iam.user_access_keys"].id}
    assert (action.owner, action.due, action.action_def) == ("CTO", "2025-01-31",
                                                             "adopt-identity-center")
    again = decide.choose(store, cat, sid, "adopt-identity-center")
    assert again.id == action.id and again.owner == "CTO", "choosing twice is harmless"
    assert len(decide.list_actions(store, cat, sid)) == 1
    s = next(s for s in decide.suggestions(store, cat, sid) if s.id == again.action_def)
    assert (s.action_id, s.status) == (action.id, ActionStatus.CHOSEN)


def test_choose_by_number_and_unknown_ids(store: Store, sid: int, cat: Catalog) -> None:
    rows = rows_by_check(store, cat, sid)
    custom = decide.add_action(store, cat, sid, "Rotate the deploy key",
                               row_ids=[rows["iam.workload_users"].id])
    assert custom.status is ActionStatus.PROPOSED and custom.custom
    assert decide.choose(store, cat, sid, str(custom.id)).status is ActionStatus.CHOSEN
    decide.update_action(store, cat, sid, custom.id, status="in progress")
    assert decide.choose(store, cat, sid, custom.id).status is ActionStatus.DOING, \
        "choosing never moves work backwards"
    with pytest.raises(DecideError, match="unknown action 'nope'"):
        decide.resolve_refs(store, cat, sid, ["enable-s3-versioning", "nope"])
    with pytest.raises(DecideError, match="harden-rds answers no open matrix row"):
        decide.choose(store, cat, sid, "harden-rds")
    with pytest.raises(DecideError, match="no action 99"):
        decide.resolve_refs(store, cat, sid, ["99"])
    assert decide.resolve_refs(store, cat, sid, ["all", "enable-s3-versioning"]) == [
        s.id for s in decide.suggestions(store, cat, sid)]


def test_priority_follows_the_best_row_unless_set(store: Store, sid: int,
                                                  cat: Catalog) -> None:
    assert [decide.priority_for(n) for n in (27, 12, 8, 6, 4, 1)] == [
        "P1", "P1", "P2", "P2", "P3", "P3"]
    action = decide.choose(store, cat, sid, "enable-s3-versioning")
    assert not action.priority_set and action.priority == decide.priority_for(
        action.best_risk)
    assets.add_asset(store, sid, "investor cap tables", 3, links=["pattern:cap-table-*"])
    row = rows_by_check(store, cat, sid)["s3.versioning"]
    orient.edit_row(store, cat, sid, row.id, threat=3, vulnerability=3)
    action = decide.get_action(store, cat, sid, action.id)
    assert (action.best_risk, action.priority) == (27, "P1")
    action = decide.update_action(store, cat, sid, action.id, priority="p3")
    assert (action.priority, action.priority_set) == ("P3", True)
    assert decide.update_action(store, cat, sid, action.id, priority="").priority == "P1"


def test_action_input_is_validated(store: Store, sid: int, cat: Catalog) -> None:
    action = decide.add_action(store, cat, sid, "Write the runbook", status="chosen")
    with pytest.raises(DecideError, match="ISO date"):
        decide.update_action(store, cat, sid, action.id, due="next friday")
    with pytest.raises(DecideError, match="status must be one of"):
        decide.update_action(store, cat, sid, action.id, status="maybe")
    with pytest.raises(DecideError, match="priority"):
        decide.update_action(store, cat, sid, action.id, priority="urgent")
    with pytest.raises(DecideError, match="no matrix row 999"):
        decide.update_action(store, cat, sid, action.id, row_ids=[999])
    with pytest.raises(DecideError, match="cannot edit"):
        decide.update_action(store, cat, sid, action.id, action_def="x")
    assert decide.update_action(store, cat, sid, action.id,
                                status="won't do").status is ActionStatus.WONT
    assert ActionStatus.WONT.label == "won't do" and ActionStatus.DOING.label == "in progress"
    decide.delete_action(store, cat, sid, action.id)
    assert decide.list_actions(store, cat, sid) == []


def test_decision_table_is_one_line_per_row_in_risk_order(store: Store, sid: int,
                                                          cat: Catalog) -> None:
    for ref in TALK_FOUR:
        decide.choose(store, cat, sid, ref)
    decide.add_action(store, cat, sid, "Just an idea")  # proposed: not a decision
    wont = decide.add_action(store, cat, sid, "Buy a WAF", status="wont")
    lines = decide.decision_table(store, cat, sid)
    rows = orient.matrix(store, cat, sid)
    answered = [ln for ln in lines if ln.row_id is not None]
    assert [ln.row_id for ln in answered] == [r.id for r in rows]
    assert all(ln.status is ActionStatus.CHOSEN for ln in answered)
    assert lines[-1].action_id == wont.id and lines[-1].observation == ""
    assert "Just an idea" not in [ln.action for ln in lines]
    by_check = {ln.check_id: ln.action for ln in answered}
    assert by_check["iam.human_users"] == cat.actions["adopt-identity-center"].title
    assert by_check["iam.workload_users"] == cat.actions["use-instance-roles"].title
    assert by_check["s3.bucket_public_access_block"] == cat.actions[
        "enable-s3-block-public-access"].title
    assert by_check["s3.versioning"] == cat.actions["enable-s3-versioning"].title


# --- remediation --------------------------------------------------------------------------


def test_tf_name_is_a_safe_identifier() -> None:
    assert tf_name("cap-table-prod") == "cap_table_prod"
    assert tf_name("123-Backups") == "r_123_backups"
    assert tf_name("---") == "resource"
    assert tf_name("i-0ABC.x y") == "i_0abc_x_y"
    assert hcl_escape('a"b\\c${x}%{y}') == 'a\\"b\\\\c$${x}%%{y}'


def test_snippets_quote_every_placeholder(cat: Catalog) -> None:
    nasty = RowResource(account_id=PROD, region="global", resource_id="ops'; rm -rf ~ #",
                        resource_type="iam.user")
    p = plan(cat.actions["adopt-identity-center"], cat.checks,
             [("iam.human_users", [nasty])], TfIndex([]))
    snippet = p.resources[0]
    assert "--user-name 'ops'\"'\"'; rm -rf ~ #'" in snippet.cli
    assert "rm -rf ~ #\n" not in snippet.cli.replace("'\n", "")
    assert 'aws_iam_user "ops\'; rm -rf ~ #"' in snippet.terraform
    assert '"ops_rm_rf"' in snippet.terraform, "tf_name in resource labels"
    # the action-level steps are there once, then the resource's
    assert p.all_cli.startswith(p.cli) and "# iam.human_users: ops'; rm -rf ~ #" in p.all_cli


def test_terraform_managed_resources_are_pointed_at(store: Store, sid: int,
                                                    cat: Catalog) -> None:
    store.replace_tf_resources(sid, [
        {"address": "module.data.aws_s3_bucket.cap_tables", "type": "aws_s3_bucket",
         "name": "cap_tables", "module": "module.data", "index_key": "",
         "resource_id": "cap-table-prod", "arn": "arn:aws:s3:::cap-table-prod",
         "source": "state.json"},
        {"address": "aws_iam_user.ec2_app", "type": "aws_iam_user", "name": "ec2_app",
         "module": "", "index_key": "", "resource_id": "ec2-app", "arn": "",
         "source": "state.json"}])
    versioning = decide.choose(store, cat, sid, "enable-s3-versioning")
    p = decide.remediation_plan(store, cat, sid, versioning)
    assert p.resources[0].terraform_address == "module.data.aws_s3_bucket.cap_tables"
    assert "managed by `module.data.aws_s3_bucket.cap_tables`: add these blocks" in \
        p.all_terraform
    # since provider v4 versioning is its own resource: a new block, not an edit
    assert 'resource "aws_s3_bucket_versioning" "cap_table_prod"' in p.all_terraform
    assert 'bucket = "cap-table-prod"' in p.all_terraform  # inside a module: by name
    assert "--bucket cap-table-prod" in p.all_cli
    roles = decide.choose(store, cat, sid, "use-instance-roles")
    p = decide.remediation_plan(store, cat, sid, roles)
    managed = {s.resource.resource_id: s.terraform_address for s in p.resources}
    assert managed == {"ec2-app": "aws_iam_user.ec2_app", "i-0abc123": None}
    assert "--region ap-northeast-1" in p.all_cli


def test_a_finding_with_an_address_needs_no_state(cat: Catalog) -> None:
    res = RowResource(account_id=PROD, region="global", resource_id="b",
                      terraform_address="module.x.aws_s3_bucket.y")
    p = plan(None, cat.checks, [("s3.versioning", [res])], TfIndex([]))
    assert "managed by `module.x.aws_s3_bucket.y`" in p.all_terraform


def test_repeated_terraform_blocks_are_declared_once() -> None:
    a = 'data "aws_x" "this" {}\n\nresource "aws_y" "a" {\n  n = 1\n}'
    b = 'data "aws_x" "this" {}\n\nresource "aws_y" "b" {\n  n = 2\n}'
    out = dedupe_hcl([a, b, a])
    assert out[0] == a
    assert out[1].startswith('# (data "aws_x" "this" is declared above)')
    assert 'resource "aws_y" "b"' in out[1]
    assert "n = 1" not in out[2] and '# (resource "aws_y" "a" is declared above)' in out[2]


# --- CLI ----------------------------------------------------------------------------------


def run_cli(db: Path, *argv: str) -> int:
    return cli.main([*argv, "--db", str(db)])


def test_cli_suggest_choose_list(store: Store, sid: int, cat: Catalog,
                                 capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    db = store.path
    assert run_cli(db, "actions", "suggest") == 0
    out = capsys.readouterr().out
    assert all(ref in out for ref in TALK_FOUR)
    assert "Choose with: onboard actions choose" in out
    assert run_cli(db, "actions", "choose", *TALK_FOUR, "--owner", "sre",
                   "--due", "2025-01-10") == 0
    out = capsys.readouterr().out
    assert out.count(": chosen,") == 4
    assert run_cli(db, "actions", "list") == 0
    out = capsys.readouterr().out
    assert "Adopt IAM Identity Center" in out and "2025-01-10" in out
    assert run_cli(db, "actions", "choose", "1") == 0


@pytest.mark.parametrize(("argv", "message"), [
    (["actions", "choose", "enable-s3-versioning", "bogus"], "unknown action 'bogus'"),
    (["actions", "choose"], "needs an ID"),
    (["actions", "list", "x"], "takes no IDs"),
    (["actions", "suggest", "--owner", "me"], "--owner only go with"),
    (["actions", "choose", "enable-s3-versioning", "--due", "soon"], "ISO date"),
    (["actions", "list", "--session", "nobody"], "no session named 'nobody'"),
])
def test_cli_errors_are_one_line_exit_2(store: Store, sid: int, argv: list[str],
                                        message: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(store.path, *argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert decide.list_actions(store, catalog.load(), sid) == [], "nothing half-chosen"


def test_cli_suggest_without_a_scan(tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    s = Store.open(tmp_path / "empty.db")
    s.create_session("new")
    assert run_cli(s.path, "actions", "suggest") == 2
    assert "has no scan yet" in capsys.readouterr().err


def test_action_steps_are_rendered_once_per_account_they_name(cat: Catalog) -> None:
    rows = [("s3.account_public_access_block",
             [RowResource(account_id=acct, region="global", resource_id=acct)])
            for acct in (PROD, "222222222222")]
    p = plan(cat.actions["enable-s3-block-public-access"], cat.checks, rows, TfIndex([]))
    assert "# For account 111111111111\n" in p.cli and "# For account 222222222222\n" in p.cli
    assert p.cli.count("--account-id 222222222222") == 1
    one = plan(cat.actions["enable-s3-versioning"], cat.checks,
               [("s3.versioning", [RowResource(account_id=PROD, resource_id="a"),
                                   RowResource(account_id="2", resource_id="b")])],
               TfIndex([]))
    assert "# For" not in one.cli, "a template without placeholders is shown once"
