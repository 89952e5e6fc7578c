"""`onboard actions`: the decision table without the TUI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from onboard import decide, fixscript, orient, tfbundle
from onboard.assets import AssetError
from onboard.catalog import Catalog
from onboard.cli.common import (
    ACTION_STATUS,
    C_,
    EFFORT,
    UsageError,
    add_common,
    open_session,
    safe,
    word,
)
from onboard.cli.common import console as cli_console
from onboard.fixes import DEFAULT_PROFILE_TEMPLATE, FixError, gather
from onboard.i18n import N_, _
from onboard.orient import MatrixRow
from onboard.store import Store
from onboard.workspace import Workspace

STATUS_STYLE = {"proposed": "dim", "chosen": "bold", "doing": "yellow", "done": "green",
                "wont": "dim strike"}
PRIORITY_STYLE = {"P1": "bold red", "P2": "yellow", "P3": "cyan"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("actions", help=_("suggest, list or choose actions; print their fix "
                                         "script or Terraform bundle"),
                       description=_("suggest: actions for the risky matrix rows. list: the "
                                     "chosen actions (the decision table). choose ID...: "
                                     "adopt suggestions, with an owner, a due date and a "
                                     "priority. script ID...: one account-pinned bash script "
                                     "of their fixes. terraform ID... -o DIR: a Terraform "
                                     "bundle."))
    add_common(p)
    p.add_argument("verb", choices=("suggest", "list", "choose", "script", "terraform"),
                   help=_("suggest, list, choose, script or terraform (see above)"))
    p.add_argument("ids", nargs="*", metavar="ID",
                   help=_("with choose, script and terraform: suggested action ids (e.g. "
                          "adopt-identity-center), numbers from `actions list`, or 'all' for "
                          "every suggestion"))
    p.add_argument("--account", action="append", default=[], metavar="ID",
                   help=_("with script/terraform: only this account (repeatable)"))
    p.add_argument("--profile-template", default=DEFAULT_PROFILE_TEMPLATE, metavar="TEMPLATE",
                   help=_("with script/terraform: the AWS profile per account "
                          "(default %(default)s; `onboard profiles` prints them)"))
    p.add_argument("-o", "--output", default=None, metavar="PATH",
                   help=_("script: write to this file (default: stdout); terraform: the "
                          "directory to write (required)"))
    p.add_argument("--owner", default=None, help=_("with choose: who does it"))
    p.add_argument("--due", default=None, metavar="YYYY-MM-DD",
                   help=_("with choose: due date"))
    p.add_argument("--priority", default=None, choices=("P1", "P2", "P3"),
                   help=_("with choose: override the priority derived from the risk"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.verb in ("script", "terraform"):
        return _fix(args)
    given = [o for o, v in (("--account", args.account), ("-o", args.output)) if v]
    if args.profile_template != DEFAULT_PROFILE_TEMPLATE:
        given.append("--profile-template")
    if given:
        raise UsageError(_("{flags} only go with `onboard actions script` or "
                           "`onboard actions terraform`").format(flags=", ".join(given)))
    if args.verb != "choose":
        if args.ids:
            raise UsageError(_("`onboard actions {verb}` takes no IDs").format(verb=args.verb))
        given = [f"--{n}" for n in ("owner", "due", "priority") if getattr(args, n, None)]
        if given:
            raise UsageError(_("{flags} only go with `onboard actions choose`")
                             .format(flags=", ".join(given)))
    elif not args.ids:
        raise UsageError(_("`onboard actions {verb}` needs an ID: a suggested action id "
                           "(see `onboard actions suggest`), an action number, or 'all'")
                         .format(verb="choose"))
    store, session, catalog = open_session(args)
    rows = orient.matrix(store, catalog, session.id)
    console = cli_console()
    try:
        if args.verb == "suggest":
            return _suggest(console, store, catalog, session.id, rows)
        if args.verb == "list":
            return _list(console, store, catalog, session.id, rows)
        return _choose(console, store, catalog, session.id, rows, args)
    except (decide.DecideError, orient.OrientError, AssetError) as exc:
        raise UsageError(str(exc)) from None


def _no_scan_hint(store: Store, session_id: int, session_name: str) -> None:
    if store.latest_scan(session_id) is None:
        raise UsageError(_("session {name} has no scan yet; run `onboard scan` "
                           "(or `onboard demo --headless`) first")
                         .format(name=repr(session_name)))


def _observations(rows: dict[int, MatrixRow], ids: list[int]) -> str:
    return "\n".join(f"[dim]{rid}[/] {safe(rows[rid].observation)}" for rid in ids
                     if rid in rows)


def _suggest(console: Console, store: Store, catalog: Catalog, session_id: int,
             rows: list[MatrixRow]) -> int:
    _no_scan_hint(store, session_id, store.session(session_id).name)
    found = decide.suggestions(store, catalog, session_id, rows)
    if not found:
        console.print(_("Nothing to suggest: the matrix has no open rows a catalog action "
                        "answers."))
        return 0
    by_id = {r.id: r for r in rows}
    table = Table(title=_("Suggested actions (highest risk first)"), show_lines=True)
    table.add_column("id", no_wrap=True)
    table.add_column(_("action"))
    table.add_column(_("answers matrix rows"), overflow="fold")
    table.add_column(_("risk"), justify="right", no_wrap=True)
    table.add_column(_("priority"), no_wrap=True)
    table.add_column(_("effort"), no_wrap=True)
    table.add_column(_("status"), no_wrap=True)
    for s in found:
        status = (f"#{s.action_id} {word(ACTION_STATUS, s.status.label)}"
                  if s.action_id and s.status else "—")
        table.add_row(safe(s.id), safe(s.title), _observations(by_id, s.row_ids),
                      str(s.best_risk), f"[{PRIORITY_STYLE[s.priority]}]{s.priority}[/]",
                      safe(word(EFFORT, s.effort)), safe(status))
    console.print(table)
    ids = " ".join(s.id for s in found if s.action_id is None)
    if ids:
        console.print(_("Choose with: {command}").format(
            command=f"onboard actions choose {safe(ids)}"))
    return 0


def _list(console: Console, store: Store, catalog: Catalog, session_id: int,
          rows: list[MatrixRow]) -> int:
    actions = decide.list_actions(store, catalog, session_id, rows)
    if not actions:
        console.print(_("No actions yet: `onboard actions suggest`, then "
                        "`onboard actions choose ID`."))
        return 0
    by_id = {r.id: r for r in rows}
    table = Table(title=_("Decisions"), show_lines=True)
    table.add_column("#", justify="right")
    table.add_column(_("action"))
    table.add_column(_("answers: observation → assumed incident"), overflow="fold")
    table.add_column(_("priority"), no_wrap=True)
    table.add_column(_("owner"))
    table.add_column(_("due"), no_wrap=True)
    table.add_column(_("status"), no_wrap=True)
    table.add_column(_("risk"), justify="right", no_wrap=True)
    for a in actions:
        answers = "\n".join(f"[dim]{rid}[/] {safe(by_id[rid].observation)} → "
                            f"{safe(by_id[rid].incident)}" for rid in a.row_ids)
        table.add_row(str(a.id), safe(a.title), answers or "—",
                      f"[{PRIORITY_STYLE.get(a.priority, '')}]{safe(a.priority)}[/]",
                      safe(a.owner) or "—", safe(a.due) or "—",
                      f"[{STATUS_STYLE[a.status.value]}]{word(ACTION_STATUS, a.status.label)}[/]",
                      str(a.best_risk or "—"))
    console.print(table)
    return 0


def _choose(console: Console, store: Store, catalog: Catalog, session_id: int,
            rows: list[MatrixRow], args: argparse.Namespace) -> int:
    refs = decide.resolve_refs(store, catalog, session_id, args.ids, rows)
    if not refs:
        console.print(_("Nothing to choose: there are no suggestions."))
        return 0
    chosen = Workspace(store, catalog, session_id).choose_many(
        refs, owner=args.owner, due=args.due, priority=args.priority)
    for action in chosen:
        rows_text = ", ".join(str(i) for i in action.row_ids) or C_(N_("CLI list|none"))
        console.print(_("#{id} {title}: {status}, {priority}, answers rows {rows}").format(
            id=action.id, title=safe(action.title), status=word(ACTION_STATUS, action.status.label),
            priority=safe(action.priority), rows=rows_text))
    return 0


def _fix(args: argparse.Namespace) -> int:
    """`actions script` / `actions terraform`: the fix for chosen actions, as text."""
    if not args.ids:
        raise UsageError(_("`onboard actions {verb}` needs an ID: a suggested action id "
                           "(see `onboard actions suggest`), an action number, or 'all'")
                         .format(verb=args.verb))
    given = [f"--{n}" for n in ("owner", "due", "priority") if getattr(args, n, None)]
    if given:
        raise UsageError(_("{flags} only go with `onboard actions choose`")
                         .format(flags=", ".join(given)))
    if args.verb == "terraform" and not args.output:
        raise UsageError(_("`onboard actions terraform` needs -o DIR (the bundle is a "
                           "directory)"))
    store, session, catalog = open_session(args)
    _no_scan_hint(store, session.id, session.name)
    try:
        rows = orient.matrix(store, catalog, session.id)
        fi = gather(store, catalog, session.id, args.ids, args.account, rows)
        if args.verb == "script":
            text = fixscript.script(fi, args.profile_template,
                                    generated=f"session {session.name}")
            files = {}
        else:
            files = tfbundle.bundle(fi, args.profile_template)
    except (FixError, orient.OrientError) as exc:
        raise UsageError(str(exc)) from None
    if args.verb == "script":
        if args.output:
            _write(Path(args.output), text, mode=0o755)
            print(_("wrote {path}: {targets} failing resource(s) in {accounts} account(s)")
                  .format(path=args.output, targets=len(fi.targets),
                          accounts=len(fi.accounts)), file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    out_dir = Path(args.output)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(_("{path} exists and is not a directory").format(path=out_dir))
    for name, body in files.items():
        _write(out_dir / name, body)
    print(_("wrote {n} file(s) to {path}: {names}").format(
        n=len(files), path=out_dir, names=", ".join(files)), file=sys.stderr)
    return 0


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        path.chmod(mode)
    except OSError as exc:
        raise UsageError(_("cannot write {path}: {reason}").format(
            path=path, reason=exc.strerror)) from None
