"""Matrix (Orient): observation → assumed incident → reason, ranked by risk = information
asset value × threat × vulnerability; rows are edited here, the core keeps the edits."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Footer, Input, Label, Select, Static

from onboard import decide, labels, orient
from onboard.catalog import Catalog
from onboard.i18n import N_, _
from onboard.models import STRIDE_NAMES
from onboard.orient import MatrixRow, OrientError
from onboard.screens import where
from onboard.screens.listing import ListingScreen
from onboard.screens.modals import _Dialog
from onboard.screens.widgets import (
    SEVERITY_LABELS,
    SEVERITY_STYLES,
    SafeDataTable,
    SafeInput,
    SafeLabel,
    SafeStatic,
    label,
    widest,
)
from onboard.store import Store
from onboard.workspace import Workspace


def natural(value: str) -> list[tuple[int, int | str]]:
    """A sort key where numbers inside the text sort as numbers ("2 buckets" before "12
    buckets"); empty values last."""
    if not value:
        return [(2, "")]
    return [(0, int(part)) if part.isdigit() else (1, part.lower())
            for part in re.split(r"(\d+)", value) if part]


SORTS = ("risk", "observation", "incident", "reason", "stride", "status")
SORT_LABELS = {"risk": N_("risk"), "observation": N_("observation"),
               "incident": N_("incident"), "reason": N_("reason"), "stride": N_("stride"),
               "status": N_("status")}
FIELD_LABELS = {"observation": N_("Observation"), "incident": N_("Assumed incident"),
                "reason": N_("Reason"), "stride": "STRIDE", "threat": N_("Threat"),
                "vulnerability": N_("Vulnerability")}
THREAT_OPTIONS = [(N_("1 · unlikely"), 1), (N_("2 · possible"), 2), (N_("3 · likely"), 3)]
VULN_OPTIONS = [(N_("1 · hard to exploit"), 1), (N_("2 · some exposure"), 2),
                (N_("3 · wide open"), 3)]
MAX_RESOURCES = 12
STATUS_STYLES = {"open": "#ffd75f", "answered": "#87afd7", "accepted": "#af87ff",
                 "fixed": "#87d787"}
ROW_STATUS_LABELS = labels.ROW_STATUS
"""A row's status is stored as one of these codes; the table shows the words."""
LABEL_WIDTH = 19


def current_rows(store: Store, catalog: Catalog, session_id: int) -> list[MatrixRow]:
    """The matrix as stored (derived at the last write), highest risk first: a pure read."""
    return orient.matrix(store, catalog, session_id)


def risk_style(score: int) -> str:
    """High (P1), medium (P2), low (P3): the same thresholds the Decide step uses."""
    if score >= decide.P1_FROM:
        return "bold #ff5f87"
    return "#ffd75f" if score >= decide.P2_FROM else "#87afd7"


def risk_word(score: int) -> str:
    return "high" if score >= decide.P1_FROM else "medium" if score >= decide.P2_FROM \
        else "low"


RISK_LEVELS = {"high": N_("high risk"), "medium": N_("medium risk"), "low": N_("low risk")}


class Fields:
    """A detail pane's 'label  value' lines; long values wrap inside their own column."""

    def __init__(self) -> None:
        self.grid = Table.grid(padding=(0, 1))
        self.grid.add_column(width=LABEL_WIDTH - 1, no_wrap=True)
        self.grid.add_column(ratio=1)

    def add(self, name: str, value: Text | str, style: str = "") -> None:
        self.grid.add_row(Text(name, "bold"),
                          value if isinstance(value, Text) else Text(value, style=style))


# --- data and messages --------------------------------------------------------------------


@dataclass
class MatrixData:
    rows: list[MatrixRow] = field(default_factory=list)
    answered: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    """Row id → (action title, status label) of every action linked to it."""
    names: dict[str, str] = field(default_factory=dict)
    reviewed: bool = False
    scanned: bool = False
    notes: dict[str, str] = field(default_factory=dict)
    """Row id (as text) → the user's note."""


def read_matrix(store: Store, catalog: Catalog, session_id: int) -> MatrixData:
    """The matrix regenerated from the latest scan (edits kept), with its actions."""
    rows = current_rows(store, catalog, session_id)
    answered: dict[int, list[tuple[str, str]]] = {}
    for action in decide.list_actions(store, catalog, session_id, rows):
        for row_id in action.row_ids:
            answered.setdefault(row_id, []).append((action.title, action.status.label))
    return MatrixData(rows=rows, answered=answered,
                      names={a.account_id: a.name for a in store.accounts(session_id)
                             if a.name},
                      reviewed=store.last_activity(session_id, "matrix_reviewed") is not None,
                      scanned=store.latest_scan(session_id) is not None,
                      notes=store.notes(session_id, "row"))


class MatrixLoaded(Message):
    def __init__(self, data: MatrixData, select: int | None = None, note: str = "") -> None:
        super().__init__()
        self.data = data
        self.select = select
        self.note = note


# --- dialogs ------------------------------------------------------------------------------


@dataclass
class RowEdit:
    """What the row dialog asks for: changed fields, fields given back to the generator,
    and (for a new row) the resources it is about."""

    changes: dict[str, Any]
    resets: list[str]
    resources: list[str] = field(default_factory=list)


class ConfirmModal(_Dialog):
    """Yes or no before something that cannot be undone."""

    def __init__(self, question: str, ok: str = N_("Delete")) -> None:
        super().__init__()
        self.question = question
        self.ok = ok

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield SafeLabel(_("Are you sure?"), classes="dialog-title")
            yield SafeLabel(self.question, classes="dialog-hint")
            yield from self.buttons(_(self.ok))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed, "#ok")
    def _yes(self) -> None:
        self.dismiss(True)


class MatrixRowModal(_Dialog):
    """Edit a row (each field says whether it is yours, and can go back to the generated
    text), or add a custom row for something no check sees."""

    def __init__(self, row: MatrixRow | None, generated: dict[str, Any] | None = None,
                 asset_value: int = orient.DEFAULT_ASSET_VALUE) -> None:
        super().__init__()
        self.row = row
        self.generated = generated or {}
        self.asset_value = asset_value
        self.resets: set[str] = set()

    @property
    def resettable(self) -> bool:
        return self.row is not None and not self.row.custom

    def _original(self, name: str) -> Any:
        if self.row is None:
            return orient.DEFAULT_SCORE if name in orient.SCORE_FIELDS else ""
        return getattr(self.row, name)

    def compose(self) -> ComposeResult:
        row = self.row
        with VerticalScroll(classes="dialog matrix-dialog"):
            if row is None:
                yield SafeLabel(_("Add a row for something no check sees"),
                                classes="dialog-title")
                yield SafeLabel(_("From an interview or the console: e.g. a shared root "
                                  "password, a contractor with admin rights."),
                                classes="dialog-hint")
            else:
                yield SafeLabel(_("Edit matrix row {id}").format(id=row.id),
                                classes="dialog-title")
                hint = (_("Custom row: every field is yours.") if row.custom else
                        f"{row.title} ({row.check_id}). "
                        + _("✎ marks your edits; rescans keep them, reset gives a field back "
                            "to the generated text."))
                yield SafeLabel(hint, classes="dialog-hint")
            yield SafeLabel("", id="row-error", classes="dialog-error")
            for name in ("observation", "incident", "reason"):
                yield from self._head(name)
                yield SafeInput(str(self._original(name)), id=f"f-{name}")
            with Horizontal(classes="score-row"):
                with Vertical(classes="stride"):
                    yield from self._head("stride")
                    yield SafeInput(self._original("stride"), id="f-stride",
                                    placeholder=_("e.g. S,I"))
                for name, options in (("threat", THREAT_OPTIONS),
                                      ("vulnerability", VULN_OPTIONS)):
                    with Vertical(classes="score"):
                        yield from self._head(name)
                        yield Select([(_(text), value) for text, value in options],
                                     value=self._original(name), id=f"f-{name}",
                                     allow_blank=False)
            yield SafeLabel(_("STRIDE: Spoofing, Tampering, Repudiation, Information "
                              "disclosure, Denial of service, Elevation of privilege"),
                            classes="dialog-hint")
            if row is None:
                yield SafeLabel(_("Resources it is about (optional)"), classes="field-label")
                yield SafeInput(id="f-resources", placeholder=_(
                    "ids, names or ARNs, comma-separated: lets asset links score the row"))
            yield SafeLabel("", id="risk-preview", classes="dialog-hint")
            yield from self.buttons(_("Save") if row else _("Add row"))
        yield Footer()

    def _head(self, name: str) -> ComposeResult:
        with Horizontal(classes="field-head"):
            yield SafeLabel(self._head_text(name), id=f"h-{name}", classes="field-label")
            if self.resettable:
                button = Button(_("reset"), id=f"reset-{name}", compact=True,
                                classes="reset-button")
                button.display = name in (self.row.edited if self.row else [])
                yield button

    def _head_text(self, name: str) -> Text:
        text = Text(_(FIELD_LABELS[name]))
        if name in self.resets:
            text.append(_("  ↺ generated") if name in ("stride", *orient.SCORE_FIELDS)
                        else _("  ↺ back to the generated text on save"), "#87d787")
        elif self.resettable and self.row is not None and name in self.row.edited:
            text.append("  ✎" if name in ("stride", *orient.SCORE_FIELDS)
                        else _("  ✎ edited by you"), "#ffaf5f")
        return text

    def on_mount(self) -> None:
        if not self.query("#f-observation"):  # pushed while the app was closing
            return
        self.query_one("#f-observation", Input).focus()
        self._preview()

    @on(Button.Pressed, ".reset-button")
    def _reset(self, event: Button.Pressed) -> None:
        name = (event.button.id or "").removeprefix("reset-")
        if name not in self.generated:
            return
        self.resets.add(name)
        value = self.generated[name]
        if name in orient.SCORE_FIELDS:
            self.query_one(f"#f-{name}", Select).value = value
        else:
            self.query_one(f"#f-{name}", Input).value = str(value)
        self.query_one(f"#h-{name}", Label).update(self._head_text(name))
        event.button.display = False

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: Input.Changed | Select.Changed) -> None:
        name = (event.control.id or "").removeprefix("f-")
        if name in self.resets and str(event.value) != str(self.generated.get(name)):
            self.resets.discard(name)
            self.query_one(f"#h-{name}", Label).update(self._head_text(name))
            self.query_one(f"#reset-{name}", Button).display = True
        self._preview()

    def _preview(self) -> None:
        threat, vuln = self._score("threat"), self._score("vulnerability")
        score = self.asset_value * threat * vuln
        text = Text(_("Risk "))
        text.append(str(score), risk_style(score))
        text.append(_(" = asset value {asset} × threat {threat} × vulnerability {vuln}").format(
            asset=self.asset_value, threat=threat, vuln=vuln))
        self.query_one("#risk-preview", Label).update(text)

    def _score(self, name: str) -> int:
        value = self.query_one(f"#f-{name}", Select).value
        return value if isinstance(value, int) else orient.DEFAULT_SCORE

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _save(self) -> None:
        error = self.query_one("#row-error", Label)
        values: dict[str, Any] = {}
        for name in orient.TEXT_FIELDS:
            values[name] = self.query_one(f"#f-{name}", Input).value.strip()
        for name in orient.SCORE_FIELDS:
            values[name] = self._score(name)
        try:
            values["stride"] = orient.normalize_stride(values["stride"])
        except OrientError as exc:
            error.update(_(str(exc)))
            self.query_one("#f-stride", Input).focus()
            return
        if not values["observation"]:
            error.update(_("A row needs an observation: what you saw."))
            self.query_one("#f-observation", Input).focus()
            return
        resets = [n for n in orient.EDITABLE_FIELDS
                  if n in self.resets and str(values[n]) == str(self.generated.get(n))]
        changes = {n: v for n, v in values.items()
                   if n not in resets and v != self._original(n)}
        resources: list[str] = []
        if self.row is None:
            raw = self.query_one("#f-resources", Input).value
            resources = [p.strip() for p in raw.split(",") if p.strip()]
            changes = values
        self.dismiss(RowEdit(changes, resets, resources))


# --- the screen ---------------------------------------------------------------------------


class MatrixScreen(ListingScreen):
    SCREEN_ID = "matrix"
    CSS_PATH = "matrix.tcss"
    HELP = N_("""
## Matrix — what could happen, and why (Orient)
Each failing check of the latest scan becomes one row in the talk's shape:
**observation → assumed incident → reason**, with STRIDE letters (Spoofing, Tampering,
Repudiation, Information disclosure, Denial of service, Elevation of privilege).
Rows are ranked by **risk = information asset value × threat × vulnerability** (each
1–3, so 1–27). The pane below explains the score of the selected row, the resources it
is about, and which action answers it.

The asset value comes from the **Assets** screen: a row whose resources hold no declared
asset counts as *unclassified* (value 2). Declare what would hurt (investor cap tables,
customer data) and link it to buckets or databases, and the rows follow the data.

**e** (or Enter) edits a row: reword it until it is true for this company, and set
threat and vulnerability where the defaults are wrong. Your edits (✎) survive rescans;
*reset* gives a field back to the generated text. **a** adds a row (✚) for what no
check sees (from the interviews); **del** deletes such a row. A row whose findings are
all gone after a complete scan shows *fixed*. Triage a finding as *false positive* or
*accepted risk* on Review to drop it from its row.

**o** (or a column header) changes the order. **R** marks the matrix reviewed once you
agree with the top rows: the week's review task ticks.
""")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", N_("Edit row")),
        Binding("a", "add", N_("Add row")),
        Binding("delete", "delete", N_("Delete custom row"), key_display="del"),
        Binding("o", "cycle_sort", N_("Sort")),
        Binding("R", "mark_reviewed", N_("Mark reviewed"), key_display="R"),
        Binding("n", "note", N_("Note")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data = MatrixData()
        self.rows: list[MatrixRow] = []
        saved = self.oapp.screen_state.get("matrix_sort")
        self.sort = saved if isinstance(saved, str) and saved in SORTS else "risk"
        self._widths: tuple[int, int, int] = (0, 0, 0)

    def compose_body(self) -> ComposeResult:
        with Vertical(id="matrix-body"):
            yield SafeStatic(id="matrix-summary")
            yield SafeDataTable(id="matrix", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="matrix-detail"):
                yield SafeStatic(id="matrix-detail-text")

    def on_mount(self) -> None:
        self._add_columns()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        if self._column_widths() != self._widths:
            self._add_columns()
            self.fill()

    # -- loading

    def reload(self) -> None:
        self._load(self.oapp.session.id)

    @work(thread=True, exclusive=True, group="matrix-load", exit_on_error=False)
    def _load(self, session_id: int) -> None:
        self.post(MatrixLoaded(read_matrix(self.oapp.store, self.oapp.catalog, session_id)))

    @work(thread=True, group="matrix-write", exit_on_error=False)
    def _write(self, session_id: int, op: Callable[[Workspace], int | None],
               note: str) -> None:
        store, catalog = self.oapp.store, self.oapp.catalog
        selected = op(Workspace(store, catalog, session_id))
        self.post(MatrixLoaded(read_matrix(store, catalog, session_id), selected, note))

    def on_matrix_loaded(self, message: MatrixLoaded) -> None:
        keep = self.keep_after_load(message.select)
        self.data = message.data
        self.fill(keep)
        self._show_summary()
        if message.note:
            self.notify(message.note, timeout=4)
            self.oapp.refresh_week()

    # -- the table

    def _column_widths(self) -> tuple[int, int, int]:
        """Observation, incident, reason share what the fixed columns leave; below 110
        columns the reason folds into the detail pane (width 0: no column)."""
        width = max(self.size.width, 80)
        narrow = width < 110
        free = width - 2 - sum(self._fixed_widths()) - (5 if narrow else 6) * 2 - 3
        if narrow:
            incident = max(14, free * 35 // 100)
            return free - incident, incident, 0
        incident = max(16, free * 22 // 100)
        observation = max(24, (free - incident) * 55 // 100)
        return observation, incident, max(16, free - incident - observation)

    @staticmethod
    def _fixed_widths() -> tuple[int, int, int]:
        """Risk, STRIDE and status: wide enough for their header with its arrow and (status)
        every word, which Japanese makes wider than English."""
        return (max(6, widest(_("Risk") + " ▼")), max(8, widest("STRIDE ▲")),
                max(9, widest(_("Status") + " ▲",
                              *(label(ROW_STATUS_LABELS, w) for w in ROW_STATUS_LABELS))))

    def _add_columns(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self._widths = observation, incident, reason = self._column_widths()
        risk_width, stride_width, status_width = self._fixed_widths()
        # ▼ high risk first; ▲ A to Z (and open before fixed)
        arrow = {name: ("" if name != self.sort else " ▼" if name == "risk" else " ▲")
                 for name in SORTS}
        table.add_column(_("Risk") + arrow["risk"], key="risk", width=risk_width)
        table.add_column(_("Observation") + arrow["observation"], key="observation",
                         width=observation)
        table.add_column(_("Assumed incident") + arrow["incident"], key="incident",
                         width=incident)
        if reason:
            table.add_column(_("Reason") + arrow["reason"], key="reason", width=reason)
        table.add_column("STRIDE" + arrow["stride"], key="stride", width=stride_width)
        table.add_column(_("Status") + arrow["status"], key="status", width=status_width)

    def _sorted(self) -> list[MatrixRow]:
        rows = list(self.data.rows)  # already in the core's risk order
        if self.sort == "status":
            return sorted(rows, key=lambda r: orient.ROW_STATES.index(r.status))
        if self.sort != "risk":
            return sorted(rows, key=lambda r: natural(getattr(r, self.sort)))
        return rows

    def before_fill(self) -> None:
        self.rows = self._sorted()

    def records(self) -> list[MatrixRow]:
        return self.rows

    def record_key(self, record: MatrixRow) -> int:  # type: ignore[override]
        return record.id

    def cells(self, row: MatrixRow) -> list[Text | str]:
        dim = "dim" if row.fixed else ""
        observation = Text(style=dim)  # marks first: a long observation is cut at the right
        if row.custom:
            observation.append("✚ ", "#d787ff")
        elif row.edited:
            observation.append("✎ ", "#ffaf5f")
        observation.append(row.observation)
        status = Text(label(ROW_STATUS_LABELS, row.status), STATUS_STYLES.get(row.status, ""))
        cells: list[Text | str] = [
                 Text(f"{row.score:>3}", "dim" if row.fixed else risk_style(row.score)),
                 observation, Text(row.incident, style=dim), Text(row.reason, style=dim),
                 Text(row.stride, style=dim or "bold"), status]
        if self._widths[2] == 0:  # no Reason column
            del cells[3]
        return cells

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        self._set_sort(str(event.column_key.value))

    def action_cycle_sort(self) -> None:
        self._set_sort(SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)])
        self.notify(_("Sorted by {what}.").format(what=label(SORT_LABELS, self.sort)),
                    timeout=2)

    def _set_sort(self, sort: str) -> None:
        if sort not in SORTS:
            return
        self.sort = sort
        self.oapp.remember(screens={"matrix_sort": sort})
        self._add_columns()
        self.fill()

    # -- summary and detail

    def _show_summary(self) -> None:
        rows = self.data.rows
        text = Text()
        if not rows:
            if self.data.scanned:
                text.append(_("Nothing fails in the latest scan. "), "bold")
            else:
                text.append(_("The matrix is empty. "), "bold")
                text.append(_("Run a scan on {screen}: each failing check becomes a row. ")
                            .format(screen=where("review")), "italic")
            text.append(_("a adds a row for something no check sees."), "italic")
        else:
            open_rows = [r for r in rows if not r.fixed]
            high = [r for r in open_rows if r.score >= decide.P1_FROM]
            text.append(_("{n} open rows").format(n=len(open_rows)), "bold")
            if len(rows) > len(open_rows):
                text.append(" · " + _("{n} fixed").format(n=len(rows) - len(open_rows)),
                            "#87d787")
            text.append(" · ")
            text.append(_("{n} high risk (≥{threshold})").format(
                n=len(high), threshold=decide.P1_FROM), "bold #ff5f87" if high else "dim")
            unclassified = sum(1 for r in open_rows if r.risk and r.risk.default_asset)
            if unclassified:
                text.append(" · " + _("{n} without a declared asset: {screen}").format(
                    n=unclassified, screen=where("assets")), "dim")
            text.append("  ·  ")
            if self.data.reviewed:
                text.append(_("reviewed ✓"), "#87d787")
            else:
                text.append(_("not reviewed yet: R when you agree"), "#ffaf5f")
        self.query_one("#matrix-summary", Static).update(text)

    def show_detail(self) -> None:
        target = self.query_one("#matrix-detail-text", Static)
        row = self.current()
        if row is None:
            target.update(Text(_("Select a row to see why it scores what it scores."),
                               style="dim italic"))
            return
        target.update(self.detail_text(row))

    def detail_text(self, row: MatrixRow) -> RenderableType:
        fields = Fields()
        risk = row.risk
        if risk is not None:
            head = Text()
            head.append(f" {risk.score} ", f"reverse {risk_style(risk.score)}")
            head.append("  " + _(RISK_LEVELS[risk_word(risk.score)]) + " · "
                        f"{_(decide.priority_for(risk.score))}", risk_style(risk.score))
            head.append("   " + _("asset value {asset} × threat {threat} × vulnerability "
                                  "{vuln}").format(asset=risk.asset_value, threat=risk.threat,
                                                   vuln=risk.vulnerability), "bold")
            fields.add(_("Risk"), head)
            fields.add("", _(risk.explanation), "dim")
            if risk.default_asset and not row.fixed and row.resources:
                fields.add("", _("Declare the data these resources hold on {screen} to score "
                                 "by what is at stake.").format(screen=where("assets")),
                           "italic #ffaf5f")
        mine = set() if row.custom else set(row.edited)
        for name in ("observation", "incident", "reason"):
            heading = _(FIELD_LABELS[name]) + (" ✎" if name in mine else "")
            fields.add(heading, getattr(row, name) or "—")
        fields.add("STRIDE" + (" ✎" if "stride" in mine else ""),
                   " · ".join(f"{s} {_(STRIDE_NAMES[s])}" for s in row.stride) or "—")
        if row.custom:
            fields.add(_("From"), _("✚ your own row (no check sees this)"), "#d787ff")
        else:
            source = Text(f"{row.title} ")
            source.append(f"({row.check_id})", "dim")
            if row.severity is not None:
                source.append(f"  {label(SEVERITY_LABELS, row.severity)}",
                              SEVERITY_STYLES[row.severity.value])
            if row.fixed:
                source.append(_("  fixed: a complete scan read it again and it passed"),
                              "#87d787")
            elif row.status == "accepted":
                source.append(_("  accepted: triaged as accepted risk / false positive, "
                                "or a won't-do decision"), "#87afd7")
            fields.add(_("From"), source)
        fields.add(_("Resources ({n})").format(n=len(row.resources)), self._resources(row))
        answers = self.data.answered.get(row.id, [])
        if answers:
            line = Text()
            for i, (title, status) in enumerate(answers):
                line.append(" · " if i else "")
                line.append(title, "bold")
                line.append(f" ({_(status)})", "dim")
            fields.add(_("Answered by"), line)
        elif not row.fixed:
            fields.add(_("Answered by"), _("no action yet: choose one on {screen}").format(
                screen=where("actions")), "italic #ffaf5f")
        note = self.data.notes.get(str(row.id))
        fields.add(_("Your note"), note or _("none yet: n writes one"), "" if note else "dim")
        return Group(fields.grid)

    def action_note(self) -> None:
        from onboard.screens.modals import NoteModal

        row = self.current()
        if row is None:
            return
        current = self.data.notes.get(str(row.id), "")

        def saved(text: object) -> None:
            if isinstance(text, str):
                self.oapp.save_note("row", row.id, text, then=self.reload)

        self._in_dialog = True
        self.app.push_screen(NoteModal(_("Your note on this row"), row.observation, current),
                             saved)

    def _resources(self, row: MatrixRow) -> Text:
        if not row.resources:
            return Text(_("none named"), "dim")
        out = Text()
        shown = sorted(row.resources, key=lambda r: (r.account_id, r.region, r.resource_id))
        for i, res in enumerate(shown[:MAX_RESOURCES]):
            if i:
                out.append("\n")
            out.append(res.resource_id)
            where_ = " · ".join(p for p in (self.data.names.get(res.account_id,
                                                                 res.account_id),
                                            res.region) if p)
            if where_:
                out.append(f"  {where_}", "dim")
            if res.terraform_address:
                out.append(f"  terraform {res.terraform_address}", "#87afd7")
        if len(shown) > MAX_RESOURCES:
            out.append("\n" + _("and {n} more").format(n=len(shown) - MAX_RESOURCES), "dim")
        return out

    # -- keys

    def _dialog(self, modal: _Dialog, callback: Callable[[object], None]) -> None:
        self._in_dialog = True
        self.app.push_screen(modal, callback)

    def action_edit(self) -> None:
        row = self.current()
        if row is None:
            self.notify(_("No row to edit; a adds one."), severity="warning")
            return
        generated = {} if row.custom else orient.generated(
            row.check_id, self.oapp.catalog.checks.get(row.check_id), row.resources,
            self.data.names)
        value = row.risk.asset_value if row.risk else orient.DEFAULT_ASSET_VALUE
        row_id = row.id

        def saved(result: object) -> None:
            if not isinstance(result, RowEdit) or not (result.changes or result.resets):
                self._in_dialog = False
                return

            def op(ws: Workspace) -> int:
                if result.resets:
                    ws.reset_fields(row_id, *result.resets)
                if result.changes:
                    ws.edit_row(row_id, **result.changes)
                return row_id

            self._write(self.oapp.session.id, op, _("Row {id} saved.").format(id=row_id))

        self._dialog(MatrixRowModal(row, generated, value), saved)

    def action_add(self) -> None:
        def added(result: object) -> None:
            if not isinstance(result, RowEdit):
                self._in_dialog = False
                return

            def op(ws: Workspace) -> int:
                changes = dict(result.changes)
                return ws.add_custom_row(changes.pop("observation", ""),
                                         resources=result.resources, **changes).id

            self._write(self.oapp.session.id, op, _("Row added."))

        self._dialog(MatrixRowModal(None), added)

    def action_delete(self) -> None:
        row = self.current()
        if row is None:
            return
        if not row.custom:
            self.notify(_("Only your own rows (✚) can be deleted: the scan makes the others. "
                          "Triage their findings as false positive or accepted risk on "
                          "Review instead."), severity="warning", timeout=6)
            return
        row_id = row.id

        def confirmed(result: object) -> None:
            if result is not True:
                self._in_dialog = False
                return

            def op(ws: Workspace) -> None:
                ws.delete_row(row_id)

            self._write(self.oapp.session.id, op, _("Row {id} deleted.").format(id=row_id))

        self._dialog(ConfirmModal(_("Delete your row “{row}”?").format(row=row.observation)),
                     confirmed)

    def action_mark_reviewed(self) -> None:
        def op(ws: Workspace) -> None:
            ws.mark_matrix_reviewed()

        self._write(self.oapp.session.id, op,
                    _("Matrix marked reviewed: the week's review task is ticked."))
