"""The command palette (ctrl+p): every action of the app by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from onboard.app import OnboardApp

Command = tuple[str, str, Callable[[], object]]


class OnboardCommands(Provider):
    """Go to a screen, run or cancel a scan, continue, switch session, add an account."""

    @property
    def oapp(self) -> OnboardApp:
        return cast("OnboardApp", self.app)

    def commands(self) -> list[Command]:
        from onboard.screens import SCREENS

        app = self.oapp
        out: list[Command] = [
            ("Continue with the next task", "go to the first open task of the week",
             app.action_continue_task),
            ("Run scan", "scan every reachable account and region (read-only)",
             app.action_run_scan_here),
            ("Cancel scan", "stop the running scan; keep what it collected",
             app.action_cancel_scan),
            ("Switch session", "open another onboarding session, or start a new one",
             app.action_switch_session),
            ("Add account", "an AWS account you heard of (12-digit id and a name)",
             app.action_add_account),
            ("Help for this screen", "what this screen is for and its keys",
             app.action_help),
        ]
        for s in SCREENS:
            out.append((f"Go to {s.title}", f"{s.key} · {s.summary}",
                        partial(app.go, s.id)))
        return out

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
