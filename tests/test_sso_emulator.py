"""Proof against the emulator: the Identity Center plan, applied as AWS CLI calls, reproduces
today's IAM access of every person in every account, and nothing more.

The demo org is seeded into a moto server and scanned by `onboard scan` (a subprocess); the
kit's `onboard sso commands` script runs under bash with the real `aws` CLI against the same
server; then the test reads Identity Center back with boto3 and compares it with what IAM
itself says (read straight from the server, not from onboard's inventory).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import boto3
import pytest

from onboard.demo import DemoOrg

pytestmark = pytest.mark.slow

AWS_CLI = Path(sys.executable).with_name("aws")


def onboard(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "onboard", *args], capture_output=True,
                          text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.moto_server import cli_env, reset, seed_demo, shared_server_url

    if not AWS_CLI.exists() and shutil.which("aws") is None:
        pytest.skip("the aws CLI is not installed (pip install awscli: the test extra)")
    url = shared_server_url()
    reset(url)
    tmp = tmp_path_factory.mktemp("sso")
    env = cli_env(url, tmp, "sso.db",
                  PATH=f"{AWS_CLI.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    org = seed_demo(env)
    scan = onboard("scan", "--regions", ",".join(org.regions), "--format", "json", env=env)
    assert scan.returncode in (0, 1), scan.stderr[-2000:]
    plan = onboard("sso", "plan", "--format", "json", env=env)
    assert plan.returncode == 0, plan.stderr[-2000:]
    script = tmp / "apply.sh"
    cmds = onboard("sso", "commands", "-o", str(script), env=env)
    assert cmds.returncode == 0, cmds.stderr[-2000:]
    run = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env,
                         timeout=600)
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    yield org, json.loads(scan.stdout), json.loads(plan.stdout), run, script, session, url
    reset(url)


def _client(session: boto3.Session, url: str, service: str, account: str | None = None,
            mgmt: str | None = None) -> Any:
    if account is None or account == mgmt:
        return session.client(service, endpoint_url=url)
    creds = session.client("sts", endpoint_url=url).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
        RoleSessionName="sso-proof")["Credentials"]
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def iam_access(org: DemoOrg, session: boto3.Session, url: str) -> dict[tuple[str, str], set]:
    """(user name, account) → policies, for every IAM user with a console password."""
    mgmt = org.account("management").id
    out: dict[tuple[str, str], set] = {}
    for account in org.account_ids:
        iam = _client(session, url, "iam", account, mgmt)
        for user in iam.list_users()["Users"]:
            name = user["UserName"]
            try:
                iam.get_login_profile(UserName=name)
            except iam.exceptions.NoSuchEntityException:
                continue
            refs: set = set()
            for p in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
                refs.add(_ref(p["PolicyArn"]))
            for g in iam.list_groups_for_user(UserName=name)["Groups"]:
                for p in iam.list_attached_group_policies(
                        GroupName=g["GroupName"])["AttachedPolicies"]:
                    refs.add(_ref(p["PolicyArn"]))
            out[(name, account)] = refs
    return out


def _ref(arn: str) -> tuple[str, str]:
    return ("aws", arn) if ":iam::aws:policy/" in arn else ("customer", arn.rsplit("/", 1)[-1])


def identity_center_access(org: DemoOrg, session: boto3.Session, url: str
                           ) -> dict[tuple[str, str], set]:
    """(Identity Center user name, account) → policies of every permission set assigned."""
    admin = session.client("sso-admin", endpoint_url=url)
    store = session.client("identitystore", endpoint_url=url)
    instance = admin.list_instances()["Instances"][0]
    arn, store_id = instance["InstanceArn"], instance["IdentityStoreId"]
    users = {u["UserId"]: u["UserName"]
             for u in store.list_users(IdentityStoreId=store_id)["Users"]}
    out: dict[tuple[str, str], set] = defaultdict(set)
    for ps in admin.list_permission_sets(InstanceArn=arn)["PermissionSets"]:
        policies = {("aws", p["Arn"]) for p in admin.list_managed_policies_in_permission_set(
            InstanceArn=arn, PermissionSetArn=ps)["AttachedManagedPolicies"]}
        policies |= {("customer", p["Name"]) for p in
                     admin.list_customer_managed_policy_references_in_permission_set(
                         InstanceArn=arn, PermissionSetArn=ps)["CustomerManagedPolicyReferences"]}
        assert not admin.get_inline_policy_for_permission_set(
            InstanceArn=arn, PermissionSetArn=ps).get("InlinePolicy")  # the demo has none
        for account in org.account_ids:
            for a in admin.list_account_assignments(
                    InstanceArn=arn, AccountId=account,
                    PermissionSetArn=ps)["AccountAssignments"]:
                assert a["PrincipalType"] == "GROUP"
                members = store.list_group_memberships(
                    IdentityStoreId=store_id, GroupId=a["PrincipalId"])["GroupMemberships"]
                for m in members:
                    out[(users[m["MemberId"]["UserId"]], account)] |= policies
    return dict(out)


def test_the_cli_script_ran_cleanly(applied) -> None:
    *_, run, script, _session, _url = applied
    assert run.returncode == 0, (run.stderr[-3000:], script.read_text()[:3000])
    assert "aws sso-admin create-account-assignment" in script.read_text()


def test_every_human_is_one_person_and_no_workload_is(applied) -> None:
    _org, scan, plan, *_ = applied
    humans = {(f["account_id"], f["resource_id"]) for f in scan["findings"]
              if f["check_id"] == "iam.human_users" and f["status"] == "FAIL"}
    workloads = {(f["account_id"], f["resource_id"]) for f in scan["findings"]
                 if f["check_id"] == "iam.workload_users" and f["status"] == "FAIL"}
    assert len(humans) == 12 and workloads
    covered = [(u["account_id"], u["user_name"]) for p in plan["people"] for u in p["users"]]
    assert sorted(covered) == sorted(humans)  # each exactly once, nobody else
    excluded = {(e["account_id"], e["user_name"]): e["kind"] for e in plan["excluded"]}
    assert all(excluded[w] == "workload" for w in workloads)


def test_identity_center_reproduces_iam_access_and_nothing_more(applied) -> None:
    org, _scan, plan, run, _script, session, url = applied
    assert run.returncode == 0, run.stderr[-3000:]
    expected = {k: v for k, v in iam_access(org, session, url).items() if v}
    got = identity_center_access(org, session, url)
    assert got == expected
    assert len(got) == sum(len(p["access"]) for p in plan["people"])


def test_a_rescan_sees_the_kit_applied(applied, tmp_path: Path) -> None:
    """The collector reads back what the script made: the plan now marks it as existing."""
    org, _scan, _plan, run, _script, session, url = applied
    assert run.returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=url,
               AWS_CONFIG_FILE=str(tmp_path / "none"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
               ONBOARD_DB=str(tmp_path / "again.db"))
    # Identity Center lives in us-east-1: the rescan needs no other region
    scan = onboard("scan", "--regions", "us-east-1", "--format", "json", env=env)
    assert scan.returncode in (0, 1), scan.stderr[-2000:]
    plan = json.loads(onboard("sso", "plan", "--format", "json", env=env).stdout)
    assert plan["permission_sets"] and all(ps["exists"] for ps in plan["permission_sets"])
    assert all(g["exists"] for g in plan["groups"])
    assert all(p["exists"] for p in plan["people"])
    assert all(a["exists"] for a in plan["assignments"])
    assert not [w for w in plan["warnings"] if "already grants" in w]
    # applying the kit again creates nothing and leaves the access as it was
    script = tmp_path / "again.sh"
    assert onboard("sso", "commands", "-o", str(script), env=env).returncode == 0
    calls = [line for line in script.read_text().splitlines()
             if "aws " in line and not line.lstrip().startswith("#")]
    assert calls and not [c for c in calls if " create-" in c or " put-" in c
                          or " attach-" in c]
    env["PATH"] = f"{AWS_CLI.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    again = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env,
                           timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    expected = {k: v for k, v in iam_access(org, session, url).items() if v}
    assert identity_center_access(org, session, url) == expected
