"""The benchmark's replay emulator: a scan served from a recording finds what moto found,
and its throttling answers are ones botocore recognises and retries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import ThrottledRetryableChecker

from benchmarks.replay import Recorder, Recording, ReplayServer
from tests.moto_server import reset, shared_server_url

pytestmark = pytest.mark.slow
REGIONS = "us-east-1,eu-west-1"


def _env(tmp: Path, endpoint: str, db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=endpoint,
               AWS_CONFIG_FILE=str(tmp / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp / "none"),
               ONBOARD_DB=str(tmp / db))
    return env


def _scan(tmp: Path, endpoint: str, db: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "onboard", "scan", "--format", "json",
                           "--regions", REGIONS], capture_output=True, text=True,
                          env=_env(tmp, endpoint, db), timeout=300)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return dict(json.loads(proc.stdout))


def _seed_small_org() -> None:
    """An organization with one member; an open security group, a user, a bucket."""
    mgmt = boto3.Session(region_name="us-east-1")
    org = mgmt.client("organizations")
    org.create_organization(FeatureSet="ALL")
    req = org.create_account(AccountName="member-prod", Email="prod@example.com")
    member = org.describe_create_account_status(
        CreateAccountRequestId=req["CreateAccountStatus"]["Id"])["CreateAccountStatus"]
    creds = mgmt.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{member['AccountId']}:role/OrganizationAccountAccessRole",
        RoleSessionName="seed")["Credentials"]
    for sess in (mgmt, boto3.Session(creds["AccessKeyId"], creds["SecretAccessKey"],
                                     creds["SessionToken"], region_name="us-east-1")):
        sess.client("iam").create_user(UserName="dev")
        account = sess.client("sts").get_caller_identity()["Account"]
        sess.client("s3").create_bucket(Bucket=f"replay-{account}")
        ec2 = sess.client("ec2", region_name="eu-west-1")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        sg = ec2.create_security_group(GroupName="ssh", Description="t", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict, Path]]:
    url = shared_server_url()
    reset(url)
    tmp = tmp_path_factory.mktemp("replay")
    saved = dict(os.environ)
    os.environ.update({k: v for k, v in _env(tmp, url, "seed.db").items()
                       if k.startswith("AWS_")})
    try:
        _seed_small_org()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    port = urlsplit(url).port
    assert port
    recorder = Recorder(port).start()
    try:
        moto_result = _scan(tmp, recorder.url, "moto.db")
    finally:
        recorder.stop()
    path = tmp / "scan.replay.gz"
    recorder.recording.save(path)
    yield tmp, moto_result, path
    reset(url)


def _findings(result: dict[str, Any]) -> list[str]:
    return sorted(json.dumps(f, sort_keys=True) for f in result["findings"])


def test_recording_knows_every_account(recorded) -> None:
    _tmp, moto_result, path = recorded
    rec = Recording.load(path)
    accounts = {a["account_id"] for a in moto_result["accounts"]}
    assert len(accounts) == 2
    assert set(rec.accounts.values()) == accounts
    assert len(rec.calls) > 50


def test_replay_finds_what_moto_found(recorded) -> None:
    tmp, moto_result, path = recorded
    fails = {(f["check_id"], f["resource_id"]) for f in moto_result["findings"]
             if f["status"] == "FAIL"}
    assert any(check.startswith("ec2.") for check, _ in fails)  # the open security group
    replay = ReplayServer(Recording.load(path), latency=0.005, jitter=0.004).start()
    try:
        result = _scan(tmp, replay.url, "replay.db")
        outcome = replay.counts()
    finally:
        replay.stop()
    assert outcome["miss"] == 0
    assert _findings(result) == _findings(moto_result)
    assert result["inventory_counts"] == moto_result["inventory_counts"]


def test_throttled_replay_slows_but_finds_the_same(recorded) -> None:
    tmp, moto_result, path = recorded
    replay = ReplayServer(Recording.load(path), throttle=0.15).start()
    try:
        result = _scan(tmp, replay.url, "throttled.db")
        outcome = replay.counts()
    finally:
        replay.stop()
    assert outcome["throttled"] > 0
    assert outcome["miss"] == 0
    assert _findings(result) == _findings(moto_result)


@pytest.mark.parametrize(("service", "call"), [
    ("ec2", lambda c: c.describe_vpcs()),  # EC2 query: RequestLimitExceeded, 503
    ("iam", lambda c: c.list_users()),  # query: Throttling, 400
    ("s3", lambda c: c.list_buckets()),  # REST-XML S3: SlowDown, 503
    ("route53", lambda c: c.list_hosted_zones()),  # REST-XML: Throttling
    ("lambda", lambda c: c.list_functions()),  # REST-JSON: TooManyRequestsException, 429
    ("guardduty", lambda c: c.list_detectors()),  # REST-JSON: ThrottlingException, 429
    ("config", lambda c: c.describe_configuration_recorders()),  # JSON: ThrottlingException
])
def test_throttling_answers_are_what_botocore_retries(service: str, call: Any) -> None:
    replay = ReplayServer(Recording(), throttle=1.0).start()
    try:
        client = boto3.client(service, region_name="us-east-1", endpoint_url=replay.url,
                              aws_access_key_id="k", aws_secret_access_key="s",
                              config=Config(retries={"mode": "standard", "max_attempts": 2}))
        with pytest.raises(ClientError) as caught:
            call(client)
    finally:
        replay.stop()
    err = caught.value.response
    assert err["Error"]["Code"] in ThrottledRetryableChecker._THROTTLED_ERROR_CODES
    retries = err["ResponseMetadata"]["RetryAttempts"]
    assert retries >= 1
    assert replay.counts()["throttled"] == retries + 1
