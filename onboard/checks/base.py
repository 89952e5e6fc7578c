"""The evaluator contract: pure functions from an Inventory to outcomes (no boto3 here).

An evaluator is registered with `@check(id, needs=(resource types it reads,))` and yields
`Outcome`s. It never sees an AWS client. `evaluate()` (in `onboard.checks`) adds the catalog
severity, and turns every collector failure for a needed type into ERROR findings for that
(account, region), so a failed collector is never a silent PASS.

Messages are written in the language spoken while the evaluator runs, and stored as written.
That is the session's language: the CLI and the TUI set it before a scan starts, and the
scan's threads see the process-wide language (`onboard.i18n`). So a finding says what the
scan said, in the words of the person who ran it; a session switched to another language
later shows its stored findings in the old language until the next scan. Templates are
marked `_("… {name} …").format(name=…)`, so the English is byte-for-byte what it was; only
the words are translated, never a status, an error code or an id that code reads back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from onboard.models import GLOBAL, CollectError, Inventory, Resource, Status


@dataclass(frozen=True)
class Outcome:
    status: Status
    account_id: str
    region: str
    resource_id: str
    message: str
    resource_arn: str | None = None
    resource_type: str = ""


def fail(r: Resource, message: str, resource_id: str | None = None) -> Outcome:
    return Outcome(Status.FAIL, r.account_id, r.region, resource_id or r.id, message,
                   r.arn, r.type)


def ok(r: Resource, message: str, resource_id: str | None = None) -> Outcome:
    return Outcome(Status.PASS, r.account_id, r.region, resource_id or r.id, message,
                   r.arn, r.type)


def error(r: Resource, message: str, resource_id: str | None = None) -> Outcome:
    return Outcome(Status.ERROR, r.account_id, r.region, resource_id or r.id, message,
                   r.arn, r.type)


def skipped(r: Resource, message: str, resource_id: str | None = None) -> Outcome:
    return Outcome(Status.SKIPPED, r.account_id, r.region, resource_id or r.id, message,
                   r.arn, r.type)


SCP_DENY_MARKERS = ("explicit deny in a service control policy",
                    "explicit deny in a resource control policy")


def denied_by_scp(err: CollectError) -> bool:
    """True when AWS refused the call because an organization policy explicitly denies it
    (AccessDenied / UnauthorizedOperation "... with an explicit deny in a service control
    policy"): the region or service is closed on purpose, not broken."""
    text = " ".join(err.message.lower().split())
    return any(marker in text for marker in SCP_DENY_MARKERS)


def scp_action(err: CollectError) -> str:
    """The action named in an SCP denial ("ec2:DescribeInstances"), or ""."""
    words = err.message.split()
    for i, word in enumerate(words[:-1]):
        if word == "perform:":
            return words[i + 1].rstrip(".,;")
    return ""


Evaluator = Callable[[Inventory], Iterator[Outcome]]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    needs: tuple[str, ...]
    fn: Evaluator


REGISTRY: dict[str, CheckSpec] = {}


def check(check_id: str, *, needs: tuple[str, ...]) -> Callable[[Evaluator], Evaluator]:
    """Register an evaluator for a catalog check id."""

    def register(fn: Evaluator) -> Evaluator:
        if check_id in REGISTRY:
            raise ValueError(f"check {check_id} registered twice")
        REGISTRY[check_id] = CheckSpec(check_id, needs, fn)
        return fn

    return register


def region_of(r: Resource) -> str:
    return r.region or GLOBAL
