"""What every sub-command shares: --db/--checklists/--session, opening store and session."""

from __future__ import annotations

import argparse
import os

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from onboard import catalog as catalog_mod
from onboard import i18n
from onboard.catalog import Catalog
from onboard.i18n import N_, _
from onboard.labels import ACCESS as ACCOUNT_ACCESS  # noqa: F401 (the report's words)
from onboard.labels import C_ as C_  # the CLI's value words share the report's
from onboard.labels import ROW_STATUS as ROW_STATUS
from onboard.labels import SEVERITY as SEVERITY
from onboard.labels import label as word  # noqa: F401 (the commands import it from here)
from onboard.models import SessionInfo
from onboard.store import Store
from onboard.textsafe import visible

# Values that are contracts in JSON and the database (a status, a severity, who decided a
# task) but words when shown to a person. A bare word ("open", "done") means different
# things in different places and sits in other PO files too, where two translations of one
# msgid are an error: these msgids carry a context before a `|`, as the screens' do.
ACTION_STATUS = {"proposed": N_("CLI action status|proposed"),
                 "chosen": N_("CLI action status|chosen"),
                 "in progress": N_("CLI action status|in progress"),
                 "done": N_("CLI action status|done"),
                 "won't do": N_("CLI action status|won't do")}
"""By `ActionStatus.label`."""
EFFORT = {"small": N_("CLI effort|small"), "medium": N_("CLI effort|medium"),
          "large": N_("CLI effort|large")}
DECIDED_BY = {"user": N_("CLI decided by|user"), "derived": N_("CLI decided by|derived"),
              "open": N_("CLI decided by|open")}
"""Who decided a task of the week plan (`onboard week`'s `by`)."""
SCAN_PHASE = {"identity": N_("CLI scan phase|identity"),
              "accounts": N_("CLI scan phase|accounts"),
              "collect": N_("CLI scan phase|collect"),
              "evaluate": N_("CLI scan phase|evaluate"),
              "done": N_("CLI scan phase|done"), "scan": N_("CLI scan phase|scan")}


class UsageError(Exception):
    """Bad input from the user; printed as one line, exit code 2."""


def add_common(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """--db, --checklists and --session, accepted before or after the sub-command."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", metavar="PATH", default=default,
                        help=_("SQLite file (default: the user data dir; env ONBOARD_DB)"))
    parser.add_argument("--checklists", metavar="DIR", default=default,
                        help=_("a team's edited copy of the checklists folder "
                               "(env ONBOARD_CHECKLISTS)"))
    parser.add_argument("--session", metavar="NAME", default=default,
                        help=_("the onboarding session to use or create "
                               "(default: the most recent one)"))
    add_lang(parser, top)
    if top:
        add_person(parser, top=True)


def add_lang(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """--lang, on every command (main() reads it before the parser is built, so help is in
    that language too)."""
    parser.add_argument("--lang", metavar="LANG", default=None if top else argparse.SUPPRESS,
                        help=_("language: ja or en (env ONBOARD_LANG; default: the session's "
                               "language, else the locale)"))


def add_person(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """--person: who runs the onboarding, stored in the session when it is created (or
    changed when given again); never guessed from the OS user."""
    parser.add_argument("--person", dest="session_person", metavar="NAME",
                        default=None if top else argparse.SUPPRESS,
                        help=_("who runs this onboarding (shown in reports; default: not "
                               "set)"))


def session_person(args: argparse.Namespace) -> str | None:
    value = getattr(args, "session_person", None)
    return None if value is None else " ".join(value.split())


def open_store(args: argparse.Namespace, create: bool = True) -> Store:
    """The database; read commands pass create=False so they never make a file or folder."""
    return Store.open(getattr(args, "db", None), create=create)


def load_catalog(args: argparse.Namespace) -> Catalog:
    """The checklists in the language being spoken (load it after `resolve_session`, which
    adopts the session's language)."""
    return catalog_mod.load(getattr(args, "checklists", None), i18n.current())


def open_session(args: argparse.Namespace) -> tuple[Store, SessionInfo, Catalog]:
    """What a command on an existing session opens, in the order the language needs: the
    store (never created), the session (which adopts its language), then the checklists in
    that language."""
    store = open_store(args, create=False)
    session = resolve_session(store, getattr(args, "session", None), create=False)
    return store, session, load_catalog(args)


def resolve_session(store: Store, name: str | None, profile: str = "",
                    create: bool = True, person: str | None = None) -> SessionInfo:
    """The named session (created if missing), else the most recent, else a new one.
    `person` (from --person) is stored on a new session and replaces the stored one."""
    if name:
        found = store.session_by_name(name)
        if found is None:
            if not create:
                raise UsageError(_("no session named {name}; `onboard sessions` lists them")
                                 .format(name=repr(name)))
            found = store.create_session(name, person=person or "", profile=profile,
                                         lang=i18n.current())
    else:
        found = store.latest_session()
        if found is None:
            if not create:
                raise UsageError(_("no session yet; run `onboard scan` or `onboard demo` "
                                   "first"))
            found = store.create_session("onboarding", person=person or "",
                                         profile=profile, lang=i18n.current())
    if person is not None and person != found.person:
        store.update_session(found.id, person=person)
        found = store.session(found.id)
    store.touch_session(found.id)
    i18n.adopt(found.lang)
    return found


def console(stderr: bool = False) -> Console:
    """A rich console; when output is not a terminal (piped, CI), 120 columns rather than
    rich's 80, so tables stay readable in files and logs (COLUMNS still wins).

    No emoji codes: a name like `:warning:` is shown as typed."""
    probe = Console(stderr=stderr, emoji=False)
    if probe.is_terminal or os.environ.get("COLUMNS"):
        return probe
    return Console(stderr=stderr, width=120, emoji=False)


def safe(value: object) -> str:
    """AWS or user text for a rich markup string: controls made visible, markup escaped."""
    return escape(visible(value))


def cell(value: object, style: str = "", multiline: bool = False) -> Text:
    """AWS or user text as a table cell: a Text (never parsed as markup), controls visible."""
    return Text(visible(value, multiline=multiline), style=style)
