"""What the TUI shows and remembers, without a UI: resume state, the events that tick week
tasks, current day, and a finding's remediation text filled in for that finding."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from onboard import remediation as rem
from onboard import week
from onboard.assets import RowResource
from onboard.catalog import Catalog
from onboard.i18n import N_, _
from onboard.labels import C_
from onboard.models import TRIAGE_MARKS, CheckDef, Finding, ScanInfo
from onboard.store import Store

UI_STATE_VERSION = 1

PROMPT_STATUSES = ("not asked", "asked", "answered", "follow-up")

ACCESS_LABELS = {"ok": N_("ok"), "denied": N_("denied"), "skipped": N_("not tried")}
SOURCE_LABELS = {"organizations": N_("Organizations"), "caller": N_("caller"),
                 "manual": N_("added by hand"), "interview": N_("interview")}
"""English labels; `_(ACCESS_LABELS[x])` where they are shown (the Discovery screen)."""


# --- resume -------------------------------------------------------------------------------


class ReviewState(BaseModel):
    model_config = ConfigDict(extra="ignore")
    filters: dict[str, str] = Field(default_factory=lambda: {"status": "FAIL"})
    order: str = "severity"
    new_only: bool = False
    finding: list[str] | None = Field(default=None, description="Selected finding key.")


class UiState(BaseModel):
    """Where the user left the app; stored in sessions.ui_state, versioned, tolerant."""

    model_config = ConfigDict(extra="ignore")
    version: int = UI_STATE_VERSION
    screen: str = "week"
    task: str | None = None
    account: str | None = None
    prompt: str | None = None
    review: ReviewState = Field(default_factory=ReviewState)


def load_ui_state(raw: dict[str, Any]) -> tuple[UiState, str | None]:
    """The saved state, or the default and a one-line reason when it cannot be used."""
    if not raw:
        return UiState(), None
    if raw.get("version", UI_STATE_VERSION) > UI_STATE_VERSION:
        return UiState(), _("saved screen state is from a newer onboard; starting on Week")
    try:
        return UiState.model_validate(raw), None
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        return UiState(), _("saved screen state was unreadable ({where}); starting on "
                            "Week").format(where=where)


# --- week events --------------------------------------------------------------------------


def interview_complete(catalog: Catalog, answers: dict[str, dict[str, str]]) -> bool:
    """Every prompt has an answer (status answered or follow-up, with some text)."""
    return bool(catalog.prompts) and all(
        answers.get(p.id, {}).get("status") in ("answered", "follow-up")
        and answers.get(p.id, {}).get("answer", "").strip()
        for p in catalog.prompts)


def findings_triaged(store: Store, session_id: int, scan_id: int) -> bool:
    """Every FAIL of the scan carries a triage mark, as week.yaml's triage task says
    ("every FAIL has been looked at"); a scan without FAILs has nothing to triage."""
    total, left = store.untriaged(scan_id, session_id, TRIAGE_MARKS)
    return total > 0 and left == 0


def current_day(catalog: Catalog, store: Store, session_id: int) -> int:
    """The day of the first open task (the last day once everything is done)."""
    return week.current_day(catalog, store, session_id)


def identity_label(scan: ScanInfo | None) -> str:
    if scan is None or not scan.identity:
        return _("not scanned yet")
    ident = scan.identity
    arn = ident.get("arn", "")
    who = arn.split(":", 5)[-1] if arn else ""
    account = ident.get("account_id", "")
    return f"{who} @ {account}" if who else account or _("unknown identity")


# --- remediation --------------------------------------------------------------------------

Section = Literal["console", "cli", "terraform"]


def remediation(check: CheckDef, finding: Finding) -> dict[Section, str]:
    """The check's fix with this finding's names filled in (CLI values shell-quoted)."""
    res = RowResource(account_id=finding.account_id, region=finding.region,
                      resource_id=finding.resource_id, resource_arn=finding.resource_arn,
                      resource_type=finding.resource_type,
                      terraform_address=finding.terraform_address)
    snip = rem.resource_snippet(check, res, rem.TfIndex([]))
    return {"console": snip.console, "cli": snip.cli, "terraform": snip.terraform}


def references(check: CheckDef) -> list[tuple[str, str]]:
    refs = check.references
    out = [("CIS v5.0", ", ".join(refs.cis)), ("CIS v3.0", ", ".join(refs.cis_v3)),
           ("Security Hub", ", ".join(refs.securityhub)),
           ("Prowler", ", ".join(refs.prowler))]
    out += [(C_(N_("reference|Docs")), url) for url in refs.docs]
    return [(k, v) for k, v in out if v]
