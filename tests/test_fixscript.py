"""Fix scripts: every AWS command names its account's profile, each account block checks
the profile first, real ids instead of stand-ins, destructive steps commented out, triaged
resources left out (and the account-wide S3 block held back for a bucket meant public)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from onboard.cli import main
from onboard.fixes import FixError, gather, profile_name
from onboard.fixscript import DESTRUCTIVE, live_lines, script, with_profile
from onboard.models import Finding, Severity, Status
from onboard.profiles import config_entries
from tests.fixstore import MANAGED_BUCKET, MGMT, PROD, build

AWS_COMMAND = re.compile(r"(?<![\w./-])aws (?!--profile)[a-z0-9]")


@pytest.fixture
def store(tmp_path: Path):
    s, session_id, catalog = build(tmp_path / "fix.db")
    yield s, session_id, catalog
    s.close()


def _all(store) -> str:
    s, session_id, catalog = store
    return script(gather(s, catalog, session_id, ["all"]))


def test_every_aws_command_has_the_accounts_profile(store) -> None:
    text = _all(store)
    sections = text.split("onboard_check_account ")[1:]
    assert [sec.split()[1] for sec in sections] == [MGMT, PROD]
    for sec in sections:
        profile, account = sec.split()[:2]
        assert profile == f"onboard-{account}"
        for line in sec.split("\n")[1:]:
            body = line.strip().lstrip("#").strip()
            command = not line.strip().startswith("#") or body.startswith(
                ("aws ", "for ", "if "))
            if command and " aws " in f" {line} ":
                assert not AWS_COMMAND.search(line), line
                for m in re.finditer(r"aws --profile (\S+)", line):
                    assert m.group(1) == profile, line


def test_identity_check_comes_before_any_command(store) -> None:
    text = _all(store)
    lines = live_lines(text)
    first_call = next(i for i, line in enumerate(lines) if "onboard_check_account " in line
                      and not line.startswith("onboard_check_account()"))
    assert not any("aws --profile" in line for line in lines[:first_call])
    assert "set -euo pipefail" in lines[:3]


def test_script_is_valid_bash_without_stand_ins(store) -> None:
    text = _all(store)
    if shutil.which("bash"):
        proc = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    live = "\n".join(live_lines(text))
    assert not re.search(r"<[A-Za-z][^<>]*\.\.\.>|<i-|<AKIA|<sgr-|<bucket>|<db>", live)
    assert "AKIAEXAMPLEKEY0000001" in live  # the key id from the inventory
    assert "AKIAEXAMPLEKEY0000002" not in live  # inactive: nothing to do
    assert not re.search(r"\{[a-z_]+\}", live), "an unfilled placeholder would run"


def test_destructive_steps_are_commented_with_a_reason(store) -> None:
    text = _all(store)
    for line in live_lines(text):
        assert not any(op in line for op in DESTRUCTIVE), line
    assert "# aws --profile onboard-222222222222 iam delete-login-profile" in text
    assert "Destructive, left commented" in text and "Check first" in text


def test_regions_are_the_resources_own_and_global_setup_runs_once(store) -> None:
    text = _all(store)
    prod = text.split(f"onboard_check_account onboard-{PROD} {PROD}")[1]
    assert "guardduty create-detector --region eu-west-1" in prod
    assert "guardduty create-detector --region us-east-1" in prod
    assert prod.count("iam create-service-linked-role --aws-service-name config") == 1
    assert prod.count("iam create-role --role-name onboard-ec2-ssm") == 1
    assert prod.count("create-trail") == 1
    # the trail bucket: eu-west-1 needs a LocationConstraint, us-east-1 must not get one
    assert "if [ eu-west-1 = us-east-1 ]" in prod


def test_triaged_resources_are_left_out_and_said(store) -> None:
    s, session_id, catalog = store
    scan = s.latest_scan(session_id)
    public = next(f for f in s.findings(scan.id, status="FAIL")
                  if f.check_id == "s3.bucket_public" and f.account_id == PROD)
    s.set_triage(session_id, public, "accepted risk", "marketing site, moving to CloudFront")
    text = script(gather(s, catalog, session_id, ["enable-s3-block-public-access"]))
    assert f"s3.bucket_public: {MANAGED_BUCKET} (account {PROD}" in text
    assert "accepted risk" in text and "marketing site" in text
    prod = text.split(f"onboard_check_account onboard-{PROD} {PROD}")[1]
    assert f"## s3.bucket_public: {MANAGED_BUCKET} (eu-west-1)" not in prod
    assert f"## s3.bucket_public: {MANAGED_BUCKET} (us-east-1)" in prod
    # the account-wide block would close the bucket meant to be public: held back, said why
    account_bpa = [line for line in prod.split("\n") if "s3control put-public-access-block"
                   in line]
    assert account_bpa and all(line.lstrip().startswith("#") for line in account_bpa)
    assert "triaged as meant to be public" in prod
    mgmt = text.split(f"onboard_check_account onboard-{MGMT} {MGMT}")[1].split(
        "onboard_check_account")[0]
    assert any("s3control put-public-access-block" in line for line in live_lines(mgmt))


def test_manual_checks_say_why(store) -> None:
    s, session_id, catalog = store
    text = script(gather(s, catalog, session_id, ["secure-root-user"]))
    assert "# Manual step: A person signs in as root" in text
    assert "Needs a person afterwards" in text


def test_account_filter_and_bad_input(store, tmp_path: Path, capsys) -> None:
    s, session_id, catalog = store
    fi = gather(s, catalog, session_id, ["all"], accounts=[PROD])
    assert list(fi.accounts) == [PROD]
    with pytest.raises(FixError):
        gather(s, catalog, session_id, ["no-such-action"])
    with pytest.raises(FixError):
        profile_name("onboard-{account}", PROD)
    with pytest.raises(FixError):
        profile_name("x y {account_id}", PROD)
    db = str(s.path)
    assert main(["--db", db, "actions", "script", "nope"]) == 2
    assert "unknown action" in capsys.readouterr().err
    assert main(["--db", db, "actions", "script", "all", "--profile-template", "p-{x}"]) == 2
    assert main(["--db", db, "actions", "list", "--account", PROD]) == 2
    out = tmp_path / "fix.sh"
    assert main(["--db", db, "actions", "script", "harden-rds", "-o", str(out)]) == 0
    assert out.read_text().startswith("#!/usr/bin/env bash")


def test_with_profile_touches_commands_only() -> None:
    assert with_profile("aws s3 ls", "p") == "aws --profile p s3 ls"
    assert with_profile("  if ! aws iam get-role --role-name r; then", "p") == \
        "  if ! aws --profile p iam get-role --role-name r; then"
    assert with_profile('x=$(aws sts get-caller-identity)', "p") == \
        'x=$(aws --profile p sts get-caller-identity)'
    assert with_profile("# Then run aws sso login by hand", "p") == \
        "# Then run aws sso login by hand"
    assert with_profile("# aws iam delete-user --user-name u", "p") == \
        "# aws --profile p iam delete-user --user-name u"
    assert with_profile('echo "arn:aws:iam::1:root"', "p") == 'echo "arn:aws:iam::1:root"'


def test_profiles_entries(store, capsys) -> None:
    s, session_id, _ = store
    text = config_entries(s.accounts(session_id), source_profile="base",
                          management_account=MGMT)
    assert f"[profile onboard-{PROD}]\nrole_arn = arn:aws:iam::{PROD}:role/" \
           f"OrganizationAccountAccessRole\nsource_profile = base" in text
    sso = config_entries(s.accounts(session_id), sso_start_url="https://acme.awsapps.com/start",
                         sso_region="eu-west-1", sso_role_name="AdministratorAccess")
    assert "[sso-session onboard]" in sso and f"sso_account_id = {PROD}" in sso
    with pytest.raises(FixError):
        config_entries(s.accounts(session_id), role_name="bad role")
    assert main(["--db", str(s.path), "profiles", "--source-profile", "base"]) == 0
    assert f"[profile onboard-{MGMT}]" in capsys.readouterr().out
    assert main(["--db", str(s.path), "profiles", "--role-name", "a b"]) == 2


def test_finding_model_unchanged_for_left_out() -> None:
    # triage keys are (check, account, region, resource): the model's key
    f = Finding(check_id="s3.bucket_public", status=Status.FAIL, severity=Severity.HIGH,
                account_id=PROD, region="eu-west-1", resource_id="b", message="m")
    assert f.key == ("s3.bucket_public", PROD, "eu-west-1", "b")
