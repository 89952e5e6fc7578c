"""`onboard` with no sub-command: open the TUI on the most recent session."""

from __future__ import annotations

import argparse

from onboard.cli.common import load_catalog, open_store, resolve_session, session_person
from onboard.scan import ScanOptions


def run(args: argparse.Namespace) -> int:
    store = open_store(args)
    profile = getattr(args, "profile", None) or ""
    session = resolve_session(store, getattr(args, "session", None), profile=profile,
                              person=session_person(args))
    catalog = load_catalog(args)  # in the session's language (resolve_session adopts it)
    from onboard.app import run_app  # textual loads only when the TUI is wanted

    options = ScanOptions(profile=profile or session.profile or None)
    return run_app(store, catalog, session, options, demo=False, profile=profile)
