"""IAM access collector: who holds which policies (groups, attachments, inline, local policies).

`iam.access` (global) makes one paginated call per account: GetAccountAuthorizationDetails
with Filter=[User, Group, LocalManagedPolicy], which returns every user's groups, attached
managed policies and inline policies, every group's, and every customer-managed policy with
its versions, in one listing. The Identity Center kit (`onboard.sso_kit`) reads these records
to turn today's IAM access into permission sets and assignments.

`iam.user_access` (region "global", id = name = UserName, arn = user ARN); attrs:
  groups     sorted list of group names
  attached   list of {arn, name} managed policies attached to the user itself
  inline     list of {name, document} (document: the policy as a dict)

`iam.group` (region "global", id = name = GroupName, arn = group ARN); attrs:
  attached   list of {arn, name}
  inline     list of {name, document}
  members    sorted list of user names (from the users' GroupList)

`iam.policy` (region "global", id = name = PolicyName, arn = policy ARN; customer-managed
only — IAM policy names are unique within an account); attrs:
  path               e.g. "/" or "/team/"
  document           the default version's document as a dict, None if not returned
  attachment_count   int
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from onboard.aws.collect.base import Context, collector
from onboard.models import GLOBAL, Resource

FILTERS = ["User", "Group", "LocalManagedPolicy"]


def policy_document(value: Any) -> dict[str, Any] | None:
    """A policy document as a dict: boto3 decodes most, but a raw one is URL-encoded JSON."""
    if value is None or isinstance(value, dict):
        return value
    text = str(value)
    for candidate in (text, unquote(text)):
        try:
            parsed = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            return parsed
    return None


def _attached(items: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    return [{"arn": p["PolicyArn"], "name": p.get("PolicyName") or p["PolicyArn"].rsplit("/")[-1]}
            for p in items or [] if p.get("PolicyArn")]


def _inline(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [{"name": p["PolicyName"], "document": policy_document(p.get("PolicyDocument"))}
            for p in items or [] if p.get("PolicyName")]


def _default_document(policy: dict[str, Any]) -> dict[str, Any] | None:
    for version in policy.get("PolicyVersionList") or []:
        if version.get("IsDefaultVersion"):
            return policy_document(version.get("Document"))
    return None


@collector("iam.access", scope="global",
           produces=("iam.user_access", "iam.group", "iam.policy"),
           calls=("iam:GetAccountAuthorizationDetails",))
def collect_iam_access(ctx: Context) -> list[Resource]:
    """Users' and groups' policies and the account's customer-managed policies."""
    iam = ctx.client("iam")
    users: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    policies: list[dict[str, Any]] = []
    for page in iam.get_paginator("get_account_authorization_details").paginate(
            Filter=FILTERS, PaginationConfig={"PageSize": 1000}):
        users.extend(page.get("UserDetailList", []))
        groups.extend(page.get("GroupDetailList", []))
        policies.extend(page.get("Policies", []))
    members: dict[str, list[str]] = {}
    out: list[Resource] = []
    for user in users:
        name = user["UserName"]
        names = sorted(set(user.get("GroupList") or []))
        for group in names:
            members.setdefault(group, []).append(name)
        out.append(Resource(
            type="iam.user_access", id=name, name=name, account_id=ctx.account_id,
            region=GLOBAL, arn=user.get("Arn"),
            attrs={"groups": names, "attached": _attached(user.get("AttachedManagedPolicies")),
                   "inline": _inline(user.get("UserPolicyList"))}))
    for group in groups:
        name = group["GroupName"]
        out.append(Resource(
            type="iam.group", id=name, name=name, account_id=ctx.account_id, region=GLOBAL,
            arn=group.get("Arn"),
            attrs={"attached": _attached(group.get("AttachedManagedPolicies")),
                   "inline": _inline(group.get("GroupPolicyList")),
                   "members": sorted(members.get(name, []))}))
    for policy in policies:
        # moto leaves PolicyName out of this listing; the ARN ends with it either way
        name = policy.get("PolicyName") or str(policy.get("Arn", "")).rsplit("/", 1)[-1]
        out.append(Resource(
            type="iam.policy", id=name, name=name, account_id=ctx.account_id, region=GLOBAL,
            arn=policy.get("Arn"),
            attrs={"path": policy.get("Path") or "/", "document": _default_document(policy),
                   "attachment_count": policy.get("AttachmentCount") or 0}))
    return out

