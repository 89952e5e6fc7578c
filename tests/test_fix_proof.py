"""Proof that the fix scripts fix: the demo org on a moto server, every suggested action's
script run with the real AWS CLI (awscli v1 from PyPI) through assume-role profiles from
`onboard profiles`, then a rescan. Every finding an action answers must turn PASS, except
the steps checks.yaml declares manual (with the reason); no script step may fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from onboard.catalog import load
from onboard.demo import DemoOrg
from tests.moto_server import cli_env, running_moto_server, seed_demo

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
AWS_CLI = Path(sys.executable).with_name("aws")
TARGET = 0.90


def onboard(*args: str, env: dict[str, str], timeout: int = 600
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "onboard", *args], capture_output=True,
                          text=True, env=env, timeout=timeout)


def _scan(env: dict[str, str], org: DemoOrg) -> dict:
    proc = onboard("scan", "--format", "json", "--regions", ",".join(org.regions), env=env)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoOrg, dict,
                                                                     dict[str, str], Path]]:
    tmp = tmp_path_factory.mktemp("fixproof")
    saved = dict(os.environ)
    # AWS managed policies (AmazonSSMManagedInstanceCore) exist on AWS; moto loads them on ask.
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    try:
        with running_moto_server() as url:
            os.environ.clear()
            os.environ.update(saved)
            env = cli_env(url, tmp, "proof.db")
            org = seed_demo(env)
            yield org, _scan(env, org), env, tmp
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _cli_env(env: dict[str, str], tmp: Path) -> dict[str, str]:
    """The environment a newcomer's shell would have: no keys in it, only profiles."""
    profiles = onboard("profiles", "--source-profile", "onboard-base", env=env)
    assert profiles.returncode == 0, profiles.stderr
    config = tmp / "aws-config"
    config.write_text("[profile onboard-base]\nregion = us-east-1\n\n" + profiles.stdout
                      + "\n[plugins]\nmoto_s3control = tests.awscli_moto_plugin\n")
    creds = tmp / "aws-credentials"
    creds.write_text("[onboard-base]\naws_access_key_id = testing\n"
                     "aws_secret_access_key = testing\n")
    out = {k: v for k, v in env.items() if not k.startswith("AWS_")}
    out.update(AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE=str(creds),
               AWS_ENDPOINT_URL=env["AWS_ENDPOINT_URL"],
               PATH=f"{AWS_CLI.parent}{os.pathsep}{env.get('PATH', '')}",
               PYTHONPATH=str(REPO))
    return out


def _fails(scan: dict) -> dict[tuple[str, str, str, str], dict]:
    return {(f["check_id"], f["account_id"], f["region"], f["resource_id"]): f
            for f in scan["findings"] if f["status"] == "FAIL"}


def test_the_demo_orgs_bundle_is_valid_terraform(demo) -> None:
    from tests.test_tfbundle import SCHEMA, _blocks, _check_args

    _org, _before, env, tmp = demo
    out = tmp / "bundle"
    made = onboard("actions", "terraform", "all", "-o", str(out), env=env)
    assert made.returncode == 0, made.stderr
    files = {p.name: p.read_text() for p in out.iterdir()}
    blocks = _blocks(files)
    problems: list[str] = []
    for file, kind, btype, bname, body in blocks:
        known = SCHEMA["resource" if kind == "resource" else "data"]
        if btype not in known:
            problems.append(f"{file}: {kind} {btype} is not a hashicorp/aws type")
        else:
            _check_args(f"{file}: {btype}.{bname}", body, known[btype], problems)
    assert problems == []
    addresses = [(kind, btype, bname) for _, kind, btype, bname, _ in blocks]
    assert len(addresses) == len(set(addresses))


@pytest.mark.skipif(not AWS_CLI.exists() or shutil.which("jq") is None,
                    reason="needs the awscli test extra and jq")
def test_every_suggested_actions_script_turns_its_findings_pass(demo, capsys) -> None:
    org, before, env, tmp = demo
    catalog = load()
    cli_env = _cli_env(env, tmp)
    failing = _fails(before)
    actions = [a for a in catalog.actions.values()
               if any(k[0] in a.answers for k in failing)]
    assert actions
    work = tmp / "work"
    work.mkdir()
    # One script for every suggested action (what `onboard actions script all` gives): the
    # same per-action blocks, with each account's identity check and shared setup once,
    # which keeps the ~250 AWS CLI runs of this test to one pass.
    path = tmp / "fix-all.sh"
    made = onboard("actions", "script", *(a.id for a in actions), "-o", str(path), env=env)
    assert made.returncode == 0, made.stderr
    text = path.read_text()
    for action in actions:
        assert action.title.split()[0] in text
    proc = subprocess.run(["bash", str(path)], cwd=work, env=cli_env, capture_output=True,
                          text=True, timeout=1800)
    assert proc.returncode == 0, (
        f"a script step failed\n{proc.stdout[-1500:]}\n{proc.stderr[-3000:]}")
    assert proc.stdout.count("== account ") == len({k[1] for k in failing})
    after = _scan(env, org)
    status = {(f["check_id"], f["account_id"], f["region"], f["resource_id"]): f["status"]
              for f in after["findings"]}

    rows = []
    automatable = turned_total = gone_total = 0
    not_turned: list[str] = []
    for action in actions:
        answered = [k for k in failing if k[0] in action.answers]
        manual = [k for k in answered if catalog.checks[k[0]].manual]
        turned = [k for k in answered if status.get(k) == "PASS"]
        # not reported at all any more: the check found nothing left to judge (a user
        # whose only key is now inactive); counted apart, never as PASS
        gone = [k for k in answered if k not in status]
        auto = [k for k in answered if k not in manual]
        automatable += len(auto)
        turned_total += len([k for k in auto if k in turned])
        gone_total += len([k for k in auto if k in gone])
        not_turned += [f"{action.id}: {k} is {status.get(k, 'no longer reported')}"
                       for k in auto if k not in turned]
        reasons = sorted({f"{k[0]}: {catalog.checks[k[0]].manual}" for k in manual})
        rows.append((action.id, len(answered), len(turned), len(gone), len(manual), reasons))
    with capsys.disabled():
        version = subprocess.run([str(AWS_CLI), "--version"], capture_output=True,
                                 text=True).stdout.split()
        print(f"\nFix-script proof on the demo org ({version[0] if version else 'awscli'}):")
        print(f"{'action':32} {'answered':>8} {'turned PASS':>11} {'not reported':>12} "
              f"{'manual':>6}")
        for action_id, answered_n, turned_n, gone_n, manual_n, reasons in rows:
            print(f"{action_id:32} {answered_n:>8} {turned_n:>11} {gone_n:>12} {manual_n:>6}")
            for reason in reasons:
                print(f"{'':34}manual: {reason}")
        share = turned_total / automatable if automatable else 1.0
        print(f"automatable FAILs turned PASS: {turned_total}/{automatable} = {share:.0%} "
              f"(+{gone_total} no longer reported); script steps failed: 0")
        for line in not_turned:
            print("  not PASS:", line)
    assert automatable > 0
    assert turned_total / automatable >= TARGET, not_turned
    assert all(status.get(k) != "FAIL" for k in failing if not catalog.checks[k[0]].manual)
