"""Small dialogs: add/edit an account, triage a finding, switch session."""

from __future__ import annotations

from typing import ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.validation import Regex
from textual.widgets import (
    Button,
    Input,
    Label,
    OptionList,
    RadioSet,
    Select,
    TextArea,
)
from textual.widgets.option_list import Option

from onboard import labels
from onboard.guide import SOURCE_LABELS, TRIAGE_MARKS
from onboard.i18n import N_, _
from onboard.models import Account, Environment, Finding, SessionInfo
from onboard.screens.widgets import (
    TRIAGE_LABELS,
    Choice,
    KeysFooter,
    SafeInput,
    SafeLabel,
    SafeTextArea,
    label,
    shown,
)
from onboard.store import Store

MARK_LABELS = {**TRIAGE_LABELS,
               "question": N_("question (someone must answer it; write who in the note)")}

ENVIRONMENTS = ("management", "prod", "staging", "sandbox", "dev", "other")
ENVIRONMENT_LABELS = labels.ENVIRONMENT
"""Environments are stored as these codes; the dialog shows the words."""
ACCOUNT_ID = Regex(r"^\d{12}$", failure_description="an AWS account id is 12 digits")


class _Dialog(ModalScreen[object]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def buttons(self, ok: str) -> ComposeResult:
        with Horizontal(classes="dialog-buttons"):
            yield Button(ok, variant="primary", id="ok")
            yield Button(_("Cancel"), id="cancel")

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class AccountModal(_Dialog):
    """Add an account by hand (or as named in an interview), or edit name/environment."""

    def __init__(self, account: Account | None = None, source: str = "manual",
                 hint: str = "") -> None:
        super().__init__()
        self.account = account
        self.source = source
        self.hint = hint

    def compose(self) -> ComposeResult:
        acc = self.account
        title = _("Edit account") if acc else (
            _("Add an account named in the interview") if self.source == "interview"
            else _("Add an account"))
        with Vertical(classes="dialog"):
            yield SafeLabel(title, classes="dialog-title")
            if self.hint:
                yield SafeLabel(self.hint, classes="dialog-hint")
            yield SafeLabel(_("Account id (12 digits)"))
            yield SafeInput(acc.account_id if acc else "", id="account-id", max_length=12,
                        restrict=r"\d*", validators=[ACCOUNT_ID], disabled=acc is not None,
                        placeholder="123456789012")
            yield SafeLabel(_("Name"))
            yield SafeInput(acc.name if acc else "", id="account-name",
                            placeholder=_("what people call it, e.g. billing / sandbox"))
            yield SafeLabel(_("Environment"))
            yield Select([(label(ENVIRONMENT_LABELS, e), e) for e in ENVIRONMENTS],
                         id="account-env",
                         value=acc.environment if acc else "other", allow_blank=False)
            yield SafeLabel("", id="account-error", classes="dialog-error")
            yield from self.buttons(_("Save"))
        yield KeysFooter()

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _save(self) -> None:
        ident = self.query_one("#account-id", Input)
        result = ident.validate(ident.value)
        if result is not None and not result.is_valid:
            self.query_one("#account-error", Label).update(
                _("An AWS account id is exactly 12 digits."))
            ident.focus()
            return
        name = self.query_one("#account-name", Input).value.strip()
        env = cast(Environment, self.query_one("#account-env", Select).value)
        if self.account is not None:
            account = self.account.model_copy(update={"name": name, "environment": env})
        else:
            account = Account(account_id=ident.value, name=name, environment=env,
                              source=self.source, known_before=True)  # type: ignore[arg-type]
        self.dismiss(account)


class TriageModal(_Dialog):
    """A mark (confirmed / accepted risk / false positive / question) and a note for one
    finding, or for `count` selected findings at once."""

    def __init__(self, finding: Finding, mark: str = "", note: str = "",
                 count: int = 1) -> None:
        super().__init__()
        self.finding = finding
        self.count = count
        self.mark = mark
        self.note = note

    def compose(self) -> ComposeResult:
        f = self.finding
        with Vertical(classes="dialog"):
            if self.count > 1:
                yield SafeLabel(_("Triage {count} selected findings").format(count=self.count),
                                classes="dialog-title")
                yield SafeLabel(_("One mark and one note for all of them (each keeps its own "
                                  "afterwards)."), classes="dialog-hint")
            else:
                yield SafeLabel(_("Triage this finding"), classes="dialog-title")
                yield SafeLabel(f"{f.check_id} · {f.resource_id} · {f.account_id} {f.region}",
                            classes="dialog-hint")
            with RadioSet(id="triage-mark"):
                for mark in TRIAGE_MARKS:
                    yield Choice(label(MARK_LABELS, mark), value=mark == self.mark,
                                 name=mark)
                yield Choice(_("no mark yet"), value=self.mark not in TRIAGE_MARKS,
                                  name="")
            yield SafeLabel(_("Note (why, who said so, ticket…)"))
            yield SafeInput(self.note, id="triage-note")
            yield from self.buttons(_("Save"))
        yield KeysFooter()

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _save(self) -> None:
        pressed = self.query_one(RadioSet).pressed_button
        mark = pressed.name if pressed is not None and pressed.name else ""
        self.dismiss((mark, self.query_one("#triage-note", Input).value.strip()))


class SessionsLoaded(Message):
    def __init__(self, sessions: list[SessionInfo]) -> None:
        super().__init__()
        self.sessions = sessions


class SessionModal(_Dialog):
    """Pick a session, or type a new name. Returns a SessionInfo or a new name (str)."""

    def __init__(self, store: Store, current: int) -> None:
        super().__init__()
        self.store = store
        self.current = current
        self.sessions: list[SessionInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield SafeLabel(_("Switch session"), classes="dialog-title")
            yield OptionList(id="session-list")
            yield SafeLabel(_("…or start a new one (a name, then Enter)"))
            yield SafeInput(id="session-new", placeholder=_("e.g. acme-2024"))
            yield from self.buttons(_("Open"))
        yield KeysFooter()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="sessions", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(SessionsLoaded(self.store.sessions()))

    def on_sessions_loaded(self, message: SessionsLoaded) -> None:
        self.sessions = message.sessions
        options = self.query_one(OptionList)
        for s in self.sessions:
            mark = _("  (open now)") if s.id == self.current else ""
            options.add_option(Option(shown(_("{name}  · started {started}{mark}").format(
                name=s.name, started=s.started, mark=mark)), id=str(s.id)))
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        chosen = next(s for s in self.sessions if str(s.id) == event.option.id)
        self.dismiss(chosen)

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _open(self) -> None:
        name = self.query_one("#session-new", Input).value.strip()
        if name:
            self.dismiss(name)
            return
        options = self.query_one(OptionList)
        if options.highlighted is not None and self.sessions:
            self.dismiss(self.sessions[options.highlighted])


def source_label(source: str) -> str:
    return _(SOURCE_LABELS.get(source, source))


class NoteModal(_Dialog):
    """A free-text note on a task or a matrix row; returns the text (empty deletes it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), key_display="esc"),
        Binding("ctrl+s", "save", N_("Save"), key_display="ctrl+s"),
    ]

    def __init__(self, title: str, subject: str, text: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.subject = subject
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield SafeLabel(self.title_text, classes="dialog-title")
            yield SafeLabel(self.subject, classes="dialog-hint")
            yield SafeTextArea(self.text, id="note-text", show_line_numbers=False)
            yield SafeLabel(_("ctrl+s saves · an empty note is deleted"), classes="dialog-hint")
            yield from self.buttons(_("Save"))
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @on(Button.Pressed, "#ok")
    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())
