"""The base of every screen: top bar, tabs, body, footer; access to the app's core."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Tabs

from onboard.i18n import current
from onboard.screens.widgets import KeysFooter, NavTabs, TopBar

if TYPE_CHECKING:
    from onboard.app import OnboardApp

GLOBAL_KEYS = frozenset("123456789wdivhbtpcq?")
"""Keys the app binds everywhere; a screen's own bindings must not reuse them."""


class OnboardScreen(Screen[None]):
    SCREEN_ID: ClassVar[str] = ""
    HELP: ClassVar[str] = ""
    """Markdown shown by `?`: what this screen is for and how to use it (marked with N_,
    translated where it is shown)."""

    def compose(self) -> ComposeResult:
        # `.-lang-ja …` in a stylesheet fits wider words without touching the English
        self.add_class(f"-lang-{current()}")
        yield TopBar()
        yield NavTabs(self.SCREEN_ID)
        yield from self.compose_body()
        yield KeysFooter()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    @on(events.Resize)
    def _fold_for_size(self, event: events.Resize) -> None:
        # The stylesheets fold and grow with these: -short (24-31 rows), -narrow (< 110
        # columns), -wide (>= 180 columns).
        width, height = event.size
        self.set_class(height < 32, "-short")
        self.set_class(width < 110, "-narrow")
        self.set_class(width >= 180, "-wide")
        tabs = self.query(NavTabs)
        if tabs:
            tabs.first().relabel(narrow=width < 120, width=width)

    @property
    def oapp(self) -> OnboardApp:
        return cast("OnboardApp", self.app)

    def post(self, message: Message) -> None:
        """post_message from a worker thread, unless the app is closing."""
        if not self.oapp.closing:
            self.post_message(message)

    def reload(self) -> None:
        """Load (again) what the screen shows, e.g. after a scan or a session switch."""

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        target = (event.tab.id or "").removeprefix("tab-")
        if target and target != self.SCREEN_ID:
            self.oapp.go(target)
