"""Actions (Decide): the catalog's suggestions for the open matrix rows and the actions
chosen, with owner, priority, due date, status, the remediation plan for the real
resources, and the decision table export."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TextArea,
)

from onboard import decide, fixscript
from onboard.catalog import Catalog
from onboard.decide import Action, ActionStatus, Suggestion
from onboard.i18n import N_, _, ngettext
from onboard.orient import MatrixRow
from onboard.remediation import Plan
from onboard.screens import where
from onboard.screens.finding_detail import FindingDetail
from onboard.screens.listing import ListingScreen
from onboard.screens.matrix import ConfirmModal, current_rows, risk_style
from onboard.screens.modals import _Dialog
from onboard.screens.widgets import (
    KeysFooter,
    SafeDataTable,
    SafeInput,
    SafeLabel,
    SafeStatic,
    shown,
)
from onboard.screens.words import C_, word
from onboard.store import Store
from onboard.workspace import Workspace

STATUS_STYLES = {"suggested": "italic #d787ff", "proposed": "#d787ff", "chosen": "bold #d787ff",
                 "doing": "bold #ffd75f", "done": "#87d787", "wont": "dim"}
CYCLE = (ActionStatus.PROPOSED, ActionStatus.CHOSEN, ActionStatus.DOING, ActionStatus.DONE,
         ActionStatus.WONT)
"""Statuses that answer a row (won't-do is a decision too, but leaves the risk open)."""
PRIORITY_STYLES = {"P1": "bold #ff5f87", "P2": "#ffd75f", "P3": "#87afd7"}
STATUS_LABELS = {"suggested": N_("Actions status|suggested"),
                 "proposed": N_("Actions status|proposed"),
                 "chosen": N_("Actions status|chosen"),
                 "doing": N_("Actions status|in progress"),
                 "done": N_("Actions status|done"), "wont": N_("Actions status|won't do")}
"""Status code → the word shown (the codes are stored and exported: never translated)."""
STATUS_CODES = {"suggested": N_("Actions badge|suggested"),
                "proposed": N_("Actions badge|proposed"), "chosen": N_("Actions badge|chosen"),
                "doing": N_("Actions badge|doing"), "done": N_("Actions badge|done"),
                "wont": N_("Actions badge|wont")}
"""The plan pane's badge, which shows the code itself in English."""
EFFORT_LABELS = {"small": N_("Actions effort|small"), "medium": N_("Actions effort|medium"),
                 "large": N_("Actions effort|large")}
COLUMN_LABELS = {"status": N_("Status"), "priority": N_("Pri"), "risk": N_("Risk"),
                 "title": N_("Action"), "answers": N_("Answers"), "owner": N_("Owner"),
                 "due": N_("Due"), "effort": N_("Effort")}


def status_label(status: str) -> str:
    """An action status (or 'suggested') in words, in the current language."""
    return word(STATUS_LABELS, status)


def effort_label(effort: str) -> str:
    return word(EFFORT_LABELS, effort)


def row_list(rows: list[MatrixRow], style: str = "") -> Table:
    """Matrix rows one line each: risk, then the observation cut to the width."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(min_width=2, justify="right", no_wrap=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    for r in rows:
        grid.add_row(Text(str(r.score), style or risk_style(r.score)),
                     Text(r.observation + ("  " + _("(fixed)") if r.fixed else ""),
                          style or ("dim" if r.fixed else "")))
    return grid


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "session"


# --- data and messages --------------------------------------------------------------------


@dataclass
class Entry:
    """One line of the table: an action, or a suggestion nobody has made an action of."""

    key: str
    title: str
    status: str
    priority: str
    risk: int
    row_ids: list[int]
    plan: Plan
    action: Action | None = None
    suggestion: Suggestion | None = None
    new_rows: list[int] = field(default_factory=list)
    """Open rows its suggestion answers that the action is not linked to yet."""

    @property
    def group(self) -> int:
        """Work to do first, then what is on offer, then what is settled."""
        if self.status in ("chosen", "doing"):
            return 0
        return 1 if self.status in ("suggested", "proposed") else 2


@dataclass
class ActionsData:
    rows: list[MatrixRow] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    unanswered: list[MatrixRow] = field(default_factory=list)
    accepted: list[MatrixRow] = field(default_factory=list)
    decided: int = 0
    exported: bool = False


def read_actions(store: Store, catalog: Catalog, session_id: int) -> ActionsData:
    rows = current_rows(store, catalog, session_id)
    actions = decide.list_actions(store, catalog, session_id, rows)
    suggestions = decide.suggestions(store, catalog, session_id, rows)
    by_action = {s.action_id: s for s in suggestions if s.action_id is not None}
    entries = []
    for a in actions:
        s = by_action.get(a.id)
        plan = decide.remediation_plan(store, catalog, session_id, a, rows)
        entries.append(Entry(f"a{a.id}", a.title, a.status.value, a.priority, a.best_risk,
                             a.row_ids, plan, action=a, suggestion=s,
                             new_rows=[r for r in (s.row_ids if s else []) if r not in
                                       a.row_ids]))
    for s in suggestions:
        if s.action_id is None:
            probe = Action(id=0, action_def=s.id, title=s.title, priority=s.priority,
                           row_ids=s.row_ids, best_risk=s.best_risk)
            plan = decide.remediation_plan(store, catalog, session_id, probe, rows)
            entries.append(Entry(f"s:{s.id}", s.title, "suggested", s.priority, s.best_risk,
                                 s.row_ids, plan, suggestion=s))
    entries.sort(key=lambda e: (e.group, -e.risk, e.key))
    return ActionsData(
        rows=rows, entries=entries,  # a row's status is the core's (orient.row_status)
        unanswered=[r for r in rows if r.status == "open"],
        accepted=[r for r in rows if r.status == "accepted"],
        decided=sum(1 for a in actions if a.status.decided),
        exported=store.last_activity(session_id, "decisions_exported") is not None)


class ActionsLoaded(Message):
    def __init__(self, data: ActionsData, select: str | None = None, note: str = "") -> None:
        super().__init__()
        self.data = data
        self.select = select
        self.note = note


# --- the dialog ---------------------------------------------------------------------------


@dataclass
class ActionEdit:
    title: str
    owner: str
    priority: str
    due: str
    status: str
    notes: str
    row_ids: list[int]


class ScriptModal(_Dialog):
    """The action's bash fix script, read-only; y copies it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Close")),
                                             Binding("y", "copy", N_("Copy"))]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog script-dialog"):
            yield Label(_("Fix script (onboard actions script)"), classes="dialog-title")
            yield Label(_("Read it first. y copies it; `onboard profiles` prints the "
                          "profiles."), classes="dialog-hint", markup=False)
            yield TextArea(self.text, read_only=True, id="fix-script")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Copy"), variant="primary", id="copy")
                yield Button(_("Close"), id="cancel")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify(_("Fix script copied (where the terminal allows it)."), timeout=3)

    @on(Button.Pressed, "#copy")
    def _copy(self) -> None:
        self.action_copy()


class ActionModal(_Dialog):
    """Owner, priority, due date, status, notes and the rows an action answers."""

    def __init__(self, entry: Entry | None, rows: list[MatrixRow]) -> None:
        super().__init__()
        self.entry = entry
        self.rows = rows

    def compose(self) -> ComposeResult:
        e = self.entry
        a = e.action if e else None
        if e is None:
            title, hint = _("Add your own action"), _(
                "Something the catalog does not suggest, e.g. the answer to a row you "
                "added.")
        elif a is None:
            title = _("Choose: {title}").format(title=e.title)
            hint = _("It becomes an action with these details.")
        else:
            title = _("Action {id}").format(id=a.id)
            hint = _("From the catalog.") if a.action_def else _("Your own action.")
        status = a.status.value if a else ("chosen" if e else "proposed")
        with VerticalScroll(classes="dialog action-dialog"):
            yield SafeLabel(title, classes="dialog-title")
            yield SafeLabel(hint, classes="dialog-hint")
            yield SafeLabel("", id="action-error", classes="dialog-error")
            yield SafeLabel(_("Title"))
            yield SafeInput(e.title if e else "", id="action-title",
                        placeholder=_("e.g. Rotate the shared deploy key"))
            with Horizontal(classes="action-pair"):
                with Vertical():
                    yield SafeLabel(_("Owner"))
                    yield SafeInput(a.owner if a else "", id="action-owner",
                                placeholder=_("who does it"))
                with Vertical():
                    yield SafeLabel(_("Priority"))
                    derived = decide.priority_for(e.risk) if e else "P3"
                    yield Select([(_("from the risk ({priority})").format(
                                      priority=derived), ""),
                                  *((p, p) for p in decide.PRIORITIES)],
                                 value=a.priority if a and a.priority_set else "",
                                 id="action-priority", allow_blank=False)
            with Horizontal(classes="action-pair"):
                with Vertical():
                    yield SafeLabel(_("Due (YYYY-MM-DD)"))
                    yield SafeInput(a.due if a else "", id="action-due",
                                placeholder=_("YYYY-MM-DD, or empty"), max_length=10)
                with Vertical():
                    yield SafeLabel(_("Status"))
                    yield Select([(status_label(s.value), s.value) for s in ActionStatus],
                                 value=status, id="action-status", allow_blank=False)
            yield SafeLabel(_("Notes (your own remediation steps, links, tickets)"))
            yield SafeInput(a.notes if a else "", id="action-notes")
            yield SafeLabel(_("Matrix rows it answers"))
            linked = set(e.row_ids) if e else set()
            choices = sorted((r for r in self.rows if not r.fixed or r.id in linked),
                             key=lambda r: r.id not in linked)  # linked first, then by risk
            yield SelectionList[int](
                *((shown(Text.assemble((f"{r.score:>2} ", risk_style(r.score)),
                                       r.observation)),
                   r.id, r.id in linked) for r in choices), id="action-rows")
            yield from self.buttons(_("Save") if a or e is None else _("Choose"))
        yield KeysFooter()

    def on_mount(self) -> None:
        target = self.query("#action-title" if self.entry is None else "#action-owner")
        if target:  # else pushed while the app was closing
            target.first().focus()

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _save(self) -> None:
        error = self.query_one("#action-error", Label)
        title = self.query_one("#action-title", Input).value.strip()
        if not title:
            error.update(_("An action needs a title."))
            self.query_one("#action-title", Input).focus()
            return
        due = self.query_one("#action-due", Input).value.strip()
        if due:
            try:
                due = date.fromisoformat(due).isoformat()
            except ValueError:
                error.update(_("The due date is a date like 2025-01-31 (or empty)."))
                self.query_one("#action-due", Input).focus()
                return
        self.dismiss(ActionEdit(
            title=title, owner=self.query_one("#action-owner", Input).value.strip(),
            priority=str(self.query_one("#action-priority", Select).value or ""), due=due,
            status=str(self.query_one("#action-status", Select).value),
            notes=self.query_one("#action-notes", Input).value.strip(),
            row_ids=sorted(self.query_one("#action-rows", SelectionList).selected)))


# --- the plan pane ------------------------------------------------------------------------


class PlanDetail(FindingDetail):
    """Review's finding pane, showing an action: what it answers, then its plan."""

    def show_entry(self, entry: Entry, catalog: Catalog, rows: list[MatrixRow]) -> None:
        head = Text()
        code = entry.status if entry.action else "suggested"
        head.append(f" {word(STATUS_CODES, code)} ",
                    f"reverse {STATUS_STYLES.get(entry.status, '')}")
        head.append("  ")
        head.append(entry.title, "bold")
        head.append("  ")
        head.append(entry.priority, PRIORITY_STYLES.get(entry.priority, ""))
        a = entry.action
        if a is not None and not a.priority_set:
            head.append(" " + _("(from the risk)"), "dim")
        definition = catalog.actions.get((a.action_def if a else None) or (
            entry.suggestion.id if entry.suggestion else ""))
        if definition is not None:
            head.append("  · " + _("effort {effort}").format(
                effort=effort_label(definition.effort)), "dim")
        head.append("\n")
        if a is not None:
            head.append(_("Owner") + " ", "bold")
            head.append(a.owner or _("nobody yet"), "" if a.owner else "#ffaf5f")
            head.append("   " + _("Due") + " ", "bold")
            head.append(a.due or _("no date"), "" if a.due else "dim")
            if a.notes:
                head.append("   " + _("Notes") + " ", "bold")
                head.append(a.notes)
            head.append("\n")
        if definition is not None:
            head.append(definition.description.strip() + "\n", "italic")
        by_id = {r.id: r for r in rows}
        n = len(entry.row_ids)
        head.append(ngettext("Answers {n} row", "Answers {n} rows", n).format(n=n), "bold")
        answered = row_list([by_id[rid] for rid in entry.row_ids if rid in by_id])
        tail = Text()
        if entry.new_rows:
            more = len(entry.new_rows)
            tail.append(ngettext("+ {n} more open row it could answer: space links them",
                                 "+ {n} more open rows it could answer: space links them",
                                 more).format(n=more) + "\n", "#ffaf5f")
        tail.append(_("space chooses it · e chooses with owner and due date") if a is None
                    else _("s moves the status on · e edits owner, priority, due date"),
                    "dim")
        tail.append("   " + _("f: console / CLI / Terraform"), "dim")
        self.query_one("#detail-head", Static).update(Group(head, answered, tail))
        plan = entry.plan
        tabs = self.query_one("#fix-tabs", TabbedContent)
        tabs.display = True
        console = plan.console.strip()
        if plan.resources:
            names = ", ".join(dict.fromkeys(s.resource.resource_id for s in plan.resources))
            console += ("\n\n" if console else "") + _("Resources it fixes: {names}").format(
                names=names)
        if plan.notes.strip():
            console += ("\n\n" if console else "") + _("Your notes: {notes}").format(
                notes=plan.notes.strip())
        self.query_one("#fix-console-text", Static).update(
            console or Text(_("No catalog steps for a custom action: put yours in its notes "
                              "(e)."), style="dim italic"))
        for name, text, lexer in (("cli", plan.all_cli, "bash"),
                                  ("terraform", plan.all_terraform, "terraform")):
            self.query_one(f"#fix-{name}-text", Static).update(
                Syntax(text.rstrip(), lexer, theme="ansi_dark", word_wrap=True,
                       background_color="default") if text.strip()
                else Text(_("Nothing to run for this one."), style="dim italic"))
        self.query_one("#detail-refs", Static).update("")


# --- the screen ---------------------------------------------------------------------------


class ActionsScreen(ListingScreen):
    SCREEN_ID = "actions"
    CSS_PATH = "actions.tcss"
    HELP = N_("""
## Actions — what to do about the risky rows (Decide)
The table lists the actions chosen so far and, below them, the catalog's **suggestions**
for the open matrix rows, highest risk first. The talk chose four: adopt AWS SSO (IAM
Identity Center) for the developers' IAM users, an IAM role for EC2, S3 Block Public
Access, S3 versioning. Prefer few, high-value actions over a long list.

**space** chooses the selected suggestion: it becomes an action with status *chosen*,
linked to the rows it answers. **e** (or Enter) sets the owner, priority (derived from
the risk unless you set it), due date, status and notes, and which rows it answers;
**s** moves the status on (proposed → chosen → in progress → done → won't do). **a**
adds your own action (e.g. for a row you added on the Matrix), **del** deletes one.

The right-hand list shows the open rows no chosen action answers yet; a row whose only
action is *won't do* counts as an accepted risk. The pane below shows the plan for the
real resources: console steps, AWS CLI, Terraform (**f** switches, **y** copies the CLI).

**x** writes the decision table (observation | assumed incident | reason | action) to
`onboard-decisions-SESSION.md` in the current directory, to share with whoever owns AWS;
**X** writes the full report (accounts, interviews, findings, matrix, diagram, fixes).
""")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "choose", N_("Choose")),
        Binding("e", "edit", N_("Edit")),
        Binding("s", "cycle_status", N_("Status")),
        Binding("a", "add", N_("Add action")),
        Binding("x", "export", N_("Export decisions")),
        Binding("delete", "delete", N_("Delete"), key_display="del", show=False),
        Binding("f", "next_fix", N_("Fix tab: console / CLI / Terraform"), show=False),
        Binding("y", "copy_cli", N_("Copy the fix script"), show=False),
        Binding("F", "fix_script", N_("Fix script"), key_display="F"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data = ActionsData()
        self._action_width = 0

    def compose_body(self) -> ComposeResult:
        with Vertical(id="actions-body"):
            yield SafeStatic(id="actions-summary")
            yield SafeDataTable(id="actions", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="actions-bottom"):
                yield PlanDetail(id="plan-detail")
                with VerticalScroll(id="unanswered") as side:
                    side.border_title = _("Open rows without an action")
                    yield SafeStatic(id="unanswered-text")

    def on_mount(self) -> None:
        self._add_columns()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        if self._title_width() != self._action_width:
            self._add_columns()
            self.fill()

    # -- loading

    def reload(self) -> None:
        self._load(self.oapp.session.id)

    @work(thread=True, exclusive=True, group="actions-load", exit_on_error=False)
    def _load(self, session_id: int) -> None:
        self.post(ActionsLoaded(read_actions(self.oapp.store, self.oapp.catalog, session_id)))

    @work(thread=True, group="actions-write", exit_on_error=False)
    def _write(self, session_id: int, op: Callable[[Workspace], str | None],
               note: str) -> None:
        store, catalog = self.oapp.store, self.oapp.catalog
        selected = op(Workspace(store, catalog, session_id))
        self.post(ActionsLoaded(read_actions(store, catalog, session_id), selected, note))

    def on_actions_loaded(self, message: ActionsLoaded) -> None:
        keep = self.keep_after_load(message.select)
        self.data = message.data
        self.fill(keep)
        self._show_summary()
        self._show_unanswered()
        if message.note:
            self.notify(message.note, timeout=5)
            self.oapp.refresh_week()

    # -- the table

    def _columns(self) -> dict[str, int]:
        """Below 110 columns Answers and Effort fold into the plan pane; at 200 the Action
        stops at 90 and Owner takes the rest."""
        width = max(self.size.width, 80) - 2 - 3
        cols = {"status": 11, "priority": 3, "risk": 4, "title": 0, "answers": 12,
                "owner": 12, "due": 10, "effort": 6}
        if width < 110:
            del cols["answers"], cols["effort"]
            cols["owner"] = 10
        # A header wider than its column (Japanese) widens it, at the Action's expense.
        grow = {k: cell_len(_(COLUMN_LABELS[k])) - w for k, w in cols.items()
                if k != "title" and cell_len(_(COLUMN_LABELS[k])) > w}
        for key, extra in grow.items():
            cols[key] += extra
        free = width - sum(cols.values()) - 2 * len(cols)
        cols["title"] = max(20, min(free, 90))
        if "answers" in cols:
            cols["owner"] += max(0, free - cols["title"])
        return cols

    def _title_width(self) -> int:
        return self._columns()["title"] + 1000 * len(self._columns())

    def _add_columns(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self._action_width = self._title_width()
        for key, width in self._columns().items():
            label = _(COLUMN_LABELS[key])
            table.add_column(label, key=key, width=max(width, cell_len(label)))

    def records(self) -> list[Entry]:
        return self.data.entries

    def record_key(self, record: Entry) -> str:  # type: ignore[override]
        return record.key

    def cells(self, e: Entry) -> list[Text | str]:
        label = status_label("suggested" if e.action is None else e.status)
        a = e.action
        n = len(e.row_ids)
        answers = Text(ngettext("{n} row", "{n} rows", n).format(n=n))
        if e.new_rows:
            answers.append(" " + _("+{n} new").format(n=len(e.new_rows)), "#ffaf5f")
        definition = self.oapp.catalog.actions.get(
            (a.action_def if a else None) or (e.suggestion.id if e.suggestion else ""))
        settled = e.group == 2
        cells = {
            "status": Text(label, STATUS_STYLES.get(e.status, "")),
            "priority": Text(e.priority,
                             "dim" if settled else PRIORITY_STYLES.get(e.priority, "")),
            "risk": Text(f"{e.risk:>3}", "dim" if settled else risk_style(e.risk)),
            "title": Text(e.title, "dim" if settled else ("bold" if a else "")),
            "answers": answers,
            "owner": Text(a.owner if a and a.owner else "—", "" if a and a.owner else "dim"),
            "due": Text(a.due if a and a.due else "—", "" if a and a.due else "dim"),
            "effort": Text(effort_label(definition.effort) if definition else "—", "dim")}
        return [cells[key] for key in self._columns()]

    # -- summary, detail, unanswered rows

    def _show_summary(self) -> None:
        data, text = self.data, Text()
        suggested = sum(1 for e in data.entries if e.action is None)
        if not data.rows:
            text.append(_("Nothing to decide yet.") + " ", "bold")
            text.append(_("Scan on {review} and look at {matrix}: the actions follow from "
                          "its rows. a adds your own.").format(
                              review=where("review"), matrix=where("matrix")), "italic")
        else:
            text.append(_("{n} decided").format(n=data.decided), "bold")
            text.append(" · " + _("{n} suggested").format(n=suggested))
            high = [r for r in data.unanswered if r.score >= decide.P1_FROM]
            text.append(" · ")
            text.append(_("{n} open rows without an action").format(n=len(data.unanswered)),
                        "#ffaf5f" if data.unanswered else "#87d787")
            if high:
                text.append(" " + _("({n} high risk)").format(n=len(high)), "bold #ff5f87")
            text.append("  ·  ")
            if data.exported:
                text.append(_("decision table exported ✓"), "#87d787")
            else:
                text.append(_("x exports the decision table"), "dim")
        self.query_one("#actions-summary", Static).update(text)

    def _show_unanswered(self) -> None:
        data = self.data
        if not data.unanswered and not data.accepted:
            self.query_one("#unanswered-text", Static).update(Text(
                _("Every open row has a chosen action.") if data.rows
                else C_(N_("Actions side|No matrix rows yet.")),
                style="#87d787" if data.rows else "dim"))
            return
        parts: list[RenderableType] = []
        if data.unanswered:
            parts.append(row_list(data.unanswered))
        if data.accepted:
            parts += [Text("\n" + _("Accepted (won't do)"), "bold dim"),
                      row_list(data.accepted, "dim")]
        self.query_one("#unanswered-text", Static).update(Group(*parts))

    def show_detail(self) -> None:
        detail = self.query_one(PlanDetail)
        entry = self.current()
        if entry is None:
            detail.show_empty(_("No actions or suggestions yet: they follow from the open "
                                "matrix rows."))
            return
        detail.show_entry(entry, self.oapp.catalog, self.data.rows)

    # -- keys

    def action_choose(self) -> None:
        entry = self.current()
        if entry is None:
            return
        a = entry.action
        if a is not None and a.status not in (ActionStatus.PROPOSED, ActionStatus.WONT) \
                and not entry.new_rows:
            self.notify(_("Already {status}; s moves the status on.").format(
                status=status_label(a.status.value)), timeout=3, markup=False)
            return
        ref = entry.suggestion.id if entry.suggestion and (a is None or entry.new_rows) \
            else str(a.id if a else "")
        # Stay in the list of suggestions (the chosen one moves up to the chosen ones), so
        # space, down, space… walks through them.
        entries = self.data.entries
        index = entries.index(entry)
        after = next((e.key for e in entries[index + 1:] if e.action is None), None)

        def op(ws: Workspace) -> str:
            made = ws.choose(ref)
            return after if a is None and after else f"a{made.id}"

        self._write(self.oapp.session.id, op,
                    _("Chosen: {title}.").format(title=entry.title))

    def action_cycle_status(self) -> None:
        entry = self.current()
        if entry is None:
            return
        a = entry.action
        if a is None:
            self.action_choose()
            return
        status = CYCLE[(CYCLE.index(a.status) + 1) % len(CYCLE)]

        def op(ws: Workspace) -> str:
            ws.update_action(a.id, status=status.value)
            return entry.key

        self._write(self.oapp.session.id, op, _("{title}: {status}.").format(
            title=a.title, status=status_label(status.value)))

    def action_edit(self) -> None:
        entry = self.current()
        if entry is None:
            self.action_add()
            return

        def saved(result: object) -> None:
            if not isinstance(result, ActionEdit):
                self._in_dialog = False
                return
            self._write(self.oapp.session.id, self._save_op(entry, result),
                        _("{title} saved.").format(title=result.title))

        self._in_dialog = True
        self.app.push_screen(ActionModal(entry, self.data.rows), saved)

    @staticmethod
    def _save_op(entry: Entry, edit: ActionEdit) -> Callable[[Workspace], str]:
        def op(ws: Workspace) -> str:
            a = entry.action
            if a is None:
                assert entry.suggestion is not None
                a = ws.choose(entry.suggestion.id)
            old = {"title": a.title, "owner": a.owner,
                   "priority": a.priority if a.priority_set else "", "due": a.due,
                   "status": a.status.value, "notes": a.notes, "row_ids": sorted(a.row_ids)}
            new = {"title": edit.title, "owner": edit.owner, "priority": edit.priority,
                   "due": edit.due, "status": edit.status, "notes": edit.notes,
                   "row_ids": edit.row_ids}
            changes = {k: v for k, v in new.items() if v != old[k]}
            if changes:
                ws.update_action(a.id, **changes)
            return f"a{a.id}"

        return op

    def action_add(self) -> None:
        def added(result: object) -> None:
            if not isinstance(result, ActionEdit):
                self._in_dialog = False
                return

            def op(ws: Workspace) -> str:
                made = ws.add_action(result.title, row_ids=result.row_ids,
                                     owner=result.owner, due=result.due,
                                     priority=result.priority, status=result.status,
                                     notes=result.notes)
                return f"a{made.id}"

            self._write(self.oapp.session.id, op,
                        _("Added: {title}.").format(title=result.title))

        self._in_dialog = True
        self.app.push_screen(ActionModal(None, self.data.rows), added)

    def action_delete(self) -> None:
        entry = self.current()
        if entry is None or entry.action is None:
            self.notify(_("A suggestion is not an action yet; there is nothing to delete."),
                        severity="warning")
            return
        action_id = entry.action.id

        def confirmed(result: object) -> None:
            if result is not True:
                self._in_dialog = False
                return

            def op(ws: Workspace) -> None:
                ws.delete_action(action_id)

            self._write(self.oapp.session.id, op,
                        _("Deleted: {title}.").format(title=entry.title))

        self._in_dialog = True
        question = _("Delete the action “{title}”?").format(title=entry.title)
        if entry.action.action_def:
            question += " " + _("It goes back to the suggestions.")
        self.app.push_screen(ConfirmModal(question), confirmed)

    def action_next_fix(self) -> None:
        self.query_one(PlanDetail).next_fix_tab()

    def _fix_script(self) -> str | None:
        """The bash fix script of the current line (built by the core), or None."""
        entry = self.current()
        if entry is None:
            return None
        ref = str(entry.action.id) if entry.action else (
            entry.suggestion.id if entry.suggestion else "")
        try:
            return fixscript.script_for(self.oapp.store, self.oapp.catalog,
                                        self.oapp.session.id, ref)
        except fixscript.FixError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return None

    def action_copy_cli(self) -> None:
        text = self._fix_script()
        if text is None:
            return
        self.app.copy_to_clipboard(text)
        self.notify(_("Fix script copied (where the terminal allows it)."), timeout=3)

    def action_fix_script(self) -> None:
        text = self._fix_script()
        if text is not None:
            self.app.push_screen(ScriptModal(text))

    # -- export

    def action_export(self) -> None:
        if not self.data.decided:
            self.notify(_("No decisions yet: choose an action (space) first; the table "
                          "lists the chosen ones."), severity="warning")
            return
        self.oapp.action_export_decisions()
