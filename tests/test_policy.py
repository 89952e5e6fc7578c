"""`onboard policy`: one statement per service, sts:AssumeRole and apigateway:GET scoped,
and an audit role (CloudFormation for a StackSet, or Terraform) that deploys for real."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest
import yaml

from onboard.aws.audit_role import AUDIT_ROLE_NAME
from onboard.aws.guard import declared_calls, iam_policy, policy_actions, policy_allows
from onboard.cli import main


def _policy(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["policy", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_one_statement_per_service(capsys: pytest.CaptureFixture[str]) -> None:
    policy = _policy(capsys)
    assert policy == iam_policy()
    sids = [s["Sid"] for s in policy["Statement"]]
    assert len(sids) == len(set(sids))
    for st in policy["Statement"]:
        actions = [st["Action"]] if isinstance(st["Action"], str) else st["Action"]
        assert len({a.split(":")[0] for a in actions}) == 1, st
    assert policy_actions(policy) == {c.iam_action for c in declared_calls()}


def test_assume_role_only_on_the_role_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    policy = _policy(capsys, "--role-name", "onboard-audit")
    (st,) = [s for s in policy["Statement"] if "sts:AssumeRole" in s["Action"]]
    assert st["Resource"] == "arn:aws:iam::*:role/onboard-audit"
    assert policy_allows(policy, "sts:AssumeRole", "arn:aws:iam::111122223333:role/onboard-audit")
    assert not policy_allows(policy, "sts:AssumeRole",
                             "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole")
    default = _policy(capsys)
    assert policy_allows(default, "sts:AssumeRole",
                         "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole")
    assert not policy_allows(default, "sts:AssumeRole", "arn:aws:iam::111122223333:role/Admin")
    assert main(["policy", "--role-name", "bad name*"]) == 2


def test_api_gateway_reads_no_api_keys(capsys: pytest.CaptureFixture[str]) -> None:
    policy = _policy(capsys)
    star = [s for s in policy["Statement"] if s["Resource"] == "*"]
    assert not any("apigateway:GET" in s["Action"] or "sts:AssumeRole" in s["Action"]
                   for s in star)
    arn = "arn:aws:apigateway:us-east-1::"
    assert policy_allows(policy, "apigateway:GET", f"{arn}/restapis")
    assert policy_allows(policy, "apigateway:GET", f"{arn}/apis")
    for path in ("/apikeys", "/apikeys/k1", "/restapis/abc123/stages/prod/sdks/js",
                 "/usageplans", "/restapis/abc123/resources"):
        assert not policy_allows(policy, "apigateway:GET", f"{arn}{path}"), path


def test_cloudformation_role_deploys_and_is_assumable(aws: None,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    assert main(["policy", "--format", "cloudformation"]) == 0
    template = capsys.readouterr().out
    body = yaml.safe_load(template)
    role = body["Resources"]["OnboardAuditRole"]["Properties"]
    assert [s["Sid"] for s in role["Policies"][0]["PolicyDocument"]["Statement"]
            if "sts:AssumeRole" in s["Action"]] == []
    scanner = "arn:aws:iam::123456789012:role/security-scanner"
    cfn = boto3.client("cloudformation", region_name="us-east-1")
    cfn.create_stack(StackName="onboard-audit", TemplateBody=template,
                     Capabilities=["CAPABILITY_NAMED_IAM"],
                     Parameters=[{"ParameterKey": "ScanningPrincipalArn",
                                  "ParameterValue": scanner}])
    iam = boto3.client("iam", region_name="us-east-1")
    got = iam.get_role(RoleName=AUDIT_ROLE_NAME)["Role"]
    trust = got["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert trust["Statement"][0]["Principal"] == {"AWS": scanner}
    # moto's CloudFormation does not attach ManagedPolicyArns: check that the ARNs the
    # template names are AWS managed policies (moto ships AWS's own list of them).
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    known = {f"arn:aws:iam::aws:policy{p['Path']}{name}"
             for name, p in json.loads(aws_managed_policies_data).items()}
    named = {ref["Fn::Sub"].replace("${AWS::Partition}", "aws")
             for ref in role["ManagedPolicyArns"]}
    assert named == {"arn:aws:iam::aws:policy/SecurityAudit",
                     "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"}
    assert named <= known
    assert iam.list_role_policies(RoleName=AUDIT_ROLE_NAME)["PolicyNames"] == [
        "onboard-read-only"]
    creds = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=got["Arn"], RoleSessionName="onboard")["Credentials"]
    assert creds["AccessKeyId"]


def test_terraform_is_valid_hcl_with_the_stack_set(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "--format", "terraform", "--role-name", "audit"]) == 0
    text = capsys.readouterr().out
    assert 'resource "aws_cloudformation_stack_set" "onboard_audit_role"' in text
    assert 'permission_model = "SERVICE_MANAGED"' in text
    assert "arn:aws:iam::*:role/audit" in text
    import hcl2

    parsed = hcl2.loads(text)
    kinds = {k.strip("\"") for block in parsed["resource"] for k in block}
    assert kinds == {"aws_iam_policy", "aws_cloudformation_stack_set",
                     "aws_cloudformation_stack_set_instance"}
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed: HCL syntax not checked")
    path = tmp_path / "audit.tf"
    path.write_text(text)
    proc = subprocess.run(["terraform", "fmt", "-check", "-diff", str(path)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_what_the_audit_role_cannot_do() -> None:
    """The role's three policies together (AWS's SecurityAudit and ViewOnlyAccess as moto
    ships them, and onboard's) allow none of these."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    from onboard.aws.audit_role import member_policy

    managed = json.loads(aws_managed_policies_data)
    policies = [managed["SecurityAudit"]["Document"], managed["ViewOnlyAccess"]["Document"],
                member_policy(AUDIT_ROLE_NAME)]
    for policy in policies:
        for st in policy["Statement"]:
            st.setdefault("Resource", "*")
    forbidden = [
        ("apigateway:GET", "arn:aws:apigateway:us-east-1::/apikeys"),
        ("apigateway:GET", "arn:aws:apigateway:us-east-1::/apikeys/k1"),
        ("sts:AssumeRole", "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"),
        ("s3:GetObject", "arn:aws:s3:::bucket/key"),
        ("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:1:secret:x"),
        ("ssm:GetParameter", "arn:aws:ssm:us-east-1:1:parameter/x"),
        ("kms:Decrypt", "arn:aws:kms:us-east-1:1:key/x"),
        ("iam:CreateUser", "arn:aws:iam::1:user/x"),
        ("iam:AttachRolePolicy", "arn:aws:iam::1:role/x"),
        ("ec2:RunInstances", "*"),
        ("s3:PutBucketPolicy", "arn:aws:s3:::bucket"),
    ]
    for action, resource in forbidden:
        assert not any(policy_allows(p, action, resource) for p in policies), action
    assert policy_allows(policies[2], "s3:GetBucketVersioning", "arn:aws:s3:::bucket")
