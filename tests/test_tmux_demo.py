"""End to end in a real terminal: `onboard demo` in tmux at 80×24, driven by keys.

Starts the demo, walks the screens, runs a scan against the emulated org, quits, and
starts again to see the app resume on the screen it was left on.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Tmux:
    """One private tmux server (its own socket, so it sees this test's environment)."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.session = "onboard-e2e"

    def run(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                             text=True, timeout=30)
        return out.stdout

    def alive(self) -> bool:
        out = subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", self.session],
                             capture_output=True, timeout=30)
        return out.returncode == 0

    def start(self, command: str) -> None:
        # A server that is still shutting down (right after kill) can swallow new-session:
        # retry until the session really exists.
        for _ in range(20):
            self.run("new-session", "-d", "-s", self.session, "-x", "80", "-y", "24", command)
            if self.alive():
                break
            time.sleep(0.5)
        else:
            raise AssertionError("tmux did not start the session")
        # tmux waits escape-time (500 ms) after Esc for a key sequence: a key sent within
        # that window would arrive as Alt+key instead of two keys.
        self.run("set-option", "-s", "escape-time", "0")
        # Without a client tmux would shrink the window to default-size (80×24) later.
        self.run("set-option", "-t", self.session, "window-size", "manual")
        self.run("resize-window", "-t", self.session, "-x", "80", "-y", "24")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", self.session, key)
            time.sleep(0.3)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def wait_for(self, *texts: str, timeout: float = 60) -> str:
        """Poll the screen until every text is on it at once."""
        deadline = time.monotonic() + timeout
        seen = ""
        while time.monotonic() < deadline:
            seen = self.screen()
            if all(t in seen for t in texts):
                return seen
            time.sleep(0.5)
        raise AssertionError(f"{texts!r} did not appear within {timeout}s; screen:\n{seen}")

    def wait_gone(self, text: str, timeout: float = 30) -> None:
        """Poll the screen until `text` is no longer on it."""
        deadline = time.monotonic() + timeout
        while text in self.screen():
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} still on screen after {timeout}s")
            time.sleep(0.3)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       timeout=30)
        deadline = time.monotonic() + 10
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.2)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    term = Tmux(f"onboard-test-{os.getpid()}")
    try:
        yield term
    finally:
        term.kill()


def _command(db: Path) -> str:
    onboard = [sys.executable, "-m", "onboard", "demo", "--db", str(db)]
    line = " ".join(shlex.quote(p) for p in onboard)
    # COLUMNS/LINES inherited from pytest would override the pane's real size.
    # In the test's folder: the report export (X) writes there.
    script = (f"cd {shlex.quote(str(db.parent))}; unset COLUMNS LINES; "
              f"TERM=xterm-256color {line}; echo EXITED rc=$?; sleep 60")
    return f"sh -c {shlex.quote(script)}"


def test_demo_walkthrough_scan_and_resume(tmux: Tmux, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    tmux.start(_command(db))
    tmux.wait_for("▶ Next", "session demo", "not scanned yet", timeout=120)

    tmux.keys("Enter")  # day one, first task: the policy to ask for
    tmux.wait_for("read-only IAM policy", "ListAnalyzers", "y Copy")
    tmux.keys("Escape")
    tmux.wait_gone("y Copy")

    tmux.keys("2")  # the accounts you were given, and how to ask for the rest
    tmux.wait_for("Interview tip", "DealLink Production", "added by hand")
    tmux.keys("3")
    tmux.wait_for("In plain words")
    tmux.keys("4")
    tmux.wait_for("No scan yet")

    tmux.keys("r")
    tmux.wait_for("collecting", timeout=60)
    # the header then shows who scanned, the table the findings and their accounts
    tmux.wait_for("Scan #1 complete", "FAIL", "Account", "Triage", "user/", timeout=240)

    tmux.keys("2")  # discovery found the sandbox account nobody mentioned
    tmux.wait_for("★ new", "DealLink Sandbox", "Organizations", timeout=120)
    tmux.keys("4")
    tmux.wait_for("Scan #1 complete")
    tmux.keys("space", "space", "m")  # two findings, one triage
    tmux.wait_for("Triage 2 selected findings", "question")
    tmux.keys("Escape")
    tmux.wait_gone("Triage 2 selected")

    tmux.keys("5", "T")  # the Terraform state the demo ships
    tmux.wait_for("Import Terraform state", "deallink-production.tfstate")
    tmux.keys("Enter")  # adds the suggested file to the list
    tmux.wait_for("● /", "Enter on an empty line")
    tmux.keys("Enter")  # an empty line: import the list
    tmux.wait_for("Read 11 AWS resources", "Matched", timeout=60)
    tmux.keys("Escape")
    tmux.wait_gone("Read 11 AWS resources")

    tmux.keys("6")
    tmux.wait_for("No information assets yet")
    tmux.keys("7")
    tmux.wait_for("Observation", "Status", "Risk ▼")
    tmux.keys("8")
    tmux.wait_for("Action", "Owner")
    tmux.keys("X")
    tmux.wait_for("Full report written", timeout=60)
    tmux.keys("1")
    tmux.wait_for("This week", "▐✓▌")  # tasks the scan and the import ticked

    tmux.keys("4", "q")
    tmux.wait_for("EXITED rc=0", timeout=60)

    tmux.kill()
    tmux.start(_command(db))
    tmux.wait_for("Scan #1 complete", "Severity", timeout=120)  # reopened on Review
    tmux.keys("q")
    tmux.wait_for("EXITED rc=0", timeout=60)
