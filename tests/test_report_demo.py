"""The demo org's decision table and report, as golden files a reviewer reads top to bottom.

The demo is built in-process (`onboard demo --headless`) with moto's random ids seeded, the
store's clock frozen and the session's start date fixed, then the talk's four actions are
chosen with owners and due dates. Only the Mermaid diagram (tested in test_diagram.py; the
default VPCs moto creates lazily during the threaded scan get unseeded ids) is replaced by a
placeholder. Regenerate with ONBOARD_UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from onboard import catalog as catalog_mod
from onboard import cli, decide
from onboard import export as export_mod
from onboard import store as store_mod
from onboard.store import Store
from onboard.workspace import Workspace
from tests.test_export import assert_valid_tables, check_golden, render

pytestmark = pytest.mark.moto

TALK_ACTIONS = (  # the talk's four decisions, with who and when
    ("enable-s3-block-public-access", "Aiko (SRE)", "2026-01-09"),
    ("enable-s3-versioning", "Aiko (SRE)", "2026-01-09"),
    ("adopt-identity-center", "Ken (CTO)", "2026-01-16"),
    ("use-instance-roles", "Mika (tech lead)", "2026-01-23"),
)
_MERMAID = re.compile(r"```mermaid\n.*?\n```", re.S)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, int]]:
    from moto.moto_api._internal import mock_random

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    with pytest.MonkeyPatch.context() as mp:
        for var, value in (("AWS_ACCESS_KEY_ID", "testing"),
                           ("AWS_SECRET_ACCESS_KEY", "testing"),
                           ("AWS_DEFAULT_REGION", "us-east-1")):
            mp.setenv(var, value)
        for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "ONBOARD_CHECKLISTS"):
            mp.delenv(var, raising=False)
        mp.setattr(store_mod, "now", lambda: "2026-01-06T09:00:00+00:00")
        setup = Store.open(db)
        setup.create_session("demo", started="2026-01-05")
        setup.close()
        mock_random.seed(20260105)
        assert cli.main(["demo", "--headless", "--db", str(db), "--person", "Aiko Ito"]) \
            in (0, 1)  # 1: some checks errored (moto lacks Access Analyzer)
        for action, owner, due in TALK_ACTIONS:
            assert cli.main(["actions", "choose", action, "--owner", owner, "--due", due,
                             "--db", str(db)]) == 0
        store = Store.open(db)
        sid = store.session_by_name("demo").id  # type: ignore[union-attr]
        ws = Workspace(store, catalog_mod.load(), sid)
        ws.save_answer("accounts", "Four accounts: production, staging, a management "
                                   "account for billing and a sandbox.", "answered")
        ws.set_interviewee("accounts", "Ken (CTO)")
        ws.save_answer("root-user", "", "follow-up")
        yield store, sid
        store.close()


def _stable(text: str) -> str:
    return _MERMAID.sub("```mermaid\n(the diagram: see test_diagram.py)\n```", text)


def test_demo_decision_table_golden(demo: tuple[Store, int]) -> None:
    store, sid = demo
    cat = catalog_mod.load()
    text = export_mod.export(store, cat, sid, "markdown", only="decisions")
    check_golden("demo-decisions.md", text)
    table = decide.decisions(store, cat, sid)
    assert len(table.decisions) == 4, "one row per decision, not per matrix row"
    assert [d.action_def for d in table.decisions] == [
        "enable-s3-block-public-access", "adopt-identity-center", "use-instance-roles",
        "enable-s3-versioning"], "ordered by the highest risk each answers"
    assert all(d.owner and d.due for d in table.decisions)
    sso = next(d for d in table.decisions if d.action_def == "adopt-identity-center")
    human = next(r for r in sso.rows if r.check_id == "iam.human_users")
    assert re.match(r"\d+ people \(\d+ IAM users in \d+ accounts\) sign in with IAM users",
                    human.observation), human.observation
    undecided = {r.check_id for r in table.undecided}
    assert {"ec2.ssh_open", "ec2.sg_open_ports"} <= undecided, "SSH open has no decision"
    assert all(r.risk >= decide.HIGH_RISK_FROM for r in table.undecided)
    assert "Session **demo** · person: Aiko Ito · 2026-01-06 · scan #1 (complete)" in text
    assert assert_valid_tables(render(text)[1]) == 2


def test_demo_report_golden(demo: tuple[Store, int]) -> None:
    store, sid = demo
    cat = catalog_mod.load()
    text = export_mod.export(store, cat, sid, "markdown")
    check_golden("demo-report.md", _stable(text))
    summary = text.split("\n## Decision table", 1)[0]
    assert summary.count("\n") < 40, "the executive summary fits one screen"
    assert "- **Person:** Aiko Ito" in text and "root" not in summary
    assert "**Interviewed:** Ken (CTO)" in text
    people = text.split("## People with IAM users", 1)[1].split("\n## ", 1)[0]
    assert "5 people hold 12 IAM users" in people and "same user name" in people
    assert "- root-user" not in text and "(no notes yet)" in summary + text
    html, tokens = render(text)
    assert "<details><summary>" in html and "<script" not in html
    assert assert_valid_tables(tokens) == 7  # accepted, triage, assets: none here


def test_demo_json_and_csv(demo: tuple[Store, int]) -> None:
    store, sid = demo
    cat = catalog_mod.load()
    data = json.loads(export_mod.export(store, cat, sid, "json"))
    assert data["schema_version"] == export_mod.SCHEMA_VERSION
    assert len(data["decision_table"]["decisions"]) == 4
    errors = [f for f in data["findings"] if f["status"] == "ERROR"]
    assert all(f["error_code"] and f["hint"] for f in errors)
    # what the demo's emulator cannot answer is SKIPPED and says so, never PASS
    skipped = [f for f in data["findings"] if f["status"] == "SKIPPED"]
    assert skipped and all("not emulated" in f["message"] for f in skipped)
    decisions = export_mod.export(store, cat, sid, "csv", only="decisions")
    assert decisions.count("\n") >= 5 and "Ken (CTO)" in decisions


def test_export_file_is_private_and_not_overwritten(demo: tuple[Store, int],
                                                    tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    store, _ = demo
    target = tmp_path / "report.md"
    argv = ["export", "--only", "decisions", "-o", str(target), "--db", str(store.path)]
    assert cli.main(argv) == 0
    assert target.stat().st_mode & 0o777 == 0o600
    first = target.read_text(encoding="utf-8")
    target.write_text("mine", encoding="utf-8")
    target.chmod(0o644)
    assert cli.main(argv) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "mine", "nothing lost"
    assert cli.main([*argv, "--force"]) == 0
    assert target.read_text(encoding="utf-8") == first
    assert target.stat().st_mode & 0o777 == 0o600
