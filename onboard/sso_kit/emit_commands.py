"""The plan as `aws sso-admin` / `aws identitystore` CLI calls: one bash script.

The same plan the Terraform builds, for teams without Terraform and for the emulator proof
(the test runs this script against a moto server and reads the result back). Run it with
the management account's credentials. IDs that AWS returns are captured into variables
with `--query … --output text`; every value from the plan is shell-quoted.
"""

from __future__ import annotations

import json
from shlex import quote

from onboard.i18n import _
from onboard.sso_kit.emit_terraform import _names
from onboard.sso_kit.plan import Plan, commented, one_line, said


def _comment(text: str) -> list[str]:
    return commented(text).splitlines()


def _exists(what: str) -> str:
    """After `# `: the item is in Identity Center already (one line)."""
    return one_line(_("exists already: {what}").format(what=what))


def render(plan: Plan) -> str:
    r = f"--region {quote(plan.home_region)}"
    out = ["#!/usr/bin/env bash",
           *_comment(_("IAM Identity Center from `onboard sso plan`, as AWS CLI calls.\n"
                       "Run with the management account's credentials (or the delegated "
                       "administrator).")),
           "set -euo pipefail", "",
           f"INSTANCE_ARN=$(aws sso-admin list-instances {r} "
           "--query 'Instances[0].InstanceArn' --output text)",
           f"IDENTITY_STORE_ID=$(aws sso-admin list-instances {r} "
           "--query 'Instances[0].IdentityStoreId' --output text)",
           'if [ "$INSTANCE_ARN" = "None" ]; then',
           "  echo " + said(_("no IAM Identity Center instance in this region: enable it "
                              "first")) + " >&2",
           "  exit 1", "fi", ""]
    ps_var: dict[str, str] = {}
    out += _comment(_("Permission sets"))
    for i, ps in enumerate(plan.permission_sets, 1):
        var = ps_var[ps.key] = f"PS_{i}"
        if ps.existing_arn:
            out.append(f"{var}={quote(ps.existing_arn)}  # " + _exists(ps.name))
            continue
        out.append(f"{var}=$(aws sso-admin create-permission-set {r} "
                   f'--instance-arn "$INSTANCE_ARN" --name {quote(ps.name)} '
                   f"--description {quote(ps.description)} "
                   f"--session-duration {quote(ps.session_duration)} "
                   "--query PermissionSet.PermissionSetArn --output text)")
        for ref in ps.managed:
            out.append(f"aws sso-admin attach-managed-policy-to-permission-set {r} "
                       f'--instance-arn "$INSTANCE_ARN" --permission-set-arn "${var}" '
                       f"--managed-policy-arn {quote(ref.arn)}")
        for ref in ps.customer:
            ref_json = json.dumps({"Name": ref.name, "Path": ref.path})
            out.append(f"aws sso-admin attach-customer-managed-policy-reference-to-permission"
                       f'-set {r} --instance-arn "$INSTANCE_ARN" --permission-set-arn "${var}" '
                       f"--customer-managed-policy-reference {quote(ref_json)}")
        if ps.inline is not None:
            out.append(f"aws sso-admin put-inline-policy-to-permission-set {r} "
                       f'--instance-arn "$INSTANCE_ARN" --permission-set-arn "${var}" '
                       f"--inline-policy {quote(json.dumps(ps.inline, sort_keys=True))}")
    out.append("")
    group_var: dict[str, str] = {}
    if plan.external_idp:
        out += _comment(_("Groups come from {idp} (SCIM): look them up").format(
            idp=plan.idp_name))
        for i, g in enumerate(plan.groups, 1):
            var = group_var[g.key] = f"GROUP_{i}"
            ident = json.dumps({"UniqueAttribute": {"AttributePath": "DisplayName",
                                                    "AttributeValue": g.name}})
            out.append(f"{var}=$(aws identitystore get-group-id {r} "
                       f'--identity-store-id "$IDENTITY_STORE_ID" '
                       f"--alternate-identifier {quote(ident)} --query GroupId --output text)")
    else:
        out += _comment(_("Users, groups and memberships in the Identity Center directory"))
        user_var: dict[str, str] = {}
        for i, p in enumerate((p for p in plan.people if p.groups), 1):
            var = user_var[p.id] = f"USER_{i}"
            if p.existing_user_id:
                out.append(f"{var}={quote(p.existing_user_id)}  # " + _exists(p.user_name))
                continue
            given, family = _names(p)
            name = json.dumps({"GivenName": given, "FamilyName": family})
            emails = (f" --emails {quote(json.dumps([{'Value': p.email, 'Primary': True}]))}"
                      if p.email else "")
            out.append(f"{var}=$(aws identitystore create-user {r} "
                       f'--identity-store-id "$IDENTITY_STORE_ID" '
                       f"--user-name {quote(p.user_name)} "
                       f"--display-name {quote(p.display_name)} --name {quote(name)}{emails} "
                       "--query UserId --output text)")
        for i, g in enumerate(plan.groups, 1):
            var = group_var[g.key] = f"GROUP_{i}"
            if g.existing_id:
                out.append(f"{var}={quote(g.existing_id)}  # " + _exists(g.name))
            else:
                out.append(f"{var}=$(aws identitystore create-group {r} "
                           f'--identity-store-id "$IDENTITY_STORE_ID" '
                           f"--display-name {quote(g.name)} "
                           f"--description {quote(g.description)} --query GroupId "
                           "--output text)")
            for pid in g.members:
                if pid in g.existing_members:
                    out += _comment(_("{person} is in {group} already").format(
                        person=pid, group=g.name))
                    continue
                out.append(f"aws identitystore create-group-membership {r} "
                           f'--identity-store-id "$IDENTITY_STORE_ID" --group-id "${var}" '
                           f'--member-id "UserId=${user_var[pid]}" >/dev/null')
    out += ["", *_comment(_("Assignments: group × permission set × account"))]
    for a in plan.assignments:
        label = (f"{plan.group(a.group).name} × {plan.permission_set(a.permission_set).name}"
                 f" × {a.account_id}")
        if a.exists:
            out.append("# " + _exists(label))
            continue
        out.append(f"aws sso-admin create-account-assignment {r} "
                   f'--instance-arn "$INSTANCE_ARN" --target-id {quote(a.account_id)} '
                   f'--target-type AWS_ACCOUNT --permission-set-arn "${ps_var[a.permission_set]}" '
                   f'--principal-type GROUP --principal-id "${group_var[a.group]}" '
                   f">/dev/null  # {label}")
    return "\n".join(out) + "\n"
