"""`onboard tf import PATH [PATH ...]`: which resources Terraform manages.

Reads each state file (format version 4, or `terraform show -json` output) into the session,
then matches it against the latest scan: how many state resources were read, how many match
the inventory, and per account how many resources no state manages (made by hand).
"""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from onboard import terraform
from onboard.cli.common import (
    UsageError,
    add_common,
    cell,
    load_catalog,
    open_store,
    resolve_session,
    safe,
)
from onboard.i18n import _, ngettext
from onboard.workspace import Workspace


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tf", help=_("read a tfstate / `terraform show -json` file"),
                       description=_("Import Terraform state into the session, so findings "
                                     "name the Terraform address that manages a resource and "
                                     "the report lists hand-made (unmanaged) resources."))
    add_common(p)
    p.add_argument("verb", choices=("import",),
                   help=_("import: read the files into the session"))
    p.add_argument("path", metavar="PATH", nargs="+",
                   help=_("a .tfstate file (version 4), `terraform state pull` or "
                          "`terraform show -json` output; several files may be given "
                          "(one per environment or stack)"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args)
    session = resolve_session(store, getattr(args, "session", None))
    try:
        result = Workspace(store, load_catalog(args), session.id).import_terraform(args.path)
    except terraform.TerraformError as exc:
        raise UsageError(_("{error} (nothing imported)").format(error=exc)) from None
    console = Console(highlight=False, soft_wrap=True, emoji=False)
    for f in result.files:
        modules = (ngettext(" in {n} module", " in {n} modules", f.modules).format(
            n=f.modules) if f.modules else "")
        console.print(_("Read {n} AWS resources{modules} from {path} ({known} of types "
                        "onboard inventories).").format(
            n=len(f.resources), modules=modules, path=safe(f.path), known=f.known_types))
    console.print(_("Session {name} now knows {n} Terraform-managed resources.").format(
        name=safe(repr(session.name)), n=result.total_rows))
    m = result.match
    if m is None:
        console.print(_("No scan yet: matching against the inventory happens after "
                        "`onboard scan` (findings then show their Terraform address)."))
        return 0
    console.print(_("Matched {matched} of them to {managed} resources in the inventory of "
                    "scan {scan}.").format(matched=m.matched_rows, managed=m.managed,
                                           scan=m.scan_id))
    names = {a.account_id: a.name for a in store.accounts(session.id)}
    table = Table(title=_("Resources no state manages (made by hand?)"))
    table.add_column(_("account"))
    table.add_column(_("name"))
    table.add_column(_("unmanaged"), justify="right")
    table.add_column(_("what"))
    for account_id, items in sorted(m.unmanaged.items()):
        table.add_row(cell(account_id), cell(names.get(account_id, "")), str(len(items)),
                      cell(terraform.summary_counts(items)))
    if m.unmanaged:
        console.print(table)
    return 0
