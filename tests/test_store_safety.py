"""Honest storage: refused files stay byte-for-byte untouched, damage is found at open, a
full disk or a held lock is one line and exit 2, exports never leave a fragment."""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import sqlite3
import stat
from pathlib import Path

import pytest

from onboard import export as export_mod
from onboard import store as store_mod
from onboard.cli import main
from onboard.models import Resource
from onboard.store import Store, StoreError, check_file
from tests.hostile import seed


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _made(tmp_path: Path) -> Path:
    db = tmp_path / "o.db"
    seed(db, "plain").close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=DELETE")  # one file: its bytes say everything
    conn.close()
    return db


def test_negative_schema_version_is_refused_untouched(tmp_path: Path) -> None:
    db = _made(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = -1")
    conn.close()
    before = _digest(db)
    with pytest.raises(StoreError, match=r"schema version -1.*left untouched"):
        Store.open(db)
    assert _digest(db) == before
    assert not Path(f"{db}-wal").exists()


def test_someone_elses_database_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE sessions (x TEXT)")
    conn.commit()
    conn.close()
    before = _digest(db)
    with pytest.raises(StoreError, match="not an onboard database"):
        Store.open(db)
    assert _digest(db) == before


def _corrupt_interior(db: Path) -> None:
    """Overwrite the middle of a table's b-tree page: the header stays valid."""
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'findings'"
                        ).fetchone()[0]
    conn.close()
    with db.open("r+b") as fh:
        fh.seek((root - 1) * page_size + 8)
        fh.write(b"\xff" * 64)


def test_interior_corruption_is_found_at_open(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = _made(tmp_path)
    _corrupt_interior(db)
    before = _digest(db)
    with pytest.raises(StoreError, match=r"the database is damaged .*your file is untouched"):
        Store.open(db)
    for argv in (["sessions"], ["export"]):
        assert main([*argv, "--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "damaged" in err and "Traceback" not in err
    assert main(["db", "check", "--db", str(db)]) == 2
    assert "damaged" in capsys.readouterr().err
    assert _digest(db) == before


def test_db_check_and_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _made(tmp_path)
    copy = tmp_path / "backup" / "copy.db"
    copy.parent.mkdir()
    assert main(["db", "backup", str(copy), "--db", str(db)]) == 0
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert check_file(copy) == []
    restored = Store.open(copy)
    assert [s.name for s in restored.sessions()] == ["acme"]
    restored.close()
    assert main(["db", "check", "--db", str(db)]) == 0
    assert "ok" in capsys.readouterr().out
    assert main(["db", "backup", str(db), "--db", str(db)]) == 2


def test_pre_created_empty_file_becomes_0600(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    db.touch(mode=0o644)
    os.chmod(db, 0o644)
    Store.open(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def _fill_disk(store: Store) -> None:
    """SQLite's own 'disk is full' (SQLITE_FULL): no page may be added to the file, and
    the free room left in its pages is taken."""
    store.conn.execute("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    for size in (4000, 1000, 200, 20):
        try:
            while True:
                with store.conn:
                    store.conn.execute("INSERT INTO filler VALUES (?)", [b"x" * size])
        except sqlite3.OperationalError:
            pass


def test_full_disk_in_add_batch_is_a_store_error(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "f.db")
    session = store.create_session("s")
    scan_id = store.start_scan(session.id, {}, [])
    _fill_disk(store)
    big = [Resource(type="s3.bucket", id=f"b{i}", account_id="1", attrs={"x": "y" * 500})
           for i in range(200)]
    with pytest.raises(StoreError, match="disk is full; nothing of this change was written"):
        store.add_batch(scan_id, big)
    assert store.resources(scan_id) == []


def test_full_disk_during_a_scan_is_one_line_exit_2_and_incomplete(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from moto import mock_aws

    import onboard.cli.common as common

    db = tmp_path / "scan.db"
    opened: list[Store] = []
    real_start = Store.start_scan

    def start_then_fill(self: Store, *args: object, **kwargs: object) -> int:
        scan_id = real_start(self, *args, **kwargs)  # type: ignore[arg-type]
        _fill_disk(self)
        return scan_id

    def open_store(args: object) -> Store:
        opened.append(Store.open(db))
        return opened[-1]

    monkeypatch.setattr(common, "open_store", open_store)
    monkeypatch.setattr("onboard.cli.scan.open_store", open_store)
    monkeypatch.setattr(Store, "start_scan", start_then_fill)
    with mock_aws():
        code = main(["scan", "--regions", "us-east-1", "--session", "s"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "disk is full" in err and "Traceback" not in err
    assert "incomplete" in err
    opened[-1].close()
    check = Store.open(db)
    session = check.session_by_name("s")
    assert session is not None
    from onboard import catalog as catalog_mod
    from onboard.workspace import Workspace

    monkeypatch.setattr(Store, "start_scan", real_start)
    Workspace(check, catalog_mod.load(), session.id).start_scan({}, [])
    assert check.scans(session.id)[-1].status == "incomplete" or any(
        s.status == "incomplete" for s in check.scans(session.id))
    check.close()


def test_a_held_lock_is_one_line_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "l.db"
    seed(db, "plain").close()
    monkeypatch.setattr(store_mod, "LOCK_TIMEOUT", 0.2)
    other = sqlite3.connect(db)
    other.execute("BEGIN IMMEDIATE")
    try:
        code = main(["matrix", "add", "--observation", "x", "--db", str(db)])
    finally:
        other.rollback()
        other.close()
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "locked" in err and "Traceback" not in err


def test_export_on_a_full_disk_keeps_the_previous_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "e.db"
    seed(db, "plain").close()
    out = tmp_path / "report.md"
    out.write_text("the previous report\n" * 500)
    before = out.read_bytes()
    real = export_mod.write_atomic

    def on_a_small_disk(path: Path, text: str) -> None:
        # The kernel refuses to grow any file past 4 KiB (EFBIG), like a full disk.
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        old = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
        try:
            real(path, text)
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
            signal.signal(signal.SIGXFSZ, old)

    monkeypatch.setattr(export_mod, "write_atomic", on_a_small_disk)
    assert main(["export", "-o", str(out), "--force", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "unchanged" in err
    assert out.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.setattr(export_mod, "write_atomic", real)
    assert main(["export", "-o", str(out), "--force", "--db", str(db)]) == 0
    assert out.read_text().startswith("#")
