"""Line breaks for Japanese: between any two characters, never before 。、）」 and the like,
never after （「 (kinsoku shori).

Rich (and Textual, which uses Rich's `divide_line`) breaks lines only at spaces: a Japanese
sentence has none, so it is one long "word" that jumps to the next line whole, leaving the
line before it half empty, then is chopped at the cell width wherever that falls (a line
may start with 。). `install()` teaches Rich's word splitter the Japanese break
opportunities; text without Japanese is split exactly as before.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

_WIDE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
NO_START = set("、。，．,.：:；;！!？?）)］]｝}〕〉》」』】〙〗〟’”ゝゞーァィゥェォッャュョヮヵヶ"
               "ぁぃぅぇぉっゃゅょゎゕゖㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻‐゠–〜～・･%％")
"""Characters a line must not start with."""
NO_END = set("（(［[｛{〔〈《「『【〘〖〝‘“")
"""Characters a line must not end with."""
_WORD = re.compile(r"\s*\S+\s*")


def _breakable(before: str, after: str) -> bool:
    if after in NO_START or before in NO_END:
        return False
    return bool(_WIDE.match(before) or _WIDE.match(after))


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """Rich's `words` (start, end, word with its spaces), with a Japanese run split at
    every place a line may break."""
    for match in _WORD.finditer(text):
        start, end = match.span()
        word = match.group(0)
        if not _WIDE.search(word):
            yield start, end, word
            continue
        cut = start
        for i in range(start + 1, end):
            if text[i].isspace() or text[i - 1].isspace():
                continue
            if _breakable(text[i - 1], text[i]):
                yield cut, i, text[cut:i]
                cut = i
        yield cut, end, text[cut:end]


_installed: dict[str, object] = {}


def install() -> None:
    """Use `words` in Rich's line wrapping (and so Textual's); idempotent."""
    from rich import _wrap

    if "words" not in _installed:
        _installed["words"] = _wrap.words
        _wrap.words = words  # type: ignore[assignment]


def uninstall() -> None:
    from rich import _wrap

    if "words" in _installed:
        _wrap.words = _installed.pop("words")  # type: ignore[assignment]


def wrap(text: str, width: int) -> list[str]:
    """`text` broken into lines of at most `width` cells with the rules above (for tests
    and plain output)."""
    from rich._wrap import divide_line

    install()
    offsets = [0, *divide_line(text, width), len(text)]
    return [text[a:b].rstrip() for a, b in itertools.pairwise(offsets)]


def _check(lines: Iterable[str]) -> list[str]:
    """The lines that break a rule (for tests)."""
    return [line for line in lines if line and (line[0] in NO_START or line[-1] in NO_END)]
