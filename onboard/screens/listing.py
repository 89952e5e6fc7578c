"""A screen built around one table of records loaded in a worker (Matrix, Assets, Actions).

What they share lives here: the cursor stays on the same record across reloads, the first
load goes back to the record saved for resume, the highlighted record is remembered, the
screen reloads when shown again (but not when one of its own dialogs closes: the write that
dialog starts reloads it), and Enter edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from onboard.screens.base import OnboardScreen


class ListingScreen(OnboardScreen):
    def __init__(self) -> None:
        super().__init__()
        self._wanted: Any = self.oapp.screen_state.get(self.SCREEN_ID)
        self._loaded = False
        self._in_dialog = False

    # -- what a listing defines

    def records(self) -> Sequence[Any]:
        """The records in table order."""
        raise NotImplementedError

    def record_key(self, record: Any) -> Any:
        raise NotImplementedError

    def cells(self, record: Any) -> list[Text | str]:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def show_detail(self) -> None:
        raise NotImplementedError

    def action_edit(self) -> None:
        raise NotImplementedError

    def before_fill(self) -> None:
        """Called once the record to keep is known, before the table is refilled."""

    # -- shared behaviour

    def on_screen_resume(self) -> None:
        self.query_one("NavTabs").active = f"tab-{self.SCREEN_ID}"  # type: ignore[attr-defined]
        if self._in_dialog:  # back from our own dialog: the write it started reloads
            self._in_dialog = False
            return
        self.reload()  # other screens may have changed what this one shows

    def keep_after_load(self, select: Any) -> Any:
        """The record to put the cursor on after a load: the one a write selected, else the
        current one, else (first load only) the one saved for resume."""
        current = self.current()
        keep = select or (self.record_key(current) if current is not None else None)
        if not self._loaded:
            keep = keep or self._wanted
            self._loaded = True
        return keep

    def fill(self, keep: Any = None) -> None:
        table = self.query_one(DataTable)
        current = self.current()
        if keep is None and current is not None:
            keep = self.record_key(current)
        self.before_fill()
        records = self.records()
        table.clear()
        for record in records:
            table.add_row(*self.cells(record), key=str(self.record_key(record)))
        if records:
            index = next((i for i, r in enumerate(records) if self.record_key(r) == keep), 0)
            table.move_cursor(row=index, animate=False)
        self.show_detail()

    def current(self) -> Any:
        row = self.query_one(DataTable).cursor_row
        records = self.records()
        return records[row] if records and 0 <= row < len(records) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()
        record = self.current()
        if record is not None:
            self.oapp.remember(screens={self.SCREEN_ID: self.record_key(record)})

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()
