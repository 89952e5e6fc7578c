"""Japanese for Actions, Architecture, Assets, Discovery, Interviews, Identity Center and the
day-one dialogs: every marked string has its translation (same placeholders), code words
keep their English when untranslated, and the screens speak Japanese when the app does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Static

from onboard import i18n
from onboard.screens.actions import ActionsScreen
from onboard.screens.architecture import ArchitectureScreen
from onboard.screens.assets import AssetsScreen
from onboard.screens.discovery import DiscoveryScreen
from onboard.screens.sso import SsoScreen
from onboard.screens.words import C_, word
from tests.test_app_matrix import plain, seed_org, settle
from tests.test_app_support import asynctest, make_app

SCREENS_B = ("actions", "architecture", "assets", "discovery", "interviews", "sso",
             "day_one", "words")
SOURCE = Path(i18n.__file__).resolve().parent / "screens"


def marked() -> list[i18n.Marked]:
    return [m for name in SCREENS_B for m in i18n.marked_in(SOURCE / f"{name}.py")]


def fields(text: str) -> list[str]:
    return sorted(re.findall(r"\{[a-z_]*\}", text))


def test_every_string_of_these_screens_has_its_japanese() -> None:
    ja = i18n.load("ja")
    found = marked()
    assert len(found) > 300
    missing, wrong = [], []
    for m in found:
        text = ja.plurals.get(m.msgid, ("",))[0] if m.plural else ja.messages.get(m.msgid, "")
        if not text:
            missing.append(m.where)
        elif fields(text) != fields(m.msgid) or ("[" in text) != ("[" in m.msgid):
            wrong.append(m.where)
    assert not missing, f"no Japanese for {missing}"
    assert not wrong, f"placeholders or brackets differ in {wrong}"


def test_a_code_word_reads_english_without_a_translation() -> None:
    assert C_("Actions status|in progress") == "in progress"
    assert word({"doing": "Actions status|in progress"}, "doing") == "in progress"
    assert word({}, "unknown-code") == "unknown-code"
    with i18n.speaking("ja"):
        assert C_("Actions status|in progress") == "対応中"


def headers(screen: Any) -> list[str]:
    return [str(c.label) for c in screen.query_one(DataTable).columns.values()]


@asynctest
async def test_the_screens_speak_japanese(tmp_path: Path, japanese: None) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DiscoveryScreen)
        assert headers(screen)[1:4] == ["アカウントID", "名前", "環境"]
        assert "アカウント" in plain(screen.query_one("#discovery-summary", Static))

        await pilot.press("5")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ArchitectureScreen)
        assert plain(screen.query_one("#arch-summary", Static)).startswith("スキャン #")

        await pilot.press("6")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AssetsScreen)
        assert headers(screen) == ["名前", "価値", "説明", "リンク", "該当"]

        await pilot.press("8")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ActionsScreen)
        assert headers(screen)[:4] == ["ステータス", "優先", "リスク", "対応"]
        table = screen.query_one(DataTable)
        assert str(table.get_row_at(0)[0]) == "候補"  # a suggestion, not the code
        assert "件決定" in plain(screen.query_one("#actions-summary", Static))

        await pilot.press("9")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SsoScreen)
        assert headers(screen) == ["種類", "名前", "内容 / 場所", "理由"]
        # the footer speaks Japanese too (speak_bindings lays the N_() descriptions over)
        descriptions = {a.binding.description for a in screen.active_bindings.values()}
        assert "名前を変更" in descriptions
