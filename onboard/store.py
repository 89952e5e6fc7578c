"""The SQLite store (sqlite-utils): schema, migrations and every query onboard makes.

Nothing else in onboard writes SQL. One file holds one user's onboarding sessions, the live
scan results and the Orient/Decide work, so that tomorrow resumes where today stopped.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
import sqlite_utils

from onboard.i18n import N_, _
from onboard.models import (
    Account,
    Activity,
    Asset,
    AssetLink,
    CollectError,
    Finding,
    MatrixRow,
    Resource,
    RowResource,
    ScanInfo,
    SessionInfo,
    Severity,
    Status,
)

ENV_VAR = "ONBOARD_DB"
SQLITE_MAGIC = b"SQLite format 3\x00"


# ORDER BY of the findings list (failing first), per order the Review screen offers; the
# same text builds its indexes (an expression index is used only for the same expression).
_STATUS_FIRST = "CASE f.status WHEN 'FAIL' THEN 0 WHEN 'ERROR' THEN 1 ELSE 2 END, "
FINDING_ORDERS = {
    "severity": _STATUS_FIRST + "f.sev_rank DESC, f.check_id, f.account_id, f.region, "
                                "f.resource_id",
    "check": _STATUS_FIRST + "f.check_id, f.sev_rank DESC, f.account_id, f.resource_id",
    "account": _STATUS_FIRST + "f.account_id, f.sev_rank DESC, f.check_id, f.resource_id",
    "resource": _STATUS_FIRST + "f.resource_id, f.check_id",
}


class StoreError(Exception):
    """A database that cannot be used; the message is one line for the user."""


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def default_path() -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("onboard", appauthor=False)) / "onboard.db"


# --- schema -------------------------------------------------------------------------------


def _v1(db: sqlite_utils.Database) -> None:
    """The first schema: sessions, accounts, tasks, interviews, scans and their results."""
    db.table("sessions").create({"id": int, "name": str, "person": str, "profile": str,
                           "started": str, "current_day": int, "last_opened": str}, pk="id")
    db.table("sessions").create_index(["name"], unique=True)
    db.table("accounts").create({"session_id": int, "account_id": str, "name": str, "email": str,
                           "status": str, "ou": str, "source": str, "access": str,
                           "access_reason": str, "environment": str, "known_before": int},
                          pk=("session_id", "account_id"))
    db.table("task_state").create({"session_id": int, "task_id": str, "done": int, "auto": int,
                             "updated": str}, pk=("session_id", "task_id"))
    db.table("interview_answers").create({"session_id": int, "prompt_id": str, "status": str,
                                    "answer": str, "updated": str},
                                   pk=("session_id", "prompt_id"))
    db.table("scans").create({"id": int, "session_id": int, "started": str, "finished": str,
                        "status": str, "identity": str, "regions": str, "api_calls": int},
                       pk="id")
    db.table("resources").create({"scan_id": int, "type": str, "account_id": str, "region": str,
                            "id": str, "arn": str, "name": str, "vpc_id": str,
                            "subnet_id": str, "attrs": str},
                           pk=("scan_id", "type", "account_id", "region", "id"))
    db.table("collect_errors").create({"scan_id": int, "collector": str, "types": str,
                                 "account_id": str, "region": str, "code": str,
                                 "message": str})
    db.table("findings").create({"id": int, "scan_id": int, "check_id": str, "status": str,
                           "severity": str, "sev_rank": int, "account_id": str, "region": str,
                           "resource_id": str, "resource_arn": str, "resource_type": str,
                           "message": str, "terraform_address": str}, pk="id")
    db.table("findings").create_index(["scan_id", "status", "sev_rank"])
    db.table("findings").create_index(["scan_id", "check_id"])
    db.table("assets").create({"id": int, "session_id": int, "name": str, "description": str,
                         "value": int}, pk="id")
    db.table("assets").create_index(["session_id", "name"], unique=True)
    db.table("asset_links").create({"id": int, "asset_id": int, "kind": str, "value": str}, pk="id")
    db.table("matrix_rows").create({"id": int, "session_id": int, "check_id": str,
                              "account_id": str, "observation": str, "incident": str,
                              "reason": str, "stride": str, "threat": int,
                              "vulnerability": int, "edited": str, "fixed": int,
                              "custom": int, "resources": str, "created": str,
                              "updated": str}, pk="id")
    db.table("actions").create({"id": int, "session_id": int, "action_def": str, "title": str,
                          "owner": str, "priority": str, "due": str, "status": str,
                          "remediation": str, "notes": str, "created": str,
                          "updated": str}, pk="id")
    db.table("action_rows").create({"action_id": int, "row_id": int}, pk=("action_id", "row_id"))
    db.table("tf_resources").create({"session_id": int, "address": str, "type": str, "name": str,
                               "module": str, "index_key": str, "resource_id": str,
                               "arn": str, "source": str}, pk=("session_id", "address"))


def _v2(db: sqlite_utils.Database) -> None:
    """Per-finding triage that survives rescans, and where the UI was left (resume)."""
    db.table("triage").create({"session_id": int, "check_id": str, "account_id": str,
                         "region": str, "resource_id": str, "mark": str, "note": str,
                         "updated": str},
                        pk=("session_id", "check_id", "account_id", "region", "resource_id"))
    db.table("sessions").add_column("ui_state", str)
    db.table("sessions").add_column("events", str)


def _v3(db: sqlite_utils.Database) -> None:
    """Terraform rows keyed by (session, state file, address): prod and staging stacks
    built from the same code have the same addresses."""
    db.table("tf_resources").transform(pk=("session_id", "source", "address"))


def _v4(db: sqlite_utils.Database) -> None:
    """One write path: an append-only activity log (what the week plan reads instead of
    events), matrix rows unique per (session, check, account) so that two processes cannot
    duplicate them, an `accepted` row state, scan notes (the Organizations failure, skipped
    regions), and task rows that hold only the user's own ticks."""
    db.table("activity").create({"id": int, "session_id": int, "at": str, "kind": str,
                                 "detail": str}, pk="id")
    db.table("activity").create_index(["session_id", "kind"])
    db.table("matrix_rows").add_column("accepted", int)
    db.table("scans").add_column("notes", str)
    # Rows duplicated by concurrent regenerations (before this version): keep the oldest,
    # move the action links to it.
    dupes = db.execute(
        "SELECT session_id, check_id, account_id, MIN(id) FROM matrix_rows "
        "WHERE custom = 0 GROUP BY session_id, check_id, account_id HAVING COUNT(*) > 1"
    ).fetchall()
    for session_id, check_id, account_id, keep in dupes:
        extra = [r[0] for r in db.execute(
            "SELECT id FROM matrix_rows WHERE session_id = ? AND check_id = ? AND "
            "account_id = ? AND custom = 0 AND id != ?",
            [session_id, check_id, account_id, keep]).fetchall()]
        for row_id in extra:
            db.execute("INSERT OR IGNORE INTO action_rows (action_id, row_id) "
                       "SELECT action_id, ? FROM action_rows WHERE row_id = ?", [keep, row_id])
            db.execute("DELETE FROM action_rows WHERE row_id = ?", [row_id])
            db.execute("DELETE FROM matrix_rows WHERE id = ?", [row_id])
    db.execute("CREATE UNIQUE INDEX matrix_rows_generated ON matrix_rows "
               "(session_id, check_id, account_id) WHERE custom = 0")
    db.execute("DELETE FROM task_state WHERE auto = 1")


def _v5_sso_edits(db: sqlite_utils.Database) -> None:
    """The Identity Center kit's edits (renames, moves, exclusions), kept across rescans."""
    db.table("sso_edits").create({"session_id": int, "kind": str, "target": str,
                                  "value": str, "updated": str},
                                 pk=("session_id", "kind", "target"))


def _v6_notes(db: sqlite_utils.Database) -> None:
    """The user's notes on a week task or a matrix row (kind 'task' | 'row', target its id)."""
    db.table("notes").create({"session_id": int, "kind": str, "target": str, "text": str,
                              "updated": str}, pk=("session_id", "kind", "target"))


def _v7_interviewees(db: sqlite_utils.Database) -> None:
    """Who answered each interview prompt (the report names who was interviewed)."""
    db.table("interviewees").create({"session_id": int, "prompt_id": str, "person": str,
                                     "updated": str}, pk=("session_id", "prompt_id"))


def _v8_finding_orders(db: sqlite_utils.Database) -> None:
    """One index per order the Review screen offers, so a page of 100k findings is read in
    index order instead of sorting them all for every page (1.6 s → a few ms)."""
    for name, order in FINDING_ORDERS.items():
        db.execute(f"CREATE INDEX IF NOT EXISTS idx_findings_order_{name} ON "
                   f"findings (scan_id, {order.replace('f.', '')})")


def _v9_session_language(db: sqlite_utils.Database) -> None:
    """The language a session was started in ('' for sessions from before: the locale
    decides for them)."""
    db.execute("ALTER TABLE sessions ADD COLUMN lang TEXT NOT NULL DEFAULT ''")


def _v10_finding_filters(db: sqlite_utils.Database) -> None:
    """Review counts what a severity or account filter matches: without these, counting
    one severity of 100k findings read every row (0.2 s per filter change)."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_findings_scan_severity ON "
               "findings (scan_id, severity, status)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_findings_scan_account ON "
               "findings (scan_id, account_id, status)")


FINDING_KEY = ("check_id", "account_id", "region", "resource_id")
"""What names one finding within a scan (`Finding.key`), as columns."""
TEXT_INDEX = "finding_text"
_TEXT_COLS = ("message", "resource_id", "check_id")


def _v11_finding_search(db: sqlite_utils.Database) -> None:
    """Review's check filter (an index, below) and its text search, a substring of a
    finding's message, resource or check: with `LIKE` alone each search read all 100k
    rows twice (page and count, 0.4 s). A trigram index (FTS5, SQLite >= 3.34) names the
    rows holding every three-character piece of the text; the LIKE then keeps its exact
    meaning on those few. Positions are not kept
    (`detail=none`: a fifth of the size, and two fifths of the time to write), so the
    index only narrows. `replace_findings`, the one writer of findings, keeps it in step
    in bulk (a trigger per row took three times as long as writing the findings); a
    trigger covers any other change of the text. An SQLite built without FTS5 or the
    trigram tokenizer gets no index and searches as before."""
    # A check's findings in Review's first order: a page of one check read 30k index
    # entries of the order's own index (20-30 ms), 0.5 ms with this one. It starts with
    # (scan_id, check_id), so it replaces v1's index on those two.
    severity_order = FINDING_ORDERS["severity"].replace("f.", "").replace(", check_id", "")
    db.execute(f"CREATE INDEX IF NOT EXISTS idx_findings_check_order ON findings "
               f"(scan_id, check_id, {severity_order})")
    db.execute("DROP INDEX IF EXISTS idx_findings_scan_id_check_id")
    cols = ", ".join(_TEXT_COLS)
    try:
        db.execute(f"CREATE VIRTUAL TABLE {TEXT_INDEX} USING fts5({cols}, content='findings', "
                   "content_rowid='id', tokenize='trigram', detail=none, columnsize=0)")
    except sqlite3.OperationalError:
        return
    new_values = ", ".join(f"new.{c}" for c in _TEXT_COLS)
    old_values = ", ".join(f"old.{c}" for c in _TEXT_COLS)
    db.execute(f"CREATE TRIGGER findings_text_update AFTER UPDATE OF {cols} ON findings BEGIN "
               f"INSERT INTO {TEXT_INDEX} ({TEXT_INDEX}, rowid, {cols}) "
               f"VALUES ('delete', old.id, {old_values}); "
               f"INSERT INTO {TEXT_INDEX} (rowid, {cols}) VALUES (new.id, {new_values}); END")
    db.execute(f"INSERT INTO {TEXT_INDEX} ({TEXT_INDEX}) VALUES ('rebuild')")


def text_query(text: str) -> str:
    """An FTS5 query for the rows that may hold `text`: every trigram of it, each a quoted
    string (so nothing in it is FTS5 syntax). `text` has three characters or more."""
    grams = dict.fromkeys(text[i:i + 3] for i in range(len(text) - 2))
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def like_pattern(text: str) -> str:
    """`text` anywhere, literally: LIKE's own wildcards in it (`%`, `_`) match only
    themselves (with `ESCAPE '\\'`)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1, _v2, _v3, _v4, _v5_sso_edits, _v6_notes, _v7_interviewees, _v8_finding_orders,
    _v9_session_language, _v10_finding_filters, _v11_finding_search]
SCHEMA_VERSION = len(MIGRATIONS)


# --- opening ------------------------------------------------------------------------------


def _check_existing(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except PermissionError:
        raise StoreError(_("{path}: cannot read the database (permission denied)").format(
            path=path)) from None
    except IsADirectoryError:
        raise StoreError(_("{path}: is a directory, not a database file").format(
            path=path)) from None
    if head and head != SQLITE_MAGIC:
        raise StoreError(_("{path}: not an onboard database (not an SQLite file); left "
                           "untouched — pass another --db").format(path=path))
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise StoreError(_("{path}: the database is read-only; make it writable or pass "
                           "another --db").format(path=path))


LOCK_TIMEOUT = 30.0
"""Seconds a write waits for another process's lock before giving up with one line."""

DAMAGED = N_("the database is damaged ({detail}); your file is untouched; restore it from a "
             "backup (`onboard db backup PATH` makes one) or pass another --db")


def _inspect(path: Path, conn: sqlite3.Connection) -> int:
    """The file's schema version, after reading every page (quick_check): raises StoreError,
    writing nothing, for a damaged file, an unknown version or someone else's database."""
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        problems = [r[0] for r in conn.execute("PRAGMA quick_check(3)").fetchall()]
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
    except sqlite3.DatabaseError as exc:
        if _code(exc) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise _write_error(path, exc) from None
        raise StoreError(f"{path}: " + _(DAMAGED).format(detail=_one_line(exc))) from None
    if problems != ["ok"]:
        raise StoreError(f"{path}: " + _(DAMAGED).format(detail=_one_line(problems[0])))
    if version < 0 or version > SCHEMA_VERSION:
        newer = (_("{path}: written by a newer onboard (schema version {version}; this "
                   "onboard knows 1 to {known}); left untouched — upgrade onboard or pass "
                   "another --db") if version > SCHEMA_VERSION else
                 _("{path}: written by an unknown program (schema version {version}; this "
                   "onboard knows 1 to {known}); left untouched — upgrade onboard or pass "
                   "another --db"))
        raise StoreError(newer.format(path=path, version=version, known=SCHEMA_VERSION))
    if version == 0 and tables - {"sqlite_sequence"}:
        raise StoreError(_("{path}: not an onboard database (it has tables but no onboard "
                           "schema version); left untouched — pass another --db").format(
            path=path))
    return version


def _code(exc: BaseException) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:200]


def _write_error(path: Path, exc: sqlite3.Error) -> StoreError:
    """One line for a write SQLite could not make; the transaction was rolled back."""
    code = _code(exc)
    text = str(exc).lower()
    if code == sqlite3.SQLITE_FULL or "disk is full" in text:
        why = _("the disk is full")
    elif code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text:
        why = _("another program (another onboard?) held the database locked for "
                "{seconds} s").format(seconds=f"{LOCK_TIMEOUT:.0f}")
    elif code == sqlite3.SQLITE_IOERR or "i/o error" in text:
        why = _("the disk refused the write (I/O error)")
    elif code == sqlite3.SQLITE_READONLY or "readonly" in text:
        why = _("the database is read-only")
    else:
        why = _one_line(exc)
    return StoreError(_("{path}: cannot write the database: {why}; nothing of this change "
                        "was written").format(path=path, why=why))


def check_file(path: str | os.PathLike[str]) -> list[str]:
    """Every problem a full integrity check finds in the database at `path` ([] when it is
    sound), opened read-only so that a damaged file is left exactly as it is."""
    target = Path(path)
    if not target.is_file():
        raise StoreError(_("{path}: no database there").format(path=target))
    try:
        conn = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=LOCK_TIMEOUT)
    except sqlite3.DatabaseError as exc:
        return [_one_line(exc)]
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return [_one_line(exc)]
    finally:
        conn.close()
    problems = [r[0] for r in rows if r[0] != "ok"]
    if version < 0 or version > SCHEMA_VERSION:
        problems.append(f"schema version {version} is not one this onboard knows "
                        f"(1 to {SCHEMA_VERSION})")
    return problems


def _create_file(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(_("{path}: cannot create the database ({why}); pass a writable "
                           "--db").format(path=path, why=exc.strerror)) from None


def _last_pk(table: sqlite_utils.db.Table) -> int:
    """The rowid of the row a table insert just made."""
    if table.last_pk is None:
        raise StoreError(f"{table.name}: the insert made no row")
    return int(table.last_pk)


class Store:
    """One open database. Thread-safe: scan workers and the UI share it through a lock."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.lock = threading.RLock()
        self._depth = 0
        self._text_index: bool | None = None  # has findings' trigram index (schema v11)

    # -- lifecycle

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, create: bool = True) -> Store:
        """Open (creating 0600 and migrating as needed) or raise StoreError, file untouched.

        Nothing is written before the file has been read through (quick_check) and its
        schema version is one this onboard knows. `create=False` (read commands): a missing
        file is an error, and no file or folder is made."""
        target = Path(path) if path else default_path()
        if target.exists():
            _check_existing(target)
        elif not create:
            raise StoreError(_("{path}: no onboard database here yet; run `onboard demo` or "
                               "`onboard scan` first, or pass --db").format(path=target))
        else:
            _create_file(target)
        try:
            conn = sqlite3.connect(target, check_same_thread=False, timeout=LOCK_TIMEOUT)
        except sqlite3.DatabaseError as exc:
            raise StoreError(_("{path}: not a usable SQLite database ({error}); left "
                               "untouched — pass another --db").format(
                path=target, error=exc)) from None
        try:
            version = _inspect(target, conn)
        except StoreError:
            conn.close()
            raise
        if version == 0:
            # A new database holds an inventory of someone's infrastructure: only its owner
            # may read it, also when the empty file was made beforehand (by touch, umask).
            with contextlib.suppress(OSError):
                os.chmod(target, 0o600)
        store = cls(target, conn)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: a commit survives the process being killed (what a scan that is
            # cut off needs) without an fsync each time; only a power cut can lose the last.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            store._migrate(version)
        except StoreError:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _write_error(target, exc) from None
        return store

    def _migrate(self, version: int) -> None:
        """Each step in one transaction (DDL included), so a failed step leaves the file at
        the version before it."""
        for step in range(version, SCHEMA_VERSION):
            with self.tx():
                MIGRATIONS[step](self.db)
                self.conn.execute(f"PRAGMA user_version = {step + 1}")

    def backup(self, dest: str | os.PathLike[str]) -> Path:
        """A consistent copy of the whole database at `dest` (SQLite's online backup, safe
        while the app is open), created 0600 and put in place by a rename."""
        target = Path(dest)
        if target.exists() and target.resolve() == self.path.resolve():
            raise StoreError(_("{path}: that is the database itself; pick another "
                               "path").format(path=target))
        if target.is_dir():
            raise StoreError(_("{path}: is a directory; give the backup file's path").format(
                path=target))
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
            os.close(fd)
            dst = sqlite3.connect(tmp)
            try:
                with self.lock:
                    self.conn.backup(dst)
            finally:
                dst.close()
            os.replace(tmp, target)
        except (OSError, sqlite3.Error) as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else _one_line(exc)
            raise StoreError(_("{path}: cannot write the backup ({why})").format(
                path=target, why=why)) from None
        return target

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite_utils.Database]:
        """One transaction; nested calls join the outermost one.

        The outermost takes SQLite's write lock up front (BEGIN IMMEDIATE), so a derived
        update that reads then writes cannot interleave with another process doing the same.
        A write SQLite cannot make (a full disk, a lock held past LOCK_TIMEOUT) is rolled
        back and becomes one StoreError line.
        """
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.db
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            try:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    try:
                        yield self.db
                    except BaseException:
                        self.conn.rollback()
                        raise
                    self.conn.commit()
                except sqlite3.OperationalError as exc:
                    raise _write_error(self.path, exc) from None
            finally:
                self._depth = 0

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        with self.lock:
            cur = self.conn.execute(sql, tuple(params))
            cols = [c[0] for c in cur.description]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    # -- sessions

    def create_session(self, name: str, person: str = "", profile: str = "",
                       started: str | None = None, lang: str = "") -> SessionInfo:
        with self.tx() as db:
            db.table("sessions").insert({"name": name, "person": person, "profile": profile,
                                   "lang": lang,
                                   "started": started or datetime.now(UTC).date().isoformat(),
                                   "current_day": 1, "last_opened": now(),
                                   "ui_state": "{}", "events": "[]"})
        found = self.session_by_name(name)
        assert found is not None
        return found

    def _session(self, row: dict[str, Any]) -> SessionInfo:
        return SessionInfo(id=row["id"], name=row["name"], person=row["person"] or "",
                           profile=row["profile"] or "", started=row["started"],
                           current_day=row["current_day"] or 1, lang=row.get("lang") or "",
                           last_opened=row["last_opened"] or "",
                           ui_state=json.loads(row["ui_state"] or "{}"))

    def session_by_name(self, name: str) -> SessionInfo | None:
        rows = self._rows("SELECT * FROM sessions WHERE name = ?", [name])
        return self._session(rows[0]) if rows else None

    def session(self, session_id: int) -> SessionInfo:
        rows = self._rows("SELECT * FROM sessions WHERE id = ?", [session_id])
        if not rows:
            raise StoreError(_("no session with id {id}").format(id=session_id))
        return self._session(rows[0])

    def sessions(self) -> list[SessionInfo]:
        rows = self._rows("SELECT * FROM sessions ORDER BY last_opened DESC, id DESC")
        return [self._session(r) for r in rows]

    def latest_session(self) -> SessionInfo | None:
        found = self.sessions()
        return found[0] if found else None

    def update_session(self, session_id: int, **fields: Any) -> None:
        allowed = {"person", "profile", "current_day", "ui_state", "started", "lang"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"cannot update session fields {sorted(bad)}")
        if "ui_state" in fields:
            fields["ui_state"] = json.dumps(fields["ui_state"], sort_keys=True)
        with self.tx() as db:
            db.table("sessions").update(session_id, fields)

    def touch_session(self, session_id: int) -> None:
        with self.tx() as db:
            db.table("sessions").update(session_id, {"last_opened": now()})

    # -- the activity log (append-only: what happened, for the week plan and the report)

    def log_activity(self, session_id: int, kind: str, **detail: Any) -> int:
        with self.tx() as db:
            table = db.table("activity")
            table.insert({"session_id": session_id, "at": now(), "kind": kind,
                          "detail": json.dumps(detail, sort_keys=True, default=str)})
            return _last_pk(table)

    def activity(self, session_id: int, kind: str | None = None) -> list[Activity]:
        sql = "SELECT * FROM activity WHERE session_id = ?"
        params: list[Any] = [session_id]
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        return [self._activity(r) for r in self._rows(sql + " ORDER BY id", params)]

    def last_activity(self, session_id: int, kind: str) -> Activity | None:
        rows = self._rows("SELECT * FROM activity WHERE session_id = ? AND kind = ? "
                          "ORDER BY id DESC LIMIT 1", [session_id, kind])
        return self._activity(rows[0]) if rows else None

    @staticmethod
    def _activity(r: dict[str, Any]) -> Activity:
        return Activity(id=r["id"], at=r["at"], kind=r["kind"],
                        detail=json.loads(r["detail"] or "{}"))

    # -- accounts

    def upsert_accounts(self, session_id: int, accounts: Iterable[Account]) -> None:
        """Insert or refresh accounts; a user's environment and names are kept."""
        existing = {a.account_id: a for a in self.accounts(session_id)}
        rows = []
        for acc in accounts:
            old = existing.get(acc.account_id)
            data = acc.model_dump()
            if old is not None:
                data["known_before"] = old.known_before
                if old.environment != "other":
                    data["environment"] = old.environment
                if old.source in ("manual", "interview") and acc.source == "caller":
                    data["source"] = old.source
                if not acc.name:
                    data["name"] = old.name
            data["known_before"] = int(data["known_before"])
            rows.append({"session_id": session_id, **data})
        with self.tx() as db:
            db.table("accounts").upsert_all(rows, pk=("session_id", "account_id"))

    def accounts(self, session_id: int) -> list[Account]:
        rows = self._rows("SELECT * FROM accounts WHERE session_id = ? ORDER BY account_id",
                          [session_id])
        out = []
        for r in rows:
            r.pop("session_id")
            r["known_before"] = bool(r["known_before"])
            out.append(Account.model_validate(r))
        return out

    def set_known_before(self, session_id: int, account_id: str, known: bool) -> None:
        """The user says whether they knew of an account before discovery."""
        with self.tx() as db:
            db.execute("UPDATE accounts SET known_before = ? WHERE session_id = ? AND "
                       "account_id = ?", [int(known), session_id, account_id])

    def delete_account(self, session_id: int, account_id: str) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM accounts WHERE session_id = ? AND account_id = ?",
                       [session_id, account_id])

    # -- week tasks

    def set_task(self, session_id: int, task_id: str, done: bool | None) -> None:
        """The user's own tick (True) or untick (False); None gives the task back to its
        derived state."""
        with self.tx() as db:
            if done is None:
                db.execute("DELETE FROM task_state WHERE session_id = ? AND task_id = ?",
                           [session_id, task_id])
                return
            db.table("task_state").upsert({"session_id": session_id, "task_id": task_id,
                                     "done": int(done), "auto": 0, "updated": now()},
                                    pk=("session_id", "task_id"))

    def task_overrides(self, session_id: int) -> dict[str, bool]:
        """The user's own ticks and unticks, by task id."""
        rows = self._rows("SELECT * FROM task_state WHERE session_id = ? AND auto = 0",
                          [session_id])
        return {r["task_id"]: bool(r["done"]) for r in rows}

    # -- interviews

    def save_answer(self, session_id: int, prompt_id: str, answer: str, status: str) -> None:
        with self.tx() as db:
            db.table("interview_answers").upsert({"session_id": session_id, "prompt_id": prompt_id,
                                            "answer": answer, "status": status,
                                            "updated": now()},
                                           pk=("session_id", "prompt_id"))

    def answers(self, session_id: int) -> dict[str, dict[str, str]]:
        rows = self._rows("SELECT * FROM interview_answers WHERE session_id = ?", [session_id])
        return {r["prompt_id"]: {"answer": r["answer"] or "", "status": r["status"],
                                 "updated": r["updated"]} for r in rows}

    # -- scans

    def start_scan(self, session_id: int, identity: dict[str, str],
                   regions: list[str]) -> int:
        with self.tx() as db:
            table = db.table("scans")
            table.insert({"session_id": session_id, "started": now(), "finished": None,
                          "status": "running", "identity": json.dumps(identity),
                          "regions": json.dumps(regions), "api_calls": 0})
            return _last_pk(table)

    _RESOURCE_COLS = ("scan_id", "type", "account_id", "region", "id", "arn", "name",
                      "vpc_id", "subnet_id", "attrs")
    _FINDING_COLS = ("scan_id", "check_id", "status", "severity", "sev_rank", "account_id",
                     "region", "resource_id", "resource_arn", "resource_type", "message",
                     "terraform_address")

    def add_batch(self, scan_id: int, resources: Iterable[Resource],
                  errors: Iterable[CollectError] = ()) -> None:
        """Commit one collector's output on its own, so a killed scan keeps it.

        Plain executemany: this is the hot path of a large scan (100k records)."""
        rows = [(scan_id, r.type, r.account_id, r.region, r.id, r.arn, r.name, r.vpc_id,
                 r.subnet_id, json.dumps(r.attrs, default=str)) for r in resources]
        errs = [(scan_id, e.collector, json.dumps(e.types), e.account_id, e.region, e.code,
                 e.message) for e in errors]
        with self.tx() as db:
            if rows:
                db.conn.executemany(
                    f"INSERT OR REPLACE INTO resources ({', '.join(self._RESOURCE_COLS)}) "
                    f"VALUES ({', '.join('?' * len(self._RESOURCE_COLS))})", rows)
            if errs:
                db.conn.executemany(
                    "INSERT INTO collect_errors (scan_id, collector, types, account_id, "
                    "region, code, message) VALUES (?, ?, ?, ?, ?, ?, ?)", errs)

    def replace_findings(self, scan_id: int, findings: Iterable[Finding]) -> int:
        rows = [(scan_id, f.check_id, f.status.value, f.severity.value, f.severity.rank,
                 f.account_id, f.region, f.resource_id, f.resource_arn, f.resource_type,
                 f.message, f.terraform_address) for f in findings]
        indexed = self._has_text_index()
        cols = ", ".join(_TEXT_COLS)
        with self.tx() as db:
            if indexed:  # the index is told the exact old text of what it forgets
                db.execute(f"INSERT INTO {TEXT_INDEX} ({TEXT_INDEX}, rowid, {cols}) "
                           f"SELECT 'delete', id, {cols} FROM findings WHERE scan_id = ?",
                           [scan_id])
            db.execute("DELETE FROM findings WHERE scan_id = ?", [scan_id])
            db.conn.executemany(
                f"INSERT INTO findings ({', '.join(self._FINDING_COLS)}) "
                f"VALUES ({', '.join('?' * len(self._FINDING_COLS))})", rows)
            if indexed:
                db.execute(f"INSERT INTO {TEXT_INDEX} (rowid, {cols}) "
                           f"SELECT id, {cols} FROM findings WHERE scan_id = ?", [scan_id])
        return len(rows)

    def finish_scan(self, scan_id: int, status: str, api_calls: int = 0,
                    notes: dict[str, Any] | None = None) -> None:
        with self.tx() as db:
            db.table("scans").update(scan_id, {"finished": now(), "status": status,
                                         "api_calls": api_calls,
                                         "notes": json.dumps(notes or {}, sort_keys=True)})

    def _scan(self, row: dict[str, Any]) -> ScanInfo:
        return ScanInfo(id=row["id"], session_id=row["session_id"], started=row["started"],
                        finished=row["finished"], status=row["status"],
                        identity=json.loads(row["identity"] or "{}"),
                        regions=json.loads(row["regions"] or "[]"),
                        api_calls=row["api_calls"] or 0,
                        notes=json.loads(row.get("notes") or "{}"))

    def scan(self, scan_id: int) -> ScanInfo:
        rows = self._rows("SELECT * FROM scans WHERE id = ?", [scan_id])
        if not rows:
            raise StoreError(_("no scan with id {id}").format(id=scan_id))
        return self._scan(rows[0])

    def scans(self, session_id: int) -> list[ScanInfo]:
        rows = self._rows("SELECT * FROM scans WHERE session_id = ? ORDER BY id", [session_id])
        return [self._scan(r) for r in rows]

    def latest_scan(self, session_id: int, complete: bool = False) -> ScanInfo | None:
        """The scan every view calls "the current state": the newest complete scan; with
        none complete, the newest finished one that stored findings (an interrupted scan,
        labelled incomplete by its status). A killed scan that evaluated nothing is never
        it. `complete=True`: complete scans only."""
        rows = self._rows("SELECT * FROM scans WHERE session_id = ? AND status = 'complete' "
                          "ORDER BY id DESC LIMIT 1", [session_id])
        if rows or complete:
            return self._scan(rows[0]) if rows else None
        rows = self._rows("SELECT s.* FROM scans s WHERE s.session_id = ? "
                          "AND s.status != 'running' AND EXISTS (SELECT 1 FROM findings f "
                          "WHERE f.scan_id = s.id) ORDER BY s.id DESC LIMIT 1", [session_id])
        return self._scan(rows[0]) if rows else None

    def newest_scan(self, session_id: int) -> ScanInfo | None:
        """The newest scan whatever its status (running, interrupted or complete)."""
        rows = self._rows("SELECT * FROM scans WHERE session_id = ? ORDER BY id DESC LIMIT 1",
                          [session_id])
        return self._scan(rows[0]) if rows else None

    def previous_scan(self, scan_id: int) -> ScanInfo | None:
        cur = self.scan(scan_id)
        rows = self._rows("SELECT * FROM scans WHERE session_id = ? AND id < ? "
                          "AND status = 'complete' ORDER BY id DESC LIMIT 1",
                          [cur.session_id, scan_id])
        return self._scan(rows[0]) if rows else None

    def mark_interrupted_scans(self, session_id: int) -> None:
        """Scans left 'running' by a killed process become 'incomplete'."""
        with self.tx() as db:
            db.execute("UPDATE scans SET status = 'incomplete' WHERE session_id = ? "
                       "AND status = 'running'", [session_id])

    # -- inventory

    def resources(self, scan_id: int, type_: str | None = None) -> list[Resource]:
        sql = "SELECT * FROM resources WHERE scan_id = ?"
        params: list[Any] = [scan_id]
        if type_:
            sql += " AND type = ?"
            params.append(type_)
        return [Resource(type=r["type"], id=r["id"], account_id=r["account_id"],
                         region=r["region"], arn=r["arn"], name=r["name"] or "",
                         vpc_id=r["vpc_id"], subnet_id=r["subnet_id"],
                         attrs=json.loads(r["attrs"] or "{}"))
                for r in self._rows(sql + " ORDER BY type, account_id, region, id", params)]

    def collect_errors(self, scan_id: int) -> list[CollectError]:
        rows = self._rows("SELECT * FROM collect_errors WHERE scan_id = ?", [scan_id])
        return [CollectError(collector=r["collector"], types=json.loads(r["types"]),
                             account_id=r["account_id"], region=r["region"], code=r["code"],
                             message=r["message"]) for r in rows]

    def inventory_counts(self, scan_id: int) -> dict[str, int]:
        rows = self._rows("SELECT type, COUNT(*) AS n FROM resources WHERE scan_id = ? "
                          "GROUP BY type ORDER BY type", [scan_id])
        return {r["type"]: r["n"] for r in rows}

    # -- findings

    @staticmethod
    def _finding(r: dict[str, Any]) -> Finding:
        # validated when it was written; model_construct skips validating it again (a
        # 100,000-finding scan read back in a fifth of the time)
        return Finding.model_construct(check_id=r["check_id"], status=Status(r["status"]),
                       severity=Severity(r["severity"]), account_id=r["account_id"],
                       region=r["region"], resource_id=r["resource_id"],
                       resource_arn=r["resource_arn"], resource_type=r["resource_type"] or "",
                       message=r["message"], terraform_address=r["terraform_address"])

    def _finding_filter(self, scan_id: int, filters: dict[str, Any]) -> tuple[str, list[Any]]:
        where = ["f.scan_id = ?"]
        params: list[Any] = [scan_id]
        for col in ("status", "severity", "account_id", "region", "check_id"):
            value = filters.get(col)
            if value:
                values = [value] if isinstance(value, str) else list(value)
                where.append(f"f.{col} IN ({','.join('?' * len(values))})")
                params.extend(values)
        text = filters.get("text")
        if text:
            if len(text) >= 3 and self._has_text_index():  # a trigram needs 3 characters
                where.append(f"f.id IN (SELECT rowid FROM {TEXT_INDEX} WHERE {TEXT_INDEX} "
                             "MATCH ?)")
                params.append(text_query(text))
            where.append("(" + " OR ".join(f"f.{c} LIKE ? ESCAPE '\\'" for c in _TEXT_COLS)
                         + ")")
            params.extend([like_pattern(text)] * len(_TEXT_COLS))
        return " AND ".join(where), params

    def _has_text_index(self) -> bool:
        if self._text_index is None:
            self._text_index = bool(self._rows(
                "SELECT 1 AS x FROM sqlite_master WHERE name = ?", [TEXT_INDEX]))
        return self._text_index

    def _findings_sql(self, scan_id: int, order: str,
                      filters: dict[str, Any]) -> tuple[str, list[Any]]:
        """The findings that pass `filters`, in `order`; ties (one resource id in two
        regions) by row id, so that pages of it never repeat or skip a finding (each order's
        index holds the row id last: no sort is added)."""
        where, params = self._finding_filter(scan_id, filters)
        return (f"SELECT f.* FROM findings f WHERE {where} "
                f"ORDER BY {FINDING_ORDERS.get(order, FINDING_ORDERS['severity'])}, f.id",
                params)

    def findings(self, scan_id: int, limit: int | None = None, offset: int = 0,
                 order: str = "severity", **filters: Any) -> list[Finding]:
        """Findings of a scan, filtered in SQL (the TUI pages through these lazily)."""
        sql, params = self._findings_sql(scan_id, order, filters)
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [self._finding(r) for r in self._rows(sql, params)]

    def iter_findings(self, scan_id: int, order: str = "severity", batch: int = 2000,
                      **filters: Any) -> Iterator[Finding]:
        """Every finding of a scan in `findings()`'s order, `batch` rows at a time: an
        export streams these instead of holding 100,000 models. One statement on a
        read-only connection of its own, so the whole stream is one snapshot (WAL) even if
        something is written meanwhile, and the store's lock is never held across a
        yield."""
        sql, params = self._findings_sql(scan_id, order, filters)
        conn = sqlite3.connect(Path(self.path).resolve().as_uri() + "?mode=ro", uri=True,
                               timeout=LOCK_TIMEOUT, check_same_thread=False)
        try:
            cur = conn.execute(sql, params)
            cols = [c[0] for c in cur.description]
            while rows := cur.fetchmany(batch):
                for row in rows:
                    yield self._finding(dict(zip(cols, row, strict=True)))
        finally:
            conn.close()

    def finding_tally(self, scan_id: int) -> list[tuple[str, str, Status, int]]:
        """(check, account, status, how many) for every combination a scan holds."""
        rows = self._rows("SELECT check_id, account_id, status, COUNT(*) AS n FROM findings "
                          "WHERE scan_id = ? GROUP BY check_id, account_id, status "
                          "ORDER BY check_id, account_id, status", [scan_id])
        return [(r["check_id"], r["account_id"], Status(r["status"]), int(r["n"]))
                for r in rows]

    def failing_resources(self, scan_id: int) -> set[str]:
        """The resources of a scan's FAIL findings: each one's ARN, else its id."""
        rows = self._rows("SELECT DISTINCT CASE WHEN COALESCE(resource_arn, '') = '' THEN "
                          "resource_id ELSE resource_arn END AS k FROM findings "
                          "WHERE scan_id = ? AND status = 'FAIL'", [scan_id])
        return {r["k"] for r in rows}

    def untriaged(self, scan_id: int, session_id: int,
                  marks: Iterable[str]) -> tuple[int, int]:
        """(FAIL findings of the scan, those without one of `marks` in the session's
        triage), counted in SQL."""
        marks = list(marks)
        rows = self._rows(
            "SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN t.mark IN "
            f"({','.join('?' * len(marks))}) THEN 0 ELSE 1 END), 0) AS open "
            "FROM findings f LEFT JOIN triage t ON t.session_id = ? "
            "AND t.check_id = f.check_id AND t.account_id = f.account_id "
            "AND t.region = f.region AND t.resource_id = f.resource_id "
            "WHERE f.scan_id = ? AND f.status = 'FAIL'", [*marks, session_id, scan_id])
        return int(rows[0]["total"]), int(rows[0]["open"])

    def count_findings(self, scan_id: int, **filters: Any) -> int:
        where, params = self._finding_filter(scan_id, filters)
        return int(self._rows(f"SELECT COUNT(*) AS n FROM findings f WHERE {where}",
                              params)[0]["n"])

    def finding_counts(self, scan_id: int) -> list[dict[str, Any]]:
        """Per check × status counts, for summaries."""
        return self._rows("SELECT check_id, status, severity, COUNT(*) AS n FROM findings "
                          "WHERE scan_id = ? GROUP BY check_id, status, severity "
                          "ORDER BY check_id", [scan_id])

    def finding_values(self, scan_id: int, column: str) -> list[str]:
        if column not in {"status", "severity", "account_id", "region", "check_id"}:
            raise ValueError(column)
        rows = self._rows(f"SELECT DISTINCT {column} AS v FROM findings WHERE scan_id = ? "
                          "ORDER BY v", [scan_id])
        return [r["v"] for r in rows]

    def diff(self, scan_id: int, base_id: int) -> dict[str, list[Finding]]:
        """Since base_id (same check × account × region × resource):
        - new: FAIL in scan_id, not FAIL in base_id;
        - fixed: FAIL in base_id and read again in scan_id *and PASS there*;
        - unchecked: FAIL in base_id that scan_id did not re-check (an ERROR, a SKIPPED, an
          account or region it could not read, or a scan that stopped before it got there)
          — never counted as fixed."""
        key = "check_id || '|' || account_id || '|' || region || '|' || resource_id"
        order = " ORDER BY sev_rank DESC, check_id, account_id, region, resource_id"
        new = self._rows(f"SELECT * FROM findings WHERE scan_id = ? AND status = 'FAIL' AND "
                         f"{key} NOT IN (SELECT {key} FROM findings WHERE scan_id = ? "
                         f"AND status = 'FAIL'){order}", [scan_id, base_id])
        fixed = self._rows(f"SELECT * FROM findings WHERE scan_id = ? AND status = 'FAIL' "
                           f"AND {key} IN (SELECT {key} FROM findings WHERE scan_id = ? "
                           f"AND status = 'PASS'){order}", [base_id, scan_id])
        unchecked = self._rows(f"SELECT * FROM findings WHERE scan_id = ? AND status = 'FAIL' "
                               f"AND {key} NOT IN (SELECT {key} FROM findings WHERE "
                               f"scan_id = ? AND status IN ('PASS', 'FAIL')){order}",
                               [base_id, scan_id])
        return {"new": [self._finding(r) for r in new],
                "fixed": [self._finding(r) for r in fixed],
                "unchecked": [self._finding(r) for r in unchecked]}

    def set_terraform_addresses(self, scan_id: int,
                                addresses: dict[tuple[str, str, str, str], str | None]
                                ) -> None:
        """Set each finding's Terraform address (key: check, account, region, resource).

        One statement over the scan's findings, each looking its key up in a temporary
        table: an UPDATE per key searched the findings of its check each time (16 ms a
        finding at 100k findings; a Terraform import of such a session took half an hour)."""
        same = " AND ".join(f"t.{c} = f.{c}" for c in FINDING_KEY)
        columns = "".join(f"{c} TEXT, " for c in FINDING_KEY)
        with self.tx() as db:
            db.execute(f"CREATE TEMP TABLE IF NOT EXISTS tf_addresses ({columns}address TEXT, "
                       f"PRIMARY KEY ({', '.join(FINDING_KEY)})) WITHOUT ROWID")
            db.execute("DELETE FROM temp.tf_addresses")
            db.conn.executemany("INSERT OR REPLACE INTO temp.tf_addresses VALUES (?, ?, ?, ?, ?)",
                                [(*k, address) for k, address in addresses.items()])
            db.execute("UPDATE findings AS f SET terraform_address = (SELECT t.address FROM "
                       f"temp.tf_addresses t WHERE {same}) WHERE f.scan_id = ? AND EXISTS "
                       f"(SELECT 1 FROM temp.tf_addresses t WHERE {same})", [scan_id])
            db.execute("DELETE FROM temp.tf_addresses")

    # -- triage

    def set_triage(self, session_id: int, finding: Finding, mark: str, note: str) -> None:
        with self.tx() as db:
            db.table("triage").upsert({"session_id": session_id, "check_id": finding.check_id,
                                 "account_id": finding.account_id, "region": finding.region,
                                 "resource_id": finding.resource_id, "mark": mark,
                                 "note": note, "updated": now()},
                                pk=("session_id", "check_id", "account_id", "region",
                                    "resource_id"))

    def triage(self, session_id: int) -> dict[tuple[str, str, str, str], dict[str, str]]:
        rows = self._rows("SELECT * FROM triage WHERE session_id = ?", [session_id])
        return {(r["check_id"], r["account_id"], r["region"], r["resource_id"]):
                {"mark": r["mark"], "note": r["note"] or ""} for r in rows}

    # -- information assets

    def add_asset(self, session_id: int, name: str, description: str, value: int) -> int:
        with self.tx() as db:
            table = db.table("assets")
            table.insert({"session_id": session_id, "name": name,
                          "description": description, "value": value})
            return _last_pk(table)

    def update_asset(self, asset_id: int, **fields: Any) -> None:
        with self.tx() as db:
            db.table("assets").update(asset_id, fields)

    def delete_asset(self, asset_id: int) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM asset_links WHERE asset_id = ?", [asset_id])
            db.execute("DELETE FROM assets WHERE id = ?", [asset_id])

    def assets(self, session_id: int) -> list[Asset]:
        """Information assets with their links, most valuable first, then by name."""
        assets = self._rows("SELECT * FROM assets WHERE session_id = ? ORDER BY value DESC, "
                            "name", [session_id])
        links = self._rows("SELECT l.* FROM asset_links l JOIN assets a ON a.id = l.asset_id "
                           "WHERE a.session_id = ? ORDER BY l.id", [session_id])
        return [Asset(id=a["id"], name=a["name"], description=a["description"] or "",
                      value=a["value"],
                      links=[AssetLink(id=lk["id"], kind=lk["kind"], value=lk["value"])
                             for lk in links if lk["asset_id"] == a["id"]])
                for a in assets]

    def add_asset_link(self, asset_id: int, kind: str, value: str) -> int:
        if kind not in {"arn", "pattern", "tag"}:
            raise ValueError(_("link kind must be arn, pattern or tag, not {kind}").format(
                kind=repr(kind)))
        with self.tx() as db:
            table = db.table("asset_links")
            table.insert({"asset_id": asset_id, "kind": kind, "value": value})
            return _last_pk(table)

    def delete_asset_link(self, link_id: int) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM asset_links WHERE id = ?", [link_id])

    # -- matrix rows

    def matrix_rows(self, session_id: int) -> list[MatrixRow]:
        """The stored rows (title, severity, risk and status are derived by orient.matrix)."""
        rows = self._rows("SELECT * FROM matrix_rows WHERE session_id = ? ORDER BY id",
                          [session_id])
        return [MatrixRow(
            id=r["id"], check_id=r["check_id"] or "", account_id=r["account_id"] or "",
            observation=r["observation"] or "", incident=r["incident"] or "",
            reason=r["reason"] or "", stride=r["stride"] or "", threat=r["threat"] or 2,
            vulnerability=r["vulnerability"] or 2, edited=json.loads(r["edited"] or "[]"),
            fixed=bool(r["fixed"]), accepted=bool(r.get("accepted")), custom=bool(r["custom"]),
            resources=[RowResource.model_validate(x)
                       for x in json.loads(r["resources"] or "[]")]) for r in rows]

    def save_matrix_row(self, session_id: int, row: dict[str, Any]) -> int:
        """Insert (no 'id') or update a matrix row; lists are stored as JSON."""
        data = dict(row)
        data["session_id"] = session_id
        data["edited"] = json.dumps(sorted(set(data.get("edited", []))))
        data["resources"] = json.dumps(data.get("resources", []))
        data["updated"] = now()
        with self.tx() as db:
            table = db.table("matrix_rows")
            if data.get("id"):
                table.update(data["id"], data)
                return int(data["id"])
            data.pop("id", None)
            data["created"] = data["updated"]
            table.insert(data)
            return _last_pk(table)

    def delete_matrix_row(self, row_id: int) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM action_rows WHERE row_id = ?", [row_id])
            db.execute("DELETE FROM matrix_rows WHERE id = ?", [row_id])

    # -- actions

    def actions(self, session_id: int) -> list[dict[str, Any]]:
        rows = self._rows("SELECT * FROM actions WHERE session_id = ? ORDER BY id",
                          [session_id])
        links = self._rows("SELECT ar.* FROM action_rows ar JOIN actions a "
                           "ON a.id = ar.action_id WHERE a.session_id = ?", [session_id])
        for r in rows:
            r["row_ids"] = sorted(lk["row_id"] for lk in links if lk["action_id"] == r["id"])
        return rows

    def save_action(self, session_id: int, action: dict[str, Any]) -> int:
        """Insert (no 'id') or update an action; 'row_ids' replaces its links."""
        data = {k: v for k, v in action.items() if k != "row_ids"}
        data["session_id"] = session_id
        data["updated"] = now()
        with self.tx() as db:
            table = db.table("actions")
            if data.get("id"):
                table.update(data["id"], data)
                action_id = int(data["id"])
            else:
                data.pop("id", None)
                data["created"] = data["updated"]
                table.insert(data)
                action_id = _last_pk(table)
            if "row_ids" in action:
                db.execute("DELETE FROM action_rows WHERE action_id = ?", [action_id])
                db.table("action_rows").insert_all([{"action_id": action_id, "row_id": rid}
                                              for rid in action["row_ids"]], ignore=True)
        return action_id

    def delete_action(self, action_id: int) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM action_rows WHERE action_id = ?", [action_id])
            db.execute("DELETE FROM actions WHERE id = ?", [action_id])

    # -- terraform

    def replace_tf_resources(self, session_id: int, rows: list[dict[str, Any]]) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM tf_resources WHERE session_id = ?", [session_id])
            if rows:
                db.table("tf_resources").insert_all([{"session_id": session_id, **r} for r in rows])

    def tf_resources(self, session_id: int) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM tf_resources WHERE session_id = ? ORDER BY address",
                          [session_id])

    # -- Identity Center kit edits

    def sso_edits(self, session_id: int) -> list[dict[str, str]]:
        """Every stored edit of the Identity Center plan: {kind, target, value, updated}."""
        return self._rows("SELECT kind, target, value, updated FROM sso_edits "
                          "WHERE session_id = ? ORDER BY kind, target", [session_id])

    def set_sso_edit(self, session_id: int, kind: str, target: str, value: str) -> None:
        with self.tx() as db:
            db.table("sso_edits").upsert({"session_id": session_id, "kind": kind, "target": target,
                                    "value": value, "updated": now()},
                                   pk=("session_id", "kind", "target"))

    def delete_sso_edit(self, session_id: int, kind: str, target: str) -> bool:
        """Forget one edit; False if there was none."""
        with self.tx() as db:
            cur = db.execute("DELETE FROM sso_edits WHERE session_id = ? AND kind = ? AND "
                             "target = ?", [session_id, kind, target])
            return bool(cur.rowcount)

    # -- notes on week tasks and matrix rows

    def notes(self, session_id: int, kind: str) -> dict[str, str]:
        """target → text of the session's notes of one kind ('task' or 'row')."""
        rows = self._rows("SELECT target, text FROM notes WHERE session_id = ? AND kind = ?",
                          [session_id, kind])
        return {r["target"]: r["text"] for r in rows}

    def set_note(self, session_id: int, kind: str, target: str, text: str) -> None:
        """Store a note; an empty one is deleted."""
        with self.tx() as db:
            if text:
                db.table("notes").upsert({"session_id": session_id, "kind": kind, "target": target,
                                    "text": text, "updated": now()},
                                   pk=("session_id", "kind", "target"))
            else:
                db.execute("DELETE FROM notes WHERE session_id = ? AND kind = ? AND "
                           "target = ?", [session_id, kind, target])

    # -- who was interviewed (per prompt)

    def set_interviewee(self, session_id: int, prompt_id: str, person: str) -> None:
        """Who answered a prompt; '' forgets it."""
        with self.tx() as db:
            if person:
                db.table("interviewees").upsert(
                    {"session_id": session_id, "prompt_id": prompt_id, "person": person,
                     "updated": now()}, pk=("session_id", "prompt_id"))
            else:
                db.execute("DELETE FROM interviewees WHERE session_id = ? AND prompt_id = ?",
                           [session_id, prompt_id])

    def interviewees(self, session_id: int) -> dict[str, str]:
        """prompt id → who answered it."""
        rows = self._rows("SELECT prompt_id, person FROM interviewees WHERE session_id = ?",
                          [session_id])
        return {r["prompt_id"]: r["person"] for r in rows}
