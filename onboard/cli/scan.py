"""`onboard scan`: the headless, read-only scan of every account and region."""

from __future__ import annotations

import argparse

from onboard.cli.common import add_common
from onboard.cli.pending import not_yet


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="headless read-only scan; stores results; prints a summary")
    add_common(p)
    add_scan_options(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=not_yet("onboard scan"))


def add_scan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", help="AWS profile (default: boto3's chain, AWS_PROFILE)")
    p.add_argument("--regions", default=None, metavar="all|r1,r2",
                   help="regions to scan (default: all enabled in each account)")
    p.add_argument("--accounts", default=None, metavar="ID,...",
                   help="only these accounts; or, without Organizations access, add them")
    p.add_argument("--role-name", default="OrganizationAccountAccessRole",
                   help="role assumed in each member account")
    p.add_argument("--workers", type=int, default=None,
                   help="threads for (account x region x collector) calls")
