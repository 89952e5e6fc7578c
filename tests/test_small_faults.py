"""The fault sweep's small ones: a missing AWS_PROFILE named, credentials expiring mid-scan
said once, a refused `assets add` leaves no session behind."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from onboard.aws import session as session_mod
from onboard.cli import main
from onboard.store import Store


def test_missing_profile_from_the_environment_is_named(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_PROFILE", "nosuch")
    assert main(["scan", "--db", str(tmp_path / "p.db")]) == 2
    err = capsys.readouterr().err
    assert "'nosuch' (from AWS_PROFILE) not found" in err and "None" not in err


def test_credentials_expiring_mid_scan_say_log_in_again(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    """After 25 calls every call is refused with ExpiredToken, as AWS does when an SSO
    session's credentials run out; botocore raises it as it would from the wire."""
    from botocore.awsrequest import AWSResponse

    calls = itertools.count()
    lock = threading.Lock()
    real = session_mod._new_botocore_session

    def expiring(*args: Any, **kwargs: Any) -> Any:
        sess = real(*args, **kwargs)

        def refuse(model: Any, **_: Any) -> Any:
            with lock:
                n = next(calls)
            if n < 25:
                return None
            http = AWSResponse("https://aws.example", 400, {}, None)
            return http, {"Error": {"Code": "ExpiredToken",
                                    "Message": "The security token included in the request "
                                               "is expired"},
                          "ResponseMetadata": {"HTTPStatusCode": 400}}

        sess.register("before-call", refuse)
        return sess

    monkeypatch.setattr(session_mod, "_new_botocore_session", expiring)
    with mock_aws():
        code = main(["scan", "--regions", "us-east-1", "--db", str(tmp_path / "e.db")])
    err = capsys.readouterr().err
    assert code == 1
    lines = [line for line in err.splitlines() if "expired during the scan" in line]
    assert len(lines) == 1, err
    assert "aws sso login --profile" in lines[0] and "ExpiredToken" in lines[0]


def test_refused_assets_add_creates_no_session(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    assert main(["assets", "add", "cap tables", "--session", "S", "--db", str(db)]) == 2
    assert "--value" in capsys.readouterr().err
    store = Store.open(db)
    assert store.session_by_name("S") is None
    store.close()
