"""The Identity Center kit's collectors against moto: IAM access (groups, attachments, inline,
local policies) and Identity Center (permission sets, assignments, identity store)."""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.exceptions import ClientError

from onboard.aws.collect.iam_access import collect_iam_access, policy_document
from onboard.aws.collect.sso import collect_sso_instances
from onboard.aws.guard import iam_policy, policy_actions

ACCOUNT = "123456789012"
S3_ALL = {"Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


def by(records: list, type_: str) -> dict[str, Any]:
    return {r.id: r for r in records if r.type == type_}


def test_iam_access_reads_groups_attachments_inline_and_local_policies(aws, make_ctx) -> None:
    iam = boto3.client("iam")
    arn = iam.create_policy(PolicyName="team-s3", Path="/team/",
                            PolicyDocument=json.dumps(S3_ALL))["Policy"]["Arn"]
    iam.create_group(GroupName="devs")
    iam.attach_group_policy(GroupName="devs", PolicyArn=arn)
    iam.put_group_policy(GroupName="devs", PolicyName="logs",
                         PolicyDocument=json.dumps(S3_ALL))
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    iam.put_user_policy(UserName="alice", PolicyName="mine", PolicyDocument=json.dumps(S3_ALL))
    iam.create_user(UserName="bot")
    records = collect_iam_access(make_ctx())
    users, groups, policies = (by(records, t) for t in ("iam.user_access", "iam.group",
                                                          "iam.policy"))
    assert users["alice"].attrs == {
        "groups": ["devs"], "attached": [{"arn": arn, "name": "team-s3"}],
        "inline": [{"name": "mine", "document": S3_ALL}]}
    assert users["bot"].attrs == {"groups": [], "attached": [], "inline": []}
    assert groups["devs"].attrs["members"] == ["alice"]
    assert groups["devs"].attrs["inline"] == [{"name": "logs", "document": S3_ALL}]
    assert policies["team-s3"].attrs["path"] == "/team/"
    assert policies["team-s3"].attrs["document"] == S3_ALL
    assert policies["team-s3"].arn == arn


def test_policy_document_decodes_url_encoded_json() -> None:
    assert policy_document("%7B%22Version%22%3A%20%222012-10-17%22%7D") == {
        "Version": "2012-10-17"}
    assert policy_document({"a": 1}) == {"a": 1}
    assert policy_document("not json") is None


def _seed_identity_center() -> dict[str, str]:
    sso = boto3.client("sso-admin")
    inst = sso.list_instances()["Instances"][0]
    arn, store_id = inst["InstanceArn"], inst["IdentityStoreId"]
    ps = sso.create_permission_set(Name="Dev", InstanceArn=arn,
                                   SessionDuration="PT4H")["PermissionSet"]["PermissionSetArn"]
    sso.attach_managed_policy_to_permission_set(
        InstanceArn=arn, PermissionSetArn=ps,
        ManagedPolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    sso.attach_customer_managed_policy_reference_to_permission_set(
        InstanceArn=arn, PermissionSetArn=ps,
        CustomerManagedPolicyReference={"Name": "team-s3", "Path": "/team/"})
    sso.put_inline_policy_to_permission_set(InstanceArn=arn, PermissionSetArn=ps,
                                            InlinePolicy=json.dumps(S3_ALL))
    store = boto3.client("identitystore")
    group = store.create_group(IdentityStoreId=store_id, DisplayName="devs")["GroupId"]
    user = store.create_user(IdentityStoreId=store_id, UserName="alice", DisplayName="Alice",
                             Name={"GivenName": "Alice", "FamilyName": "A"})["UserId"]
    store.create_group_membership(IdentityStoreId=store_id, GroupId=group,
                                  MemberId={"UserId": user})
    sso.create_account_assignment(InstanceArn=arn, TargetId=ACCOUNT, TargetType="AWS_ACCOUNT",
                                  PermissionSetArn=ps, PrincipalType="GROUP",
                                  PrincipalId=group)
    return {"instance": arn, "store": store_id, "ps": ps, "group": group, "user": user}


def test_sso_reads_permission_sets_assignments_and_identity_store(aws, make_ctx) -> None:
    ids = _seed_identity_center()
    records = collect_sso_instances(make_ctx())
    region = by(records, "sso.region")["us-east-1"]
    assert region.attrs["instances"][0]["arn"] == ids["instance"]
    assert region.attrs["errors"] == {}
    ps = by(records, "sso.permission_set")[ids["ps"]]
    assert ps.name == "Dev"
    assert ps.attrs["session_duration"] == "PT4H"
    assert ps.attrs["managed"] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert ps.attrs["customer_managed"] == [{"name": "team-s3", "path": "/team/"}]
    assert ps.attrs["inline"] == S3_ALL
    assert ps.attrs["assignments"] == [{"account_id": ACCOUNT, "principal_type": "GROUP",
                                        "principal_id": ids["group"]}]
    assert by(records, "sso.group")[ids["group"]].attrs["members"] == [ids["user"]]
    assert by(records, "sso.user")[ids["user"]].name == "alice"


def test_a_failed_detail_read_is_recorded_and_the_rest_goes_on(aws, make_ctx) -> None:
    _seed_identity_center()
    session = boto3.Session()

    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}},
                          "ListPermissionSets")

    session.events.register("before-call.sso-admin.ListPermissionSets", deny)
    records = collect_sso_instances(make_ctx(session=session))
    region = by(records, "sso.region")["us-east-1"]
    assert [v for k, v in region.attrs["errors"].items()
            if k.startswith("permission_sets:")] == ["AccessDenied"]
    assert not by(records, "sso.permission_set")
    assert by(records, "sso.group")  # the identity store was still read


def test_the_policy_grows_by_the_kit_reads() -> None:
    actions = policy_actions(iam_policy())
    assert {"iam:GetAccountAuthorizationDetails", "sso:ListPermissionSets",
            "sso:DescribePermissionSet", "sso:ListAccountAssignmentsForPrincipal",
            "sso:GetInlinePolicyForPermissionSet", "identitystore:ListGroupMemberships",
            "identitystore:ListUsers", "identitystore:ListGroups"} <= actions
