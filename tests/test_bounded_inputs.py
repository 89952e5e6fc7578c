"""Hostile input files are one line, exit 2, and nothing imported: deep nesting, wrong types
after valid rows, huge numbers, devices, wrong encodings, oversized files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from onboard import catalog as catalog_mod
from onboard import terraform
from onboard.cli import main
from onboard.store import Store

CHECKLISTS = Path(__file__).resolve().parent.parent / "checklists"


def _state(*resources: dict) -> dict:
    return {"version": 4, "terraform_version": "1.7.0", "serial": 1, "lineage": "x",
            "outputs": {}, "resources": list(resources)}


GOOD = {"mode": "managed", "type": "aws_s3_bucket", "name": "a", "provider": "p",
        "instances": [{"attributes": {"id": "bucket-a", "arn": "arn:aws:s3:::bucket-a"}}]}


def _import(tmp_path: Path, capsys: pytest.CaptureFixture[str], path: Path | str
            ) -> tuple[int, str]:
    db = tmp_path / "t.db"
    code = main(["tf", "import", str(path), "--db", str(db), "--session", "s"])
    err = capsys.readouterr().err
    store = Store.open(db)
    session = store.session_by_name("s")
    rows = store.tf_resources(session.id) if session else []
    store.close()
    assert rows == [] or code == 0
    return code, err


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("deep.json", "[" * 10_000 + "]" * 10_000, "nested deeper than"),
    ("deeper.json", json.dumps(_state(GOOD))[:-1] + ', "x": ' + "[" * 200 + "]" * 200 + "}",
     "nested deeper than"),
    ("module.json", json.dumps(_state(GOOD, {**GOOD, "name": "b", "module": ["a"]})),
     '"module" that is not a string'),
    ("key.json", json.dumps(_state(GOOD, {**GOOD, "name": "b", "instances": [
        {"index_key": "@KEY@", "attributes": {}}]})).replace('"@KEY@"', "9" * 5000),
     "not a JSON document onboard reads"),
    ("bigkey.json", json.dumps(_state(GOOD, {**GOOD, "name": "b", "instances": [
        {"index_key": 10 ** 20, "attributes": {}}]})), "malformed index key"),
    ("longkey.json", json.dumps(_state(GOOD, {**GOOD, "name": "b", "instances": [
        {"index_key": "k" * 5000, "attributes": {}}]})), "malformed index key"),
    ("latin1.json", b'{"version": 4, "resources": [], "x": "caf\xe9"}', "byte 41 is 0xe9"),
    ("show.json", json.dumps({"format_version": "1.0", "values": {"root_module": {
        "resources": [], "child_modules": [{"address": 5, "resources": []}]}}}),
     "module in the output is malformed"),
])
def test_hostile_state_files_are_refused_before_anything_is_stored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
        content: str | bytes, expected: str) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    code, err = _import(tmp_path, capsys, path)
    assert code == 2, err
    assert err.count("\n") == 1 and expected in err and "nothing imported" in err, err
    assert "Traceback" not in err


def test_a_device_is_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _import(tmp_path, capsys, "/dev/zero")
    assert code == 2 and "not a regular file" in err


def test_an_oversized_state_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(terraform, "MAX_STATE_BYTES", 1024)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(_state(*[{**GOOD, "name": f"n{i}"} for i in range(50)])))
    code, err = _import(tmp_path, capsys, path)
    assert code == 2 and "larger than" in err


def test_a_valid_state_still_imports(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                     ) -> None:
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(_state(GOOD, {**GOOD, "name": "b", "instances": [
        {"index_key": "k", "attributes": {"id": "bucket-b"}}]})))
    code, _ = _import(tmp_path, capsys, path)
    assert code == 0


def _checklists(tmp_path: Path) -> Path:
    root = tmp_path / "lists"
    shutil.copytree(CHECKLISTS, root)
    return root


@pytest.mark.parametrize(("content", "expected"), [
    ("checks: " + "[" * 10_000 + "]" * 10_000, "nested too deeply"),
    (b"checks:\n  - id: caf\xe9\n", "not UTF-8 text (byte 19 is 0xe9)"),
])
def test_hostile_checklists_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch,
                                         content: str | bytes, expected: str) -> None:
    root = _checklists(tmp_path)
    # main() exports --checklists to the environment: undone when the test ends.
    monkeypatch.setenv(catalog_mod.ENV_VAR, str(root))
    target = root / "checks.yaml"
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)
    code = main(["sessions", "--checklists", str(root), "--db", str(tmp_path / "c.db")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and expected in err and "checks.yaml" in err, err


def test_an_oversized_checklist_is_refused(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog_mod, "MAX_CHECKLIST_BYTES", 1024)
    with pytest.raises(catalog_mod.CatalogError, match="larger than"):
        catalog_mod.load(_checklists(tmp_path))
