"""The plan as JSON (the documented contract), Markdown and plain table rows (pure)."""

from __future__ import annotations

from typing import Any

from onboard.i18n import _
from onboard.mdtext import cell as md_cell
from onboard.mdtext import inline as md_inline
from onboard.sso_kit.plan import GROUP_DESCRIPTION, Plan, PlanGroup, fit_text

JSON_KEYS = ("people", "groups", "permission_sets", "assignments", "excluded", "warnings")


def to_json(plan: Plan) -> dict[str, Any]:
    """`onboard sso plan --format json`: exactly the keys in JSON_KEYS.

    people:          [{id, display_name, email, users: [{account_id, user_name, rule, detail}],
                       groups: [group name], access: [{account_id, permission_set}], notes,
                       exists (an Identity Center user of that name exists)}]
    groups:          [{key, name, members: [person id], description, exists}]
    permission_sets: [{key, name, session_duration, session_duration_reason, description,
                       managed_policies: [arn], customer_managed_policies: [{name, path,
                       missing_in: [account id]}], inline_policy: document or null, notes,
                       exists}]
    assignments:     [{group, permission_set, account_id, account_name, exists}] (names)
    excluded:        [{account_id, user_name, kind, reason}] kind: workload | no-credentials |
                       break-glass | excluded | unreadable
    warnings:        [text]
    """
    return {
        "people": [{
            "id": p.id, "display_name": p.display_name, "email": p.email,
            "users": [{"account_id": m.user.account_id, "user_name": m.user.user_name,
                       "rule": m.rule, "detail": m.detail} for m in p.users],
            "groups": [plan.group(g).name for g in p.groups],
            "access": [{"account_id": a, "permission_set": plan.permission_set(k).name}
                       for a, k in sorted(p.access.items())],
            "notes": p.notes, "exists": p.existing_user_id is not None}
            for p in plan.people],
        "groups": [{"key": g.key, "name": g.name, "members": g.members,
                    "description": g.description, "exists": g.existing_id is not None}
                   for g in plan.groups],
        "permission_sets": [{
            "key": ps.key, "name": ps.name, "session_duration": ps.session_duration,
            "session_duration_reason": ps.duration_reason, "description": ps.description,
            "managed_policies": [r.arn for r in ps.managed],
            "customer_managed_policies": [{"name": r.name, "path": r.path,
                                           "missing_in": ps.missing.get(r.name, [])}
                                          for r in ps.customer],
            "inline_policy": ps.inline, "notes": ps.notes,
            "exists": ps.existing_arn is not None} for ps in plan.permission_sets],
        "assignments": [{"group": plan.group(a.group).name,
                         "permission_set": plan.permission_set(a.permission_set).name,
                         "account_id": a.account_id,
                         "account_name": plan.accounts[a.account_id].name
                         if a.account_id in plan.accounts else "",
                         "exists": a.exists} for a in plan.assignments],
        "excluded": [{"account_id": e.account_id, "user_name": e.user_name, "kind": e.kind,
                      "reason": e.reason} for e in plan.excluded],
        "warnings": plan.warnings,
    }


def header(plan: Plan) -> list[str]:
    if plan.instance:
        where = _("Identity Center: instance {instance} (identity store {store}) in "
                  "{region}.").format(instance=plan.instance.arn.rsplit("/", 1)[-1],
                                      store=plan.instance.identity_store_id,
                                      region=plan.home_region)
    else:
        where = _("Identity Center: no instance yet; home region proposed: {region}.").format(
            region=plan.home_region)
    return [where, _("Identity source: {source} ({source_from}).").format(
        source=plan.idp_name, source_from=plan.identity_source_from)]


def group_description(plan: Plan, group: PlanGroup) -> str:
    """What the group holds, for a person in the current language (the group's
    `description`, the value sent to AWS, stays English)."""
    held = sorted({a.permission_set for a in plan.assignments if a.group == group.key})
    where = sorted({a.account_id for a in plan.assignments if a.group == group.key})
    names = [plan.accounts[a].name if a in plan.accounts and plan.accounts[a].name else a
             for a in where]
    return fit_text(_(GROUP_DESCRIPTION).format(sets=", ".join(held),
                                                accounts=", ".join(names)), 1024)


def to_markdown(plan: Plan) -> str:
    """The plan for the team: people, groups, permission sets, assignments, exclusions."""
    out = [_("# IAM Identity Center plan"), "",
           *(md_inline(h) + "  " for h in header(plan)), ""]
    out += [_("## People"), "", _("| person | IAM users (rule) | groups | notes |"),
            "|---|---|---|---|"]
    for p in plan.people:
        users = "; ".join(f"{m.user.user_name} @ {plan.account_label(m.user.account_id)} "
                          f"({m.rule})" for m in p.users)
        groups = ", ".join(plan.group(g).name for g in p.groups) or "—"
        out.append(f"| {md_cell(p.display_name)} | {md_cell(users)} | {md_cell(groups)} | "
                   f"{md_cell(' / '.join(p.notes)) or '—'} |")
    out += ["", _("## Groups"), "", _("| group | members | description |"), "|---|---|---|"]
    for g in plan.groups:
        out.append(f"| {md_cell(g.name)} | {md_cell(', '.join(g.members))} | "
                   f"{md_cell(group_description(plan, g))} |")
    out += ["", _("## Permission sets"), "",
            _("| permission set | session | policies | notes |"), "|---|---|---|---|"]
    for ps in plan.permission_sets:
        notes = [_("{name} missing in {accounts}").format(name=name, accounts=", ".join(accts))
                 for name, accts in ps.missing.items()]
        out.append(f"| {md_cell(ps.name)} | {ps.session_duration} ({md_cell(ps.duration_reason)})"
                   f" | {md_cell(', '.join(r.label for r in sorted(ps.policies)))} | "
                   f"{md_cell(' / '.join(notes + ps.notes)) or '—'} |")
    out += ["", _("## Assignments"), "", _("| group | permission set | account |"),
            "|---|---|---|"]
    for a in plan.assignments:
        out.append(f"| {md_cell(plan.group(a.group).name)} | "
                   f"{md_cell(plan.permission_set(a.permission_set).name)} | "
                   f"{md_cell(plan.account_label(a.account_id))} |")
    out += ["", _("## Not migrated"), "", _("| IAM user | account | why |"), "|---|---|---|"]
    for e in plan.excluded:
        out.append(f"| {md_cell(e.user_name)} | {md_cell(plan.account_label(e.account_id))} | "
                   f"{md_cell(e.kind + ': ' + e.reason)} |")
    if plan.warnings:
        out += ["", _("## Warnings"), ""] + [f"- {md_cell(w)}" for w in plan.warnings]
    return "\n".join(out) + "\n"
