"""The talk's Decide table, in the talk's language: `onboard export --only decisions --lang
ja` after its four actions gives its columns, incidents, reasons and actions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from onboard import catalog, cli, i18n
from onboard.store import Store
from onboard.workspace import Workspace
from tests.helpers import derive
from tests.test_decide import TALK_FOUR, scan, talk_findings

TALK_COLUMNS = ["#", "観察によって得られたデータ", "想定インシデント", "理由", "対応内容"]
# The talk's slide 12, row by row: observation, assumed incident, reason, action.
TALK_ROWS = [
    ("IAMユーザーを使用している", "アカウント乗っ取り", "永続的な認証情報の存在",
     "IAM Identity Center"),
    ("IAMユーザー", "アカウント乗っ取り", "永続的な認証情報の存在", "IAMロールの使用"),
    ("ブロックパブリックアクセス", "機微情報流出", "将来の誤設定",
     "ブロックパブリックアクセスの有効化"),
    ("バージョニング", "データ喪失", "将来の誤削除", "バージョニングの有効化"),
]


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.start("en")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """An English session (as most are) with the talk's findings and its four actions."""
    path = tmp_path / "talk.db"
    store = Store.open(path)
    cat = catalog.load()
    sid = store.create_session("talk", started="2025-01-06", lang="en").id
    scan(store, sid, talk_findings(cat))
    derive(store, cat, sid)
    for action in TALK_FOUR:
        Workspace(store, cat, sid).choose(action)
    store.close()
    return path


def _table(markdown: str) -> tuple[list[str], list[list[str]]]:
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    headers: list[str] = []
    rows: list[list[str]] = []
    in_body = False
    for i, t in enumerate(tokens):
        if t.type == "table_close":
            break
        if t.type == "tbody_open":
            in_body = True
        elif t.type == "tr_open" and in_body:
            rows.append([])
        elif t.type == "th_open":
            headers.append(tokens[i + 1].content)
        elif t.type == "td_open":
            rows[-1].append(tokens[i + 1].content)
    return headers, rows


def test_export_decisions_in_japanese_is_the_talks_table(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "decisions.md"
    code = cli.main(["export", "--only", "decisions", "--lang", "ja", "--db", str(db),
                     "-o", str(out)])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    headers, rows = _table(text)
    assert headers[:5] == TALK_COLUMNS
    assert headers[5:] == ["優先度", "担当者", "期限", "ステータス", "リスク"]
    assert len(rows) == 4
    for row, (observation, incident, reason, action) in zip(rows, TALK_ROWS, strict=True):
        first = [cell.split("<br>")[0] for cell in row]
        assert observation in first[1], (first[1], observation)
        assert (first[2], first[3]) == (incident, reason)
        assert action in first[4], (first[4], action)
    assert "Account takeover" not in text and "observation" not in text


def test_the_same_session_exports_in_english_without_lang(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "decisions.md"
    assert cli.main(["export", "--only", "decisions", "--db", str(db), "-o", str(out)]) == 0
    headers, rows = _table(out.read_text(encoding="utf-8"))
    assert headers[:5] == ["#", "observation", "assumed incident", "reason", "action"]
    assert rows[0][2] == "Account takeover"
