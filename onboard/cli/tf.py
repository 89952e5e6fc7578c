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
from onboard.workspace import Workspace


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tf", help="read a tfstate / `terraform show -json` file",
                       description="Import Terraform state into the session, so findings name "
                                   "the Terraform address that manages a resource and the "
                                   "report lists hand-made (unmanaged) resources.")
    add_common(p)
    p.add_argument("verb", choices=("import",))
    p.add_argument("path", metavar="PATH", nargs="+",
                   help="a .tfstate file (version 4), `terraform state pull` or "
                        "`terraform show -json` output; several files may be given "
                        "(one per environment or stack)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args)
    session = resolve_session(store, getattr(args, "session", None))
    try:
        result = Workspace(store, load_catalog(args), session.id).import_terraform(args.path)
    except terraform.TerraformError as exc:
        raise UsageError(f"{exc} (nothing imported)") from None
    console = Console(highlight=False, soft_wrap=True, emoji=False)
    for f in result.files:
        modules = f" in {f.modules} module{'s' if f.modules != 1 else ''}" if f.modules else ""
        console.print(f"Read {len(f.resources)} AWS resources{modules} from {safe(f.path)} "
                      f"({f.known_types} of types onboard inventories).")
    console.print(f"Session {safe(repr(session.name))} now knows {result.total_rows} "
                  "Terraform-managed resources.")
    m = result.match
    if m is None:
        console.print("No scan yet: matching against the inventory happens after "
                      "`onboard scan` (findings then show their Terraform address).")
        return 0
    console.print(f"Matched {m.matched_rows} of them to {m.managed} resources in the "
                  f"inventory of scan {m.scan_id}.")
    names = {a.account_id: a.name for a in store.accounts(session.id)}
    table = Table(title="Resources no state manages (made by hand?)")
    table.add_column("account")
    table.add_column("name")
    table.add_column("unmanaged", justify="right")
    table.add_column("what")
    for account_id, items in sorted(m.unmanaged.items()):
        table.add_row(cell(account_id), cell(names.get(account_id, "")), str(len(items)),
                      cell(terraform.summary_counts(items)))
    if m.unmanaged:
        console.print(table)
    return 0
