"""Pydantic models shared by every layer: catalog content, inventory, findings, sessions."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

GLOBAL = "global"
"""The region name used for global services (IAM, S3 listing, CloudFront, Organizations)."""
TRIAGE_MARKS = ("confirmed", "accepted risk", "false positive", "question")
"""Triage marks; `question` flags a finding to take back to the engineer who knows."""
ACCOUNT_COLLECTOR = "account"
"""The CollectError `collector` of an account the scan could not read at all."""


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse; used to sort findings."""
        return {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}[self.value]


class Status(StrEnum):
    FAIL = "FAIL"
    PASS = "PASS"
    ERROR = "ERROR"
    SKIPPED = "SKIPPED"


class Phase(StrEnum):
    OBSERVE = "observe"
    ORIENT = "orient"
    DECIDE = "decide"
    ACT = "act"


Stride = Literal["S", "T", "R", "I", "D", "E"]
STRIDE_NAMES: dict[str, str] = {
    "S": "Spoofing",
    "T": "Tampering",
    "R": "Repudiation",
    "I": "Information disclosure",
    "D": "Denial of service",
    "E": "Elevation of privilege",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- catalog content (checklists/*.yaml) -------------------------------------------------


class Remediation(_Strict):
    console: str = Field(description="Console steps a newcomer can follow.")
    cli: str = Field(description="AWS CLI lines; {placeholders} are filled with resource names.")
    terraform: str = Field(description="Terraform that fixes it; {placeholders} as for cli.")


class References(_Strict):
    cis: list[str] = Field(default_factory=list,
                           description="CIS AWS Foundations Benchmark v5.0.0 ids, e.g. '1.4'.")
    cis_v3: list[str] = Field(default_factory=list,
                              description="The same controls in CIS v3.0.0, for teams still on it.")
    securityhub: list[str] = Field(default_factory=list, description="Security Hub control ids.")
    prowler: list[str] = Field(default_factory=list, description="Prowler check ids.")
    docs: list[str] = Field(default_factory=list, description="AWS documentation URLs.")


class CheckDef(_Strict):
    id: str
    title: str
    description: str
    rule: str = Field(default="", description="The verdict rule, precise enough to predict "
                      "every PASS / FAIL / ERROR / SKIPPED (thresholds, what counts as public, "
                      "internal or human).")
    scope: Literal["account", "region", "user", "instance", "vpc", "load_balancer",
                   "distribution", "bucket", "db", "resource", "security_group"]
    severity: Severity
    stride: list[Stride] = Field(min_length=1)
    observation: str = Field(description="Matrix observation template: {count}, {examples}.")
    incident: str = Field(description="The assumed incident (the talk's matrix column).")
    reason: str = Field(description="Why the incident could happen (the talk's matrix column).")
    vulnerability: int = Field(ge=1, le=3)
    threat: int = Field(ge=1, le=3, description="Default threat likelihood.")
    remediation: Remediation
    references: References
    action: str | None = Field(default=None, description="Suggested action id.")


class ActionDef(_Strict):
    id: str
    title: str
    description: str
    answers: list[str] = Field(min_length=1, description="Check ids this action answers.")
    effort: Literal["small", "medium", "large"] = "medium"
    remediation: Remediation


class Task(_Strict):
    id: str
    title: str
    phase: Phase
    done_when: str
    help: str
    screen: str | None = Field(default=None, description="Screen that does the task.")
    auto: str | None = Field(default=None, description="The rule (onboard.week.RULES) that "
                             "decides from the store whether the task is done.")


class Day(_Strict):
    day: int = Field(ge=1, le=7)
    title: str
    phase: Phase
    goal: str
    tasks: list[Task] = Field(min_length=1)


class InterviewPrompt(_Strict):
    id: str
    topic: str
    aws_wording: str = Field(description="The precise question in AWS terms.")
    plain_wording: str = Field(description="The same question for someone who is no AWS expert.")
    why: str
    record: str = Field(description="What to write down from the answer.")
    records_accounts: bool = Field(default=False, description="Answers may name AWS accounts.")


# --- live state ---------------------------------------------------------------------------


class Account(BaseModel):
    account_id: str
    name: str = ""
    email: str = ""
    status: str = "ACTIVE"
    ou: str = ""
    source: Literal["organizations", "caller", "manual", "interview"] = "caller"
    access: Literal["ok", "denied", "skipped"] = "skipped"
    access_reason: str = ""
    environment: Literal["management", "prod", "staging", "sandbox", "dev", "other"] = "other"
    known_before: bool = Field(default=False, description="Known before discovery ran.")


class Resource(BaseModel):
    """One inventory record: what a collector saw, with the raw attributes checks need."""

    type: str = Field(description="Dotted type such as 's3.bucket' or 'ec2.security_group'.")
    id: str
    account_id: str
    region: str = GLOBAL
    arn: str | None = None
    name: str = ""
    vpc_id: str | None = None
    subnet_id: str | None = None
    attrs: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.type, self.account_id, self.region, self.id)


class CollectError(BaseModel):
    """A collector that failed for one (account, region): never a silent PASS."""

    collector: str
    types: list[str] = Field(description="Resource types the collector would have produced.")
    account_id: str
    region: str
    code: str = Field(description="AWS error code, e.g. AccessDenied, or the exception name.")
    message: str


class Finding(BaseModel):
    check_id: str
    status: Status
    severity: Severity
    account_id: str
    region: str
    resource_id: str
    resource_arn: str | None = None
    resource_type: str = ""
    message: str
    terraform_address: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity of a finding across scans (for new/fixed diffs)."""
        return (self.check_id, self.account_id, self.region, self.resource_id)

    def public(self) -> dict[str, Any]:
        """The JSON shape DESIGN.md fixes for `onboard scan --format json`."""
        return {
            "check_id": self.check_id,
            "status": self.status.value,
            "severity": self.severity.value,
            "account_id": self.account_id,
            "region": self.region,
            "resource_id": self.resource_id,
            "resource_arn": self.resource_arn,
            "message": self.message,
            "terraform_address": self.terraform_address,
        }


class SessionInfo(BaseModel):
    id: int
    name: str
    person: str = ""
    profile: str = ""
    started: str = Field(description="ISO date the onboarding started.")
    current_day: int = 1
    last_opened: str = ""
    ui_state: dict[str, Any] = Field(default_factory=dict)


class ScanInfo(BaseModel):
    id: int
    session_id: int
    started: str
    finished: str | None = None
    status: Literal["running", "complete", "incomplete"] = "running"
    identity: dict[str, str] = Field(default_factory=dict)
    regions: list[str] = Field(default_factory=list)
    api_calls: int = 0
    notes: dict[str, Any] = Field(default_factory=dict,
                                  description="What the scan could not read: "
                                  "organizations_error, skipped_regions, region_errors.")

    @property
    def complete(self) -> bool:
        return self.status == "complete"


class Activity(BaseModel):
    """One entry of the append-only activity log (an export, a decision change, ...)."""

    id: int
    at: str
    kind: str
    detail: dict[str, Any] = Field(default_factory=dict)
