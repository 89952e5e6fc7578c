"""The scan: accounts × regions × collectors on a thread pool, then every evaluator.

Each collector's output is committed on its own as it finishes, so a killed scan keeps what
it collected (and is marked incomplete on the next open). Progress goes to one callback,
shared by the CLI's progress bar and the TUI's worker.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from onboard import terraform, week
from onboard.aws.collect import all_collectors
from onboard.aws.collect.base import Collector, Context, error_code
from onboard.aws.session import DEFAULT_REGION, Aws
from onboard.catalog import Catalog
from onboard.checks import evaluate
from onboard.checks.base import Inventory
from onboard.models import Account, CollectError, Finding, Resource, Status
from onboard.store import Store

DEFAULT_WORKERS = 64  # threads; the per-(account, region, service) cap keeps each service gentle


@dataclass
class ScanOptions:
    profile: str | None = None
    regions: list[str] | None = None  # None: every enabled region of each account
    accounts: list[str] | None = None
    role_name: str = "OrganizationAccountAccessRole"
    workers: int | None = None


@dataclass(frozen=True)
class Progress:
    phase: str  # identity | accounts | collect | evaluate | done
    done: int
    total: int
    message: str = ""


@dataclass
class ScanResult:
    scan_id: int
    status: str
    identity: dict[str, str]
    accounts: list[Account]
    findings: list[Finding]
    inventory_counts: dict[str, int]
    api_calls: int
    started: str
    finished: str
    seconds: float
    new: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    previous_scan_id: int | None = None
    skipped_regions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return (any(f.status == Status.ERROR for f in self.findings)
                or any(a.access == "denied" for a in self.accounts))


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class _Job:
    collector: Collector
    account_id: str
    region: str


def _resolve_accounts(aws: Aws, options: ScanOptions) -> list[Account]:
    discovered, org_error = aws.discover_accounts()
    if options.accounts:
        wanted = list(dict.fromkeys(options.accounts))
        known = {a.account_id: a for a in discovered}
        if org_error is None:
            unknown = [a for a in wanted if a not in known]
            chosen = [known[a] for a in wanted if a in known]
            chosen += [Account(account_id=a, source="manual") for a in unknown]
        else:
            chosen = [a for a in discovered]
            chosen += [Account(account_id=a, source="manual") for a in wanted
                       if a not in known]
        return chosen
    return discovered


def _open_accounts(aws: Aws, accounts: list[Account], options: ScanOptions,
                   pool: ThreadPoolExecutor, skipped: dict[str, list[str]]
                   ) -> dict[str, list[str]]:
    """Assume into every account (in parallel) and find its enabled regions; regions asked
    for but not enabled in an account (opt-in regions) go to `skipped`, not to errors."""

    def open_one(acc: Account) -> list[str]:
        try:
            aws.access(acc.account_id)
            enabled = aws.enabled_regions(acc.account_id)
        except (ClientError, BotoCoreError) as exc:
            acc.access = "denied"
            acc.access_reason = f"{error_code(exc)}: cannot assume {options.role_name}"
            return []
        acc.access, acc.access_reason = "ok", ""
        if options.regions:
            off = [r for r in options.regions if r not in enabled]
            if off:
                skipped[acc.account_id] = off
            return [r for r in options.regions if r in enabled]
        return enabled

    futures = {acc.account_id: pool.submit(open_one, acc) for acc in accounts}
    return {acct: fut.result() for acct, fut in futures.items()}


def _plan_jobs(accounts: list[Account], regions_by_account: dict[str, list[str]],
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
    """One short line for any failure, including an endpoint's HTML error page."""
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


def run_scan(store: Store, session_id: int, catalog: Catalog, options: ScanOptions,
             progress: ProgressFn | None = None, cancel: threading.Event | None = None,
             aws: Aws | None = None) -> ScanResult:
    """Scan every reachable account and region; store and return the results.

    Raises AwsSetupError (before anything is stored) when there are no usable credentials.
    """
    t0 = time.monotonic()
    report = progress or (lambda p: None)
    cancel = cancel or threading.Event()
    workers = max(1, options.workers or DEFAULT_WORKERS)
    aws = aws or Aws(options.profile, workers=workers, role_name=options.role_name)
    report(Progress("identity", 0, 1, "who am I?"))
    identity = aws.whoami()
    store.mark_interrupted_scans(session_id)
    scan_id = store.start_scan(session_id, identity, options.regions or [])
    started = store.scan(scan_id).started

    collectors = list(all_collectors().values())
    aws.warm_up(sorted({svc for c in collectors for svc in c.services}))
    resources: list[Resource] = []
    errors: list[CollectError] = []
    status = "complete"
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="onboard-scan") as pool:
        report(Progress("accounts", 0, 1, "discovering accounts"))
        accounts = _resolve_accounts(aws, options)
        skipped_regions: dict[str, list[str]] = {}
        regions_by_account = _open_accounts(aws, accounts, options, pool, skipped_regions)
        store.upsert_accounts(session_id, accounts)

        jobs = _plan_jobs(accounts, regions_by_account, collectors)
        # Jobs run grouped by (account, region) so each group's clients can be released
        # when its last collector finishes: memory stays flat however large the org.
        open_jobs = Counter((j.account_id, j.region) for j in jobs)

        total = len(jobs)
        pending: set[Future[tuple[list[Resource], CollectError | None]]] = set()
        queue = iter(jobs)
        done = 0
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

        for _ in range(workers * 2):
            if not submit_next():
                break
        report(Progress("collect", 0, total, f"{len(accounts)} accounts"))
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                pending.discard(fut)
                job = job_of.pop(fut)
                found, err = fut.result()
                store.add_batch(scan_id, found, [err] if err else [])
                resources.extend(found)
                if err:
                    errors.append(err)
                done += 1
                group = (job.account_id, job.region)
                open_jobs[group] -= 1
                if open_jobs[group] == 0:
                    aws.access(job.account_id).release(job.region)
                report(Progress("collect", done, total,
                                f"{job.collector.name} {job.account_id} {job.region}"))
                submit_next()
        if cancel.is_set() and done < total:
            status = "incomplete"

    report(Progress("evaluate", 0, 1, "evaluating checks"))
    severities = {c.id: c.severity for c in catalog.checks.values()}
    findings = evaluate(Inventory(resources, errors), severities)
    findings = attach_terraform(store, session_id, findings)
    store.replace_findings(scan_id, findings)
    store.finish_scan(scan_id, status, aws.guard.total)
    if status == "complete":
        week.record(store, session_id, "scan_finished")
    week.record(store, session_id, "accounts_discovered")
    previous = store.previous_scan(scan_id)
    diff = store.diff(scan_id, previous.id) if previous else {"new": [], "fixed": []}
    info = store.scan(scan_id)
    report(Progress("done", 1, 1, f"{len(findings)} findings"))
    return ScanResult(
        scan_id=scan_id, status=status, identity=identity, accounts=accounts,
        findings=findings, inventory_counts=store.inventory_counts(scan_id),
        api_calls=aws.guard.total, started=started, finished=info.finished or "",
        seconds=time.monotonic() - t0, new=diff["new"], fixed=diff["fixed"],
        previous_scan_id=previous.id if previous else None,
        skipped_regions=skipped_regions,
    )


def attach_terraform(store: Store, session_id: int, findings: list[Finding]) -> list[Finding]:
    """Fill terraform_address where an imported state manages the finding's resource
    (matched by ARN, else by the same inventory type and id in the same account)."""
    index = terraform.managed_index(store, session_id)
    if not len(index):
        return findings
    out = []
    for f in findings:
        row = index.lookup(f.resource_type, f.account_id, f.resource_id, f.resource_arn)
        out.append(f.model_copy(update={"terraform_address": row["address"]}) if row else f)
    return out
