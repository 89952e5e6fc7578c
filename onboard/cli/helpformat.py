"""argparse in the spoken language: its own words translated, help wrapped by terminal cells.

argparse wraps help with `textwrap`, which counts characters: a Japanese line would come out
twice as wide as the terminal, and a sentence without spaces would be cut anywhere. Text
with double-width characters is wrapped here by cells instead, with the line-break rules of
`onboard.linebreak` (between two Japanese characters, never before 。 or after 「); text
without them goes through argparse unchanged, so English help is byte-for-byte what it was.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable
from typing import Any

from rich.cells import cell_len, get_character_cell_size

from onboard import i18n, linebreak
from onboard.i18n import N_, ngettext

# argparse's own strings that onboard's users see. `%(prog)s: error: %(message)s` is left
# out on purpose: the `onboard: error:` prefix stays English like the rest of the errors.
ARGPARSE_STRINGS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
)
_originals: dict[str, Callable[..., str]] = {}


def speak_argparse() -> None:
    """Route argparse's own messages (usage:, options, its errors) through onboard's
    catalogs; in English argparse's own gettext answers, as before."""
    if _originals:
        return
    _originals["_"] = argparse._  # type: ignore[attr-defined]
    _originals["ngettext"] = argparse.ngettext  # type: ignore[attr-defined]

    def gettext(message: str) -> str:
        if i18n.current() == i18n.DEFAULT:
            return _originals["_"](message)
        return i18n._(message)

    def nget(singular: str, plural: str, n: int) -> str:
        if i18n.current() == i18n.DEFAULT:
            return _originals["ngettext"](singular, plural, n)
        if singular == "expected %s argument":  # argparse's one plural, marked here
            return ngettext("expected %s argument", "expected %s arguments", n)
        return i18n.ngettext(singular, plural, n)

    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = nget  # type: ignore[attr-defined]


# --- wrapping by cells ----------------------------------------------------------------------


def has_wide(text: str) -> bool:
    """True when some character of `text` takes two cells."""
    return any(ord(char) >= 0x1100 and get_character_cell_size(char) > 1 for char in text)


def wrap_cells(text: str, width: int, indent: str = "") -> list[str]:
    """`text` (whitespace runs read as one space) in lines of at most `width` cells, each
    starting with `indent`: broken at spaces or between Japanese characters by the rules of
    `onboard.linebreak` (never before 。 or after 「); a word longer than a line is cut
    between characters, never in the middle of one."""
    room = max(width - cell_len(indent), 2)
    return [indent + line for line in linebreak.wrap(" ".join(text.split()), room)]


_COLUMNS = re.compile(r"^(\s*\S.*?\S?\s{2,})(?=\S)")


def _column(line: str, known: list[int]) -> int:
    """Where the explanation starts in a `command   explanation` line: after its first
    gap of two spaces, else at a column other lines of the block use (a command as long as
    the column is followed by one space only); 0 when there is none."""
    match = _COLUMNS.match(line)
    if match:
        return len(match.group(1))
    for col in known:
        if 0 < col < len(line) and line[col - 1] == " " and line[col] != " " \
                and line[:col].strip():
            return col
    return 0


def _wrap_raw_line(line: str, width: int, known: list[int]) -> list[str]:
    """One line of hand-laid-out text (an epilog's `command   explanation`): wrapped only
    when too wide, continuing under its explanation column (or its own indent)."""
    if cell_len(line) <= width:
        return [line]
    col = _column(line, known)
    indent = line[:len(line) - len(line.lstrip())]
    if not col:
        return wrap_cells(line, width, indent)
    head = line[:col]
    if cell_len(head) <= width - 16:  # room for eight wide characters under the column
        lines = wrap_cells(line[col:], width, " " * cell_len(head))
        return [head + lines[0][cell_len(head):], *lines[1:]]
    under = indent + "    "  # a narrow terminal: the command alone, then its explanation
    return [head.rstrip(), *wrap_cells(line[col:], width, under)]


class CellHelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, measuring double-width text in cells."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not has_wide(text):
            return super()._split_lines(text, width)
        return wrap_cells(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not has_wide(text):
            return super()._fill_text(text, width, indent)
        return "\n".join(wrap_cells(text, width, indent))

    def _format_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[Any], prefix: str | None) -> str:
        # argparse indents the usage's continuation lines by len(prefix): give it the
        # prefix's width in cells, then put the (translated) prefix back in front.
        if prefix is None:
            prefix = argparse._("usage: ")  # type: ignore[attr-defined]
        if not has_wide(prefix):
            return super()._format_usage(usage, actions, groups, prefix)
        pad = " " * cell_len(prefix)
        text = super()._format_usage(usage, actions, groups, pad)
        return prefix + text[len(pad):] if text.startswith(pad) else text


class CellRawDescriptionHelpFormatter(CellHelpFormatter):
    """RawDescriptionHelpFormatter by cells: the layout is kept; a line with double-width
    characters wider than the terminal is wrapped under its own column."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not has_wide(text):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        width += len(indent)  # argparse passes the width left after the indent
        lines = [indent + line for line in text.splitlines()]
        known = sorted({len(m.group(1)) for m in map(_COLUMNS.match, lines) if m},
                       reverse=True)
        out: list[str] = []
        for line in lines:
            out.extend(_wrap_raw_line(line, width, known) if line.strip() else [""])
        return "\n".join(out) + ("\n" if text.endswith("\n") else "")


class Parser(argparse.ArgumentParser):
    """ArgumentParser whose help measures cells; sub-commands inherit it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fmt = kwargs.get("formatter_class", argparse.HelpFormatter)
        if fmt is argparse.HelpFormatter:
            kwargs["formatter_class"] = CellHelpFormatter
        elif fmt is argparse.RawDescriptionHelpFormatter:
            kwargs["formatter_class"] = CellRawDescriptionHelpFormatter
        super().__init__(*args, **kwargs)
