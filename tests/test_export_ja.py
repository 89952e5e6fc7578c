"""Exports in Japanese: the talk's column names, valid GFM, CSV heads, the fix script.

The same hostile session as test_export.py, exported under `i18n.speaking("ja")` with the
ja catalog; English stays byte-identical (test_export.py's goldens), and speaking Japanese
in one export leaves the next English one untouched.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from onboard import catalog as catalog_mod
from onboard import export as export_mod
from onboard import fixscript, i18n, labels
from onboard.catalog import Catalog
from onboard.fixes import FixInput, LeftOut
from onboard.models import ActionStatus, Severity
from onboard.store import Store
from tests import test_export as base
from tests.test_export import assert_valid_tables, render

# the hostile session of test_export.py (its fixtures, used here by name)
cat, frozen, store, sid = base.cat, base.frozen, base.store, base.sid

TALK_COLUMNS = ["#", "観察によって得られたデータ", "想定インシデント", "理由", "対応内容",
                "優先度", "担当者", "期限", "ステータス", "リスク"]


def _headers(tokens: list) -> list[str]:
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "th_open"]


def test_decisions_in_japanese_have_the_talks_columns_and_are_valid_gfm(
        store: Store, sid: int, cat: Catalog) -> None:
    english = export_mod.export(store, cat, sid, "markdown", only="decisions")
    with i18n.speaking("ja"):
        text = export_mod.export(store, cat, sid, "markdown", only="decisions")
    html, tokens = render(text)
    assert assert_valid_tables(tokens) == 2, "the decisions and the accepted risks"
    headers = _headers(tokens)
    assert headers[:10] == TALK_COLUMNS
    assert headers[10:] == ["#", "観察によって得られたデータ", "リスク", "方法", "受容した人",
                            "メモ"]
    assert text.startswith("# 意思決定の表: acme \\| \\<b\\>prod\\</b\\> \\# 1\n")
    assert "対応しない: Keep the wiki" in text, "a won't-do action, in Japanese words"
    assert "選択済み" in html and "chosen" not in html, "statuses are words, not codes"
    assert "ops|team &lt;a&gt;" in html and "<script" not in html, "user text as typed"
    # the same document shape as in English: a row per decision, nothing lost
    assert text.count("\n") == english.count("\n")
    assert export_mod.export(store, cat, sid, "markdown", only="decisions") == english


def test_the_whole_report_in_japanese_is_valid_gfm(store: Store, sid: int,
                                                   cat: Catalog) -> None:
    with i18n.speaking("ja"):
        text = export_mod.export(store, cat, sid, "markdown")
    html, tokens = render(text)
    assert assert_valid_tables(tokens) == 9
    h2 = [tokens[i + 1].content for i, t in enumerate(tokens)
          if t.type == "heading_open" and t.tag == "h2"]
    assert h2 == ["エグゼクティブサマリー", r"意思決定の表: acme \| \<b\>prod\</b\> \# 1",
                  "アカウント", "IAMユーザーを使っている人", "ヒアリング",
                  "チェック × アカウント別の検出結果", "リスクマトリクス", "情報資産",
                  "対応と修正方法", "構成図", "手作業で作成（Terraform管理外）"]
    assert "<h1>オンボーディングレポート: acme | &lt;b&gt;prod&lt;/b&gt; # 1</h1>" in html
    assert "<li>Never asked: p（メモはまだない）</li>" in html
    assert "<td>ヒアリング</td>" in html, "how the sandbox account was found"
    assert "重要度" in _headers(tokens) and "高" in html, "severity in words"
    # English sentences a reader would trip over: none left outside user text and codes
    for phrase in ("Decision table", "No notes yet", "Where:", "not set", "(risk "):
        assert phrase not in text, phrase


def test_csv_heads_are_japanese_only_in_japanese(store: Store, sid: int,
                                                 cat: Catalog) -> None:
    english = export_mod.export(store, cat, sid, "csv", only="decisions")
    with i18n.speaking("ja"):
        text = export_mod.export(store, cat, sid, "csv", only="decisions")
    head = next(csv.reader(io.StringIO(text)))
    assert head[:2] == ["番号", "対応内容"] and "観察によって得られたデータ" in head
    assert next(csv.reader(io.StringIO(english))) == list(export_mod.DECISION_CSV_COLUMNS)
    assert text.split("\n", 1)[1] == english.split("\n", 1)[1], "cells keep their values"


def test_json_keeps_its_keys_and_codes(store: Store, sid: int, cat: Catalog) -> None:
    english = json.loads(export_mod.export(store, cat, sid, "json"))
    with i18n.speaking("ja"):
        data = json.loads(export_mod.export(store, cat, sid, "json"))
    assert data.keys() == english.keys()
    assert data["decision_table"] == english["decision_table"], "statuses stay codes"
    assert [f["hint"] for f in data["findings"] if "hint" in f] == \
        [f["hint"] for f in english["findings"] if "hint" in f], "hints stay English"


def test_with_the_ja_catalog_and_labels(store: Store, sid: int) -> None:
    """The shipped catalog in Japanese (content overlays as far as they go) exports too."""
    ja = catalog_mod.load(None, "ja")
    with i18n.speaking("ja"):
        text = export_mod.export(store, ja, sid, "markdown", only="decisions")
        assert ActionStatus.DOING.label == "対応中"
        assert Severity.CRITICAL.label == "重大"
    assert _headers(render(text)[1])[:10] == TALK_COLUMNS
    assert ActionStatus.DOING.label == "in progress" and Severity.HIGH.label == "high"


def test_context_words_fall_back_to_the_bare_english() -> None:
    assert labels.C_("column|owner") == "owner"
    assert labels.C_("no context here") == "no context here"
    with i18n.speaking("ja"):
        assert labels.C_("column|owner") == "担当者"
        assert labels.C_("column|not in any po file") == "not in any po file"
        assert labels.label(labels.ROW_STATUS, "answered") == "対応決定済み"
        assert labels.label(labels.INTERVIEW_STATUS, "answered") == "回答済み"
        assert labels.label(labels.ROW_STATUS, "someday") == "someday"


def test_every_core_string_has_its_japanese() -> None:
    core = [m for m in i18n.missing("ja") if i18n.area_of(m.where) == "core"]
    assert core == [], [f"{m.where}: {m.msgid}" for m in core[:5]]


def _fix_input() -> FixInput:
    return FixInput(actions=[], action_titles=["S3 バージョニングを有効化"], targets=[],
                    left_out=[LeftOut("s3.bucket_public", "111111111111", "global", "site",
                                      "accepted risk", "public on purpose")],
                    accounts={}, home_region="us-east-1", management_account="111111111111")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_fix_script_messages_are_valid_bash_in_both_languages(lang: str,
                                                              tmp_path: Path) -> None:
    with i18n.speaking(lang):
        text = fixscript.script(_fix_input(), generated="action 1")
    path = tmp_path / "fix.sh"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    if lang == "ja":
        assert "# onboardが生成した修正スクリプトです（action 1）。" in text
        assert "site（アカウント 111111111111）: リスク受容 — public on purpose" in text
        assert 'echo "== アカウント $expected（プロファイル $profile）"' in text
    else:
        assert 'echo "== account $expected (profile $profile)"' in text


def test_a_translated_echo_cannot_break_out_of_its_quotes() -> None:
    said = fixscript.said('a "quote" $(rm -rf ~) `x` \\ {profile}\nnext')
    assert said == 'a \\"quote\\" \\$(rm -rf ~) \\`x\\` \\\\ $profile next'
