"""Pydantic models shared by every layer: catalog content, inventory, findings, sessions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from onboard.i18n import N_, _
from onboard.labels import ACTION_STATUS, SEVERITY, label

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

    @property
    def label(self) -> str:
        """The word a person reads, in the current language ("high" in English)."""
        return label(SEVERITY, self.value)


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
    "S": N_("Spoofing"),
    "T": N_("Tampering"),
    "R": N_("Repudiation"),
    "I": N_("Information disclosure"),
    "D": N_("Denial of service"),
    "E": N_("Elevation of privilege"),
}
"""English names; `_(STRIDE_NAMES[s])` where they are shown."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- catalog content (checklists/*.yaml) -------------------------------------------------


class Remediation(_Strict):
    console: str = Field(description="Console steps a newcomer can follow.")
    cli: str = Field(description="AWS CLI lines; {placeholders} are filled with resource names.")
    terraform: str = Field(description="Terraform that fixes it; {placeholders} as for cli.")
    cli_setup: str = Field(default="", description=(
        "AWS CLI lines a fix script runs once per account (once per account and region "
        "when they use {region}) before the per-resource `cli` lines."))


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
    manual: str | None = Field(default=None, description=(
        "Why a fix script cannot turn this check PASS by itself (a human step, or one the "
        "emulator cannot do); None when the rendered CLI fixes it."))


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


Environment = Literal["management", "prod", "staging", "sandbox", "dev", "other"]


class Account(BaseModel):
    account_id: str
    name: str = ""
    email: str = ""
    status: str = "ACTIVE"
    ou: str = ""
    source: Literal["organizations", "caller", "manual", "interview"] = "caller"
    access: Literal["ok", "denied", "skipped"] = "skipped"
    access_reason: str = ""
    environment: Environment = "other"
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
    lang: str = Field(default="", description="The language the session was started in "
                      "('' when it predates languages).")


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


# --- the Orient / Decide / Terraform state (the store returns these) ----------------------

LinkKind = Literal["arn", "pattern", "tag"]


class AssetLink(BaseModel):
    id: int
    kind: LinkKind
    value: str

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.value}"


class Asset(BaseModel):
    id: int
    name: str
    description: str = ""
    value: int = Field(ge=1, le=3)
    links: list[AssetLink] = Field(default_factory=list)


class RowResource(BaseModel):
    """A resource a matrix row is about (from a finding, or named by the user)."""

    account_id: str = ""
    region: str = ""
    resource_id: str
    resource_arn: str | None = None
    resource_type: str = ""
    terraform_address: str | None = None

    @property
    def label(self) -> str:
        return self.resource_id


class RiskBreakdown(BaseModel):
    """Why a row scores what it scores: asset value × threat × vulnerability."""

    asset: str = Field(description="The most valuable linked asset, or 'unclassified'.")
    asset_value: int = Field(ge=1, le=3)
    assets: list[str] = Field(default_factory=list, description="Every linked asset name.")
    default_asset: bool = Field(description="No asset linked: the default value was used.")
    threat: int = Field(ge=1, le=3)
    vulnerability: int = Field(ge=1, le=3)
    score: int = Field(ge=1, le=27)
    explanation: str


class MatrixRow(BaseModel):
    """One matrix row. `check_id` is '' for custom rows; `account_id` '' spans accounts."""

    id: int
    check_id: str = ""
    account_id: str = ""
    observation: str = ""
    incident: str = ""
    reason: str = ""
    stride: str = Field(default="", description="STRIDE letters in S-T-R-I-D-E order.")
    threat: int = Field(default=2, ge=1, le=3)
    vulnerability: int = Field(default=2, ge=1, le=3)
    edited: list[str] = Field(default_factory=list)
    fixed: bool = False
    accepted: bool = Field(default=False, description="Every failing finding of the row is "
                           "triaged accepted risk or false positive.")
    custom: bool = False
    resources: list[RowResource] = Field(default_factory=list)
    # derived on read, never stored
    status: str = Field(default="open", description="open | answered | accepted | fixed: "
                        "from the row's state, its actions and triage.")
    title: str = ""
    severity: Severity | None = None
    risk: RiskBreakdown | None = None

    @property
    def score(self) -> int:
        return self.risk.score if self.risk else 0

    @property
    def stride_names(self) -> list[str]:
        """The STRIDE names in the current language."""
        return [_(STRIDE_NAMES[s]) for s in self.stride if s in STRIDE_NAMES]

    def stored(self) -> dict[str, Any]:
        """The columns the store keeps."""
        return {"id": self.id or None, "check_id": self.check_id,
                "account_id": self.account_id, "observation": self.observation,
                "incident": self.incident, "reason": self.reason, "stride": self.stride,
                "threat": self.threat, "vulnerability": self.vulnerability,
                "edited": sorted(set(self.edited)), "fixed": int(self.fixed),
                "accepted": int(self.accepted), "custom": int(self.custom),
                "resources": [r.model_dump() for r in self.resources]}


class ActionStatus(StrEnum):
    PROPOSED = "proposed"
    CHOSEN = "chosen"
    DOING = "doing"
    DONE = "done"
    WONT = "wont"

    @property
    def label(self) -> str:
        """What a person reads ("in progress" for doing), in the current language."""
        return label(ACTION_STATUS, self.value)

    @property
    def decided(self) -> bool:
        """Everything but `proposed` is a decision and goes into the decision table."""
        return self is not ActionStatus.PROPOSED


class Action(BaseModel):
    id: int
    action_def: str | None = Field(default=None, description="Catalog id; None if custom.")
    title: str
    owner: str = ""
    priority: str = Field(description="Effective priority: set by the user or derived.")
    priority_set: bool = Field(default=False, description="The user set the priority.")
    due: str = Field(default="", description="ISO date or ''.")
    status: ActionStatus = ActionStatus.PROPOSED
    remediation: str = Field(default="", description="The user's own remediation text.")
    notes: str = ""
    row_ids: list[int] = Field(default_factory=list, description="In matrix order.")
    best_risk: int = 0

    @property
    def custom(self) -> bool:
        return self.action_def is None


@dataclass(frozen=True)
class TfResource:
    """One managed AWS resource instance from a state."""

    address: str
    type: str
    name: str
    module: str
    index_key: str | None
    resource_id: str | None
    arn: str | None
    source: str

    def row(self) -> dict[str, Any]:
        """The dict `store.replace_tf_resources` takes."""
        return {"address": self.address, "type": self.type, "name": self.name,
                "module": self.module, "index_key": self.index_key,
                "resource_id": self.resource_id, "arn": self.arn, "source": self.source}


# --- inventory, indexed for the evaluators ------------------------------------------------


@dataclass
class Inventory:
    """Everything one scan collected, indexed for evaluators (built once, read many)."""

    resources: list[Resource] = field(default_factory=list)
    errors: list[CollectError] = field(default_factory=list)
    _by_type: dict[str, list[Resource]] = field(default_factory=dict, init=False)
    _by_id: dict[tuple[str, str, str], Resource] = field(default_factory=dict, init=False)
    _by_region_id: dict[tuple[str, str, str, str], Resource] = field(default_factory=dict,
                                                                   init=False)

    def __post_init__(self) -> None:
        by_type: dict[str, list[Resource]] = defaultdict(list)
        for r in self.resources:
            by_type[r.type].append(r)
            self._by_id.setdefault((r.type, r.account_id, r.id), r)
            self._by_region_id[(r.type, r.account_id, r.region, r.id)] = r
        self._by_type = dict(by_type)

    def of(self, type_: str) -> list[Resource]:
        return self._by_type.get(type_, [])

    def get(self, type_: str, account_id: str, id_: str,
            region: str | None = None) -> Resource | None:
        """A resource by id; pass `region` for types whose ids repeat across regions
        (DB identifiers, load balancer names), else the first one seen is returned."""
        if region is not None:
            return self._by_region_id.get((type_, account_id, region, id_))
        return self._by_id.get((type_, account_id, id_))

    def accounts(self) -> list[str]:
        """Accounts the scan read (an account it could not read at all is not one)."""
        return sorted({r.account_id for r in self.resources} |
                      {e.account_id for e in self.errors if e.collector != ACCOUNT_COLLECTOR})

    def errors_for(self, types: Iterable[str]) -> list[CollectError]:
        wanted = set(types)
        return [e for e in self.errors if wanted & set(e.types)]
