"""`onboard policy`: the least-privilege IAM policy a scan needs, or the audit role."""

from __future__ import annotations

import argparse
import re

from onboard.aws import audit_role
from onboard.aws.guard import DEFAULT_ROLE_NAME, iam_policy_json
from onboard.cli.common import UsageError, add_lang
from onboard.i18n import _

ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "policy", help=_("print the least-privilege IAM policy scans need"),
        description=_("json: the policy for the principal that runs `onboard scan` (one "
                      "statement per service; sts:AssumeRole only on --role-name). "
                      "cloudformation / terraform: also the read-only audit role for every "
                      "member account (SecurityAudit + ViewOnlyAccess + this policy, trusted "
                      "by the scanning principal), deployed with a StackSet."))
    # no --db / --session: the policy comes from the collectors' declarations alone
    add_lang(p)
    p.add_argument("--format", choices=("json", "cloudformation", "terraform"),
                   default="json",
                   help=_("json (default): the policy; cloudformation / terraform: also "
                          "the read-only audit role for StackSets"))
    p.add_argument("--role-name", default=None,
                   help=_("the role scans assume in member accounts (default: {role} for "
                          "json, {audit_role} for the audit role templates)").format(
                       role=DEFAULT_ROLE_NAME, audit_role=audit_role.AUDIT_ROLE_NAME))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    role = args.role_name
    if role is not None and not ROLE_NAME.fullmatch(role):
        raise UsageError(_("--role-name {role} is not an IAM role name "
                           "(letters, digits and +=,.@_- up to 64)").format(role=repr(role)))
    if args.format == "cloudformation":
        print(audit_role.cloudformation(role or audit_role.AUDIT_ROLE_NAME), end="")
    elif args.format == "terraform":
        print(audit_role.terraform(role or audit_role.AUDIT_ROLE_NAME), end="")
    else:
        print(iam_policy_json(role or DEFAULT_ROLE_NAME))
    return 0
