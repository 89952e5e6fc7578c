"""A scan, end to end: collect from AWS (onboard.aws.runner), store every batch on its own as
it arrives, evaluate every check, and hand the result to the write path, which derives the
rest (Terraform addresses, the matrix) in the same transaction that stores the findings.

Progress goes to one callback, shared by the CLI's progress bar and the TUI's worker. What a
scan could not read (an account, Organizations, the region list) is said in the result and
stored with the scan, never hidden: a killed or cancelled scan is `incomplete`, and what it
did not re-check is "not re-checked", never "fixed".
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from onboard.aws.runner import DEFAULT_WORKERS, Progress, ProgressFn, ScanOptions, collect
from onboard.aws.session import Aws
from onboard.catalog import Catalog
from onboard.checks import evaluate
from onboard.checks.base import Inventory
from onboard.i18n import _
from onboard.models import Account, CollectError, Finding, Resource, Status
from onboard.store import Store
from onboard.workspace import Workspace

__all__ = ["DEFAULT_WORKERS", "Progress", "ScanOptions", "ScanResult", "run_scan"]


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
    unchecked: list[Finding] = field(default_factory=list)
    """FAILs of the previous complete scan this one did not read again."""
    previous_scan_id: int | None = None
    skipped_regions: dict[str, list[str]] = field(default_factory=dict)
    organizations_error: str | None = None
    region_errors: dict[str, str] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return (any(f.status == Status.ERROR for f in self.findings)
                or any(a.access == "denied" for a in self.accounts))


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
    report(Progress("identity", 0, 1, _("who am I?")))
    identity = aws.whoami()
    ws = Workspace(store, catalog, session_id)
    scan_id = ws.start_scan(identity, options.regions or [])
    started = store.scan(scan_id).started

    resources: list[Resource] = []
    errors: list[CollectError] = []

    def on_batch(found: list[Resource], errs: list[CollectError]) -> None:
        store.add_batch(scan_id, found, errs)  # committed on its own: a kill keeps it
        resources.extend(found)
        errors.extend(errs)

    collected = collect(aws, options, on_batch, report, cancel, workers,
                        on_accounts=ws.record_accounts)
    status = "complete" if collected.complete and not cancel.is_set() else "incomplete"

    report(Progress("evaluate", 0, 1, _("evaluating checks")))
    severities = {c.id: c.severity for c in catalog.checks.values()}
    findings = evaluate(Inventory(resources, errors), severities, emulated=options.emulated)
    notes = {"organizations_error": collected.organizations_error,
             "skipped_regions": collected.skipped_regions,
             "region_errors": collected.region_errors}
    findings = ws.finish_scan(scan_id, findings, status, aws.guard.total, notes)
    previous = store.previous_scan(scan_id)
    diff = (store.diff(scan_id, previous.id) if previous
            else {"new": [], "fixed": [], "unchecked": []})
    info = store.scan(scan_id)
    report(Progress("done", 1, 1, _("{n} findings").format(n=len(findings))))
    return ScanResult(
        scan_id=scan_id, status=status, identity=identity, accounts=collected.accounts,
        findings=findings, inventory_counts=store.inventory_counts(scan_id),
        api_calls=aws.guard.total, started=started, finished=info.finished or "",
        seconds=time.monotonic() - t0, new=diff["new"], fixed=diff["fixed"],
        unchecked=diff["unchecked"], previous_scan_id=previous.id if previous else None,
        skipped_regions=collected.skipped_regions,
        organizations_error=collected.organizations_error,
        region_errors=collected.region_errors,
    )
