"""Entry point: `onboard` and its sub-commands (the contract in DESIGN.md)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from onboard import __version__, i18n, linebreak
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
from onboard.cli.common import C_, UsageError, add_common
from onboard.cli.helpformat import Parser, speak_argparse
from onboard.i18n import N_, _
from onboard.store import StoreError
from onboard.textsafe import visible

EPILOG = N_("""\
examples:
  onboard demo                      try the app on an emulated startup org (no AWS needed)
  onboard demo --headless           the same, scanned and summarised without the TUI
  onboard policy > policy.json      the read-only IAM policy a scan needs
  onboard scan --profile audit      scan every account and region the profile reaches
  onboard                           the TUI on the most recent session
  onboard export -o report.md       the full report; --only decisions for the table
  onboard policy | head -5          output can be piped; a closed pipe ends quietly

exit codes:
  0    done (scan: every check ran)
  1    scan or demo --headless: some checks could not run (ERROR)
  2    bad input or setup: one line on stderr says why; nothing was changed
  130  interrupted (Ctrl+C)

environment:
  ONBOARD_DB (database path), {checklists} (checklists folder),
  AWS_PROFILE / AWS_ENDPOINT_URL as boto3 reads them.
""")

COMMANDS = (demo, scan, export, actions, matrix, assets, sessions, week, policy, tf, sso,
            profiles, db)


def build_parser() -> argparse.ArgumentParser:
    speak_argparse()
    parser = Parser(
        prog="onboard",
        description=_("Walks a newly joined SRE through the first week of securing a "
                      "startup's AWS: Observe, Orient, Decide, Act. With no sub-command it "
                      "opens the TUI on the most recent session."),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_(EPILOG).format(checklists=CHECKLISTS_ENV),
    )
    parser.add_argument("--version", action="version", version=f"onboard {__version__}",
                        help=_("show program's version number and exit"))
    add_common(parser, top=True)
    parser.add_argument("--profile", help=_("AWS profile for scans started from the TUI"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    for name, child in sub.choices.items():  # `onboard X --help` opens with what X does
        if not child.description:
            child.description = next((a.help for a in sub._choices_actions
                                      if a.dest == name), None)
    parser.set_defaults(func=tui.run)
    return parser


def _lang_arg(argv: Sequence[str]) -> str | None:
    """--lang from the command line before parsing it, so the help is in that language."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        i18n.start(_lang_arg(argv))
    except i18n.LanguageError as exc:
        print(f"onboard: error: {exc}", file=sys.stderr)
        return 2
    linebreak.install()  # Japanese breaks anywhere but before 。 and after 「
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
        print("onboard: " + C_(N_("CLI|interrupted")), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _closed_pipe()


def _closed_pipe() -> int:
    """The reader went away (`onboard policy | head`): stop quietly, like other Unix tools.

    stdout is pointed at /dev/null so the interpreter's final flush does not raise again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
