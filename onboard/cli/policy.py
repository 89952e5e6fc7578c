"""`onboard policy`: the least-privilege IAM policy the collectors need."""

from __future__ import annotations

import argparse

from onboard.aws.guard import iam_policy_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("policy", help="print the least-privilege IAM policy scans need",
                       description="Print, as JSON, the IAM policy that allows exactly the "
                                   "read-only API calls the collectors declare. Attach it "
                                   "to the role or user onboard scans with.")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(iam_policy_json())
    return 0
