"""`onboard sso …` on a database filled by hand: JSON contract, edits that survive rescans,
the emitted files, and one-line errors (exit 2) for bad input."""

from __future__ import annotations

import configparser
import json
from pathlib import Path

import pytest

from onboard.cli import main
from onboard.store import Store
from tests.sso_fixtures import DEV, PROD, accounts, acme, sso_region


def scan_into(store: Store, session_id: int, resources=None) -> int:
    scan_id = store.start_scan(session_id, {"account_id": "111111111111", "arn": "x"},
                               ["us-east-1"])
    store.add_batch(scan_id, resources if resources is not None else [*acme(), sso_region()])
    store.finish_scan(scan_id, "complete")
    return scan_id


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "sso.db"
    store = Store.open(path)
    session = store.create_session("acme")
    store.upsert_accounts(session.id, accounts())
    scan_into(store, session.id)
    store.close()
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_json_contract(db: str, capsys) -> None:
    code, out, _ = run(capsys, "sso", "plan", "--format", "json", "--db", db)
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["people", "groups", "permission_sets", "assignments", "excluded",
                          "warnings"]
    assert [p["id"] for p in data["people"]] == ["alice", "bob", "carol", "dave"]
    assert {e["user_name"]: e["kind"] for e in data["excluded"]} == {
        "ci-deployer": "workload", "old-bot": "no-credentials"}


def test_table_and_markdown_formats(db: str, capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "sso", "plan", "--db", db)
    assert code == 0 and "People → Identity Center users" in out and "ci-deployer" in out
    target = tmp_path / "plan.md"
    code, _, err = run(capsys, "sso", "plan", "--format", "markdown", "-o", str(target),
                       "--db", db)
    assert code == 0 and "Wrote the plan" in err
    assert target.read_text().startswith("# IAM Identity Center plan")


def test_edits_persist_and_survive_a_rescan(db: str, capsys) -> None:
    assert run(capsys, "sso", "edit", "rename-group", "developers", "engineers",
               "--db", db)[0] == 0
    assert run(capsys, "sso", "edit", "rename-permission-set", "Acme-developers", "Developer",
               "--db", db)[0] == 0
    assert run(capsys, "sso", "edit", "break-glass", f"{PROD}/alice", "--db", db)[0] == 0
    assert run(capsys, "sso", "edit", "move-user", f"{DEV}/old-bot", "bob", "--db", db)[0] == 0
    assert run(capsys, "sso", "edit", "identity-source", "google", "--db", db)[0] == 0
    store = Store.open(db)
    scan_into(store, store.latest_session().id)  # a rescan: same org, new scan id
    store.close()
    data = json.loads(run(capsys, "sso", "plan", "--format", "json", "--db", db)[1])
    assert {"group": "engineers", "permission_set": "Developer", "account_id": PROD,
            "account_name": "Acme Production", "exists": False} in data["assignments"]
    assert {(e["user_name"], e["kind"]) for e in data["excluded"]} >= {("alice", "break-glass")}
    bob = next(p for p in data["people"] if p["id"] == "bob")
    assert {(u["user_name"], u["account_id"], u["rule"]) for u in bob["users"]} >= {
        ("old-bot", DEV, "mapping")}
    assert not [w for w in data["warnings"] if "matches nothing" in w]
    code, out, _ = run(capsys, "sso", "edit", "list", "--db", db)
    assert code == 0 and len(out.splitlines()) == 5
    assert run(capsys, "sso", "edit", "reset", "rename-group", "developers", "--db", db)[0] == 0
    data = json.loads(run(capsys, "sso", "plan", "--format", "json", "--db", db)[1])
    assert "engineers" not in {g["name"] for g in data["groups"]}


@pytest.mark.parametrize(("args", "message"), [
    (["edit", "rename-group", "nope", "x"], "no group 'nope' in the plan"),
    (["edit", "rename-permission-set", "Acme-developers", "has space"],
     "is not a permission set name"),
    (["edit", "exclude-user", "alice"], "is not ACCOUNT/USER"),
    (["edit", "exclude-user", f"{PROD}/nobody"], "has no IAM user 'nobody'"),
    (["edit", "move-user", f"{PROD}/bob", "two\nlines"], "on one line"),
    (["edit", "identity-source", "ldap"], "identity-center|google"),
    (["edit", "reset", "rename-group", "x"], "no stored edit"),
    (["profiles", "--person", "zed"], "no person 'zed'"),
    (["cutover", "--profile-template", "admin"], "must contain {account_id}"),
    (["cutover", "--days", "0"], "at least 1"),
])
def test_bad_input_is_one_line_exit_2(db: str, capsys, args: list[str], message: str) -> None:
    code, out, err = run(capsys, "sso", *args, "--db", db)
    assert code == 2 and not out
    assert message in err and len(err.strip().splitlines()) == 1


def test_no_scan_is_a_usage_error(tmp_path: Path, capsys) -> None:
    store = Store.open(tmp_path / "empty.db")
    store.create_session("empty")
    store.close()
    code, _, err = run(capsys, "sso", "plan", "--db", str(tmp_path / "empty.db"))
    assert code == 2 and "no scan yet" in err


def test_terraform_profiles_cutover_and_commands_files(db: str, capsys,
                                                       tmp_path: Path) -> None:
    tf = tmp_path / "tf"
    code, out, _ = run(capsys, "sso", "terraform", "-o", str(tf), "--db", db)
    assert code == 0 and "3 permission sets, 3 groups, 5 assignments" in out
    assert sorted(p.name for p in tf.iterdir()) == [
        "assignments.tf", "groups.tf", "identity_center.tf", "permission_sets.tf",
        "providers.tf"]
    code, out, _ = run(capsys, "sso", "profiles", "--person", "Bob", "--db", db)
    parser = configparser.ConfigParser()
    parser.read_string(out)
    assert code == 0 and {parser[s]["sso_account_id"] for s in parser.sections()
                          if s.startswith("profile ")} == {PROD, DEV}
    script = tmp_path / "cut.sh"
    code, _, err = run(capsys, "sso", "cutover", "--person", "bob", "-o", str(script),
                       "--db", db)
    assert code == 0 and "Wrote the cut-over script" in err
    assert "===== Bob (bob) =====" in script.read_text()
    code, out, _ = run(capsys, "sso", "commands", "--db", db)
    assert code == 0 and out.count("create-account-assignment") == 5
