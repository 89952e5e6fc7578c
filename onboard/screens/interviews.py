"""Interviews: the questions for whoever knows the AWS setup, in AWS terms and plain words,
with notes that save themselves."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from onboard import guide
from onboard.i18n import N_, _
from onboard.models import InterviewPrompt
from onboard.screens import where
from onboard.screens.base import OnboardScreen
from onboard.screens.widgets import SafeStatic, SafeTextArea, shown
from onboard.screens.words import word
from onboard.workspace import Workspace

SAVE_DELAY = 0.8
STATUS_STYLES = {"not asked": ("○", "dim"), "asked": ("◐", "#ffd75f"),
                 "answered": ("●", "#87d787"), "follow-up": ("↻", "#ffaf5f")}
STATUS_WORDS = {"not asked": N_("Interviews status|not asked"),
                "asked": N_("Interviews status|asked"),
                "answered": N_("Interviews status|answered"),
                "follow-up": N_("Interviews status|follow-up")}
"""A question's status code (stored as it is) → the word shown."""


class AnswersLoaded(Message):
    def __init__(self, answers: dict[str, dict[str, str]]) -> None:
        super().__init__()
        self.answers = answers


class AnswerSaved(Message):
    def __init__(self, prompt_id: str, complete: bool) -> None:
        super().__init__()
        self.prompt_id = prompt_id
        self.complete = complete


class InterviewsScreen(OnboardScreen):
    SCREEN_ID = "interviews"
    CSS_PATH = "interviews.tcss"
    HELP = N_("""
## Interviews — ask the person who knows the AWS setup
Pick a question on the left. Each one comes twice: **in AWS terms** (for you) and **in
plain words** (to say out loud: the talk's CTO gave a blank look at "an IAM user in the
Organizations management account", and said yes at "the parent account that sees every
bill"). *Why it matters* and *Write down* say what to listen for.

Type the answer in the notes box: it saves itself as you type. **s** cycles the status
(not asked → asked → answered → follow-up); notes mark a question answered. When every
question is answered, the week's interview task ticks itself. A question that can name
AWS accounts has **a** to add one to Discovery. **Esc** leaves the notes box.
""")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "cycle_status", N_("Status")),
        Binding("a", "add_account", N_("Add account")),
        Binding("n", "edit_notes", N_("Notes")),
        Binding("escape", "leave_notes", N_("Back to list"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.answers: dict[str, dict[str, str]] = {}
        self.current: InterviewPrompt | None = None
        self._timer: Timer | None = None
        self._pending: tuple[str, str, str] | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="interviews-body"):
            with Vertical(id="prompt-side"):
                yield SafeStatic(id="prompt-count")
                yield OptionList(id="prompts")
            with VerticalScroll(id="prompt-main"):
                yield SafeStatic(id="prompt-topic")
                with Horizontal(id="wordings"):
                    aws = SafeStatic(id="aws-wording", classes="wording")
                    aws.border_title = _("In AWS terms")
                    yield aws
                    plain = SafeStatic(id="plain-wording", classes="wording")
                    plain.border_title = _("In plain words: say this")
                    yield plain
                yield SafeStatic(id="prompt-why")
                with Horizontal(id="prompt-actions"):
                    yield SafeStatic(id="prompt-status")
                    yield Button(_("+ Add an account named here (a)"), id="add-account",
                                 compact=True)
                notes = SafeTextArea(id="answer", soft_wrap=True)
                notes.border_title = _("Your notes (saved as you type)")
                yield notes
                yield SafeStatic(id="save-state")

    def on_mount(self) -> None:
        prompts = self.query_one("#prompts", OptionList)
        for p in self.oapp.catalog.prompts:
            prompts.add_option(Option(shown(p.topic), id=p.id))
        self.reload()

    def on_screen_resume(self) -> None:
        self.query_one("NavTabs").active = "tab-interviews"  # type: ignore[attr-defined]

    def on_resize(self) -> None:
        self.set_class(self.size.width < 110, "-narrow")

    def reload(self) -> None:
        self._load(self.oapp.session.id)

    @work(thread=True, exclusive=True, group="interviews-load", exit_on_error=False)
    def _load(self, session_id: int) -> None:
        self.post(AnswersLoaded(self.oapp.store.answers(session_id)))

    def on_answers_loaded(self, message: AnswersLoaded) -> None:
        self.answers = message.answers
        self._refresh_list()
        prompts = self.oapp.catalog.prompts
        if not prompts:
            return
        wanted = self.current.id if self.current else self.oapp.ui_state.prompt
        index = next((i for i, p in enumerate(prompts) if p.id == wanted), 0)
        option_list = self.query_one("#prompts", OptionList)
        option_list.highlighted = index
        self._show(prompts[index])
        if self.focused is None:
            option_list.focus()

    def status_of(self, prompt_id: str) -> str:
        return self.answers.get(prompt_id, {}).get("status") or "not asked"

    def _refresh_list(self) -> None:
        option_list = self.query_one("#prompts", OptionList)
        for i, p in enumerate(self.oapp.catalog.prompts):
            icon, style = STATUS_STYLES[self.status_of(p.id)]
            option_list.replace_option_prompt_at_index(
                i, Text.assemble((icon + " ", style), p.topic))
        answered = sum(1 for p in self.oapp.catalog.prompts
                       if self.status_of(p.id) in ("answered", "follow-up"))
        self.query_one("#prompt-count", Static).update(Text.assemble(
            (_("Questions") + " ", "bold"), _("{answered}/{total} answered").format(
                answered=answered, total=len(self.oapp.catalog.prompts))))

    @on(OptionList.OptionHighlighted, "#prompts")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        prompt = next((p for p in self.oapp.catalog.prompts if p.id == event.option.id), None)
        if prompt is not None and prompt is not self.current:
            self._show(prompt)

    @on(OptionList.OptionSelected, "#prompts")
    def _selected(self) -> None:
        self.query_one("#answer", TextArea).focus()

    def _show(self, prompt: InterviewPrompt) -> None:
        self.flush()
        self.current = prompt
        self.oapp.remember(prompt=prompt.id)
        self.query_one("#prompt-topic", Static).update(Text(prompt.topic, style="bold"))
        self.query_one("#aws-wording", Static).update(prompt.aws_wording.strip())
        self.query_one("#plain-wording", Static).update(
            Text(prompt.plain_wording.strip(), style="italic"))
        why_label, record_label = _("Why it matters"), _("Write down")
        pad = max(cell_len(why_label), cell_len(record_label)) + 2
        why = Text.assemble((why_label + " " * (pad - cell_len(why_label)), "bold"),
                            prompt.why.strip(), "\n",
                            (record_label + " " * (pad - cell_len(record_label)), "bold"),
                            prompt.record.strip())
        self.query_one("#prompt-why", Static).update(why)
        self.query_one("#add-account", Button).display = prompt.records_accounts
        notes = self.query_one("#answer", TextArea)
        with notes.prevent(TextArea.Changed):
            notes.load_text(self.answers.get(prompt.id, {}).get("answer", ""))
        self._show_status()
        self.query_one("#save-state", Static).update("")

    def _show_status(self) -> None:
        if self.current is None:
            return
        status = self.status_of(self.current.id)
        icon, style = STATUS_STYLES[status]
        self.query_one("#prompt-status", Static).update(Text.assemble(
            (_("Status") + " ", "bold"), (f"{icon} {word(STATUS_WORDS, status)}", style),
            ("   " + _("s changes it"), "dim")))

    # -- autosave

    @on(TextArea.Changed, "#answer")
    def _typed(self, event: TextArea.Changed) -> None:
        if self.current is None:
            return
        text = event.text_area.text
        status = self.status_of(self.current.id)
        if text.strip() and status in ("not asked", "asked"):
            status = "answered"
        self._set_local(self.current.id, text, status)
        self.query_one("#save-state", Static).update(Text(_("editing…"), style="dim"))
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_DELAY, self.flush)

    def _set_local(self, prompt_id: str, text: str, status: str) -> None:
        self.answers[prompt_id] = {"answer": text, "status": status}
        self._pending = (prompt_id, text, status)
        self._refresh_list()
        self._show_status()

    def flush(self) -> None:
        """Save the pending answer now (debounce fired, prompt changed, or leaving)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._pending is not None:
            prompt_id, text, status = self._pending
            self._pending = None
            self._save(self.oapp.session.id, prompt_id, text, status)

    @work(thread=True, group="interviews-save", exit_on_error=False)
    def _save(self, session_id: int, prompt_id: str, text: str, status: str) -> None:
        store, catalog = self.oapp.store, self.oapp.catalog
        Workspace(store, catalog, session_id).save_answer(prompt_id, text, status)
        complete = guide.interview_complete(catalog, store.answers(session_id))
        self.post(AnswerSaved(prompt_id, complete))

    def on_answer_saved(self, message: AnswerSaved) -> None:
        if self.current is not None and message.prompt_id == self.current.id:
            self.query_one("#save-state", Static).update(Text(_("saved ✓"),
                                                             style="#87d787"))
        if message.complete:
            self.oapp.refresh_week()

    def on_unmount(self) -> None:
        self.flush()

    # -- keys

    def action_cycle_status(self) -> None:
        if self.current is None:
            return
        order = guide.PROMPT_STATUSES
        status = order[(order.index(self.status_of(self.current.id)) + 1) % len(order)]
        text = self.answers.get(self.current.id, {}).get("answer", "")
        self._set_local(self.current.id, text, status)
        self.flush()

    def action_edit_notes(self) -> None:
        self.query_one("#answer", TextArea).focus()

    def action_leave_notes(self) -> None:
        self.flush()
        self.query_one("#prompts", OptionList).focus()

    @on(Button.Pressed, "#add-account")
    def action_add_account(self) -> None:
        if self.current is None or not self.current.records_accounts:
            self.notify(_("This question does not name accounts; {discovery} adds any "
                          "account.").format(discovery=where("discovery")),
                        severity="warning")
            return
        self.oapp.action_add_account(
            source="interview",
            hint=_("From the interview: {topic}").format(topic=self.current.topic))
