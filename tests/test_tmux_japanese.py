"""`onboard demo --lang ja` in a real terminal: the Week screen, the tabs, the findings and
the matrix in Japanese, every line within the pane at 80×24 and 120×40 (Japanese characters
take two columns: a line that overflows or a character cut in half shows here)."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import time
from pathlib import Path

import pytest
from rich.cells import cell_len

from onboard import catalog, i18n
from onboard.screens import SCREENS
from tests.test_tmux_demo import Tmux

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def _command(db: Path) -> str:
    line = " ".join(shlex.quote(p) for p in
                    [sys.executable, "-m", "onboard", "demo", "--lang", "ja", "--db", str(db)])
    script = (f"cd {shlex.quote(str(db.parent))}; unset COLUMNS LINES; "
              f"LANG=C.UTF-8 TERM=xterm-256color {line}; echo EXITED rc=$?; sleep 60")
    return f"sh -c {shlex.quote(script)}"


def _fits(screen: str, width: int) -> None:
    for number, line in enumerate(screen.splitlines(), 1):
        assert cell_len(line.rstrip()) <= width, f"line {number} overflows: {line!r}"
        assert "\ufffd" not in line, f"line {number} has a broken character: {line!r}"


def _wait_any(tmux: Tmux, texts: list[str], timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        seen = tmux.screen()
        if any(t in seen for t in texts):
            return seen
        time.sleep(0.5)
    raise AssertionError(f"none of {texts[:5]!r}… appeared; screen:\n{seen}")


@pytest.fixture
def tmux(request: pytest.FixtureRequest) -> Tmux:
    term = Tmux(f"onboard-ja-{os.getpid()}")
    request.addfinalizer(term.kill)
    return term


@pytest.mark.parametrize(("width", "height"), [(120, 40), (80, 24)])
def test_demo_in_japanese(tmux: Tmux, tmp_path: Path, width: int, height: int) -> None:
    ja = catalog.shipped("ja")
    with i18n.speaking("ja"):
        tabs = {s.id: i18n._(s.title) for s in SCREENS}
    db = tmp_path / "demo.db"
    tmux.start(_command(db))
    tmux.run("resize-window", "-t", tmux.session, "-x", str(width), "-y", str(height))

    first_task = ja.days[0].tasks[0].title
    seen = tmux.wait_for(first_task[:6], tabs["review"], timeout=120)
    _fits(seen, width)

    tmux.keys("4", "r")
    tmux.wait_for("FAIL", timeout=240)
    seen = _wait_any(tmux, [c.title[:6] for c in ja.checks.values()])
    _fits(seen, width)

    tmux.keys("7")
    seen = _wait_any(tmux, sorted({c.incident for c in ja.checks.values()}))
    _fits(seen, width)

    tmux.keys("q")
    tmux.wait_for("EXITED rc=0", timeout=60)
