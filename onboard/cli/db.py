"""`onboard db backup PATH | db check`: copy the database safely, or check it read-only."""

from __future__ import annotations

import argparse
import sys

from onboard.cli.common import UsageError, add_common, open_store
from onboard.i18n import _
from onboard.store import check_file, default_path
from onboard.textsafe import visible


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "db", help=_("back up or check the database"),
        description=_("backup PATH: a consistent copy of the whole database (SQLite's online "
                      "backup; safe while the app is open), created 0600. check: a full "
                      "integrity check, read-only: a damaged file is left exactly as it is."))
    add_common(p)
    p.add_argument("verb", choices=("backup", "check"),
                   help=_("backup PATH: a consistent copy (SQLite's online backup); check: "
                          "read the whole file and say whether it is sound"))
    p.add_argument("path", nargs="?", metavar="PATH",
                   help=_("with backup: the copy to write"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.verb == "backup":
        if not args.path:
            raise UsageError(_("`onboard db backup` needs the PATH of the copy to write"))
        store = open_store(args)
        try:
            written = store.backup(args.path)
        finally:
            store.close()
        print(_("backed up {path} to {copy}").format(path=visible(store.path),
                                                     copy=visible(written)))
        return 0
    if args.path:
        raise UsageError(_("`onboard db check` takes no PATH; use --db to name the "
                           "database"))
    path = getattr(args, "db", None) or default_path()
    problems = check_file(path)
    if problems:
        more = (_(" (+{n} more problems)").format(n=len(problems) - 1)
                if len(problems) > 1 else "")
        print(f"onboard: {visible(path)}: "
              + _("the database is damaged: {problem}{more}; the file is untouched — "
                  "restore a backup").format(problem=visible(problems[0]), more=more),
              file=sys.stderr)
        return 2
    print(_("{path}: ok (full integrity check)").format(path=visible(path)))
    return 0
