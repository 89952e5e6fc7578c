"""The Identity Center plan from hand-made inventories: exact groups and assignments, the
workload / break-glass exclusions, edits, session durations, notes and existing state."""

from __future__ import annotations

from onboard.models import Resource
from onboard.sso_kit.plan import Edit, build
from onboard.sso_kit.render import JSON_KEYS, to_json, to_markdown
from tests.sso_fixtures import (
    ADMIN_ARN,
    DEV,
    INSTANCE,
    MGMT,
    PROD,
    STORE,
    access,
    accounts,
    acme,
    allow,
    cm,
    group,
    inventory,
    policy,
    sso_region,
    user,
)


def plan_of(resources=None, edits=(), answers=None):
    return build(inventory(resources), accounts(), answers or {}, list(edits))


def test_people_groups_and_exact_assignments() -> None:
    plan = plan_of()
    assert [p.id for p in plan.people] == ["alice", "bob", "carol", "dave"]
    assert {g.key: g.members for g in plan.groups} == {
        "admins": ["alice"], "developers": ["bob", "carol"],
        "readonly": ["dave"]}
    rows = {(plan.group(a.group).name, plan.permission_set(a.permission_set).name, a.account_id)
            for a in plan.assignments}
    assert rows == {("admins", "AdministratorAccess", MGMT),
                    ("admins", "AdministratorAccess", PROD),
                    ("developers", "Acme-developers", PROD),
                    ("developers", "Acme-developers", DEV),
                    ("readonly", "ReadOnlyAccess", PROD)}
    assert plan.person("bob").access == {PROD: "Acme-developers", DEV: "Acme-developers"}


def test_groups_split_when_the_same_policy_is_held_by_different_people() -> None:
    resources = [*acme(), user(DEV, "erin"), access(DEV, "erin", ["developers"])]
    plan = plan_of(resources)
    by_name = {g.name: g.members for g in plan.groups}
    assert by_name["developers-prod"] == ["bob", "carol"]
    assert by_name["developers-dev"] == ["bob", "carol", "erin"]
    assert len(plan.assignments) == 5  # one per (permission set, account) cell


def test_workload_and_leftover_users_are_excluded_with_a_reason() -> None:
    plan = plan_of()
    excluded = {(e.account_id, e.user_name): e for e in plan.excluded}
    assert excluded[(PROD, "ci-deployer")].kind == "workload"
    assert "AKIACI01" in excluded[(PROD, "ci-deployer")].reason
    assert "IAM role" in excluded[(PROD, "ci-deployer")].reason
    assert excluded[(DEV, "old-bot")].kind == "no-credentials"
    covered = {(m.user.account_id, m.user.user_name) for p in plan.people for m in p.users}
    assert not covered & set(excluded)


def test_break_glass_exclude_and_move_edits() -> None:
    plan = plan_of(edits=[Edit("break-glass", f"{MGMT}/alice", ""),
                          Edit("exclude-user", f"{PROD}/dave", "contractor, leaving"),
                          Edit("move-user", f"{PROD}/ci-deployer", "bob")])
    excluded = {(e.account_id, e.user_name): e for e in plan.excluded}
    assert excluded[(MGMT, "alice")].kind == "break-glass"
    assert "break-glass" in excluded[(MGMT, "alice")].reason
    assert excluded[(PROD, "dave")].reason == "contractor, leaving"
    bob = plan.person("bob")
    assert {(m.user.user_name, m.rule) for m in bob.users if m.user.account_id == PROD} == {
        ("bob", "same user name"), ("ci-deployer", "mapping")}
    assert any("2 IAM users" in n for n in bob.notes)
    assert plan.person("alice").access == {PROD: "AdministratorAccess"}
    assert not plan.warnings or all("matches nothing" not in w for w in plan.warnings)


def test_renames_apply_and_stale_edits_warn() -> None:
    plan = plan_of(edits=[Edit("rename-group", "developers", "engineers"),
                          Edit("rename-permission-set", "Acme-developers", "Developer"),
                          Edit("rename-group", "gone", "x")])
    assert plan.group("developers").name == "engineers"
    assert plan.permission_set("Acme-developers").name == "Developer"
    assert any("rename-group gone" in w for w in plan.warnings)
    data = to_json(plan)
    assert {"group": "engineers", "permission_set": "Developer", "account_id": DEV,
            "account_name": "Acme Dev", "exists": False} in data["assignments"]


def test_session_durations() -> None:
    plan = plan_of()
    assert plan.permission_set("AdministratorAccess").session_duration == "PT1H"
    assert plan.permission_set("ReadOnlyAccess").session_duration == "PT8H"
    assert plan.permission_set("Acme-developers").session_duration == "PT4H"


def test_a_customer_policy_allowing_everything_is_admin() -> None:
    resources = [policy(PROD, "god", allow("*")), user(PROD, "zed"),
                 access(PROD, "zed", attached=[cm(PROD, "god")])]
    plan = plan_of(resources)
    assert plan.permission_sets[0].session_duration == "PT1H"


def test_missing_and_differing_customer_policies_are_flagged() -> None:
    resources = [policy(PROD, "shared", allow("s3:*")), policy(DEV, "shared", allow("ec2:*")),
                 user(PROD, "amy"), access(PROD, "amy", attached=[cm(PROD, "shared")]),
                 user(DEV, "amy"), access(DEV, "amy", attached=[cm(DEV, "shared")]),
                 user(MGMT, "amy"), access(MGMT, "amy", attached=[cm(MGMT, "shared")])]
    ps = plan_of(resources).permission_sets[0]
    assert ps.missing == {"shared": [MGMT]}
    assert any("differs between accounts" in n for n in ps.notes)


def test_inline_policies_become_one_inline_policy() -> None:
    resources = [user(PROD, "ivy"),
                 access(PROD, "ivy", ["g"], inline={"mine": allow("logs:Get*")}),
                 group(PROD, "g", inline={"theirs": allow("sqs:*")}, members=["ivy"])]
    ps = plan_of(resources).permission_sets[0]
    assert ps.inline == {"Version": "2012-10-17", "Statement": [
        allow("logs:Get*")["Statement"][0], allow("sqs:*")["Statement"][0]]}
    assert ps.name == "inline-mine+inline-theirs"


def test_least_privilege_note_from_key_last_use() -> None:
    notes = plan_of().person("bob").notes
    assert any("allows ec2, s3" in n and "last used for s3" in n for n in notes)
    assert not plan_of().person("carol").notes


def test_identity_source_from_interview_and_edit() -> None:
    answers = {"identity-provider": {"answer": "Everyone uses Google Workspace accounts"}}
    plan = plan_of(answers=answers)
    assert plan.identity_source == "google" and plan.external_idp
    assert "interview" in plan.identity_source_from
    plan = plan_of(answers=answers, edits=[Edit("identity-source", "-", "identity-center")])
    assert not plan.external_idp
    assert plan_of().identity_source == "identity-center"


def test_instance_and_existing_state() -> None:
    existing_ps = Resource(
        type="sso.permission_set", id=f"{INSTANCE}/ps-1", account_id=MGMT, region="us-east-1",
        name="AdministratorAccess",
        attrs={"instance_arn": INSTANCE, "managed": [ADMIN_ARN], "customer_managed": [],
               "inline": None, "assignments": [
                   {"account_id": MGMT, "principal_type": "GROUP", "principal_id": "g-1"},
                   {"account_id": DEV, "principal_type": "GROUP", "principal_id": "g-1"}]})
    existing_group = Resource(type="sso.group", id="g-1", account_id=MGMT,
                              region="us-east-1", name="admins",
                              attrs={"identity_store_id": STORE, "members": []})
    plan = plan_of([*acme(), sso_region(), existing_ps, existing_group])
    assert plan.instance is not None and plan.instance.identity_store_id == STORE
    assert plan.home_region == "us-east-1"
    assert plan.permission_set("AdministratorAccess").existing_arn == f"{INSTANCE}/ps-1"
    assert plan.group("admins").existing_id == "g-1"
    exists = {(a.group, a.account_id): a.exists for a in plan.assignments}
    assert exists[("admins", MGMT)] and not exists[("admins", PROD)]
    assert any(f"AdministratorAccess in {DEV} to admins" in w for w in plan.warnings)


def test_no_instance_warns_and_proposes_a_region() -> None:
    plan = plan_of()
    assert plan.instance is None and plan.home_region == "us-east-1"
    assert any("no IAM Identity Center instance" in w for w in plan.warnings)


def test_unreadable_access_is_said_not_guessed() -> None:
    resources = [user(PROD, "nia"), user(PROD, "oz", password=None)]
    plan = plan_of(resources)
    assert plan.person("nia").access == {}
    assert any("could not be read" in n for n in plan.person("nia").notes)
    assert [e.kind for e in plan.excluded] == ["unreadable"]
    assert any("no IAM access records" in w for w in plan.warnings)


def test_json_has_exactly_the_documented_keys_and_markdown_escapes() -> None:
    plan = plan_of(edits=[Edit("rename-group", "developers", "dev|<b>team</b>")])
    data = to_json(plan)
    assert tuple(data) == JSON_KEYS
    person = data["people"][0]
    assert set(person) == {"id", "display_name", "email", "users", "groups", "access", "notes",
                           "exists"}
    assert set(person["users"][0]) == {"account_id", "user_name", "rule", "detail"}
    md = to_markdown(plan)
    assert "dev\\|\\<b\\>team\\</b\\>" in md and "<b>" not in md
