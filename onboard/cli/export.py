"""`onboard export`: the report, the decision table, findings, the diagram."""

from __future__ import annotations

import argparse

from onboard.cli.common import add_common
from onboard.cli.pending import not_yet


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write the report / decision table / findings / diagram")
    add_common(p)
    p.add_argument("--format", choices=("markdown", "json", "csv", "mermaid"),
                   default="markdown")
    p.add_argument("--only", choices=("decisions",), default=None,
                   help="only the decision table")
    p.add_argument("-o", "--output", metavar="FILE", default=None,
                   help="write to FILE (default: stdout)")
    p.set_defaults(func=not_yet("onboard export"))
