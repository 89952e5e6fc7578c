"""A real scan from the TUI against moto: the worker runs run_scan end to end."""

from __future__ import annotations

from pathlib import Path

import boto3
from moto import mock_aws

from onboard.screens.review import ReviewScreen
from tests.test_app_support import asynctest, make_app, settle

SIZE = (120, 40)


@asynctest
async def test_scan_from_review_stores_findings(tmp_path: Path) -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="acme-unversioned")
        app, store = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("4", "r")
            for _ in range(600):
                await pilot.pause(0.1)
                if not app.scanning:
                    break
            for _ in range(3):
                await settle(app)
                await pilot.pause(0.2)
            assert app.last_result is not None
            assert app.last_result.status == "complete"
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            assert screen.data.scan is not None
            scan_id = screen.data.scan.id
            versioning = store.findings(scan_id, check_id="s3.versioning")
            assert any(f.resource_id == "acme-unversioned" and f.status.value == "FAIL"
                       for f in versioning)
            assert screen.total == store.count_findings(scan_id, status="FAIL")
            assert "not scanned yet" not in app.identity
