"""Entry point: `onboard` and its sub-commands (the contract in DESIGN.md)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from onboard import __version__
from onboard.catalog import ENV_VAR as CHECKLISTS_ENV
from onboard.catalog import CatalogError
from onboard.cli import (
    actions,
    assets,
    db,
    demo,
    export,
    matrix,
    policy,
    profiles,
    scan,
    sessions,
    sso,
    tf,
    tui,
    week,
)
from onboard.cli.common import UsageError, add_common
from onboard.store import StoreError
from onboard.textsafe import visible

COMMANDS = (demo, scan, export, actions, matrix, assets, sessions, week, policy, tf, sso,
            profiles, db)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="onboard",
        description="Walks a newly joined SRE through the first week of securing a "
                    "startup's AWS: Observe, Orient, Decide, Act. With no sub-command it "
                    "opens the TUI on the most recent session.",
        epilog=f"Environment: ONBOARD_DB (database path), {CHECKLISTS_ENV} (checklists "
               "folder), AWS_PROFILE / AWS_ENDPOINT_URL as boto3 reads them.",
    )
    parser.add_argument("--version", action="version", version=f"onboard {__version__}")
    add_common(parser, top=True)
    parser.add_argument("--profile", help="AWS profile for scans started from the TUI")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    parser.set_defaults(func=tui.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "checklists", None):
        os.environ[CHECKLISTS_ENV] = args.checklists
    try:
        return int(args.func(args) or 0)
    except (UsageError, StoreError, CatalogError) as exc:
        print(f"onboard: error: {visible(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("onboard: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
