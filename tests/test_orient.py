"""Orient: findings → matrix rows, edits that survive rescans, assets and the risk score."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from onboard import assets, catalog, cli, orient
from onboard.assets import AssetError, AssetIndex, RowResource
from onboard.catalog import Catalog
from onboard.models import Account, Finding, Resource, Status
from onboard.orient import OrientError
from onboard.store import Store
from tests.helpers import derive, record_scan

PROD, SANDBOX = "111111111111", "222222222222"
HUMANS = ("haruka.sato", "kenji.ito", "mei.tanaka", "yuki.mori")


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return catalog.load()


def fail(cat: Catalog, check_id: str, resource_id: str, account: str = PROD,
         region: str = "global", rtype: str = "", arn: str | None = None,
         status: Status = Status.FAIL) -> Finding:
    return Finding(check_id=check_id, status=status, severity=cat.checks[check_id].severity,
                   account_id=account, region=region, resource_id=resource_id,
                   resource_arn=arn, resource_type=rtype, message=f"{check_id} {resource_id}")


def scan(store: Store, session_id: int, findings: Iterable[Finding],
         inventory: Iterable[Resource] = (), status: str = "complete") -> int:
    return record_scan(store, session_id, findings, inventory, status,
                       identity={"account_id": PROD, "arn": "arn:me"})


def talk_findings(cat: Catalog, humans: Iterable[str] = HUMANS) -> list[Finding]:
    out = [fail(cat, "iam.human_users", u, rtype="iam.user") for u in humans]
    out += [fail(cat, "iam.workload_users", "ec2-app", rtype="iam.user"),
            fail(cat, "s3.bucket_public_access_block", "cap-table-prod", rtype="s3.bucket",
                 arn="arn:aws:s3:::cap-table-prod"),
            fail(cat, "s3.versioning", "cap-table-prod", rtype="s3.bucket",
                 arn="arn:aws:s3:::cap-table-prod"),
            fail(cat, "s3.versioning", "static-site", rtype="s3.bucket",
                 arn="arn:aws:s3:::static-site"),
            fail(cat, "s3.versioning", "static-site", rtype="s3.bucket", status=Status.PASS)]
    return out


BUCKETS = [
    Resource(type="s3.bucket", id="cap-table-prod", account_id=PROD,
             arn="arn:aws:s3:::cap-table-prod", name="Cap-Table-Prod",
             attrs={"tags": {"data": "investor-confidential"}}),
    Resource(type="s3.bucket", id="static-site", account_id=PROD,
             arn="arn:aws:s3:::static-site", attrs={"tags": [{"Key": "data", "Value": "public"}]}),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "o.db")
    yield s
    s.close()


@pytest.fixture
def sid(store: Store) -> int:
    session = store.create_session("t", person="sre", started="2025-01-06")
    store.upsert_accounts(session.id, [
        Account(account_id=PROD, name="production", source="organizations", access="ok"),
        Account(account_id=SANDBOX, name="sandbox", source="interview", access="ok")])
    return session.id


def by_check(rows: list[orient.MatrixRow]) -> dict[str, orient.MatrixRow]:
    return {r.check_id: r for r in rows if not r.custom}


# --- generation ---------------------------------------------------------------------------


def test_one_row_per_failing_check_with_the_catalog_text(store: Store, sid: int,
                                                          cat: Catalog) -> None:
    scan(store, sid, talk_findings(cat), BUCKETS)
    rows = by_check(derive(store, cat, sid))
    assert set(rows) == {"iam.human_users", "iam.workload_users",
                         "s3.bucket_public_access_block", "s3.versioning"}
    human = rows["iam.human_users"]
    check = cat.checks["iam.human_users"]
    assert check.observation == "{people} {pp:signs|sign} in with IAM users: {people_examples}"
    assert human.observation == ("4 people (4 IAM users in 1 account) sign in with IAM users: "
                                 "haruka.sato (production), kenji.ito (production), "
                                 "mei.tanaka (production) and 1 more")

    assert human.incident == check.incident and human.reason == check.reason
    assert human.stride == "".join(c for c in "STRIDE" if c in check.stride)
    assert (human.threat, human.vulnerability) == (check.threat, check.vulnerability)
    assert [r.resource_id for r in human.resources] == list(HUMANS)
    assert human.edited == [] and not human.fixed and not human.custom
    # PASS findings never count
    assert len(rows["s3.versioning"].resources) == 2


def test_split_per_account_names_accounts(store: Store, sid: int, cat: Catalog) -> None:
    scan(store, sid, [fail(cat, "iam.root_mfa", PROD),
                      fail(cat, "iam.root_mfa", SANDBOX, account=SANDBOX),
                      fail(cat, "iam.human_users", "a"),
                      fail(cat, "iam.human_users", "b", account=SANDBOX)])
    unsplit = by_check(derive(store, cat, sid))
    assert "production, sandbox" in unsplit["iam.root_mfa"].observation
    split = derive(store, cat, sid, per_account=True)
    keys = sorted((r.check_id, r.account_id) for r in split)
    assert keys == [("iam.human_users", PROD), ("iam.human_users", SANDBOX),
                    ("iam.root_mfa", PROD), ("iam.root_mfa", SANDBOX)]
    # None keeps the current mode
    assert len(derive(store, cat, sid)) == 4


def test_triaged_findings_do_not_count(store: Store, sid: int, cat: Catalog) -> None:
    findings = talk_findings(cat)
    scan(store, sid, findings)
    store.set_triage(sid, findings[0], "false positive", "haruka is the CTO's break-glass")
    store.set_triage(sid, findings[1], "accepted_risk", "")
    store.set_triage(sid, findings[2], "confirmed", "")
    rows = by_check(derive(store, cat, sid))
    assert [r.resource_id for r in rows["iam.human_users"].resources] == ["mei.tanaka",
                                                                          "yuki.mori"]
    assert rows["iam.human_users"].observation.startswith("2 ")
    store.set_triage(sid, findings[4], "Accepted risk", "CI user, replaced next quarter")
    rows = by_check(derive(store, cat, sid))
    # every finding triaged away: the row is accepted (kept for the decision table), not fixed
    assert rows["iam.workload_users"].accepted and not rows["iam.workload_users"].fixed
    assert rows["iam.workload_users"].status == "accepted"


def test_regeneration_keeps_edits_and_marks_fixed_rows(store: Store, sid: int,
                                                      cat: Catalog) -> None:
    scan(store, sid, talk_findings(cat))
    rows = by_check(derive(store, cat, sid))
    human, versioning = rows["iam.human_users"], rows["s3.versioning"]
    orient.edit_row(store, cat, sid, human.id, observation="Each developer uses an IAM user",
                    threat=3)

    # next day: two developers moved to SSO, versioning fixed, the workload user remains
    scan(store, sid, talk_findings(cat, humans=HUMANS[:2])[:-3])
    rows2 = {r.id: r for r in derive(store, cat, sid)}
    h2 = rows2[human.id]
    assert h2.observation == "Each developer uses an IAM user"
    assert h2.threat == 3 and sorted(h2.edited) == ["observation", "threat"]
    assert h2.incident == cat.checks["iam.human_users"].incident
    assert [r.resource_id for r in h2.resources] == list(HUMANS[:2])
    v2 = rows2[versioning.id]
    assert v2.fixed and len(v2.resources) == 2, "fixed rows are kept, not deleted"
    assert len(rows2) == len(rows), "no row deleted, none duplicated"
    assert list(rows2.values())[-1].fixed, "fixed rows sort last"

    # it comes back: the same row reopens with regenerated text
    scan(store, sid, [fail(cat, "s3.versioning", "new-bucket")])
    derive(store, cat, sid)
    v3 = orient.get_row(store, cat, sid, versioning.id)
    assert not v3.fixed and "new-bucket" in v3.observation
    assert orient.get_row(store, cat, sid, human.id).fixed


def test_unedited_fields_follow_the_catalog(store: Store, sid: int, cat: Catalog) -> None:
    scan(store, sid, talk_findings(cat))
    row = by_check(derive(store, cat, sid))["iam.human_users"]
    orient.edit_row(store, cat, sid, row.id, reason="They share one admin user")
    check = cat.checks["iam.human_users"]
    edited_catalog = Catalog(directory=cat.directory, days=cat.days, prompts=cat.prompts,
                             checks={**cat.checks, check.id: check.model_copy(update={
                                 "incident": "Takeover", "reason": "new reason",
                                 "threat": 3})},
                             actions=cat.actions)
    again = by_check(derive(store, edited_catalog, sid))["iam.human_users"]
    assert (again.incident, again.threat) == ("Takeover", 3)
    assert again.reason == "They share one admin user"


def test_an_incomplete_scan_or_an_errored_check_marks_nothing_fixed(
        store: Store, sid: int, cat: Catalog) -> None:
    scan(store, sid, talk_findings(cat))
    derive(store, cat, sid)
    scan(store, sid, [], status="incomplete")
    assert not any(r.fixed for r in derive(store, cat, sid))
    denied = fail(cat, "iam.human_users", PROD, status=Status.ERROR)
    scan(store, sid, [denied])
    rows = by_check(derive(store, cat, sid))
    assert not rows["iam.human_users"].fixed
    assert rows["s3.versioning"].fixed


def test_switching_split_mode_carries_edits_and_action_links(store: Store, sid: int,
                                                            cat: Catalog) -> None:
    scan(store, sid, [fail(cat, "iam.human_users", "a"),
                      fail(cat, "iam.human_users", "b", account=SANDBOX)])
    row = derive(store, cat, sid)[0]
    orient.edit_row(store, cat, sid, row.id, incident="Ex-employee still has access")
    action_id = store.save_action(sid, {"title": "SSO", "status": "chosen",
                                        "row_ids": [row.id]})
    split = derive(store, cat, sid, per_account=True)
    assert len(split) == 2
    assert all(r.incident == "Ex-employee still has access" for r in split)
    assert all(r.edited == ["incident"] for r in split)
    links = next(a for a in store.actions(sid) if a["id"] == action_id)["row_ids"]
    assert links == sorted(r.id for r in split)
    merged = derive(store, cat, sid, per_account=False)
    assert len(merged) == 1 and merged[0].incident == "Ex-employee still has access"
    assert next(a for a in store.actions(sid))["row_ids"] == [merged[0].id]


def test_rows_left_behind_by_a_mode_switch_do_not_flip_the_mode(
        store: Store, sid: int, cat: Catalog) -> None:
    scan(store, sid, [fail(cat, "iam.human_users", "a"),
                      fail(cat, "s3.versioning", "b", account=SANDBOX)])
    derive(store, cat, sid, per_account=True)
    scan(store, sid, [fail(cat, "iam.human_users", "a"),  # versioning fixed meanwhile
                      fail(cat, "s3.versioning", "b", account=SANDBOX, status=Status.PASS)])
    rows = derive(store, cat, sid, per_account=False)
    left = next(r for r in rows if r.check_id == "s3.versioning")
    assert left.account_id == SANDBOX and left.fixed
    rows = derive(store, cat, sid)  # None keeps the mode: still one row per check
    assert [r.account_id for r in rows if not r.fixed] == [""]


# --- risk ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "threat", "vuln", "score"),
                         [(1, 1, 1, 1), (3, 3, 3, 27), (3, 2, 1, 6), (1, 3, 2, 6)])
def test_risk_is_asset_times_threat_times_vulnerability(
        store: Store, sid: int, cat: Catalog, value: int, threat: int, vuln: int,
        score: int) -> None:
    scan(store, sid, [fail(cat, "s3.versioning", "cap-table-prod")], BUCKETS)
    assets.add_asset(store, sid, "cap tables", value, links=["pattern:cap-table-*"])
    row = derive(store, cat, sid)[0]
    row = orient.edit_row(store, cat, sid, row.id, threat=threat, vulnerability=vuln)
    assert row.risk is not None
    assert (row.risk.score, row.risk.asset, row.risk.asset_value) == (score, "cap tables",
                                                                     value)
    assert 1 <= row.risk.score <= 27
    assert not row.risk.default_asset
    assert f"= {score}" in row.risk.explanation


def test_default_asset_value_is_two_and_says_so(store: Store, sid: int,
                                                cat: Catalog) -> None:
    scan(store, sid, [fail(cat, "iam.workload_users", "ec2-app")])
    row = derive(store, cat, sid)[0]
    assert row.risk is not None and row.risk.default_asset
    assert row.risk.asset == "unclassified" and row.risk.asset_value == 2
    assert row.risk.score == 2 * row.threat * row.vulnerability
    assert "default value 2 (unclassified)" in row.risk.explanation


def test_links_by_pattern_tag_and_arn(store: Store, sid: int, cat: Catalog) -> None:
    scan_id = scan(store, sid, [], BUCKETS)
    cap = assets.add_asset(store, sid, "by pattern", 1, links=["pattern:CAP-table*"])
    tag = assets.add_asset(store, sid, "by tag", 2, links=["tag:data=investor-*"])
    arn = assets.add_asset(store, sid, "by arn", 3, links=["arn:aws:s3:::static-*"])
    index = AssetIndex.load(store, sid, scan_id)
    cap_res = RowResource(account_id=PROD, resource_id="cap-table-prod",
                          resource_type="s3.bucket")
    site = RowResource(account_id=PROD, resource_id="static-site",
                       resource_arn="arn:aws:s3:::static-site")
    assert [a.name for a in index.assets_for(cap_res)] == ["by tag", "by pattern"]
    assert [a.name for a in index.assets_for(site)] == ["by arn"]
    # the pattern also matches the inventory name; tags come from the inventory
    name_only = assets.add_asset(store, sid, "by name", 1, links=["pattern:Cap-Table-P*"])
    index = AssetIndex.load(store, sid, scan_id, full=True)
    assert "by name" in [a.name for a in index.assets_for(cap_res)]
    assert [r.id for r in index.inventory_matches(name_only)] == ["cap-table-prod"]
    assert [r.id for r in index.inventory_matches(tag)] == ["cap-table-prod"]
    # a list-shaped tag set and an exact ARN
    assets.link_asset(store, sid, cap.id, "tag", "data=public")
    assets.link_asset(store, sid, arn.id, "arn", "arn:aws:s3:::cap-table-prod")
    index = AssetIndex.load(store, sid, scan_id)
    assert {a.name for a in index.assets_for(site)} == {"by arn", "by pattern"}
    assert index.assets_for(cap_res)[0].name == "by arn"


def test_the_most_valuable_linked_asset_sets_the_row_risk(store: Store, sid: int,
                                                          cat: Catalog) -> None:
    scan(store, sid, [fail(cat, "s3.versioning", "cap-table-prod", rtype="s3.bucket"),
                      fail(cat, "s3.versioning", "static-site", rtype="s3.bucket")], BUCKETS)
    assets.add_asset(store, sid, "website", 1, links=["pattern:static-*"])
    assets.add_asset(store, sid, "investor cap tables", 3,
                     links=["tag:data=investor-confidential"])
    row = derive(store, cat, sid)[0]
    assert row.risk is not None
    assert row.risk.asset == "investor cap tables" and row.risk.assets == [
        "investor cap tables", "website"]
    assert "held by cap-table-prod" in row.risk.explanation


def test_matrix_sorts_by_risk_then_severity_then_check(store: Store, sid: int,
                                                       cat: Catalog) -> None:
    findings = [fail(cat, c, "x") for c in ("s3.versioning", "iam.human_users",
                                            "iam.workload_users", "rds.deletion_protection")]
    scan(store, sid, findings)
    rows = derive(store, cat, sid)
    for r in rows:  # all the same score: 2 × 2 × 2
        orient.edit_row(store, cat, sid, r.id, threat=2, vulnerability=2)
    orient.add_custom_row(store, cat, sid, "Shared root password in a wiki", threat=2,
                          vulnerability=2)
    top = orient.add_custom_row(store, cat, sid, "Prod DB dump on a laptop", threat=3,
                                vulnerability=3)
    order = [(r.check_id or r.observation) for r in orient.matrix(store, cat, sid)]
    high = sorted(c for c in ("iam.human_users", "iam.workload_users")
                  if cat.checks[c].severity.value == "high")
    assert order[0] == top.observation
    assert order[1:3] == high
    assert order[-1] == "Shared root password in a wiki", "custom rows after catalog ties"
    scores = [r.score for r in orient.matrix(store, cat, sid)]
    assert scores == sorted(scores, reverse=True)


# --- editing ------------------------------------------------------------------------------


def test_edit_validation(store: Store, sid: int, cat: Catalog) -> None:
    scan(store, sid, [fail(cat, "s3.versioning", "b")])
    row = derive(store, cat, sid)[0]
    with pytest.raises(OrientError, match="threat must be 1, 2 or 3"):
        orient.edit_row(store, cat, sid, row.id, threat=4)
    with pytest.raises(OrientError, match="vulnerability"):
        orient.edit_row(store, cat, sid, row.id, vulnerability=True)
    with pytest.raises(OrientError, match="STRIDE"):
        orient.edit_row(store, cat, sid, row.id, stride="SX")
    with pytest.raises(OrientError, match="cannot edit"):
        orient.edit_row(store, cat, sid, row.id, check_id="x")
    with pytest.raises(OrientError, match="no matrix row"):
        orient.edit_row(store, cat, sid, 999, reason="x")
    assert orient.edit_row(store, cat, sid, row.id, stride="e, s", threat="3").stride == "SE"
    assert orient.normalize_stride(["I", "S", "I"]) == "SI"


def test_reset_gives_fields_back_to_the_generator(store: Store, sid: int,
                                                  cat: Catalog) -> None:
    scan(store, sid, [fail(cat, "s3.versioning", "b")])
    row = derive(store, cat, sid)[0]
    orient.edit_row(store, cat, sid, row.id, observation="mine", reason="mine too")
    back = orient.reset_fields(store, cat, sid, row.id, "observation")
    assert back.observation.startswith("1 ") and back.reason == "mine too"
    assert back.edited == ["reason"]
    assert orient.reset_fields(store, cat, sid, row.id).edited == []


def test_custom_rows(store: Store, sid: int, cat: Catalog) -> None:
    scan(store, sid, [fail(cat, "s3.versioning", "b")], BUCKETS)
    assets.add_asset(store, sid, "cap tables", 3, links=["arn:aws:s3:::cap-table-prod"])
    row = orient.add_custom_row(store, cat, sid, "Investors get cap tables by email",
                                incident="Leak", reason="no expiry", stride="I",
                                threat=3, vulnerability=3,
                                resources=["arn:aws:s3:::cap-table-prod"])
    assert row.custom and row.score == 27 and row.risk and row.risk.asset == "cap tables"
    assert derive(store, cat, sid)[0].id == row.id, "custom rows survive refresh"
    with pytest.raises(OrientError, match="needs an observation"):
        orient.add_custom_row(store, cat, sid, "  ")
    generated = next(r for r in orient.matrix(store, cat, sid) if not r.custom)
    with pytest.raises(OrientError, match="only custom rows"):
        orient.delete_row(store, cat, sid, generated.id)
    orient.delete_row(store, cat, sid, row.id)
    assert all(not r.custom for r in orient.matrix(store, cat, sid))


def test_no_scan_means_no_generated_rows(store: Store, sid: int, cat: Catalog) -> None:
    assert derive(store, cat, sid) == []


def test_asset_input_is_validated(store: Store, sid: int) -> None:
    with pytest.raises(AssetError, match="1, 2 or 3"):
        assets.add_asset(store, sid, "x", 4)
    with pytest.raises(AssetError, match="KEY=VALUE"):
        assets.add_asset(store, sid, "x", 2, links=["tag:novalue"])
    with pytest.raises(AssetError, match="expected arn"):
        assets.parse_link("bucket:foo")
    assert assets.parse_link("arn:aws:s3:::b") == ("arn", "arn:aws:s3:::b")
    assert assets.parse_link("pattern:cap-table*") == ("pattern", "cap-table*")
    a = assets.add_asset(store, sid, "investor cap tables", 3)
    with pytest.raises(AssetError, match="already exists"):
        assets.add_asset(store, sid, "investor cap tables", 1)
    assert assets.update_asset(store, sid, a.id, value=2).value == 2
    assert assets.get_asset(store, sid, "investor cap tables").id == a.id


def test_examples_count_every_resource_and_qualify_repeated_names(
        store: Store, sid: int, cat: Catalog) -> None:
    users = ["a", "b", "c", "d"]
    scan(store, sid, [fail(cat, "iam.human_users", u, account=acct)
                      for acct in (PROD, SANDBOX) for u in users]
                     + [fail(cat, "iam.workload_users", "only-here")])
    rows = by_check(derive(store, cat, sid))
    obs = rows["iam.human_users"].observation
    assert obs.startswith("4 people (8 IAM users in 2 accounts) sign in"), obs
    assert obs.endswith("a (production, sandbox), b (production, sandbox), "
                        "c (production, sandbox) and 1 more")
    assert rows["iam.workload_users"].observation.endswith(": only-here (production)")


# --- CLI (`onboard assets`, `onboard matrix`) ---------------------------------------------


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, store: Store):
    """`onboard …` with the assets and matrix sub-commands registered."""
    from onboard.cli import assets as assets_cli
    from onboard.cli import matrix as matrix_cli

    extra = tuple(m for m in (matrix_cli, assets_cli) if m not in cli.COMMANDS)
    monkeypatch.setattr(cli, "COMMANDS", cli.COMMANDS + extra)
    monkeypatch.setenv("COLUMNS", "250")
    return lambda *argv: cli.main([*argv, "--db", str(store.path)])


def test_cli_assets(run, store: Store, sid: int, cat: Catalog,
                    capsys: pytest.CaptureFixture[str]) -> None:
    scan(store, sid, [fail(cat, "s3.versioning", "cap-table-prod", rtype="s3.bucket")],
         BUCKETS)
    assert run("assets", "add", "investor cap tables", "--value", "3",
               "--link", "pattern:cap-table*", "--description", "Series A") == 0
    assert run("assets", "link", "investor cap tables", "tag:data=public") == 0
    capsys.readouterr()
    assert run("assets", "list") == 0
    out = capsys.readouterr().out
    assert "investor cap tables" in out and "cap-table-prod, static-site" in out
    assert derive(store, cat, sid)[0].score == 3 * 2 * 2
    assert run("assets", "unlink", "investor cap tables", "tag:data=public") == 0
    assert run("assets", "remove", "investor cap tables") == 0
    assert assets.list_assets(store, sid) == []
    for argv, message in ((["assets", "add", "x"], "needs --value"),
                          (["assets", "add", "x", "--value", "2", "--link", "foo"],
                           "expected arn"),
                          (["assets", "link", "nope", "tag:a=b"], "no information asset"),
                          (["assets", "remove"], "needs the asset's name")):
        assert run(*argv) == 2
        assert message in capsys.readouterr().err


def test_cli_matrix(run, store: Store, sid: int, cat: Catalog,
                    capsys: pytest.CaptureFixture[str]) -> None:
    scan(store, sid, talk_findings(cat))
    assert run("matrix", "add", "--observation", "Root password in a shared wiki",
               "--incident", "Account takeover", "--stride", "S", "--threat", "3",
               "--vulnerability", "3") == 0
    assert "risk 18" in capsys.readouterr().out
    assert run("matrix", "list") == 0
    out = capsys.readouterr().out
    assert "Root password in a shared wiki" in out and "sign in with IAM users" in out
    human = by_check(orient.matrix(store, cat, sid))["iam.human_users"]
    assert run("matrix", "edit", str(human.id), "--reason", "Shared keys") == 0
    assert orient.get_row(store, cat, sid, human.id).edited == ["reason"]
    assert run("matrix", "reset", str(human.id)) == 0
    assert orient.get_row(store, cat, sid, human.id).edited == []
    assert run("matrix", "list", "--per-account") == 0
    assert all(r.account_id for r in orient.matrix(store, cat, sid) if not r.custom)
    generated = next(r for r in orient.matrix(store, cat, sid) if not r.custom)
    for argv, message in ((["matrix", "edit", str(generated.id)], "nothing to change"),
                          (["matrix", "edit"], "needs a ROW"),
                          (["matrix", "delete", str(generated.id)], "only custom rows"),
                          (["matrix", "edit", "999", "--reason", "x"], "no matrix row 999")):
        assert run(*argv) == 2
        assert message in capsys.readouterr().err


def test_observation_agrees_with_the_count() -> None:
    one = orient.Plural(1)
    many = orient.Plural(3)
    template = "{count} {p:bucket is|buckets are} open in {count} {p:account|accounts}"
    assert template.format(count=1, p=one) == "1 bucket is open in 1 account"
    assert template.format(count=3, p=many) == "3 buckets are open in 3 accounts"
    assert f"{orient.Plural(2):only}" == "only"  # one form given: used for every count
