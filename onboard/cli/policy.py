"""`onboard policy`: the least-privilege IAM policy the collectors need."""

from __future__ import annotations

import argparse

from onboard.cli.common import add_common
from onboard.cli.pending import not_yet


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("policy", help="print the least-privilege IAM policy scans need")
    add_common(p)
    p.set_defaults(func=not_yet("onboard policy"))
