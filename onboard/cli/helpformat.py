"""argparse in the spoken language: its own words translated, help wrapped by terminal cells.

argparse wraps help with `textwrap`, which counts characters: a Japanese line would come out
twice as wide as the terminal, and a sentence without spaces would be cut anywhere. Text
with double-width characters is wrapped here by cells instead (a line may break between two
Japanese characters, never before 、。）」 or after （「); text without them goes through
argparse unchanged, so English help is byte-for-byte what it was.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable
from typing import Any

from rich.cells import cell_len, chop_cells, get_character_cell_size

from onboard import i18n
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

# A wide character (CJK, kana, full-width forms) is a unit a line may break after.
_WIDE = "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f" \
        "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
# Never at the start of a line (closing marks, small kana, the long-vowel mark) …
_NO_START = ("、。，．・：；？！）」』】〕〉》”’ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
             ")]},.:;!?")
# … never at the end of one (opening marks).
_NO_END = "（「『【〔〈《“‘([{"
_TOKEN = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")


def has_wide(text: str) -> bool:
    """True when some character of `text` takes two cells."""
    return any(ord(char) >= 0x1100 and get_character_cell_size(char) > 1 for char in text)


def _units(text: str) -> list[str]:
    """`text` as the pieces a line may break between: words, single wide characters,
    whitespace; a closing mark sticks to what precedes it, an opening one to what follows."""
    units: list[str] = []
    glue_next = False
    for token in _TOKEN.findall(text):
        if token.isspace():
            units.append(" ")
            glue_next = False
            continue
        if units and not units[-1].isspace() and (glue_next or token[0] in _NO_START):
            units[-1] += token
        else:
            units.append(token)
        glue_next = token[-1] in _NO_END
    return units


def wrap_cells(text: str, width: int, initial: str = "", subsequent: str = "") -> list[str]:
    """`text` (whitespace runs read as one space) in lines of at most `width` cells,
    indents included, broken at spaces or between wide characters; a word longer than a
    line is cut between characters, never in the middle of one."""
    width = max(width, cell_len(subsequent) + 2, cell_len(initial) + 2)
    lines: list[str] = []
    line, indent = "", initial
    for unit in _units(" ".join(text.split())):
        room = width - cell_len(indent)
        if unit == " ":
            if line:
                line += " "
            continue
        if cell_len(line) + cell_len(unit) <= room:
            line += unit
            continue
        if line.strip():
            lines.append(indent + line.rstrip())
            line, indent = "", subsequent
            room = width - cell_len(indent)
        while cell_len(unit) > room:  # a word longer than a line: cut by cells
            head, *rest = chop_cells(unit, room)
            lines.append(indent + head)
            unit, indent = "".join(rest), subsequent
            room = width - cell_len(indent)
        line = unit
    if line.strip() or not lines:
        lines.append(indent + line.rstrip())
    return lines


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
        return wrap_cells(line, width, indent, indent)
    head = line[:col]
    if cell_len(head) <= width - 16:  # room for eight wide characters under the column
        return wrap_cells(line[col:], width, head, " " * cell_len(head))
    under = indent + "    "  # a narrow terminal: the command alone, then its explanation
    return [head.rstrip(), *wrap_cells(line[col:], width, under, under)]


class CellHelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, measuring double-width text in cells."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not has_wide(text):
            return super()._split_lines(text, width)
        return wrap_cells(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not has_wide(text):
            return super()._fill_text(text, width, indent)
        return "\n".join(wrap_cells(text, width, indent, indent))

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
