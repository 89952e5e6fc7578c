"""`onboard week`: every task of the week plan, whether it is done, who decided, and why."""

from __future__ import annotations

import argparse
import json
import sys

from rich.table import Table
from rich.text import Text

from onboard import week
from onboard.cli.common import (
    DECIDED_BY,
    add_common,
    cell,
    open_session,
    safe,
    word,
)
from onboard.cli.common import console as cli_console
from onboard.i18n import _


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "week", help=_("the week plan: every task, done or not, by whom, and why"),
        description=_("Each task with a rule is decided from the data (e.g. 'every "
                      "high-risk matrix row has a chosen action with an owner and a due "
                      "date'); a tick or untick you made in the TUI wins over the rule. The "
                      "reason says why an open task is open. The same data the Week screen "
                      "shows."))
    add_common(p)
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("table (default) or JSON for scripts"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store, session, catalog = open_session(args)
    states = week.task_states(catalog, store, session.id)
    day = week.current_day(catalog, store, session.id, states)
    if args.format == "json":
        json.dump({"session": session.name, "day": day, "tasks": [
            {"day": s.day, "id": s.task.id, "title": s.task.title, "phase": s.task.phase.value,
             "done": s.done, "by": s.by, "rule": s.task.auto, "reason": s.reason}
            for s in states]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    table = Table(title=_("Week plan of {name}: day {day} of {days}").format(
                      name=safe(repr(session.name)), day=day, days=len(catalog.days)),
                  title_justify="left")
    table.add_column(_("day"), justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column(_("task"))
    table.add_column(_("by"), no_wrap=True)
    table.add_column(_("why"), overflow="fold")
    for s in states:
        table.add_row(str(s.day), Text("✓" if s.done else "·",
                                       style="green" if s.done else "dim"),
                      cell(s.task.title), cell(word(DECIDED_BY, s.by)), cell(s.reason))
    cli_console().print(table)
    return 0
