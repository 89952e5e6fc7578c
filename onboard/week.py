"""The week plan's state, derived: each task's "Done when" is a rule over the store.

A task with a rule (`auto:` in week.yaml names it) is done when its rule says so; the rule
also says *why* an open task is open ("3 of 8 high-risk rows still without a decision").
Nothing here is stored: a manual tick or untick by the user is the one thing kept (in the
store, through `onboard.workspace`), and it wins over the rule. Tasks without a rule are
ticked by hand. Pure reads: nothing in this module writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from onboard import orient
from onboard.catalog import Catalog
from onboard.i18n import N_, _, ngettext
from onboard.labels import C_, SCAN_STATUS, label
from onboard.models import TRIAGE_MARKS, ScanInfo, Task
from onboard.store import Store

HIGH_RISK_FROM = 12
"""Risk at or above which a matrix row is high-risk (the Decide step's P1 threshold)."""


@dataclass(frozen=True)
class Verdict:
    done: bool
    reason: str
    """Why the task is open, or what made it done — one line for the Week screen."""


@dataclass(frozen=True)
class TaskState:
    task: Task
    day: int
    done: bool
    by: Literal["user", "derived", "open"]
    """Who decided: the user's own tick or untick, the task's rule, or nobody (a task
    without a rule that the user has not ticked)."""
    reason: str

    @property
    def by_event(self) -> bool:  # the old name, kept for the screens
        return self.by == "derived"


@dataclass(frozen=True)
class DayProgress:
    day: int
    title: str
    phase: str
    done: int
    total: int

    @property
    def ratio(self) -> float:
        return self.done / self.total if self.total else 1.0


class Facts:
    """What the rules read, loaded once per evaluation (pure reads)."""

    def __init__(self, catalog: Catalog, store: Store, session_id: int) -> None:
        self.catalog, self.store, self.session_id = catalog, store, session_id

    @cached_property
    def scan(self) -> ScanInfo | None:
        return self.store.latest_scan(self.session_id)

    @cached_property
    def rows(self) -> list[orient.MatrixRow]:
        return orient.matrix(self.store, self.catalog, self.session_id)


def _scan_complete(f: Facts) -> Verdict:
    scan = f.store.latest_scan(f.session_id, complete=True)
    newest = f.store.newest_scan(f.session_id)
    if scan is None:
        if newest is None:
            return Verdict(False, _("no scan yet: press r on Review or run `onboard scan`"))
        return Verdict(False, _("scan #{id} did not finish ({status}); run it again").format(
            id=newest.id, status=label(SCAN_STATUS, newest.status)))
    return Verdict(True, _("scan #{id} finished in every account it could read").format(
        id=scan.id))


def _accounts_discovered(f: Facts) -> Verdict:
    accounts = f.store.accounts(f.session_id)
    scan = f.store.newest_scan(f.session_id)
    org_error = (scan.notes.get("organizations_error") if scan else None) or ""
    listed = [a for a in accounts if a.source == "organizations"]
    if not listed:
        if org_error:
            return Verdict(False, _("Organizations could not be listed ({error}): scan from "
                                    "the management account, or add accounts by hand").format(
                error=org_error))
        return Verdict(False, _("no organization listed yet: run a scan"))
    n = len(listed)
    if not any(a.environment == "management" for a in listed):
        return Verdict(False, ngettext("{n} account listed, but not the management account",
                                       "{n} accounts listed, but not the management account",
                                       n).format(n=n))
    return Verdict(True, ngettext(
        "{n} account listed through Organizations, the management account among them",
        "{n} accounts listed through Organizations, the management account among them",
        n).format(n=n))


def _interview_complete(f: Facts) -> Verdict:
    prompts = f.catalog.prompts
    answers = f.store.answers(f.session_id)
    open_ = []
    for p in prompts:
        a = answers.get(p.id, {})
        if not (a.get("status") in ("answered", "follow-up") and a.get("answer", "").strip()):
            open_.append(p.id)
    if not prompts:
        return Verdict(False, _("the interview has no prompts"))
    if open_:
        return Verdict(False, _("{open} of {total} prompts have no answer yet (a follow-up "
                                "needs notes to count)").format(open=len(open_),
                                                                total=len(prompts)))
    return Verdict(True, _("all {n} prompts answered").format(n=len(prompts)))


def _tf_imported(f: Facts) -> Verdict:
    rows = f.store.tf_resources(f.session_id)
    if not rows:
        return Verdict(False, _("no Terraform state imported yet (`onboard tf import PATH`)"))
    files = len({r.get("source") for r in rows})
    return Verdict(True, _("{resources} from {files}").format(
        resources=ngettext("{n} resource", "{n} resources", len(rows)).format(n=len(rows)),
        files=ngettext("{n} state file", "{n} state files", files).format(n=files)))


def _findings_triaged(f: Facts) -> Verdict:
    scan = f.scan
    if scan is None:
        return Verdict(False, _("no scan yet"))
    total, left = f.store.untriaged(scan.id, f.session_id, TRIAGE_MARKS)
    if not total:
        return Verdict(False, _("the current scan has no FAIL to triage"))
    if left:
        return Verdict(False, _("{left} of {total} FAILs not triaged yet").format(
            left=left, total=total))
    return Verdict(True, _("all {n} FAILs triaged").format(n=total))


def _diagram_exported(f: Facts) -> Verdict:
    scan = f.scan
    last = f.store.last_activity(f.session_id, "diagram_exported")
    if scan is None:
        return Verdict(False, _("no scan yet"))
    if last is None:
        return Verdict(False, _("the architecture diagram has not been exported "
                                "(`onboard export --format mermaid`)"))
    if last.detail.get("scan_id") != scan.id:
        return Verdict(False, _("the diagram was exported from scan #{old}; export it again "
                                "for scan #{id}").format(old=last.detail.get("scan_id"),
                                                          id=scan.id))
    return Verdict(True, _("diagram of scan #{id} exported").format(id=scan.id))


def _assets_declared(f: Facts) -> Verdict:
    assets = f.store.assets(f.session_id)
    if not assets:
        return Verdict(False, _("no information asset declared yet"))
    unlinked = [a.name for a in assets if not a.links]
    n = len(assets)
    if len(unlinked) == n:
        return Verdict(False, ngettext("{n} asset declared, none linked to a resource yet",
                                       "{n} assets declared, none linked to a resource yet",
                                       n).format(n=n))
    if unlinked:
        return Verdict(True, ngettext("{n} asset declared ({unlinked} not linked yet)",
                                      "{n} assets declared ({unlinked} not linked yet)",
                                      n).format(n=n, unlinked=len(unlinked)))
    return Verdict(True, ngettext("{n} asset declared", "{n} assets declared", n).format(n=n))


def _matrix_reviewed(f: Facts) -> Verdict:
    rows = [r for r in f.rows if r.status not in ("fixed",)]
    if not rows:
        return Verdict(False, _("no matrix yet: the matrix is made from a scan's findings"))
    missing = [r for r in rows
               if not (r.observation.strip() and r.incident.strip() and r.reason.strip()
                       and r.stride.strip())]
    if missing:
        return Verdict(False, ngettext(
            "{n} row lacks an observation, incident, reason or STRIDE",
            "{n} rows lack an observation, incident, reason or STRIDE",
            len(missing)).format(n=len(missing)))
    reviewed = f.store.last_activity(f.session_id, "matrix_reviewed")
    if reviewed is None:
        return Verdict(False, _("mark the matrix reviewed once you agree with every row"))
    added = f.store.last_activity(f.session_id, "matrix_rows_added")
    if added is not None and added.id > reviewed.id:
        count = int(added.detail.get("count", 0))
        return Verdict(False, ngettext(
            "{n} row was added since you marked the matrix reviewed",
            "{n} rows were added since you marked the matrix reviewed",
            count).format(n=count))
    return Verdict(True, ngettext("{n} row reviewed", "{n} rows reviewed",
                                  len(rows)).format(n=len(rows)))


def _actions_chosen(f: Facts) -> Verdict:
    rows = f.rows
    if not rows:
        return Verdict(False, _("no matrix yet"))
    high = [r for r in rows if r.score >= HIGH_RISK_FROM and r.status not in ("fixed",)]
    actions = f.store.actions(f.session_id)
    undecided, unowned = 0, set[int]()
    for r in high:
        if r.status == "accepted":
            continue
        answering = [a for a in actions if r.id in a["row_ids"]
                     and (a["status"] or "") in orient.ANSWERING]
        if not answering:
            undecided += 1
        elif not any((a["owner"] or "").strip() and (a["due"] or "").strip()
                     for a in answering):
            unowned.update(a["id"] for a in answering)
    if undecided or unowned:
        parts = []
        if undecided:
            parts.append(_("{undecided} of {total} high-risk rows still without a "
                           "decision").format(undecided=undecided, total=len(high)))
        if unowned:
            parts.append(ngettext("{n} chosen action has no owner or due date",
                                  "{n} chosen actions have no owner or due date",
                                  len(unowned)).format(n=len(unowned)))
        return Verdict(False, C_(N_("separator|; ")).join(parts))
    if not high:
        return Verdict(True, _("no row at risk {risk} or more").format(risk=HIGH_RISK_FROM))
    return Verdict(True, _("all {n} high-risk rows decided, with owners and dates").format(
        n=len(high)))


def _decisions_exported(f: Facts) -> Verdict:
    exported = f.store.last_activity(f.session_id, "decisions_exported")
    changed = f.store.last_activity(f.session_id, "decisions_changed")
    if exported is None:
        return Verdict(False, _("the decision table has not been exported yet"))
    rows = int(exported.detail.get("decisions", 0))
    if rows < 1:
        return Verdict(False, _("the last export had no decision in it"))
    if changed is not None and changed.id > exported.id:
        return Verdict(False, _("decisions changed after the last export; export again"))
    return Verdict(True, ngettext("exported with {n} decision at {at}",
                                  "exported with {n} decisions at {at}", rows).format(
        n=rows, at=exported.at))


RULES: dict[str, Callable[[Facts], Verdict]] = {
    "accounts_discovered": _accounts_discovered,
    "interview_complete": _interview_complete,
    "tf_imported": _tf_imported,
    "scan_finished": _scan_complete,
    "findings_triaged": _findings_triaged,
    "diagram_exported": _diagram_exported,
    "assets_declared": _assets_declared,
    "matrix_reviewed": _matrix_reviewed,
    "actions_chosen": _actions_chosen,
    "decisions_exported": _decisions_exported,
}
"""Rule name (week.yaml's `auto:`) → the predicate over the store."""


def task_states(catalog: Catalog, store: Store, session_id: int) -> list[TaskState]:
    """Every task: the user's own tick or untick wins; else its rule decides; a task with
    no rule is open until ticked."""
    overrides = store.task_overrides(session_id)
    facts = Facts(catalog, store, session_id)
    out = []
    for day in catalog.days:
        for task in day.tasks:
            rule = RULES.get(task.auto or "")
            verdict = rule(facts) if rule else None
            if task.id in overrides:
                done = overrides[task.id]
                if verdict is not None:
                    why = (_("ticked by you (the rule says: {reason})") if done
                           else _("unticked by you (the rule says: {reason})")).format(
                        reason=verdict.reason)
                else:
                    why = _("ticked by you") if done else _("unticked by you")
                out.append(TaskState(task, day.day, done, "user", why))
            elif verdict is not None:
                out.append(TaskState(task, day.day, verdict.done, "derived", verdict.reason))
            else:
                out.append(TaskState(task, day.day, False, "open",
                                     _("no rule can see this one: tick it yourself when it is "
                                       "done")))
    return out


def progress(catalog: Catalog, store: Store, session_id: int,
             states: list[TaskState] | None = None) -> list[DayProgress]:
    states = states if states is not None else task_states(catalog, store, session_id)
    return [DayProgress(d.day, d.title, d.phase.value,
                        sum(1 for s in states if s.day == d.day and s.done),
                        sum(1 for s in states if s.day == d.day))
            for d in catalog.days]


def next_task(catalog: Catalog, store: Store, session_id: int,
              states: list[TaskState] | None = None) -> TaskState | None:
    """The first open task, in plan order: what to do next."""
    states = states if states is not None else task_states(catalog, store, session_id)
    return next((s for s in states if not s.done), None)


def current_day(catalog: Catalog, store: Store, session_id: int,
                states: list[TaskState] | None = None) -> int:
    """Where the week is: the latest day with a done task, or the day after it once all of
    that day's tasks are done (day 1 before anything is done). A task left open on an
    earlier day does not pull the week back to it."""
    states = states if states is not None else task_states(catalog, store, session_id)
    days = [d.day for d in catalog.days]
    if not days:
        return 1
    done_days = [s.day for s in states if s.done]
    if not done_days:
        return days[0]
    latest = max(done_days)
    if all(s.done for s in states if s.day == latest):
        later = [d for d in days if d > latest]
        return later[0] if later else latest
    return latest
