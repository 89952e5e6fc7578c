"""Text is data on every CLI output: hostile names from AWS or a user never drive the
terminal (no ESC, BEL or C1 byte reaches stdout/stderr) and are never read as Rich markup."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from rich.console import Console

from onboard import catalog as catalog_mod
from onboard.cli import main
from onboard.cli.scan import print_summary
from onboard.models import Account, Finding, Severity, Status
from onboard.scan import ScanResult
from onboard.store import Store
from onboard.textsafe import csv_cell, is_safe, json_text, one_for_one, visible
from tests.hostile import ACCOUNTS, PARTS, SGR, hostile, leaks, seed

COMMANDS = [
    ["sessions"],
    ["matrix", "list"],
    ["actions", "suggest"],
    ["actions", "list"],
    ["assets", "list"],
    ["export"],
    ["export", "--format", "json"],
    ["export", "--format", "csv"],
    ["export", "--format", "mermaid"],
    ["export", "--only", "decisions"],
    ["export", "--only", "decisions", "--format", "csv"],
    ["export", "--only", "decisions", "--format", "json"],
]


def _run(capsys: pytest.CaptureFixture[str], db: Path, argv: list[str]) -> tuple[int, str]:
    code = main([*argv, "--db", str(db)])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    # Wide enough that no table cell wraps: the whole visible text can be looked for.
    monkeypatch.setenv("COLUMNS", "4000")


@settings(max_examples=8, deadline=None, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(text=hostile)
def test_no_cli_output_leaks_controls_or_reads_markup(
        capsys: pytest.CaptureFixture[str], text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "h.db"
        seed(db, text).close()
        for argv in COMMANDS:
            code, output = _run(capsys, db, argv)
            assert code == 0, (argv, output)
            assert not leaks(output), (argv, leaks(output))
            if argv[0] in ("sessions", "matrix", "actions", "assets"):
                # Shown as typed (controls as pictures), never parsed as markup.
                shown = visible(text)
                assert shown.strip() in output, (argv, shown, output)
        code, output = _run(capsys, db, ["export", "--format", "json"])
        data = json.loads(output)
        assert data["session"]["person"] == text  # escaped, not lost
        assert data["accounts"][0]["name"] == text


def test_scan_summary_shows_hostile_names_as_text() -> None:
    name = "[/]evilacct\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07"
    user = "user|`x`[/]"
    result = ScanResult(
        scan_id=1, status="complete", identity={"arn": "arn:aws:iam::1:user/[link=x]y"},
        accounts=[Account(account_id=ACCOUNTS[0], name=name, access="ok"),
                  Account(account_id=ACCOUNTS[1], name=name, access="denied",
                          access_reason="[/]\x9b2J")],
        findings=[Finding(check_id="iam.human_users", status=Status.FAIL,
                          severity=Severity.MEDIUM, account_id=ACCOUNTS[0],
                          region="global", resource_id=user, message="m")],
        inventory_counts={}, api_calls=3, started="", finished="", seconds=1.0,
        new=[Finding(check_id="iam.human_users", status=Status.FAIL, severity=Severity.MEDIUM,
                     account_id=ACCOUNTS[0], region="global", resource_id=user, message="m")],
        previous_scan_id=0)
    for terminal in (False, True):
        buf = io.StringIO()
        console = Console(file=buf, width=300, force_terminal=terminal, emoji=False)
        print_summary(console, result, catalog_mod.load())
        out = buf.getvalue()
        assert not leaks(out, allow_sgr=terminal), leaks(out, allow_sgr=terminal)
        assert "\x1b]8;" not in out
        plain = SGR.sub("", out)
        assert f"{user} @ {visible(name)}" in plain
        assert "[link=x]y" in plain


def test_sessions_with_markup_in_the_name(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    seed(db, "x", session="bob [/] x").close()
    seed_more = Store.open(db)
    seed_more.create_session("[prod] week one", started="2024-04-02")
    seed_more.close()
    code, out = _run(capsys, db, ["sessions"])
    assert code == 0
    assert "bob [/] x" in out
    assert "[prod] week one" in out


def test_decisions_csv_has_no_controls_and_no_formulas(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    seed(db, "=HYPERLINK(\"http://evil\")\x1b]0;x\x07").close()
    code, out = _run(capsys, db, ["export", "--only", "decisions", "--format", "csv"])
    assert code == 0 and not leaks(out)
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert any(c.startswith("'=HYPERLINK") for c in cells)


@given(text=hostile)
def test_sanitisers_leave_nothing_executable(text: str) -> None:
    assert is_safe(visible(text), multiline=False)
    assert not leaks(visible(text, multiline=True))
    assert not leaks(csv_cell(text))
    assert len(one_for_one(text)) == len(text) and is_safe(one_for_one(text), multiline=False)
    encoded = json_text({"v": text})
    assert not leaks(encoded)
    assert json.loads(encoded)["v"] == text


def test_every_part_is_covered() -> None:
    for part in PARTS[:10]:
        assert not leaks(visible(part))
