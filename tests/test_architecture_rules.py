"""The house rules, checked on the source (an import-linter of our own, by AST):

- the core never imports textual (only onboard/app.py and onboard/screens/ may);
- screens never import boto3, botocore, sqlite3 or sqlite_utils, and never call the
  store's writers: every change goes through onboard.workspace;
- the CLI changes state only through the workspace too (and the store's session plumbing);
- evaluators in onboard/checks/ never import boto3 or botocore;
- no read path regenerates the matrix: `orient.regenerate` is called by the workspace only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "onboard"
UI = {ROOT / "app.py", *sorted((ROOT / "screens").glob("*.py"))}
STORE_WRITERS = {
    "create_session", "update_session", "touch_session", "log_activity", "upsert_accounts",
    "set_known_before", "delete_account", "set_task", "save_answer", "start_scan",
    "add_batch", "replace_findings", "finish_scan", "mark_interrupted_scans",
    "set_terraform_addresses", "set_triage", "add_asset", "update_asset", "delete_asset",
    "add_asset_link", "delete_asset_link", "save_matrix_row", "delete_matrix_row",
    "save_action", "delete_action", "replace_tf_resources", "set_sso_edit", "delete_sso_edit",
    "set_interviewee", "set_note",
}
"""Every Store method that writes."""
SESSION_PLUMBING = {"update_session", "touch_session", "create_session"}
"""Resume state and opening a session: the legitimate writes outside the workspace."""
CORE_WRITERS = {
    ("orient", "regenerate"), ("orient", "edit_row"), ("orient", "reset_fields"),
    ("orient", "add_custom_row"), ("orient", "delete_row"), ("decide", "choose"),
    ("decide", "add_action"), ("decide", "update_action"), ("decide", "delete_action"),
    ("assets", "add_asset"), ("assets", "update_asset"), ("assets", "delete_asset"),
    ("assets", "link_asset"), ("assets", "unlink_asset"), ("assets_mod", "add_asset"),
    ("assets_mod", "update_asset"), ("assets_mod", "delete_asset"),
    ("assets_mod", "link_asset"), ("assets_mod", "unlink_asset"),
    ("terraform", "import_files"),
}
"""Core functions that write: only the workspace calls them."""


def _modules(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*.py"))


def _imports(tree: ast.AST) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module.split(".")[0])
    return out


def _calls(tree: ast.AST) -> set[tuple[str, str]]:
    """(receiver, method) of every `x.y(...)` and `a.b.y(...)` (receiver: the last name)."""
    out: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            value = node.func.value
            receiver = (value.id if isinstance(value, ast.Name)
                        else value.attr if isinstance(value, ast.Attribute) else "")
            out.add((receiver, node.func.attr))
    return out


def _parse(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize("path", [p for p in _modules(ROOT) if p not in UI],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_never_imports_textual(path: Path) -> None:
    assert "textual" not in _imports(_parse(path))


@pytest.mark.parametrize("path", sorted(UI), ids=lambda p: str(p.relative_to(ROOT)))
def test_screens_never_touch_aws_or_sql_and_write_through_the_workspace(path: Path) -> None:
    tree = _parse(path)
    assert not _imports(tree) & {"boto3", "botocore", "sqlite3", "sqlite_utils"}
    bad = {(r, m) for r, m in _calls(tree)
           if (r == "store" and m in STORE_WRITERS - SESSION_PLUMBING)
           or (r, m) in CORE_WRITERS}
    assert not bad, f"writes outside onboard.workspace: {sorted(bad)}"


@pytest.mark.parametrize("path", _modules(ROOT / "cli"), ids=lambda p: p.name)
def test_the_cli_writes_through_the_workspace(path: Path) -> None:
    tree = _parse(path)
    assert not _imports(tree) & {"sqlite3", "sqlite_utils"}
    bad = {(r, m) for r, m in _calls(tree)
           if (r == "store" and m in STORE_WRITERS - SESSION_PLUMBING)
           or (r, m) in CORE_WRITERS}
    assert not bad, f"writes outside onboard.workspace: {sorted(bad)}"


@pytest.mark.parametrize("path", _modules(ROOT / "checks"), ids=lambda p: p.name)
def test_evaluators_never_import_boto(path: Path) -> None:
    assert not _imports(_parse(path)) & {"boto3", "botocore"}


def test_only_the_workspace_regenerates_the_matrix() -> None:
    callers = {p.relative_to(ROOT).as_posix() for p in _modules(ROOT)
               if ("orient", "regenerate") in _calls(_parse(p))}
    assert callers == {"workspace.py"}


def test_only_the_store_speaks_sql() -> None:
    users = {p.relative_to(ROOT).as_posix() for p in _modules(ROOT)
             if _imports(_parse(p)) & {"sqlite3", "sqlite_utils"}}
    assert users == {"store.py"}
