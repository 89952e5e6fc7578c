"""Scan summaries: the JSON shape of `onboard scan --format json` and per-check rollups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from onboard.catalog import Catalog
from onboard.models import Finding, Severity, Status
from onboard.scan import ScanResult


def scan_json(result: ScanResult, session_name: str) -> dict[str, Any]:
    """Exactly DESIGN.md's shape (plus nothing a consumer must know about)."""
    return {
        "session": session_name,
        "scan_id": result.scan_id,
        "started": result.started,
        "finished": result.finished,
        "identity": {"account_id": result.identity.get("account_id", ""),
                     "arn": result.identity.get("arn", "")},
        "accounts": [{"account_id": a.account_id, "name": a.name, "source": a.source,
                      "access": a.access} for a in result.accounts],
        "findings": [f.public() for f in sort_findings(result.findings)],
        "inventory_counts": result.inventory_counts,
    }


def sort_findings(findings: list[Finding]) -> list[Finding]:
    order = {Status.FAIL: 0, Status.ERROR: 1, Status.PASS: 2, Status.SKIPPED: 3}
    return sorted(findings, key=lambda f: (order[f.status], -f.severity.rank, f.check_id,
                                           f.account_id, f.region, f.resource_id))


@dataclass
class CheckRollup:
    check_id: str
    title: str
    severity: Severity
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failing: list[Finding] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        for status in ("FAIL", "ERROR", "PASS"):
            if self.counts.get(status):
                return status
        return "SKIPPED"


def rollup(findings: list[Finding], catalog: Catalog) -> list[CheckRollup]:
    """One row per check: counts per status and the failing resources, worst first."""
    rows: dict[str, CheckRollup] = {}
    for f in findings:
        meta = catalog.checks.get(f.check_id)
        row = rows.setdefault(f.check_id, CheckRollup(
            f.check_id, meta.title if meta else f.check_id, f.severity))
        row.counts[f.status.value] += 1
        if f.status in (Status.FAIL, Status.ERROR):
            row.failing.append(f)
    verdict_rank = {"FAIL": 0, "ERROR": 1, "PASS": 2, "SKIPPED": 3}
    return sorted(rows.values(), key=lambda r: (verdict_rank[r.verdict], -r.severity.rank,
                                                r.check_id))
