"""Per-person cut-over from IAM users to Identity Center: a checklist and an account-pinned script.

The order is the safe one: the Identity Center user exists → the person signed in through it
(`aws sso login`, `sts get-caller-identity`) → console password removed → access keys
deactivated → after N days with no key use, keys and the IAM user deleted. Each account's
block first checks that its `--profile` really is that account. Reads run; every step that
changes something is commented out, with what to check before running it.
"""

from __future__ import annotations

from shlex import quote
from typing import Any

from onboard.checks.base import Inventory
from onboard.sso_kit.emit_profiles import profiles_for
from onboard.sso_kit.plan import Plan, PlanPerson

DEFAULT_TEMPLATE = "onboard-{account_id}"
GOOGLE_403 = ("Google Workspace may answer 403 for hours right after the SAML/SCIM set-up "
              "(the talk waited a day): if the first sign-in fails with 403, wait before going "
              "on — remove nothing yet.")

PIN = '''pin() {  # pin PROFILE ACCOUNT: stop unless the profile's credentials are that account
  local got
  got=$(aws sts get-caller-identity --profile "$1" --query Account --output text)
  if [ "$got" != "$2" ]; then
    echo "profile $1 is account $got, not $2: stopping" >&2
    exit 1
  fi
}
'''


def _profile(template: str, account_id: str) -> str:
    return template.replace("{account_id}", account_id)


def _keys(user: Any) -> list[dict[str, Any]]:
    return list(user.attrs.get("access_keys") or []) if user is not None else []


def person_script(plan: Plan, inventory: Inventory, person: PlanPerson, template: str,
                  days: int) -> list[str]:
    profiles = profiles_for(plan, person)
    groups = [plan.group(g).name for g in person.groups]
    login = profiles[0][0] if profiles else None
    users = [(m.user.account_id, m.user.user_name,
              inventory.get("iam.user", m.user.account_id, m.user.user_name))
             for m in person.users]
    with_keys = [(a, u, k) for a, u, rec in users for k in _keys(rec)]
    out = [f"# ===== {person.display_name} ({person.id}) =====", "#", "# Checklist:"]
    ic_user = person.user_name
    if plan.external_idp:
        out.append(f"# [ ] 1. {ic_user} exists in {plan.idp_name} and is provisioned to "
                   f"Identity Center, in groups {', '.join(groups) or '(none)'} — users and "
                   f"groups from {plan.idp_name} are not created in Terraform")
    else:
        out.append(f"# [ ] 1. Identity Center user {ic_user} exists (`onboard sso terraform` "
                   f"or the console), in groups {', '.join(groups) or '(none)'}, and has set "
                   "a password and MFA")
    out.append(f"# [ ] 2. Verified login: {person.display_name} ran `aws sso login` and "
               "`aws sts get-caller-identity` for every profile below, and signed in to the "
               "console through the access portal")
    passwords = [f"{u} in {a}" for a, u, rec in users
                 if rec is None or rec.attrs.get("password_enabled")]
    out.append("# [ ] 3. Console password removed: " + (", ".join(passwords) or "none"))
    out.append("# [ ] 4. Access keys deactivated: " + (", ".join(
        f"{k['id']} ({u} in {a})" for a, u, k in with_keys if k.get("status") == "Active")
        or "none active"))
    out.append(f"# [ ] 5. After {days} days with no key use: keys and the IAM users deleted")
    if plan.identity_source == "google":
        out.append(f"# Tip: {GOOGLE_403}")
    out += ["", "# --- 1. The Identity Center user exists (read-only check) ---"]
    mgmt = plan.management_account
    if mgmt and plan.instance:
        prof = quote(_profile(template, mgmt))
        out += [f"pin {prof} {mgmt}",
                f"found=$(aws identitystore list-users --profile {prof} "
                f"--region {quote(plan.home_region)} "
                f"--identity-store-id {quote(plan.instance.identity_store_id)} "
                f"--filters {quote('AttributePath=UserName,AttributeValue=' + ic_user)} "
                "--query 'Users[0].UserId' --output text)",
                'if [ "$found" = "None" ] || [ -z "$found" ]; then',
                f"  echo {quote(f'{ic_user} is not in Identity Center yet: stop here')} >&2",
                "  exit 1", "fi"]
    else:
        out.append("# (no Identity Center instance was scanned: check the user in the "
                   "console)")
    out += ["", f"# --- 2. Verified login: {person.display_name} runs, on their machine "
                "(profiles from `onboard sso profiles --person "
                f"{person.id}`) ---"]
    if login:
        out.append(f"#   aws sso login --profile {login}")
    for name, account_id, _ in profiles:
        out.append(f"#   aws sts get-caller-identity --profile {name}   # must show {account_id}")
    if plan.identity_source == "google":
        out.append(f"# {GOOGLE_403}")
    for account_id, user, rec in users:
        prof = quote(_profile(template, account_id))
        qu = quote(user)
        out += ["", f"# --- {user} in {plan.account_label(account_id)} ---",
                f"pin {prof} {account_id}",
                f"aws iam get-user --profile {prof} --user-name {qu} "
                "--query 'User.[UserName,PasswordLastUsed]' --output text"]
        out.append("# 3. Console password. Check first: step 2 passed for this account.")
        if rec is None or rec.attrs.get("password_enabled"):
            out.append(f"# aws iam delete-login-profile --profile {prof} --user-name {qu}")
        else:
            out.append("#    (the scan saw no console password)")
        keys = _keys(rec)
        out.append("# 4. Access keys. Check first: what uses them moved to the person's "
                   "SSO profile (last use below).")
        for k in keys:
            kid = quote(k["id"])
            seen = (f"scan saw last use {k.get('last_used') or 'never'}"
                    f"{' for ' + k['last_used_service'] if k.get('last_used_service') else ''}")
            out.append(f"aws iam get-access-key-last-used --profile {prof} --access-key-id "
                       f"{kid} --query AccessKeyLastUsed --output text   # {seen}")
            if k.get("status") == "Active":
                out.append(f"# aws iam update-access-key --profile {prof} --user-name {qu} "
                           f"--access-key-id {kid} --status Inactive")
        if not keys:
            out.append("#    (the scan saw no access key)")
        out.append(f"# 5. After {days} days. Check first: get-access-key-last-used shows no "
                   "use since step 4, and the person has not asked for the key back.")
        for k in keys:
            out.append(f"# aws iam delete-access-key --profile {prof} --user-name {qu} "
                       f"--access-key-id {quote(k['id'])}")
        access = inventory.get("iam.user_access", account_id, user)
        for group in (access.attrs.get("groups") or []) if access else []:
            out.append(f"# aws iam remove-user-from-group --profile {prof} --user-name {qu} "
                       f"--group-name {quote(group)}")
        for pol in (access.attrs.get("attached") or []) if access else []:
            out.append(f"# aws iam detach-user-policy --profile {prof} --user-name {qu} "
                       f"--policy-arn {quote(pol['arn'])}")
        for pol in (access.attrs.get("inline") or []) if access else []:
            out.append(f"# aws iam delete-user-policy --profile {prof} --user-name {qu} "
                       f"--policy-name {quote(pol['name'])}")
        if rec is not None and rec.attrs.get("mfa_active"):
            out.append(f"# aws iam list-mfa-devices --profile {prof} --user-name {qu}  "
                       "# then deactivate-mfa-device and delete-virtual-mfa-device for each")
        out.append(f"# aws iam delete-user --profile {prof} --user-name {qu}")
    return out


def render(plan: Plan, inventory: Inventory, people: list[PlanPerson],
           template: str = DEFAULT_TEMPLATE, days: int = 30) -> str:
    out = ["#!/usr/bin/env bash",
           "# Cut-over from IAM users to IAM Identity Center, generated by `onboard sso "
           "cutover`.",
           f"# Each account block runs with --profile {template} (an admin profile of that",
           "# account) and first checks that the profile really is that account.",
           "# Lines that change something are commented out: run them by hand, in order,",
           "# after the check written above each one.",
           "set -euo pipefail", "", PIN]
    if plan.external_idp:
        out.append(f"# Users and groups come from {plan.idp_name}: they are not created in "
                   "Terraform.\n")
    for person in people:
        out += [*person_script(plan, inventory, person, template, days), ""]
    return "\n".join(out)
