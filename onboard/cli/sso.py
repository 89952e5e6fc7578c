"""`onboard sso`: the Identity Center migration kit (plan, edit, terraform, profiles, cutover,
commands)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from rich.table import Table
from rich.text import Text

from onboard.checks.base import Inventory
from onboard.cli.common import (
    C_,
    UsageError,
    add_common,
    cell,
    load_catalog,
    open_store,
    resolve_session,
)
from onboard.cli.common import console as cli_console
from onboard.i18n import N_, _
from onboard.sso_kit import emit_commands, emit_cutover, emit_profiles, emit_terraform
from onboard.sso_kit.edits import EditError
from onboard.sso_kit.load import NoScan, load
from onboard.sso_kit.plan import IDENTITY_SOURCES, Plan, PlanPerson
from onboard.sso_kit.render import header, to_json, to_markdown
from onboard.store import Store
from onboard.workspace import Workspace

EDITS = (
    ("rename-group KEY NAME", N_("a group's name (KEY: the key `sso plan` shows)")),
    ("rename-permission-set KEY NAME",
     N_("a permission set's name (letters, digits, +=,.@_-; ≤ 32)")),
    ("move-user ACCOUNT/USER PERSON",
     N_("this IAM user belongs to PERSON (a person id or a new one)")),
    ("exclude-user ACCOUNT/USER [REASON]", N_("leave this IAM user out of Identity Center")),
    ("break-glass ACCOUNT/USER [REASON]",
     N_("keep this IAM user by choice as the break-glass user")),
    ("identity-source SOURCE", "identity-center | google | okta | entra | other-idp"),
    ("list", N_("the stored edits")),
    ("reset KIND TARGET", N_("forget one stored edit")),
)
"""`sso edit`'s kinds: the command as typed, what it does (translated where shown)."""
TO_FILE = N_("write to FILE (default: stdout)")


def edit_help() -> str:
    """The kinds of `sso edit`, one a line, explanations in the spoken language."""
    width = max(len(command) for command, _what in EDITS) + 1
    return "\n".join(f"{command.ljust(width)}{_(what)}" for command, what in EDITS)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sso", help=_("the IAM Identity Center migration kit"),
                       description=_("Turn today's IAM users into an IAM Identity Center "
                                     "design (people, groups, permission sets, assignments) "
                                     "and the code to build it, from the session's latest "
                                     "scan."))
    add_common(p)
    verbs = p.add_subparsers(dest="sso_verb", metavar="VERB", required=True)

    plan = verbs.add_parser("plan", help=_("people, groups, permission sets, assignments"),
                            description=_("The proposed Identity Center design, with the "
                                          "session's edits applied."))
    add_common(plan)
    plan.add_argument("--format", choices=("table", "json", "markdown"), default="table",
                      help=_("table for people (default), json for scripts, markdown for "
                             "docs"))
    plan.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE"))
    plan.set_defaults(func=run_plan)

    edit = verbs.add_parser("edit", help=_("rename, move, exclude (kept across rescans)"),
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            description=_("Edit the plan; edits are stored in the session "
                                          "and survive rescans.") + "\n\n" + edit_help())
    add_common(edit)
    edit.add_argument("kind", choices=("rename-group", "rename-permission-set", "move-user",
                                       "exclude-user", "break-glass", "identity-source",
                                       "list", "reset"),
                      help=_("the kind of edit (see above)"))
    edit.add_argument("args", nargs="*", metavar="ARG",
                      help=_("the edit's arguments (see above)"))
    edit.set_defaults(func=run_edit)

    tf = verbs.add_parser("terraform", help=_("write the plan as Terraform into DIR"),
                          description=_("Write the plan as Terraform files into DIR."))
    add_common(tf)
    tf.add_argument("-o", "--output", metavar="DIR", required=True,
                    help=_("the folder to write the .tf files into"))
    tf.set_defaults(func=run_terraform)

    prof = verbs.add_parser("profiles", help=_("~/.aws/config [sso-session] and [profile]s"),
                            description=_("The ~/.aws/config [sso-session] and [profile] "
                                          "sections people will use after the move."))
    add_common(prof)
    prof.add_argument("--person", metavar="P",
                      help=_("only the profiles this person will use"))
    prof.add_argument("-o", "--output", metavar="FILE", help=_(TO_FILE))
    prof.set_defaults(func=run_profiles)

    cut = verbs.add_parser("cutover", help=_("per-person cut-over script and checklist"),
                           description=_("Per person: a cut-over script and checklist, from "
                                         "first Identity Center login to deleting old keys."))
    add_common(cut)
    cut.add_argument("--person", metavar="P", help=_("one person (id or name); default: all"))
    cut.add_argument("--profile-template", default=emit_cutover.DEFAULT_TEMPLATE,
                     help=_("admin profile per account (default: %(default)s)"))
    cut.add_argument("--days", type=int, default=30,
                     help=_("days without key use before deleting (default: %(default)s)"))
    cut.add_argument("-o", "--output", metavar="FILE", help=_(TO_FILE))
    cut.set_defaults(func=run_cutover)

    cmds = verbs.add_parser("commands",
                            help=_("the plan as aws sso-admin / identitystore calls"),
                            description=_("The plan as `aws sso-admin` and `aws identitystore` "
                                          "CLI calls, for teams without Terraform."))
    add_common(cmds)
    cmds.add_argument("-o", "--output", metavar="FILE", help=_(TO_FILE))
    cmds.set_defaults(func=run_commands)


def _open(args: argparse.Namespace) -> tuple[Store, int]:
    store = open_store(args, create=False)
    session = resolve_session(store, getattr(args, "session", None), create=False)
    return store, session.id


def _plan(args: argparse.Namespace) -> tuple[Store, int, Plan, Inventory]:
    store, session_id = _open(args)
    try:
        plan, inventory = load(store, session_id)
    except NoScan as exc:
        raise UsageError(str(exc)) from None
    return store, session_id, plan, inventory


def _emit(text: str, output: str | None, what: str) -> None:
    """`text` to stdout, or to `output` with a line on stderr (`what`: translated)."""
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(_("cannot write {path}: {reason}").format(
                path=output, reason=exc.strerror)) from None
        print(_("Wrote {what} to {path}").format(what=what, path=output), file=sys.stderr)
    else:
        sys.stdout.write(text)


def run_plan(args: argparse.Namespace) -> int:
    plan = _plan(args)[2]
    if args.format == "json":
        _emit(json.dumps(to_json(plan), indent=2) + "\n", args.output, _("the plan (JSON)"))
    elif args.format == "markdown" or args.output:
        _emit(to_markdown(plan), args.output, _("the plan (Markdown)"))
    else:
        _table(plan)
    return 0


def _t(text: object) -> Text:
    return cell(text, multiline=True)


def _table(plan: Plan) -> None:
    console = cli_console()
    for line in header(plan):
        console.print(_t(line))
    people = Table(title=_("People → Identity Center users"))
    for col in (_("person"), _("IAM users (rule)"), _("groups")):
        people.add_column(col)
    for p in plan.people:
        people.add_row(_t(p.id), _t("\n".join(f"{m.user.user_name} @ {m.user.account_id} "
                                              f"({m.rule})" for m in p.users)),
                       _t(", ".join(plan.group(g).name for g in p.groups) or "—"))
    console.print(people)
    groups = Table(title=_("Groups (same access today)"))
    for col in (_("key"), _("name"), _("members")):
        groups.add_column(col)
    for g in plan.groups:
        groups.add_row(_t(g.key), _t(g.name), _t(", ".join(g.members)))
    console.print(groups)
    sets = Table(title=_("Permission sets"))
    for col in (_("key"), _("name"), _("session"), _("policies"), _("notes")):
        sets.add_column(col)
    for ps in plan.permission_sets:
        notes = [_("{policy} missing in {accounts}").format(policy=n, accounts=", ".join(a))
                 for n, a in ps.missing.items()] + ps.notes
        sets.add_row(_t(ps.key), _t(ps.name), _t(ps.session_duration),
                     _t("\n".join(r.label for r in sorted(ps.policies))),
                     _t("\n".join(notes) or "—"))
    console.print(sets)
    assign = Table(title=_("Assignments (group × permission set × account)"))
    for col in (_("group"), _("permission set"), _("account")):
        assign.add_column(col)
    for a in plan.assignments:
        assign.add_row(_t(plan.group(a.group).name),
                       _t(plan.permission_set(a.permission_set).name),
                       _t(plan.account_label(a.account_id)))
    console.print(assign)
    if plan.excluded:
        excl = Table(title=_("Not migrated"))
        for col in (_("IAM user"), _("account"), _("kind"), _("why")):
            excl.add_column(col)
        for e in plan.excluded:
            excl.add_row(_t(e.user_name), _t(e.account_id), _t(e.kind), _t(e.reason))
        console.print(excl)
    notes = [f"{p.id}: {n}" for p in plan.people for n in p.notes]
    for line in [*notes, *plan.warnings]:
        console.print(_t(f"• {line}"))


def run_edit(args: argparse.Namespace) -> int:
    store, session_id, plan, inventory = _plan(args)
    kind, rest = args.kind, args.args
    if kind == "list":
        for e in store.sso_edits(session_id):
            print(f"{e['kind']}\t{e['target']}\t{e['value']}")
        return 0
    if kind == "reset":
        if len(rest) != 2:
            raise UsageError(_("usage: {usage}").format(
                usage="onboard sso edit reset KIND TARGET") + " "
                + _("(see `sso edit list`)"))
        if not Workspace(store, load_catalog(args), session_id).forget_sso_edit(rest[0],
                                                                                rest[1]):
            raise UsageError(_("no stored edit {kind} {target}").format(kind=rest[0],
                                                                        target=rest[1]))
        print(_("Forgot {kind} {target}").format(kind=rest[0], target=rest[1]))
        return 0
    usage = {"identity-source": "SOURCE", "rename-group": "KEY NAME",
             "rename-permission-set": "KEY NAME", "move-user": "ACCOUNT/USER PERSON",
             "exclude-user": "ACCOUNT/USER [REASON]", "break-glass": "ACCOUNT/USER [REASON]"}
    fixed = kind in ("rename-group", "rename-permission-set", "move-user")
    if not rest or (fixed and len(rest) != 2) or (kind == "identity-source" and len(rest) != 1):
        raise UsageError(_("usage: {usage}").format(
            usage=f"onboard sso edit {kind} {usage[kind]}"))
    try:
        target, value = Workspace(store, load_catalog(args), session_id).save_sso_edit(
            plan, inventory, kind, rest[0], " ".join(rest[1:]))
    except EditError as exc:
        raise UsageError(str(exc)) from None
    if kind == "identity-source":
        print(_("Identity source: {source}").format(source=IDENTITY_SOURCES[value]))
    else:
        print(f"{kind} {target}{' → ' + value if value else ''}")
    return 0


def run_terraform(args: argparse.Namespace) -> int:
    plan = _plan(args)[2]
    target = Path(args.output)
    if target.exists() and not target.is_dir():
        raise UsageError(_("{path} exists and is not a directory").format(path=target))
    try:
        written = emit_terraform.write(plan, target)
    except OSError as exc:
        raise UsageError(_("cannot write {path}: {reason}").format(
            path=target, reason=exc.strerror)) from None
    source = (_("groups are looked up: {idp} provisions them").format(idp=plan.idp_name)
              if plan.external_idp
              else _("users, groups and memberships are created in the Identity Center "
                     "directory"))
    print(_("Wrote {files} files to {path}: {sets} permission sets, {groups} groups, "
            "{assignments} assignments; {source} (identity source from {origin}).").format(
        files=len(written), path=target, sets=len(plan.permission_sets),
        groups=len(plan.groups), assignments=len(plan.assignments), source=source,
        origin=plan.identity_source_from))
    return 0


def _person(plan: Plan, wanted: str | None) -> PlanPerson | None:
    if wanted is None:
        return None
    low = wanted.strip().lower()
    for p in plan.people:
        if low in (p.id.lower(), p.display_name.lower(), (p.email or "").lower()):
            return p
    known = ", ".join(p.id for p in plan.people) or C_(N_("CLI list|none"))
    raise UsageError(_("no person {name} in the plan (people: {known})").format(
        name=repr(wanted), known=known))


def run_profiles(args: argparse.Namespace) -> int:
    plan = _plan(args)[2]
    _emit(emit_profiles.render(plan, _person(plan, args.person)), args.output,
          _("~/.aws/config entries"))
    return 0


def run_cutover(args: argparse.Namespace) -> int:
    plan, inventory = _plan(args)[2:]
    if args.days < 1:
        raise UsageError(_("--days must be at least 1"))
    if "{account_id}" not in args.profile_template or re.search(r"[\x00-\x1f\x7f]",
                                                                 args.profile_template):
        raise UsageError(_("--profile-template must contain {account_id}").format(
            account_id="{account_id}"))
    person = _person(plan, args.person)
    people = [person] if person else plan.people
    text = emit_cutover.render(plan, inventory, people, args.profile_template, args.days)
    _emit(text, args.output, _("the cut-over script"))
    return 0


def run_commands(args: argparse.Namespace) -> int:
    plan = _plan(args)[2]
    _emit(emit_commands.render(plan), args.output, _("the AWS CLI calls"))
    return 0
