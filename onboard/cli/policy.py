"""`onboard policy`: the least-privilege IAM policy the collectors need."""

from __future__ import annotations

import argparse

from onboard.aws.guard import iam_policy_json
from onboard.cli.common import add_common


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("policy", help="print the least-privilege IAM policy scans need")
    add_common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(iam_policy_json())
    return 0
