"""Exports: the Markdown report and decision table, JSON of everything, CSV per table.

Output is deterministic (stable ordering, no timestamps except those stored as data) and
the Markdown is GitHub-flavoured with every piece of user text escaped (see mdtext).
Core only: `onboard export` and the Actions screen call `export()`; no UI imports.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from onboard import decide, diagram, orient, people, terraform, week
from onboard import mdtext as md
from onboard.assets import Asset, list_assets
from onboard.catalog import Catalog
from onboard.checks.base import Inventory
from onboard.decide import Action, DecisionLine, DecisionTable
from onboard.i18n import N_, _, ngettext
from onboard.labels import (
    ACCEPTED_HOW,
    ACCESS,
    C_,
    ENVIRONMENT,
    INTERVIEW_STATUS,
    ROW_STATUS,
    SCAN_STATUS,
    TRIAGE_MARK,
    label,
)
from onboard.models import Account, Finding, Resource, ScanInfo, SessionInfo, Status
from onboard.orient import MatrixRow
from onboard.remediation import TfIndex
from onboard.store import Store
from onboard.textsafe import csv_cell, json_text, strip_controls

FORMATS = ("markdown", "json", "csv", "mermaid")
ONLY = ("decisions", "findings", "matrix", "actions")
SCHEMA_VERSION = 2
"""Version of the JSON export's shape (docs/export-schema.md); 1 had no `schema_version`."""
NOT_SET = N_("not set")
"""Shown (translated) where an owner or a due date is empty."""
FOLD_FROM = 12
"""Tables and lists longer than this many lines fold into a <details> block."""
FINDING_COLUMNS = ("check_id", "status", "severity", "account_id", "region", "resource_id",
                   "resource_arn", "message", "terraform_address")
DECISION_COLUMNS = ("#", "observation", "assumed incident", "reason", "action", "priority",
                    "owner", "due", "status", "risk")
DECISION_HEADERS = ("#", N_("column|observation"), N_("column|assumed incident"),
                    N_("column|reason"), N_("column|action"), N_("column|priority"),
                    N_("column|owner"), N_("column|due"), N_("column|status"),
                    N_("column|risk"))
"""DECISION_COLUMNS as the Markdown table heads them, in the talk's words (C_ them)."""
DECISION_CSV_COLUMNS = ("number", "action", "action_def", "priority", "owner", "due",
                        "status", "risk", "matrix_rows", "observations", "incidents",
                        "reasons", "notes")
MATRIX_CSV_COLUMNS = ("number", "row_id", "check_id", "account_id", "observation",
                      "incident", "reason", "stride", "asset", "asset_value", "threat",
                      "vulnerability", "risk", "status", "custom", "edited")
ACTION_CSV_COLUMNS = ("action_id", "action_def", "title", "status", "priority", "owner",
                      "due", "risk", "matrix_rows", "notes", "remediation")
CSV_HEADS = {
    "check_id": N_("csv column|check_id"), "status": N_("csv column|status"),
    "severity": N_("csv column|severity"), "account_id": N_("csv column|account_id"),
    "region": N_("csv column|region"), "resource_id": N_("csv column|resource_id"),
    "resource_arn": N_("csv column|resource_arn"), "message": N_("csv column|message"),
    "terraform_address": N_("csv column|terraform_address"),
    "number": N_("csv column|number"), "action": N_("csv column|action"),
    "action_def": N_("csv column|action_def"), "priority": N_("csv column|priority"),
    "owner": N_("csv column|owner"), "due": N_("csv column|due"), "risk": N_("csv column|risk"),
    "matrix_rows": N_("csv column|matrix_rows"),
    "observations": N_("csv column|observations"), "incidents": N_("csv column|incidents"),
    "reasons": N_("csv column|reasons"), "notes": N_("csv column|notes"),
    "row_id": N_("csv column|row_id"), "observation": N_("csv column|observation"),
    "incident": N_("csv column|incident"), "reason": N_("csv column|reason"),
    "stride": N_("csv column|stride"), "asset": N_("csv column|asset"),
    "asset_value": N_("csv column|asset_value"), "threat": N_("csv column|threat"),
    "vulnerability": N_("csv column|vulnerability"), "custom": N_("csv column|custom"),
    "edited": N_("csv column|edited"), "action_id": N_("csv column|action_id"),
    "title": N_("csv column|title"), "remediation": N_("csv column|remediation"),
}
"""CSV header cells: the column keys in English, words in another language (the cells
below keep their machine values: status codes, ids)."""
FOUND_BY = {"organizations": N_("found by|Organizations"),
            "caller": N_("found by|caller identity"), "manual": N_("found by|by hand"),
            "interview": N_("found by|interview")}
"""How an account was found (Account.source), as the report says it (C_ them)."""
REMEDIATION_STATUSES = ("chosen", "doing")
"""Actions whose remediation the report spells out (work still to do)."""


class ExportError(ValueError):
    """An export that cannot be made (unknown format); one line for the user."""


@dataclass
class FindingTally:
    """What the report says of a scan's findings without holding them: counts by check ×
    account × status (SQL GROUP BY), and the ERROR and SKIPPED findings, whose words the
    report spells out."""

    counts: list[tuple[str, str, Status, int]]
    unread: list[Finding]

    def total(self, status: Status) -> int:
        return sum(n for _c, _a, s, n in self.counts if s == status)

    @property
    def checks(self) -> set[str]:
        return {c for c, _a, _s, _n in self.counts}

    @property
    def account_ids(self) -> set[str]:
        return {a for _c, a, _s, _n in self.counts}


@dataclass
class Snapshot:
    """Everything an export needs, read when first asked for: the findings are counted in
    SQL and streamed (`findings()`), never all held, so a 100,000-finding scan exports in
    bounded memory; `--only decisions` never reads the inventory."""

    store: Store
    session: SessionInfo
    scan: ScanInfo | None
    accounts: list[Account]
    rows: list[MatrixRow]
    assets: list[Asset]
    actions: list[Action]
    decisions: list[DecisionLine]
    answers: dict[str, dict[str, str]]
    table: DecisionTable | None = None  # the talk's decision table (one row per decision)
    interviewees: dict[str, str] | None = None  # prompt id → who answered it
    triage: dict[tuple[str, str, str, str], dict[str, str]] | None = None
    errors: list[Any] | None = None  # the scan's collect errors (AWS codes)
    previous: ScanInfo | None = None  # the complete scan before `scan`
    day: int = 1  # the week plan's current day (derived)
    newest: ScanInfo | None = None  # the newest scan, when it is not `scan` (unfinished)

    def findings(self) -> Iterator[Finding]:
        """The latest scan's findings, severity first, streamed from the store."""
        return self.store.iter_findings(self.scan.id) if self.scan else iter(())

    @cached_property
    def tally(self) -> FindingTally:
        if self.scan is None:
            return FindingTally([], [])
        return FindingTally(self.store.finding_tally(self.scan.id),
                            self.store.findings(self.scan.id, status=[
                                Status.ERROR.value, Status.SKIPPED.value]))

    @cached_property
    def changes(self) -> dict[str, list[Finding]] | None:
        """Store.diff(scan, previous); None without a previous complete scan."""
        if self.scan is None or self.previous is None:
            return None
        return self.store.diff(self.scan.id, self.previous.id)

    @cached_property
    def people(self) -> list[Any]:
        """people.Person behind the IAM users people sign in with."""
        if self.scan is None:
            return []
        return orient.people_of(self.store, self.session.id, self.scan.id, {
            (f.account_id, f.resource_id) for f in self.store.findings(
                self.scan.id, status=Status.FAIL.value, check_id="iam.human_users")})

    @cached_property
    def architecture(self) -> str:
        """Mermaid, from the latest scan's inventory."""
        return architecture_mermaid(self.store, self.scan, self.accounts) if self.scan else ""

    @cached_property
    def unmanaged(self) -> dict[str, list[Resource]] | None:
        """Resources no Terraform state holds; None: no Terraform state imported."""
        if self.scan and len(terraform.managed_index(self.store, self.session.id)):
            return terraform.unmanaged(self.store, self.session.id, self.scan.id)
        return None


def snapshot(store: Store, catalog: Catalog, session_id: int) -> Snapshot:
    """Read the session as it is stored: a pure read (the matrix was derived when its
    inputs were written)."""
    rows = orient.matrix(store, catalog, session_id)
    scan = store.latest_scan(session_id)
    newest = store.newest_scan(session_id)
    return Snapshot(
        store=store, session=store.session(session_id), scan=scan,
        accounts=store.accounts(session_id),
        day=week.current_day(catalog, store, session_id),
        newest=newest if newest and (scan is None or newest.id != scan.id) else None,
        rows=rows, assets=list_assets(store, session_id),
        actions=decide.list_actions(store, catalog, session_id, rows),
        decisions=decide.decision_table(store, catalog, session_id, rows),
        answers=store.answers(session_id),
        table=decide.decisions(store, catalog, session_id, rows),
        interviewees=store.interviewees(session_id), triage=store.triage(session_id),
        errors=store.collect_errors(scan.id) if scan else [],
        previous=store.previous_scan(scan.id) if scan else None)


def architecture_mermaid(store: Store, scan: ScanInfo, accounts: list[Account]) -> str:
    """The Mermaid architecture diagram of a scan, resources with FAIL findings marked."""
    inventory = Inventory(store.resources(scan.id), store.collect_errors(scan.id))
    return diagram.mermaid(inventory, failing=store.failing_resources(scan.id),
                           accounts={a.account_id: a.name for a in accounts if a.name})


def export(store: Store, catalog: Catalog, session_id: int, fmt: str = "markdown",
           only: str | None = None) -> str:
    """The text of an export: a pure read. The caller records the export in the activity
    log (`activity_of` says what to record) once the text is written."""
    return "".join(export_chunks(store, catalog, session_id, fmt, only))


def export_chunks(store: Store, catalog: Catalog, session_id: int, fmt: str = "markdown",
                  only: str | None = None) -> Iterator[str]:
    """`export()` as pieces to write one after the other: findings are streamed from the
    store (a report of 100,000 findings never holds them all). Bad arguments raise
    ExportError before the first piece."""
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt} is not one of {', '.join(FORMATS)}")
    if only is not None and only not in ONLY:
        raise ExportError(f"--only {only}: one of {', '.join(ONLY)}")
    if fmt == "mermaid":
        if only:
            raise ExportError(f"--only {only} has no Mermaid form; use markdown, json or csv")
        scan = store.latest_scan(session_id)
        if scan is None:
            raise ExportError("no scan yet: run `onboard scan` (or `onboard demo`) first")
        return iter([strip_controls(architecture_mermaid(store, scan,
                                                         store.accounts(session_id)))])
    snap = snapshot(store, catalog, session_id)
    tf = TfIndex(store.tf_resources(session_id))
    # Every piece of text was escaped where it was placed; strip_controls is the guarantee
    # that no control character from AWS or a user reaches a terminal or an editor (each
    # piece is whole lines, so no sequence is split between two).
    if fmt == "markdown":
        if only is None:
            return map(strip_controls, _joined(report_sections(snap, catalog, tf)))
        part = {"decisions": lambda: decisions_markdown(snap, level=1),
                "findings": lambda: _findings_section(snap, catalog),
                "matrix": lambda: _matrix_section(snap),
                "actions": lambda: _actions_section(snap, catalog, tf)}[only]
        return map(strip_controls, _joined([part]))
    if fmt == "json":
        parts = report_json_parts(snap, catalog, tf)
        if only is not None:
            key = {"decisions": "decision_table"}.get(only, only)
            parts = {"schema_version": parts["schema_version"], key: parts[key]}
        return _json_chunks(parts)
    csv_parts: dict[str | None, Callable[[], Iterator[str]]] = {
        None: lambda: findings_csv(snap.findings()),
        "findings": lambda: findings_csv(snap.findings()),
        "decisions": lambda: iter([decisions_csv(snap)]),
        "matrix": lambda: iter([matrix_csv(snap)]),
        "actions": lambda: iter([actions_csv(snap)])}
    return csv_parts[only]()


def activity_of(store: Store, catalog: Catalog, session_id: int, fmt: str,
                only: str | None = None) -> tuple[str, dict[str, Any]] | None:
    """What an export of this kind records in the activity log (the week plan reads it):
    the diagram with its scan, the decision table (alone or in the report) with how many
    decisions it held; a CSV or a part other than the decisions records nothing."""
    if fmt == "mermaid":
        scan = store.latest_scan(session_id)
        return ("diagram_exported", {"scan_id": scan.id if scan else None})
    if only == "decisions" or (only is None and fmt != "csv"):
        decided = [a for a in decide.list_actions(store, catalog, session_id)
                   if a.status.decided]
        return ("decisions_exported", {"decisions": len(decided), "format": fmt,
                                       "only": only or "report"})
    return None


# --- Markdown helpers ---------------------------------------------------------------------


def _joined(sections: Iterable[Callable[[], list[str]]]) -> Iterator[str]:
    """Sections (each made when its turn comes) as text: a blank line between two, one
    newline at the end."""
    first = True
    for make in sections:
        lines = make()
        if not lines:
            continue
        yield ("" if first else "\n\n") + "\n".join(lines).strip("\n")
        first = False
    yield "\n"


def _fold(summary: str, block: str, lines: int | None = None) -> list[str]:
    """A block that folds into <details> when it is long (GitHub renders Markdown inside
    once blank lines surround it); `summary` is escaped here."""
    count = lines if lines is not None else block.count("\n") + 1
    if count < FOLD_FROM:
        return [block]
    return [f"<details><summary>{md.one_line(summary)}</summary>", "", block, "", "</details>"]


def _account_label(accounts: dict[str, Account], account_id: str) -> str:
    acc = accounts.get(account_id)
    return f"{acc.name} ({account_id})" if acc and acc.name else account_id


def _account_order(accounts: dict[str, Account], account_id: str) -> tuple[str, str]:
    """Accounts by name (ids are random-looking; names are what people read)."""
    acc = accounts.get(account_id)
    return ((acc.name if acc and acc.name else "~"), account_id)


def _person(text: str) -> str:
    return md.cell(text) if text.strip() else _(NOT_SET)


def _heads(*names: str) -> list[str]:
    """Table heads: "column|owner" msgids in the current language (English: "owner")."""
    return [C_(n) for n in names]


def _found_by(source: str) -> str:
    return C_(FOUND_BY[source]) if source in FOUND_BY else source


def _numbers(snap: Snapshot) -> dict[int, int]:
    """Matrix row id → its number in the report (rank by risk; never the internal id)."""
    return {r.id: i for i, r in enumerate(snap.rows, start=1)}


# --- the decision table -------------------------------------------------------------------


def _h(level: int, text: str) -> str:
    return "#" * level + " " + text


def decisions_markdown(snap: Snapshot, level: int = 2) -> list[str]:
    """The talk's decision table with its heading; then the high-risk rows without a
    decision and the accepted risks. `level` is the heading level of the table."""
    t = snap.table
    assert t is not None
    scan = (_("scan #{id} ({status})").format(id=t.scan_id,
                                              status=label(SCAN_STATUS, t.scan_status))
            if t.scan_id is not None else _("no scan yet"))
    none = C_(N_("nothing listed|none"))
    accounts = ngettext("{n} account ({names})", "{n} accounts ({names})",
                        len(t.accounts)).format(
        n=len(t.accounts), names=md.one_line(_(", ").join(t.accounts)) or none)
    regions = ngettext("{n} region ({names})", "{n} regions ({names})",
                       len(t.regions)).format(
        n=len(t.regions), names=md.one_line(_(", ").join(t.regions) or none))
    out = [_h(level, _("Decision table: {session}").format(session=md.heading(t.session))), "",
           _("Session **{session}** · person: {person} · {date} · {scan} · scope: {accounts}, "
             "{regions}").format(session=md.one_line(t.session), person=_person(t.person),
                                 date=t.date, scan=scan, accounts=accounts, regions=regions),
           ""]
    if not t.decisions:
        out += [_("No decisions yet: `onboard actions suggest`, then `onboard actions choose "
                  "ID --owner NAME --due YYYY-MM-DD`.")]
    else:
        body = []
        for d in t.decisions:
            obs = "<br>".join(md.cell(_("#{number} {observation} (risk {risk})").format(
                number=r.number, observation=r.observation, risk=r.risk))
                for r in d.rows) or "—"
            incidents = list(dict.fromkeys(r.incident for r in d.rows if r.incident))
            reasons = list(dict.fromkeys(r.reason for r in d.rows if r.reason))
            action = md.cell(d.action) + ("<br>" + _("kit: `{command}`").format(command=d.kit)
                                          if d.kit else "")
            body.append([str(d.number), obs, "<br>".join(md.cell(x) for x in incidents) or "—",
                         "<br>".join(md.cell(x) for x in reasons) or "—", action,
                         md.cell(d.priority), md.cell(d.owner), md.cell(d.due),
                         md.cell(d.status.label), str(d.risk) if d.rows else "—"])
        out += [md.table(_heads(*DECISION_HEADERS), body, align="rllllllllr"), "",
                _("`#N` is the row's number in the risk matrix (highest risk first).")]
    out += ["", _h(level + 1, _("High-risk observations without a decision")), ""]
    if not t.undecided:
        out += [_("None: every open row of risk {risk} or more has a decision.").format(
            risk=decide.HIGH_RISK_FROM)]
    else:
        body = [[str(r.number), md.cell(r.observation), str(r.risk),
                 md.cell(f"{r.incident}: {r.reason}" if r.incident else r.reason)]
                for r in t.undecided]
        out += [_("Open rows of risk {risk} or more that no chosen action answers.").format(
                    risk=decide.HIGH_RISK_FROM), "",
                md.table(_heads("#", N_("column|observation"), N_("column|risk"),
                                N_("column|why it matters")), body, align="rlrl")]
    out += ["", _h(level + 1, _("Accepted risks")), ""]
    if not t.accepted:
        out += [_("None: no row was triaged accepted risk / false positive or answered by a "
                  "won't-do action.")]
    else:
        body = [[str(a.row.number), md.cell(a.row.observation), str(a.row.risk),
                 md.cell(label(ACCEPTED_HOW, a.how) + (f": {a.action}" if a.action else "")),
                 _person(a.by), md.cell(a.note)] for a in t.accepted]
        out += [md.table(_heads("#", N_("column|observation"), N_("column|risk"),
                                N_("column|how"), N_("column|accepted by"),
                                N_("column|note")), body, align="rlrlll")]
    return out


# --- the report ---------------------------------------------------------------------------


def _session_section(snap: Snapshot, catalog: Catalog) -> list[str]:
    s = snap.session
    out = [_("# Onboarding report: {session}").format(session=md.heading(s.name)), ""]
    out.append(_("- **Person:** {person}").format(person=_person(s.person)))
    out.append(_("- **Started:** {date}").format(date=md.cell(s.started)))
    out.append(_("- **Day:** {day} of {days} (the week plan's current day)").format(
        day=snap.day, days=len(catalog.days)))
    if snap.scan:
        scan = snap.scan
        when = scan.finished or scan.started
        who = scan.identity.get("arn", "")
        fields = {"id": scan.id, "status": label(SCAN_STATUS, scan.status),
                  "when": md.cell(when), "who": md.cell(who)}
        out.append((_("- **Latest scan:** #{id}, {status}, {when}, as {who}") if who else
                    _("- **Latest scan:** #{id}, {status}, {when}")).format(**fields))
    else:
        out.append(_("- **Latest scan:** none yet"))
    if snap.newest:
        fields = {"id": snap.newest.id, "status": label(SCAN_STATUS, snap.newest.status)}
        if snap.scan:
            out.append(_("- **Not shown:** scan #{id} did not finish ({status}); this report "
                         "shows scan #{shown}.").format(shown=snap.scan.id, **fields))
        else:
            out.append(_("- **Not shown:** scan #{id} did not finish ({status}); this report "
                         "shows no scan.").format(**fields))
    return out


def _summary_section(snap: Snapshot) -> list[str]:
    """One screen for the CTO: accounts and how they were found, top risks, decisions with
    owners and dates, what is undecided, what changed since the previous complete scan."""
    t = snap.table
    assert t is not None
    out = [_("## Executive summary"), ""]
    known = [a.name or a.account_id for a in sorted(
        snap.accounts, key=lambda a: (a.name or "~", a.account_id)) if a.known_before]
    by_source: dict[str, list[str]] = defaultdict(list)
    for a in sorted(snap.accounts, key=lambda a: (a.name or "~", a.account_id)):
        if not a.known_before:
            by_source[a.source].append(a.name or a.account_id)
    parts = [_("{n} known on day one ({names})").format(n=len(known), names=_(", ").join(known))
             ] if known else []
    more = (_("{n} more found by {source} ({names})") if known
            else _("{n} found by {source} ({names})"))
    # in the order of the English words, whatever the language (the report stays stable)
    parts += [more.format(n=len(v), source=_found_by(k), names=_(", ").join(v))
              for k, v in sorted(by_source.items(),
                                 key=lambda kv: FOUND_BY.get(kv[0], kv[0]).split("|")[-1])]
    found = C_(N_("list separator|; ")).join(parts)
    denied = [a.name or a.account_id for a in snap.accounts if a.access == "denied"]
    fields = {"n": len(snap.accounts),
              "found": md.one_line(found) or C_(N_("nothing listed|none")),
              "denied": md.one_line(_(", ").join(denied))}
    out.append((_("- **Accounts:** {n} found — {found}; not readable: {denied}.") if denied
                else _("- **Accounts:** {n} found — {found}.")).format(**fields))
    decided_by_row = {r.row_id: d for d in t.decisions for r in d.rows}
    top = [r for r in snap.rows if r.status in ("open", "answered")][:3]
    numbers = _numbers(snap)
    if top:
        out.append(_("- **Top risks:**"))
        for r in top:
            d = decided_by_row.get(r.id)
            what = (_("decision {number}: {action}").format(number=d.number,
                                                            action=md.one_line(d.action))
                    if d else _("**no decision**"))
            out.append("  - " + _("#{number} (risk {risk}) {observation} → {what}").format(
                number=numbers[r.id], risk=r.score, observation=md.one_line(r.observation),
                what=what))
    if t.decisions:
        out.append(_("- **Decisions ({n}):**").format(n=len(t.decisions)))
        for d in t.decisions:
            owner = md.one_line(d.owner) if d.owner else _("owner not set")
            due = md.one_line(d.due) if d.due else _("due not set")
            out.append("  - " + _("{number}\\. {action} — {owner}, {due}, {status}").format(
                number=d.number, action=md.one_line(d.action), owner=owner, due=due,
                status=d.status.label))
    else:
        out.append(_("- **Decisions:** none yet."))
    if t.undecided:
        names = _(", ").join(_("#{number} (risk {risk})").format(number=r.number, risk=r.risk)
                          for r in t.undecided)
        out.append(ngettext("- **Still undecided:** {n} high-risk row: {names}.",
                            "- **Still undecided:** {n} high-risk rows: {names}.",
                            len(t.undecided)).format(n=len(t.undecided), names=names))
    else:
        out.append(_("- **Still undecided:** no high-risk row."))
    follow = [p for p, a in (snap.answers or {}).items() if a.get("status") == "follow-up"]
    if follow:
        out.append(_("- **Open interview follow-ups:** {n}.").format(n=len(follow)))
    if snap.scan is None:
        out.append(_("- **Since the previous scan:** no scan yet."))
    elif snap.changes is None:
        out.append(_("- **Since the previous scan:** scan #{id} is the first complete scan; "
                     "nothing to compare.").format(id=snap.scan.id))
    else:
        c = snap.changes
        assert snap.previous is not None
        out.append(_("- **Since scan #{id}:** {new} new FAIL, {fixed} fixed (read again and "
                     "passed), {unchecked} not re-checked.").format(
            id=snap.previous.id, new=len(c["new"]), fixed=len(c["fixed"]),
            unchecked=len(c["unchecked"])))
    return out


def _interview_section(snap: Snapshot, catalog: Catalog) -> list[str]:
    """Every prompt with notes or a status past 'not asked': who answered, the notes, and
    the open follow-ups (a follow-up without notes is the question still to ask)."""
    out = [_("## Interviews"), ""]
    who = snap.interviewees or {}
    asked = [p for p in catalog.prompts
             if p.id in snap.answers and (snap.answers[p.id]["answer"].strip()
                                          or snap.answers[p.id]["status"] not in ("",
                                                                                  "not asked"))]
    known = {p.id for p in catalog.prompts}
    extra = sorted(k for k, v in snap.answers.items() if k not in known and v["answer"].strip())
    if not asked and not extra:
        return [*out, _("No interview notes yet.")]
    follow = [p for p in asked if snap.answers[p.id]["status"] == "follow-up"]
    if follow:
        out += [_("**Open follow-ups:**"), ""]
        for p in follow:
            notes = snap.answers[p.id]["answer"].strip()
            out.append(f"- {md.one_line(p.topic)}: {md.one_line(p.plain_wording)}"
                       + ("" if notes else _(" (no notes yet)")))
        out.append("")
    for prompt in asked:
        answer = snap.answers[prompt.id]
        status = label(INTERVIEW_STATUS, answer["status"] or "not asked")
        out += [f"### {md.heading(prompt.topic)}", "",
                _("**Asked:** {question}").format(question=md.paragraph(prompt.plain_wording)),
                "",
                _("**Interviewed:** {person} · **status:** {status}").format(
                    person=_person(who.get(prompt.id, "")), status=md.one_line(status)), "",
                md.paragraph(answer["answer"]) if answer["answer"].strip()
                else _("No notes yet."), ""]
    for key in extra:
        out += [f"### {md.heading(key)}", "", md.paragraph(snap.answers[key]["answer"]), ""]
    return out[:-1]


_CODE = re.compile(r"\b([A-Z][A-Za-z]*(?:Exception|Denied|Error|Fault|Required|Expired|"
                   r"NotFound|Unauthorized[A-Za-z]*|Throttling|TokenId))\b")
HINTS = (
    (("AccessDenied", "Unauthorized", "Forbidden"),
     N_("the scan's role lacks this read permission: add it (`onboard policy` lists every "
        "call)")),
    (("OptInRequired", "SubscriptionRequired", "NotSubscribed"),
     N_("the service or region is not enabled for this account")),
    (("Expired", "InvalidClientTokenId", "TokenId"),
     N_("the credentials expired: sign in again and rescan")),
    (("Throttl", "RequestLimitExceeded"),
     N_("AWS throttled the scan: rescan with fewer --workers")),
    (("404", "NotImplemented"),
     N_("the endpoint does not implement this API (an emulator, not AWS): nothing to fix")),
)
"""AWS error code → what to do; English in the JSON export, translated in Markdown."""


def error_code(f: Finding, errors: Sequence[Any]) -> str:
    """The AWS error code behind an ERROR finding: the collector's error for its account
    and region (same service), else a code named in the message."""
    service = f.check_id.split(".", 1)[0]
    for e in errors:
        if e.account_id == f.account_id and e.region in (f.region, "global", "") \
                and e.collector.split(".", 1)[0] == service and e.code:
            return str(e.code)
    found = _CODE.search(f.message)
    return found.group(1) if found else "unknown"


def error_hint(code: str, message: str = "") -> str:
    for keys, hint in HINTS:
        if any(k.lower() in (code + " " + message).lower() for k in keys):
            return hint
    return N_("see the message; rescan once it is fixed")


def _findings_section(snap: Snapshot, catalog: Catalog) -> list[str]:
    out = [_("## Findings by check × account"), ""]
    if snap.scan is None:
        return [*out, _("No scan yet: run `onboard scan`.")]
    errors_list = snap.errors or []
    tally = snap.tally
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    errors: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    skipped: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    checks_seen = tally.checks
    for check_id, account_id, status, n in tally.counts:
        if status == Status.FAIL:
            counts[check_id][account_id] += n
    for f in tally.unread:
        (errors if f.status == Status.ERROR else skipped)[f.check_id][f.account_id].append(f)
    total = {s: tally.total(s) for s in Status}
    out.append(_("Scan #{id}: {fail} FAIL, {error} ERROR, {passed} PASS, {skipped} SKIPPED "
                 "over {checks} checks. Cells count FAIL findings; `err` names the AWS error "
                 "code of a check that could not run there (why, below the table).").format(
        id=snap.scan.id, fail=total[Status.FAIL], error=total[Status.ERROR],
        passed=total[Status.PASS], skipped=total[Status.SKIPPED], checks=len(checks_seen)))
    # a check flagged by FAIL, ERROR or SKIPPED is in the table: only a check that PASSed
    # wherever it ran may be summed up as "passed"
    flagged = sorted(set(counts) | set(errors) | set(skipped), key=lambda c: (
        -(catalog.checks[c].severity.rank if c in catalog.checks else 0), c))
    if not flagged:
        return [*out, "", _("Every check passed.")]
    by_id = {a.account_id: a for a in snap.accounts}
    account_ids = sorted(tally.account_ids, key=lambda a: _account_order(by_id, a))
    headers = [*_heads(N_("column|check"), N_("column|severity")),
               *(md.cell(_account_label(by_id, a)) for a in account_ids), "FAIL"]
    body = []
    for check_id in flagged:
        check = catalog.checks.get(check_id)
        cells = []
        for a in account_ids:
            n, errs = counts[check_id].get(a, 0), errors[check_id].get(a, [])
            codes = sorted({error_code(f, errors_list) for f in errs})
            err = f"err: {', '.join(codes)}" if errs else ""
            skip = C_(N_("findings cell|skipped")) if skipped[check_id].get(a) else ""
            cells.append(md.cell(" ".join(x for x in (str(n) if n else "", err, skip) if x)))
        body.append([md.cell(check_id), md.cell(check.severity.label if check else ""),
                     *cells, str(sum(counts[check_id].values()))])
    passing = len(checks_seen - set(flagged))
    out += ["", md.table(headers, body, align="ll" + "r" * (len(account_ids) + 1))]
    if passing:
        out += ["", ngettext("{n} other check passed in every account.",
                             "{n} other checks passed in every account.", passing).format(
            n=passing)]
    why: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for check_id in sorted(errors):
        for account_id, errs in errors[check_id].items():
            for f in errs:
                code = error_code(f, errors_list)
                why[(check_id, code, error_hint(code, f.message))].append(
                    f"{_account_label(by_id, account_id)} {f.region}")
    if why:
        lines = [_("- `{check}` — {code}: {hint}. Where: {where}.").format(
                     check=check_id, code=md.one_line(code), hint=md.one_line(_(hint)),
                     where=md.one_line(_(", ").join(sorted(where))))
                 for (check_id, code, hint), where in sorted(why.items())]
        out += ["", _("**Why checks errored:**"), "", *lines]
    skip_why: dict[tuple[str, str], list[str]] = defaultdict(list)
    for check_id in sorted(skipped):
        for account_id, found in skipped[check_id].items():
            for f in found:
                skip_why[(check_id, f.message)].append(
                    f"{_account_label(by_id, account_id)} {f.region}")
    if skip_why:
        lines = [_("- `{check}` — {message}. Where: {where}.").format(
                     check=check_id, message=md.one_line(message),
                     where=md.one_line(_(", ").join(sorted(where))))
                 for (check_id, message), where in sorted(skip_why.items())]
        out += ["", _("**Why checks were skipped (not checked, so not passed):**"), "", *lines]
    out += _triage_lines(snap, by_id)
    return out


def _triage_lines(snap: Snapshot, by_id: dict[str, Account]) -> list[str]:
    """The SRE's triage marks with their notes (kept across rescans)."""
    marks = snap.triage or {}
    out = ["", _("### Triage marks"), ""]
    if not marks:
        return [*out, _("No finding triaged yet.")]
    body = [[md.cell(check), md.cell(resource), md.cell(_account_label(by_id, account)),
             md.cell(region), md.cell(label(TRIAGE_MARK, m["mark"])), md.cell(m["note"])]
            for (check, account, region, resource), m in sorted(
                marks.items(), key=lambda kv: (kv[0][0], _account_order(by_id, kv[0][1]),
                                               kv[0][2], kv[0][3]))]
    table = md.table(_heads(N_("column|check"), N_("column|resource"), N_("column|account"),
                            N_("column|region"), N_("column|mark"), N_("column|note")), body)
    return [*out, *_fold(_("{n} triaged findings").format(n=len(body)), table, len(body) + 2)]


def _matrix_section(snap: Snapshot) -> list[str]:
    out = [_("## Risk matrix"), "",
           _("Risk = information asset value (1–3) × threat likelihood (1–3) × vulnerability "
             "(1–3), 1–27. A row whose resources hold no declared asset uses value {value} "
             "({name}). `#` numbers rows by rank (open rows by risk first).").format(
               value=orient.DEFAULT_ASSET_VALUE, name=_(orient.DEFAULT_ASSET_NAME)), ""]
    if not snap.rows:
        return [*out, _("No matrix rows yet.")]
    body = []
    for i, r in enumerate(snap.rows, start=1):
        risk = r.risk
        assert risk is not None
        name = _(orient.DEFAULT_ASSET_NAME) if risk.default_asset else risk.asset
        asset = f"{name} ({risk.asset_value})"
        body.append([str(i), md.cell(r.observation), md.cell(r.incident),
                     md.cell(r.reason), md.cell(r.stride), md.cell(asset), str(r.threat),
                     str(r.vulnerability), str(risk.score),
                     label(ROW_STATUS, r.status) + (_(" (custom)") if r.custom else "")])
    headers = _heads("#", N_("column|observation"), N_("column|assumed incident"),
                     N_("column|reason"), "STRIDE", N_("column|asset"), N_("column|threat"),
                     N_("column|vuln."), N_("column|risk"), N_("column|status"))
    table = md.table(headers, body, align="rlllllrrrl")
    return [*out, *_fold(_("{n} matrix rows").format(n=len(body)), table, len(body) + 2)]


def _assets_section(snap: Snapshot) -> list[str]:
    out = [_("## Information assets"), ""]
    if not snap.assets:
        return [*out, _("No information assets declared yet: every row uses the default "
                        "value {value}.").format(value=orient.DEFAULT_ASSET_VALUE)]
    body = [[md.cell(a.name), str(a.value), md.cell(a.description),
             md.cell("\n".join(lk.label for lk in a.links))] for a in snap.assets]
    return [*out, md.table(_heads(N_("column|asset"), N_("column|value"),
                                  N_("column|description"), N_("column|linked to")), body,
                           align="lrll")]


def _actions_section(snap: Snapshot, catalog: Catalog, tf: TfIndex) -> list[str]:
    """Every action with owner, due date and notes; the remediation of the ones still to
    do, folded."""
    out = [_("## Actions and remediation"), ""]
    if not snap.actions:
        return [*out, _("No actions yet: `onboard actions suggest`, then "
                        "`onboard actions choose ID`.")]
    numbers = _numbers(snap)
    body = [[str(a.id), md.cell(a.title), md.cell(a.status.label), md.cell(a.priority),
             _person(a.owner), md.cell(a.due) if a.due else _(NOT_SET),
             md.cell(_(", ").join(f"#{numbers[i]}" for i in a.row_ids if i in numbers)),
             md.cell(a.notes)] for a in snap.actions]
    out += [md.table(_heads(N_("column|id"), N_("column|action"), N_("column|status"),
                            N_("column|priority"), N_("column|owner"), N_("column|due"),
                            N_("column|answers rows"), N_("column|notes")), body,
                     align="rllllll" + "l")]
    todo = [a for a in snap.actions if a.status.value in REMEDIATION_STATUSES]
    for a in todo:
        p = decide.plan_for(catalog, a, snap.rows, tf)
        rows = (_(", ").join(f"#{numbers[i]}" for i in a.row_ids if i in numbers)
                or C_(N_("nothing listed|none")))
        out += ["", f"### {md.heading(a.title)}", "",
                _("Action {id}, {status}, {priority}; owner {owner}, due {due}; answers matrix "
                  "rows {rows}.").format(
                    id=a.id, status=a.status.label, priority=a.priority,
                    owner=_person(a.owner), due=md.one_line(a.due) if a.due else _(NOT_SET),
                    rows=rows)]
        if a.notes.strip():
            out += ["", _("**Notes:** {notes}").format(notes=md.paragraph(a.notes))]
        for name, text, info in ((N_("Console"), p.console, "text"),
                                 (N_("AWS CLI"), p.all_cli, "sh"),
                                 (N_("Terraform"), p.all_terraform, "hcl"),
                                 (N_("Remediation notes"), p.notes, "text")):
            if text.strip():
                lines = text.count(chr(10)) + 1
                out += ["", *_fold(ngettext("{what} ({n} line)", "{what} ({n} lines)",
                                            lines).format(what=_(name), n=lines),
                                   md.fence(text, info))]
    return out


def _architecture_section(snap: Snapshot) -> list[str]:
    out = [_("## Architecture"), ""]
    if not snap.architecture:
        return [*out, _("No scan yet: the diagram is drawn from the scanned inventory.")]
    fence = md.fence(snap.architecture.rstrip("\n"), "mermaid")
    return [*out, _("Drawn from the latest scan; resources with FAIL findings are red."), "",
            *_fold(_("The architecture diagram (Mermaid)"), fence)]


def _terraform_section(snap: Snapshot) -> list[str]:
    out = [_("## Made by hand (not in Terraform)"), ""]
    if snap.unmanaged is None:
        return [*out, _("No Terraform state imported (`onboard tf import PATH`).")]
    names = {a.account_id: a for a in snap.accounts}
    rows = [[md.cell(_account_label(names, acct)), str(len(res)),
             md.cell(terraform.summary_counts(res) or C_(N_("nothing listed|none")))]
            for acct, res in sorted(snap.unmanaged.items(),
                                    key=lambda kv: _account_order(names, kv[0]))]
    return [*out, md.table(_heads(N_("column|account"), N_("column|unmanaged"),
                                  N_("column|what")), rows)]


def _accounts_section(snap: Snapshot) -> list[str]:
    out = [_("## Accounts"), ""]
    if not snap.accounts:
        return [*out, _("No accounts recorded yet.")]
    body = []
    for a in sorted(snap.accounts, key=lambda a: (a.name or "~", a.account_id)):
        access = label(ACCESS, a.access) + (f": {a.access_reason}" if a.access_reason else "")
        body.append([md.cell(a.account_id), md.cell(a.name),
                     md.cell(label(ENVIRONMENT, a.environment)), md.cell(_found_by(a.source)),
                     C_(N_("known on day 1|yes")) if a.known_before
                     else C_(N_("known on day 1|no")), md.cell(access)])
    return [*out, md.table(_heads(N_("column|account"), N_("column|name"),
                                  N_("column|environment"), N_("column|found by"),
                                  N_("column|known on day 1"), N_("column|access")), body)]


def _people_section(snap: Snapshot) -> list[str]:
    """Who signs in with IAM users, resolved across accounts, and the rule that said so."""
    out = [_("## People with IAM users"), ""]
    if not snap.people:
        return [*out, _("No person signs in with an IAM user in the current scan.")]
    by_id = {a.account_id: a for a in snap.accounts}
    body = [[md.cell(p.id),
             md.cell("\n".join(_("{user} in {account}").format(
                 user=m.user.user_name, account=_account_label(by_id, m.user.account_id))
                 for m in sorted(p.users, key=lambda m: _account_order(
                     by_id, m.user.account_id)))),
             md.cell("\n".join(sorted({f"{people.rule_label(m.rule)}: "
                                       f"{people.detail_label(m)}" for m in p.users})))]
            for p in snap.people]
    users = sum(len(p.users) for p in snap.people)
    holders = ngettext("{n} person", "{n} people", len(snap.people)).format(
        n=len(snap.people))
    held = ngettext("{n} IAM user", "{n} IAM users", users).format(n=users)
    return [*out, _("{people} hold {users} with a console password or a person's key "
                    "(`iam.human_users`). A wrong match is fixed with the mapping "
                    "(`onboard sso edit move-user ACCOUNT/USER PERSON`).").format(
                        people=holders, users=held), "",
            *_fold(_("{n} people").format(n=len(body)),
                   md.table(_heads(N_("column|person"), N_("column|IAM users"),
                                   N_("column|rule")), body), len(body) + 2)]


def report_sections(snap: Snapshot, catalog: Catalog, tf: TfIndex
                    ) -> list[Callable[[], list[str]]]:
    """The report's sections in order, each made when it is written."""
    return [
        lambda: _session_section(snap, catalog),
        lambda: _summary_section(snap),
        lambda: decisions_markdown(snap, level=2),
        lambda: _accounts_section(snap),
        lambda: _people_section(snap),
        lambda: _interview_section(snap, catalog),
        lambda: _findings_section(snap, catalog),
        lambda: _matrix_section(snap),
        lambda: _assets_section(snap),
        lambda: _actions_section(snap, catalog, tf),
        lambda: _architecture_section(snap),
        lambda: _terraform_section(snap),
    ]


# --- JSON and CSV -------------------------------------------------------------------------


def _json_chunks(parts: dict[str, Any]) -> Iterator[str]:
    """`json_text` of {key: value} + a newline, in pieces; a value that is a callable is
    made when its turn comes, and an iterator (not a list) is written item by item. The
    text is byte for byte what json_text of the whole dict would be."""
    keys = list(parts)
    yield "{" if keys else "{}"
    for i, key in enumerate(keys):
        value = parts[key]
        if callable(value):
            value = value()
        head = "\n  " + json_text(key) + ": "
        tail = "," if i < len(keys) - 1 else ""
        if isinstance(value, Iterator):
            yield from _json_items(head, value, tail)
        else:
            yield head + json_text(value).replace("\n", "\n  ") + tail
    yield "\n}\n" if keys else "\n"


def _json_items(head: str, items: Iterator[Any], tail: str, batch: int = 500
                ) -> Iterator[str]:
    """A list, one level down in the top-level object, written `batch` items at a time."""
    chunk: list[str] = []
    empty = True
    for item in items:
        chunk.append("\n    " + json_text(item).replace("\n", "\n    "))
        if len(chunk) >= batch:
            yield (head + "[" if empty else ",") + ",".join(chunk)
            empty, chunk = False, []
    if chunk:
        yield (head + "[" if empty else ",") + ",".join(chunk)
        empty = False
    yield (head + "[]" if empty else "\n  ]") + tail


def report_json_parts(snap: Snapshot, catalog: Catalog, tf: TfIndex) -> dict[str, Any]:
    """Everything, in the shape docs/export-schema.md documents (`schema_version`): each
    key's value, or a callable that makes it when it is written (`findings` streams)."""
    numbers = _numbers(snap)
    prompts = {p.id: p for p in catalog.prompts}
    who = snap.interviewees or {}
    by_id = {a.account_id: a for a in snap.accounts}
    errors = snap.errors or []

    def actions() -> list[dict[str, Any]]:
        return [{**a.model_dump(mode="json"),
                 "matrix_rows": [numbers[i] for i in a.row_ids if i in numbers],
                 "remediation_plan": decide.plan_for(catalog, a, snap.rows, tf).model_dump(
                     mode="json")} for a in snap.actions]

    def findings() -> Iterator[dict[str, Any]]:
        for f in snap.findings():
            item = f.public()
            if f.status == Status.ERROR:
                code = error_code(f, errors)
                item |= {"error_code": code, "hint": error_hint(code, f.message)}
            yield item

    def changes() -> dict[str, Any] | None:
        if snap.changes is None or snap.previous is None:
            return None
        return {"since_scan": snap.previous.id,
                **{k: [f.public() for f in v] for k, v in snap.changes.items()}}

    return {
        "schema_version": SCHEMA_VERSION,
        "session": lambda: snap.session.model_dump(mode="json",
                                                   exclude={"ui_state", "last_opened"}),
        "day": snap.day,
        "scan": lambda: snap.scan.model_dump(mode="json") if snap.scan else None,
        "accounts": lambda: [a.model_dump(mode="json") for a in sorted(
            snap.accounts, key=lambda a: _account_order(by_id, a.account_id))],
        "interview": lambda: [
            {"prompt_id": k, "topic": prompts[k].topic if k in prompts else k,
             "question": prompts[k].plain_wording if k in prompts else "",
             "interviewee": who.get(k, ""), "answer": v["answer"], "status": v["status"]}
            for k, v in sorted(snap.answers.items(), key=lambda kv: (
                list(prompts).index(kv[0]) if kv[0] in prompts else len(prompts), kv[0]))],
        "people": lambda: [{"id": p.id, "users": [
            {"account_id": m.user.account_id, "user_name": m.user.user_name,
             "email": m.user.email, "rule": m.rule, "detail": m.detail} for m in p.users]}
            for p in snap.people],
        "findings": findings,
        "changes": changes,
        "triage": lambda: [{"check_id": k[0], "account_id": k[1], "region": k[2],
                            "resource_id": k[3], "mark": v["mark"], "note": v["note"]}
                           for k, v in sorted((snap.triage or {}).items())],
        "matrix": lambda: [{"number": numbers[r.id], **r.model_dump(mode="json")}
                           for r in snap.rows],
        "assets": lambda: [a.model_dump(mode="json") for a in snap.assets],
        "actions": actions,
        "decision_table": lambda: snap.table.model_dump(mode="json") if snap.table else None,
        "decisions": lambda: [d.model_dump(mode="json") for d in snap.decisions],
    }


def _csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    return "".join(_csv_chunks(columns, rows))


def _csv_chunks(columns: Sequence[str], rows: Iterable[dict[str, Any]], batch: int = 1000
                ) -> Iterator[str]:
    """A header line, then the rows `batch` at a time."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    writer.writerow({c: C_(CSV_HEADS[c]) if c in CSV_HEADS else c for c in columns})
    for i, row in enumerate(rows, start=1):
        writer.writerow({k: csv_cell(row.get(k)) for k in columns})
        if i % batch == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def findings_csv(findings: Iterable[Finding]) -> Iterator[str]:
    """The latest scan's findings with DESIGN.md's keys as columns, streamed."""
    return _csv_chunks(FINDING_COLUMNS, (f.public() for f in findings))


def decisions_csv(snap: Snapshot) -> str:
    """One line per decision (the Markdown table's rows); cells with several matrix rows
    hold one per line."""
    assert snap.table is not None
    return _csv(DECISION_CSV_COLUMNS, [
        {"number": d.number, "action": d.action, "action_def": d.action_def or "",
         "priority": d.priority, "owner": d.owner, "due": d.due, "status": d.status.value,
         "risk": d.risk, "matrix_rows": " ".join(str(r.number) for r in d.rows),
         "observations": "\n".join(r.observation for r in d.rows),
         "incidents": "\n".join(dict.fromkeys(r.incident for r in d.rows)),
         "reasons": "\n".join(dict.fromkeys(r.reason for r in d.rows)), "notes": d.notes}
        for d in snap.table.decisions])


def matrix_csv(snap: Snapshot) -> str:
    out = []
    for i, r in enumerate(snap.rows, start=1):
        risk = r.risk
        out.append({"number": i, "row_id": r.id, "check_id": r.check_id,
                    "account_id": r.account_id, "observation": r.observation,
                    "incident": r.incident, "reason": r.reason, "stride": r.stride,
                    "asset": risk.asset if risk else "",
                    "asset_value": risk.asset_value if risk else "", "threat": r.threat,
                    "vulnerability": r.vulnerability, "risk": r.score, "status": r.status,
                    "custom": int(r.custom), "edited": " ".join(r.edited)})
    return _csv(MATRIX_CSV_COLUMNS, out)


def actions_csv(snap: Snapshot) -> str:
    numbers = _numbers(snap)
    return _csv(ACTION_CSV_COLUMNS, [
        {"action_id": a.id, "action_def": a.action_def or "", "title": a.title,
         "status": a.status.value, "priority": a.priority, "owner": a.owner, "due": a.due,
         "risk": a.best_risk,
         "matrix_rows": " ".join(str(numbers[i]) for i in a.row_ids if i in numbers),
         "notes": a.notes, "remediation": a.remediation} for a in snap.actions])


# --- writing ------------------------------------------------------------------------------


def write_atomic(path: str | os.PathLike[str], text: str | Iterable[str]) -> None:
    """Write `text` (or its pieces, one after the other) to `path` so that a reader sees the
    old file or the whole new one, never a fragment: a temporary file beside it, fsync, then
    rename over the target. On any failure (a full disk, a quota, an error while the pieces
    are made) the temporary file is removed and the old file stays."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                               dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.writelines([text] if isinstance(text, str) else text)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(target.parent if str(target.parent) else ".", os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
