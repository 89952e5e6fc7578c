"""The Decide step: actions that answer matrix rows, with owner, priority, due date, status
and a remediation plan filled with the real resource names.

Suggested actions come from the catalog (an ActionDef answers check ids; the suggestion
lists the open rows of those checks); choosing one creates an action with status `chosen`
linked to those rows. Custom actions are the user's own. The decision table — the talk's
"observation | assumed incident | reason | action" — is one line per (action, row).
Core only: the Actions screen and `onboard actions` call these functions; no UI imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from onboard.catalog import Catalog, in_language
from onboard.i18n import N_, _
from onboard.models import Action, ActionStatus
from onboard.orient import MatrixRow, matrix, written_language
from onboard.remediation import Plan, TfIndex, plan
from onboard.store import Store


class DecideError(ValueError):
    """Bad action input (unknown id, bad status/priority/date); one line for the user."""


PRIORITIES = ("P1", "P2", "P3")
P1_FROM = 12
"""Risk at or above which a row makes its action P1 (e.g. value 3 × threat 2 × vuln 2)."""
P2_FROM = 6
"""Risk at or above which a row makes its action P2 (e.g. the default 2 × 3 × 1); below: P3."""


def priority_for(score: int) -> str:
    """P1 for risk ≥ 12, P2 for risk ≥ 6, else P3 (risk is 1–27)."""
    return "P1" if score >= P1_FROM else "P2" if score >= P2_FROM else "P3"


class Suggestion(BaseModel):
    """A catalog action that answers at least one open matrix row."""

    id: str
    title: str
    description: str
    effort: str
    check_ids: list[str] = Field(description="Answered checks that have open rows.")
    row_ids: list[int] = Field(description="Open rows it answers, highest risk first.")
    best_risk: int
    priority: str
    action_id: int | None = Field(default=None, description="The action made from it.")
    status: ActionStatus | None = None


class DecisionLine(BaseModel):
    """One line of the decision table: a row and the action that answers it."""

    action_id: int
    action: str
    row_id: int | None = None
    check_id: str = ""
    observation: str = ""
    incident: str = ""
    reason: str = ""
    owner: str = ""
    due: str = ""
    status: ActionStatus
    priority: str
    risk: int | None = None
    kit: str = ""  # the onboard command that carries the action out, if there is one


ANSWERS_NOTHING = N_("{id} answers no open matrix row; `onboard actions suggest` lists the "
                     "current suggestions")
UNKNOWN_ACTION = N_("unknown action {id}; `onboard actions suggest` lists suggested ids, "
                    "`onboard actions list` numbered ones")

# Actions onboard has a kit for: the decision table points at it.
KITS = {"adopt-identity-center": "onboard sso plan"}


# --- validation ---------------------------------------------------------------------------


def _status(value: Any) -> ActionStatus:
    text = str(value).strip().lower().replace("'", "").replace("_", " ")
    aliases = {"in progress": "doing", "wont do": "wont", "won t": "wont", "wont": "wont"}
    try:
        return ActionStatus(aliases.get(text, text))
    except ValueError:
        raise DecideError(_("status must be one of {choices}, not {value}").format(
            choices=", ".join(s.value for s in ActionStatus), value=repr(value))) from None


def _priority(value: Any) -> str:
    text = str(value or "").strip().upper()
    if text and text not in PRIORITIES:
        raise DecideError(_("priority must be P1, P2 or P3 (or empty for derived), not "
                            "{value}").format(value=repr(value)))
    return text


def _due(value: Any) -> str:
    text = str(value or "").strip()
    if text:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise DecideError(_("due date must be an ISO date like 2025-01-31, not "
                                "{value}").format(value=repr(value))) from None
    return text


# --- reading ------------------------------------------------------------------------------


def _rows(store: Store, catalog: Catalog, session_id: int,
          rows: Sequence[MatrixRow] | None) -> list[MatrixRow]:
    return list(rows) if rows is not None else matrix(store, catalog, session_id)


def _titles(catalog: Catalog, written: str) -> Callable[[str | None, str], str]:
    """A chosen action's title in the catalog's language when it was not retitled: the
    stored title is the catalog's in the language it was written in."""
    if catalog.lang == written:
        return lambda action_def, title: title
    before = in_language(catalog, written)

    def title_of(action_def: str | None, title: str) -> str:
        if action_def in catalog.actions and action_def in before.actions and \
                title == before.actions[action_def].title:
            return catalog.actions[action_def].title
        return title
    return title_of


def list_actions(store: Store, catalog: Catalog, session_id: int,
                 rows: Sequence[MatrixRow] | None = None) -> list[Action]:
    """All actions, highest risk first (then oldest first)."""
    rows = _rows(store, catalog, session_id, rows)
    position = {r.id: i for i, r in enumerate(rows)}
    scores = {r.id: r.score for r in rows}
    title_of = _titles(catalog, written_language(store, session_id))
    out = []
    for a in store.actions(session_id):
        row_ids = sorted((rid for rid in a["row_ids"] if rid in position),
                         key=position.__getitem__)
        best = max((scores[rid] for rid in row_ids), default=0)
        stored_priority = a["priority"] or ""
        out.append(Action(id=a["id"], action_def=a["action_def"] or None,
                          title=title_of(a["action_def"], a["title"] or ""),
                          owner=a["owner"] or "",
                          priority=stored_priority or priority_for(best),
                          priority_set=bool(stored_priority), due=a["due"] or "",
                          status=_status(a["status"] or "proposed"),
                          remediation=a["remediation"] or "", notes=a["notes"] or "",
                          row_ids=row_ids, best_risk=best))
    return sorted(out, key=lambda a: (-a.best_risk, a.id))


def get_action(store: Store, catalog: Catalog, session_id: int, action_id: int,
               rows: Sequence[MatrixRow] | None = None) -> Action:
    for a in list_actions(store, catalog, session_id, rows):
        if a.id == action_id:
            return a
    raise DecideError(_("no action {id}").format(id=action_id))


def suggestions(store: Store, catalog: Catalog, session_id: int,
                rows: Sequence[MatrixRow] | None = None) -> list[Suggestion]:
    """Catalog actions answering the open rows, highest risk first (then id)."""
    rows = [r for r in _rows(store, catalog, session_id, rows) if not r.fixed and not r.custom]
    existing: dict[str, dict[str, Any]] = {}
    for a in store.actions(session_id):
        if a["action_def"]:
            existing.setdefault(a["action_def"], a)
    out = []
    for action_def in catalog.actions.values():
        answered = [r for r in rows if r.check_id in action_def.answers]
        if not answered:
            continue
        best = max(r.score for r in answered)
        made = existing.get(action_def.id)
        out.append(Suggestion(
            id=action_def.id, title=action_def.title, description=action_def.description,
            effort=action_def.effort,
            check_ids=sorted({r.check_id for r in answered}),
            row_ids=[r.id for r in answered], best_risk=best, priority=priority_for(best),
            action_id=made["id"] if made else None,
            status=_status(made["status"]) if made else None))
    return sorted(out, key=lambda s: (-s.best_risk, s.id))


# --- writing ------------------------------------------------------------------------------


def _changes(owner: str | None, due: str | None, priority: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if owner is not None:
        out["owner"] = owner.strip()
    if due is not None:
        out["due"] = _due(due)
    if priority is not None:
        out["priority"] = _priority(priority)
    return out


def choose(store: Store, catalog: Catalog, session_id: int, ref: str | int, *,
           owner: str | None = None, due: str | None = None, priority: str | None = None,
           rows: Sequence[MatrixRow] | None = None) -> Action:
    """Choose a suggested action (by catalog id) or an existing action (by numeric id).

    A suggestion becomes an action with status `chosen` linked to the open rows it answers
    (or, if it was made before, gains those rows and is set to `chosen` unless work on it
    has started). An existing action that is proposed or won't-do becomes chosen.
    """
    rows = _rows(store, catalog, session_id, rows)
    fields = _changes(owner, due, priority)
    text = str(ref).strip()
    if text.isdigit():
        action = get_action(store, catalog, session_id, int(text), rows)
        if action.status in (ActionStatus.PROPOSED, ActionStatus.WONT):
            fields["status"] = ActionStatus.CHOSEN.value
        store.save_action(session_id, {"id": action.id, **fields})
    else:
        found = {s.id: s for s in suggestions(store, catalog, session_id, rows)}
        suggestion = found.get(text)
        if suggestion is None:
            if text in catalog.actions:
                raise DecideError(_(ANSWERS_NOTHING).format(id=text))
            raise DecideError(_(UNKNOWN_ACTION).format(id=repr(text)))
        if suggestion.action_id is not None:
            action = get_action(store, catalog, session_id, suggestion.action_id, rows)
            if action.status in (ActionStatus.PROPOSED, ActionStatus.WONT):
                fields["status"] = ActionStatus.CHOSEN.value
            ids = sorted(set(action.row_ids) | set(suggestion.row_ids))
            store.save_action(session_id, {"id": action.id, "row_ids": ids, **fields})
            action_id = action.id
        else:
            action_def = catalog.actions[text]
            action_id = store.save_action(session_id, {
                "action_def": action_def.id, "title": action_def.title, "owner": "",
                "priority": "", "due": "", "status": ActionStatus.CHOSEN.value,
                "remediation": "", "notes": "", **fields, "row_ids": suggestion.row_ids})
        action = get_action(store, catalog, session_id, action_id)
    return get_action(store, catalog, session_id, action.id)


def resolve_refs(store: Store, catalog: Catalog, session_id: int, refs: Iterable[str],
                 rows: Sequence[MatrixRow] | None = None) -> list[str]:
    """Check every ref before anything is written; 'all' means every current suggestion.
    Raises DecideError naming the first unknown id."""
    rows = _rows(store, catalog, session_id, rows)
    suggested = [s.id for s in suggestions(store, catalog, session_id, rows)]
    existing = {str(a["id"]) for a in store.actions(session_id)}
    out: list[str] = []
    for ref in refs:
        text = str(ref).strip()
        wanted = suggested if text.lower() == "all" else [text]
        for item in wanted:
            if item.isdigit():
                if item not in existing:
                    raise DecideError(_("no action {id}; `onboard actions list` shows "
                                        "them").format(id=item))
            elif item not in suggested:
                if item in catalog.actions:
                    raise DecideError(_(ANSWERS_NOTHING).format(id=item))
                raise DecideError(_(UNKNOWN_ACTION).format(id=repr(item)))
            if item not in out:
                out.append(item)
    return out


def add_action(store: Store, catalog: Catalog, session_id: int, title: str, *,
               row_ids: Iterable[int] = (), owner: str = "", due: str = "",
               priority: str = "", status: str = "proposed", remediation: str = "",
               notes: str = "") -> Action:
    """A custom action (the user's own idea, or an answer to a custom row)."""
    if not title.strip():
        raise DecideError(_("an action needs a title"))
    known = {r.id for r in store.matrix_rows(session_id)}
    ids = sorted(set(row_ids))
    missing = [i for i in ids if i not in known]
    if missing:
        raise DecideError(_("no matrix row {id}").format(id=missing[0]))
    state = _status(status)
    action_id = store.save_action(session_id, {
        "action_def": None, "title": title.strip(), "owner": owner.strip(),
        "priority": _priority(priority), "due": _due(due), "status": state.value,
        "remediation": remediation, "notes": notes, "row_ids": ids})
    return get_action(store, catalog, session_id, action_id)


EDITABLE = ("title", "owner", "priority", "due", "status", "remediation", "notes", "row_ids")


def update_action(store: Store, catalog: Catalog, session_id: int, action_id: int,
                  **changes: Any) -> Action:
    """Change title, owner, priority ('' = derived), due, status, remediation, notes or
    row_ids (replaces the links)."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise DecideError(_("cannot edit {names}; editable: {editable}").format(
            names=", ".join(unknown), editable=", ".join(EDITABLE)))
    get_action(store, catalog, session_id, action_id)
    data: dict[str, Any] = {"id": action_id}
    for name, value in changes.items():
        if name == "status":
            data[name] = _status(value).value
        elif name == "priority":
            data[name] = _priority(value)
        elif name == "due":
            data[name] = _due(value)
        elif name == "row_ids":
            known = {r.id for r in store.matrix_rows(session_id)}
            ids = sorted(set(value))
            if any(i not in known for i in ids):
                raise DecideError(_("no matrix row {id}").format(
                    id=next(i for i in ids if i not in known)))
            data[name] = ids
        elif name == "title" and not str(value).strip():
            raise DecideError(_("an action needs a title"))
        else:
            data[name] = str(value)
    store.save_action(session_id, data)
    return get_action(store, catalog, session_id, action_id)


def delete_action(store: Store, catalog: Catalog, session_id: int, action_id: int) -> None:
    get_action(store, catalog, session_id, action_id)
    store.delete_action(action_id)


# --- the decision table and remediation ---------------------------------------------------


def decision_table(store: Store, catalog: Catalog, session_id: int,
                   rows: Sequence[MatrixRow] | None = None,
                   include_proposed: bool = False) -> list[DecisionLine]:
    """One line per (decided action, row it answers), in matrix order (highest risk
    first); an action that answers no row gets one line with empty row columns."""
    rows = _rows(store, catalog, session_id, rows)
    by_id = {r.id: r for r in rows}
    position = {r.id: i for i, r in enumerate(rows)}
    lines: list[tuple[tuple[int, int], DecisionLine]] = []
    for a in list_actions(store, catalog, session_id, rows):
        if not a.status.decided and not include_proposed:
            continue
        common: dict[str, Any] = {"action_id": a.id, "action": a.title, "owner": a.owner,
                                  "due": a.due, "status": a.status, "priority": a.priority,
                                  "kit": KITS.get(a.action_def or "", "")}
        if not a.row_ids:
            lines.append(((len(rows), a.id), DecisionLine(**common)))
        for rid in a.row_ids:
            r = by_id[rid]
            lines.append(((position[rid], a.id), DecisionLine(
                row_id=r.id, check_id=r.check_id, observation=r.observation,
                incident=r.incident, reason=r.reason, risk=r.score, **common)))
    return [line for _key, line in sorted(lines, key=lambda x: x[0])]


def plan_for(catalog: Catalog, action: Action, rows: Sequence[MatrixRow],
             tf: TfIndex) -> Plan:
    """The action's snippet: its catalog steps plus the fix for every failing resource of
    the open rows it answers, with Terraform addresses where they are known."""
    by_id = {r.id: r for r in rows}
    linked = [by_id[i] for i in action.row_ids if i in by_id and not by_id[i].fixed]
    action_def = catalog.actions.get(action.action_def or "")
    return plan(action_def, catalog.checks,
                [(r.check_id, r.resources) for r in linked if not r.custom], tf,
                notes=action.remediation)


def remediation_plan(store: Store, catalog: Catalog, session_id: int, action: Action,
                     rows: Sequence[MatrixRow] | None = None) -> Plan:
    """`plan_for` with the matrix and the imported Terraform state read from the store."""
    return plan_for(catalog, action, _rows(store, catalog, session_id, rows),
                    TfIndex(store.tf_resources(session_id)))


# --- the talk's decision table: one row per decision -------------------------------------


HIGH_RISK_FROM = P1_FROM
"""A row at or above this risk with no decision is listed under "without a decision"."""
DECIDING = (ActionStatus.CHOSEN, ActionStatus.DOING, ActionStatus.DONE)
"""Statuses that make an action a row of the decision table (won't-do accepts a risk)."""


class TableRow(BaseModel):
    """A matrix row as the decision table shows it: numbered by its rank in the matrix."""

    number: int = Field(description="1 = the highest-ranked row of the matrix (never an id).")
    row_id: int
    check_id: str = ""
    observation: str
    incident: str = ""
    reason: str = ""
    risk: int


class Decision(BaseModel):
    """One decision: the rows it answers → the action, with owner, due date and status."""

    number: int = Field(description="1 = the decision with the highest risk.")
    action_id: int
    action: str
    action_def: str | None = None
    priority: str
    owner: str = ""
    due: str = ""
    status: ActionStatus
    notes: str = ""
    kit: str = ""
    risk: int = Field(description="The highest risk of the rows it answers (0: none).")
    rows: list[TableRow] = Field(default_factory=list)


class AcceptedRisk(BaseModel):
    """A row whose risk was accepted: by triage (accepted risk / false positive) or by a
    won't-do action."""

    row: TableRow
    how: str = Field(description="'triage' or \"won't do\".")
    by: str = Field(description="Who accepted it ('' when not recorded).")
    note: str = ""
    action: str = ""


class DecisionTable(BaseModel):
    """The talk's table with its heading: what was decided, what is high-risk and still
    undecided, what was accepted."""

    session: str
    person: str = ""
    date: str = Field(description="ISO date of the last decision change (or of the scan).")
    scan_id: int | None = None
    scan_status: str = ""
    accounts: list[str] = Field(default_factory=list, description="'Name (id)' per account.")
    regions: list[str] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    undecided: list[TableRow] = Field(default_factory=list,
                                      description=f"Open rows with risk ≥ {HIGH_RISK_FROM}.")
    accepted: list[AcceptedRisk] = Field(default_factory=list)


def table_rows(rows: Sequence[MatrixRow]) -> dict[int, TableRow]:
    """Row id → the row numbered by its rank in the matrix (rows in `matrix` order)."""
    return {r.id: TableRow(number=i, row_id=r.id, check_id=r.check_id,
                           observation=r.observation, incident=r.incident, reason=r.reason,
                           risk=r.score)
            for i, r in enumerate(rows, start=1)}


def decisions(store: Store, catalog: Catalog, session_id: int,
              rows: Sequence[MatrixRow] | None = None) -> DecisionTable:
    """The decision table as the talk made it (a pure read): one line per chosen / in
    progress / done action ordered by the highest risk it answers, the open rows of risk
    ≥ HIGH_RISK_FROM that no decision answers, and the accepted rows with who and why."""
    rows = _rows(store, catalog, session_id, rows)
    numbered = table_rows(rows)
    session = store.session(session_id)
    scan = store.latest_scan(session_id)
    actions = list_actions(store, catalog, session_id, rows)
    out: list[Decision] = []
    for a in actions:
        if a.status not in DECIDING:
            continue
        linked = [numbered[i] for i in a.row_ids if i in numbered]
        out.append(Decision(number=0, action_id=a.id, action=a.title, action_def=a.action_def,
                            priority=a.priority, owner=a.owner, due=a.due, status=a.status,
                            notes=a.notes, kit=KITS.get(a.action_def or "", ""),
                            risk=max((r.risk for r in linked), default=0),
                            rows=sorted(linked, key=lambda r: r.number)))
    out.sort(key=lambda d: (-d.risk, d.priority, d.rows[0].number if d.rows else 10**6,
                            d.action_id))
    for i, d in enumerate(out, start=1):
        d.number = i
    undecided = [numbered[r.id] for r in rows
                 if r.status == "open" and r.score >= HIGH_RISK_FROM]
    triage = store.triage(session_id)
    accepted: list[AcceptedRisk] = []
    for r in rows:
        if r.status != "accepted":
            continue
        if r.accepted:
            notes = sorted({triage.get((r.check_id, x.account_id, x.region, x.resource_id),
                                       {}).get("note", "") for x in r.resources} - {""})
            accepted.append(AcceptedRisk(row=numbered[r.id], how="triage", by=session.person,
                                         note="\n".join(notes)))
            continue
        for a in actions:
            if r.id in a.row_ids and a.status is ActionStatus.WONT:
                accepted.append(AcceptedRisk(row=numbered[r.id], how="won't do", by=a.owner,
                                             note=a.notes, action=a.title))
    changed = store.last_activity(session_id, "decisions_changed")
    date_of = (changed.at if changed else (scan.finished or scan.started) if scan
               else session.started)
    account_list = store.accounts(session_id)
    return DecisionTable(
        session=session.name, person=session.person, date=date_of[:10],
        scan_id=scan.id if scan else None, scan_status=scan.status if scan else "",
        accounts=[f"{a.name} ({a.account_id})" if a.name else a.account_id
                  for a in sorted(account_list, key=lambda a: (a.name or "~", a.account_id))],
        regions=sorted(scan.regions) if scan else [],
        decisions=out, undecided=undecided, accepted=accepted)
