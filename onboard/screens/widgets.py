"""Widgets every screen shares: the top bar (session, identity, day, scan) and the tabs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from rich.console import Group
from rich.highlighter import Highlighter
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Span, Text
from textual.coordinate import Coordinate
from textual.strip import Strip
from textual.widgets import (
    Checkbox,
    DataTable,
    Footer,
    Input,
    Label,
    RadioButton,
    Static,
    Tab,
    Tabs,
    TextArea,
    Tree,
)

from onboard import labels
from onboard.guide import identity_label
from onboard.i18n import N_, _
from onboard.screens import SCREENS, tab_title
from onboard.textsafe import UNSAFE_TUI, is_safe, one_for_one, visible

if TYPE_CHECKING:
    from onboard.app import OnboardApp

PHASE_COLORS = {
    "observe": "#5fafff",
    "orient": "#ffaf5f",
    "decide": "#d787ff",
    "act": "#87d787",
}
"""The OODA loop's colours, used for days, tasks and screens alike."""

SEVERITY_STYLES = {
    "critical": "bold #ff5f87",
    "high": "#ff875f",
    "medium": "#ffd75f",
    "low": "#87afd7",
    "info": "dim",
}
STATUS_STYLES = {"FAIL": "bold #ff5f87", "ERROR": "#ffaf5f", "PASS": "#87d787",
                 "SKIPPED": "dim"}

# Codes are stored and compared in English; these are the words shown for them (the shared
# ones from onboard.labels, whose msgids carry a context: "severity|high").
PHASE_LABELS = {"observe": N_("Observe"), "orient": N_("Orient"), "decide": N_("Decide"),
                "act": N_("Act")}
SEVERITY_LABELS = labels.SEVERITY
STATUS_LABELS = {"FAIL": N_("FAIL"), "PASS": N_("PASS"), "ERROR": N_("ERROR"),
                 "SKIPPED": N_("SKIPPED")}
TRIAGE_LABELS = labels.TRIAGE_MARK


def label(words: Mapping[str, str], code: object) -> str:
    """The word shown for a stored code, in the current language (the code if unknown)."""
    return labels.label(words, str(getattr(code, "value", code)))


def widest(*texts: str) -> int:
    """The width in cells of the widest text (a Japanese character takes two)."""
    return max((cell_len(t) for t in texts), default=0)


def plain(value: object, style: str = "", multiline: bool = True) -> Text:
    """AWS or user text for a widget: a Text (never parsed as markup) with every control
    character shown as a picture or escape, never sent to the terminal."""
    return Text(visible(value, multiline=multiline), style=style)


# --- the sanitiser at every widget boundary -------------------------------------------------
# Every string a screen shows is data or our own plain wording: none of it is markup. The
# widgets below take what they are given through `shown`, so a name from AWS or a user can
# neither be parsed as markup nor put an escape sequence on the terminal, whichever screen
# code built the text.


def _clean_text(text: Text) -> Text:
    """`text` with its control characters made visible, styles kept."""
    if is_safe(text.plain):
        return text
    cuts = sorted({i for m in UNSAFE_TUI.finditer(text.plain)
                   for i in (m.start(), m.end())})
    pieces = []
    for piece in text.divide(cuts):
        if UNSAFE_TUI.fullmatch(piece.plain):
            repl = visible(piece.plain)
            piece = Text(repl, style=piece.style, end="",
                         spans=[Span(0, len(repl), s.style) for s in piece.spans])
        pieces.append(piece)
    out = Text("", style=text.style, justify=text.justify, overflow=text.overflow,
               no_wrap=text.no_wrap, end=text.end)
    for piece in pieces:
        out.append_text(piece)
    return out


def shown(content: Any) -> Any:
    """Any content for a widget, made safe: a str becomes a Text (no markup), a Text keeps
    its styles with its controls made visible; groups, grids and code are walked."""
    if isinstance(content, str):
        return Text(visible(content, multiline=True))
    if isinstance(content, Text):
        return _clean_text(content)
    if isinstance(content, Group):
        return Group(*(shown(r) for r in content.renderables), fit=content.fit)
    if isinstance(content, Table):
        for column in content.columns:
            # rich keeps a column's cells in `_cells`; there is no public setter.
            column._cells = [shown(c) for c in column._cells]
        return content
    if isinstance(content, Syntax):
        content.code = visible(content.code, multiline=True)
        return content
    return content


class SafeStatic(Static):
    """A Static that shows what it is given as text: never markup, never a control code."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(shown(content), markup=False, **kwargs)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        super().update(shown(content), layout=layout)


class SafeLabel(Label):
    """A Label that shows what it is given as text: never markup, never a control code."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(shown(content), markup=False, **kwargs)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        super().update(shown(content), layout=layout)


class SafeDataTable(DataTable):  # type: ignore[type-arg]
    """A DataTable whose cells are text: str cells are not parsed as markup."""

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        return super().add_row(*(shown(c) for c in cells), **kwargs)

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell(row_key, column_key, shown(value), **kwargs)

    def update_cell_at(self, coordinate: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell_at(coordinate, shown(value), **kwargs)


class KeysFooter(Footer):
    """The footer, composed again only when the keys it shows change. Textual's Footer
    composes all its keys again on every bindings signal (a focus move, a reactive that
    may change what a key does): eleven times while Review opened, 30-140 ms each, with
    the same keys every time but the first."""

    _shown: tuple[object, ...] | None = None

    def _keys(self) -> tuple[object, ...]:
        return (self.compact, self.show_command_palette, tuple(
            (key, binding.key, binding.action, binding.description, binding.key_display,
             binding.show, binding.group, enabled, tooltip, self.app.get_key_display(binding))
            for key, (_node, binding, enabled, tooltip)
            in self.screen.active_bindings.items()))

    async def recompose(self) -> None:
        keys = self._keys() if self._bindings_ready and self.is_attached else None
        if keys is not None and keys == self._shown:
            return
        self._shown = keys
        await super().recompose()


DRAWN_CELLS_KEPT = 4096
"""Cell drawings a PagedTable keeps (each a few segments)."""


class PagedTable(SafeDataTable):
    """A SafeDataTable whose columns all have a fixed width and whose rows are one line,
    filled a page at a time (Review's 100,000 findings). DataTable measures every cell
    of every new row to size auto-width columns; with fixed widths that measure changes
    nothing and was a tenth of each filter change's time, so it is skipped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._drawn_cells: dict[tuple[object, ...], list[list[Segment]]] = {}

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        if kwargs.get("label") is not None or kwargs.get("height", 1) != 1:
            raise ValueError("a PagedTable's rows are one line, without a label")
        return super().add_row(*cells, **kwargs)

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> list[list[Segment]]:
        """A cell as DataTable draws it, drawn by Rich once per text, width and style.

        Most cells repeat from row to row and page to page (FAIL, high, an account, a
        region, a check); DataTable draws each one again for every new page (a fifth of a
        millisecond a cell through Rich, a third of a filter change's time). What differs
        from row to row is only the meta telling a mouse click which cell it hit: that is
        added to the segments of the drawing kept (tests/test_app_review.py compares every
        cell with DataTable's own drawing)."""
        if row_index < 0 or column_index < 0 or self.fixed_rows or self.fixed_columns \
                or base_style.meta:
            return super()._render_cell(row_index, column_index, base_style, width, cursor,
                                        hover)
        cell = self.get_cell_at(Coordinate(row_index, column_index))
        if not isinstance(cell, Text):
            return super()._render_cell(row_index, column_index, base_style, width, cursor,
                                        hover)
        component, post = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        key = (cell.plain, cell.style, tuple(cell.spans), cell.justify, cell.overflow,
               cell.no_wrap, cell.end, cell.tab_size, width, self.cell_padding, base_style,
               component, post)
        drawn = self._drawn_cells.get(key)
        if drawn is None:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor,
                                         hover)
            if any(seg.style is None or seg.style.link for line in lines for seg in line):
                return lines
            if len(self._drawn_cells) >= DRAWN_CELLS_KEPT:
                self._drawn_cells.clear()
            self._drawn_cells[key] = [
                [Segment(seg.text, cast(Style, seg.style).clear_meta_and_links(), seg.control)
                 for seg in line] for line in lines]
            return lines
        meta = Style.from_meta({"row": row_index, "column": column_index})
        return [[Segment(seg.text, cast(Style, seg.style) + meta, seg.control) for seg in line]
                for line in drawn]

    def _update_dimensions(self, new_rows: Any) -> None:
        if any(column.auto_width for column in self.columns.values()):
            super()._update_dimensions(new_rows)
        else:
            super()._update_dimensions(())  # only the virtual size


class ControlPictures(Highlighter):
    """Shows an input's control characters as pictures, one for one (the cursor indexes
    the real value, which is kept as it is)."""

    def highlight(self, text: Text) -> None:
        if not is_safe(text.plain, multiline=False):
            text.plain = one_for_one(text.plain)


class SafeInput(Input):
    """An Input that never sends its value's control characters to the terminal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("highlighter", ControlPictures())
        super().__init__(*args, **kwargs)


class SafeTextArea(TextArea):
    """A TextArea whose lines never send a control character to the terminal; the text it
    edits is kept as it is."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if all(seg.control or is_safe(seg.text, multiline=False) for seg in strip):
            return strip
        safe = Strip([seg if seg.control else Segment(one_for_one(seg.text), seg.style)
                      for seg in strip])
        # A control character took no cell and its picture takes one: keep the width.
        return safe.crop(0, strip.cell_length)


class SafeTree(Tree):  # type: ignore[type-arg]
    """A Tree whose labels are text: str labels are not parsed as markup."""

    def process_label(self, label: Any) -> Text:
        return super().process_label(shown(label))


def phase_text(phase: str) -> Text:
    return Text(_(PHASE_LABELS.get(phase, phase.capitalize())),
                style=f"bold {PHASE_COLORS.get(phase, 'white')}")


class TopBar(SafeStatic):
    """One line: app, session, AWS identity, current day, and a running scan."""

    DEFAULT_CSS = """
    TopBar { dock: top; height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def on_mount(self) -> None:
        app = cast("OnboardApp", self.app)
        for name in ("session_name", "identity", "day", "scan_status"):
            self.watch(app, name, self._changed, init=False)
        self._changed()

    def _changed(self, _value: object = None) -> None:
        app = cast("OnboardApp", self.app)
        day = next((d for d in app.catalog.days if d.day == app.day), None)
        unscanned = app.identity.startswith("not") or app.identity == identity_label(None)
        text = Text.assemble(
            ("onboard", "bold #5fafff"), (_("  session "), "dim"),
            (visible(app.session_name), "bold"), ("  ·  AWS ", "dim"),
            (visible(_(app.identity)), "italic" if unscanned else ""),
        )
        if day is not None:
            text.append("  ·  ", "dim")
            text.append(_("Day {n}").format(n=day.day) + " ", "bold")
            text.append_text(phase_text(day.phase.value))
        if app.demo:
            text.append("  ·  ", "dim")
            text.append(_("demo org"), "reverse #ffaf5f")
        if app.scan_status:
            text.append("  ·  ", "dim")
            text.append(visible(app.scan_status), "bold #ffd75f")
        self.update(text)


class NavTabs(Tabs):
    """The screens as clickable tabs; keys 1-9 and the mnemonics do the same."""

    DEFAULT_CSS = """
    NavTabs.-tight Tab { padding: 0 0 0 1; }
    """
    can_focus = False

    def __init__(self, active: str) -> None:
        tabs = [Tab(self._label(s.key, tab_title(s, False)), id=f"tab-{s.id}")
                for s in SCREENS]
        super().__init__(*tabs, active=f"tab-{active}")
        self._narrow: bool | None = None

    @staticmethod
    def _label(key: str, title: str) -> Text:
        return Text.assemble((key, "bold"), " ", title)

    @staticmethod
    def needed(narrow: bool, padding: int = 2) -> int:
        """Columns every tab takes (label and padding) with the full or short titles."""
        return sum(cell_len(f"{s.key} {tab_title(s, narrow)}") + padding for s in SCREENS)

    def relabel(self, narrow: bool, width: int | None = None) -> None:
        """Short titles below 120 columns (or when the full ones do not fit), so every tab
        stays visible at 80; when even those do not fit (wide characters), one space
        between tabs instead of two."""
        if width is not None:
            narrow = narrow or self.needed(False) > width
            self.set_class(narrow and self.needed(True) > width, "-tight")
        if narrow == self._narrow:
            return
        self._narrow = narrow
        for s in SCREENS:
            found = self.query(f"#tab-{s.id}")
            if found:
                tab = found.first()
                assert isinstance(tab, Tab)
                tab.label = self._label(s.key, tab_title(s, narrow))


class TickBox(Checkbox):
    """A checkbox whose state reads without colour: ✓ when ticked, blank when not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "✓" if self.value else " "


class Choice(RadioButton):
    """A radio button whose state reads without colour: ● chosen, ○ not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else "○"
