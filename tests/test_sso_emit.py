"""The kit's outputs: Terraform that parses with provider-known types and arguments and unique
addresses, profiles that configparser reads, a cut-over script whose changes are commented
out and pinned, and CLI calls that pass hostile names through as single arguments."""

from __future__ import annotations

import configparser
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import hcl2
import pytest

from onboard.sso_kit import emit_commands, emit_cutover, emit_profiles, emit_terraform
from onboard.sso_kit.plan import Edit, build
from tests.sso_fixtures import MGMT, PROD, access, accounts, acme, inventory, sso_region, user

# Arguments and nested blocks of the AWS provider's schema (v5) for what the kit writes.
SCHEMA: dict[tuple[str, str], dict[str, Any]] = {
    ("resource", "aws_ssoadmin_permission_set"): {
        "name": None, "description": None, "instance_arn": None, "session_duration": None,
        "relay_state": None, "tags": None},
    ("resource", "aws_ssoadmin_managed_policy_attachment"): {
        "instance_arn": None, "managed_policy_arn": None, "permission_set_arn": None},
    ("resource", "aws_ssoadmin_customer_managed_policy_attachment"): {
        "instance_arn": None, "permission_set_arn": None,
        "customer_managed_policy_reference": {"name": None, "path": None}},
    ("resource", "aws_ssoadmin_permission_set_inline_policy"): {
        "inline_policy": None, "instance_arn": None, "permission_set_arn": None},
    ("resource", "aws_ssoadmin_account_assignment"): {
        "instance_arn": None, "permission_set_arn": None, "principal_id": None,
        "principal_type": None, "target_id": None, "target_type": None},
    ("resource", "aws_identitystore_group"): {
        "identity_store_id": None, "display_name": None, "description": None},
    ("resource", "aws_identitystore_group_membership"): {
        "identity_store_id": None, "group_id": None, "member_id": None},
    ("resource", "aws_identitystore_user"): {
        "identity_store_id": None, "display_name": None, "user_name": None,
        "name": {"given_name": None, "family_name": None, "middle_name": None,
                 "formatted": None, "honorific_prefix": None, "honorific_suffix": None},
        "emails": {"value": None, "primary": None, "type": None}},
    ("data", "aws_ssoadmin_instances"): {},
    ("data", "aws_identitystore_group"): {
        "identity_store_id": None,
        "alternate_identifier": {"unique_attribute": {"attribute_path": None,
                                                      "attribute_value": None}}},
}
MUTATING = re.compile(r"\baws (iam|identitystore|sso-admin) (delete|update|remove|detach|"
                      r"deactivate|create|put|attach)-")


def _unquote(key: str) -> str:
    return key[1:-1] if key.startswith('"') and key.endswith('"') else key


def _check_body(body: dict[str, Any], allowed: dict[str, Any], where: str) -> None:
    for key, value in body.items():
        if key.startswith("__"):
            continue
        assert key in allowed, f"{where}: {key} is not an argument of this type"
        if isinstance(allowed[key], dict):
            for block in value:
                _check_body(block, allowed[key], f"{where}.{key}")


def check_terraform(files: dict[str, str]) -> list[str]:
    """Parse every file; every block's type and arguments are known; addresses unique."""
    addresses: list[str] = []
    for name, text in files.items():
        parsed = hcl2.loads(text)
        for kind in ("resource", "data"):
            for entry in parsed.get(kind, []):
                for type_, named in entry.items():
                    for rname, body in named.items():
                        t, n = _unquote(type_), _unquote(rname)
                        assert (kind, t) in SCHEMA, f"{name}: unknown {kind} type {t}"
                        _check_body(body, SCHEMA[(kind, t)], f"{kind}.{t}.{n}")
                        addresses.append(f"{'data.' if kind == 'data' else ''}{t}.{n}")
    assert len(addresses) == len(set(addresses)), "duplicate Terraform addresses"
    return addresses


def test_terraform_for_the_identity_center_directory() -> None:
    plan = build(inventory([*acme(), sso_region()]), accounts(), {}, [])
    files = emit_terraform.render(plan)
    addresses = check_terraform(files)
    count = {t: sum(a.startswith(t + ".") for a in addresses) for t in (
        "aws_ssoadmin_permission_set", "aws_ssoadmin_account_assignment",
        "aws_identitystore_group", "aws_identitystore_user",
        "aws_identitystore_group_membership", "aws_ssoadmin_managed_policy_attachment",
        "aws_ssoadmin_customer_managed_policy_attachment")}
    assert count == {"aws_ssoadmin_permission_set": 3, "aws_ssoadmin_account_assignment": 5,
                     "aws_identitystore_group": 3, "aws_identitystore_user": 4,
                     "aws_identitystore_group_membership": 4,
                     "aws_ssoadmin_managed_policy_attachment": 2,
                     "aws_ssoadmin_customer_managed_policy_attachment": 1}
    assert 'region = "us-east-1"' in files["providers.tf"]


def test_terraform_for_an_external_idp_looks_groups_up() -> None:
    answers = {"identity-provider": {"answer": "Okta, run by IT"}}
    plan = build(inventory(), accounts(), answers, [])
    files = emit_terraform.render(plan)
    addresses = check_terraform(files)
    assert not [a for a in addresses if a.startswith("aws_identitystore_")]
    assert sum(a.startswith("data.aws_identitystore_group.") for a in addresses) == 3
    assert "Okta provisions users and groups" in files["groups.tf"]
    assert "not created in Terraform" in files["groups.tf"]


def test_terraform_escapes_hostile_names_and_policy_variables() -> None:
    doc = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:*",
        "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}
    resources = [user(PROD, "ivy"), access(PROD, "ivy", inline={"home": doc})]
    hostile = 'ops "team" ${var.x} %{if} \\ end'
    plan = build(inventory(resources), accounts(), {},
                 [Edit("rename-group", "inline-home", hostile)])
    files = emit_terraform.render(plan)
    check_terraform(files)
    assert "$${aws:username}" in files["permission_sets.tf"]
    groups = hcl2.loads(files["groups.tf"])["resource"]
    names = [body["display_name"] for entry in groups for t, named in entry.items()
             if _unquote(t) == "aws_identitystore_group" for body in named.values()]
    assert names == ['"ops \\"team\\" $${var.x} %%{if} \\\\ end"']


def test_profiles_parse_with_configparser() -> None:
    plan = build(inventory([*acme(), sso_region()]), accounts(), {}, [])
    text = emit_profiles.render(plan)
    parser = configparser.ConfigParser()
    parser.read_string(text)
    assert parser["sso-session acme"]["sso_start_url"] == "https://d-1234567890.awsapps.com/start"
    assert parser["sso-session acme"]["sso_region"] == "us-east-1"
    profiles = [s for s in parser.sections() if s.startswith("profile ")]
    assert len(profiles) == len(plan.assignments)
    for section in profiles:
        assert parser[section]["sso_session"] == "acme"
        assert set(parser[section]) == {"sso_session", "sso_account_id", "sso_role_name",
                                        "region"}
    assert "aws configure sso --profile" in text and "aws sso login --profile" in text
    bob = configparser.ConfigParser()
    bob.read_string(emit_profiles.render(plan, plan.person("bob")))
    assert sorted(s for s in bob.sections() if s.startswith("profile ")) == [
        "profile acme-dev-developers", "profile acme-prod-developers"]


def test_cutover_comments_out_every_change_and_pins_every_account(tmp_path: Path) -> None:
    inv = inventory([*acme(), sso_region()])
    plan = build(inv, accounts(), {}, [])
    text = emit_cutover.render(plan, inv, plan.people)
    for line in text.splitlines():
        if MUTATING.search(line):
            assert line.lstrip().startswith("#"), line
    pinned: set[str] = set()
    for line in text.splitlines():
        if line.startswith("pin "):
            pinned.add(line.split()[2])
        m = re.match(r"aws \S+ \S+ --profile onboard-(\d{12})", line)
        if m:
            assert m.group(1) in pinned, f"unpinned: {line}"
    assert "# aws iam delete-login-profile --profile onboard-222222222222 --user-name bob" in text
    assert ("# aws iam update-access-key --profile onboard-222222222222 --user-name bob "
            "--access-key-id AKIABOB1 --status Inactive") in text
    assert "# aws iam delete-user --profile onboard-333333333333 --user-name carol" in text
    assert "403" not in text
    script = tmp_path / "cutover.sh"
    script.write_text(text)
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0


def test_cutover_tips_for_google_workspace() -> None:
    inv = inventory()
    answers = {"sign-in": {"answer": "we log in with our google accounts"}}
    plan = build(inv, accounts(), answers, [])
    text = emit_cutover.render(plan, inv, [plan.person("carol")])
    assert "Google Workspace may answer 403 for hours" in text
    assert "not created in Terraform" in text
    assert "alice" not in text


@pytest.fixture
def fake_aws(tmp_path: Path) -> tuple[Path, Path]:
    """An `aws` on PATH that records its argv (one JSON list per line) and prints an id."""
    log = tmp_path / "calls.jsonl"
    stub = tmp_path / "bin" / "aws"
    stub.parent.mkdir()
    stub.write_text(f"#!{sys.executable}\nimport json, sys\n"
                    f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
                    "print('id-' + str(abs(hash(tuple(sys.argv))) % 10**6))\n")
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    return stub.parent, log


def test_commands_pass_hostile_names_as_one_argument(tmp_path: Path, fake_aws) -> None:
    bindir, log = fake_aws
    hostile = "dev's $(touch pwned) `x` \"q\""
    plan = build(inventory([*acme(), sso_region()]), accounts(), {},
                 [Edit("rename-group", "developers", hostile)])
    script = tmp_path / "apply.sh"
    script.write_text(emit_commands.render(plan))
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "pwned").exists()
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    groups = [c[c.index("--display-name") + 1] for c in calls if c[1] == "create-group"]
    assert hostile in groups
    assigned = [(c[c.index("--target-id") + 1]) for c in calls
                if c[1] == "create-account-assignment"]
    assert sorted(assigned) == sorted(a.account_id for a in plan.assignments)
    assert MGMT in assigned
