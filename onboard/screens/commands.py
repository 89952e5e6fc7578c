"""The command palette (ctrl+p): every action of the app by name, with its key."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from onboard import i18n

if TYPE_CHECKING:
    from onboard.app import OnboardApp

Command = tuple[str, str, Callable[[], object]]


def key_label(binding: Binding) -> str:
    return binding.key_display or binding.key.split(",")[0]


class OnboardCommands(Provider):
    """Global actions, every screen's own keys (it opens the screen first), every task."""

    @property
    def oapp(self) -> OnboardApp:
        return cast("OnboardApp", self.app)

    def commands(self) -> list[Command]:
        from onboard.screens import SCREENS, screen_class

        app = self.oapp
        out: list[Command] = [
            ("Continue with the next task", "c · go to the first open task of the week",
             app.action_continue_task),
            ("Start scan", "r on Review · scan every reachable account and region "
             "(read-only)", app.action_run_scan_here),
            ("Cancel scan", "esc on Review · stop the running scan; keep what it collected",
             app.action_cancel_scan),
            ("Export report", "X · the full report (Markdown) into the current folder",
             app.action_export_report),
            ("Export decisions", "x on Actions · the decision table (Markdown) into the "
             "current folder", app.action_export_decisions),
            ("Show policy", "the read-only IAM policy a scan needs, to copy and ask for",
             app.action_show_policy),
            ("Import Terraform state", "T on Architecture · .tfstate files, several at once",
             app.action_import_terraform),
            ("Switch session", "open another onboarding session, or start a new one",
             app.action_switch_session),
            ("Add account", "a on Discovery · an AWS account you heard of",
             app.action_add_account),
            *((i18n._("Language: {name}").format(name=i18n.NAMES[lang]),
               i18n._("speak this language in this session (screens, content, exports)"),
               partial(app.action_set_language, lang))
              for lang in i18n.LANGS if lang != i18n.current()),
            ("Help for this screen", "? · what this screen is for and its keys",
             app.action_help),
            ("Quit", "q · a running scan stops and keeps what it found", app.action_quit),
        ]
        for s in SCREENS:
            out.append((f"Go to {s.title}", f"{s.key}"
                        + (f" or {s.mnemonic}" if s.mnemonic else "") + f" · {s.summary}",
                        partial(app.go, s.id)))
            cls = screen_class(s.id)
            for binding in getattr(cls, "BINDINGS", ()):
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                if binding.action.startswith("app.") or binding.action in (
                        "escape", "move_task(1)", "move_task(-1)", "toggle_task"):
                    continue  # listed above, or plain movement
                out.append((f"{s.title}: {binding.description}",
                            f"{key_label(binding)} on {s.title}",
                            partial(self._run_on, s.id, binding.action)))
        for state in (app.snapshot.states if app.snapshot else []):
            mark = "✓" if state.done else "○"
            out.append((f"Jump to task: {state.task.title}",
                        f"{mark} Day {state.day} · {'done' if state.done else 'open'}",
                        partial(app.action_jump_task, state.task.id)))
        return out

    def _run_on(self, screen_id: str, action: str) -> None:
        app = self.oapp
        app.go(screen_id)

        async def run() -> None:
            await app.screen_named(screen_id).run_action(action)

        app.call_after_refresh(run)

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = max(matcher.match(name), matcher.match(f"{name} {help_text}") * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
