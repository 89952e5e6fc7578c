"""Review: run the scan, then read its findings (paged from SQL), fix and triage them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, ProgressBar, Select, Static

from onboard import guide, labels
from onboard.app import SCAN_PHASES
from onboard.i18n import N_, _
from onboard.models import Finding, ScanInfo, Severity
from onboard.scan import Progress
from onboard.screens.base import OnboardScreen
from onboard.screens.finding_detail import FindingDetail
from onboard.screens.modals import TriageModal
from onboard.screens.widgets import (
    SEVERITY_LABELS,
    SEVERITY_STYLES,
    STATUS_LABELS,
    STATUS_STYLES,
    TRIAGE_LABELS,
    PagedTable,
    SafeInput,
    SafeStatic,
    label,
    plain,
    widest,
)
from onboard.textsafe import visible
from onboard.workspace import Workspace

PAGE = 200
PREFETCH = 40
FILTERS = ("status", "severity", "account_id", "region", "check_id")
ORDERS = ("severity", "check", "account", "resource")
COLUMN_ORDER = {"severity": "severity", "check": "check", "account": "account",
                "resource": "resource"}
REVIEW_COLUMNS = {"status": N_("Status"), "severity": N_("Severity"), "check": N_("Check"),
                  "resource": N_("Resource"), "account": N_("Account"), "region": N_("Region"),
                  "triage": N_("Triage")}
CHANGES = ((N_("all findings"), "all"), (N_("new since last scan"), "new"),
           (N_("fixed since last scan"), "fixed"))
FILTER_LABELS = {"status": N_("status"), "severity": N_("severity"),
                 "account_id": N_("account"), "region": N_("region"), "check_id": N_("check"),
                 "text": N_("text")}
"""The filters' names as shown (the codes are saved for resume)."""
FILTER_KEYS = {"status": N_("status"), "severity": N_("severity"),
               "account_id": N_("account_id"), "region": N_("region"),
               "check_id": N_("check_id"), "text": N_("text")}
"""The filters as the status line under the table names them (`account_id=…`)."""
ORDER_LABELS = {"severity": N_("severity"), "check": N_("check"), "account": N_("account"),
                "resource": N_("resource")}
VALUE_LABELS = {"status": STATUS_LABELS, "severity": SEVERITY_LABELS}
"""Filter values shown as words (status and severity codes); the others are names."""
SCAN_STATUS_LABELS = labels.SCAN_STATUS
Key = tuple[str, str, str, str]


@dataclass
class ReviewData:
    scan: ScanInfo | None
    previous: ScanInfo | None = None
    new: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    unchecked: int = 0
    newest: ScanInfo | None = None  # a newer scan that did not finish (not shown)
    values: dict[str, list[str]] = field(default_factory=dict)
    triage: dict[Key, dict[str, str]] = field(default_factory=dict)
    failing: int = 0
    names: dict[str, str] = field(default_factory=dict)
    """Account id → name, for the table."""


class ReviewLoaded(Message):
    def __init__(self, data: ReviewData) -> None:
        super().__init__()
        self.data = data


class FindingsPage(Message):
    def __init__(self, generation: int, offset: int, findings: list[Finding],
                 total: int, error: str = "") -> None:
        super().__init__()
        self.generation = generation
        self.offset = offset
        self.findings = findings
        self.total = total
        self.error = error  # the page could not be read (the table then shows none)


class TriageSaved(Message):
    def __init__(self, keys: list[Key], mark: str, note: str, all_done: bool) -> None:
        super().__init__()
        self.keys, self.mark, self.note, self.all_done = keys, mark, note, all_done


def _matches(f: Finding, filters: dict[str, str]) -> bool:
    for col in FILTERS:
        if filters.get(col) and str(getattr(f, col)) != filters[col]:
            return False
    text = filters.get("text", "").lower()
    return not text or any(text in v.lower() for v in (f.message, f.resource_id, f.check_id))


class ReviewScreen(OnboardScreen):
    SCREEN_ID = "review"
    CSS_PATH = "review.tcss"
    HELP = N_(r"""
## Review — what is actually running, and what is wrong with it
**r** runs the scan: read-only calls over every reachable account × region × collector,
with live progress; **Esc** stops it and keeps what was collected. Quitting
mid-scan keeps it too.

The table lists the findings of the latest scan, failing ones first. Filter by status,
severity, account, region, check or text (**/**), or show only what is **new** or
**fixed** since the previous scan. **o** changes the order (or click a column header).
The pane below explains the selected finding: the evidence, what the check means, and
how to fix it in the console, with the AWS CLI or in Terraform (**f** switches, **y**
copies the CLI lines), with the finding's own names filled in.

**m** triages a finding: *confirmed*, *accepted risk*, *false positive* or *question*, with
a note. **space** selects findings (**\*** selects every one shown); **m** then triages
all the selected ones at once.
Triage survives rescans. Once every FAIL is triaged, the week's triage task ticks
itself (work from the most severe down: the table is in that order).
""")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "app.run_scan", N_("Run scan")),
        Binding("escape", "escape", N_("Cancel scan"), key_display="esc"),
        Binding("m", "mark", N_("Triage")),
        Binding("space", "select", N_("Select"), key_display="space"),
        Binding("asterisk", "select_all", N_("Select all shown"), key_display="*"),
        Binding("slash", "search", N_("Search"), key_display="/"),
        Binding("o", "cycle_order", N_("Order")),
        Binding("f", "next_fix", N_("Fix tab")),
        Binding("y", "copy_cli", N_("Copy CLI")),
    ]

    def __init__(self) -> None:
        super().__init__()
        state = self.oapp.ui_state.review
        self.filters: dict[str, str] = dict(state.filters)
        self.order = state.order if state.order in ORDERS else "severity"
        self.changes = "new" if state.new_only else "all"
        self._wanted_key: Key | None = tuple(state.finding) if state.finding else None  # type: ignore[assignment]
        self.data = ReviewData(scan=None)
        self.rows: list[Finding] = []
        self.total = 0
        self.generation = 0
        self._replacing = False  # a requery's first page has not arrived yet
        self._read_error = ""  # the shown answer's first page could not be read: why
        self._loading_more = False
        self._search_timer: Timer | None = None
        self._syncing = False
        self.selected: dict[Key, Finding] = {}
        """Findings picked with space for one triage of all of them."""

    # -- layout

    def compose_body(self) -> ComposeResult:
        with Vertical(id="review-body"):
            with Horizontal(id="scan-line"):
                yield SafeStatic(id="scan-summary")
            with Horizontal(id="scan-progress"):
                yield ProgressBar(total=1, show_eta=False, id="scan-bar")
                yield SafeStatic(id="scan-message")
            with Grid(id="filters"):
                yield Select([], prompt=self._any("status"), id="f-status", compact=True)
                yield Select([(label(SEVERITY_LABELS, s), s.value) for s in Severity],
                             prompt=self._any("severity"), id="f-severity", compact=True)
                yield Select([], prompt=self._any("account_id"), id="f-account_id",
                             compact=True)
                yield Select([], prompt=self._any("region"), id="f-region", compact=True)
                yield Select([], prompt=self._any("check_id"), id="f-check_id", compact=True)
                yield Select([(_(text), value) for text, value in CHANGES], value="all",
                             allow_blank=False, id="f-changes", compact=True)
                yield SafeInput(placeholder=_("/ search message, resource, check"),
                                id="f-text", compact=True)
            yield PagedTable(id="findings", cursor_type="row", zebra_stripes=True)
            yield SafeStatic(id="table-status")
            yield FindingDetail(id="detail")

    @staticmethod
    def _any(col: str) -> str:
        """A filter's prompt when nothing is chosen: 'status: any'."""
        return _("{filter}: any").format(filter=_(FILTER_LABELS[col]))

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self._add_columns()
        self.query_one("#scan-progress").display = False
        self.watch(self.oapp, "progress", self._show_progress)
        self.watch(self.oapp, "scanning", self._scanning_changed)
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.query_one("NavTabs").active = "tab-review"  # type: ignore[attr-defined]

    def _widths(self) -> dict[str, int]:
        """Column widths for the screen's width: Region folds into the detail pane below
        110 columns; Check, Resource and Account share what is left (they grow at 200)."""
        width = max(self.size.width, 80) - 2 - 2  # padding, scrollbar
        # Wide enough for the header with its sort arrow (Japanese takes two cells a
        # character; the English headers fit the minimums).
        fixed = {"status": max(7, widest(_(REVIEW_COLUMNS["status"]))),
                 "severity": max(10, widest(_(REVIEW_COLUMNS["severity"]) + " ▼")),
                 "triage": max(14 if width >= 100 else 10, widest(_(REVIEW_COLUMNS["triage"])))}
        if width >= 110:
            fixed["region"] = max(14, widest(_(REVIEW_COLUMNS["region"])))
        flexible = ("check", "resource", "account")
        spare = width - sum(fixed.values()) - 2 * (len(fixed) + len(flexible))
        share = {"check": 0.36, "resource": 0.40, "account": 0.24}
        least = {k: max(8, widest(_(REVIEW_COLUMNS[k]))) for k in flexible}
        out = {**fixed, **{k: max(least[k], int(spare * share[k])) for k in flexible}}
        order = ("status", "severity", "check", "resource", "account", "region", "triage")
        return {k: out[k] for k in order if k in out}

    def _add_columns(self, refill: bool = True) -> None:
        """Columns for the terminal's width, the sort arrow on the order's column; rebuilt
        only when one of them changed (a rebuild re-lays out the screen), with the rows
        unless new ones replace them right after (`refill=False`)."""
        widths = self._widths()
        headings = {key: _(REVIEW_COLUMNS[key]) + (
            (" ▼" if key == "severity" else " ▲") if COLUMN_ORDER.get(key) == self.order
            else "") for key in widths}
        table = self.query_one(DataTable)
        if list(table.columns) == list(widths) and all(
                table.columns[k].width == w  # type: ignore[index]
                and table.columns[k].label.plain == headings[k]  # type: ignore[index]
                for k, w in widths.items()):
            return
        table.clear(columns=True)
        for key, width in widths.items():
            table.add_column(headings[key], key=key, width=width)
        if refill:
            table.add_rows(self._cell_rows(self.rows))

    def on_resize(self) -> None:
        if self.is_mounted:
            self._add_columns()

    # -- scan progress (the scan itself runs in the app: it outlives screen switches)

    def _scanning_changed(self, scanning: bool) -> None:
        self.query_one("#scan-progress").display = scanning
        self._show_summary()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Esc is in the footer only while a scan runs (it then stops it); otherwise it just
        # leaves the search box.
        if action == "escape":
            return self.oapp.scanning or isinstance(self.focused, Input)
        return True

    def _show_progress(self, progress: Progress | None) -> None:
        if progress is None or not self.oapp.scanning:
            return
        bar = self.query_one("#scan-bar", ProgressBar)
        if progress.phase == "collect":
            bar.update(total=max(progress.total, 1), progress=progress.done)
            line = _("collecting {done}/{total} · {message}").format(
                done=progress.done, total=progress.total, message=_(progress.message))
        else:
            bar.update(total=None)
            line = f"{_(SCAN_PHASES.get(progress.phase, progress.phase))}: " \
                   f"{_(progress.message)}"
        self.query_one("#scan-message", Static).update(
            Text.assemble(visible(line), (_("   Esc stops (keeps what was collected)"),
                                          "dim")))

    def action_escape(self) -> None:
        if self.oapp.scanning:
            self.oapp.action_cancel_scan()
        else:
            self.query_one(DataTable).focus()

    # -- loading

    def reload(self) -> None:
        self._load_meta(self.oapp.session.id)

    @work(thread=True, exclusive=True, group="review-meta", exit_on_error=False)
    def _load_meta(self, session_id: int) -> None:
        store = self.oapp.store
        scan = store.latest_scan(session_id)
        data = ReviewData(scan=scan)
        if scan is not None:
            data.previous = store.previous_scan(scan.id)
            if data.previous is not None:
                diff = store.diff(scan.id, data.previous.id)
                data.new, data.fixed = diff["new"], diff["fixed"]
                data.unchecked = len(diff["unchecked"])
            newest = store.newest_scan(session_id)
            data.newest = newest if newest and newest.id != scan.id else None
            data.values = {col: store.finding_values(scan.id, col) for col in FILTERS}
            data.triage = store.triage(session_id)
            data.failing = store.count_findings(scan.id, status="FAIL")
            data.names = {a.account_id: a.name for a in store.accounts(session_id) if a.name}
        self.post(ReviewLoaded(data))

    def on_review_loaded(self, message: ReviewLoaded) -> None:
        self.data = message.data
        self._sync_filters()
        self._show_summary()
        self.requery()

    def _sync_filters(self) -> None:
        self._syncing = True
        try:
            for col in FILTERS:
                select: Select[str] = self.query_one(f"#f-{col}", Select)
                values = self.data.values.get(col, [])
                if col == "severity":
                    values = [s.value for s in Severity if s.value in values] or values
                name = _(FILTER_LABELS[col])
                select.set_options([(plain(f"{name}: {self._label(col, v)}"), v)
                                    for v in values])
                wanted = self.filters.get(col)
                if wanted and wanted in values:
                    select.value = wanted
                elif values:  # a saved filter this scan has no value for
                    self.filters.pop(col, None)
            self.query_one("#f-changes", Select).value = self.changes
            self.query_one("#f-text", Input).value = self.filters.get("text", "")
        finally:
            self.call_after_refresh(self._end_sync)

    def _end_sync(self) -> None:
        self._syncing = False

    def _label(self, col: str, value: str) -> str:
        if col in VALUE_LABELS:
            return label(VALUE_LABELS[col], value)
        name = self.data.names.get(value) if col == "account_id" else None
        return f"{name} ({value})" if name else value

    def _show_summary(self) -> None:
        scan, summary = self.data.scan, Text()
        if scan is None and self.oapp.scanning:
            summary.append(_("The first scan is running; findings appear here when it "
                             "finishes."), "italic")
        elif scan is None:
            summary.append(_("No scan yet. "), "bold")
            summary.append(_("Press r to scan every account you can reach (read-only); "
                             "findings appear here."), "italic")
        else:
            summary.append(_("Scan #{id} ").format(id=scan.id), "bold")
            summary.append(visible(label(SCAN_STATUS_LABELS, scan.status)),
                           "#87d787" if scan.status == "complete" else "#ffaf5f")
            summary.append("  ·  " + _("{n} failing").format(n=self.data.failing))
            if self.data.previous is not None:
                summary.append("  ·  " + _("since #{id}: ").format(id=self.data.previous.id),
                               "dim")
                summary.append(_("{n} new").format(n=len(self.data.new)), "bold #ff875f")
                summary.append(", ")
                summary.append(_("{n} fixed").format(n=len(self.data.fixed)), "bold #87d787")
                if self.data.unchecked:
                    summary.append(", " + _("{n} not re-checked").format(
                        n=self.data.unchecked), "bold #ffaf5f")
            else:
                summary.append("  ·  " + _("first scan: rescan later to see what changed"),
                               "dim")
            if self.data.newest is not None:
                summary.append("  ·  " + _("scan #{newest} did not finish: showing #{id}")
                               .format(newest=self.data.newest.id, id=scan.id), "#ffaf5f")
            summary.append(_("   r rescans"), "dim")
        self.query_one("#scan-summary", Static).update(summary)

    def requery(self) -> None:
        """Filters or order changed: load the first page again. The rows on screen stay
        until it arrives and are then replaced in one update (one repaint, no empty
        table in between: at 100k findings each repaint of the screen is tens of ms)."""
        self.generation += 1
        self._replacing = True
        self._remember()
        if self.data.scan is None:
            self._read_error = ""
            self._add_columns(refill=False)
            self._replace_rows([], 0)
            self._show_table_status()
            self.query_one(FindingDetail).show_empty(
                _("Nothing to show before the first scan."))
            return
        self._load_page(0)

    def _load_page(self, offset: int) -> None:
        scan = self.data.scan
        if scan is None:
            return
        pool = {"new": self.data.new, "fixed": self.data.fixed}.get(self.changes)
        self._page_worker(self.generation, scan.id, offset, dict(self.filters), self.order,
                          pool)

    @work(thread=True, exclusive=True, group="review-page", exit_on_error=False)
    def _page_worker(self, generation: int, scan_id: int, offset: int,
                     filters: dict[str, str], order: str, pool: list[Finding] | None) -> None:
        if pool is not None:
            matching = [f for f in pool if _matches(f, filters)]
            page, total = matching[offset:offset + PAGE], len(matching)
        else:
            query: dict[str, Any] = {k: v for k, v in filters.items() if v}
            store = self.oapp.store
            try:
                page = store.findings(scan_id, limit=PAGE, offset=offset, order=order,
                                      **query)
                total = store.count_findings(scan_id, **query)
            except Exception as exc:  # a locked or damaged database: say so, show none
                self.post(FindingsPage(generation, offset, [], 0, error=str(exc)))
                return
        self.post(FindingsPage(generation, offset, page, total))

    def on_findings_page(self, message: FindingsPage) -> None:
        self._loading_more = False
        if message.generation != self.generation:
            return
        if message.error:
            self.notify(_("Findings could not be read: {error}").format(
                error=visible(message.error)), severity="error", markup=False)
            if message.offset:
                return  # the rows already shown stay
            self._replacing = True
        if self._replacing:
            if message.offset == 0:
                self._read_error = message.error  # "0 of 0" would claim an empty answer
                with self.app.batch_update():
                    # The sort arrow moves with the answer, not before it.
                    self._add_columns(refill=False)
                    self._replace_rows(message.findings, message.total)
                    self._restore_selection()
                    self._show_table_status()
            return  # a next page asked for while the old rows were on screen
        if message.offset != len(self.rows):
            return
        self.total = message.total
        self.rows.extend(message.findings)
        self.query_one(DataTable).add_rows(self._cell_rows(message.findings))
        self._show_table_status()

    @property
    def answered(self) -> bool:
        """The table shows the answer to the current filters and order (a requery's first
        page has arrived)."""
        return not self._replacing

    def _replace_rows(self, findings: list[Finding], total: int) -> None:
        self._replacing = False
        self.rows, self.total = list(findings), total
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(self._cell_rows(self.rows))

    def _restore_selection(self) -> None:
        table = self.query_one(DataTable)
        wanted = self._wanted_key
        self._wanted_key = None
        index = next((i for i, f in enumerate(self.rows) if f.key == wanted), 0)
        if self.rows:
            table.move_cursor(row=index, animate=False)
        self._show_detail()

    def _cell_rows(self, findings: list[Finding]) -> list[list[Text | str]]:
        """Each finding's cells in the table's column order; what rows share (the columns,
        a cell shown in many rows: FAIL, high, an account, a region, a check) is made
        once per page, not once per row."""
        columns = [str(k.value) for k in self.query_one(DataTable).columns]
        shared: dict[tuple[str, object], Text] = {}
        return [self._cells(f, columns, shared) for f in findings]

    def _cells(self, f: Finding, columns: list[str] | None = None,
               shared: dict[tuple[str, object], Text] | None = None) -> list[Text | str]:
        """`shared`: cells already made for other rows of the page, by column and value
        (a Text in a table is only drawn, never changed)."""
        shared = {} if shared is None else shared
        if columns is None:
            columns = [str(k.value) for k in self.query_one(DataTable).columns]
        values: dict[str, object] = {
            "status": (f.status, f.key in self.selected), "severity": f.severity,
            "check": f.check_id, "account": f.account_id, "region": f.region,
            "triage": self.data.triage.get(f.key, {}).get("mark", "")}
        cells: list[Text | str] = []
        for column in columns:
            if column == "resource":  # the one cell no two rows share
                cells.append(plain(f.resource_id))
                continue
            value = values[column]
            cell = shared.get((column, value))
            if cell is None:
                cell = shared[(column, value)] = self._cell(column, value)
            cells.append(cell)
        return cells

    def _cell(self, column: str, value: Any) -> Text:
        """The cell of `column` for `value` (as `_cells` keys them)."""
        if column == "status":
            status_value, selected = value
            status = Text("● " if selected else "  ", "bold")
            status.append(label(STATUS_LABELS, status_value), STATUS_STYLES[status_value])
            return status
        if column == "severity":
            return Text(label(SEVERITY_LABELS, value), SEVERITY_STYLES[value.value])
        if column == "triage":
            return plain(label(TRIAGE_LABELS, value), "#87d787") if value else Text("·", "dim")
        return plain(self._account_label(value) if column == "account" else value)

    def _account_label(self, account_id: str) -> str:
        """The account's name; in a narrow table without the word every name shares
        ("DealLink Production" → "Production"), so the names still differ."""
        name = self.data.names.get(account_id, account_id)
        names = [n for n in self.data.names.values() if n]
        table = self.query_one(DataTable)
        narrow = "account" in table.columns and table.columns[
            "account"].width < 20  # type: ignore[index]
        if narrow and len(names) > 1:
            first = {n.split(" ", 1)[0] for n in names}
            if len(first) == 1 and all(" " in n for n in names) and name in names:
                return name.split(" ", 1)[1]
        return name

    def _unread(self) -> str:
        return _("Findings could not be read: {error}").format(
            error=visible(self._read_error))

    def _show_table_status(self) -> None:
        template = {"new": _("{shown} of {total} new findings shown"),
                    "fixed": _("{shown} of {total} fixed findings shown")}.get(
                        self.changes, _("{shown} of {total} findings shown"))
        text = (Text(self._unread(), style="bold #ff875f") if self._read_error else
                Text(template.format(shown=f"{len(self.rows):,}", total=f"{self.total:,}"),
                     style="dim"))
        text.append(_("  ·  order: {order}  ·  filters: ").format(
            order=label(ORDER_LABELS, self.order)), "dim")
        active = [f"{label(FILTER_KEYS, k)}={self._label(k, v) if k in VALUE_LABELS else v}"
                  for k, v in self.filters.items() if v]
        text.append(visible(", ".join(active)) or _("none"), "dim")
        if self.selected:
            text.append("  ·  " + _("{n} selected (m triages them, * clears)").format(
                n=len(self.selected)), "bold")
        # One line of fixed height: its text never changes the layout.
        self.query_one("#table-status", Static).update(text, layout=False)

    # -- selection and paging

    def current(self) -> Finding | None:
        row = self.query_one(DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        if (event.cursor_row >= len(self.rows) - PREFETCH and len(self.rows) < self.total
                and not self._loading_more and not self._replacing):
            self._loading_more = True
            self._load_page(len(self.rows))
        finding = self.current()
        if finding is not None:
            self.oapp.remember(review={"finding": list(finding.key)})

    def _show_detail(self) -> None:
        detail = self.query_one(FindingDetail)
        finding = self.current()
        if finding is None:
            detail.show_empty(self._unread() if self._read_error else
                              _("No findings match the filters.") if self.data.scan
                              else _("Nothing to show before the first scan."))
            return
        change = ""
        if self.changes == "fixed":
            change = _("fixed since the previous scan")
        elif any(f.key == finding.key for f in self.data.new[:5000]):
            change = _("new since the previous scan")
        detail.show(finding, self.oapp.catalog.checks.get(finding.check_id),
                    self.data.triage.get(finding.key), change)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        order = COLUMN_ORDER.get(str(event.column_key.value))
        if order and order != self.order:
            self.order = order
            self.requery()

    # -- filters

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        if self._syncing or event.select.id is None:
            return
        name = event.select.id.removeprefix("f-")
        if name == "changes":
            self.changes = str(event.value)
        elif event.value is Select.NULL:
            self.filters.pop(name, None)
        else:
            self.filters[name] = str(event.value)
        self.requery()

    @on(Input.Changed, "#f-text")
    def _text_changed(self, event: Input.Changed) -> None:
        if self._syncing:
            return
        self.filters["text"] = event.value.strip()
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(0.3, self.requery)

    @on(Input.Submitted, "#f-text")
    def _text_submitted(self) -> None:
        self.query_one(DataTable).focus()

    def _remember(self) -> None:
        self.oapp.remember(review={"filters": {k: v for k, v in self.filters.items() if v},
                                   "order": self.order, "new_only": self.changes == "new"})

    def action_search(self) -> None:
        self.query_one("#f-text", Input).focus()

    def action_cycle_order(self) -> None:
        # No toast: the header's arrow and the line under the table say the new order
        # with the answer (a toast is one more layout of the screen).
        self.order = ORDERS[(ORDERS.index(self.order) + 1) % len(ORDERS)]
        self.requery()

    # -- remediation and triage

    def action_next_fix(self) -> None:
        self.query_one(FindingDetail).next_fix_tab()

    def action_copy_cli(self) -> None:
        finding = self.current()
        if finding is None:
            return
        text = self.query_one(FindingDetail).cli_text(
            finding, self.oapp.catalog.checks.get(finding.check_id))
        self.app.copy_to_clipboard(text)
        self.notify(_("AWS CLI lines copied (where the terminal allows it)."), timeout=3)

    def _redraw(self, keys: set[Key]) -> None:
        table = self.query_one(DataTable)
        for index, f in enumerate(self.rows):
            if f.key in keys:
                cells = self._cells(f)
                table.update_cell_at(Coordinate(index, 0), cells[0])
                table.update_cell_at(Coordinate(index, len(cells) - 1), cells[-1])
        self._show_table_status()

    def action_select(self) -> None:
        finding = self.current()
        if finding is None:
            return
        if self.selected.pop(finding.key, None) is None:
            self.selected[finding.key] = finding
        self._redraw({finding.key})
        table = self.query_one(DataTable)
        if table.cursor_row < len(self.rows) - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_select_all(self) -> None:
        """Every loaded row that is shown (the filters apply); again clears the selection."""
        shown = {f.key: f for f in self.rows}
        if shown and all(k in self.selected for k in shown):
            self.selected.clear()
        else:
            self.selected.update(shown)
        self._redraw(set(shown))

    def action_mark(self) -> None:
        finding = self.current()
        if finding is None:
            return
        findings = list(self.selected.values()) or [finding]
        old = self.data.triage.get(findings[0].key, {}) if len(findings) == 1 else {}

        def chosen(result: object) -> None:
            if isinstance(result, tuple):
                mark, note = result
                self.selected.clear()
                self._save_triage(findings, mark, note)

        self.app.push_screen(TriageModal(findings[0], old.get("mark", ""),
                                         old.get("note", ""), count=len(findings)), chosen)

    @work(thread=True, group="review-triage", exit_on_error=False)
    def _save_triage(self, findings: list[Finding], mark: str, note: str) -> None:
        store, sid = self.oapp.store, self.oapp.session.id
        Workspace(store, self.oapp.catalog, sid).set_triage_many(findings, mark, note)
        scan = self.data.scan
        all_done = scan is not None and guide.findings_triaged(store, sid, scan.id)
        self.post(TriageSaved([f.key for f in findings], mark, note, all_done))

    def on_triage_saved(self, message: TriageSaved) -> None:
        for key in message.keys:
            self.data.triage[key] = {"mark": message.mark, "note": message.note}
        self._redraw({f.key for f in self.rows})
        if len(message.keys) > 1:
            mark = label(TRIAGE_LABELS, message.mark) if message.mark else _("no mark")
            self.notify(_("{n} findings marked {mark}.").format(n=len(message.keys),
                                                                mark=mark), timeout=4)
        self._show_detail()
        if message.all_done:
            self.notify(_("Every failing finding is triaged: the week's triage task is done."))
            self.oapp.refresh_week()

