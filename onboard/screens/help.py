"""`?`: what the current screen is for, and every key it answers to."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from onboard.i18n import N_, _
from onboard.screens.base import OnboardScreen
from onboard.screens.widgets import KeysFooter

GENERAL = N_("""
### Everywhere
| key | what it does |
|---|---|
| `1`–`9`, or the tab | go to a screen (letters: {mnemonics}) |
| `c` | continue with the next open task of the week |
| `ctrl+p` | the command palette: every action of every screen by name, with its key |
| `X` | export the full report (Markdown, in the current folder) |
| `?` | this help |
| `q` | quit (a running scan stops and keeps what it found) |
""")


def _keys_table(screen: OnboardScreen) -> str:
    rows = []
    for binding in screen.BINDINGS:
        if isinstance(binding, Binding) and binding.description:
            key = binding.key_display or binding.key
            rows.append(f"| `{key}` | {_(binding.description)} |")
    if not rows:
        return ""
    return _("### On this screen\n| key | what it does |\n|---|---|\n") + "\n".join(rows) + "\n"


class HelpModal(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", N_("Close"), key_display="esc"),
    ]

    def __init__(self, screen: OnboardScreen) -> None:
        super().__init__()
        self.target = screen

    def compose(self) -> ComposeResult:
        from onboard.screens import SCREENS

        mnemonics = ", ".join(f"`{s.mnemonic}` {_(s.title)}" for s in SCREENS if s.mnemonic)
        help_text = _(self.target.HELP) if self.target.HELP else ""
        text = (help_text.strip() + "\n\n" + _keys_table(self.target)
                + _(GENERAL).format(mnemonics=mnemonics) + _("\n*Esc closes this help.*"))
        with VerticalScroll(id="help-box"):
            yield Markdown(text)
        yield KeysFooter()

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
