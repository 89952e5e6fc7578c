"""`onboard profiles`: the ~/.aws/config entries fix scripts' --profile names refer to."""

from __future__ import annotations

import argparse

from onboard.cli.common import UsageError, add_common, open_store, resolve_session
from onboard.fixes import DEFAULT_PROFILE_TEMPLATE, DEFAULT_ROLE_NAME, FixError
from onboard.i18n import _
from onboard.profiles import config_entries


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("profiles", help=_("print ~/.aws/config entries for the fix "
                                          "scripts' profiles, one per account"))
    add_common(p)
    p.add_argument("--role-name", default=DEFAULT_ROLE_NAME,
                   help=_("role to assume in each account (default %(default)s)"))
    p.add_argument("--source-profile", default=None,
                   help=_("profile with the credentials that assume it (default: the "
                          "session's profile, else 'default')"))
    p.add_argument("--profile-template", default=DEFAULT_PROFILE_TEMPLATE, metavar="TEMPLATE",
                   help=_("profile name per account (default %(default)s)"))
    p.add_argument("--region", default=None, help=_("default region of each profile "
                                                    "(default: the scan's first region)"))
    p.add_argument("--sso-start-url", default="", metavar="URL",
                   help=_("IAM Identity Center access portal URL: print SSO profiles "
                          "instead"))
    p.add_argument("--sso-region", default="", help=_("Identity Center's home region"))
    p.add_argument("--sso-role-name", default="", metavar="PERMISSION_SET",
                   help=_("permission set for the SSO profiles (default "
                          "AdministratorAccess)"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args, create=False)
    session = resolve_session(store, getattr(args, "session", None), create=False)
    accounts = [a for a in store.accounts(session.id) if a.access != "denied"]
    if not accounts:
        raise UsageError(_("no accounts yet; run `onboard scan` (or `onboard demo "
                           "--headless`)"))
    scan = store.latest_scan(session.id)
    region = args.region or (scan.regions[0] if scan and scan.regions else "us-east-1")
    mgmt = next((a.account_id for a in accounts if a.environment == "management"),
                scan.identity.get("account_id", "") if scan else "")
    try:
        text = config_entries(accounts, role_name=args.role_name,
                              source_profile=args.source_profile or session.profile or "default",
                              region=region, profile_template=args.profile_template,
                              management_account=mgmt, sso_start_url=args.sso_start_url,
                              sso_region=args.sso_region, sso_role_name=args.sso_role_name)
    except FixError as exc:
        raise UsageError(str(exc)) from None
    print(text, end="")
    return 0
