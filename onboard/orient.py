"""The Orient step: failed findings → matrix rows (observation → assumed incident → reason,
STRIDE) scored by risk = information asset value × threat likelihood × vulnerability (1–27).

Rows are generated from the current scan (`Store.latest_scan`) by `regenerate`, which only
the write path (`onboard.workspace`) calls; one per check (or per check × account), and stay
the user's: every text field and both scores can be edited (the field is then listed in the
row's `edited` and regeneration leaves it alone), custom rows can be added for what no check
sees, and a row whose findings are all gone is marked `fixed` instead of being deleted.
Core only: the Matrix screen and `onboard matrix` call these functions; no UI imports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from onboard.assets import AssetIndex
from onboard.catalog import Catalog
from onboard.i18n import _, ngettext, speaking
from onboard.models import (
    STRIDE_NAMES,
    CheckDef,
    Finding,
    MatrixRow,
    RiskBreakdown,
    RowResource,
    Status,
)
from onboard.people import Person, UserRef, parse_user_key, resolve, user_ref
from onboard.store import Store

DEFAULT_ASSET_VALUE = 2
"""Asset value of a row whose resources hold no declared information asset."""
DEFAULT_ASSET_NAME = "unclassified"
DEFAULT_SCORE = 2
"""Threat and vulnerability of custom rows (and of checks missing from the catalog)."""
TEXT_FIELDS = ("observation", "incident", "reason", "stride")
SCORE_FIELDS = ("threat", "vulnerability")
EDITABLE_FIELDS = TEXT_FIELDS + SCORE_FIELDS
EXCLUDED_MARKS = frozenset({"false positive", "accepted risk"})
"""Triage marks whose findings do not count toward a row."""
MAX_EXAMPLES = 3
ACCOUNT_CHECK = "account.access"
"""The check whose PASS says a scan read an account (onboard/checks/account_access.py)."""


class OrientError(ValueError):
    """Bad matrix input (unknown row, score out of range, bad STRIDE); one line."""


# --- helpers ------------------------------------------------------------------------------


def normalize_stride(value: str | Iterable[str]) -> str:
    """'E, s' / ['S', 'E'] / 'SE' → 'SE' (STRIDE order); OrientError on anything else."""
    text = value if isinstance(value, str) else "".join(value)
    letters = [c.upper() for c in text if c not in " ,;/|-"]
    bad = sorted({c for c in letters if c not in STRIDE_NAMES})
    if bad:
        raise OrientError(_("STRIDE letters are S, T, R, I, D, E; not {bad!r}").format(
            bad="".join(bad)))
    return "".join(c for c in "STRIDE" if c in letters)


def _score(value: Any, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise OrientError(_("{name} must be 1, 2 or 3, not {value!r}").format(
            name=name, value=value))
    if not 1 <= number <= 3:
        raise OrientError(_("{name} must be 1, 2 or 3, not {value!r}").format(
            name=name, value=value))
    return number


def _mark(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def counted_findings(store: Store, session_id: int, scan_id: int) -> list[Finding]:
    """FAIL findings of a scan minus those triaged as false positive or accepted risk."""
    triage = store.triage(session_id)
    return [f for f in store.findings(scan_id, status="FAIL")
            if _mark(triage.get(f.key, {}).get("mark", "")) not in EXCLUDED_MARKS]


def row_resource(f: Finding) -> RowResource:
    return RowResource(account_id=f.account_id, region=f.region, resource_id=f.resource_id,
                       resource_arn=f.resource_arn, resource_type=f.resource_type,
                       terraform_address=f.terraform_address)


def _account_label(account_id: str, account_names: dict[str, str]) -> str:
    return account_names.get(account_id) or account_id


def _labels(check: CheckDef | None, resources: list[RowResource],
            account_names: dict[str, str]) -> list[tuple[str, RowResource]]:
    """A display label per resource, ordered by account name: account-scoped checks show
    the account's name; every other label names its account ("app-server (Staging)")."""
    scope = check.scope if check else ""
    out = []
    for r in sorted(resources, key=lambda r: (_account_label(r.account_id, account_names),
                                              r.account_id, r.region, r.resource_id)):
        account = _account_label(r.account_id, account_names)
        label = account if scope == "account" else f"{r.resource_id} ({account})"
        out.append((label, r))
    return out


def examples_text(check: CheckDef | None, resources: list[RowResource],
                  account_names: dict[str, str] | None = None) -> str:
    """Up to three distinct names, then 'and N more' counting the resources not shown."""
    labelled = _labels(check, resources, account_names or {})
    shown: list[str] = []
    for label, __ in labelled:
        if label not in shown and len(shown) < MAX_EXAMPLES:
            shown.append(label)
    rest = sum(1 for label, __ in labelled if label not in shown)
    return _joined(shown, rest)


def _joined(shown: list[str], rest: int) -> str:
    """'a, b, c and 4 more' in the language being spoken."""
    return _(", ").join(shown) + (_(" and {rest} more").format(rest=rest) if rest else "")


PeopleIndex = dict[tuple[str, str], str]
"""(account id, IAM user name) → person id, from `people.resolve` (see `people_index`)."""


def people_index(store: Store, session_id: int, scan_id: int) -> PeopleIndex:
    """Who each IAM user of a scan is: `people.resolve` over the scan's users (same name,
    email tag) with the user's own mapping (the Identity Center plan's `move-user`)."""
    return {(m.user.account_id, m.user.user_name): person.id
            for person in people_of(store, session_id, scan_id) for m in person.users}


def people_of(store: Store, session_id: int, scan_id: int,
              only: set[tuple[str, str]] | None = None) -> list[Person]:
    """The people behind a scan's IAM users (`only`: those (account, user) pairs), each
    user with the rule that put it there."""
    users = [user_ref(r.account_id, r.id, r.attrs.get("tags"))
             for r in store.resources(scan_id, "iam.user")
             if only is None or (r.account_id, r.id) in only]
    seen = {(u.account_id, u.user_name) for u in users}
    users += [UserRef(a, u) for a, u in sorted((only or set()) - seen)]  # no inventory row
    mapping: dict[tuple[str, str], str] = {}
    for edit in store.sso_edits(session_id):
        if edit["kind"] == "move-user":
            try:
                mapping[parse_user_key(edit["target"])] = edit["value"]
            except ValueError:  # a malformed stored edit: the rules decide
                continue
    return resolve(users, mapping)


def _people(resources: list[RowResource], index: PeopleIndex | None
            ) -> dict[str, list[RowResource]]:
    """Person id → their failing users; without an index, users of one name are one."""
    if index is None:
        refs = [UserRef(r.account_id, r.resource_id) for r in resources]
        index = {(m.user.account_id, m.user.user_name): p.id
                 for p in resolve(refs) for m in p.users}
    out: dict[str, list[RowResource]] = defaultdict(list)
    for r in resources:
        out[index.get((r.account_id, r.resource_id), r.resource_id.lower())].append(r)
    return out


def _people_phrase(people: int, users: int, accounts: int) -> str:
    return _("{people} ({users} in {accounts})").format(
        people=ngettext("{n} person", "{n} people", people).format(n=people),
        users=ngettext("{n} IAM user", "{n} IAM users", users).format(n=users),
        accounts=_accounts(accounts))


def _accounts(n: int) -> str:
    return ngettext("{n} account", "{n} accounts", n).format(n=n)


def _people_values(resources: list[RowResource], account_names: dict[str, str],
                   index: PeopleIndex | None) -> dict[str, Any]:
    """{people} "5 people (12 IAM users in 3 accounts)", {people_examples} "haruka.sato
    (Management, Staging)", {pp:one|many} plural on the people count."""
    people = _people(resources, index)
    accounts = {r.account_id for r in resources}
    phrase = _people_phrase(len(people), len(resources), len(accounts))
    ranked = sorted(people.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    shown = []
    for pid, users in ranked[:MAX_EXAMPLES]:
        names = sorted({_account_label(u.account_id, account_names) for u in users})
        shown.append(f"{pid} ({_(', ').join(names)})")
    rest = len(ranked) - len(shown)
    return {"people": phrase, "people_count": len(people), "pp": Plural(len(people)),
            "people_examples": _joined(shown, rest)}


def _scope_values(resources: list[RowResource]) -> dict[str, Any]:
    """{regions} "2 regions of 4 accounts (7 account-regions)", {accounts} "4 accounts":
    a region-scoped finding is one account × region pair, not one region."""
    accounts = {r.account_id for r in resources}
    regions = {r.region for r in resources}
    pairs = {(r.account_id, r.region) for r in resources}
    text = _("{regions} of {accounts}").format(
        regions=ngettext("{n} region", "{n} regions", len(regions)).format(n=len(regions)),
        accounts=_accounts(len(accounts)))
    if len(pairs) != len(regions):
        text += _(" ({n} account-regions)").format(n=len(pairs))
    return {"regions": text, "accounts": _accounts(len(accounts)),
            "account_count": len(accounts), "region_count": len(regions)}


class Plural:
    """`{p:bucket is|buckets are}` in an observation template: the first form for one,
    the second for any other count."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __format__(self, spec: str) -> str:
        one, __, many = spec.partition("|")
        return one if self.count == 1 else (many or one)


def generated(check_id: str, check: CheckDef | None, resources: list[RowResource],
              account_names: dict[str, str] | None = None,
              people: PeopleIndex | None = None, lang: str | None = None) -> dict[str, Any]:
    """`_generated` in `lang` (the catalog's language: its counts and lists match its
    sentences); None: the language being spoken."""
    if lang is None:
        return _generated(check_id, check, resources, account_names, people)
    with speaking(lang):
        return _generated(check_id, check, resources, account_names, people)


def _generated(check_id: str, check: CheckDef | None, resources: list[RowResource],
               account_names: dict[str, str] | None = None,
               people: PeopleIndex | None = None) -> dict[str, Any]:
    """The catalog's text for a row: observation filled with {count}, {examples},
    {p:singular|plural}, and {people}, {people_examples}, {pp:one|many} (IAM users counted
    as people), {regions}, {accounts} (account × region pairs counted as such)."""
    names = account_names or {}
    shown = examples_text(check, resources, names)
    values = {"count": len(resources), "examples": shown, "p": Plural(len(resources)),
              **_scope_values(resources), **_people_values(resources, names, people)}
    if check is None:
        return {"observation": _("{n} resources fail {check}: {examples}").format(
                    n=len(resources), check=check_id, examples=shown),
                "incident": "", "reason": "", "stride": "", "threat": DEFAULT_SCORE,
                "vulnerability": DEFAULT_SCORE}
    try:
        observation = check.observation.format_map(values)
    except (KeyError, IndexError, ValueError):  # a team's template with a stray brace
        observation = f"{check.observation} ({len(resources)}: {shown})"
    return {"observation": observation, "incident": check.incident, "reason": check.reason,
            "stride": normalize_stride(check.stride), "threat": check.threat,
            "vulnerability": check.vulnerability}


def _load_rows(store: Store, session_id: int) -> list[MatrixRow]:
    return store.matrix_rows(session_id)


# --- regeneration (the write path only: onboard.workspace calls it) ----------------------


ROW_STATES = ("open", "answered", "accepted", "fixed")


def regenerate(store: Store, catalog: Catalog, session_id: int,
               per_account: bool | None = None) -> int:
    """Bring the generated rows in line with the current scan; return how many rows it
    added. Only `onboard.workspace` calls this, inside the transaction of the write that
    changed an input (a scan, a triage mark, a Terraform import, the per-account switch).

    - one row per failing check (per check × account with `per_account`; None keeps the
      mode the existing rows are in, default one row per check);
    - unedited fields take the catalog's current text, edited fields are kept;
    - a row whose every failing finding is triaged accepted risk / false positive is
      `accepted` (it stays, with those resources, for the decision table);
    - a row with no failing finding left is `fixed` only when a *complete* scan read each of
      its resources again and it passed (or the resource is gone from an account and check
      that were read without error); otherwise it is left as it was: not re-checked;
    - switching `per_account` carries edits and action links over to the new rows.
    """
    scan = store.latest_scan(session_id)
    if scan is None:
        return 0
    rows = _load_rows(store, session_id)
    generated_rows = [r for r in rows if not r.custom]
    if per_account is None:
        per_account = _current_mode(generated_rows)
    account_names = {a.account_id: a.name for a in store.accounts(session_id)}
    people = people_index(store, session_id, scan.id)

    triage = store.triage(session_id)
    groups: dict[tuple[str, str], list[RowResource]] = defaultdict(list)
    excluded: dict[tuple[str, str], list[RowResource]] = defaultdict(list)
    status_of: dict[tuple[str, str, str, str], Status] = {}
    unread_checks: set[tuple[str, str]] = set()
    readable: set[str] = set()  # accounts *this* scan read (account.access PASS)
    for f in store.findings(scan.id):
        status_of[f.key] = f.status
        if f.check_id == ACCOUNT_CHECK and f.status == Status.PASS:
            readable.add(f.account_id)
        if f.status in (Status.ERROR, Status.SKIPPED):
            unread_checks.add((f.check_id, f.account_id))
        if f.status != Status.FAIL:
            continue
        key = (f.check_id, f.account_id if per_account else "")
        if _mark(triage.get(f.key, {}).get("mark", "")) in EXCLUDED_MARKS:
            excluded[key].append(row_resource(f))
        else:
            groups[key].append(row_resource(f))

    existing = {(r.check_id, r.account_id): r for r in generated_rows
                if bool(r.account_id) == per_account}
    donors: dict[str, list[MatrixRow]] = defaultdict(list)
    for r in generated_rows:
        if bool(r.account_id) != per_account:
            donors[r.check_id].append(r)
    actions = store.actions(session_id)
    new_ids: dict[str, list[int]] = defaultdict(list)
    added = 0

    for key in sorted(set(groups) | set(excluded)):
        check_id, account_id = key
        accepted = key not in groups
        resources = groups[key] if not accepted else excluded[key]
        gen = generated(check_id, catalog.checks.get(check_id), resources, account_names,
                        people, catalog.lang)
        row = existing.get(key)
        if row is None:
            row = MatrixRow(id=0, check_id=check_id, account_id=account_id)
            for donor in sorted(donors.get(check_id, []), key=lambda d: d.id):
                for name in donor.edited:
                    if name not in row.edited:
                        setattr(row, name, getattr(donor, name))
                        row.edited.append(name)
        before = row.stored()
        for name, value in gen.items():
            if name not in row.edited:
                setattr(row, name, value)
        row.resources = resources
        row.fixed = False
        row.accepted = accepted
        if not row.id:
            added += 1
        if row.stored() != before or not row.id:
            row.id = store.save_matrix_row(session_id, row.stored())
        new_ids[check_id].append(row.id)

    def rechecked(row: MatrixRow) -> bool:
        """A complete scan read every resource of the row again and none still fails."""
        if not scan.complete or not row.resources:
            return False
        for r in row.resources:
            status = status_of.get((row.check_id, r.account_id, r.region, r.resource_id))
            if status == Status.PASS:
                continue
            if status is None and r.account_id in readable \
                    and (row.check_id, r.account_id) not in unread_checks:
                continue  # gone from an account and check that were read
            return False
        return True

    for key, row in existing.items():
        if key not in groups and key not in excluded and not row.fixed and rechecked(row):
            row.fixed = True
            row.accepted = False
            store.save_matrix_row(session_id, row.stored())

    for check_id, old_rows in donors.items():
        if check_id not in new_ids:  # nothing fails in the new mode: keep them as history
            for old in old_rows:
                if not old.fixed and rechecked(old):
                    old.fixed = True
                    store.save_matrix_row(session_id, old.stored())
            continue
        for old in old_rows:
            for action in actions:
                if old.id in action["row_ids"]:
                    ids = (set(action["row_ids"]) - {old.id}) | set(new_ids[check_id])
                    store.save_action(session_id, {"id": action["id"],
                                                   "row_ids": sorted(ids)})
                    action["row_ids"] = sorted(ids)
            store.delete_matrix_row(old.id)
    return added


def _current_mode(generated_rows: list[MatrixRow]) -> bool:
    """Split per account? Open rows tell (rows of the other mode left as history are
    fixed); with none open, the newest row does."""
    open_rows = [r for r in generated_rows if not r.fixed]
    if open_rows:
        return any(r.account_id for r in open_rows)
    return bool(max(generated_rows, key=lambda r: r.id).account_id) if generated_rows \
        else False


# --- reading and scoring ------------------------------------------------------------------


def risk(row: MatrixRow, index: AssetIndex) -> RiskBreakdown:
    """asset value × threat × vulnerability, with the asset found through the resources."""
    found: dict[str, tuple[int, list[str]]] = {}
    for res in row.resources:
        for asset in index.assets_for(res):
            found.setdefault(asset.name, (asset.value, []))[1].append(res.resource_id)
    ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], kv[0]))
    formula = _("threat {threat} × vulnerability {vulnerability}").format(
        threat=row.threat, vulnerability=row.vulnerability)
    if ranked:
        name, (value, via) = ranked[0]
        via_text = _(", ").join(sorted(set(via))[:MAX_EXAMPLES])
        explanation = _("{name} (value {value}, held by {via}) × {formula} = {score}").format(
            name=name, value=value, via=via_text, formula=formula,
            score=value * row.threat * row.vulnerability)
        default = False
    else:
        name, value = DEFAULT_ASSET_NAME, DEFAULT_ASSET_VALUE
        explanation = _("no information asset linked to these resources: default value "
                        "{value} ({unclassified}) × {formula} = {score}").format(
            value=value, unclassified=_(DEFAULT_ASSET_NAME), formula=formula,
            score=value * row.threat * row.vulnerability)
        default = True
    return RiskBreakdown(asset=name, asset_value=value, assets=[n for n, __ in ranked],
                         default_asset=default, threat=row.threat,
                         vulnerability=row.vulnerability,
                         score=value * row.threat * row.vulnerability,
                         explanation=explanation)


def sort_key(row: MatrixRow) -> tuple[Any, ...]:
    """Open rows first; then risk, severity (custom rows after catalog ones), check id."""
    rank = row.severity.rank if row.severity else -1
    return (row.fixed, row.accepted, -row.score, -rank, row.check_id or "~", row.account_id,
            row.id)


ANSWERING = frozenset({"chosen", "doing", "done"})
"""Action statuses that answer a row (a decision to act)."""
ACCEPTING = frozenset({"wont"})
"""Action statuses that accept a row's risk (a decision not to act)."""


def row_status(row: MatrixRow, linked_statuses: Iterable[str]) -> str:
    """fixed (a complete scan re-read it and it passed) > accepted (triaged, or a won't-do
    decision) > answered (a chosen / in progress / done action) > open."""
    statuses = set(linked_statuses)
    if row.fixed:
        return "fixed"
    if row.accepted or (statuses & ACCEPTING and not statuses & ANSWERING):
        return "accepted"
    return "answered" if statuses & ANSWERING else "open"


def matrix(store: Store, catalog: Catalog, session_id: int,
           include_fixed: bool = True) -> list[MatrixRow]:
    """The stored rows with title, severity, risk and status, sorted by `sort_key`.
    A pure read: nothing is written."""
    scan = store.latest_scan(session_id)
    index = AssetIndex.load(store, session_id, scan.id if scan else None)
    linked: dict[int, list[str]] = defaultdict(list)
    for action in store.actions(session_id):
        for row_id in action["row_ids"]:
            linked[row_id].append(action["status"] or "proposed")
    out = []
    rows = _load_rows(store, session_id)
    if catalog.lang != written_language(store, session_id):
        _render_again(store, catalog, session_id, scan.id if scan else None, rows)
    for row in rows:
        if row.fixed and not include_fixed:
            continue
        check = catalog.checks.get(row.check_id)
        row.title = check.title if check else (row.check_id or _("custom row"))
        row.severity = check.severity if check else None
        row.risk = risk(row, index)
        row.status = row_status(row, linked.get(row.id, []))
        out.append(row)
    return sorted(out, key=sort_key)


def written_language(store: Store, session_id: int) -> str:
    """The language generated text is stored in: the session's (English for sessions from
    before languages)."""
    return store.session(session_id).lang or "en"


def _render_again(store: Store, catalog: Catalog, session_id: int, scan_id: int | None,
                  rows: list[MatrixRow]) -> None:
    """Generated rows read in another language than they were written in: their unedited
    fields in the catalog's language, from the same resources (nothing is written)."""
    names = {a.account_id: a.name for a in store.accounts(session_id)}
    people = people_index(store, session_id, scan_id) if scan_id else None
    for row in rows:
        check = catalog.checks.get(row.check_id)
        if row.custom or check is None:
            continue
        gen = generated(row.check_id, check, row.resources, names, people, catalog.lang)
        for name in ("observation", "incident", "reason"):
            if name not in row.edited:
                setattr(row, name, gen[name])


def retranslate(store: Store, catalog: Catalog, session_id: int) -> None:
    """Write every generated row's unedited text again in the catalog's language (the
    session switched language; only `onboard.workspace` calls this)."""
    scan = store.latest_scan(session_id)
    rows = _load_rows(store, session_id)
    _render_again(store, catalog, session_id, scan.id if scan else None, rows)
    for row in rows:
        if not row.custom and row.check_id in catalog.checks:
            store.save_matrix_row(session_id, row.stored())


def get_row(store: Store, catalog: Catalog, session_id: int, row_id: int) -> MatrixRow:
    for row in matrix(store, catalog, session_id):
        if row.id == row_id:
            return row
    raise OrientError(_("no matrix row {row_id}").format(row_id=row_id))


# --- editing ------------------------------------------------------------------------------


def _validated(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise OrientError(_("cannot edit {fields}; editable: {editable}").format(
            fields=", ".join(unknown), editable=", ".join(EDITABLE_FIELDS)))
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "stride":
            out[name] = normalize_stride(value)
        elif name in SCORE_FIELDS:
            out[name] = _score(value, name)
        else:
            out[name] = str(value)
    return out


def edit_row(store: Store, catalog: Catalog, session_id: int, row_id: int,
             **changes: Any) -> MatrixRow:
    """Change fields of a row (observation, incident, reason, stride, threat,
    vulnerability); each changed field is listed in `edited` and survives regeneration."""
    values = _validated(changes)
    row = get_row(store, catalog, session_id, row_id)
    for name, value in values.items():
        setattr(row, name, value)
        if name not in row.edited:
            row.edited.append(name)
    store.save_matrix_row(session_id, row.stored())
    return get_row(store, catalog, session_id, row_id)


def reset_fields(store: Store, catalog: Catalog, session_id: int, row_id: int,
                 *fields: str) -> MatrixRow:
    """Give fields back to the generator (all edited fields when none are named)."""
    row = get_row(store, catalog, session_id, row_id)
    if row.custom:
        raise OrientError(_("a custom row has no generated text to go back to"))
    names = set(fields or row.edited)
    unknown = sorted(names - set(EDITABLE_FIELDS))
    if unknown:
        raise OrientError(_("not a matrix field: {fields}").format(fields=", ".join(unknown)))
    scan = store.latest_scan(session_id)
    gen = generated(row.check_id, catalog.checks.get(row.check_id), row.resources,
                    {a.account_id: a.name for a in store.accounts(session_id)},
                    people_index(store, session_id, scan.id) if scan else None, catalog.lang)
    for name in names:
        setattr(row, name, gen[name])
    row.edited = [n for n in row.edited if n not in names]
    store.save_matrix_row(session_id, row.stored())
    return get_row(store, catalog, session_id, row_id)


def add_custom_row(store: Store, catalog: Catalog, session_id: int, observation: str,
                   incident: str = "", reason: str = "", stride: str | Iterable[str] = "",
                   threat: int = DEFAULT_SCORE, vulnerability: int = DEFAULT_SCORE,
                   resources: Iterable[str] = (), account_id: str = "") -> MatrixRow:
    """A row for something no check sees (e.g. from an interview). `resources` are ids,
    names or ARNs, so that asset links can score it."""
    if not observation.strip():
        raise OrientError(_("a matrix row needs an observation"))
    values = _validated({"observation": observation, "incident": incident,
                         "reason": reason, "stride": stride, "threat": threat,
                         "vulnerability": vulnerability})
    res = [RowResource(account_id=account_id, resource_id=name.strip(),
                       resource_arn=name.strip() if name.strip().startswith("arn:") else None)
           for name in resources if name.strip()]
    row = MatrixRow(id=0, custom=True, account_id=account_id, resources=res,
                    edited=list(EDITABLE_FIELDS), **values)
    row_id = store.save_matrix_row(session_id, row.stored())
    return get_row(store, catalog, session_id, row_id)


def delete_row(store: Store, catalog: Catalog, session_id: int, row_id: int) -> None:
    """Delete a custom row. Generated rows come back with the next scan: triage their
    findings as false positive or accepted risk instead."""
    row = get_row(store, catalog, session_id, row_id)
    if not row.custom:
        raise OrientError(_("only custom rows can be deleted; mark the findings false "
                            "positive or accepted risk to drop a generated row"))
    store.delete_matrix_row(row.id)

