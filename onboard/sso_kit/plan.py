"""The Identity Center plan: people, groups, permission sets and assignments from today's IAM.

Built from one scan's inventory, the session's accounts and interview answers, and the user's
stored edits (`Edit`s). Exactness is the rule: each (permission set, account) cell holds the
people whose IAM users hold exactly that policy set in that account today; people who share
the same cells form one group; one assignment per group × permission set × account. So the
plan reproduces today's access and grants nothing more (the emulator test reads it back).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from onboard.checks.base import Inventory
from onboard.i18n import N_, _, ngettext
from onboard.models import Account
from onboard.people import Match, UserRef, parse_user_key, resolve, user_ref
from onboard.sso_kit.access import (
    PolicyRef,
    UserAccess,
    allowed_services,
    is_admin,
    is_readonly,
    user_access,
)

EDIT_KINDS = ("rename-group", "rename-permission-set", "move-user", "exclude-user",
              "break-glass", "identity-source")
IDENTITY_SOURCES = {
    "identity-center": N_("the Identity Center directory"),
    "google": "Google Workspace",
    "okta": "Okta",
    "entra": "Microsoft Entra ID",
    "other-idp": N_("an external identity provider"),
}
_IDP_WORDS = (("google", "google"), ("gsuite", "google"), ("g suite", "google"),
              ("okta", "okta"), ("entra", "entra"), ("azure ad", "entra"),
              ("azure active directory", "entra"), ("microsoft", "entra"),
              ("onelogin", "other-idp"), ("jumpcloud", "other-idp"),
              ("ping identity", "other-idp"))
PS_NAME = re.compile(r"^[\w+=,.@-]{1,32}$")
# Group names for a lone AWS-managed policy when no IAM group name says better
FRIENDLY = {"AdministratorAccess": "admins", "PowerUserAccess": "developers",
            "ReadOnlyAccess": "readonly", "ViewOnlyAccess": "readonly",
            "SecurityAudit": "auditors", "Billing": "billing"}
BREAK_GLASS_REASON = N_("kept by choice as the break-glass IAM user: MFA on, no access keys, "
                        "password in the safe, alarm on its sign-in")
# What a group holds, in AWS (English: the description is a value of the resource) and, in
# the person's language, in the plan
GROUP_DESCRIPTION = N_("People who hold {sets} in {accounts} today")


def one_line(text: str) -> str:
    """Text safe for a comment line of a script or HCL file: no control characters."""
    return _CONTROL.sub(" ", text)


def said(template: str, **shell: str) -> str:
    """A double-quoted shell word for `echo`: the (translated) template's text escaped,
    its {names} replaced by the shell expressions given (`$1`, `$got`), on one line."""
    parts = re.split(r"\{(\w+)\}", one_line(template))
    text = "".join(re.sub(r'([\\"$`])', r"\\\1", part) if i % 2 == 0 else shell[part]
                   for i, part in enumerate(parts))
    return f'"{text}"'


def commented(text: str) -> str:
    """Prose as `# ` comment lines of a script or HCL file, one per line of the text (a
    translation may break its lines elsewhere: each one is still a comment)."""
    return "".join(f"# {one_line(line)}\n" for line in text.split("\n"))


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Edit:
    kind: str
    target: str
    value: str


@dataclass
class PlanPerson:
    id: str
    display_name: str
    email: str | None
    users: list[Match]
    access: dict[str, str] = field(default_factory=dict)  # account id → permission set key
    groups: list[str] = field(default_factory=list)  # group keys
    notes: list[str] = field(default_factory=list)
    existing_user_id: str | None = None  # the Identity Center user of this name, if any

    @property
    def user_name(self) -> str:
        """The Identity Center user name: the email when known, else the person id."""
        return self.email or self.id


@dataclass
class PlanPermissionSet:
    key: str
    name: str
    policies: frozenset[PolicyRef]
    session_duration: str
    duration_reason: str
    description: str
    missing: dict[str, list[str]] = field(default_factory=dict)  # policy name → accounts
    existing_arn: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def managed(self) -> list[PolicyRef]:
        return sorted(r for r in self.policies if r.kind == "aws")

    @property
    def customer(self) -> list[PolicyRef]:
        return sorted(r for r in self.policies if r.kind == "customer")

    @property
    def inline(self) -> dict[str, Any] | None:
        """One inline policy: the statements of every inline policy in the set."""
        refs = sorted(r for r in self.policies if r.kind == "inline")
        if not refs:
            return None
        statements: list[Any] = []
        for ref in refs:
            stmts = json.loads(ref.document).get("Statement") or []
            for stmt in stmts if isinstance(stmts, list) else [stmts]:
                if stmt not in statements:
                    statements.append(stmt)
        return {"Version": "2012-10-17", "Statement": statements}


@dataclass
class PlanGroup:
    key: str
    name: str
    members: list[str]  # person ids
    description: str
    existing_id: str | None = None
    existing_members: list[str] = field(default_factory=list)  # person ids already in it


@dataclass(frozen=True)
class PlanAssignment:
    group: str  # group key
    permission_set: str  # permission set key
    account_id: str
    exists: bool = False


@dataclass(frozen=True)
class Excluded:
    account_id: str
    user_name: str
    kind: Literal["workload", "no-credentials", "break-glass", "excluded", "unreadable"]
    reason: str


@dataclass
class Instance:
    arn: str
    identity_store_id: str
    region: str


@dataclass
class Plan:
    people: list[PlanPerson]
    groups: list[PlanGroup]
    permission_sets: list[PlanPermissionSet]
    assignments: list[PlanAssignment]
    excluded: list[Excluded]
    warnings: list[str]
    accounts: dict[str, Account]
    identity_source: str
    identity_source_from: str
    instance: Instance | None
    home_region: str
    management_account: str | None

    @property
    def external_idp(self) -> bool:
        return self.identity_source != "identity-center"

    @property
    def idp_name(self) -> str:
        return _(IDENTITY_SOURCES[self.identity_source])

    def group(self, key: str) -> PlanGroup:
        return next(g for g in self.groups if g.key == key)

    def permission_set(self, key: str) -> PlanPermissionSet:
        return next(p for p in self.permission_sets if p.key == key)

    def person(self, pid: str) -> PlanPerson:
        return next(p for p in self.people if p.id == pid)

    def account_label(self, account_id: str) -> str:
        acct = self.accounts.get(account_id)
        return f"{account_id} ({one_line(acct.name)})" if acct and acct.name else account_id


# --- identity source -----------------------------------------------------------------------


def identity_source(answers: dict[str, dict[str, str]], edits: list[Edit]) -> tuple[str, str]:
    """(source key, where it came from): the user's edit, else the interview, else the
    Identity Center directory (the default when nothing was recorded)."""
    for e in edits:
        if e.kind == "identity-source":
            return e.value, _("set with `onboard sso edit identity-source`")
    for prompt in ("identity-provider", "sign-in"):
        text = (answers.get(prompt) or {}).get("answer", "").lower()
        for word, key in _IDP_WORDS:
            if word in text:
                return key, _("the interview answer to {prompt}").format(prompt=repr(prompt))
    return "identity-center", _("nothing recorded in the interview (identity-provider)")


# --- naming --------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _fit(name: str, limit: int = 32) -> str:
    name = re.sub(r"[^\w+=,.@-]+", "-", name).strip("-") or "access"
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:6]
    return f"{name[:limit - 7]}-{digest}"


def _ps_base(policies: frozenset[PolicyRef]) -> str:
    names = [r.name if r.kind != "inline" else f"inline-{r.name}" for r in sorted(
        policies, key=lambda r: ({"aws": 0, "customer": 1, "inline": 2}[r.kind], r.name))]
    return _fit("+".join(names))


def _unique(name: str, taken: set[str], limit: int | None = None) -> str:
    n, candidate = 2, name
    while candidate in taken:
        suffix = f"-{n}"
        candidate = (name[:limit - len(suffix)] if limit else name) + suffix
        n += 1
    taken.add(candidate)
    return candidate


def _account_tag(acct: Account | None, account_id: str) -> str:
    if acct is None:
        return account_id
    if acct.environment != "other":
        return acct.environment
    return _slug(acct.name) or account_id


# --- users → excluded / humans -------------------------------------------------------------


def _classify(user: Any, edits: dict[tuple[str, ...], Edit]) -> Excluded | None:
    for kind in ("break-glass", "exclude-user"):
        edit = edits.get((user.account_id, user.id, kind))
        if edit is not None:
            if kind == "break-glass":
                return Excluded(user.account_id, user.id, "break-glass",
                                edit.value or _(BREAK_GLASS_REASON))
            return Excluded(user.account_id, user.id, "excluded",
                            edit.value or _("excluded by the user"))
    password = user.attrs.get("password_enabled")
    active = [k["id"] for k in user.attrs.get("access_keys") or [] if k.get("status") == "Active"]
    if password is True:
        return None
    if password is None:
        code = (user.attrs.get("errors") or {}).get("login_profile", "unknown")
        return Excluded(user.account_id, user.id, "unreadable",
                        _("cannot tell whether it has a console password (GetLoginProfile: "
                          "{code}); move it to a person if it is one").format(code=code))
    if active:
        return Excluded(user.account_id, user.id, "workload", ngettext(
            "no console password and {n} active access key(s) ({keys}): a workload's "
            "(iam.workload_users) — give it an IAM role, not an Identity Center user",
            "no console password and {n} active access key(s) ({keys}): a workload's "
            "(iam.workload_users) — give it an IAM role, not an Identity Center user",
            len(active)).format(n=len(active), keys=", ".join(active)))
    return Excluded(user.account_id, user.id, "no-credentials",
                    _("no console password and no active access key: nothing to migrate; "
                      "delete it once nothing refers to it"))


# --- the plan ------------------------------------------------------------------------------


def build(inventory: Inventory, accounts: list[Account], answers: dict[str, dict[str, str]],
          edits: list[Edit], default_region: str = "us-east-1") -> Plan:
    """The plan for one scan, with the stored edits applied."""
    warnings: list[str] = []
    by_account = {a.account_id: a for a in accounts}
    edit_index: dict[tuple[str, ...], Edit] = {}
    used_edits: set[Edit] = set()
    mapping: dict[tuple[str, str], str] = {}
    clean = [e for e in edits if not _CONTROL.search(e.target + e.value)]
    if len(clean) < len(edits):
        bad = len(edits) - len(clean)
        warnings.append(ngettext(
            "{n} stored edit(s) hold control characters and are ignored; "
            "`onboard sso edit list` shows them",
            "{n} stored edit(s) hold control characters and are ignored; "
            "`onboard sso edit list` shows them", bad).format(n=bad))
    edits = clean
    for e in edits:
        if e.kind in ("move-user", "exclude-user", "break-glass"):
            try:
                account, user = parse_user_key(e.target)
            except ValueError:
                warnings.append(_("stored edit {kind} {target} is not ACCOUNT/USER; "
                                  "ignored").format(kind=e.kind, target=repr(e.target)))
                continue
            edit_index[(account, user, e.kind)] = e
            if e.kind == "move-user":
                mapping[(account, user)] = e.value
    source, source_from = identity_source(answers, edits)

    access = user_access(inventory)
    excluded: list[Excluded] = []
    humans: list[UserRef] = []
    for iam_user in sorted(inventory.of("iam.user"), key=lambda r: (r.account_id, r.id)):
        key = (iam_user.account_id, iam_user.id)
        ref = user_ref(iam_user.account_id, iam_user.id, iam_user.attrs.get("tags"))
        moved = edit_index.get((*key, "move-user"))
        verdict = _classify(iam_user, edit_index)
        for kind in ("break-glass", "exclude-user"):
            if (*key, kind) in edit_index:
                used_edits.add(edit_index[(*key, kind)])
        if verdict is not None and (moved is None or verdict.kind in ("break-glass",
                                                                      "excluded")):
            excluded.append(verdict)
            continue
        if moved is not None:
            used_edits.add(moved)
        humans.append(ref)
    for err in inventory.errors_for(("iam.user",)):
        warnings.append(_("IAM users of {account} could not be read ({code}): "
                          "nobody there is in the plan").format(account=err.account_id,
                                                                code=err.code))
    for err in inventory.errors_for(("iam.user_access",)):
        warnings.append(_("IAM group memberships and policies of {account} could not "
                          "be read ({code}): its users get no assignment").format(
                              account=err.account_id, code=err.code))

    people = resolve(humans, mapping)
    plan_people: list[PlanPerson] = []
    cells: dict[tuple[frozenset[PolicyRef], str], list[str]] = defaultdict(list)
    cell_groups: dict[tuple[frozenset[PolicyRef], str], set[str]] = defaultdict(set)
    for person in people:
        pp = PlanPerson(person.id, person.display_name, person.email, person.users)
        per_account: dict[str, set[PolicyRef]] = defaultdict(set)
        iam_groups: dict[str, set[str]] = defaultdict(set)
        for m in person.users:
            ua = access.get((m.user.account_id, m.user.user_name))
            if ua is None or not ua.readable:
                pp.notes.append(_("{user} in {account}: its policies could not be read; "
                                  "no assignment for it").format(
                                      user=m.user.user_name, account=m.user.account_id))
                continue
            if not ua.policies:
                pp.notes.append(_("{user} in {account} holds no policy: no assignment "
                                  "needed").format(user=m.user.user_name,
                                                   account=m.user.account_id))
            per_account[m.user.account_id] |= ua.policies
            iam_groups[m.user.account_id] |= _granting_groups(ua)
        accounts_of = [m.user.account_id for m in person.users]
        for account_id in sorted({a for a in accounts_of if accounts_of.count(a) > 1}):
            n = accounts_of.count(account_id)
            pp.notes.append(ngettext(
                "holds {n} IAM user in {account}: the permission set there is the union of "
                "their policies",
                "holds {n} IAM users in {account}: the permission set there is the union of "
                "their policies", n).format(n=n, account=account_id))
        for account_id, refs in sorted(per_account.items()):
            if refs:
                cell = (frozenset(refs), account_id)
                cells[cell].append(person.id)
                cell_groups[cell] |= iam_groups[account_id]
        plan_people.append(pp)

    permission_sets = _permission_sets(cells, inventory, by_account, edits, used_edits)
    ps_by_policies = {ps.policies: ps for ps in permission_sets}
    for (cell_refs, account_id), pids in cells.items():
        for pid in pids:
            next(p for p in plan_people if p.id == pid).access[account_id] = \
                ps_by_policies[cell_refs].key

    groups, assignments = _groups(cells, cell_groups, ps_by_policies, by_account, edits,
                                  used_edits)
    for g in groups:
        for pid in g.members:
            next(p for p in plan_people if p.id == pid).groups.append(g.key)
    for pp in plan_people:
        pp.notes += _least_privilege(pp, inventory, ps_by_policies, permission_sets, by_account)

    instance, mgmt = _instance(inventory, by_account, warnings, default_region)
    plan = Plan(plan_people, groups, permission_sets, assignments, excluded, warnings,
                by_account, source, source_from, instance,
                instance.region if instance else default_region, mgmt)
    _existing(plan, inventory)
    for e in edits:
        if e not in used_edits and e.kind != "identity-source":
            warnings.append(_("stored edit {kind} {target} → {value} matches nothing "
                              "in this scan; `onboard sso edit reset` forgets it").format(
                                  kind=e.kind, target=e.target, value=repr(e.value)))
    if not inventory.of("iam.user_access") and inventory.of("iam.user"):
        warnings.append(_("the scan has no IAM access records (groups, policies): rescan "
                          "with this version of onboard to plan permission sets"))
    return plan


def _granting_groups(ua: UserAccess) -> set[str]:
    """IAM groups that grant every policy this user holds (none if some come otherwise)."""
    if not ua.policies or any(ref not in ua.via_groups for ref in ua.policies):
        return set()
    names = set.intersection(*(set(ua.via_groups[r]) for r in ua.policies))
    return names


def _permission_sets(cells: dict[tuple[frozenset[PolicyRef], str], list[str]],
                     inventory: Inventory, accounts: dict[str, Account], edits: list[Edit],
                     used: set[Edit]) -> list[PlanPermissionSet]:
    renames = {e.target: e for e in edits if e.kind == "rename-permission-set"}
    where: dict[frozenset[PolicyRef], list[str]] = defaultdict(list)
    for refs, account_id in cells:
        where[refs].append(account_id)
    out: list[PlanPermissionSet] = []
    keys: set[str] = set()
    for refs in sorted(where, key=lambda r: _ps_base(r)):
        key = _unique(_ps_base(refs), keys, 32)
        account_ids = sorted(set(where[refs]))
        if is_admin(refs, inventory, account_ids):
            duration, why = "PT1H", _("full administrator access: short sessions")
        elif is_readonly(refs):
            duration, why = "PT8H", _("read-only access: a working day")
        else:
            duration, why = "PT4H", _("half a working day; signing in again is one "
                                      "`aws sso login`")
        ps = PlanPermissionSet(
            key=key, name=key, policies=refs, session_duration=duration, duration_reason=why,
            # English whatever the language: a permission set's description admits Latin-1
            description=fit_text("Today's IAM access: " + ", ".join(
                r.english_label for r in sorted(refs)), 700))
        for ref in ps.customer:
            missing = [a for a in account_ids
                       if inventory.get("iam.policy", a, ref.name) is None]
            if missing:
                ps.missing[ref.name] = missing
            docs = {json.dumps(rec.attrs.get("document"), sort_keys=True)
                    for a in account_ids
                    if (rec := inventory.get("iam.policy", a, ref.name)) is not None}
            if len(docs) > 1:
                ps.notes.append(_("customer-managed policy {name} differs between "
                                  "accounts: each account's own version applies").format(
                                      name=ref.name))
        if ps.inline is not None and len(json.dumps(ps.inline)) > 32768:
            ps.notes.append(_("the combined inline policy is over Identity Center's 32,768 "
                              "characters: split it into a customer-managed policy"))
        rename = renames.get(key)
        if rename is not None:
            used.add(rename)
            if PS_NAME.match(rename.value):
                ps.name = rename.value
        out.append(ps)
    return out


def fit_text(text: str, limit: int) -> str:
    # ASCII "...": a permission set description only admits Latin-1 characters
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _groups(cells: dict[tuple[frozenset[PolicyRef], str], list[str]],
            cell_groups: dict[tuple[frozenset[PolicyRef], str], set[str]],
            ps_by_policies: dict[frozenset[PolicyRef], PlanPermissionSet],
            accounts: dict[str, Account], edits: list[Edit], used: set[Edit]
            ) -> tuple[list[PlanGroup], list[PlanAssignment]]:
    by_members: dict[tuple[str, ...], list[tuple[frozenset[PolicyRef], str]]] = defaultdict(list)
    for cell, pids in cells.items():
        by_members[tuple(sorted(set(pids)))].append(cell)
    bases: dict[tuple[str, ...], str] = {}
    for members, members_cells in by_members.items():
        names: set[str] = set()
        for cell in members_cells:
            common = cell_groups.get(cell) or set()
            names.add(sorted(common)[0] if len(common) == 1 else _group_base(cell[0],
                                                                            ps_by_policies))
        bases[members] = "+".join(sorted(names))
    counts: defaultdict[str, int] = defaultdict(int)
    for base in bases.values():
        counts[base] += 1
    renames = {e.target: e for e in edits if e.kind == "rename-group"}
    groups: list[PlanGroup] = []
    assignments: list[PlanAssignment] = []
    taken: set[str] = set()

    def order(item: tuple[tuple[str, ...], list[Any]]) -> tuple[str, list[str]]:
        return bases[item[0]], sorted(a for __, a in item[1])

    for members, members_cells in sorted(by_members.items(), key=order):
        base = bases[members]
        account_ids = sorted({a for __, a in members_cells})
        if counts[base] > 1:
            tags = [_account_tag(accounts.get(a), a) for a in account_ids]
            base = f"{base}-{'-'.join(tags)}" if len(tags) <= 3 else \
                f"{base}-{len(tags)}-accounts"
        key = _unique(_slug(base) if base.isascii() else base, taken)
        ps_names = sorted({ps_by_policies[refs].key for refs, __ in members_cells})
        account_names = [accounts[a].name if a in accounts and accounts[a].name else a
                         for a in account_ids]
        # English whatever the language: the description is a value of the resource
        description = fit_text(GROUP_DESCRIPTION.format(sets=", ".join(ps_names),
                                                         accounts=", ".join(account_names)),
                                1024)
        group = PlanGroup(key, key, list(members), description)
        rename = renames.get(key)
        if rename is not None:
            used.add(rename)
            group.name = rename.value
        groups.append(group)
        for refs, account_id in sorted(members_cells, key=lambda c: (c[1], _ps_base(c[0]))):
            assignments.append(PlanAssignment(key, ps_by_policies[refs].key, account_id))
    return groups, assignments


def _group_base(refs: frozenset[PolicyRef],
                ps_by_policies: dict[frozenset[PolicyRef], PlanPermissionSet]) -> str:
    only = next(iter(refs)) if len(refs) == 1 else None
    if only is not None and only.kind == "aws" and only.name in FRIENDLY:
        return FRIENDLY[only.name]
    return ps_by_policies[refs].key


def _least_privilege(pp: PlanPerson, inventory: Inventory,
                     ps_by_policies: dict[frozenset[PolicyRef], PlanPermissionSet],
                     permission_sets: list[PlanPermissionSet],
                     accounts: dict[str, Account]) -> list[str]:
    notes = []
    by_key = {ps.key: ps for ps in permission_sets}
    for m in pp.users:
        account_id = m.user.account_id
        ps = by_key.get(pp.access.get(account_id, ""))
        user = inventory.get("iam.user", account_id, m.user.user_name)
        if ps is None or user is None:
            continue
        used = sorted({(k.get("last_used_service") or "").lower() for k in
                       user.attrs.get("access_keys") or [] if k.get("last_used_service")})
        if not used:
            continue
        granted = allowed_services(ps.policies, inventory, account_id)
        if granted is None:
            continue
        extra = granted - set(used)
        if not extra:
            continue
        what = _("every service") if granted == {"*"} else ", ".join(sorted(granted))
        last = max((k.get("last_used") or "")[:10] for k in user.attrs.get("access_keys") or [])
        name = accounts[account_id].name if account_id in accounts else account_id
        notes.append(_("{user} in {account}: {permission_set} allows {what}; its access key "
                       "was last used for {used} ({last}). The last use shows one service "
                       "only: check IAM last-accessed data before narrowing the permission "
                       "set").format(user=m.user.user_name, account=name,
                                     permission_set=ps.name, what=what, used=", ".join(used),
                                     last=last or _("date unknown")))
    return notes


def _instance(inventory: Inventory, accounts: dict[str, Account], warnings: list[str],
              default_region: str) -> tuple[Instance | None, str | None]:
    mgmt = next((a.account_id for a in accounts.values() if a.environment == "management"),
                None)
    for rec in inventory.of("org.account"):
        if rec.attrs.get("is_management"):
            mgmt = rec.account_id
    found = []
    for rec in sorted(inventory.of("sso.region"), key=lambda r: (
            r.account_id != mgmt, r.account_id, r.region != default_region, r.region)):
        for inst in rec.attrs.get("instances") or []:
            if inst.get("status") in (None, "ACTIVE") and inst.get("arn"):
                found.append((rec.account_id, rec.region, inst))
    if not found:
        warnings.append(_("no IAM Identity Center instance was found: enable it in the "
                          "organization's management account (console → IAM Identity Center "
                          "→ Enable) in the home region before applying the kit"))
        return None, mgmt
    account_id, region, inst = found[0]
    if len(found) > 1:
        others = ", ".join(f"{r} ({a})" for a, r, __ in found[1:])
        warnings.append(_("Identity Center instances seen in several places; the plan uses "
                          "{region} ({account}), not {others}").format(
                              region=region, account=account_id, others=others))
    return Instance(inst["arn"], inst.get("identity_store_id") or "", region), account_id


def _existing(plan: Plan, inventory: Inventory) -> None:
    """Mark what Identity Center already has, and say what it grants beyond the plan."""
    if plan.instance is None:
        return
    sets = [r for r in inventory.of("sso.permission_set")
            if r.attrs.get("instance_arn") == plan.instance.arn]
    store_id = plan.instance.identity_store_id
    groups = {r.id: r for r in inventory.of("sso.group")
              if r.attrs.get("identity_store_id") == store_id}
    group_by_name = {r.name: r.id for r in groups.values()}
    users = {r.name.lower(): r.id for r in inventory.of("sso.user")
             if r.attrs.get("identity_store_id") == store_id}
    for p in plan.people:
        p.existing_user_id = users.get(p.user_name.lower())
    ps_by_name = {r.name: r for r in sets}
    for ps in plan.permission_sets:
        rec = ps_by_name.get(ps.name)
        if rec is not None:
            ps.existing_arn = rec.id
            same = (sorted(rec.attrs.get("managed") or []) == [r.arn for r in ps.managed]
                    and [(c["path"], c["name"]) for c in rec.attrs.get("customer_managed") or []]
                    == [(r.path, r.name) for r in ps.customer]
                    and rec.attrs.get("inline") == ps.inline)
            if not same:
                plan.warnings.append(_("permission set {name} already exists with other "
                                       "policies: the kit would change it").format(
                                           name=ps.name))
    person_of = {p.existing_user_id: p.id for p in plan.people if p.existing_user_id}
    for g in plan.groups:
        g.existing_id = group_by_name.get(g.name)
        if g.existing_id:
            g.existing_members = sorted(person_of[u] for u in groups[g.existing_id].attrs.get(
                "members") or [] if u in person_of)
    planned = set()
    for a in plan.assignments:
        g, ps = plan.group(a.group), plan.permission_set(a.permission_set)
        planned.add((g.existing_id, ps.existing_arn, a.account_id))
    plan.assignments = [
        PlanAssignment(a.group, a.permission_set, a.account_id,
                       (plan.group(a.group).existing_id,
                        plan.permission_set(a.permission_set).existing_arn, a.account_id)
                       in _current(sets))
        for a in plan.assignments]
    for principal, ps_arn, account_id in sorted(_current(sets) - planned, key=str):
        ps_name = next((r.name for r in sets if r.id == ps_arn), ps_arn)
        who = groups[principal].name if principal in groups else principal
        plan.warnings.append(_("Identity Center already grants {permission_set} in {account} "
                               "to {who}: not part of today's IAM access — review it").format(
                                   permission_set=ps_name, account=account_id, who=who))


def _current(sets: list[Any]) -> set[tuple[str | None, str | None, str]]:
    return {(a.get("principal_id"), r.id, a.get("account_id")) for r in sets
            for a in r.attrs.get("assignments") or []}
