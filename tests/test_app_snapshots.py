"""A few deterministic snapshots at 120×40: fixed catalog, fixed data, no clocks.

Update after an intended change with: pytest tests/test_app_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from onboard.models import Severity, Status
from onboard.workspace import Workspace
from tests.test_app_support import finding, make_app, seed_accounts, seed_scan

SIZE = (120, 40)


def _app(tmp_path: Path) -> Any:
    app, store = make_app(tmp_path)
    sid = app.session.id
    seed_accounts(store, sid)
    seed_scan(store, sid, [
        finding("iam.root_mfa", "111111111111", severity=Severity.CRITICAL,
                message="root user has no MFA device"),
        finding("ec2.ssh_open", "sg-0a1b2c3d", message="port 22 open to 0.0.0.0/0"),
        finding("s3.versioning", "acme-invoices", severity=Severity.MEDIUM,
                message="versioning is not enabled"),
        finding("s3.versioning", "acme-logs", severity=Severity.MEDIUM, status=Status.PASS,
                message="versioning is enabled"),
    ])
    Workspace(store, app.catalog, sid).set_task("interview-cto", True)
    return app


async def _settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.2)


def test_week_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=_settle)


def test_discovery_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    async def go(pilot: Any) -> None:
        await pilot.press("2")
        await _settle(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=go)


def test_review_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    async def go(pilot: Any) -> None:
        await pilot.press("4")
        await _settle(pilot)
        await pilot.press("down")
        await _settle(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=go)
