"""Text is data on every screen: hostile names from AWS or a user never reach the terminal
as escape codes (the screen's rendered byte stream is read) and are never parsed as markup
(no crash on `[/]`, no live `[link=…]`)."""

from __future__ import annotations

import asyncio
import io
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, example, given, settings
from rich.console import Console

from onboard import catalog as catalog_mod
from onboard.app import OnboardApp
from onboard.models import Resource
from onboard.scan import ScanOptions
from onboard.screens import SCREENS as ALL_SCREENS
from onboard.textsafe import visible
from tests.hostile import ACCOUNTS, PARTS, hostile, leaks, seed
from tests.test_app_support import settle

SIZE = (160, 50)
SCREENS = [spec.key for spec in ALL_SCREENS]
# Edit dialogs, prefilled with the stored (hostile) text: (screen key, dialog key).
DIALOGS = (("2", "e"), ("6", "e"), ("7", "e"), ("8", "e"), ("4", "m"))
# What Textual itself writes besides colours: cursor moves.
CURSOR = re.compile(r"\x1b\[\d+;\d+H")


def screen_stream(app: OnboardApp) -> str:
    """The bytes the app would write to a terminal for its current screen."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def screen_text(app: OnboardApp) -> str:
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True,
                      legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


def _seed(db: Path, text: str) -> None:
    store = seed(db, text)
    scan = store.latest_scan(store.session_by_name("acme").id)  # type: ignore[union-attr]
    assert scan is not None
    store.add_batch(scan.id, [
        Resource(type="s3.bucket", id=f"{text}-bucket", account_id=ACCOUNTS[0],
                 arn=f"arn:aws:s3:::{text}", name=text, attrs={"tags": {text: text}}),
        Resource(type="ec2.vpc", id="vpc-1", account_id=ACCOUNTS[0], region="us-east-1",
                 name=text, attrs={"cidr": "10.0.0.0/16", "tags": {"Name": text}}),
        Resource(type="iam.user", id=text, account_id=ACCOUNTS[0], name=text,
                 arn=f"arn:aws:iam::{ACCOUNTS[0]}:user/{text}", attrs={}),
    ])
    store.close()


async def _tour(db: Path) -> list[tuple[str, str]]:
    """Visit every screen and edit dialog; return (screen, problem) for each leak."""
    from onboard.store import Store

    store = Store.open(db)
    session = store.session_by_name("acme")
    assert session is not None
    app = OnboardApp(store, catalog_mod.load(), session, ScanOptions(regions=["us-east-1"]))
    problems: list[tuple[str, str]] = []
    async with app.run_test(size=SIZE) as pilot:
        for key in SCREENS:
            await pilot.press(key)
            await settle(app)
            await pilot.pause(0.1)
            name = type(app.screen).__name__
            stream = screen_stream(app)
            if "\x1b]8;" in stream:
                problems.append((name, "a hyperlink"))
            rest = CURSOR.sub("", stream)
            problems += [(name, leak) for leak in leaks(rest, allow_sgr=True)]
        for screen_key, dialog_key in DIALOGS:
            await pilot.press(screen_key)
            await settle(app)
            await pilot.press(dialog_key)
            await settle(app)
            await pilot.pause(0.1)
            name = type(app.screen).__name__
            rest = CURSOR.sub("", screen_stream(app))
            problems += [(name, leak) for leak in leaks(rest, allow_sgr=True)]
            await pilot.press("escape")
            await pilot.pause(0.1)
    store.close()
    return problems


@example(text="".join(PARTS))
@settings(max_examples=2, deadline=None, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(text=hostile)
def test_no_screen_leaks_controls_or_reads_markup(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "h.db"
        _seed(db, text)
        problems = asyncio.run(_tour(db))
    assert not problems, problems


def test_markup_in_names_is_shown_as_typed(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    _seed(db, "[/]evil[b]acct[/b] \x1b]0;pwned\x07")

    async def run() -> tuple[str, list[tuple[str, str]]]:
        from onboard.store import Store

        store = Store.open(db)
        session = store.session_by_name("acme")
        assert session is not None
        app = OnboardApp(store, catalog_mod.load(), session, ScanOptions())
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("2")
            await settle(app)
            await pilot.pause(0.1)
            text = screen_text(app)
        store.close()
        return text, []

    text, _ = asyncio.run(run())
    # Shown as typed: neither the closing tag nor [b] was read as markup.
    assert visible("[/]evil[b]acct[/b] \x1b]0;pwned\x07") in text
