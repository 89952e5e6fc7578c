"""`onboard export`: the report, the decision table, findings, the diagram."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from onboard import export as export_mod
from onboard.cli.common import (
    UsageError,
    add_common,
    open_session,
)
from onboard.i18n import _
from onboard.textsafe import visible
from onboard.workspace import Workspace


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export",
                       help=_("write the report / decision table / findings / diagram"),
                       description=_("Write what the session knows: the full report "
                                     "(markdown), every finding (json, csv), the architecture "
                                     "(mermaid), or with --only decisions the decision "
                                     "table."))
    add_common(p)
    p.add_argument("--format", choices=("markdown", "json", "csv", "mermaid"),
                   default="markdown",
                   help=_("markdown: the report (default); json / csv: the findings and "
                          "the decision table; mermaid: the architecture diagram"))
    p.add_argument("--only", choices=export_mod.ONLY, default=None,
                   help=_("one table: the decision table, the findings, the matrix or the "
                          "actions (CSV: one table per file; default CSV: the findings)"))
    p.add_argument("-o", "--output", metavar="FILE", default=None,
                   help=_("write to FILE, created 0600 (default: stdout)"))
    p.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store, session, catalog = open_session(args)
    try:
        text = export_mod.export_chunks(store, catalog, session.id, args.format, args.only)
    except export_mod.ExportError as exc:
        raise UsageError(str(exc)) from None
    activity = export_mod.activity_of(store, catalog, session.id, args.format, args.only)
    if not args.output or args.output == "-":
        sys.stdout.writelines(text)
    else:
        path = Path(args.output)
        write_private(path, text, force=args.force)
        print(visible(path), file=sys.stderr)
    if activity is not None:  # the append-only activity log: the week plan reads it
        Workspace(store, catalog, session.id).record_export(activity[0], **activity[1])
    return 0


def write_private(path: Path, text: str | Iterable[str], force: bool = False) -> None:
    """Write an export atomically (`export.write_atomic`) and 0600 (it holds the same
    inventory as the database); refuse a path that exists unless `force`. UsageError (one
    line) on any failure; the previous file, if any, is unchanged."""
    if path.is_dir():
        raise UsageError(_("{path}: is a directory; give a file name").format(path=path))
    if (path.exists() or path.is_symlink()) and not force:
        raise UsageError(_("{path}: exists; pass --force to replace it").format(path=path))
    try:
        export_mod.write_atomic(path, text)
        os.chmod(path, 0o600)
    except OSError as exc:
        raise UsageError(_("{path}: cannot write ({reason}); the previous file, if any, "
                           "is unchanged").format(path=path, reason=exc.strerror or exc)
                         ) from None
