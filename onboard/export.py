"""Exports: the Markdown report and decision table, JSON of everything, CSV of findings.

Output is deterministic (stable ordering, no timestamps except those stored as data) and
the Markdown is GitHub-flavoured with every piece of user text escaped (see mdtext).
Core only: `onboard export` and the Actions screen call `export()`; no UI imports.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onboard import decide, diagram, orient, terraform, week
from onboard import mdtext as md
from onboard.assets import Asset, list_assets
from onboard.catalog import Catalog
from onboard.checks.base import Inventory
from onboard.decide import Action, DecisionLine
from onboard.models import Account, Finding, Resource, ScanInfo, SessionInfo, Status
from onboard.orient import MatrixRow
from onboard.remediation import TfIndex
from onboard.store import Store
from onboard.textsafe import csv_cell, json_text, strip_controls

FORMATS = ("markdown", "json", "csv", "mermaid")
FINDING_COLUMNS = ("check_id", "status", "severity", "account_id", "region", "resource_id",
                   "resource_arn", "message", "terraform_address")
DECISION_COLUMNS = ("observation", "assumed incident", "reason", "action", "priority",
                    "owner", "due", "status", "risk")
FOUND_BY = {"organizations": "Organizations", "caller": "caller identity",
            "manual": "by hand", "interview": "interview"}
REMEDIATION_STATUSES = ("chosen", "doing")
"""Actions whose remediation the report spells out (work still to do)."""


class ExportError(ValueError):
    """An export that cannot be made (unknown format); one line for the user."""


@dataclass
class Snapshot:
    """Everything an export needs, read once."""

    session: SessionInfo
    scan: ScanInfo | None
    accounts: list[Account]
    findings: list[Finding]
    rows: list[MatrixRow]
    assets: list[Asset]
    actions: list[Action]
    decisions: list[DecisionLine]
    answers: dict[str, dict[str, str]]
    day: int = 1  # the week plan's current day (derived)
    newest: ScanInfo | None = None  # the newest scan, when it is not `scan` (unfinished)
    architecture: str = ""  # Mermaid, from the latest scan's inventory
    unmanaged: dict[str, list[Resource]] | None = None  # None: no Terraform state imported


def snapshot(store: Store, catalog: Catalog, session_id: int) -> Snapshot:
    """Read the session as it is stored: a pure read (the matrix was derived when its
    inputs were written)."""
    rows = orient.matrix(store, catalog, session_id)
    scan = store.latest_scan(session_id)
    accounts = store.accounts(session_id)
    findings = store.findings(scan.id) if scan else []
    unmanaged = None
    if scan and len(terraform.managed_index(store, session_id)):
        unmanaged = terraform.unmanaged(store, session_id, scan.id)
    newest = store.newest_scan(session_id)
    return Snapshot(
        session=store.session(session_id), scan=scan, accounts=accounts, findings=findings,
        day=week.current_day(catalog, store, session_id),
        newest=newest if newest and (scan is None or newest.id != scan.id) else None,
        rows=rows, assets=list_assets(store, session_id),
        actions=decide.list_actions(store, catalog, session_id, rows),
        decisions=decide.decision_table(store, catalog, session_id, rows),
        answers=store.answers(session_id),
        architecture=architecture_mermaid(store, scan, accounts, findings) if scan else "",
        unmanaged=unmanaged)


def architecture_mermaid(store: Store, scan: ScanInfo, accounts: list[Account],
                         findings: list[Finding]) -> str:
    """The Mermaid architecture diagram of a scan, resources with FAIL findings marked."""
    inventory = Inventory(store.resources(scan.id), store.collect_errors(scan.id))
    failing = diagram.failing_ids([f for f in findings if f.status == Status.FAIL])
    return diagram.mermaid(inventory, failing=failing,
                           accounts={a.account_id: a.name for a in accounts if a.name})


def export(store: Store, catalog: Catalog, session_id: int, fmt: str = "markdown",
           only: str | None = None) -> str:
    """The text of an export: a pure read. The caller records the export in the activity
    log (`activity_of` says what to record) once the text is written."""
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt} is not one of {', '.join(FORMATS)}")
    if only not in (None, "decisions"):
        raise ExportError(f"--only {only}: only 'decisions' is supported")
    if fmt == "mermaid":
        if only:
            raise ExportError("--only decisions has no Mermaid form; use markdown, json or csv")
        scan = store.latest_scan(session_id)
        if scan is None:
            raise ExportError("no scan yet: run `onboard scan` (or `onboard demo`) first")
        accounts = store.accounts(session_id)
        return strip_controls(architecture_mermaid(store, scan, accounts,
                                                   store.findings(scan.id, status="FAIL")))
    snap = snapshot(store, catalog, session_id)
    if only == "decisions":
        text = {"markdown": lambda: decisions_markdown(snap.decisions) + "\n",
                "json": lambda: _json([d.model_dump(mode="json") for d in snap.decisions]),
                "csv": lambda: decisions_csv(snap.decisions)}[fmt]()
    elif fmt == "markdown":
        text = report_markdown(snap, catalog, TfIndex(store.tf_resources(session_id)))
    elif fmt == "json":
        text = _json(report_json(snap, catalog, TfIndex(store.tf_resources(session_id))))
    else:
        text = findings_csv(snap.findings)
    # Every piece of text was escaped where it was placed; this pass is the guarantee that
    # no control character from AWS or a user reaches a terminal or a reader's editor.
    return strip_controls(text) if fmt == "markdown" else text


def activity_of(store: Store, catalog: Catalog, session_id: int, fmt: str,
                only: str | None = None) -> tuple[str, dict[str, Any]] | None:
    """What an export of this kind records in the activity log (the week plan reads it):
    the diagram with its scan, the decision table (alone or in the report) with how many
    decisions it held; a findings CSV records nothing."""
    if fmt == "mermaid":
        scan = store.latest_scan(session_id)
        return ("diagram_exported", {"scan_id": scan.id if scan else None})
    if only == "decisions" or fmt != "csv":
        decided = [a for a in decide.list_actions(store, catalog, session_id)
                   if a.status.decided]
        return ("decisions_exported", {"decisions": len(decided), "format": fmt,
                                       "only": only or "report"})
    return None


# --- Markdown -----------------------------------------------------------------------------


def decisions_markdown(lines: Sequence[DecisionLine]) -> str:
    """The talk's decision table: observation | assumed incident | reason | action, plus
    priority, owner, due, status and risk."""
    body = [[md.cell(d.observation), md.cell(d.incident), md.cell(d.reason),
             md.cell(d.action) + (f"<br>kit: `{d.kit}`" if d.kit else ""),
             md.cell(d.priority), md.cell(d.owner), md.cell(d.due),
             md.cell(d.status.label), md.cell(d.risk)] for d in lines]
    return md.table(list(DECISION_COLUMNS), body, align="llllllllr")


def _account_label(accounts: dict[str, Account], account_id: str) -> str:
    acc = accounts.get(account_id)
    return f"{acc.name} ({account_id})" if acc and acc.name else account_id


def _session_section(snap: Snapshot, catalog: Catalog) -> list[str]:
    s = snap.session
    out = [f"# Onboarding report: {md.heading(s.name)}", ""]
    out.append(f"- **Person:** {md.cell(s.person)}")
    out.append(f"- **Started:** {md.cell(s.started)}")
    out.append(f"- **Day:** {snap.day} of {len(catalog.days)}")
    if snap.scan:
        scan = snap.scan
        when = scan.finished or scan.started
        who = scan.identity.get("arn", "")
        out.append(f"- **Latest scan:** #{scan.id}, {scan.status}, {md.cell(when)}"
                   + (f", as {md.cell(who)}" if who else ""))
    else:
        out.append("- **Latest scan:** none yet")
    if snap.newest:
        out.append(f"- **Not shown:** scan #{snap.newest.id} did not finish "
                   f"({snap.newest.status}); this report shows "
                   + (f"scan #{snap.scan.id}" if snap.scan else "no scan") + ".")
    return out


def _accounts_section(snap: Snapshot) -> list[str]:
    out = ["## Accounts", ""]
    if not snap.accounts:
        return [*out, "No accounts recorded yet."]
    body = []
    for a in snap.accounts:
        access = a.access + (f": {a.access_reason}" if a.access_reason else "")
        body.append([md.cell(a.account_id), md.cell(a.name), md.cell(a.environment),
                     md.cell(FOUND_BY.get(a.source, a.source)), md.cell(access)])
    return [*out, md.table(["account", "name", "environment", "found by", "access"], body)]


def _interview_section(snap: Snapshot, catalog: Catalog) -> list[str]:
    out = ["## Interview notes", ""]
    noted = [(p, snap.answers[p.id]) for p in catalog.prompts
             if p.id in snap.answers and snap.answers[p.id]["answer"].strip()]
    known = {p.id for p in catalog.prompts}
    extra = sorted(k for k, v in snap.answers.items() if k not in known and v["answer"].strip())
    if not noted and not extra:
        return [*out, "No interview notes yet."]
    for prompt, answer in noted:
        out += [f"### {md.heading(prompt.topic)}", "",
                f"**Asked:** {md.paragraph(prompt.plain_wording)}", "",
                md.paragraph(answer["answer"]), ""]
    for key in extra:
        out += [f"### {md.heading(key)}", "", md.paragraph(snap.answers[key]["answer"]), ""]
    return out[:-1]


def _findings_section(snap: Snapshot, catalog: Catalog) -> list[str]:
    out = ["## Findings summary", ""]
    if snap.scan is None:
        return [*out, "No scan yet: run `onboard scan`."]
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    checks_seen: set[str] = set()
    for f in snap.findings:
        checks_seen.add(f.check_id)
        if f.status == Status.FAIL:
            counts[f.check_id][f.account_id] += 1
        elif f.status == Status.ERROR:
            errors[f.check_id][f.account_id] += 1
    total = {s: sum(1 for f in snap.findings if f.status == s) for s in Status}
    out.append(f"Scan #{snap.scan.id}: {total[Status.FAIL]} FAIL, {total[Status.ERROR]} "
               f"ERROR, {total[Status.PASS]} PASS, {total[Status.SKIPPED]} SKIPPED over "
               f"{len(checks_seen)} checks. Cells count FAIL findings; `err` marks a check "
               "that could not run there.")
    flagged = sorted(set(counts) | set(errors), key=lambda c: (
        -(catalog.checks[c].severity.rank if c in catalog.checks else 0), c))
    if not flagged:
        return [*out, "", "Every check passed."]
    by_id = {a.account_id: a for a in snap.accounts}
    account_ids = sorted({f.account_id for f in snap.findings})
    headers = ["check", "severity", *(md.cell(_account_label(by_id, a)) for a in account_ids),
               "FAIL"]
    body = []
    for check_id in flagged:
        check = catalog.checks.get(check_id)
        cells = []
        for a in account_ids:
            n, e = counts[check_id].get(a, 0), errors[check_id].get(a, 0)
            cells.append(" ".join(x for x in (str(n) if n else "", "err" if e else "") if x)
                         or "—")
        body.append([md.cell(check_id), md.cell(check.severity.value if check else ""),
                     *cells, str(sum(counts[check_id].values()))])
    passing = len(checks_seen - set(flagged))
    out += ["", md.table(headers, body, align="ll" + "r" * (len(account_ids) + 1))]
    if passing:
        out += ["", f"{passing} other checks passed in every account."]
    return out


def _matrix_section(snap: Snapshot) -> list[str]:
    out = ["## Risk matrix", "",
           f"Risk = information asset value (1–3) × threat likelihood (1–3) × vulnerability "
           f"(1–3), 1–27. A row whose resources hold no declared asset uses value "
           f"{orient.DEFAULT_ASSET_VALUE} ({orient.DEFAULT_ASSET_NAME}).", ""]
    if not snap.rows:
        return [*out, "No matrix rows yet."]
    body = []
    for r in snap.rows:
        risk = r.risk
        assert risk is not None
        asset = f"{risk.asset} ({risk.asset_value})"
        body.append([str(r.id), md.cell(r.observation), md.cell(r.incident),
                     md.cell(r.reason), md.cell(r.stride), md.cell(asset), str(r.threat),
                     str(r.vulnerability), str(risk.score),
                     r.status + (" (custom)" if r.custom else "")])
    headers = ["row", "observation", "assumed incident", "reason", "STRIDE", "asset",
               "threat", "vuln.", "risk", "status"]
    return [*out, md.table(headers, body, align="rlllllrrrl")]


def _assets_section(snap: Snapshot) -> list[str]:
    out = ["## Information assets", ""]
    if not snap.assets:
        return [*out, f"No information assets declared yet: every row uses the default "
                      f"value {orient.DEFAULT_ASSET_VALUE}."]
    body = [[md.cell(a.name), str(a.value), md.cell(a.description),
             md.cell("\n".join(lk.label for lk in a.links))] for a in snap.assets]
    return [*out, md.table(["asset", "value", "description", "linked to"], body,
                           align="lrll")]


def _remediation_section(snap: Snapshot, catalog: Catalog, tf: TfIndex) -> list[str]:
    out = ["## Remediation", ""]
    todo = [a for a in snap.actions if a.status.value in REMEDIATION_STATUSES]
    if not todo:
        return [*out, "No chosen actions yet: `onboard actions suggest`, then "
                      "`onboard actions choose ID`."]
    for a in todo:
        p = decide.plan_for(catalog, a, snap.rows, tf)
        rows = ", ".join(str(i) for i in a.row_ids) or "none"
        out += [f"### {md.heading(a.title)}", "",
                f"Action {a.id}, {a.status.label}, {a.priority}; answers matrix rows {rows}.",
                ""]
        for label, text, info in (("Console", p.console, "text"),
                                  ("AWS CLI", p.all_cli, "sh"),
                                  ("Terraform", p.all_terraform, "hcl"),
                                  ("Notes", p.notes, "text")):
            if text.strip():
                out += [f"**{label}**", "", md.fence(text, info), ""]
    return out[:-1]


def _architecture_section(snap: Snapshot) -> list[str]:
    out = ["## Architecture", ""]
    if not snap.architecture:
        return [*out, "No scan yet: the diagram is drawn from the scanned inventory."]
    return [*out, "Drawn from the latest scan; resources with FAIL findings are red.", "",
            md.fence(snap.architecture.rstrip("\n"), "mermaid")]


def _terraform_section(snap: Snapshot) -> list[str]:
    out = ["## Made by hand (not in Terraform)", ""]
    if snap.unmanaged is None:
        return [*out, "No Terraform state imported (`onboard tf import PATH`)."]
    names = {a.account_id: a for a in snap.accounts}
    rows = [[md.cell(_account_label(names, acct)), str(len(res)),
             md.cell(terraform.summary_counts(res) or "none")]
            for acct, res in sorted(snap.unmanaged.items())]
    return [*out, md.table(["account", "unmanaged", "what"], rows)]


def report_markdown(snap: Snapshot, catalog: Catalog, tf: TfIndex) -> str:
    sections = [
        _session_section(snap, catalog),
        _accounts_section(snap),
        _interview_section(snap, catalog),
        _findings_section(snap, catalog),
        _architecture_section(snap),
        _terraform_section(snap),
        _matrix_section(snap),
        _assets_section(snap),
        ["## Decisions", "", decisions_markdown(snap.decisions) if snap.decisions
         else "No decisions yet."],
        _remediation_section(snap, catalog, tf),
    ]
    return "\n\n".join("\n".join(s).strip("\n") for s in sections) + "\n"


# --- JSON and CSV -------------------------------------------------------------------------


def _json(data: Any) -> str:
    return json_text(data) + "\n"


def report_json(snap: Snapshot, catalog: Catalog, tf: TfIndex) -> dict[str, Any]:
    """Everything: session, scan, accounts, interview, findings, matrix, assets, actions."""
    actions = []
    for a in snap.actions:
        p = decide.plan_for(catalog, a, snap.rows, tf)
        actions.append({**a.model_dump(mode="json"), "remediation_plan": p.model_dump(
            mode="json")})
    prompts = {p.id: p for p in catalog.prompts}
    return {
        "session": snap.session.model_dump(mode="json", exclude={"ui_state", "last_opened"}),
        "scan": snap.scan.model_dump(mode="json") if snap.scan else None,
        "accounts": [a.model_dump(mode="json") for a in snap.accounts],
        "interview": [{"prompt_id": k, "topic": prompts[k].topic if k in prompts else k,
                       "question": prompts[k].plain_wording if k in prompts else "",
                       "answer": v["answer"], "status": v["status"]}
                      for k, v in sorted(snap.answers.items(), key=lambda kv: (
                          list(prompts).index(kv[0]) if kv[0] in prompts else len(prompts),
                          kv[0]))],
        "findings": [f.public() for f in snap.findings],
        "matrix": [r.model_dump(mode="json") for r in snap.rows],
        "assets": [a.model_dump(mode="json") for a in snap.assets],
        "actions": actions,
        "decisions": [d.model_dump(mode="json") for d in snap.decisions],
    }


def findings_csv(findings: Sequence[Finding]) -> str:
    """The latest scan's findings with DESIGN.md's keys as columns."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(FINDING_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for f in findings:
        writer.writerow({k: csv_cell(v) for k, v in f.public().items()})
    return buf.getvalue()


def decisions_csv(lines: Sequence[DecisionLine]) -> str:
    buf = io.StringIO()
    fields = list(DecisionLine.model_fields)
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for d in lines:
        row = d.model_dump(mode="json")
        writer.writerow({k: csv_cell(row[k]) for k in fields})
    return buf.getvalue()


# --- writing ------------------------------------------------------------------------------


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the whole new one, never
    a fragment: a temporary file beside it, fsync, then rename over the target. On any
    failure (a full disk, a quota) the temporary file is removed and the old file stays."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                               dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
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
