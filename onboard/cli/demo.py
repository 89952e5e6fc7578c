"""`onboard demo`: the app against a bundled emulated startup org (moto)."""

from __future__ import annotations

import argparse

from onboard.cli.common import add_common
from onboard.cli.pending import not_yet


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="the TUI on an emulated startup org; no AWS account needed")
    add_common(p)
    p.add_argument("--headless", action="store_true",
                   help="build the org, scan it, print the summary; no TUI")
    p.set_defaults(func=not_yet("onboard demo"))
