"""`onboard demo`: the app against a bundled emulated startup org (moto), no AWS needed."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import platformdirs
from rich.console import Console

from onboard.cli.common import (
    UsageError,
    add_common,
    add_person,
    load_catalog,
    open_store,
    resolve_session,
    session_person,
)
from onboard.cli.common import console as cli_console
from onboard.cli.scan import print_summary, scan_with_progress
from onboard.i18n import _
from onboard.models import Account
from onboard.scan import ScanOptions
from onboard.workspace import Workspace

DEMO_SESSION = "demo"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo",
                       help=_("the TUI on an emulated startup org; no AWS account needed"),
                       description=_("Build an emulated four-account startup org in this "
                                     "process (moto; nothing leaves the machine), then open "
                                     "the TUI on it, or with --headless scan it and print the "
                                     "summary. The demo keeps its own database (demo.db in "
                                     "the user data dir) unless --db says otherwise."))
    add_common(p)
    add_person(p)
    p.add_argument("--headless", action="store_true",
                   help=_("build the org, scan it, print the summary; no TUI"))
    p.set_defaults(func=run)


def demo_db(args: argparse.Namespace) -> Path:
    """The demo keeps its own database unless --db says otherwise (ONBOARD_DB is the
    user's real one, so it is not used here)."""
    if getattr(args, "db", None):
        return Path(args.db)
    return Path(platformdirs.user_data_dir("onboard", appauthor=False)) / "demo.db"


def run(args: argparse.Namespace) -> int:
    try:
        from onboard.demo import build_in_process
    except ImportError as exc:  # moto is the `demo` extra
        raise UsageError(_("the demo needs moto: pip install 'onboard[demo]' ({reason})")
                         .format(reason=exc)) from None
    args.db = str(demo_db(args))
    store = open_store(args)
    session = resolve_session(store, getattr(args, "session", None) or DEMO_SESSION,
                              person=session_person(args))
    catalog = load_catalog(args)
    console = Console(stderr=True)
    with build_in_process() as org:
        options = ScanOptions(regions=list(org.regions), emulated=True)
        if not store.accounts(session.id):
            # The talk's day one: you were given production and staging; Organizations
            # will show the management and sandbox accounts nobody mentioned.
            Workspace(store, catalog, session.id).record_accounts([
                Account(account_id=a.id, name=a.name, source="manual", known_before=True,
                        environment=a.environment)
                for a in org.accounts.values() if a.environment in ("prod", "staging")])
        if args.headless:
            console.print(_("Emulated org: {n} accounts ({names}), regions {regions}; "
                            "database {path}").format(
                n=len(org.accounts), names=", ".join(org.accounts),
                regions=", ".join(org.regions), path=store.path))
            result = scan_with_progress(store, session.id, catalog, options)
            print_summary(cli_console(), result, catalog)
            return 1 if result.has_errors else 0
        from onboard.app import run_app

        return run_app(store, catalog, session, options, demo=True,
                       profile=os.environ.get("AWS_PROFILE", ""))
