"""The AWS side of a scan: which accounts, which regions, and every collector fanned out
over account × region on a thread pool, each batch handed to a callback as it finishes.

No store, no evaluators, no Terraform here: `onboard.scan` orchestrates (it stores each batch
on its own, so a killed scan keeps what it collected, then evaluates and derives).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from onboard.aws import clientcost
from onboard.aws.collect import all_collectors
from onboard.aws.collect.base import Collector, Context, error_code
from onboard.aws.session import DEFAULT_REGION, Aws
from onboard.i18n import _
from onboard.models import ACCOUNT_COLLECTOR, Account, CollectError, Resource

DEFAULT_WORKERS = 64  # threads; the per-(account, region, service) cap keeps each service gentle


@dataclass
class ScanOptions:
    profile: str | None = None
    regions: list[str] | None = None  # None: every enabled region of each account
    accounts: list[str] | None = None
    role_name: str = "OrganizationAccountAccessRole"
    workers: int | None = None
    emulated: bool = False
    """The demo's emulator: a call it does not implement makes a SKIPPED "not emulated"
    finding, not an ERROR (against real AWS a failed call stays an ERROR)."""


@dataclass(frozen=True)
class Progress:
    phase: str  # identity | accounts | collect | evaluate | done
    done: int
    total: int
    message: str = ""


ProgressFn = Callable[[Progress], None]
BatchFn = Callable[[list[Resource], list[CollectError]], None]


@dataclass
class Collected:
    """What the AWS side found besides the batches it handed over."""

    accounts: list[Account]
    organizations_error: str | None
    skipped_regions: dict[str, list[str]] = field(default_factory=dict)
    region_errors: dict[str, str] = field(default_factory=dict)
    """Account → why its regions could not be listed (only some regions were scanned)."""
    account_errors: list[CollectError] = field(default_factory=list)
    """One per account that could not be read at all (its role could not be assumed)."""
    jobs: int = 0
    done: int = 0

    @property
    def complete(self) -> bool:
        return self.done == self.jobs


@dataclass(frozen=True)
class _Job:
    collector: Collector
    account_id: str
    region: str


def resolve_accounts(aws: Aws, options: ScanOptions) -> tuple[list[Account], str | None]:
    """The accounts to scan and, when Organizations could not be listed, why."""
    discovered, org_error = aws.discover_accounts()
    if options.accounts:
        wanted = list(dict.fromkeys(options.accounts))
        known = {a.account_id: a for a in discovered}
        # Organizations listed: just the wanted ones; not listed: the caller's and them.
        chosen = ([known[a] for a in wanted if a in known] if org_error is None
                  else list(discovered))
        chosen += [Account(account_id=a, source="manual") for a in wanted if a not in known]
        return chosen, org_error
    return discovered, org_error


def open_accounts(aws: Aws, accounts: list[Account], options: ScanOptions,
                  pool: ThreadPoolExecutor, collected: Collected) -> dict[str, list[str]]:
    """Assume into every account (in parallel) and find its enabled regions.

    - a role that cannot be assumed: the account is `denied`, with one account-level error;
      the caller's own account needs no role and is never reported so;
    - regions that cannot be listed (ec2:DescribeRegions denied): the account is still
      scanned, in the regions asked for or the default region, and the summary says so;
    - regions asked for but not enabled (opt-in regions): skipped, not errors.
    """

    def open_one(acc: Account) -> list[str]:
        try:
            aws.access(acc.account_id)
        except (ClientError, BotoCoreError) as exc:
            acc.access = "denied"
            # "<code>: " first, untranslated: the CLI reads the code back (expired_line)
            acc.access_reason = f"{error_code(exc)}: " + _("cannot assume {role} ({why})").format(
                role=options.role_name, why=describe_error(exc))
            collected.account_errors.append(CollectError(
                collector=ACCOUNT_COLLECTOR, types=["*"], account_id=acc.account_id,
                region="global", code=error_code(exc), message=acc.access_reason))
            return []
        acc.access, acc.access_reason = "ok", ""
        try:
            enabled = aws.enabled_regions(acc.account_id)
        except (ClientError, BotoCoreError) as exc:
            fallback = options.regions or [DEFAULT_REGION]
            collected.region_errors[acc.account_id] = _(
                "{code} on ec2:DescribeRegions: scanned only {regions}").format(
                code=error_code(exc), regions=", ".join(fallback))
            return list(fallback)
        if options.regions:
            off = [r for r in options.regions if r not in enabled]
            if off:
                collected.skipped_regions[acc.account_id] = off
            return [r for r in options.regions if r in enabled]
        return enabled

    futures = {acc.account_id: pool.submit(open_one, acc) for acc in accounts}
    return {acct: fut.result() for acct, fut in futures.items()}


def plan_jobs(accounts: list[Account], regions_by_account: dict[str, list[str]],
              collectors: list[Collector]) -> list[_Job]:
    """Every (collector, account, region) to run, account by account, region by region;
    within a group the global (often per-resource, slower) collectors first."""
    jobs: list[_Job] = []
    for acc in accounts:
        regions = regions_by_account.get(acc.account_id, [])
        if acc.access != "ok" or not regions:
            continue
        primary = _primary_region(regions)
        member = acc.source == "organizations" and acc.environment != "management"
        ordered = sorted((c for c in collectors if not (c.management_only and member)),
                         key=lambda c: (c.scope != "global", c.name))
        for region in [primary, *(r for r in regions if r != primary)]:
            jobs.extend(_Job(c, acc.account_id, region) for c in ordered
                        if c.scope == "regional" or region == primary)
    return jobs


def _primary_region(regions: list[str]) -> str:
    return DEFAULT_REGION if DEFAULT_REGION in regions or not regions else regions[0]


def _run_job(aws: Aws, job: _Job) -> tuple[list[Resource], CollectError | None]:
    access = aws.access(job.account_id)
    ctx = Context(account_id=job.account_id, region=job.region, partition=access.partition,
                  client_for=access.client)
    try:
        return job.collector.fn(ctx), None
    except Exception as exc:  # any collector failure becomes an ERROR finding, never a crash
        return [], CollectError(collector=job.collector.name,
                                types=list(job.collector.produces),
                                account_id=job.account_id,
                                region="global" if job.collector.scope == "global"
                                else job.region,
                                code=error_code(exc), message=describe_error(exc))


def describe_error(exc: BaseException) -> str:
    """One short line for any failure, including an endpoint's HTML error page. Not
    translated: it stands for AWS's own error message, and `checks.not_emulated` reads
    "does not implement" back from it."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        text = err.get("Message") or text
        if "<html" in text.lower() or "<!doctype" in text.lower():
            text = f"HTTP {status}: the endpoint does not implement this API"
    elif isinstance(exc, NotImplementedError):
        text = "the endpoint does not implement this API"
    return " ".join(text.split())[:300]


def collect(aws: Aws, options: ScanOptions, on_batch: BatchFn, report: ProgressFn,
            cancel: threading.Event, workers: int,
            on_accounts: Callable[[list[Account]], None] | None = None) -> Collected:
    """Find the accounts and regions (handed to `on_accounts` once opened), then run every
    collector; each finished batch goes to `on_batch` (on this thread) before the next is
    taken. Stops taking jobs on `cancel`. The shared connection pools are closed at the
    end, however it ends."""
    try:
        return _collect(aws, options, on_batch, report, cancel, workers, on_accounts)
    finally:
        clientcost.close_all()


def _collect(aws: Aws, options: ScanOptions, on_batch: BatchFn, report: ProgressFn,
             cancel: threading.Event, workers: int,
             on_accounts: Callable[[list[Account]], None] | None) -> Collected:
    collectors = list(all_collectors().values())
    aws.warm_up(sorted({svc for c in collectors for svc in c.services}))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="onboard-scan") as pool:
        report(Progress("accounts", 0, 1, _("discovering accounts")))
        accounts, org_error = resolve_accounts(aws, options)
        collected = Collected(accounts=accounts, organizations_error=org_error)
        regions_by_account = open_accounts(aws, accounts, options, pool, collected)
        if on_accounts is not None:
            on_accounts(accounts)
        if collected.account_errors:
            on_batch([], list(collected.account_errors))

        jobs = plan_jobs(accounts, regions_by_account, collectors)
        collected.jobs = len(jobs)
        # Jobs run grouped by (account, region) so each group's clients can be released
        # when its last collector finishes: memory stays flat however large the org.
        open_jobs = Counter((j.account_id, j.region) for j in jobs)
        open_groups = Counter(account for account, _region in open_jobs)
        pending: set[Future[tuple[list[Resource], CollectError | None]]] = set()
        queue = iter(jobs)
        job_of: dict[Future[Any], _Job] = {}

        def submit_next() -> bool:
            if cancel.is_set():
                return False
            job = next(queue, None)
            if job is None:
                return False
            fut = pool.submit(_run_job, aws, job)
            job_of[fut] = job
            pending.add(fut)
            return True

        for __ in range(workers * 2):
            if not submit_next():
                break
        report(Progress("collect", 0, collected.jobs,
                        _("{n} accounts").format(n=len(accounts))))
        while pending:
            finished, _still_running = wait(pending, return_when=FIRST_COMPLETED)

            for fut in finished:
                pending.discard(fut)
                job = job_of.pop(fut)
                found, err = fut.result()
                on_batch(found, [err] if err else [])
                collected.done += 1
                group = (job.account_id, job.region)
                open_jobs[group] -= 1
                if open_jobs[group] == 0:
                    aws.access(job.account_id).release(job.region)
                    open_groups[job.account_id] -= 1
                    if open_groups[job.account_id] == 0:
                        aws.access(job.account_id).finish()
                report(Progress("collect", collected.done, collected.jobs,
                                f"{job.collector.name} {job.account_id} {job.region}"))
                submit_next()
    return collected
