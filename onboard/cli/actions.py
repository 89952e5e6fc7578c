"""`onboard actions`: the decision table without the TUI."""

from __future__ import annotations

import argparse

from onboard.cli.common import add_common
from onboard.cli.pending import not_yet


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("actions", help="suggest, list or choose actions")
    add_common(p)
    p.add_argument("verb", choices=("suggest", "list", "choose"))
    p.add_argument("ids", nargs="*", metavar="ID", help="with choose: action ids")
    p.set_defaults(func=not_yet("onboard actions"))
