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

from onboard import guide
from onboard.models import Finding, ScanInfo, Severity
from onboard.scan import Progress
from onboard.screens.base import OnboardScreen
from onboard.screens.finding_detail import FindingDetail
from onboard.screens.modals import TriageModal
from onboard.screens.widgets import (
    SEVERITY_STYLES,
    STATUS_STYLES,
    SafeDataTable,
    SafeInput,
    SafeStatic,
    plain,
)
from onboard.textsafe import visible
from onboard.workspace import Workspace

PAGE = 200
PREFETCH = 40
FILTERS = ("status", "severity", "account_id", "region", "check_id")
ORDERS = ("severity", "check", "account", "resource")
COLUMN_ORDER = {"severity": "severity", "check": "check", "account": "account",
                "resource": "resource"}
CHANGES = (("all findings", "all"), ("new since last scan", "new"),
           ("fixed since last scan", "fixed"))
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
                 total: int) -> None:
        super().__init__()
        self.generation = generation
        self.offset = offset
        self.findings = findings
        self.total = total


class TriageSaved(Message):
    def __init__(self, key: Key, mark: str, note: str, all_done: bool) -> None:
        super().__init__()
        self.key, self.mark, self.note, self.all_done = key, mark, note, all_done


def _matches(f: Finding, filters: dict[str, str]) -> bool:
    for col in FILTERS:
        if filters.get(col) and str(getattr(f, col)) != filters[col]:
            return False
    text = filters.get("text", "").lower()
    return not text or any(text in v.lower() for v in (f.message, f.resource_id, f.check_id))


class ReviewScreen(OnboardScreen):
    SCREEN_ID = "review"
    CSS_PATH = "review.tcss"
    HELP = """
## Review — what is actually running, and what is wrong with it
**r** runs the scan: read-only calls over every reachable account × region × collector,
with live progress; **x** (or Esc) stops it and keeps what was collected. Quitting
mid-scan keeps it too.

The table lists the findings of the latest scan, failing ones first. Filter by status,
severity, account, region, check or text (**/**), or show only what is **new** or
**fixed** since the previous scan. **o** changes the order (or click a column header).
The pane below explains the selected finding: the evidence, what the check means, and
how to fix it in the console, with the AWS CLI or in Terraform (**f** switches, **y**
copies the CLI lines), with the finding's own names filled in.

**m** triages a finding: *confirmed*, *accepted risk* or *false positive*, with a note.
Triage survives rescans. Once every FAIL is triaged, the week's triage task ticks
itself (work from the most severe down: the table is in that order).
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "app.run_scan", "Run scan"),
        Binding("x", "app.cancel_scan", "Cancel scan"),
        Binding("escape", "escape", "Cancel scan", show=False),
        Binding("m", "mark", "Triage"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("o", "cycle_order", "Order"),
        Binding("f", "next_fix", "Fix tab"),
        Binding("y", "copy_cli", "Copy CLI"),
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
        self._loading_more = False
        self._search_timer: Timer | None = None
        self._syncing = False

    # -- layout

    def compose_body(self) -> ComposeResult:
        with Vertical(id="review-body"):
            with Horizontal(id="scan-line"):
                yield SafeStatic(id="scan-summary")
            with Horizontal(id="scan-progress"):
                yield ProgressBar(total=1, show_eta=False, id="scan-bar")
                yield SafeStatic(id="scan-message")
            with Grid(id="filters"):
                yield Select([], prompt="status: any", id="f-status", compact=True)
                yield Select([(s.value, s.value) for s in Severity],
                             prompt="severity: any", id="f-severity", compact=True)
                yield Select([], prompt="account: any", id="f-account_id", compact=True)
                yield Select([], prompt="region: any", id="f-region", compact=True)
                yield Select([], prompt="check: any", id="f-check_id", compact=True)
                yield Select(CHANGES, value="all", allow_blank=False, id="f-changes",
                             compact=True)
                yield SafeInput(placeholder="/ search message, resource, check", id="f-text",
                            compact=True)
            yield SafeDataTable(id="findings", cursor_type="row", zebra_stripes=True)
            yield SafeStatic(id="table-status")
            yield FindingDetail(id="detail")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Status", key="status", width=6)
        table.add_column("Severity", key="severity", width=8)
        table.add_column("Check", key="check", width=26)
        table.add_column("Resource", key="resource", width=28)
        table.add_column("Account", key="account", width=16)
        table.add_column("Region", key="region", width=10)
        table.add_column("Triage", key="triage", width=14)
        self.query_one("#scan-progress").display = False
        self.watch(self.oapp, "progress", self._show_progress)
        self.watch(self.oapp, "scanning", self._scanning_changed)
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.query_one("NavTabs").active = "tab-review"  # type: ignore[attr-defined]

    # -- scan progress (the scan itself runs in the app: it outlives screen switches)

    def _scanning_changed(self, scanning: bool) -> None:
        self.query_one("#scan-progress").display = scanning
        self._show_summary()

    def _show_progress(self, progress: Progress | None) -> None:
        if progress is None or not self.oapp.scanning:
            return
        bar = self.query_one("#scan-bar", ProgressBar)
        if progress.phase == "collect":
            bar.update(total=max(progress.total, 1), progress=progress.done)
            label = f"collecting {progress.done}/{progress.total} · {progress.message}"
        else:
            bar.update(total=None)
            label = f"{progress.phase}: {progress.message}"
        self.query_one("#scan-message", Static).update(
            Text.assemble(visible(label), ("   x stops (keeps what was collected)", "dim")))

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
                label = select.prompt.split(":")[0]
                select.set_options([(plain(f"{label}: {self._label(col, v)}"), v)
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
        name = self.data.names.get(value) if col == "account_id" else None
        return f"{name} ({value})" if name else value

    def _show_summary(self) -> None:
        scan, summary = self.data.scan, Text()
        if scan is None and self.oapp.scanning:
            summary.append("The first scan is running; findings appear here when it "
                           "finishes.", "italic")
        elif scan is None:
            summary.append("No scan yet. ", "bold")
            summary.append("Press r to scan every account you can reach (read-only); "
                           "findings appear here.", "italic")
        else:
            summary.append(f"Scan #{scan.id} ", "bold")
            summary.append(visible(scan.status),
                           "#87d787" if scan.status == "complete" else "#ffaf5f")
            summary.append(f"  ·  {self.data.failing} failing")
            if self.data.previous is not None:
                summary.append(f"  ·  since #{self.data.previous.id}: ", "dim")
                summary.append(f"{len(self.data.new)} new", "bold #ff875f")
                summary.append(", ")
                summary.append(f"{len(self.data.fixed)} fixed", "bold #87d787")
                if self.data.unchecked:
                    summary.append(f", {self.data.unchecked} not re-checked", "bold #ffaf5f")
            else:
                summary.append("  ·  first scan: rescan later to see what changed", "dim")
            if self.data.newest is not None:
                summary.append(f"  ·  scan #{self.data.newest.id} did not finish: "
                               f"showing #{scan.id}", "#ffaf5f")
            summary.append("   r rescans", "dim")
        self.query_one("#scan-summary", Static).update(summary)

    def requery(self) -> None:
        """Filters or order changed: load the first page again."""
        self.generation += 1
        self.rows, self.total = [], 0
        self.query_one(DataTable).clear()
        self._remember()
        if self.data.scan is None:
            self._show_table_status()
            self.query_one(FindingDetail).show_empty("Nothing to show before the first scan.")
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
            page = store.findings(scan_id, limit=PAGE, offset=offset, order=order, **query)
            total = store.count_findings(scan_id, **query)
        self.post(FindingsPage(generation, offset, page, total))

    def on_findings_page(self, message: FindingsPage) -> None:
        self._loading_more = False
        if message.generation != self.generation or message.offset != len(self.rows):
            return
        table = self.query_one(DataTable)
        self.total = message.total
        start = len(self.rows)
        self.rows.extend(message.findings)
        table.add_rows([self._cells(f) for f in message.findings])
        if start == 0:
            self._restore_selection()
        self._show_table_status()

    def _restore_selection(self) -> None:
        table = self.query_one(DataTable)
        wanted = self._wanted_key
        self._wanted_key = None
        index = next((i for i, f in enumerate(self.rows) if f.key == wanted), 0)
        if self.rows:
            table.move_cursor(row=index, animate=False)
        self._show_detail()

    def _cells(self, f: Finding) -> list[Text | str]:
        mark = self.data.triage.get(f.key, {}).get("mark", "")
        return [Text(f.status.value, STATUS_STYLES[f.status]),
                Text(f.severity.value, SEVERITY_STYLES[f.severity.value]),
                plain(f.check_id), plain(f.resource_id),
                plain(self.data.names.get(f.account_id, f.account_id)), plain(f.region),
                plain(mark, "#87d787") if mark else Text("·", "dim")]

    def _show_table_status(self) -> None:
        what = {"new": " new", "fixed": " fixed"}.get(self.changes, "")
        text = Text(f"{len(self.rows):,} of {self.total:,}{what} findings shown",
                    style="dim")
        text.append(f"  ·  order: {self.order}  ·  filters: ", "dim")
        active = [f"{k}={v}" for k, v in self.filters.items() if v]
        text.append(visible(", ".join(active)) or "none", "dim")
        self.query_one("#table-status", Static).update(text)

    # -- selection and paging

    def current(self) -> Finding | None:
        row = self.query_one(DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        if (event.cursor_row >= len(self.rows) - PREFETCH and len(self.rows) < self.total
                and not self._loading_more):
            self._loading_more = True
            self._load_page(len(self.rows))
        finding = self.current()
        if finding is not None:
            self.oapp.remember(review={"finding": list(finding.key)})

    def _show_detail(self) -> None:
        detail = self.query_one(FindingDetail)
        finding = self.current()
        if finding is None:
            detail.show_empty("No findings match the filters." if self.data.scan
                              else "Nothing to show before the first scan.")
            return
        change = ""
        if self.changes == "fixed":
            change = "fixed since the previous scan"
        elif any(f.key == finding.key for f in self.data.new[:5000]):
            change = "new since the previous scan"
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
        self.order = ORDERS[(ORDERS.index(self.order) + 1) % len(ORDERS)]
        self.notify(f"Ordered by {self.order}.", timeout=2)
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
        self.notify("AWS CLI lines copied (where the terminal allows it).", timeout=3)

    def action_mark(self) -> None:
        finding = self.current()
        if finding is None:
            return
        old = self.data.triage.get(finding.key, {})

        def chosen(result: object) -> None:
            if isinstance(result, tuple):
                mark, note = result
                self._save_triage(finding, mark, note)

        self.app.push_screen(TriageModal(finding, old.get("mark", ""), old.get("note", "")),
                             chosen)

    @work(thread=True, group="review-triage", exit_on_error=False)
    def _save_triage(self, finding: Finding, mark: str, note: str) -> None:
        store, sid = self.oapp.store, self.oapp.session.id
        Workspace(store, self.oapp.catalog, sid).set_triage(finding, mark, note)
        scan = self.data.scan
        all_done = scan is not None and guide.findings_triaged(store, sid, scan.id)
        self.post(TriageSaved(finding.key, mark, note, all_done))

    def on_triage_saved(self, message: TriageSaved) -> None:
        self.data.triage[message.key] = {"mark": message.mark, "note": message.note}
        table = self.query_one(DataTable)
        for index, f in enumerate(self.rows):
            if f.key == message.key:
                table.update_cell_at(Coordinate(index, 6), self._cells(f)[6])
        self._show_detail()
        if message.all_done:
            self.notify("Every failing finding is triaged: the week's triage task is done.")
            self.oapp.refresh_week()

