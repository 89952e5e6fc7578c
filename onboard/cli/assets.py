"""`onboard assets`: declare information assets and link them to resources (scriptable)."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from onboard import assets as assets_mod
from onboard.assets import AssetError, AssetIndex
from onboard.cli.common import (
    UsageError,
    add_common,
    load_catalog,
    open_store,
    resolve_session,
    safe,
)
from onboard.cli.common import console as cli_console
from onboard.i18n import _
from onboard.store import Store
from onboard.workspace import Workspace

VERBS = ("list", "add", "link", "unlink", "remove")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "assets", help=_("declare information assets (value 1-3) and link them to "
                         "resources"),
        description=_("Examples: onboard assets add 'investor cap tables' --value 3 "
                      "--link 'pattern:cap-table*' --link tag:data=investor; "
                      "onboard assets link 'investor cap tables' arn:aws:s3:::deal-room; "
                      "onboard assets list"))
    add_common(p)
    p.add_argument("verb", choices=VERBS, help=_("what to do with the asset NAME"))
    p.add_argument("name", nargs="?", help=_("the asset's name (or number)"))
    p.add_argument("links", nargs="*", metavar="LINK",
                   help=_("with link/unlink: arn:ARN, pattern:GLOB or tag:KEY=VALUE"))
    p.add_argument("--value", type=int, choices=(1, 2, 3), default=None,
                   help=_("with add: how much it would hurt to lose or leak (3 = most)"))
    p.add_argument("--description", default=None, help=_("with add: what it is"))
    p.add_argument("--link", action="append", default=[], dest="add_links", metavar="LINK",
                   help=_("with add: arn:ARN, pattern:GLOB or tag:KEY=VALUE (repeatable)"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Usage errors first: a refused `assets add` must not leave a new session behind.
    if args.verb != "list" and not args.name:
        raise UsageError(_needs_name(args.verb))
    if args.verb == "add" and args.value is None:
        raise UsageError(_("`onboard assets add` needs --value 1, 2 or 3"))
    if args.verb in ("link", "unlink") and not args.links:
        raise UsageError(_needs_link(args.verb))
    store = open_store(args, create=args.verb == "add")
    session = resolve_session(store, getattr(args, "session", None),
                              create=args.verb == "add")
    ws = Workspace(store, load_catalog(args), session.id)
    console = cli_console()
    try:
        if args.verb == "list":
            return _list(console, store, session.id)
        if not args.name:
            raise UsageError(_needs_name(args.verb))
        if args.verb == "add":
            if args.value is None:
                raise UsageError(_("`onboard assets add` needs --value 1, 2 or 3"))
            asset = ws.add_asset(args.name, args.value, args.description or "",
                                 args.add_links + args.links)
            console.print(_("asset {id} {name} (value {value}), {n} link(s)").format(
                id=asset.id, name=safe(asset.name), value=asset.value, n=len(asset.links)))
            return 0
        asset = assets_mod.get_asset(store, session.id, args.name)
        if args.verb == "remove":
            ws.delete_asset(asset.id)
            console.print(_("removed asset {name}").format(name=safe(asset.name)))
            return 0
        if not args.links:
            raise UsageError(_needs_link(args.verb))
        for text in args.links:
            kind, value = assets_mod.parse_link(text)
            if args.verb == "link":
                ws.link_asset(asset.id, kind, value)
            else:
                match = [lk for lk in asset.links if (lk.kind, lk.value) == (kind, value)]
                if not match:
                    raise UsageError(_("{name} has no link {link}").format(
                        name=repr(asset.name), link=f"{kind}:{value!r}"))
                ws.unlink_asset(match[0].id)
        done = (_("linked {n} link(s) on {name}") if args.verb == "link"
                else _("unlinked {n} link(s) on {name}"))
        console.print(done.format(n=len(args.links), name=safe(asset.name)))
        return 0
    except AssetError as exc:
        raise UsageError(str(exc)) from None


def _needs_name(verb: str) -> str:
    return _("`onboard assets {verb}` needs the asset's name").format(verb=verb)


def _needs_link(verb: str) -> str:
    return _("`onboard assets {verb}` needs at least one LINK").format(verb=verb)


def _list(console: Console, store: Store, session_id: int) -> int:
    scan = store.latest_scan(session_id)
    index = AssetIndex.load(store, session_id, scan.id if scan else None, full=True)
    if not index.assets:
        console.print(_("No information assets yet: `onboard assets add NAME --value 3 "
                        "--link pattern:GLOB`."))
        return 0
    table = Table(title=_("Information assets"))
    table.add_column("#", justify="right")
    table.add_column(_("asset"))
    table.add_column(_("value"), justify="right")
    table.add_column(_("description"))
    table.add_column(_("links"))
    table.add_column(_("matches in the latest scan"), overflow="fold")
    for a in index.assets:
        hits = [r.id for r in index.inventory_matches(a)]
        shown = safe(", ".join(hits[:5]))
        if len(hits) > 5:
            shown += _(" +{n} more").format(n=len(hits) - 5)
        table.add_row(str(a.id), safe(a.name), str(a.value), safe(a.description) or "—",
                      safe("\n".join(lk.label for lk in a.links)) or "—",
                      shown or ("—" if scan else _("no scan yet")))
    console.print(table)
    return 0
