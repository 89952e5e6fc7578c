"""`onboard matrix`: the Orient matrix without the TUI — list, add custom rows, edit."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from onboard import orient
from onboard.cli.common import (
    UsageError,
    add_common,
    load_catalog,
    open_store,
    resolve_session,
    safe,
)
from onboard.cli.common import console as cli_console

VERBS = ("list", "add", "edit", "reset", "delete")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "matrix", help="the observation → incident → reason matrix with risk scores",
        description="list: the matrix, highest risk first (refreshed from the latest "
                    "scan). add: a custom row for what no check sees. edit ROW: change "
                    "fields (kept across rescans). reset ROW: give fields back to the "
                    "generator. delete ROW: remove a custom row.")
    add_common(p)
    p.add_argument("verb", choices=VERBS)
    p.add_argument("row", nargs="?", type=int, help="with edit/reset/delete: the row number")
    p.add_argument("fields", nargs="*", metavar="FIELD",
                   help="with reset: fields to reset (default: all edited ones)")
    for name in orient.TEXT_FIELDS:
        p.add_argument(f"--{name}", default=None)
    p.add_argument("--threat", type=int, choices=(1, 2, 3), default=None)
    p.add_argument("--vulnerability", type=int, choices=(1, 2, 3), default=None)
    p.add_argument("--resource", action="append", default=[], metavar="ID_OR_ARN",
                   help="with add: a resource the row is about (repeatable; links assets)")
    split = p.add_mutually_exclusive_group()
    split.add_argument("--per-account", dest="per_account", action="store_true",
                       default=None, help="one row per check and account")
    split.add_argument("--per-check", dest="per_account", action="store_false",
                       help="one row per check (the default)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args)
    catalog = load_catalog(args)
    session = resolve_session(store, getattr(args, "session", None), create=False)
    changes = {n: getattr(args, n) for n in orient.EDITABLE_FIELDS
               if getattr(args, n, None) is not None}
    console = cli_console()
    try:
        rows = orient.refresh(store, catalog, session.id, per_account=args.per_account)
        if args.verb == "list":
            return _list(console, rows)
        if args.verb == "add":
            row = orient.add_custom_row(
                store, catalog, session.id, changes.pop("observation", ""),
                resources=args.resource, **changes)
            console.print(f"added row {row.id}: risk {row.score}")
            return 0
        if args.row is None:
            raise UsageError(f"`onboard matrix {args.verb}` needs a ROW number")
        if args.verb == "edit":
            if not changes:
                raise UsageError("nothing to change: pass --observation, --incident, "
                                 "--reason, --stride, --threat or --vulnerability")
            row = orient.edit_row(store, catalog, session.id, args.row, **changes)
        elif args.verb == "reset":
            row = orient.reset_fields(store, catalog, session.id, args.row, *args.fields)
        else:
            orient.delete_row(store, catalog, session.id, args.row)
            console.print(f"deleted row {args.row}")
            return 0
        console.print(f"row {row.id}: risk {row.score} ({safe(row.risk.explanation)})"
                      if row.risk else f"row {row.id}")
        return 0
    except orient.OrientError as exc:
        raise UsageError(str(exc)) from None


def _list(console: Console, rows: list[orient.MatrixRow]) -> int:
    if not rows:
        console.print("The matrix is empty: run `onboard scan`, or `onboard matrix add "
                      "--observation TEXT` for something no check sees.")
        return 0
    table = Table(title="Matrix (highest risk first)", show_lines=True)
    for name, justify in (("row", "right"), ("observation", "left"),
                          ("assumed incident", "left"), ("reason", "left"),
                          ("STRIDE", "left"), ("risk", "right"), ("why", "left")):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for r in rows:
        state = " [green](fixed)[/]" if r.fixed else " [dim](custom)[/]" if r.custom else ""
        edited = " [dim]✎[/]" if r.edited and not r.custom else ""
        table.add_row(f"{r.id}{state}", safe(r.observation) + edited, safe(r.incident),
                      safe(r.reason), safe(r.stride), str(r.score),
                      safe(r.risk.explanation if r.risk else ""))
    console.print(table)
    return 0
