"""`onboard sessions`: list onboarding sessions with progress per day."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.table import Table

from onboard import week
from onboard.cli.common import add_common, cell, load_catalog, open_store, safe
from onboard.cli.common import console as cli_console
from onboard.i18n import _
from onboard.store import default_path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sessions", help=_("list sessions with progress"),
                       description=_("List the onboarding sessions in the database, with the "
                                     "tasks done per day of the week plan."))
    add_common(p)
    p.set_defaults(func=run)


def _no_sessions() -> str:
    return _("No sessions yet. `onboard demo` tries the app on an emulated org; "
             "`onboard` starts your own.")


def run(args: argparse.Namespace) -> int:
    console = cli_console()
    catalog = load_catalog(args)  # a broken checklist is said even before any session
    path = Path(getattr(args, "db", None) or default_path())
    if not path.exists():  # a read command makes no file or folder
        console.print(_no_sessions())
        return 0
    store = open_store(args, create=False)
    sessions = store.sessions()
    if not sessions:
        console.print(_no_sessions())
        return 0
    table = Table(title=_("Sessions in {path}").format(path=safe(store.path)),
                  title_justify="left")
    table.add_column(_("name"), no_wrap=True)
    table.add_column(_("person"), no_wrap=True)
    table.add_column(_("started"), no_wrap=True)
    table.add_column(_("tasks done per day"), overflow="fold")
    table.add_column(_("overall"), justify="right", no_wrap=True)
    for s in sessions:
        days = week.progress(catalog, store, s.id)
        done, total = sum(d.done for d in days), sum(d.total for d in days)
        table.add_row(cell(s.name), cell(s.person), cell(s.started),
                      "  ".join(_("d{day} {done}/{total}").format(
                          day=d.day, done=d.done, total=d.total) for d in days),
                      f"{round(100 * done / total) if total else 0}%")
    console.print(table)
    return 0
