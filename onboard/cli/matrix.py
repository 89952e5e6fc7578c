"""`onboard matrix`: the Orient matrix without the TUI — list, add custom rows, edit."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from onboard import orient
from onboard.cli.common import (
    C_,
    ROW_STATUS,
    UsageError,
    add_common,
    open_session,
    safe,
    word,
)
from onboard.cli.common import console as cli_console
from onboard.i18n import N_, _
from onboard.workspace import Workspace

VERBS = ("list", "add", "edit", "reset", "delete", "reviewed", "split")
FIELD_HELP = {
    "observation": N_("with add/edit: the row's observation"),
    "incident": N_("with add/edit: the row's incident"),
    "reason": N_("with add/edit: the row's reason"),
    "stride": N_("with add/edit: the row's stride"),
}
"""Help for each text field of a row (a field orient adds later reads the generic one)."""
FIELD_HELP_OTHER = N_("with add/edit: the row's {name}")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "matrix", help=_("the observation → incident → reason matrix with risk scores"),
        description=_("list: the matrix, highest risk first, as derived from the current "
                      "scan (a pure read). add: a custom row for what no check sees. edit "
                      "ROW: change fields (kept across rescans). reset ROW: give fields back "
                      "to the generator. delete ROW: remove a custom row. reviewed: say you "
                      "agree with every row (the week plan's review task). split "
                      "--per-account|--per-check: one row per check × account, or per "
                      "check."))
    add_common(p)
    p.add_argument("verb", choices=VERBS, help=_("what to do (see above)"))
    p.add_argument("row", nargs="?", type=int,
                   help=_("with edit/reset/delete: the row number"))
    p.add_argument("fields", nargs="*", metavar="FIELD",
                   help=_("with reset: fields to reset (default: all edited ones)"))
    for name in orient.TEXT_FIELDS:
        p.add_argument(f"--{name}", default=None, help=_(FIELD_HELP.get(
            name, FIELD_HELP_OTHER)).format(name=name))
    p.add_argument("--threat", type=int, choices=(1, 2, 3), default=None,
                   help=_("with add/edit: how likely someone tries it (3 = most)"))
    p.add_argument("--vulnerability", type=int, choices=(1, 2, 3), default=None,
                   help=_("with add/edit: how exposed the resources are (3 = most)"))
    p.add_argument("--resource", action="append", default=[], metavar="ID_OR_ARN",
                   help=_("with add: a resource the row is about (repeatable; links assets)"))
    split = p.add_mutually_exclusive_group()
    split.add_argument("--per-account", dest="per_account", action="store_true",
                       default=None, help=_("one row per check and account"))
    split.add_argument("--per-check", dest="per_account", action="store_false",
                       help=_("one row per check (the default)"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store, session, catalog = open_session(args)
    changes = {n: getattr(args, n) for n in orient.EDITABLE_FIELDS
               if getattr(args, n, None) is not None}
    console = cli_console()
    ws = Workspace(store, catalog, session.id)
    try:
        if args.per_account is not None:  # the user asks for the other split: a write
            ws.set_per_account(args.per_account)
        if args.verb == "split":
            if args.per_account is None:
                raise UsageError(_("`onboard matrix split` needs --per-account or "
                                   "--per-check"))
            console.print(_("one row per check and account") if args.per_account
                          else _("one row per check"))
            return 0
        if args.verb == "list":
            return _list(console, orient.matrix(store, catalog, session.id))
        if args.verb == "reviewed":
            ws.mark_matrix_reviewed()
            console.print(_("matrix marked reviewed"))
            return 0
        if args.verb == "add":
            row = ws.add_custom_row(changes.pop("observation", ""),
                                    resources=args.resource, **changes)
            console.print(_("added row {id}: risk {score}").format(id=row.id,
                                                                    score=row.score))
            return 0
        if args.row is None:
            raise UsageError(_("`onboard matrix {verb}` needs a ROW number")
                             .format(verb=args.verb))
        if args.verb == "edit":
            if not changes:
                raise UsageError(_("nothing to change: pass --observation, --incident, "
                                   "--reason, --stride, --threat or --vulnerability"))
            row = ws.edit_row(args.row, **changes)
        elif args.verb == "reset":
            row = ws.reset_fields(args.row, *args.fields)
        else:
            ws.delete_row(args.row)
            console.print(_("deleted row {id}").format(id=args.row))
            return 0
        console.print(_("row {id}: risk {score} ({why})").format(
            id=row.id, score=row.score, why=safe(row.risk.explanation))
            if row.risk else _("row {id}").format(id=row.id))
        return 0
    except orient.OrientError as exc:
        raise UsageError(str(exc)) from None


def _list(console: Console, rows: list[orient.MatrixRow]) -> int:
    if not rows:
        console.print(_("The matrix is empty: run `onboard scan`, or `onboard matrix add "
                        "--observation TEXT` for something no check sees."))
        return 0
    table = Table(title=_("Matrix (highest risk first)"), show_lines=True)
    for name, justify in ((N_("row"), "right"), (N_("observation"), "left"),
                          (N_("assumed incident"), "left"), (N_("reason"), "left"),
                          ("STRIDE", "left"), (N_("risk"), "right"), (N_("why"), "left")):
        table.add_column(_(name), justify=justify,  # type: ignore[arg-type]
                         overflow="fold")
    for r in rows:
        state = (f" [dim]({word(ROW_STATUS, r.status)})[/]"
                 + (" [dim]({})[/]".format(C_(N_("CLI row|custom"))) if r.custom else ""))
        edited = " [dim]✎[/]" if r.edited and not r.custom else ""
        table.add_row(f"{r.id}{state}", safe(r.observation) + edited, safe(r.incident),
                      safe(r.reason), safe(r.stride), str(r.score),
                      safe(r.risk.explanation if r.risk else ""))
    console.print(table)
    return 0
