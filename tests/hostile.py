"""Hostile strings (terminal escapes, markup, C1 controls) and a database full of them.

Shared by the CLI and the TUI property tests: every piece of text a user or AWS can set is
seeded with a generated hostile string, then every output path is read for leaks.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import strategies as st

from onboard import catalog as catalog_mod
from onboard.models import Account, Finding, Severity, Status
from onboard.store import Store
from onboard.workspace import Workspace

# What a fault sweep put into account, tag and user names: retitle the terminal, clear the
# screen, write the clipboard (OSC 52), plant a hyperlink (OSC 8), 8-bit CSI/OSC, bidi
# override, Rich/Textual markup (closing tags crash, [link] makes a live hyperlink).
PARTS = [
    "\x1b]0;pwned\x07", "\x1b[2J", "\x1b]52;c;ZXZpbA==\x07",
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "\x9b31m", "\x9d0;t\x9c",
    "\x07", "\x1b", "\x85", "\u202e", "[/]", "[link=https://evil.example/]x[/link]",
    "[bold red]", "[prod]", "[/bold]", "[@click=app.quit]q[/]", ":warning:", "|`x`", "\\",
    "$(id)", "\r", "\x08", "\x00",
]

hostile = st.lists(
    st.one_of(st.sampled_from(PARTS), st.text(min_size=1, max_size=4)),
    min_size=2, max_size=6,
).map("".join).filter(lambda s: bool(s.strip()) and any(p in s for p in PARTS[:10]))
"""A string that always holds at least one terminal control sequence."""

SGR = re.compile(r"\x1b\[[0-9;]*m")
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def leaks(output: str, allow_sgr: bool = False) -> list[str]:
    """Control characters in `output` (after removing our own colour codes if allowed)."""
    text = SGR.sub("", output) if allow_sgr else output
    text = text.replace("\r\n", "\n")
    return sorted({repr(m.group(0)) for m in UNSAFE.finditer(text)})


ACCOUNTS = ("111111111111", "222222222222")


def seed(db: Path, text: str, session: str = "acme") -> Store:
    """A session in which every user- or AWS-set field holds `text` (or starts with it)."""
    store = Store.open(db)
    catalog = catalog_mod.load()
    sess = store.create_session(session, person=text, started="2024-04-01")
    store.upsert_accounts(sess.id, [
        Account(account_id=ACCOUNTS[0], name=text, source="caller", access="ok",
                environment="prod", known_before=True),
        Account(account_id=ACCOUNTS[1], name=text + " mgmt", source="organizations",
                access="denied", access_reason=text, known_before=False, email=text),
    ])
    ws = Workspace(store, catalog, sess.id)
    scan_id = ws.start_scan({"account_id": ACCOUNTS[0], "arn": text}, ["us-east-1"])
    findings = [
        Finding(check_id=check, status=Status.FAIL, severity=Severity.HIGH,
                account_id=ACCOUNTS[0], region="us-east-1", resource_id=f"{text}-{i}",
                resource_arn=f"arn:aws:s3:::{text}", message=f"{text}: failed")
        for i, check in enumerate(("s3.versioning", "iam.human_users",
                                   "s3.bucket_public_access_block"))
    ]
    ws.finish_scan(scan_id, findings, "complete", 0, {})
    ws.save_answer("management-account", text, "answered")
    custom = ws.add_custom_row(text, incident=text, reason=text, resources=[text])
    ws.choose("enable-s3-versioning", owner=text)
    ws.add_action(text, row_ids=[custom.id], owner=text, status="chosen", notes=text,
                  remediation=text)
    ws.add_asset(text, 3, text, [f"pattern:{text}*"])
    return store
