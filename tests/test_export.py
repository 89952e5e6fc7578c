"""Exports: Markdown golden files (with hostile user text), JSON and CSV shapes, the CLI.

The golden files use a small catalog defined here, so that edits to the shipped
checklists do not churn them. Regenerate with ONBOARD_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from onboard import assets, cli, decide, orient
from onboard import export as export_mod
from onboard import mdtext as md
from onboard import store as store_mod
from onboard.catalog import Catalog
from onboard.models import (
    Account,
    ActionDef,
    CheckDef,
    Day,
    Finding,
    InterviewPrompt,
    References,
    Remediation,
    Resource,
    Severity,
    Status,
    Task,
)
from onboard.store import Store
from onboard.workspace import Workspace
from tests.helpers import derive

GOLDEN = Path(__file__).parent / "golden"
PROD, SANDBOX = "111111111111", "222222222222"
NASTY = ("Devs | share `keys` and ``more``\n# not a heading\n<script>alert('x')</script> "
         "*wow* _x_ [link](http://e) ~~gone~~ &amp; 1. two\n\n- item")


def _check(id_: str, severity: str, observation: str, incident: str, reason: str,
           stride: list[str], action: str) -> CheckDef:
    return CheckDef(
        id=id_, title=id_, description="d", scope="user" if id_.startswith("iam") else
        "bucket", severity=Severity(severity), stride=stride, observation=observation,
        incident=incident, reason=reason, vulnerability=2, threat=2, action=action,
        references=References(),
        remediation=Remediation(
            console="Open {resource_id} in the console.",
            cli="aws demo fix --name {resource_id} --account {account_id} --region {region}",
            terraform='resource "aws_demo" "{tf_name}" {{\n  name = "{resource_id}"\n}}'))


def small_catalog() -> Catalog:
    checks = [
        _check("iam.human_users", "high", "{count} developers sign in as IAM users: "
               "{examples}", "Account takeover", "Long-lived credentials exist", ["S", "E"],
               "adopt-identity-center"),
        _check("s3.versioning", "medium", "{count} buckets have versioning off: {examples}",
               "Data loss", "A future accidental deletion", ["T", "D"],
               "enable-s3-versioning"),
    ]
    actions = [
        ActionDef(id="adopt-identity-center", title="Adopt IAM Identity Center (AWS SSO)",
                  description="d", answers=["iam.human_users"],
                  remediation=Remediation(console="1. Enable it.\n2. Wait a day (403s).",
                                          cli="aws configure sso --profile <name>",
                                          terraform='data "aws_ssoadmin_instances" "this" '
                                                    '{{}}\n# account {account_id}')),
        ActionDef(id="enable-s3-versioning", title="Turn on S3 versioning", description="d",
                  answers=["s3.versioning"],
                  remediation=Remediation(console="Properties > Versioning > Enable.",
                                          cli="", terraform="")),
    ]
    task = Task(id="t1", title="t", phase="observe", done_when="d", help="h")
    prompts = [InterviewPrompt(id="accounts", topic="Accounts # and | more",
                               aws_wording="Which accounts?",
                               plain_wording="How many AWS logins do we *really* have?",
                               why="w", record="r", records_accounts=True),
               InterviewPrompt(id="unanswered", topic="Never asked", aws_wording="a",
                               plain_wording="p", why="w", record="r")]
    return Catalog(directory=GOLDEN, days=[Day(day=d, title="d", phase="observe", goal="g",
                                               tasks=[task.model_copy(update={"id": f"t{d}"})])
                                           for d in (1, 2, 3, 4, 5)],
                   prompts=prompts, checks={c.id: c for c in checks},
                   actions={a.id: a for a in actions})


def fail(check: str, rid: str, account: str = PROD, status: Status = Status.FAIL,
         tf: str | None = None, sev: str = "high") -> Finding:
    return Finding(check_id=check, status=status, severity=Severity(sev), account_id=account,
                   region="global", resource_id=rid, resource_type="", message=f"{rid}, bad",
                   terraform_address=tf, resource_arn=f"arn:aws:x:::{rid}")


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "now", lambda: "2025-01-07T09:00:00+00:00")


@pytest.fixture
def cat() -> Catalog:
    return small_catalog()


@pytest.fixture
def store(tmp_path: Path, frozen: None) -> Iterator[Store]:
    s = Store.open(tmp_path / "e.db")
    yield s
    s.close()


@pytest.fixture
def sid(store: Store, cat: Catalog) -> int:
    """A session with hostile text in every field a user can type."""
    sid = store.create_session("acme | <b>prod</b> # 1", person="`whoami` *me*",
                               started="2025-01-06").id
    store.update_session(sid, current_day=3)
    store.upsert_accounts(sid, [
        Account(account_id=PROD, name="prod|main", source="organizations", access="ok",
                environment="prod"),
        Account(account_id=SANDBOX, name="sandbox", source="interview", access="denied",
                access_reason="AccessDenied: <role>", environment="sandbox")])
    store.save_answer(sid, "accounts", "Four:\n" + NASTY + "\n    indented\n---\n```", "done")
    scan_id = store.start_scan(sid, {"account_id": PROD, "arn": "arn:aws:iam::1:user/sre"},
                               ["us-east-1"])
    store.add_batch(scan_id, [Resource(type="s3.bucket", id="cap-table-prod",
                                       account_id=PROD)])
    Workspace(store, small_catalog(), sid).finish_scan(scan_id, [
        fail("iam.human_users", "haruka.sato"), fail("iam.human_users", "dev+ops@acme"),
        fail("s3.versioning", "cap-table-prod", tf="module.data.aws_s3_bucket.cap",
             sev="medium"),
        fail("s3.versioning", "static-site", status=Status.PASS, sev="medium"),
        fail("s3.versioning", SANDBOX, account=SANDBOX, status=Status.ERROR, sev="medium")],
        "complete", 0, {})
    assets.add_asset(store, sid, "investor *cap* tables <3", 3, "Series A | B",
                     links=["pattern:cap-table-*", "tag:data=investor"])
    rows = {r.check_id: r for r in derive(store, cat, sid)}
    orient.edit_row(store, cat, sid, rows["iam.human_users"].id, observation=NASTY)
    custom = orient.add_custom_row(store, cat, sid, "CTO's password in Notion ``` fence",
                                   incident="Leak | <i>all</i>", reason="#1 reason",
                                   stride="S", threat=3, vulnerability=1)
    decide.choose(store, cat, sid, "adopt-identity-center", owner="ops|team <a>",
                  due="2025-01-31")
    decide.choose(store, cat, sid, "enable-s3-versioning")
    decide.add_action(store, cat, sid, "Rotate `deploy` key | now", row_ids=[custom.id],
                      status="chosen", remediation="````\nrm -rf /tmp/x\n```\n")
    decide.add_action(store, cat, sid, "Buy a WAF", status="wont")
    decide.add_action(store, cat, sid, "Just an idea")
    # the SRE's own work, with hostile text everywhere it can be typed
    ws = Workspace(store, cat, sid)
    ws.set_interviewee("accounts", "CTO | <b>Ken</b> `x`")
    store.save_answer(sid, "unanswered", "", "follow-up")
    haruka = next(f for f in store.findings(scan_id) if f.resource_id == "haruka.sato")
    ws.set_triage(haruka, "question", "Ask <b>Ken</b> | is she *still* here?")
    wiki = orient.add_custom_row(store, cat, sid, "Root password | in the wiki", threat=3,
                                 vulnerability=3, incident="Takeover", reason="Shared")
    decide.add_action(store, cat, sid, "Keep the wiki", row_ids=[wiki.id], status="wont",
                      owner="cto <i>", notes="Moving to 1Password | next **quarter**")
    rotate = next(a for a in decide.list_actions(store, cat, sid) if a.title.startswith("Rot"))
    decide.update_action(store, cat, sid, rotate.id, notes="Done by `ops`\n# not a heading")
    return sid


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ONBOARD_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with ONBOARD_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed (see the diff)"


def render(text: str) -> tuple[str, list]:
    mdit = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return mdit.render(text), mdit.parse(text)


def assert_valid_tables(tokens: list) -> int:
    """Every table row has as many cells as its header; returns the number of tables."""
    tables, cells, header = 0, 0, None
    for tok in tokens:
        if tok.type == "table_open":
            tables, header = tables + 1, None
        elif tok.type == "tr_open":
            cells = 0
        elif tok.type in ("th_open", "td_open"):
            cells += 1
        elif tok.type == "tr_close":
            header = cells if header is None else header
            assert cells == header, "a row with a different number of cells"
    return tables


# --- Markdown -----------------------------------------------------------------------------


def test_report_golden(store: Store, sid: int, cat: Catalog) -> None:
    text = export_mod.export(store, cat, sid, "markdown")
    check_golden("report.md", text)
    assert text == export_mod.export(store, cat, sid, "markdown"), "deterministic"
    assert store.last_activity(sid, "decisions_exported") is None, "an export is a pure read"


def test_decisions_golden(store: Store, sid: int, cat: Catalog) -> None:
    text = export_mod.export(store, cat, sid, "markdown", only="decisions")
    check_golden("decisions.md", text)
    assert text.startswith("# Decision table: acme \\| \\<b\\>prod\\</b\\> \\# 1\n")
    assert "Just an idea" not in text and "Buy a WAF" not in text
    assert "won't do: Keep the wiki" in text, "a won't-do action is an accepted risk"


def test_report_is_valid_gfm_and_shows_user_text_as_typed(store: Store, sid: int,
                                                          cat: Catalog) -> None:
    text = export_mod.export(store, cat, sid, "markdown")
    html, tokens = render(text)
    assert "<script" not in html and "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert "<b>" not in html and "<i>" not in html and "<a>" not in html
    assert "<em>" not in html and "<del>" not in html and "<a href" not in html
    headings = [t.tag for t in tokens if t.type == "heading_open"]
    assert headings.count("h1") == 1
    h2 = [tokens[i + 1].content for i, t in enumerate(tokens)
          if t.type == "heading_open" and t.tag == "h2"]
    assert "<h2>Decision table: acme | &lt;b&gt;prod&lt;/b&gt; # 1</h2>" in html
    assert h2 == ["Executive summary", r"Decision table: acme \| \<b\>prod\</b\> \# 1",
                  "Accounts", "People with IAM users",
                  "Interviews", "Findings by check × account", "Risk matrix",
                  "Information assets", "Actions and remediation", "Architecture",
                  "Made by hand (not in Terraform)"]
    assert assert_valid_tables(tokens) == 9
    assert "Devs | share `keys` and ``more``<br>" in html
    assert "Ask &lt;b&gt;Ken&lt;/b&gt; | is she *still* here?" in html, "triage notes kept"
    assert "CTO | &lt;b&gt;Ken&lt;/b&gt; `x`" in html, "who was interviewed"
    assert "Moving to 1Password | next **quarter**" in html, "the won't-do note"
    assert "Done by `ops`<br># not a heading" in html, "action notes"
    assert "<li>Never asked: p (no notes yet)</li>" in html, "an open follow-up"
    code = [t.content for t in tokens if t.type == "fence"]
    assert "````\nrm -rf /tmp/x\n```\n" in code, "a fence longer than any backtick run"
    assert any("managed by `module.data.aws_s3_bucket.cap`" in c for c in code)
    assert any("--name haruka.sato" in c and "--name dev+ops@acme" in c for c in code)
    assert "<h1>Onboarding report: acme | &lt;b&gt;prod&lt;/b&gt; # 1</h1>" in html


def test_decisions_reproduce_the_talk_columns(store: Store, sid: int, cat: Catalog) -> None:
    html, tokens = render(export_mod.export(store, cat, sid, "markdown", only="decisions"))
    assert assert_valid_tables(tokens) == 2, "the decisions and the accepted risks"
    headers = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "th_open"]
    assert headers[:5] == ["#", "observation", "assumed incident", "reason", "action"]
    assert headers[5:10] == ["priority", "owner", "due", "status", "risk"]
    assert headers[10:] == ["#", "observation", "risk", "how", "accepted by", "note"]
    assert "Turn on S3 versioning" in html and "ops|team &lt;a&gt;" in html


@pytest.mark.parametrize(("raw", "cell"), [
    ("a|b", "a\\|b"),
    ("line1\nline2", "line1<br>line2"),
    ("# h", "\\# h"),
    ("*x* _y_ `z` [l](u) <s> ~t~ a&b \\", "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\<s\\> "
                                          "\\~t\\~ a\\&b \\\\"),
    ("", "—"),
    ("1. x\n- y\n+ z\n> q\n=", "1\\. x<br>\\- y<br>\\+ z<br>\\> q<br>\\="),
])
def test_cell_escaping(raw: str, cell: str) -> None:
    assert md.cell(raw) == cell


def test_paragraph_heading_and_fence() -> None:
    para = md.paragraph("a\n# b\n\n\n    c")
    assert para == "a\\\n\\# b\n\nc"
    html, _ = render(para)
    assert html == "<p>a<br />\n# b</p>\n<p>c</p>\n"
    assert md.heading("x # y\nz") == "x \\# y z"
    assert md.fence("a ``` b ````` c", "sh").startswith("``````sh\n")
    assert md.fence("plain") == "```\nplain\n```"
    with pytest.raises(ValueError, match="cells"):
        md.table(["a", "b"], [["1"]])


def test_an_empty_session_exports(tmp_path: Path, cat: Catalog, frozen: None) -> None:
    s = Store.open(tmp_path / "empty.db")
    sid = s.create_session("new", started="2025-01-06").id
    text = export_mod.export(s, cat, sid)
    assert "No scan yet" in text and "No decisions yet:" in text
    assert "- **Person:** not set" in text, "never the OS user"
    assert assert_valid_tables(render(text)[1]) == 0
    only = export_mod.export(s, cat, sid, only="decisions")
    assert only.startswith("# Decision table: new\n") and "No decisions yet:" in only


# --- JSON and CSV -------------------------------------------------------------------------


def test_json_has_everything(store: Store, sid: int, cat: Catalog) -> None:
    data = json.loads(export_mod.export(store, cat, sid, "json"))
    assert data["schema_version"] == export_mod.SCHEMA_VERSION
    assert set(data) == {"schema_version", "session", "day", "scan", "accounts", "interview",
                         "people", "findings", "changes", "triage", "matrix", "assets", "actions",
                         "decision_table", "decisions"}
    assert data["triage"][0]["note"] == "Ask <b>Ken</b> | is she *still* here?"
    assert {i["prompt_id"]: i["interviewee"] for i in data["interview"]}["accounts"] \
        == "CTO | <b>Ken</b> `x`"
    table = data["decision_table"]
    assert [d["number"] for d in table["decisions"]] == [1, 2, 3]
    assert table["accepted"][0]["by"] == "cto <i>" and table["accepted"][0]["how"] == \
        "won't do"
    assert data["session"]["name"] == "acme | <b>prod</b> # 1"
    assert {a["source"] for a in data["accounts"]} == {"organizations", "interview"}
    assert len(data["findings"]) == 5
    assert set(data["findings"][0]) == set(export_mod.FINDING_COLUMNS)
    row = data["matrix"][0]
    assert {"observation", "incident", "reason", "stride", "risk", "edited", "fixed",
            "resources"} <= set(row)
    assert set(row["risk"]) >= {"asset", "asset_value", "threat", "vulnerability", "score",
                                "explanation"}
    scores = [r["risk"]["score"] for r in data["matrix"]]
    assert scores == sorted(scores, reverse=True)
    assert data["assets"][0]["links"][0] == {"id": 1, "kind": "pattern",
                                             "value": "cap-table-*"}
    sso = next(a for a in data["actions"] if a["action_def"] == "adopt-identity-center")
    assert sso["status"] == "chosen" and sso["remediation_plan"]["resources"]
    assert data["interview"][0]["prompt_id"] == "accounts"
    only = json.loads(export_mod.export(store, cat, sid, "json", only="decisions"))
    assert only == {"schema_version": export_mod.SCHEMA_VERSION, "decision_table": table}


def test_csv_is_the_latest_scans_findings(store: Store, sid: int, cat: Catalog) -> None:
    text = export_mod.export(store, cat, sid, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(export_mod.FINDING_COLUMNS)
    assert len(rows) == 5 and rows[0]["status"] == "FAIL"
    assert {r["message"] for r in rows} >= {"haruka.sato, bad"}
    assert rows[-1]["terraform_address"] == "" and rows[-1]["resource_arn"].startswith("arn")
    decisions = list(csv.DictReader(io.StringIO(
        export_mod.export(store, cat, sid, "csv", only="decisions"))))
    assert list(decisions[0]) == list(export_mod.DECISION_CSV_COLUMNS)
    assert [d["number"] for d in decisions] == ["1", "2", "3"]
    for only, columns in (("matrix", export_mod.MATRIX_CSV_COLUMNS),
                          ("actions", export_mod.ACTION_CSV_COLUMNS),
                          ("findings", export_mod.FINDING_COLUMNS)):
        table = list(csv.DictReader(io.StringIO(export_mod.export(store, cat, sid, "csv",
                                                                  only=only))))
        assert table and list(table[0]) == list(columns), only
    actions = list(csv.DictReader(io.StringIO(export_mod.export(store, cat, sid, "csv",
                                                                only="actions"))))
    assert "Moving to 1Password | next **quarter**" in {a["notes"] for a in actions}


def test_findings_csv_is_not_a_decision_export(store: Store, sid: int, cat: Catalog) -> None:
    assert export_mod.activity_of(store, cat, sid, "csv") is None
    kind, detail = export_mod.activity_of(store, cat, sid, "markdown", only="decisions") \
        or ("", {})
    assert kind == "decisions_exported" and detail["decisions"] == 5
    export_mod.export(store, cat, sid, "markdown", only="decisions")
    assert store.last_activity(sid, "decisions_exported") is None, "an export is a pure read"


# --- CLI ----------------------------------------------------------------------------------


def test_cli_export_to_stdout_and_file(store: Store, sid: int, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    db = str(store.path)
    assert cli.main(["export", "--only", "decisions", "--db", db]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Decision table: ")
    target = tmp_path / "report.md"
    assert cli.main(["export", "-o", str(target), "--db", db]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.strip() == str(target)
    assert target.read_text(encoding="utf-8").startswith("# Onboarding report")
    assert cli.main(["export", "--format", "csv", "--db", db]) == 0
    assert capsys.readouterr().out.startswith(",".join(export_mod.FINDING_COLUMNS))


@pytest.mark.parametrize(("argv", "message"), [
    (["export", "--format", "mermaid", "--only", "decisions"], "no Mermaid form"),
    (["export", "-o", "/nonexistent-dir/x.md"], "cannot write"),
    (["export", "--session", "nobody"], "no session named 'nobody'"),
])
def test_cli_export_errors(store: Store, sid: int, argv: list[str], message: str,
                           capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*argv, "--db", str(store.path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_golden_files_have_no_trailing_whitespace_surprises() -> None:
    for path in GOLDEN.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n") and not text.endswith("\n\n"), path
        assert not re.search(r"[ \t]+\n", text), f"{path}: trailing whitespace"
