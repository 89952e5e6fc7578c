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
from onboard.i18n import N_, _
from onboard.sso_kit.emit_profiles import profiles_for
from onboard.sso_kit.plan import Plan, PlanPerson, commented, one_line, said

DEFAULT_TEMPLATE = "onboard-{account_id}"
GOOGLE_403 = N_("Google Workspace may answer 403 for hours right after the SAML/SCIM set-up "
                "(the talk waited a day): if the first sign-in fails with 403, wait before "
                "going on — remove nothing yet.")
PIN_COMMENT = N_("pin PROFILE ACCOUNT: stop unless the profile's credentials are that account")
PIN_STOP = N_("profile {profile} is account {got}, not {account}: stopping")
# The function the script's account blocks call; its comment and message are added in the
# reader's language
PIN = '''pin() {{  # {comment}
  local got
  got=$(aws sts get-caller-identity --profile "$1" --query Account --output text)
  if [ "$got" != "$2" ]; then
    echo {stopping} >&2
    exit 1
  fi
}}
'''


def _profile(template: str, account_id: str) -> str:
    return template.replace("{account_id}", account_id)


def _say(text: str) -> list[str]:
    """Prose as comment lines of the script."""
    return commented(text).splitlines()


def _last_use(key: dict[str, Any]) -> str:
    """What the scan saw of an access key's last use."""
    when, service = key.get("last_used"), key.get("last_used_service")
    if when and service:
        return _("scan saw last use {when} for {service}").format(when=when, service=service)
    if when:
        return _("scan saw last use {when}").format(when=when)
    if service:
        return _("scan saw last use never for {service}").format(service=service)
    return _("scan saw last use never")


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
    out = [f"# ===== {one_line(person.display_name)} ({person.id}) =====", "#",
           *_say(_("Checklist:"))]
    ic_user = person.user_name
    if plan.external_idp:
        step1 = (_("[ ] 1. {user} exists in {idp} and is provisioned to Identity Center, in "
                   "groups {groups} — users and groups from {idp} are not created in "
                   "Terraform") if groups else
                 _("[ ] 1. {user} exists in {idp} and is provisioned to Identity Center, in "
                   "groups (none) — users and groups from {idp} are not created in "
                   "Terraform"))
    else:
        step1 = (_("[ ] 1. Identity Center user {user} exists (`onboard sso terraform` or "
                   "the console), in groups {groups}, and has set a password and MFA")
                 if groups else
                 _("[ ] 1. Identity Center user {user} exists (`onboard sso terraform` or "
                   "the console), in groups (none), and has set a password and MFA"))
    out += _say(step1.format(user=ic_user, idp=plan.idp_name, groups=", ".join(groups)))
    out += _say(_("[ ] 2. Verified login: {person} ran `aws sso login` and "
                  "`aws sts get-caller-identity` for every profile below, and signed in to "
                  "the console through the access portal").format(person=person.display_name))
    passwords = [_("{user} in {account}").format(user=u, account=a) for a, u, rec in users
                 if rec is None or rec.attrs.get("password_enabled")]
    out += _say(_("[ ] 3. Console password removed: {users}").format(users=", ".join(
        passwords)) if passwords else _("[ ] 3. Console password removed: none"))
    active = [_("{key} ({user} in {account})").format(key=k["id"], user=u, account=a)
              for a, u, k in with_keys if k.get("status") == "Active"]
    out += _say(_("[ ] 4. Access keys deactivated: {keys}").format(keys=", ".join(active))
                if active else _("[ ] 4. Access keys deactivated: none active"))
    out += _say(_("[ ] 5. After {days} days with no key use: keys and the IAM users "
                  "deleted").format(days=days))
    if plan.identity_source == "google":
        out += _say(_("Tip: {tip}").format(tip=_(GOOGLE_403)))
    out += ["", *_say(_("--- 1. The Identity Center user exists (read-only check) ---"))]
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
                "  echo " + quote(one_line(_("{user} is not in Identity Center yet: stop "
                                             "here").format(user=ic_user))) + " >&2",
                "  exit 1", "fi"]
    else:
        out += _say(_("(no Identity Center instance was scanned: check the user in the "
                      "console)"))
    out += ["", *_say(_("--- 2. Verified login: {person} runs, on their machine (profiles "
                        "from `onboard sso profiles --person {id}`) ---").format(
                            person=person.display_name, id=person.id))]
    if login:
        out.append(f"#   aws sso login --profile {login}")
    for name, account_id, __ in profiles:
        out.append(f"#   aws sts get-caller-identity --profile {name}   # "
                   + one_line(_("must show {account}").format(account=account_id)))
    if plan.identity_source == "google":
        out += _say(_(GOOGLE_403))
    for account_id, user, rec in users:
        prof = quote(_profile(template, account_id))
        qu = quote(user)
        out += ["", *_say(_("--- {user} in {account} ---").format(
                    user=user, account=plan.account_label(account_id))),
                f"pin {prof} {account_id}",
                f"aws iam get-user --profile {prof} --user-name {qu} "
                "--query 'User.[UserName,PasswordLastUsed]' --output text"]
        out += _say(_("3. Console password. Check first: step 2 passed for this account."))
        if rec is None or rec.attrs.get("password_enabled"):
            out.append(f"# aws iam delete-login-profile --profile {prof} --user-name {qu}")
        else:
            out += ["#    " + _("(the scan saw no console password)")]
        keys = _keys(rec)
        out += _say(_("4. Access keys. Check first: what uses them moved to the person's "
                      "SSO profile (last use below)."))
        for k in keys:
            kid = quote(k["id"])
            seen = one_line(_last_use(k))
            out.append(f"aws iam get-access-key-last-used --profile {prof} --access-key-id "
                       f"{kid} --query AccessKeyLastUsed --output text   # {seen}")
            if k.get("status") == "Active":
                out.append(f"# aws iam update-access-key --profile {prof} --user-name {qu} "
                           f"--access-key-id {kid} --status Inactive")
        if not keys:
            out += ["#    " + _("(the scan saw no access key)")]
        out += _say(_("5. After {days} days. Check first: get-access-key-last-used shows no "
                      "use since step 4, and the person has not asked for the key "
                      "back.").format(days=days))
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
            out.append(f"# aws iam list-mfa-devices --profile {prof} --user-name {qu}  # "
                       + _("then deactivate-mfa-device and delete-virtual-mfa-device for "
                           "each"))
        out.append(f"# aws iam delete-user --profile {prof} --user-name {qu}")
    return out


def render(plan: Plan, inventory: Inventory, people: list[PlanPerson],
           template: str = DEFAULT_TEMPLATE, days: int = 30) -> str:
    out = ["#!/usr/bin/env bash",
           *_say(_("Cut-over from IAM users to IAM Identity Center, generated by `onboard sso "
                   "cutover`.\n"
                   "Each account block runs with --profile {template} (an admin profile of "
                   "that\n"
                   "account) and first checks that the profile really is that account.\n"
                   "Lines that change something are commented out: run them by hand, in "
                   "order,\n"
                   "after the check written above each one.").format(template=template)),
           "set -euo pipefail", "", PIN.format(comment=one_line(_(PIN_COMMENT)),
                                          stopping=said(_(PIN_STOP), profile="$1", got="$got",
                                                        account="$2"))]
    if plan.external_idp:
        out.append(commented(_("Users and groups come from {idp}: they are not created in "
                               "Terraform.").format(idp=plan.idp_name)))
    for person in people:
        out += [*person_script(plan, inventory, person, template, days), ""]
    return "\n".join(out)
