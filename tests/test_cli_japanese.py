"""The command line in Japanese: help, tables, messages and errors, measured in cells."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from onboard import linebreak
from onboard.cli import build_parser, main
from onboard.cli.helpformat import CellHelpFormatter, CellRawDescriptionHelpFormatter, has_wide
from onboard.store import Store
from onboard.textsafe import clip

COMMANDS = [[], ["demo"], ["scan"], ["export"], ["actions"], ["matrix"], ["assets"],
            ["sessions"], ["week"], ["policy"], ["tf"], ["sso"], ["profiles"], ["db"],
            ["sso", "plan"], ["sso", "edit"], ["sso", "terraform"], ["sso", "profiles"],
            ["sso", "cutover"], ["sso", "commands"]]


def _help(capsys: pytest.CaptureFixture[str], command: list[str], lang: str) -> str:
    with pytest.raises(SystemExit):
        main([*command, "--help", "--lang", lang])
    return capsys.readouterr().out


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "onboard")
def test_japanese_help_fits_the_terminal_and_breaks_lines_properly(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        command: list[str], columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    text = _help(capsys, command, "ja")
    assert text.startswith("使い方: onboard")
    assert "オプション:" in text and "このヘルプを表示して終了する" in text
    for line in text.splitlines():
        if not has_wide(line):
            continue  # argparse's usage and choices: the same lines as in English
        assert cell_len(line) <= columns, line
        assert not linebreak._check([line.strip()]), line


def test_usage_lines_continue_under_the_translated_prefix(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    lines = _help(capsys, ["scan"], "ja").splitlines()
    assert lines[0].startswith("使い方: onboard scan [-h]")
    # "使い方: " is 8 cells: continuation lines start under the first "[" after the prog
    first_bracket = cell_len(lines[0][:lines[0].index("[")])
    assert lines[1].index("[") == first_bracket


def test_the_epilog_keeps_its_command_column_when_wrapped(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    text = _help(capsys, [], "ja")
    examples = text[text.index("例:"):text.index("終了コード:")].splitlines()[1:]
    column = examples[0].index("エ")  # after "  onboard demo" and its padding
    for line in filter(None, examples):
        assert line.startswith("  onboard") or line[:column].isspace(), line
        assert cell_len(line) <= 60, line
    assert "  onboard scan --profile audit      プロファイル" in text


def test_english_help_is_argparse_own_layout() -> None:
    """English help goes through argparse untouched: the same text as argparse's own
    formatter gives, for every command."""
    def parsers(parser: argparse.ArgumentParser):
        yield parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    yield from parsers(child)

    for parser in parsers(build_parser()):
        ours = parser.format_help()
        original = (argparse.RawDescriptionHelpFormatter
                    if parser.formatter_class is CellRawDescriptionHelpFormatter
                    else argparse.HelpFormatter)
        assert parser.formatter_class in (CellHelpFormatter, CellRawDescriptionHelpFormatter)
        parser.formatter_class = original
        assert parser.format_help() == ours, parser.prog


def test_argparse_errors_in_japanese_keep_the_error_prefix(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["week", "--format", "bogus", "--lang", "ja"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("使い方: onboard week")
    assert "onboard week: error: 引数 --format: 無効な選択肢です: 'bogus'" in err


def test_usage_errors_in_japanese_are_one_line(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert main(["actions", "choose", "--lang", "ja", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("onboard: error: `onboard actions choose` にはIDが必要です")
    assert err.count("\n") == 1
    Store.open(db).close()  # a database without a session
    assert main(["week", "--lang", "ja", "--db", str(db)]) == 2
    assert "セッションがまだありません" in capsys.readouterr().err
    assert main(["week", "--db", str(db)]) == 2  # and English again
    assert "no session yet" in capsys.readouterr().err


def test_a_japanese_session_prints_its_tables_in_japanese(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    db = str(tmp_path / "ja.db")
    assert main(["assets", "add", "投資家の資本政策表", "--value", "3", "--link",
                 "pattern:cap-table*", "--lang", "ja", "--db", db]) == 0
    assert "情報資産 1 投資家の資本政策表（価値3）、リンク1件" in capsys.readouterr().out
    # no --lang: the session was started in Japanese and speaks it
    assert main(["week", "--db", db]) == 0
    week = capsys.readouterr().out
    assert re.search(r"'onboarding' の1週間の計画: 5日中\d日目", week)
    assert "タスク" in week and "判定" in week
    assert main(["assets", "list", "--db", db]) == 0
    assets = capsys.readouterr().out
    assert main(["sessions", "--db", db, "--lang", "ja"]) == 0  # no one session to follow
    sessions = capsys.readouterr().out
    for line in (week + assets + sessions).splitlines():
        assert cell_len(line) <= 80, line
    monkeypatch.setenv("COLUMNS", "200")  # the words whole, unfolded
    assert main(["assets", "list", "--db", db]) == 0
    assert "最新スキャンで該当するリソース" in capsys.readouterr().out
    assert main(["sessions", "--db", db, "--lang", "ja"]) == 0  # no one session to follow
    assert re.search(r"1日目 \d/\d  2日目", capsys.readouterr().out)
    assert main(["week", "--db", db, "--lang", "en"]) == 0
    assert "Week plan of" in capsys.readouterr().out


def test_clip_cuts_by_cells_never_inside_a_character() -> None:
    assert clip("collect s3.buckets", 7) == "collect"
    assert clip("日本語のメッセージ", 5) == "日本"
    assert clip("a日本", 4) == "a日"
    assert clip("short", 60) == "short"
