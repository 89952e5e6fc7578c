"""Japanese line breaks: any two characters, never a line starting with 。 or ending with 「;
English is broken exactly as Rich breaks it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from rich._wrap import divide_line
from rich.cells import cell_len

from onboard import catalog, linebreak


@pytest.fixture(autouse=True)
def installed() -> Iterator[None]:
    linebreak.install()
    yield


def _texts() -> list[str]:
    ja = catalog.load(None, "ja")
    out = [t.help for d in ja.days for t in d.tasks] + [d.goal for d in ja.days]
    out += [p.plain_wording for p in ja.prompts] + [c.description for c in ja.checks.values()]
    out += [c.remediation.console for c in ja.checks.values()]
    return [line for text in out for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("width", [18, 24, 40, 41, 60, 78])
def test_japanese_content_breaks_by_the_rules(width: int) -> None:
    for text in _texts():
        lines = linebreak.wrap(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), "nothing lost"
        for before, line in itertools.pairwise(lines):
            # a line may start with 。 only when it could not stay on the line before (that
            # line is a code span or URL longer than the width, cut where it had to be)
            if line[0] in linebreak.NO_START:
                assert cell_len(before) + cell_len(line[0]) > width, (width, lines)
        for line in lines:
            assert cell_len(line) <= width or (" " not in line and not linebreak._WIDE.search(
                line)), (width, line)


def test_a_sentence_fills_the_line_before_breaking() -> None:
    assert linebreak.wrap("ブラウザで開き、ルートユーザーとしてサインインします。", 20) == [
        "ブラウザで開き、ルー", "トユーザーとしてサイ", "ンインします。"]
    assert linebreak.wrap("「セキュリティ認証情報」を開く", 14) == [
        "「セキュリティ", "認証情報」を開", "く"]


@pytest.mark.parametrize("text", [
    "Turn on S3 Block Public Access for every account and bucket that holds customer data",
    "a-very-long-token-without-spaces-that-must-be-folded-somewhere-in-the-middle  x",
    "  leading spaces and trailing   ", "",
])
@pytest.mark.parametrize("width", [5, 12, 30])
def test_english_breaks_as_rich_breaks_it(text: str, width: int) -> None:
    ours = divide_line(text, width)
    linebreak.uninstall()
    try:
        assert divide_line(text, width) == ours
    finally:
        linebreak.install()
