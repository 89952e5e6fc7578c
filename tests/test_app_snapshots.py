"""Deterministic snapshots of every screen at 80×24, 120×40 and 200×50: fixed catalog,
fixed data, no clocks.

Update after an intended change with: pytest tests/test_app_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from onboard.models import Severity, Status
from onboard.screens import SCREENS
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


SIZES = {"80x24": (80, 24), "120x40": (120, 40), "200x50": (200, 50)}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", [s.id for s in SCREENS])
def test_every_screen_at_every_size(snap_compare: Any, tmp_path: Path, screen: str,
                                    size: str) -> None:
    """Every screen usable at 80×24 (its first columns stay), growing at 200×50."""
    key = next(s.key for s in SCREENS if s.id == screen)

    async def go(pilot: Any) -> None:
        await pilot.press(key)
        await _settle(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=SIZES[size], run_before=go)
