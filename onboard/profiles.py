"""~/.aws/config entries for the profiles fix scripts and bundles name, one per account.

Assume-role profiles (`role_arn` + `source_profile`), or IAM Identity Center profiles
(`sso_session` + account + permission set) once Identity Center is in. Core only: text out.
"""

from __future__ import annotations

import re

from onboard.fixes import DEFAULT_PROFILE_TEMPLATE, DEFAULT_ROLE_NAME, FixError, profile_name
from onboard.models import Account

_SAFE = re.compile(r"[A-Za-z0-9._@+=/-]+")


def _check(label: str, value: str) -> str:
    if not _SAFE.fullmatch(value):
        raise FixError(f"{label} {value!r}: use letters, digits and . _ @ + = / - only")
    return value


def config_entries(accounts: list[Account], *, role_name: str = DEFAULT_ROLE_NAME,
                   source_profile: str = "default", region: str = "us-east-1",
                   profile_template: str = DEFAULT_PROFILE_TEMPLATE,
                   management_account: str = "", sso_start_url: str = "",
                   sso_region: str = "", sso_role_name: str = "") -> str:
    """The config text; FixError on a value that would not be a valid config entry."""
    _check("role name", role_name)
    _check("source profile", source_profile)
    _check("region", region)
    lines = ["# Profiles for `onboard actions script` / `terraform` (paste into ~/.aws/config).",
             "# A fix changes things: the role must be allowed to. Scan with a read-only audit",
             "# role (SecurityAudit + ViewOnlyAccess) and fix with one that may write."]
    if sso_start_url:
        _check("SSO region", sso_region or region)
        _check("permission set", sso_role_name or "AdministratorAccess")
        if not re.fullmatch(r"https://[A-Za-z0-9.\-/_:]+", sso_start_url):
            raise FixError(f"--sso-start-url {sso_start_url!r} is not an https URL")
        lines += ["", "[sso-session onboard]", f"sso_start_url = {sso_start_url}",
                  f"sso_region = {sso_region or region}",
                  "sso_registration_scopes = sso:account:access"]
    for a in accounts:
        name = profile_name(profile_template, a.account_id)
        label = f"# {a.account_id}" + (f" ({' '.join(a.name.split())})" if a.name else "")
        lines += ["", label, f"[profile {name}]"]
        if sso_start_url:
            lines += ["sso_session = onboard", f"sso_account_id = {a.account_id}",
                      f"sso_role_name = {sso_role_name or 'AdministratorAccess'}"]
        else:
            if a.account_id == management_account:
                lines.append(f"# The management account has no {role_name} unless someone "
                             "made one: point this profile at your own admin role there.")
            lines += [f"role_arn = arn:aws:iam::{a.account_id}:role/{role_name}",
                      f"source_profile = {source_profile}"]
        lines.append(f"region = {region}")
    return "\n".join(lines) + "\n"
