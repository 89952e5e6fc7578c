"""The app, Week, Review and Matrix in Japanese: translated where shown, and still fitting
80 columns with double-width words (the English is held by the snapshots)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Markdown, Tab

from onboard import i18n
from tests.test_app_snapshots import _app, _settle
from tests.test_app_support import asynctest

AREA = ["onboard/app.py"] + [f"onboard/screens/{name}.py" for name in (
    "__init__", "base", "week", "review", "matrix", "finding_detail", "help", "commands",
    "widgets", "modals", "listing")]
PO = i18n.LOCALE_DIR / "ja" / "screens-a.po"


def test_every_string_of_these_screens_has_its_japanese() -> None:
    have = i18n.load("ja")
    root = i18n.SOURCE_ROOT.parent
    marked = [m for path in AREA for m in i18n.marked_in(root / path)]
    assert len(marked) > 300
    missing = [m.msgid for m in marked if m.msgid not in have.messages]
    assert missing == []


def test_placeholders_survive_translation() -> None:
    """A translation keeps every {name} of its English, or .format() raises on screen."""
    for entry in i18n.parse_po(PO.read_text(encoding="utf-8"), PO):
        if entry.msgid:
            english = sorted(re.findall(r"\{[^{}]*\}", entry.msgid))
            assert sorted(re.findall(r"\{[^{}]*\}", entry.msgstr)) == english, entry.msgid


async def _visible_tabs(app: Any, width: int) -> list[str]:
    tabs = list(app.screen.query(Tab))
    assert all(t.region.right <= width for t in tabs), [t.region for t in tabs]
    return [str(t.label) for t in tabs]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@asynctest
async def test_japanese_screens_fit(japanese: None, tmp_path: Path,
                                    size: tuple[int, int]) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        labels = await _visible_tabs(app, size[0])
        assert labels[0] == ("1 計画" if size[0] < 120 else "1 週間計画")
        assert labels[-1] == ("9 SSO" if size[0] < 120 else "9 Identity Center")

        await pilot.press("4")
        await _settle(pilot)
        table = app.screen.query_one(DataTable)
        headers = [str(c.label) for c in table.columns.values()]
        assert headers[:2] == ["ステータス", "重要度 ▼"]
        assert table.columns["status"].width >= 10  # type: ignore[index]
        assert "FAIL" in str(table.get_row_at(0)[0])  # the codes stay, as in every catalog
        await _visible_tabs(app, size[0])

        await pilot.press("7")
        await _settle(pilot)
        table = app.screen.query_one(DataTable)
        headers = [str(c.label) for c in table.columns.values()]
        assert headers[0] == "リスク ▼" and headers[-1] == "ステータス"
        assert table.columns["risk"].width == 8  # type: ignore[index]
        assert str(table.get_row_at(0)[-1]) == "未対応"

        await pilot.press("question_mark")
        await pilot.pause(0.2)
        text = app.screen.query_one(Markdown).source
        assert "## マトリクス" in text and "### この画面で" in text
        assert "| `e` | 編集 |" in text
