"""Helpers for the TUI tests: a small fixed catalog, seeded scans, app factories.

The catalog here is fixed on purpose: snapshots must not change when the shipped
checklists are edited.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from onboard import catalog as catalog_mod
from onboard.app import OnboardApp
from onboard.catalog import Catalog
from onboard.models import Account, Finding, Severity, Status
from onboard.scan import ScanOptions
from onboard.store import Store
from onboard.workspace import Workspace

WEEK_YAML = """
days:
  - day: 1
    title: Find every account
    phase: observe
    goal: Know which AWS accounts exist, including the ones nobody gave you.
    tasks:
      - id: interview-cto
        title: Interview the person who knows the AWS setup best
        phase: observe
        screen: interviews
        auto: interview_complete
        done_when: Every interview question has an answer.
        help: Ask in plain words; exact AWS terms may not land.
      - id: list-accounts
        title: List every AWS account
        phase: observe
        screen: discovery
        auto: accounts_discovered
        done_when: Discovery ran and every account has an environment.
        help: Organizations lists the accounts; the interview finds the rest.
  - day: 2
    title: Review what is running
    phase: observe
    goal: Scan the accounts and read what the scan found.
    tasks:
      - id: first-scan
        title: Run the first scan
        phase: observe
        screen: review
        auto: scan_finished
        done_when: A complete scan is stored.
        help: The scan only reads; it fans out over accounts, regions and collectors.
      - id: triage
        title: Triage the critical and high findings
        phase: observe
        screen: review
        auto: findings_triaged
        done_when: Every critical and high finding carries a mark.
        help: Confirm, accept the risk, or call it a false positive, with a note.
      - id: tf-state
        title: Read the Terraform state
        phase: observe
        done_when: You know which resources are managed by code.
        help: terraform state list shows what the code manages.
  - day: 3
    title: Decide what to fix first
    phase: decide
    goal: Choose actions for the highest risks.
    tasks:
      - id: choose-actions
        title: Choose actions for the high-risk rows
        phase: decide
        screen: actions
        done_when: Every high-risk row has an action.
        help: Identity Center for people, roles for workloads.
"""

INTERVIEW_YAML = """
prompts:
  - id: management-account
    topic: The management account
    aws_wording: Could I get an IAM user in the Organizations management account?
    plain_wording: >-
      There's a kind of parent account over all our AWS accounts, the one that can see
      every account's bills. Could I get a user there?
    why: It sees every account; it is where Organizations and SSO live.
    record: Its account id and who has access.
    records_accounts: true
  - id: terraform-scope
    topic: What Terraform manages
    aws_wording: Which resources are outside Terraform state?
    plain_wording: Is there anything you set up by hand in the console?
    why: Hand-made security resources are easy to miss.
    record: The resources and where they are documented.
"""


def write_catalog(root: Path) -> Path:
    """week.yaml and interview.yaml from above, checks.yaml from the repo."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "week.yaml").write_text(WEEK_YAML)
    (root / "interview.yaml").write_text(INTERVIEW_YAML)
    shipped = Path(__file__).resolve().parent.parent / "checklists" / "checks.yaml"
    (root / "checks.yaml").write_text(shipped.read_text())
    return root


def load_catalog(tmp_path: Path) -> Catalog:
    return catalog_mod.load(write_catalog(tmp_path / "checklists"))


def finding(check_id: str, resource_id: str, status: Status = Status.FAIL,
            severity: Severity = Severity.HIGH, account_id: str = "111111111111",
            region: str = "us-east-1", message: str = "") -> Finding:
    return Finding(check_id=check_id, status=status, severity=severity, account_id=account_id,
                   region=region, resource_id=resource_id,
                   message=message or f"{resource_id}: {check_id} failed")


def seed_scan(store: Store, session_id: int, findings: list[Finding],
              identity: dict[str, str] | None = None, status: str = "complete") -> int:
    ident = identity or {"account_id": "111111111111",
                         "arn": "arn:aws:iam::111111111111:user/newcomer"}
    scan_id = store.start_scan(session_id, ident, ["us-east-1"])
    Workspace(store, catalog_mod.load(), session_id).finish_scan(scan_id, findings, status,
                                                                 0, {})
    return scan_id


def seed_accounts(store: Store, session_id: int) -> None:
    store.upsert_accounts(session_id, [
        Account(account_id="111111111111", name="production", source="caller", access="ok",
                environment="prod", known_before=True),
        Account(account_id="222222222222", name="management", source="organizations",
                access="ok", environment="management", known_before=False),
        Account(account_id="333333333333", name="sandbox", source="organizations",
                access="denied", access_reason="AccessDenied: cannot assume role",
                known_before=False),
    ])


def make_app(tmp_path: Path, db: Path | None = None, session: str = "acme",
             **kwargs: Any) -> tuple[OnboardApp, Store]:
    store = Store.open(db or tmp_path / "onboard.db")
    catalog = load_catalog(tmp_path)
    found = store.session_by_name(session) or store.create_session(
        session, person="newcomer", started="2024-04-01")
    app = OnboardApp(store, catalog, found, ScanOptions(regions=["us-east-1"]), **kwargs)
    return app, store


def fake_scan(steps: int = 5, gate: Any = None, delay: float = 0.0) -> Any:
    """A scan_fn for the app: reports progress per step, honours cancel, stores findings.

    With `gate` (a threading.Event), it waits for the gate before each step, so a test
    can see it mid-scan and cancel it.
    """
    from onboard.scan import Progress, ScanResult

    def run(store: Store, session_id: int, catalog: Catalog, options: ScanOptions,
            progress: Any = None, cancel: Any = None) -> ScanResult:
        report = progress or (lambda p: None)
        ident = {"account_id": "111111111111", "arn": "arn:aws:iam::111111111111:user/newcomer"}
        scan_id = store.start_scan(session_id, ident, ["us-east-1"])
        done = 0
        for done in range(1, steps + 1):
            if gate is not None:
                gate.wait(5)
            time.sleep(delay)
            if cancel is not None and cancel.is_set():
                done -= 1
                break
            report(Progress("collect", done, steps, f"collector {done}"))
        status = "complete" if done == steps else "incomplete"
        found = [finding("s3.versioning", f"bucket-{i}", severity=Severity.MEDIUM)
                 for i in range(done)]
        Workspace(store, catalog, session_id).finish_scan(scan_id, found, status, 0, {})
        report(Progress("done", 1, 1, f"{len(found)} findings"))
        return ScanResult(scan_id=scan_id, status=status, identity=ident, accounts=[],
                          findings=found, inventory_counts={}, api_calls=0, started="",
                          finished="", seconds=0.0)

    return run


def asynctest(fn: Any) -> Any:
    """Run an async test with asyncio.run (the project has no async pytest plugin)."""
    import asyncio
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


async def settle(app: Any) -> None:
    """Wait for the app's workers; an exclusive worker cancelled by a newer one of its
    group (a page load replaced by the next) is expected, not a failure."""
    from textual.worker import WorkerCancelled

    for _ in range(5):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue
