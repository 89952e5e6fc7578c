"""The read-only audit role as CloudFormation (for a StackSet) and as Terraform.

Deployed to every member account, the role lets `onboard scan --role-name onboard-audit`
read what the scan needs and nothing an administrator could do: AWS's SecurityAudit and
ViewOnlyAccess managed policies plus onboard's own least-privilege policy, trusted only by
the principal that runs the scan. With it nobody scans through
OrganizationAccountAccessRole, which is an administrator in every member account.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from onboard.aws.guard import iam_policy

AUDIT_ROLE_NAME = "onboard-audit"
MANAGED_POLICIES = ("SecurityAudit", "job-function/ViewOnlyAccess")
MAX_SESSION_SECONDS = 3600


def member_policy(role_name: str) -> dict[str, Any]:
    """The inline policy of the role in a member account: the scan's reads, without the
    statement that assumes roles (the role itself never assumes another)."""
    policy = iam_policy(role_name)
    policy["Statement"] = [s for s in policy["Statement"]
                           if s["Sid"] != "OnboardAssumeAuditRole"]
    return policy


def cloudformation(role_name: str = AUDIT_ROLE_NAME) -> str:
    """A CloudFormation template (YAML) for the role; deploy it with a service-managed
    StackSet to the organization's accounts."""
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "onboard read-only audit role: SecurityAudit + ViewOnlyAccess + "
                       "onboard's least-privilege read policy, trusted by the scanning "
                       "principal only. Deploy with a StackSet to every member account.",
        "Parameters": {
            "ScanningPrincipalArn": {
                "Type": "String",
                "AllowedPattern": "arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+",
                "Description": "ARN of the role or user that runs `onboard scan` (in the "
                               "management or security account)"},
            "RoleName": {"Type": "String", "Default": role_name,
                         "Description": "Name of the role; pass it to onboard scan "
                                        "--role-name"},
        },
        "Resources": {
            "OnboardAuditRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": {"Ref": "RoleName"},
                    "Description": "Read-only audit by onboard; cannot change anything",
                    "MaxSessionDuration": MAX_SESSION_SECONDS,
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                       "Principal": {"AWS": {"Ref": "ScanningPrincipalArn"}}}],
                    },
                    "ManagedPolicyArns": [
                        {"Fn::Sub": f"arn:${{AWS::Partition}}:iam::aws:policy/{name}"}
                        for name in MANAGED_POLICIES],
                    "Policies": [{"PolicyName": "onboard-read-only",
                                  "PolicyDocument": member_policy(role_name)}],
                },
            },
        },
        "Outputs": {"RoleArn": {"Value": {"Fn::GetAtt": ["OnboardAuditRole", "Arn"]}}},
    }
    return yaml.safe_dump(template, sort_keys=False, width=100)


def terraform(role_name: str = AUDIT_ROLE_NAME) -> str:
    """Terraform for the management account: the scanning principal's policy, and a
    service-managed StackSet that puts the audit role in every account of the given OUs."""
    scanner = json.dumps(iam_policy(role_name), indent=2)
    template = json.dumps(yaml.safe_load(cloudformation(role_name)), indent=2)
    return f'''# onboard: the read-only audit role in every member account, via a StackSet.
# terraform apply in the management account (or a StackSets delegated administrator).

variable "scanning_principal_arn" {{
  type        = string
  description = "ARN of the role or user that runs `onboard scan`"
}}

variable "organizational_unit_ids" {{
  type        = list(string)
  description = "OUs (or the root, r-xxxx) whose accounts get the audit role"
}}

variable "role_name" {{
  type    = string
  default = "{role_name}"
}}

# What the scanning principal itself needs: the reads, and sts:AssumeRole on the audit
# role only. Attach it to the principal named above.
resource "aws_iam_policy" "onboard_scanner" {{
  name        = "onboard-scanner"
  description = "onboard scan: read-only audit and assuming ${{var.role_name}} only"
  policy      = <<-EOT
{_indent(scanner)}
  EOT
}}

resource "aws_cloudformation_stack_set" "onboard_audit_role" {{
  name             = "onboard-audit-role"
  permission_model = "SERVICE_MANAGED"
  capabilities     = ["CAPABILITY_NAMED_IAM"]

  auto_deployment {{
    enabled                          = true
    retain_stacks_on_account_removal = false
  }}

  parameters = {{
    ScanningPrincipalArn = var.scanning_principal_arn
    RoleName             = var.role_name
  }}

  template_body = <<-EOT
{_indent(template)}
  EOT

  lifecycle {{
    ignore_changes = [administration_role_arn]
  }}
}}

resource "aws_cloudformation_stack_set_instance" "onboard_audit_role" {{
  stack_set_name = aws_cloudformation_stack_set.onboard_audit_role.name

  deployment_targets {{
    organizational_unit_ids = var.organizational_unit_ids
  }}
}}
'''


def _indent(text: str, by: int = 4) -> str:
    # Inside a heredoc `${` would be read as an interpolation: escape it as `$${`.
    return "\n".join(" " * by + line for line in text.replace("${", "$${").splitlines())
