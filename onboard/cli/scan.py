"""`onboard scan`: the headless, read-only scan of every account and region."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import ExitStack

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from onboard import i18n
from onboard.aws.session import EXPIRED_CODES, Aws, AwsSetupError
from onboard.aws.session import _login_hint as login_hint
from onboard.catalog import Catalog
from onboard.cli.common import (
    ACCOUNT_ACCESS,
    C_,
    SCAN_PHASE,
    SEVERITY,
    UsageError,
    add_common,
    add_person,
    load_catalog,
    open_store,
    resolve_session,
    safe,
    session_person,
    word,
)
from onboard.cli.common import console as cli_console
from onboard.i18n import N_, _
from onboard.models import Finding, Status
from onboard.scan import DEFAULT_WORKERS, ScanOptions, ScanResult, run_scan
from onboard.scan import Progress as ScanProgress
from onboard.store import Store, StoreError
from onboard.summary import rollup, scan_json
from onboard.textsafe import clip

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan",
                  "info": "dim"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan",
                       help=_("headless read-only scan; stores results; prints a summary"),
                       description=_("Scan every account the credentials reach "
                                     "(Organizations, then each member account through "
                                     "--role-name) in every enabled region, read-only; store "
                                     "the findings in the session and print a summary. Exit 1 "
                                     "when a check could not run (ERROR)."))
    add_common(p)
    add_person(p)
    add_scan_options(p)
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("table: a summary for people (default); json: the scan for "
                          "scripts"))
    p.set_defaults(func=run)


def add_scan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", help=_("AWS profile (default: boto3's chain, AWS_PROFILE)"))
    p.add_argument("--regions", default=None, metavar="all|r1,r2",
                   help=_("regions to scan (default: all enabled in each account)"))
    p.add_argument("--accounts", default=None, metavar="ID,...",
                   help=_("only these accounts; or, without Organizations access, add them"))
    p.add_argument("--role-name", default="OrganizationAccountAccessRole",
                   help=_("role assumed in each member account; better a read-only audit "
                          "role (SecurityAudit + ViewOnlyAccess, deployed with StackSets)"))
    p.add_argument("--workers", type=int, default=None,
                   help=_("threads for (account x region x collector) calls"))


def options_from(args: argparse.Namespace) -> ScanOptions:
    regions = None
    if args.regions and args.regions.strip().lower() != "all":
        regions = [r.strip() for r in args.regions.split(",") if r.strip()]
    accounts = None
    if args.accounts:
        accounts = [a.strip() for a in args.accounts.split(",") if a.strip()]
        bad = [a for a in accounts if not (a.isdigit() and len(a) == 12)]
        if bad:
            raise UsageError(_("--accounts: {ids} is not a 12-digit account id")
                             .format(ids=", ".join(bad)))
    if args.workers is not None and args.workers < 1:
        raise UsageError(_("--workers must be at least 1"))
    return ScanOptions(profile=args.profile, regions=regions, accounts=accounts,
                       role_name=args.role_name, workers=args.workers)


def scan_with_progress(store, session_id: int, catalog: Catalog, options: ScanOptions,
                       quiet: bool = False, aws: Aws | None = None) -> ScanResult:
    """Run the scan with a rich progress bar on stderr (none when quiet or not a TTY)."""
    err = Console(stderr=True)
    with ExitStack() as stack:
        if quiet or not err.is_terminal:
            return run_scan(store, session_id, catalog, options, aws=aws)
        bar = stack.enter_context(Progress(
            TextColumn("[bold]{task.fields[phase]}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("{task.description}"), console=err,
            transient=True))
        task = bar.add_task("", total=None, phase=word(SCAN_PHASE, "scan"))

        def on_progress(p: ScanProgress) -> None:
            bar.update(task, completed=p.done, total=p.total or None,
                       phase=word(SCAN_PHASE, p.phase), description=safe(clip(p.message, 60)))

        return run_scan(store, session_id, catalog, options, progress=on_progress, aws=aws)
    raise AssertionError("unreachable")


def run(args: argparse.Namespace) -> int:
    options = options_from(args)
    store = open_store(args)
    catalog = load_catalog(args)
    try:
        aws = Aws(options.profile, workers=max(1, options.workers or DEFAULT_WORKERS),
                  role_name=options.role_name)
        aws.whoami()  # no usable credentials: say so before a session is created
        session = resolve_session(store, getattr(args, "session", None),
                                  profile=args.profile or "", person=session_person(args))
        if catalog.lang != i18n.current():  # the session speaks another language
            catalog = load_catalog(args)
        result = scan_with_progress(store, session.id, catalog, options,
                                    quiet=args.format == "json", aws=aws)
    except AwsSetupError as exc:
        raise UsageError(str(exc)) from None
    except StoreError as exc:
        raise StoreError(f"{exc}; {_mark_incomplete(store, session.id)}") from None
    if args.format == "json":
        json.dump(scan_json(result, session.name), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_summary(cli_console(), result, catalog)
    expired = expired_line(store, result, args.profile)
    if expired:
        print(expired, file=sys.stderr)
    return 1 if result.has_errors else 0


def expired_line(store: Store, result: ScanResult, profile: str | None) -> str | None:
    """One line when the credentials expired mid-scan: the ERRORs are a login away from
    being findings, and the user should hear that once, not read it off 100 rows."""
    codes = [e.code for e in store.collect_errors(result.scan_id) if e.code in EXPIRED_CODES]
    codes += [a.access_reason.split(":", 1)[0] for a in result.accounts
              if a.access_reason.split(":", 1)[0] in EXPIRED_CODES]
    if not codes:
        return None
    return "onboard: " + _(
        "your AWS credentials expired during the scan ({n} calls refused with {code}): run "
        "`{login}`, then scan again; what they could not read is ERROR, never PASS").format(
            n=len(codes), code=codes[0], login=login_hint(profile))


def _mark_incomplete(store: Store, session_id: int) -> str:
    """After a write failed mid-scan: the batches committed so far are kept, and the scan
    left `running` is marked incomplete when the next scan starts."""
    del store, session_id
    return _("the scan keeps what it stored and is marked incomplete on the next start")


def print_summary(console: Console, result: ScanResult, catalog: Catalog) -> None:
    ok = sum(1 for a in result.accounts if a.access == "ok")
    console.print(_("[bold]Scan {id}[/] as {arn}: {ok}/{accounts} accounts, {resources} "
                    "resources, {calls} API calls, {seconds} s").format(
                        id=result.scan_id, arn=safe(result.identity.get("arn", "?")), ok=ok,
                        accounts=len(result.accounts),
                        resources=sum(result.inventory_counts.values()),
                        calls=result.api_calls, seconds=f"{result.seconds:.1f}")
                  + ("" if result.status == "complete"
                     else " [yellow]({})[/]".format(C_(N_("CLI scan|incomplete")))))
    if result.organizations_error:
        console.print("  " + _("[yellow]Organizations could not be listed[/] ({why}): scanned "
                               "the caller's account and any --accounts only").format(
                                   why=escape(result.organizations_error)))
    for acct, why in sorted(result.region_errors.items()):
        console.print("  " + _("[yellow]regions of {account} could not be listed[/]: {why}")
                      .format(account=acct, why=escape(why)))
    for acct, regions in sorted(result.skipped_regions.items()):
        console.print("  " + _("[dim]skipped in {account}: {regions} (not enabled in that "
                               "account)[/]").format(account=safe(acct),
                                                     regions=safe(", ".join(regions))))
    for acc in result.accounts:
        if acc.access != "ok":
            console.print("  " + _("[red]account {id} {name}: {access}[/] {why}").format(
                id=safe(acc.account_id), name=safe(acc.name),
                access=safe(word(ACCOUNT_ACCESS, acc.access)), why=safe(acc.access_reason)))
    table = Table(show_lines=False)
    table.add_column(_("check"))
    table.add_column(_("severity"))
    table.add_column("FAIL", justify="right")
    table.add_column("PASS", justify="right")
    table.add_column("ERR", justify="right")
    table.add_column(_("worst resources"), overflow="fold")
    names = {a.account_id: a.name or a.account_id for a in result.accounts}
    for row in rollup(result.findings, catalog):
        fails = [f for f in row.failing if f.status == Status.FAIL]
        errs = [f for f in row.failing if f.status == Status.ERROR]
        examples = ", ".join(where(f, names) for f in (fails or errs)[:3])
        more = len(fails or errs) - 3
        sev = row.severity.value
        table.add_row(safe(row.check_id), f"[{SEVERITY_STYLE[sev]}]{word(SEVERITY, sev)}[/]",
                      str(row.counts.get("FAIL", 0) or ""), str(row.counts.get("PASS", 0) or ""),
                      str(row.counts.get("ERROR", 0) or ""),
                      safe(examples) + (_(" +{n} more").format(n=more) if more > 0 else ""))
    console.print(table)
    if result.previous_scan_id is not None:
        unchecked = (_(", [yellow]{n} not re-checked[/] (not read this time: never counted "
                       "as fixed)").format(n=len(result.unchecked))
                     if result.unchecked else "")
        console.print(_("Since scan {id}: [red]{new} new[/], [green]{fixed} fixed[/] (read "
                        "again and passed)").format(id=result.previous_scan_id,
                                                    new=len(result.new),
                                                    fixed=len(result.fixed))
                      + unchecked)
        for f in result.new[:10]:
            console.print(f"  [red]+[/] {safe(f.check_id)} {safe(where(f, names))}")
        for f in result.fixed[:10]:
            console.print(f"  [green]-[/] {safe(f.check_id)} {safe(where(f, names))}")


def where(f: Finding, names: dict[str, str]) -> str:
    """'bucket @ prod', or just the account's name for an account-scoped finding."""
    account = names.get(f.account_id, f.account_id)
    if f.resource_id == f.account_id:
        return account
    return f"{f.resource_id} @ {account}"
