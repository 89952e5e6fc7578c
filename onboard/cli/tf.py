"""`onboard tf import PATH`: which resources Terraform manages."""

from __future__ import annotations

import argparse

from onboard.cli.common import add_common
from onboard.cli.pending import not_yet


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tf", help="read a tfstate / `terraform show -json` file")
    add_common(p)
    p.add_argument("verb", choices=("import",))
    p.add_argument("path", metavar="PATH")
    p.set_defaults(func=not_yet("onboard tf import"))
