"""IAM Identity Center collector: instances, permission sets, assignments and the identity store.

`sso.instances` (regional, management account only) starts with sso-admin ListInstances
(paginated, 100 per page), which lists the organization instance (in the management account
or a delegated administrator) and account instances in the region it is called in. For each
instance this account owns it then reads what the Identity Center kit needs to plan around
what already exists: ListPermissionSets, and per permission set DescribePermissionSet,
ListManagedPoliciesInPermissionSet, ListCustomerManagedPolicyReferencesInPermissionSet and
GetInlinePolicyForPermissionSet; from the identity store ListUsers, ListGroups and per group
ListGroupMemberships; and per user and group ListAccountAssignmentsForPrincipal (it needs no
account list, and sees assignments whether or not the permission set is provisioned yet).
A failure of one of these reads is recorded in the region record's `errors` and the rest
goes on.

`sso.region` (region = the region, id = the region name); attrs:
  instances  list of {arn, identity_store_id, owner_account_id, status, name,
             primary_region}; owner_account_id/status/name/primary_region may be None
  errors     {"<what>:<instance or permission set id>": AWS error code}

`sso.permission_set` (id = permission set ARN, name = its name); attrs:
  instance_arn, description, session_duration (ISO-8601, e.g. "PT1H")
  managed          sorted list of AWS-managed policy ARNs
  customer_managed sorted list of {name, path}
  inline           the inline policy document as a dict, or None
  assignments      list of {account_id, principal_type "USER"|"GROUP", principal_id}
                   (from the principals of this instance's identity store)

`sso.group` (id = group id, name = display name); attrs: identity_store_id, description,
  members (sorted user ids)
`sso.user` (id = user id, name = user name); attrs: identity_store_id, display_name, emails
"""

from __future__ import annotations

import json
from typing import Any

from onboard.aws.collect.base import Context, collector, detail, paginate
from onboard.models import Resource

USABLE = {None, "ACTIVE"}


def _instances(client: Any) -> list[dict[str, Any]]:
    return [
        {"arn": inst.get("InstanceArn"), "identity_store_id": inst.get("IdentityStoreId"),
         "owner_account_id": inst.get("OwnerAccountId"), "status": inst.get("Status"),
         "name": inst.get("Name"), "primary_region": inst.get("PrimaryRegion")}
        for inst in paginate(client, "list_instances", "Instances",
                             PaginationConfig={"PageSize": 100})
    ]


def _short(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _inline(value: Any) -> dict[str, Any] | None:
    if not value:
        return None
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _permission_set(ctx: Context, client: Any, instance: str, arn: str,
                    errors: dict[str, str]) -> Resource:
    key = _short(arn)
    desc = detail(errors, f"describe_permission_set:{key}", lambda: client.describe_permission_set(
        InstanceArn=instance, PermissionSetArn=arn)["PermissionSet"]) or {}
    managed = detail(errors, f"managed_policies:{key}", lambda: [
        p["Arn"] for p in paginate(client, "list_managed_policies_in_permission_set",
                                   "AttachedManagedPolicies", InstanceArn=instance,
                                   PermissionSetArn=arn)]) or []
    customer = detail(errors, f"customer_managed_policies:{key}", lambda: [
        {"name": p["Name"], "path": p.get("Path") or "/"} for p in paginate(
            client, "list_customer_managed_policy_references_in_permission_set",
            "CustomerManagedPolicyReferences", InstanceArn=instance,
            PermissionSetArn=arn)]) or []
    inline = detail(errors, f"inline_policy:{key}",
                    lambda: client.get_inline_policy_for_permission_set(
                        InstanceArn=instance, PermissionSetArn=arn).get("InlinePolicy"))
    return Resource(type="sso.permission_set", id=arn, account_id=ctx.account_id,
                    region=ctx.region, arn=arn, name=desc.get("Name") or key,
                    attrs={"instance_arn": instance, "description": desc.get("Description"),
                           "session_duration": desc.get("SessionDuration"),
                           "managed": sorted(managed),
                           "customer_managed": sorted(customer, key=lambda c: (c["path"],
                                                                               c["name"])),
                           "inline": _inline(inline), "assignments": []})


def _assignments(client: Any, instance: str, principal_type: str, principal_id: str,
                 errors: dict[str, str]) -> list[dict[str, Any]]:
    found = detail(errors, f"assignments:{principal_id}", lambda: list(paginate(
        client, "list_account_assignments_for_principal", "AccountAssignments",
        InstanceArn=instance, PrincipalType=principal_type, PrincipalId=principal_id))) or []
    return [{"account_id": a.get("AccountId"), "permission_set_arn": a.get("PermissionSetArn"),
             "principal_type": principal_type, "principal_id": principal_id} for a in found]


def _identity_store(ctx: Context, admin: Any, instance: str, store_id: str,
                    errors: dict[str, str]) -> tuple[list[Resource], list[dict[str, Any]]]:
    client = ctx.client("identitystore")
    assignments: list[dict[str, Any]] = []
    out: list[Resource] = []
    users = detail(errors, f"users:{store_id}", lambda: list(paginate(
        client, "list_users", "Users", IdentityStoreId=store_id))) or []
    for user in users:
        assignments += _assignments(admin, instance, "USER", user["UserId"], errors)
        out.append(Resource(
            type="sso.user", id=user["UserId"], account_id=ctx.account_id, region=ctx.region,
            name=user.get("UserName") or user["UserId"],
            attrs={"identity_store_id": store_id, "display_name": user.get("DisplayName"),
                   "emails": [e.get("Value") for e in user.get("Emails") or []
                              if e.get("Value")]}))
    groups = detail(errors, f"groups:{store_id}", lambda: list(paginate(
        client, "list_groups", "Groups", IdentityStoreId=store_id))) or []
    for group in groups:
        gid = group["GroupId"]
        assignments += _assignments(admin, instance, "GROUP", gid, errors)
        members = detail(errors, f"group_memberships:{gid}", lambda g=gid: list(paginate(  # type: ignore[misc]
            client, "list_group_memberships", "GroupMemberships", IdentityStoreId=store_id,
            GroupId=g))) or []
        out.append(Resource(
            type="sso.group", id=gid, account_id=ctx.account_id, region=ctx.region,
            name=group.get("DisplayName") or gid,
            attrs={"identity_store_id": store_id, "description": group.get("Description"),
                   "members": sorted((m.get("MemberId") or {}).get("UserId", "")
                                     for m in members
                                     if (m.get("MemberId") or {}).get("UserId"))}))
    return out, assignments


@collector("sso.instances", scope="regional",
           produces=("sso.region", "sso.permission_set", "sso.group", "sso.user"),
           calls=("sso-admin:ListInstances", "sso-admin:ListPermissionSets",
                  "sso-admin:DescribePermissionSet",
                  "sso-admin:ListManagedPoliciesInPermissionSet",
                  "sso-admin:ListCustomerManagedPolicyReferencesInPermissionSet",
                  "sso-admin:GetInlinePolicyForPermissionSet",
                  "sso-admin:ListAccountAssignmentsForPrincipal", "identitystore:ListUsers",
                  "identitystore:ListGroups", "identitystore:ListGroupMemberships"),
           management_only=True)
def collect_sso_instances(ctx: Context) -> list[Resource]:
    """The region's Identity Center instances and, for this account's own, what they hold."""
    client = ctx.client("sso-admin")
    instances = _instances(client)
    errors: dict[str, str] = {}
    out: list[Resource] = []
    for inst in instances:
        if inst["status"] not in USABLE or not inst["arn"]:
            continue
        if inst["owner_account_id"] not in (None, ctx.account_id):
            continue
        arn = inst["arn"]
        sets = detail(errors, f"permission_sets:{_short(arn)}", lambda a=arn: list(paginate(  # type: ignore[misc]
            client, "list_permission_sets", "PermissionSets", InstanceArn=a))) or []
        found = [_permission_set(ctx, client, arn, ps, errors) for ps in sets]
        if inst["identity_store_id"]:
            principals, assignments = _identity_store(ctx, client, arn,
                                                      inst["identity_store_id"], errors)
            by_arn = {ps.id: ps for ps in found}
            for a in assignments:
                ps = by_arn.get(a.pop("permission_set_arn") or "")
                if ps is not None:
                    ps.attrs["assignments"].append(a)
            out += principals
        out += found
    region = Resource(type="sso.region", id=ctx.region, account_id=ctx.account_id,
                      region=ctx.region, name=ctx.region,
                      attrs={"instances": instances, "errors": errors})
    return [region, *out]
