"""GitHub-flavoured Markdown helpers: escape user text for cells, paragraphs and headings.

Everything a user typed (observations, interview answers, owners, asset names) goes through
one of these before it reaches a report, so that `|`, backticks, `*_[]<>`, HTML and
newlines are shown as typed and never change the document's structure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from onboard.textsafe import strip_controls

_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
# Markers that only mean something at the start of a line (headings, quotes, lists,
# setext underlines); `*`, `_`, `|` and `<` are escaped everywhere already.
_LINE_START = re.compile(r"^([#>+=-])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
_BACKTICKS = re.compile(r"`+")


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return strip_controls(text, keep="\n")


def inline(text: str) -> str:
    """Escape one line of user text for use inside a paragraph, list item or cell.

    Newlines are not handled here: use `cell`, `paragraph` or `heading`.
    """
    return _INLINE.sub(r"\\\1", _clean(text))


def one_line(text: str) -> str:
    """User text inside a sentence or list item: whitespace (newlines too) collapsed to
    single spaces, then escaped as `inline`; safe anywhere on a line but its start."""
    return inline(" ".join(_clean(text).split()))


def _line(text: str) -> str:
    escaped = inline(text.strip())
    escaped = _LINE_START.sub(r"\\\1", escaped)
    return _ORDERED.sub(r"\1\\\2", escaped)


def cell(text: str | int | None) -> str:
    """A table cell: escaped, newlines become `<br>`, empty becomes an em dash."""
    if text is None or text == "":
        return "—"
    lines = [_line(part) for part in _clean(str(text)).strip().split("\n")]
    return "<br>".join(lines) or "—"


def heading(text: str) -> str:
    """Text for an ATX heading: one line, `#` escaped so it cannot close the heading."""
    one_line = " ".join(_clean(text).split())
    return inline(one_line).replace("#", "\\#")


def paragraph(text: str) -> str:
    """Multi-line user text as Markdown paragraphs that keep the user's line breaks.

    A line break inside a paragraph becomes a hard break (trailing backslash); blank lines
    separate paragraphs; indentation is dropped so text can never become a code block.
    """
    paragraphs: list[list[str]] = [[]]
    for raw in _clean(text).strip().split("\n"):
        if raw.strip():
            paragraphs[-1].append(_line(raw))
        elif paragraphs[-1]:
            paragraphs.append([])
    blocks = ["\\\n".join(lines) for lines in paragraphs if lines]
    return "\n\n".join(blocks)


def fence(content: str, info: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run in `content`."""
    body = _clean(content).rstrip("\n")
    longest = max((len(m.group(0)) for m in _BACKTICKS.finditer(body)), default=0)
    ticks = "`" * max(3, longest + 1)
    safe_info = re.sub(r"[`\s]", "", info)
    return f"{ticks}{safe_info}\n{body}\n{ticks}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]],
          align: Sequence[str] | None = None) -> str:
    """A GFM table. `headers` and every row's values must already be escaped (see `cell`).

    `align` holds 'l', 'r' or 'c' per column (default left).
    """
    marks = {"l": "---", "r": "--:", "c": ":-:"}
    aligns = list(align or []) + ["l"] * (len(headers) - len(align or []))
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join(marks[a] for a in aligns) + "|"]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row has {len(row)} cells, table has {len(headers)} columns")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)
