"""Pilot tests for Review: paging from SQL, filters, detail, triage, diff, the scan worker."""

from __future__ import annotations

import contextlib
import threading
import time
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from textual.message import Message
from textual.widgets import DataTable, Input, RadioSet, Select

from onboard.app import ScanFinished, ScanProgress
from onboard.models import Severity, Status
from onboard.screens.finding_detail import FindingDetail
from onboard.screens.modals import TriageModal
from onboard.screens.review import PAGE, ReviewScreen
from tests.helpers import rule_done
from tests.test_app_support import asynctest, fake_scan, finding, make_app, seed_scan, settle

SIZE = (120, 40)


async def _open(pilot, app) -> ReviewScreen:  # type: ignore[no-untyped-def]
    await pilot.press("4")
    await _settle(pilot, app)
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def _settle(pilot, app, wait: float = 0.2) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await settle(app)
        await pilot.pause(wait)


def _many(n: int) -> list:  # type: ignore[type-arg]
    sevs = list(Severity)
    return [finding("s3.versioning" if i % 3 else "ec2.ssh_open", f"res-{i:05d}",
                    status=Status.FAIL if i % 4 else Status.PASS, severity=sevs[i % 5],
                    account_id=f"{(i % 7) + 1:012d}", region=("us-east-1", "eu-west-1")[i % 2])
            for i in range(n)]


@contextlib.asynccontextmanager
async def _review_of(tmp_path: Path,
                     n: int) -> AsyncIterator[tuple[Any, Any, Any, ReviewScreen]]:
    """(app, store, pilot, Review) over a scan of n findings, no filter saved."""
    app, store = make_app(tmp_path)
    app.ui_state.review.filters = {}
    seed_scan(store, app.session.id, _many(n))
    async with app.run_test(size=SIZE) as pilot:
        yield app, store, pilot, await _open(pilot, app)


@asynctest
async def test_pages_20000_findings_lazily(tmp_path: Path) -> None:
    # timing lives in benchmarks/, never in tests
    async with _review_of(tmp_path, 20_000) as (app, _store, pilot, screen):
        table = screen.query_one(DataTable)
        assert screen.total == 20_000
        assert table.row_count == PAGE
        assert "200 of 20,000" in str(screen.query_one("#table-status").render())
        table.move_cursor(row=PAGE - 5)
        await _settle(pilot, app)
        assert table.row_count == 2 * PAGE
        assert screen.rows[0].status == Status.FAIL  # failing first


@asynctest
async def test_filters_run_in_sql(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    scan_id = seed_scan(store, app.session.id, _many(2_000))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        assert screen.total == store.count_findings(scan_id, status="FAIL")  # the default
        screen.query_one("#f-check_id", Select).value = "ec2.ssh_open"
        await _settle(pilot, app)
        assert screen.total == store.count_findings(scan_id, status="FAIL",
                                                    check_id="ec2.ssh_open")
        assert {f.check_id for f in screen.rows} == {"ec2.ssh_open"}
        screen.query_one("#f-status", Select).value = Select.NULL
        screen.query_one("#f-text", Input).value = "res-0001"
        await pilot.pause(0.5)
        await _settle(pilot, app)
        assert {f.resource_id for f in screen.rows} == {"res-00012", "res-00015",
                                                        "res-00018"}


@asynctest
async def test_detail_fills_the_remediation_for_the_finding(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_scan(store, app.session.id, [
        finding("s3.versioning", "acme-invoices", severity=Severity.MEDIUM,
                account_id="222222222222", message="versioning is off"),
    ])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        detail = screen.query_one(FindingDetail)
        head = str(detail.query_one("#detail-head").render())
        assert "versioning is off" in head
        assert app.catalog.checks["s3.versioning"].title in head
        cli = screen.query_one(FindingDetail).cli_text(screen.rows[0],
                                                         app.catalog.checks["s3.versioning"])
        assert "acme-invoices" in cli
        assert "{resource_id}" not in cli
        refs = str(detail.query_one("#detail-refs").render())
        assert "CIS" in refs or "Prowler" in refs


@asynctest
async def test_triage_marks_and_ticks_the_task(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_scan(store, app.session.id, [finding("ec2.ssh_open", "sg-1")])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, TriageModal)
        app.screen.query_one(RadioSet).query("RadioButton").first().value = True
        app.screen.query_one("#triage-note", Input).value = "bastion is coming"
        await pilot.click("#ok")
        await _settle(pilot, app)
        key = screen.rows[0].key
        assert store.triage(app.session.id)[key] == {"mark": "confirmed",
                                                     "note": "bastion is coming"}
        assert "confirmed" in str(screen.query_one(DataTable).get_row_at(0)[6])
        assert rule_done(store, app.catalog, app.session.id, "findings_triaged")


@asynctest
async def test_diff_against_the_previous_scan(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_scan(store, app.session.id, [finding("s3.versioning", "old"),
                                      finding("s3.versioning", "kept")])
    # "old" read again and passing is fixed; what the second scan did not read is not
    seed_scan(store, app.session.id, [finding("s3.versioning", "kept"),
                                      finding("s3.versioning", "new-1"),
                                      finding("s3.versioning", "new-2"),
                                      finding("s3.versioning", "old", status=Status.PASS)])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        summary = str(screen.query_one("#scan-summary").render())
        assert "2 new" in summary and "1 fixed" in summary
        assert "not re-checked" not in summary
        screen.query_one("#f-changes", Select).value = "new"
        await _settle(pilot, app)
        assert {f.resource_id for f in screen.rows} == {"new-1", "new-2"}
        screen.query_one("#f-changes", Select).value = "fixed"
        await _settle(pilot, app)
        assert [f.resource_id for f in screen.rows] == ["old"]


@asynctest
async def test_scan_worker_reports_progress_and_finishes(tmp_path: Path) -> None:
    seen: list[Message] = []
    app, store = make_app(tmp_path, scan_fn=fake_scan(steps=4))
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        screen = await _open(pilot, app)
        await pilot.press("r")
        await _settle(pilot, app, wait=0.3)
        progress = [m.progress for m in seen if isinstance(m, ScanProgress)]
        assert progress and progress[-1].phase == "done"  # older ones may have coalesced
        [done] = [m for m in seen if isinstance(m, ScanFinished)]
        assert done.result.status == "complete"
        assert app.scanning is False
        assert screen.total == 4
        assert rule_done(store, app.catalog, app.session.id, "scan_finished")


@asynctest
async def test_scan_can_be_cancelled_and_keeps_what_it_found(tmp_path: Path) -> None:
    gate = threading.Event()
    app, store = make_app(tmp_path, scan_fn=fake_scan(steps=50, gate=gate, delay=0.05))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        await pilot.press("r")
        await pilot.pause(0.2)
        assert app.scanning
        assert screen.query_one("#scan-progress").display
        gate.set()
        await pilot.pause(0.5)
        assert app.progress is not None and app.progress.phase == "collect"
        assert "collecting" in str(screen.query_one("#scan-message").render())
        await pilot.press("escape")
        await _settle(pilot, app, wait=0.3)
        assert app.scanning is False
        [scan] = store.scans(app.session.id)
        assert scan.status == "incomplete"
        assert 0 < store.count_findings(scan.id) < 50


@asynctest
async def test_scan_failure_becomes_a_notification(tmp_path: Path) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no AWS credentials found")

    app, _ = make_app(tmp_path, scan_fn=broken)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await pilot.press("r")
        await _settle(pilot, app)
        assert app.scanning is False
        assert any("no AWS credentials" in n.message for n in app._notifications)


@asynctest
async def test_quitting_mid_scan_stops_it_and_keeps_what_it_found(tmp_path: Path) -> None:
    gate = threading.Event()
    app, store = make_app(tmp_path, scan_fn=fake_scan(steps=100, gate=gate, delay=0.05))
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await pilot.press("r")
        gate.set()
        await pilot.pause(0.5)
        await pilot.press("q")
    assert app.cancel_event.is_set()
    for _ in range(100):  # the worker thread winds down after the app is gone
        scans = store.scans(app.session.id)
        if scans and scans[0].status != "running":
            break
        time.sleep(0.1)
    [scan] = store.scans(app.session.id)
    assert scan.status == "incomplete"
    assert 0 < store.count_findings(scan.id) < 100


@asynctest
async def test_a_filter_answers_in_one_replacement_and_a_failed_read_says_so(
        tmp_path: Path) -> None:
    async with _review_of(tmp_path, 600) as (app, store, pilot, screen):
        table = screen.query_one(DataTable)
        assert screen.answered and table.row_count == PAGE
        # until the new answer arrives the old rows stay; then it replaces them whole
        screen.filters["status"] = "PASS"
        screen.requery()
        assert not screen.answered and table.row_count == PAGE
        await _settle(pilot, app)
        assert screen.answered and screen.total == 150
        assert table.row_count == 150 and {f.status for f in screen.rows} == {Status.PASS}

        def broken(*_a: object, **_k: object) -> list:  # type: ignore[type-arg]
            raise RuntimeError("database is locked")

        store.findings = broken  # type: ignore[method-assign]
        screen.filters["status"] = "FAIL"
        screen.requery()
        await _settle(pilot, app)
        assert screen.answered  # not stuck waiting
        assert table.row_count == 0 and screen.rows == [] and screen.total == 0
        shown = [n.message for n in app._notifications]
        assert any("database is locked" in m for m in shown), shown
        # under the table and in the pane: not read, never "0 of 0" or "none match"
        status = str(screen.query_one("#table-status").render())
        assert "could not be read: database is locked" in status and "0 of 0" not in status
        assert "could not be read" in str(screen.query_one("#detail-head").render())


@asynctest
async def test_a_new_order_arrives_whole_and_the_detail_is_redrawn_only_when_it_changes(
        tmp_path: Path) -> None:
    async with _review_of(tmp_path, 600) as (app, _store, pilot, screen):
        table = screen.query_one(DataTable)

        def headings() -> list[str]:
            return [c.label.plain for c in table.ordered_columns]

        assert "Severity ▼" in headings()
        screen.action_cycle_order()  # what `o` does
        # the arrow moves with the new rows, in the same update, not before them
        assert not screen.answered and "Severity ▼" in headings()
        await _settle(pilot, app)
        assert screen.answered and "Check ▲" in headings() and "Severity" in headings()
        assert [f.check_id for f in screen.rows] == sorted(f.check_id for f in screen.rows)
        assert not any("Ordered by" in n.message for n in app._notifications)

        # the pane is drawn again only when what it shows changed: the same finding twice
        # is one drawing; a new triage mark of it is another
        detail = screen.query_one(FindingDetail)
        head = detail.query_one("#detail-head")
        drawn = []
        original = head.update
        head.update = lambda *a, **k: (drawn.append(a), original(*a, **k))  # type: ignore[method-assign]
        screen._show_detail()
        screen._show_detail()
        assert drawn == []
        screen.data.triage[screen.rows[0].key] = {"mark": "accepted", "note": "known"}
        screen._show_detail()
        assert len(drawn) == 1 and "known" in str(head.render())


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@asynctest
async def test_long_lived_objects_are_frozen_while_the_app_runs_and_released_after(
        tmp_path: Path) -> None:
    import gc

    app, store = make_app(tmp_path)
    seed_scan(store, app.session.id, _many(50))
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        assert gc.get_freeze_count() > 0
        # not while a scan runs (the clients it lets go are cycles): once it has ended
        app.scanning = True
        frozen = gc.get_freeze_count()
        app._freeze_long_lived()
        assert gc.get_freeze_count() == frozen and app._freeze_after_scan
        cycle = _Cycle()  # a client the scan let go: garbage, but only a full pass sees it
        gone = weakref.ref(cycle)
        del cycle
        app.scanning = False
        await _settle(pilot, app)
        assert not app._freeze_after_scan and gc.get_freeze_count() > frozen
        assert gone() is None  # collected before the freeze, not kept in it
    assert gc.get_freeze_count() == 0


def test_a_paged_table_has_one_line_rows_without_labels() -> None:
    import pytest

    from onboard.screens.widgets import PagedTable

    table = PagedTable()
    with pytest.raises(ValueError):
        table.add_row("x", label="row")
    with pytest.raises(ValueError):
        table.add_row("x", height=2)


@asynctest
async def test_a_paged_tables_kept_cell_drawings_are_what_datatable_draws(
        tmp_path: Path) -> None:
    """PagedTable draws a repeated cell once and adds the cell's own mouse meta after:
    every cell, under the cursor, hovered and on both zebra stripes, must be segment for
    segment what DataTable itself draws (a Textual upgrade that changes it fails here)."""
    from onboard.screens.widgets import PagedTable

    async with _review_of(tmp_path, 300) as (_app, _store, _pilot, screen):
        table = screen.query_one(PagedTable)
        table.zebra_stripes = True
        widths = [c.get_render_width(table) for c in table.ordered_columns]
        cases = [(row, col, cursor, hover) for row in range(40) for col in range(len(widths))
                 for cursor, hover in ((False, False), (True, False), (False, True))]
        for row, col, cursor, hover in cases:  # fill the kept drawings
            table._render_cell(row, col, table._get_row_style(row, table.rich_style),
                               widths[col], cursor, hover)
        assert 0 < len(table._drawn_cells) < len(cases) // 3  # repeats were drawn once
        for row, col, cursor, hover in cases:
            base = table._get_row_style(row, table.rich_style)
            ours = table._render_cell(row, col, base, widths[col], cursor, hover)
            table._cell_render_cache.clear()
            theirs = DataTable._render_cell(table, row, col, base, widths[col], cursor, hover)
            assert ours == theirs, (row, col, cursor, hover)
            assert ours[0][0].style.meta == {"row": row, "column": col}  # type: ignore[union-attr]


@asynctest
async def test_the_footer_is_composed_again_only_when_its_keys_change(tmp_path: Path) -> None:
    from textual.widgets._footer import FooterKey

    from onboard.screens.widgets import KeysFooter

    async with _review_of(tmp_path, 20) as (app, _store, pilot, screen):
        footer = screen.query_one(KeysFooter)
        keys = list(footer.query(FooterKey))
        assert keys and "escape" not in {k.key for k in keys}
        screen.refresh_bindings()  # the signal, with nothing changed
        await _settle(pilot, app)
        assert list(footer.query(FooterKey)) == keys  # the same widgets: not composed again
        screen.query_one("#f-text", Input).focus()  # Esc now leaves the search box
        await _settle(pilot, app)
        assert "escape" in {k.key for k in footer.query(FooterKey)}
