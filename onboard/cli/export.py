"""`onboard export`: the report, the decision table, findings, the diagram."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from onboard import export as export_mod
from onboard.cli.common import UsageError, add_common, load_catalog, open_store, resolve_session
from onboard.textsafe import visible
from onboard.workspace import Workspace


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write the report / decision table / findings / diagram",
                       description="Write what the session knows: the full report "
                                   "(markdown), every finding (json, csv), the architecture "
                                   "(mermaid), or with --only decisions the decision table.")
    add_common(p)
    p.add_argument("--format", choices=("markdown", "json", "csv", "mermaid"),
                   default="markdown",
                   help="markdown: the report (default); json / csv: the findings and "
                        "the decision table; mermaid: the architecture diagram")
    p.add_argument("--only", choices=("decisions",), default=None,
                   help="only the decision table")
    p.add_argument("-o", "--output", metavar="FILE", default=None,
                   help="write to FILE (default: stdout)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args)
    catalog = load_catalog(args)
    session = resolve_session(store, getattr(args, "session", None), create=False)
    try:
        text = export_mod.export(store, catalog, session.id, args.format, args.only)
    except export_mod.ExportError as exc:
        raise UsageError(str(exc)) from None
    activity = export_mod.activity_of(store, catalog, session.id, args.format, args.only)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
    else:
        path = Path(args.output)
        try:
            export_mod.write_atomic(path, text)
        except OSError as exc:
            raise UsageError(f"{path}: cannot write ({exc.strerror or exc}); "
                             "the previous file, if any, is unchanged") from None
        print(visible(path), file=sys.stderr)
    if activity is not None:  # the append-only activity log: the week plan reads it
        Workspace(store, catalog, session.id).record_export(activity[0], **activity[1])
    return 0
