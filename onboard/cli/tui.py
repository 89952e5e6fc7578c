"""`onboard` with no sub-command: open the TUI on the most recent session."""

from __future__ import annotations

import argparse

from onboard.cli.common import UsageError


def run(args: argparse.Namespace) -> int:
    raise UsageError("the TUI is not yet available in this version of onboard; "
                     "see `onboard --help`")
