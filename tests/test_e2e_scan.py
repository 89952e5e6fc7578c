"""End to end: `onboard scan` as a subprocess against a moto server holding the demo org.

The scan goes through a recording proxy, so the read-only proof rests on what crossed the
wire, not on onboard's own guard.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.latency_proxy import LatencyProxy, Request
from onboard.aws.guard import READ_PREFIXES, iam_policy, policy_actions, policy_allows
from onboard.demo import DemoOrg
from tests.moto_server import cli_env, moto_server_env, seed_demo  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow

# REST-protocol reads sent as POST (the operation is not on the wire in a header).
REST_POST_READS = {("inspector2", "/status/batch/get"): "BatchGetAccountStatus"}


def onboard(*args: str, env: dict[str, str], timeout: int = 300
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "onboard", *args], capture_output=True,
                          text=True, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoOrg, dict, list[Request],
                                                               subprocess.CompletedProcess[str],
                                                               Path]:
    from tests.moto_server import reset, shared_server_url

    url = shared_server_url()
    reset(url)
    port = urlsplit(url).port
    assert port
    proxy = LatencyProxy(target_port=port, latency=0).start()
    tmp = tmp_path_factory.mktemp("e2e")
    env = cli_env(url, tmp, "e2e.db")
    org = seed_demo(env)
    env["AWS_ENDPOINT_URL"] = proxy.url
    proc = onboard("scan", "--format", "json", "--regions", ",".join(org.regions), env=env)
    requests = proxy.snapshot()
    proxy.stop()
    yield org, json.loads(proc.stdout or "{}"), requests, proc, tmp
    reset(url)


def test_json_has_exactly_the_design_shape(scanned) -> None:
    _org, out, _, proc, _ = scanned
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert set(out) == {"session", "scan_id", "started", "finished", "identity", "accounts",
                        "findings", "inventory_counts"}
    assert set(out["identity"]) == {"account_id", "arn"}
    for acc in out["accounts"]:
        assert set(acc) == {"account_id", "name", "source", "access"}
    for f in out["findings"]:
        assert set(f) == {"check_id", "status", "severity", "account_id", "region",
                          "resource_id", "resource_arn", "message", "terraform_address"}
        assert f["status"] in {"FAIL", "PASS", "ERROR", "SKIPPED"}
        assert f["severity"] in {"critical", "high", "medium", "low", "info"}
        assert "\n" not in f["message"]
    assert out["inventory_counts"]["ec2.security_group"] > 0


def test_every_account_is_found_and_assumed(scanned) -> None:
    org, out, *_ = scanned
    accounts = {a["account_id"]: a for a in out["accounts"]}
    assert set(accounts) == set(org.account_ids)
    assert all(a["source"] == "organizations" and a["access"] == "ok"
               for a in accounts.values())
    names = {a["name"] for a in accounts.values()}
    assert any("sandbox" in n.lower() for n in names)


def test_every_seeded_problem_is_found(scanned) -> None:
    org, out, *_ = scanned
    fails = {(f["check_id"], f["account_id"], f["resource_id"]) for f in out["findings"]
             if f["status"] == "FAIL"}
    missed = [e for e in org.expected if tuple(e) not in fails]
    assert missed == []


def test_no_false_alarms_on_good_resources(scanned) -> None:
    org, out, *_ = scanned
    status = {(f["check_id"], f["account_id"], f["resource_id"]): f["status"]
              for f in out["findings"]}
    wrong = [(tuple(g), status.get(tuple(g))) for g in org.good
             if status.get(tuple(g)) != "PASS"]
    assert wrong == []


def test_findings_cover_every_account_and_region(scanned) -> None:
    org, out, *_ = scanned
    config = {(f["account_id"], f["region"]) for f in out["findings"]
              if f["check_id"] == "config.enabled"}
    assert config == {(a, r) for a in org.account_ids for r in org.regions}


def test_everything_sent_was_a_declared_read(scanned) -> None:
    _, _, requests, *_ = scanned
    assert len(requests) > 100
    policy = iam_policy()
    allowed = policy_actions(policy)
    prefixes = {a.split(":")[0] for a in allowed}
    for req in requests:
        assert req.service in prefixes, req
        op = req.operation or REST_POST_READS.get((req.service, req.path.split("?")[0]))
        if req.service == "apigateway":
            # apigateway:GET is scoped to paths: the policy must allow exactly these.
            path = req.path.split("?")[0].removeprefix("/v2")
            assert policy_allows(policy, "apigateway:GET",
                                 f"arn:aws:apigateway:us-east-1::{path}"), req
        if op is None:
            assert req.method in ("GET", "HEAD"), req
            continue
        assert op.startswith(READ_PREFIXES) or op in {"AssumeRole",
                                                      "GenerateCredentialReport"}, req
        assert f"{req.service}:{op}" in allowed or req.service in {"s3"}, req


def test_sessions_lists_the_scanned_session(scanned) -> None:
    _org, _, _, _, tmp = scanned
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(ONBOARD_DB=str(tmp / "e2e.db"), COLUMNS="120")
    proc = onboard("sessions", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "onboarding" in proc.stdout and "d2 1/" in proc.stdout  # the scan ticked day 2


def test_no_credentials_is_one_line_exit_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(ONBOARD_DB=str(tmp_path / "x.db"), AWS_CONFIG_FILE=str(tmp_path / "none"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
               AWS_EC2_METADATA_DISABLED="true")
    proc = onboard("scan", "--regions", "us-east-1", env=env, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "aws sso login" in lines[0] and "onboard demo" in lines[0]
    assert "Traceback" not in proc.stderr
