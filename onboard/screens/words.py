"""Short words the screens show for codes (statuses, efforts, values), in the current language.

A bare word ("done", "high", "empty") means different things on different screens and sits
in every PO file, where two translations of one msgid are an error. These msgids carry a
context before a `|` ("Actions status|done"), as glib's Q_() does: with no translation the
text after the `|` shows, so English reads the bare word.
"""

from __future__ import annotations

from collections.abc import Mapping

from onboard.i18n import _


def C_(msgid: str) -> str:
    """`_()` for a "context|text" msgid: the translation, else the text after the `|`."""
    text = _(msgid)
    if text == msgid and "|" in msgid:
        return msgid.split("|", 1)[1]
    return text


def word(words: Mapping[str, str], code: str) -> str:
    """The word for a code (the code itself when it has none)."""
    return C_(words[code]) if code in words else code
