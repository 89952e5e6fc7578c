"""The Textual app: navigation, the scan worker, week state, resume, failure reporting.

The app holds no business logic: it asks the core (store, catalog, week, runner, guide)
from thread workers and hands typed messages to the screens.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar, cast

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from onboard import guide, i18n, linebreak, week
from onboard.catalog import Catalog, in_language
from onboard.i18n import N_, _
from onboard.models import Account, SessionInfo
from onboard.scan import Progress, ScanOptions, ScanResult, run_scan
from onboard.screens import SCREENS, spec
from onboard.screens.base import OnboardScreen
from onboard.screens.commands import OnboardCommands
from onboard.screens.speak import speak_bindings
from onboard.store import Store
from onboard.textsafe import visible
from onboard.workspace import Workspace

ScanFn = Callable[..., ScanResult]


# --- messages from workers ----------------------------------------------------------------


class ScanProgress(Message):
    """A step of the running scan; a newer one replaces an unprocessed older one."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScanProgress)


class AccountsChanged(Message):
    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id


class Exported(Message):
    def __init__(self, path: Path, what: str) -> None:
        super().__init__()
        self.path = path
        self.what = what


class ScanFinished(Message):
    def __init__(self, result: ScanResult) -> None:
        super().__init__()
        self.result = result


@dataclass(frozen=True)
class WeekSnapshot:
    states: list[week.TaskState]
    progress: list[week.DayProgress]
    day: int
    identity: str
    notes: dict[str, str] | None = None
    """task id → the user's note."""


class WeekRefreshed(Message):
    def __init__(self, snapshot: WeekSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


SCREEN_STATE_KEY = "screens"
"""ui_state key of the newer screens' selections (screen id → a row/asset/action/node id);
kept beside guide.UiState, whose model ignores keys it does not know."""


def screen_state(raw: dict[str, Any]) -> dict[str, str | int]:
    """The saved selections, dropping anything that is not a plain id (bad state never
    crashes a start)."""
    found = raw.get(SCREEN_STATE_KEY) if isinstance(raw, dict) else None
    if not isinstance(found, dict):
        return {}
    return {str(k): v for k, v in found.items()
            if isinstance(v, str | int) and not isinstance(v, bool)}


def _nav_bindings() -> list[BindingType]:
    # Not in the footer: eight screens do not fit beside a screen's own keys, and the tab
    # bar already shows each number (`?` lists the letters).
    out: list[BindingType] = []
    for s in SCREENS:
        display = f"{s.key}/{s.mnemonic}" if s.mnemonic else s.key
        out.append(Binding(s.key, f"go('{s.id}')", s.title, key_display=display,
                           id=f"go-{s.id}", show=False))
        if s.mnemonic:
            out.append(Binding(s.mnemonic, f"go('{s.id}')", s.title, show=False))
    return out


class OnboardApp(App[int]):
    TITLE = "onboard"
    CSS_PATH = "screens/app.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {OnboardCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "continue_task", N_("Continue"), id="continue",
                tooltip=N_("Go to the screen of the first open task of the week")),
        Binding("question_mark", "help", N_("Help"), key_display="?", id="help"),
        Binding("q", "quit", N_("Quit"), id="quit"),
        Binding("X", "export_report", N_("Export the full report"), key_display="X",
                id="export-report", show=False),
        *_nav_bindings(),
    ]

    session_name: reactive[str] = reactive("")
    identity: reactive[str] = reactive(N_("not scanned yet"))
    day: reactive[int] = reactive(1)
    scan_status: reactive[str] = reactive("")
    scanning: reactive[bool] = reactive(False)
    snapshot: reactive[WeekSnapshot | None] = reactive(None)
    progress: reactive[Progress | None] = reactive(None)

    def __init__(self, store: Store, catalog: Catalog, session: SessionInfo,
                 options: ScanOptions | None = None, demo: bool = False, profile: str = "",
                 scan_fn: ScanFn = run_scan) -> None:
        speak_bindings()  # the footer and the keys panel in the language being spoken
        linebreak.install()  # Japanese breaks anywhere but before 。 and after 「
        super().__init__()
        self._speak_palette_binding()
        self.store = store
        self.catalog = catalog
        self.session = session
        self.options = options or ScanOptions(profile=profile or None)
        self.demo = demo
        self.profile = profile
        self.scan_fn = scan_fn
        self.cancel_event = threading.Event()
        self._stopping = threading.Event()
        self.last_result: ScanResult | None = None
        self.ui_state, self._state_warning = guide.load_ui_state(session.ui_state)
        self.screen_state = screen_state(session.ui_state)
        self._screens: dict[str, OnboardScreen] = {}
        self.relaunch: Relaunch | None = None
        self._save_timer: Timer | None = None
        self.session_name = session.name

    # -- Textual's own words: the palette's key, its placeholder and its system commands

    def _speak_palette_binding(self) -> None:
        """Textual adds the ctrl+p binding to each app in English; say it in the language
        being spoken (the footer shows it on the right)."""
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                replace(b, description=_(PALETTE_WORDS.get(b.description, b.description)),
                        tooltip=_(PALETTE_WORDS.get(b.tooltip, b.tooltip)))
                if b.action == "command_palette" else b for b in bindings]

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(
                cast("App[object]", self)):
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"),
                                            id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands (Theme, Quit, Keys…) with their titles and help translated."""
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))

    # -- start and navigation

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Notifications carry names from AWS and the user: shown as text, never markup,
        with their control characters made visible."""
        super().notify(visible(message, multiline=True), title=visible(title),
                       severity=severity, timeout=timeout, markup=False)

    def on_mount(self) -> None:
        for s in SCREENS:
            self.add_mode(s.id, self._factory(s.id))
        self.refresh_week()
        start = self.ui_state.screen if spec(self.ui_state.screen) else "week"
        self.switch_mode(start)
        if self._state_warning:
            self.notify(self._state_warning, severity="warning")

    _frozen = False

    def _freeze_long_lived(self) -> None:
        """Once a screen is first drawn, hand what exists (modules, the catalog,
        translations, stylesheets, the screens' widgets: hundreds of thousands of objects)
        to the garbage collector's permanent generation. Its full passes then walk only
        what was made since: on Review with 100,000 findings each used to stop the screen
        for 80-130 ms every few keys. Garbage is collected first, so none is kept;
        reference counting still frees the frozen objects, and the collector gets them
        back when the app ends. Not while a scan runs: a botocore client it releases is a
        reference cycle, which a frozen collector would never free (done when it ends)."""
        if self.scanning:
            self._freeze_after_scan = True
            return
        gc.collect()
        gc.freeze()
        self._frozen = True

    _freeze_after_scan = False

    def watch_scanning(self, scanning: bool) -> None:
        if not scanning and self._freeze_after_scan:
            self._freeze_after_scan = False
            self.call_after_refresh(self._freeze_long_lived)

    def on_unmount(self) -> None:
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def _factory(self, screen_id: str) -> Callable[[], OnboardScreen]:
        def build() -> OnboardScreen:
            found = spec(screen_id)
            assert found is not None
            screen = found.factory()
            self._screens[screen_id] = screen
            self.call_after_refresh(self._freeze_long_lived)  # its widgets, once drawn
            return screen

        return build

    def go(self, screen_id: str) -> None:
        if spec(screen_id) is None:
            self.notify(_("The {screen} screen is not in this version of onboard.").format(
                screen=repr(screen_id)), severity="warning")
            return
        if self.current_mode != screen_id:
            self.switch_mode(screen_id)
        self.remember(screen=screen_id)

    def action_go(self, screen_id: str) -> None:
        self.go(screen_id)

    def action_continue_task(self) -> None:
        snap = self.snapshot
        nxt = next((s for s in snap.states if not s.done), None) if snap else None
        if nxt is None:
            self.notify(_("Every task of the week is done. Well done!"))
            return
        self.notify(_("Next: {task}").format(task=nxt.task.title),
                    title=_("Day {n}").format(n=nxt.day))
        if nxt.task.screen:
            self.remember(task=nxt.task.id)
            self.go(nxt.task.screen)
            if nxt.task.screen == "week":
                self.screen_named("week").focus_task(nxt.task.id)  # type: ignore[attr-defined]
        else:
            self.go("week")
            self.screen_named("week").focus_task(nxt.task.id)  # type: ignore[attr-defined]

    def screen_named(self, screen_id: str) -> OnboardScreen:
        return self._screens[screen_id]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A dialog shows (and answers) its own keys only: `c`, `?`, the screen keys and
        # `q` would act on the screen underneath.
        return not (isinstance(self.screen, ModalScreen) and action in {
            "continue_task", "help", "quit", "go", "export_report"})

    def action_jump_task(self, task_id: str) -> None:
        """Show a task of the week (from the palette)."""
        self.go("week")
        self.remember(task=task_id)
        self.call_after_refresh(
            lambda: self.screen_named("week").focus_task(task_id))  # type: ignore[attr-defined]

    # -- day one: the policy to ask for, the Terraform import, the exports

    def action_show_policy(self) -> None:
        from onboard.screens.day_one import PolicyModal

        self.push_screen(PolicyModal())

    def action_import_terraform(self) -> None:
        from onboard.screens.day_one import TerraformImportModal

        suggestion = ""
        if self.demo:
            from onboard.demo import TERRAFORM_STATE

            suggestion = str(TERRAFORM_STATE)

        def closed(imported: object) -> None:
            if imported:
                self.refresh_week()
                for screen in self._screens.values():
                    screen.reload()

        self.go("architecture")
        self.push_screen(TerraformImportModal(suggestion), closed)

    def action_export_report(self) -> None:
        self._export(self.session.id, self.session.name, None)

    def action_export_decisions(self) -> None:
        self._export(self.session.id, self.session.name, "decisions")

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, session_id: int, session_name: str, only: str | None) -> None:
        from onboard import export as export_mod
        from onboard.screens.actions import slug

        text = export_mod.export(self.store, self.catalog, session_id, "markdown", only=only)
        kind = "decisions" if only else "report"
        path = Path.cwd() / f"onboard-{kind}-{slug(session_name)}.md"
        export_mod.write_atomic(path, text)
        activity = export_mod.activity_of(self.store, self.catalog, session_id, "markdown",
                                          only)
        if activity is not None:
            Workspace(self.store, self.catalog, session_id).record_export(activity[0],
                                                                          **activity[1])
        self.post(Exported(path, N_("Decision table") if only else N_("Full report")))

    def on_exported(self, message: Exported) -> None:
        self.notify(_("{what} written to {path}").format(what=_(message.what),
                                                         path=visible(message.path)),
                    title=_("Exported"), timeout=10, markup=False)
        self.refresh_week()
        if "actions" in self._screens:
            self._screens["actions"].reload()

    def action_help(self) -> None:
        from onboard.screens.help import HelpModal

        screen = self.screen
        if isinstance(screen, OnboardScreen):
            self.push_screen(HelpModal(screen))

    async def action_quit(self) -> None:
        self.exit(0)

    def exit(self, result: int | None = None, return_code: int = 0,
             message: Any | None = None) -> None:
        # Before the loop closes: the scan thread must see the cancel, or closing waits
        # for the whole scan to finish.
        self.stop_background()
        super().exit(result, return_code, message)

    def stop_background(self) -> None:
        """Stop a running scan (it keeps what it collected) and silence worker messages."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self.cancel_event.set()
        self.flush_ui_state()

    # -- resume

    def remember(self, **fields: Any) -> None:
        """Update where the user is; saved shortly after (debounced), and on exit."""
        review = fields.pop("review", None)
        self.screen_state.update(fields.pop(SCREEN_STATE_KEY, None) or {})
        data = self.ui_state.model_dump()
        data.update(fields)
        if review:
            data["review"].update(review)
        self.ui_state = guide.UiState.model_validate(data)
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(0.5, self._save_ui_state)

    def _save_ui_state(self) -> None:
        self._save_timer = None
        self._write_ui_state(self.session.id, self._ui_state_dict())

    @work(thread=True, exclusive=True, group="ui-state", exit_on_error=False)
    def _write_ui_state(self, session_id: int, state: dict[str, Any]) -> None:
        self.store.update_session(session_id, ui_state=state)

    def flush_ui_state(self) -> None:
        """On exit: one quick direct write, so the last move is never lost."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        self.store.update_session(self.session.id, ui_state=self._ui_state_dict())

    def _ui_state_dict(self) -> dict[str, Any]:
        return {**self.ui_state.model_dump(), SCREEN_STATE_KEY: dict(self.screen_state)}

    # -- week state (task ticks, current day, identity)

    @work(thread=True, exclusive=True, group="week", exit_on_error=False)
    def refresh_week(self) -> None:
        sid = self.session.id
        states = week.task_states(self.catalog, self.store, sid)
        snap = WeekSnapshot(states, week.progress(self.catalog, self.store, sid, states),
                            week.current_day(self.catalog, self.store, sid, states),
                            guide.identity_label(self.store.latest_scan(sid)),
                            self.store.notes(sid, "task"))
        self.post(WeekRefreshed(snap))

    def on_week_refreshed(self, message: WeekRefreshed) -> None:
        self.snapshot = message.snapshot
        self.day = message.snapshot.day
        self.identity = message.snapshot.identity

    @property
    def ws(self) -> Workspace:
        """The write path for the open session (every change goes through it)."""
        return Workspace(self.store, self.catalog, self.session.id)

    @work(thread=True, group="week-write", exit_on_error=False)
    def set_task_done(self, task_id: str, done: bool | None) -> None:
        """The user's own tick or untick; None gives the task back to its rule."""
        self.ws.set_task(task_id, done)
        self.call_from_thread(self.refresh_week)

    def _refresh_week_soon(self) -> None:
        self.refresh_week()

    @work(thread=True, group="note-write", exit_on_error=False)
    def save_note(self, kind: str, target: str | int, text: str,
                  then: Callable[[], None] | None = None) -> None:
        """A note on a task or a matrix row (empty deletes it); `then` runs on the UI."""
        self.ws.set_note(kind, target, text)
        self.call_soon(self._refresh_week_soon)
        if then is not None:
            self.call_soon(then)

    # -- scan

    def action_run_scan(self) -> None:
        if self.scanning:
            self.notify(_("A scan is already running (Esc on Review cancels it)."))
            return
        self.cancel_event = threading.Event()
        self.scanning = True
        self.scan_status = _("scan starting")
        self.progress = Progress("identity", 0, 1, "starting")
        self._scan(self.cancel_event)

    def action_cancel_scan(self) -> None:
        if not self.scanning:
            return
        self.cancel_event.set()
        self.scan_status = _("scan stopping")
        self.notify(_("Stopping the scan after the running collectors; "
                      "what was collected is kept."))

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def _scan(self, cancel: threading.Event) -> None:
        try:
            result = self.scan_fn(self.store, self.session.id, self.catalog, self.options,
                                  progress=lambda p: self.post(ScanProgress(p)),
                                  cancel=cancel)
        finally:
            self.call_soon(self._scan_ended)
        self.post(ScanFinished(result))

    @property
    def closing(self) -> bool:
        return self._stopping.is_set()

    def call_soon(self, callback: Callable[[], None]) -> None:
        """Run callback on the UI thread unless the app is closing."""
        if not self._stopping.is_set():
            self.call_from_thread(callback)

    def post(self, message: Message) -> None:
        """post_message from a worker, unless the app is closing (its loop may be gone)."""
        if not self._stopping.is_set():
            self.post_message(message)

    def _scan_ended(self) -> None:
        self.scanning = False
        if not self.cancel_event.is_set() or self.scan_status == _("scan stopping"):
            self.scan_status = ""

    def on_scan_progress(self, message: ScanProgress) -> None:
        p = message.progress
        self.progress = p
        if p.phase == "collect" and p.total:
            self.scan_status = _("scanning {percent}%").format(percent=100 * p.done // p.total)
        elif p.phase != "done":
            self.scan_status = _("scan: {phase}").format(phase=_(SCAN_PHASES.get(p.phase,
                                                                                 p.phase)))

    def on_scan_finished(self, message: ScanFinished) -> None:
        result = message.result
        self.last_result = result
        self.scanning = False
        self.scan_status = ""
        fails = sum(1 for f in result.findings if f.status.value == "FAIL")
        word = _("Scan complete") if result.status == "complete" else _("Scan stopped early")
        self.notify(_("{word}: {accounts} accounts, {fails} failing checks, {new} new, "
                      "{fixed} fixed.").format(word=word, accounts=len(result.accounts),
                                               fails=fails, new=len(result.new),
                                               fixed=len(result.fixed)),
                    severity="information" if result.status == "complete" else "warning")
        self.refresh_week()
        for screen in self._screens.values():
            screen.reload()

    def action_run_scan_here(self) -> None:
        """From the palette: show Review (where the progress is) and start the scan."""
        self.go("review")
        self.action_run_scan()

    # -- accounts (shared by Discovery, Interviews and the palette)

    def action_add_account(self, source: str = "manual", hint: str = "") -> None:
        from onboard.screens.modals import AccountModal

        def added(account: object) -> None:
            if account is not None:
                self.save_account(account)  # type: ignore[arg-type]

        self.push_screen(AccountModal(source=source, hint=hint), added)

    @work(thread=True, group="accounts", exit_on_error=False)
    def save_account(self, account: Account) -> None:
        self.ws.add_account(account)
        self.post(AccountsChanged(account.account_id))

    def on_accounts_changed(self, message: AccountsChanged) -> None:
        self.notify(_("Account {account} saved; it is on Discovery.").format(
            account=message.account_id))
        if "discovery" in self._screens:
            self._screens["discovery"].reload()

    # -- sessions

    def action_switch_session(self) -> None:
        from onboard.screens.modals import SessionModal

        def chosen(result: object) -> None:
            if isinstance(result, SessionInfo):
                if result.id != self.session.id:
                    self._open_session(result.name)
            elif isinstance(result, str):
                self._open_session(result)

        self.push_screen(SessionModal(self.store, self.session.id), chosen)

    @work(thread=True, exclusive=True, group="sessions", exit_on_error=False)
    def _open_session(self, name: str) -> None:
        found = self.store.session_by_name(name) or self.store.create_session(
            name, profile=self.profile, lang=i18n.current())
        self.store.touch_session(found.id)
        self.call_soon(lambda: self.switch_session(found))

    def switch_session(self, session: SessionInfo) -> None:
        self.flush_ui_state()
        if i18n.speaks_for(session.lang) != i18n.current():
            self.relaunch = Relaunch(session.id, i18n.speaks_for(session.lang))
            self.exit(0)  # `run_app` opens it again in the session's language
            return
        self.session = session
        self.session_name = session.name
        self.ui_state, warning = guide.load_ui_state(session.ui_state)
        self.screen_state = screen_state(session.ui_state)
        if warning:
            self.notify(warning, severity="warning")
        self.refresh_week()
        for screen in self._screens.values():
            screen.reload()
        self.go(self.ui_state.screen if spec(self.ui_state.screen) else "week")
        self.notify(_("Switched to session {name}.").format(name=repr(session.name)))

    # -- language

    def action_set_language(self, lang: str) -> None:
        """Speak `lang` in this session from now on (the app opens again in it, on the same
        screen, with the session's matrix text written again in it)."""
        if lang == i18n.current():
            self.notify(i18n._("Already in {language}.").format(language=i18n.NAMES[lang]))
            return
        self.flush_ui_state()
        self.ws.set_language(lang)
        i18n.forget_choice()
        self.relaunch = Relaunch(self.session.id, lang)
        self.exit(0)

    # -- the one place worker failures become visible

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            error = worker.error
            if worker.group == "scan":
                self.scanning = False
                self.scan_status = ""
                self.progress = None
            title = (_(FAILURE_TITLES[worker.group]) if worker.group in FAILURE_TITLES
                     else _("{what} failed").format(what=worker.group or worker.name))
            self.notify(failure_text(error), title=title, severity="error", timeout=STAY)
        elif event.state == WorkerState.CANCELLED and worker.group == "scan":
            self.scanning = False


STAY = 24 * 3600.0
"""A failure stays on screen until it is clicked away."""

FAILURE_TITLES = {"scan": N_("The scan failed"), "export": N_("The export failed"),
                  "week-write": N_("The task was not saved"),
                  "accounts": N_("The account was not saved")}

SCAN_PHASES = {"identity": N_("identity"), "accounts": N_("accounts"),
               "collect": N_("collect"), "evaluate": N_("evaluate"), "done": N_("done")}
"""The scan's phases (codes in Progress) as the top bar names them."""

PALETTE_WORDS = {"palette": N_("palette"),
                 "Open the command palette": N_("Open the command palette")}
SYSTEM_COMMANDS = (
    N_("Theme"), N_("Change the current theme"),
    N_("Quit the application as soon as possible"),
    N_("Keys"), N_("Show help for the focused widget and a summary of available keys"),
    N_("Hide the keys and widget help panel"),
    N_("Minimize"), N_("Minimize the widget and restore to normal size"),
    N_("Maximize"), N_("Maximize the focused widget"),
    N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen"),
)
"""Textual's own palette commands (App.get_system_commands), marked so they are translated
(Quit is an onboard binding too)."""


def failure_text(error: BaseException | None) -> str:
    """What went wrong in the user's words: the error's own message, never a class name."""
    text = " ".join(str(error or "").split())
    if not text:
        return _("Something went wrong and onboard could not say what; nothing was lost.")
    return text


@dataclass(frozen=True)
class Relaunch:
    """Open the app again: on this session, in this language."""

    session_id: int
    lang: str


def run_app(store: Store, catalog: Catalog, session: SessionInfo, options: ScanOptions,
            demo: bool, profile: str) -> int:
    """Run the TUI until the user quits; a running scan is stopped and its work kept.
    A language switch (or a session in another language) opens it again in that language."""
    while True:
        app = OnboardApp(store, catalog, session, options, demo=demo, profile=profile)
        code = app.run()
        app.stop_background()
        if app.relaunch is None:
            return int(code or 0)
        i18n.set_language(app.relaunch.lang)
        session = store.session(app.relaunch.session_id)
        catalog = in_language(catalog, app.relaunch.lang)
