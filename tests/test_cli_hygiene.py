"""CLI hygiene: help on every command and option, a closed pipe, no session on a failed scan."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from onboard.checks import evaluate, not_emulated
from onboard.checks.base import Inventory
from onboard.cli import build_parser, main
from onboard.models import CollectError, Severity, Status
from onboard.store import Store


def _walk(parser: argparse.ArgumentParser, name: str):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child_name, child in action.choices.items():
                yield f"{name} {child_name}", child, None
                yield from _walk(child, f"{name} {child_name}")
        elif not isinstance(action, argparse._HelpAction | argparse._VersionAction):
            yield name, parser, action


def test_every_sub_command_has_a_description_and_every_option_help() -> None:
    missing = []
    for name, parser, action in _walk(build_parser(), "onboard"):
        if action is None and not parser.description:
            missing.append(f"{name}: no description")
        elif action is not None and not action.help:
            missing.append(f"{name} {action.option_strings or action.dest}: no help")
    assert missing == []


def test_top_help_has_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "onboard demo --headless" in out
    assert "exit codes:" in out and "130" in out


def test_policy_help_lists_no_option_it_ignores(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["policy", "--help"])
    assert "--session" not in capsys.readouterr().out


def test_a_closed_pipe_ends_quietly() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte
    try:
        proc = subprocess.run([sys.executable, "-m", "onboard", "policy"], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write_end)
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    assert proc.returncode == 0


def test_a_scan_without_credentials_creates_no_session(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_PROFILE="no-such-profile", AWS_EC2_METADATA_DISABLED="true")
    proc = subprocess.run([sys.executable, "-m", "onboard", "--db", str(db), "scan"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    if db.exists():
        assert Store.open(db).sessions() == []


def _error(code: str, message: str) -> CollectError:
    return CollectError(collector="accessanalyzer.analyzers", types=["accessanalyzer.region"],
                        account_id="111111111111",
                        region="us-east-1", code=code, message=message)


def test_not_emulated_only_names_missing_apis() -> None:
    assert not_emulated(_error("404", "Not yet implemented"))
    assert not_emulated(_error("NotImplementedError", "the endpoint does not implement this API"))
    assert not not_emulated(_error("AccessDenied", "not authorized"))


def test_the_demo_skips_what_the_emulator_lacks_and_aws_stays_error() -> None:
    inv = Inventory([], [_error("404", "Not yet implemented")])
    sev = {"accessanalyzer.enabled": Severity.LOW}
    real = evaluate(inv, sev, only={"accessanalyzer.enabled"})
    demo = evaluate(inv, sev, only={"accessanalyzer.enabled"}, emulated=True)
    assert [f.status for f in real] == [Status.ERROR]
    assert [f.status for f in demo] == [Status.SKIPPED]
    assert demo[0].message.startswith("not emulated")
