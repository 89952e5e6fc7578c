"""`onboard db backup PATH | db check`: copy the database safely, or check it read-only."""

from __future__ import annotations

import argparse
import sys

from onboard.cli.common import UsageError, add_common, open_store
from onboard.store import check_file, default_path
from onboard.textsafe import visible


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "db", help="back up or check the database",
        description="backup PATH: a consistent copy of the whole database (SQLite's online "
                    "backup; safe while the app is open), created 0600. check: a full "
                    "integrity check, read-only: a damaged file is left exactly as it is.")
    add_common(p)
    p.add_argument("verb", choices=("backup", "check"),
                   help="backup PATH: a consistent copy (SQLite's online backup); check: "
                        "read the whole file and say whether it is sound")
    p.add_argument("path", nargs="?", metavar="PATH", help="with backup: the copy to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.verb == "backup":
        if not args.path:
            raise UsageError("`onboard db backup` needs the PATH of the copy to write")
        store = open_store(args)
        try:
            written = store.backup(args.path)
        finally:
            store.close()
        print(f"backed up {visible(store.path)} to {visible(written)}")
        return 0
    if args.path:
        raise UsageError("`onboard db check` takes no PATH; use --db to name the database")
    path = getattr(args, "db", None) or default_path()
    problems = check_file(path)
    if problems:
        print(f"onboard: {visible(path)}: the database is damaged: {visible(problems[0])}"
              + (f" (+{len(problems) - 1} more problems)" if len(problems) > 1 else "")
              + "; the file is untouched — restore a backup", file=sys.stderr)
        return 2
    print(f"{visible(path)}: ok (full integrity check)")
    return 0
