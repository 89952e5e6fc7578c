"""What the reports count and name: people (not IAM users), account × region pairs, the
session's person, who was interviewed, and why a check errored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onboard import cli, orient
from onboard import export as export_mod
from onboard.assets import RowResource
from onboard.catalog import Catalog
from onboard.models import Finding, Resource, Severity, Status
from onboard.store import SCHEMA_VERSION, Store
from onboard.workspace import Workspace
from tests.helpers import default_catalog, record_scan

PROD, STAGING, MGMT = "111111111111", "222222222222", "333333333333"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "p.db")
    yield s
    s.close()


@pytest.fixture
def cat() -> Catalog:
    return default_catalog()


def _human(user: str, account: str) -> Finding:
    return Finding(check_id="iam.human_users", status=Status.FAIL, severity=Severity.HIGH,
                   account_id=account, region="global", resource_id=user,
                   resource_type="iam.user", message=f"user {user} has a console password")


def _user(user: str, account: str, email: str | None = None) -> Resource:
    tags = {"email": email} if email else {}
    return Resource(type="iam.user", id=user, account_id=account,
                    attrs={"tags": tags, "password_enabled": True})


def _scan_people(store: Store, sid: int, cat: Catalog) -> None:
    users = [("haruka.sato", PROD, None), ("haruka.sato", STAGING, None),
             ("haruka.sato", MGMT, None), ("kenji", PROD, "kenji@x.example"),
             ("k.tanaka", STAGING, "kenji@x.example"), ("mei", PROD, None),
             ("mei-admin", MGMT, None)]
    record_scan(store, sid, [_human(u, a) for u, a, _ in users],
                inventory=[_user(u, a, e) for u, a, e in users], catalog=cat)


def _human_row(store: Store, cat: Catalog, sid: int) -> orient.MatrixRow:
    return next(r for r in orient.matrix(store, cat, sid) if r.check_id == "iam.human_users")


def test_iam_users_are_counted_as_people(store: Store, cat: Catalog) -> None:
    sid = store.create_session("p").id
    _scan_people(store, sid, cat)
    row = _human_row(store, cat, sid)
    # same name in 3 accounts = 1 person; same email tag = 1 person; mei, mei-admin: 2
    assert row.observation.startswith(
        "4 people (7 IAM users in 3 accounts) sign in with IAM users: haruka.sato (")
    assert f"haruka.sato ({PROD}, {STAGING}, {MGMT})" in row.observation, "names accounts"
    assert f"kenji@x.example ({PROD}, {STAGING})" in row.observation


def test_the_users_own_mapping_joins_people_and_rederives(store: Store, cat: Catalog) -> None:
    sid = store.create_session("p").id
    _scan_people(store, sid, cat)
    ws = Workspace(store, cat, sid)
    ws.map_user_to_person(f"{MGMT}/mei-admin", "mei")
    assert _human_row(store, cat, sid).observation.startswith("3 people (7 IAM users")
    assert {(e["kind"], e["target"], e["value"]) for e in store.sso_edits(sid)} == {
        ("move-user", f"{MGMT}/mei-admin", "mei")}, "the mapping the Identity Center plan reads"
    ws.map_user_to_person(f"{MGMT}/mei-admin", "")
    assert _human_row(store, cat, sid).observation.startswith("4 people")
    with pytest.raises(ValueError, match="no IAM user 'nobody'"):
        ws.map_user_to_person(f"{MGMT}/nobody", "x")
    with pytest.raises(ValueError, match="not ACCOUNT/USER"):
        ws.map_user_to_person("mei", "x")


def test_region_findings_are_account_region_pairs() -> None:
    check = default_catalog().checks["config.enabled"]
    resources = [RowResource(account_id=a, region=r, resource_id=r)
                 for a in (PROD, STAGING, MGMT) for r in ("us-east-1", "ap-northeast-1")]
    resources.append(RowResource(account_id="444444444444", region="us-east-1",
                                 resource_id="us-east-1"))
    names = {PROD: "Production", STAGING: "Staging", MGMT: "Management"}
    text = orient.generated("config.enabled", check, resources, names)["observation"]
    assert text.startswith("AWS Config is not recording in 2 regions of 4 accounts "
                           "(7 account-regions): ")
    assert "ap-northeast-1 (Management)" in text, "every example names its account"
    one = orient.generated("config.enabled", check, resources[:1], names)["observation"]
    assert one.startswith("AWS Config is not recording in 1 region of 1 account: ")


def test_old_templates_keep_working() -> None:
    check = default_catalog().checks["s3.versioning"].model_copy(
        update={"observation": "{count} {p:bucket|buckets}: {examples}"})
    text = orient.generated("s3.versioning", check,
                            [RowResource(account_id=PROD, resource_id="b1")])["observation"]
    assert text == f"1 bucket: b1 ({PROD})"


def test_session_person_is_asked_not_guessed(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    assert cli.main(["tf", "import", str(tmp_path / "missing.tfstate"), "--db", db]) == 2
    capsys.readouterr()
    store = Store.open(db)
    assert store.latest_session().person == "", "never the OS user"  # type: ignore[union-attr]
    store.close()
    parser = cli.build_parser()
    assert parser.parse_args(["--person", "Aiko", "sessions"]).session_person == "Aiko"
    assert parser.parse_args(["scan", "--person", "Aiko"]).session_person == "Aiko"


def test_interviewees_and_error_hints(store: Store, cat: Catalog) -> None:
    assert store.schema_version == SCHEMA_VERSION
    sid = store.create_session("i").id
    ws = Workspace(store, cat, sid)
    ws.set_interviewee("accounts", "  Ken\n(CTO) ")
    assert store.interviewees(sid) == {"accounts": "Ken (CTO)"}
    ws.set_interviewee("accounts", "")
    assert store.interviewees(sid) == {}
    denied = Finding(check_id="guardduty.enabled", status=Status.ERROR,
                     severity=Severity.MEDIUM, account_id=PROD, region="us-east-1",
                     resource_id="us-east-1",
                     message="cannot list detectors (ListDetectors: AccessDeniedException)")
    code = export_mod.error_code(denied, [])
    assert code == "AccessDeniedException"
    assert "onboard policy" in export_mod.error_hint(code)
    assert "emulator" in export_mod.error_hint("404")
