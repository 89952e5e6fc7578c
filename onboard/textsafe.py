"""Text from AWS or a user made safe for a terminal, a table cell, CSV, Markdown or JSON.

Names in an AWS estate (accounts, tags, users) and what a user types (owners, assets, notes)
are data. Shown raw, an ESC or an 8-bit CSI (U+009B) in them drives the terminal: it can
retitle the window, clear the screen, write the clipboard (OSC 52) or plant a hyperlink
(OSC 8). Every output path runs such text through one of these functions first. Markup
(`[bold]`, `[link=…]`) is a separate concern of the rich/Textual layer: it shows these
strings as `Text`, never parses them (see `onboard.cli.common` and the screens).
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.cells import get_character_cell_size

# C0 controls, DEL, C1 controls (8-bit CSI, OSC, ST, …) and the Unicode formatting
# characters that reorder or hide text on screen (bidi overrides and isolates, line and
# paragraph separators): none of them may reach a terminal as they are.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEP_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
UNSAFE_TUI = re.compile(_UNSAFE_KEEP_LINES.pattern)
"""One unsafe character in text shown in a multi-line widget (newlines and tabs are fine)."""
_C1_AND_FORMAT = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CSV_FORMULA = ("=", "+", "-", "@")


def _picture(match: re.Match[str]) -> str:
    """The visible stand-in of one unsafe character: ␛ for ESC, ␇ for BEL and the other
    Control Pictures for C0 and DEL, an escape like `\\x9b` or `\\u202e` for the rest."""
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: object, multiline: bool = False) -> str:
    """`text` with every control character shown, never executed: ESC → ␛, BEL → ␇,
    U+009B → `\\x9b`. With `multiline`, newlines and tabs are kept as they are."""
    if text is None:
        return ""
    pattern = _UNSAFE_KEEP_LINES if multiline else _UNSAFE
    return pattern.sub(_picture, str(text))


def one_for_one(text: str) -> str:
    """`text` with each unsafe character replaced by exactly one visible character (C0 → its
    Control Picture, DEL → ␡, C1 and formatting → �), so every position in it stays valid:
    for an input field, whose cursor indexes the real value."""
    def one(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        if code < 0x20:
            return chr(0x2400 + code)
        return "\u2421" if code == 0x7F else "\ufffd"

    return _UNSAFE.sub(one, text)


def strip_controls(text: str, keep: str = "\n\t") -> str:
    """`text` without control or formatting characters (for Markdown, where a stand-in
    would be noise); the characters in `keep` stay."""
    return _UNSAFE.sub(lambda m: m.group(0) if m.group(0) in keep else "", text)


def is_safe(text: str, multiline: bool = True) -> bool:
    """True when `text` holds nothing a terminal would execute."""
    pattern = _UNSAFE_KEEP_LINES if multiline else _UNSAFE
    return pattern.search(text) is None


def csv_cell(value: object) -> str:
    """A CSV field: controls made visible (newlines kept: CSV quotes them), and a leading
    `= + - @` prefixed with `'` so a spreadsheet shows the text instead of running it."""
    if value is None:
        return ""
    text = visible(value, multiline=True)
    if text.startswith(_CSV_FORMULA) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def json_text(data: Any, indent: int | None = 2) -> str:
    """JSON with non-ASCII text kept readable (ensure_ascii=False) but every C1 control and
    formatting character escaped as `\\u00XX`: json already escapes C0, not these."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _C1_AND_FORMAT.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def clip(text: str, width: int) -> str:
    """`text` cut to at most `width` terminal cells (a Japanese character is two), never in
    the middle of a character; shorter text is returned as it is."""
    used = 0
    for i, char in enumerate(text):
        used += get_character_cell_size(char)
        if used > width:
            return text[:i]
    return text
