"""The SQLite store: creation, migrations, refusal of files it must not touch, resume."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onboard import store as store_mod
from onboard.models import Account, CollectError, Finding, Resource, Severity, Status
from onboard.store import SCHEMA_VERSION, Store, StoreError


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_0600_wal_and_current(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "onboard.db"
    s = Store.open(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert s.schema_version == SCHEMA_VERSION
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    s.close()


def test_default_path_honours_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONBOARD_DB", str(tmp_path / "x.db"))
    assert store_mod.default_path() == tmp_path / "x.db"
    monkeypatch.delenv("ONBOARD_DB")
    assert store_mod.default_path().name == "onboard.db"
    assert "onboard" in str(store_mod.default_path().parent)


def test_migrates_a_version_1_database_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    store_mod.MIGRATIONS[0](sqlite_utils.Database(conn))
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO sessions (name, person, profile, started, current_day, "
                 "last_opened) VALUES ('day-one', 'aki', 'prod', '2026-11-01', 2, 'x')")
    conn.commit()
    conn.close()

    s = Store.open(path)
    assert s.schema_version == SCHEMA_VERSION
    sess = s.session_by_name("day-one")
    assert sess is not None and sess.current_day == 2 and sess.ui_state == {}
    s.set_triage(sess.id, Finding(check_id="s3.versioning", status=Status.FAIL,
                                  severity=Severity.MEDIUM, account_id="1", region="r",
                                  resource_id="b", message="m"), "confirmed", "note")
    assert s.triage(sess.id)[("s3.versioning", "1", "r", "b")]["mark"] == "confirmed"


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError, match="newer onboard") as info:
        Store.open(path)
    assert "\n" not in str(info.value)
    assert digest(path) == before


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n")
    before = digest(path)
    with pytest.raises(StoreError, match="not an SQLite file"):
        Store.open(path)
    assert digest(path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    Store.open(path).close()
    path.chmod(0o400)
    with pytest.raises(StoreError, match="read-only"):
        Store.open(path)


def test_read_only_location_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root ignores directory modes, so simulate the kernel's answer instead.
    def deny(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store_mod.os, "open", deny)
    with pytest.raises(StoreError, match="cannot create the database"):
        Store.open(tmp_path / "nowhere" / "x.db")


def test_read_only_existing_file_detected_via_access(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ro.db"
    Store.open(path).close()
    before = digest(path)
    monkeypatch.setattr(store_mod.os, "access", lambda p, mode: mode != os.W_OK)
    with pytest.raises(StoreError, match="read-only"):
        Store.open(path)
    assert digest(path) == before


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory"):
        Store.open(tmp_path)


def test_most_recent_session_is_resumed(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "a.db")
    first = s.create_session("first")
    second = s.create_session("second")
    s.conn.execute("UPDATE sessions SET last_opened = '2026-01-01' WHERE id = ?", [second.id])
    s.conn.commit()
    assert s.latest_session().name == "first"  # type: ignore[union-attr]
    s.touch_session(second.id)
    assert s.latest_session().name == "second"  # type: ignore[union-attr]
    s.update_session(first.id, ui_state={"screen": "review", "row": 3})
    s.close()
    again = Store.open(tmp_path / "a.db")
    assert again.session_by_name("first").ui_state == {"screen": "review", "row": 3}  # type: ignore[union-attr]


def _finding(check: str, rid: str, status: Status = Status.FAIL) -> Finding:
    return Finding(check_id=check, status=status, severity=Severity.HIGH, account_id="111",
                   region="us-east-1", resource_id=rid, message=f"{rid} bad")


def test_scan_batches_findings_filters_and_diff(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "a.db")
    sess = s.create_session("x")
    one = s.start_scan(sess.id, {"account_id": "111", "arn": "arn"}, ["us-east-1"])
    s.add_batch(one, [Resource(type="s3.bucket", id="b1", account_id="111",
                               attrs={"versioning": None})],
                [CollectError(collector="ec2.network", types=["ec2.vpc"], account_id="111",
                              region="us-east-1", code="AccessDenied", message="no")])
    s.replace_findings(one, [_finding("s3.versioning", "b1"), _finding("s3.versioning", "b2"),
                             _finding("s3.versioning", "b3"),
                             _finding("iam.root_mfa", "111", Status.PASS)])
    s.finish_scan(one, "complete", 12)
    two = s.start_scan(sess.id, {}, [])
    s.replace_findings(two, [_finding("s3.versioning", "b2"), _finding("ec2.ssh_open", "sg-1"),
                             _finding("s3.versioning", "b1", Status.PASS)])
    s.finish_scan(two, "complete")

    assert s.inventory_counts(one) == {"s3.bucket": 1}
    assert s.collect_errors(one)[0].code == "AccessDenied"
    assert s.count_findings(one, status="FAIL") == 3
    assert [f.resource_id for f in s.findings(one, text="b1")] == ["b1"]
    assert s.findings(one, limit=1, offset=0)[0].status == Status.FAIL
    diff = s.diff(two, s.previous_scan(two).id)  # type: ignore[union-attr]
    assert [f.resource_id for f in diff["new"]] == ["sg-1"]
    # fixed needs the same check to read b1 again and PASS; b3 was not read again: it is
    # "not re-checked", never fixed
    assert [f.resource_id for f in diff["fixed"]] == ["b1"]
    assert [f.resource_id for f in diff["unchecked"]] == ["b3"]
    assert s.scan(one).api_calls == 12


def test_interrupted_scan_keeps_batches_and_is_marked_incomplete(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "a.db")
    sess = s.create_session("x")
    scan = s.start_scan(sess.id, {}, [])
    s.add_batch(scan, [Resource(type="iam.user", id="u", account_id="1")])
    s.close()  # the process dies here
    again = Store.open(tmp_path / "a.db")
    again.mark_interrupted_scans(sess.id)
    assert again.scan(scan).status == "incomplete"
    assert again.inventory_counts(scan) == {"iam.user": 1}


def test_accounts_upsert_keeps_user_edits(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "a.db")
    sess = s.create_session("x")
    s.upsert_accounts(sess.id, [Account(account_id="111111111111", source="manual",
                                        known_before=True, environment="prod")])
    s.upsert_accounts(sess.id, [Account(account_id="111111111111", name="Prod",
                                        source="organizations", access="ok")])
    (acc,) = s.accounts(sess.id)
    assert acc.known_before and acc.environment == "prod" and acc.name == "Prod"
    assert acc.source == "organizations" and acc.access == "ok"


def _findings(n: int, status: Status = Status.FAIL) -> list[Finding]:
    return [Finding(check_id=("s3.versioning", "ec2.ssh_open")[i % 2], status=status,
                    severity=Severity.HIGH, account_id=f"{i % 3 + 1:012d}", region="us-east-1",
                    resource_id=f"r-{i:05d}", message=f"m {i}") for i in range(n)]


def test_streamed_findings_are_the_list_and_one_snapshot(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "s.db")
    sid = s.create_session("x").id
    scan = s.start_scan(sid, {"account_id": "000000000001", "arn": "a"}, ["us-east-1"])
    s.replace_findings(scan, _findings(250))
    for order in ("severity", "check", "account", "resource"):
        assert list(s.iter_findings(scan, order=order, batch=7)) == s.findings(scan,
                                                                                order=order)
    assert list(s.iter_findings(scan, status="FAIL", account_id="000000000002")) == \
        s.findings(scan, status="FAIL", account_id="000000000002")
    stream = s.iter_findings(scan, batch=10)
    first = next(stream)
    s.set_terraform_addresses(scan, {f.key: "aws_s3_bucket.b" for f in s.findings(scan)})
    rest = list(stream)  # written after the stream began: not in it
    assert len(rest) == 249 and not any(f.terraform_address for f in [first, *rest])
    assert all(f.terraform_address for f in s.iter_findings(scan))


def test_tally_failing_resources_and_untriaged_count_in_sql(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "s.db")
    sid = s.create_session("x").id
    scan = s.start_scan(sid, {"account_id": "000000000001", "arn": "a"}, ["us-east-1"])
    found = _findings(6) + _findings(2, Status.PASS)
    found[0] = found[0].model_copy(update={"resource_arn": "arn:aws:s3:::r-00000"})
    found[1] = found[1].model_copy(update={"resource_arn": ""})
    s.replace_findings(scan, found)
    tally = {(c, a, st): n for c, a, st, n in s.finding_tally(scan)}
    assert tally[("s3.versioning", "000000000001", Status.FAIL)] == 1
    assert sum(n for (_c, _a, st), n in tally.items() if st == Status.PASS) == 2
    from onboard.diagram import failing_ids
    assert s.failing_resources(scan) == failing_ids(s.findings(scan))
    assert s.untriaged(scan, sid, ("confirmed",)) == (6, 6)
    s.set_triage(sid, found[2], "confirmed", "")
    s.set_triage(sid, found[3], "not a mark", "")
    assert s.untriaged(scan, sid, ("confirmed",)) == (6, 5)


_TEXTS = st.text(alphabet="aAbB01%_\\\"' .-é日É", max_size=12)


def _ascii_fold(text: str) -> str:
    """What SQLite's LIKE ignores: the case of ASCII letters only."""
    return text.translate({c: c + 32 for c in range(ord("A"), ord("Z") + 1)})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.tuples(_TEXTS, _TEXTS), min_size=1, max_size=12),
       needles=st.lists(_TEXTS.filter(bool), min_size=1, max_size=6))
def test_text_search_is_a_literal_substring_with_or_without_the_index(
        tmp_path_factory: pytest.TempPathFactory, texts: list[tuple[str, str]],
        needles: list[str]) -> None:
    s = Store.open(tmp_path_factory.mktemp("text") / "t.db")
    scan = s.start_scan(s.create_session("x").id, {}, [])
    findings = [Finding(check_id="s3.versioning", status=Status.FAIL, severity=Severity.HIGH,
                        account_id="111", region="us-east-1", resource_id=f"{rid}#{i}",
                        message=message) for i, (message, rid) in enumerate(texts)]
    s.replace_findings(scan, findings)
    for needle in needles:
        want = sorted(f.resource_id for f in findings if any(
            _ascii_fold(needle) in _ascii_fold(v)
            for v in (f.message, f.resource_id, f.check_id)))
        for indexed in (True, False):
            s._text_index = indexed  # False: the LIKE alone, as without FTS5
            got = sorted(f.resource_id for f in s.findings(scan, text=needle))
            assert got == want, (needle, indexed)
            assert s.count_findings(scan, text=needle) == len(want)
    s.conn.execute(f"INSERT INTO {store_mod.TEXT_INDEX} ({store_mod.TEXT_INDEX}, rank) "
                   "VALUES ('integrity-check', 1)")
    s.close()


def test_the_text_index_follows_every_write_and_is_built_for_an_older_database(
        tmp_path: Path) -> None:
    path = tmp_path / "v10.db"
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    for step in store_mod.MIGRATIONS[:10]:
        step(db)
    conn.execute("PRAGMA user_version = 10")
    conn.execute("INSERT INTO findings (scan_id, check_id, status, severity, sev_rank, "
                 "account_id, region, resource_id, message) VALUES (1, 's3.versioning', "
                 "'FAIL', 'high', 3, '111', 'us-east-1', 'old-bucket', 'kept from v10')")
    conn.commit()
    conn.close()

    s = Store.open(path)
    assert s.schema_version == SCHEMA_VERSION
    assert s._has_text_index()
    indexes = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE "
                                            "type = 'index' AND tbl_name = 'findings'")}
    # one check's page in severity order comes from an index that also replaced v1's
    assert "idx_findings_check_order" in indexes
    assert "idx_findings_scan_id_check_id" not in indexes
    plan = s.conn.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM findings f WHERE f.scan_id = 1 AND f.check_id = "
        f"'s3.versioning' ORDER BY {store_mod.FINDING_ORDERS['severity']} LIMIT 200").fetchall()
    assert "idx_findings_check_order" in str(plan) and "TEMP B-TREE" not in str(plan)
    assert [f.resource_id for f in s.findings(1, text="from v10")] == ["old-bucket"]
    s.replace_findings(1, [_finding("s3.versioning", "new-bucket")])  # delete + insert
    assert s.findings(1, text="from v10") == []
    assert [f.resource_id for f in s.findings(1, text="NEW-buck")] == ["new-bucket"]
    s.conn.execute("UPDATE findings SET message = 'renamed text' WHERE scan_id = 1")
    assert s.findings(1, text="new-bucket bad") == []
    assert [f.resource_id for f in s.findings(1, text="renamed")] == ["new-bucket"]
    # row for row what the table says (rank 1: FTS5 compares with the content table) ...
    check = (f"INSERT INTO {store_mod.TEXT_INDEX} ({store_mod.TEXT_INDEX}, rank) "
             "VALUES ('integrity-check', 1)")
    s.conn.execute(check)
    # ... which the check does notice when a write goes around replace_findings
    s.conn.execute("DELETE FROM findings")
    with pytest.raises(sqlite3.DatabaseError):
        s.conn.execute(check)
    s.close()


def test_terraform_addresses_are_set_in_one_pass_for_exactly_the_keys_given(
        tmp_path: Path) -> None:
    s = Store.open(tmp_path / "tf.db")
    sid = s.create_session("x").id
    one, two = s.start_scan(sid, {}, []), s.start_scan(sid, {}, [])
    s.replace_findings(one, _findings(30))
    s.replace_findings(two, _findings(30))
    keys = [f.key for f in s.findings(one)]
    s.set_terraform_addresses(one, {k: f"aws_s3_bucket.b{i}" for i, k in enumerate(keys)})
    with s.tx():  # twice in one transaction, as an import does for each scan
        s.set_terraform_addresses(one, {keys[0]: None, keys[1]: "module.m.aws_x.y"})
        s.set_terraform_addresses(two, {keys[2]: "aws_x.z",
                                        ("ec2.ssh_open", "9", "r", "absent"): "aws_x.w"})
    got = {f.key: f.terraform_address for f in s.findings(one)}
    assert got[keys[0]] is None and got[keys[1]] == "module.m.aws_x.y"
    assert all(got[k] == f"aws_s3_bucket.b{i}" for i, k in enumerate(keys) if i > 1)
    other = {f.key: f.terraform_address for f in s.findings(two)}
    assert other.pop(keys[2]) == "aws_x.z" and set(other.values()) == {None}  # one scan only
    assert s.conn.execute("SELECT COUNT(*) FROM temp.tf_addresses").fetchone()[0] == 0
    s.close()
