"""Widgets every screen shares: the top bar (session, identity, day, scan) and the tabs."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.widgets import Checkbox, RadioButton, Static, Tab, Tabs

from onboard.screens import SCREENS

if TYPE_CHECKING:
    from onboard.app import OnboardApp

PHASE_COLORS = {
    "observe": "#5fafff",
    "orient": "#ffaf5f",
    "decide": "#d787ff",
    "act": "#87d787",
}
"""The OODA loop's colours, used for days, tasks and screens alike."""

SEVERITY_STYLES = {
    "critical": "bold #ff5f87",
    "high": "#ff875f",
    "medium": "#ffd75f",
    "low": "#87afd7",
    "info": "dim",
}
STATUS_STYLES = {"FAIL": "bold #ff5f87", "ERROR": "#ffaf5f", "PASS": "#87d787",
                 "SKIPPED": "dim"}


def phase_text(phase: str) -> Text:
    return Text(phase.capitalize(), style=f"bold {PHASE_COLORS.get(phase, 'white')}")


class TopBar(Static):
    """One line: app, session, AWS identity, current day, and a running scan."""

    DEFAULT_CSS = """
    TopBar { dock: top; height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def on_mount(self) -> None:
        app = cast("OnboardApp", self.app)
        for name in ("session_name", "identity", "day", "scan_status"):
            self.watch(app, name, self._changed, init=False)
        self._changed()

    def _changed(self, _value: object = None) -> None:
        app = cast("OnboardApp", self.app)
        day = next((d for d in app.catalog.days if d.day == app.day), None)
        text = Text.assemble(
            ("onboard", "bold #5fafff"), ("  session ", "dim"), (app.session_name, "bold"),
            ("  ·  AWS ", "dim"), (app.identity, "italic" if app.identity.startswith("not")
                                   else ""),
        )
        if day is not None:
            text.append("  ·  ", "dim")
            text.append(f"Day {day.day} ", "bold")
            text.append_text(phase_text(day.phase.value))
        if app.demo:
            text.append("  ·  ", "dim")
            text.append("demo org", "reverse #ffaf5f")
        if app.scan_status:
            text.append("  ·  ", "dim")
            text.append(app.scan_status, "bold #ffd75f")
        self.update(text)


class NavTabs(Tabs):
    """The screens as clickable tabs; keys 1-9 and the mnemonics do the same."""

    can_focus = False

    def __init__(self, active: str) -> None:
        tabs = [Tab(self._label(s.key, s.title), id=f"tab-{s.id}") for s in SCREENS]
        super().__init__(*tabs, active=f"tab-{active}")
        self._narrow: bool | None = None

    @staticmethod
    def _label(key: str, title: str) -> Text:
        return Text.assemble((key, "bold"), " ", title)

    def relabel(self, narrow: bool) -> None:
        """Short titles below 120 columns, so every tab stays visible at 80."""
        if narrow == self._narrow:
            return
        self._narrow = narrow
        for s in SCREENS:
            found = self.query(f"#tab-{s.id}")
            if found:
                tab = found.first()
                assert isinstance(tab, Tab)
                tab.label = self._label(s.key, (s.short or s.title) if narrow else s.title)


class TickBox(Checkbox):
    """A checkbox whose state reads without colour: ✓ when ticked, blank when not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "✓" if self.value else " "


class Choice(RadioButton):
    """A radio button whose state reads without colour: ● chosen, ○ not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else "○"
