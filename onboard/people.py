"""People behind IAM users: one person may hold users in several accounts (pure, no AWS).

`resolve()` groups IAM users into people by three rules, strongest first, and says for each
user which rule put it there:

1. **mapping** — the user said so (`{(account id, user name): person id}`); a mapped user
   goes to that person and no rule can take it elsewhere;
2. **email tag** — users whose email tag (`email`, `Email`, `mail`, `e-mail`, …, compared
   case-insensitively) is the same are one person;
3. **same user name** — users with the same name (case-insensitive) in different accounts are
   one person, unless their email tags say they are two different people.

A user that nothing joins to another is its own person (rule **only user**). Person ids are
stable across rescans: the mapped id, else the email, else the user name (lower case).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from onboard.i18n import N_, _
from onboard.labels import C_

Rule = Literal["mapping", "email tag", "same user name", "only user"]

RULE_LABELS: dict[str, str] = {"mapping": N_("people rule|mapping"),
                               "email tag": N_("people rule|email tag"),
                               "same user name": N_("people rule|same user name"),
                               "only user": N_("people rule|only user")}
"""Rule → what a person reads (`rule_label`); the rule itself is a machine value."""

EMAIL_TAG_KEYS = ("email", "e-mail", "mail", "emailaddress", "email_address", "email-address")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, order=True)
class UserRef:
    """One IAM user in one account, with the email its tags give (if any)."""

    account_id: str
    user_name: str
    email: str | None = None

    @property
    def key(self) -> str:
        """`ACCOUNT/USER`, the form the CLI and the stored edits use."""
        return f"{self.account_id}/{self.user_name}"


@dataclass(frozen=True)
class Match:
    """Why a user belongs to its person."""

    user: UserRef
    rule: Rule
    detail: str
    """In English (JSON, the SSO kit); `detail_label` says it in the current language."""
    template: str = field(default="", compare=False)
    args: tuple[tuple[str, str], ...] = field(default=(), compare=False)


def _match(ref: UserRef, rule: Rule, template: str, **args: Any) -> Match:
    """A Match whose detail is `template` filled in (English), kept to be translated."""
    values = tuple((k, str(v)) for k, v in args.items())
    return Match(ref, rule, template.format(**args), template, values)


def rule_label(rule: str) -> str:
    """The rule as a person reads it, in the current language."""
    return C_(RULE_LABELS[rule]) if rule in RULE_LABELS else rule


def detail_label(match: Match) -> str:
    """The match's detail in the current language."""
    if not match.template:
        return match.detail
    return _(match.template).format(**dict(match.args))


@dataclass
class Person:
    id: str
    users: list[Match] = field(default_factory=list)

    @property
    def email(self) -> str | None:
        found = sorted({m.user.email for m in self.users if m.user.email})
        return found[0] if found else None

    @property
    def accounts(self) -> list[str]:
        return sorted({m.user.account_id for m in self.users})

    @property
    def display_name(self) -> str:
        """"kenji.tanaka" or "kenji.tanaka@x.example" → "Kenji Tanaka"."""
        base = self.id.split("@", 1)[0]
        words = [w for w in re.split(r"[._\-+\s]+", base) if w]
        return " ".join(w[:1].upper() + w[1:] for w in words) or self.id

    def rules(self) -> list[Rule]:
        return sorted({m.rule for m in self.users})


def email_of(tags: Mapping[str, Any] | None) -> str | None:
    """The email an IAM user's tags give, lower case, or None."""
    for key, value in (tags or {}).items():
        if key.strip().lower().replace(" ", "") in EMAIL_TAG_KEYS:
            text = str(value).strip().lower()
            if _EMAIL.match(text):
                return text
    return None


def user_ref(account_id: str, user_name: str, tags: Mapping[str, Any] | None) -> UserRef:
    return UserRef(account_id, user_name, email_of(tags))


def parse_user_key(text: str) -> tuple[str, str]:
    """`ACCOUNT/USER` → (account id, user name); ValueError with a one-line message."""
    account, sep, user = text.strip().partition("/")
    if not sep or not re.fullmatch(r"\d{12}", account) or not user:
        raise ValueError(_("{text} is not ACCOUNT/USER (a 12-digit account id, a slash, an "
                           "IAM user name)").format(text=repr(text)))
    return account, user


class _Union:
    def __init__(self, items: Iterable[UserRef]) -> None:
        self.parent = {u: u for u in items}

    def find(self, u: UserRef) -> UserRef:
        while self.parent[u] != u:
            self.parent[u] = self.parent[self.parent[u]]
            u = self.parent[u]
        return u

    def join(self, a: UserRef, b: UserRef) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict[UserRef, list[UserRef]]:
        out: dict[UserRef, list[UserRef]] = {}
        for u in sorted(self.parent):
            out.setdefault(self.find(u), []).append(u)
        return out


def resolve(users: Iterable[UserRef],
            mapping: Mapping[tuple[str, str], str] | None = None) -> list[Person]:
    """People from IAM users, each user once, sorted by person id."""
    mapping = {k: v.strip() for k, v in (mapping or {}).items() if v.strip()}
    everyone = sorted(set(users))
    mapped = {u: mapping[(u.account_id, u.user_name)] for u in everyone
              if (u.account_id, u.user_name) in mapping}
    free = [u for u in everyone if u not in mapped]
    union = _Union(free)
    by_email: dict[str, list[UserRef]] = {}
    for u in free:
        if u.email:
            by_email.setdefault(u.email, []).append(u)
    for group in by_email.values():
        for other in group[1:]:
            union.join(group[0], other)
    by_name: dict[str, list[UserRef]] = {}
    for u in free:
        by_name.setdefault(u.user_name.lower(), []).append(u)
    for group in by_name.values():
        for other in group[1:]:
            a, b = union.find(group[0]), union.find(other)
            if a != b and not _emails_conflict(union, a, b):
                union.join(a, b)
    people: dict[str, Person] = {}
    for members in union.groups().values():
        email = next((u.email for u in members if u.email), None)
        pid = email or min(u.user_name.lower() for u in members)
        if pid in people:  # two different people with one name: keep both
            pid = _unique(pid, people)
        person = people.setdefault(pid, Person(pid))
        for u in members:
            person.users.append(_why(u, members))
    for u, pid in sorted(mapped.items()):
        person = people.setdefault(pid, Person(pid))
        person.users.append(_match(u, "mapping", N_("mapped to {person} by the user"),
                                   person=pid))
    for person in people.values():
        person.users.sort(key=lambda m: m.user)
    return [people[k] for k in sorted(people)]


def _emails_conflict(union: _Union, a: UserRef, b: UserRef) -> bool:
    emails = {u.email for u in union.parent if u.email and union.find(u) in (a, b)}
    return len(emails) > 1


def _unique(pid: str, people: Mapping[str, Person]) -> str:
    n = 2
    while f"{pid}#{n}" in people:
        n += 1
    return f"{pid}#{n}"


def _why(u: UserRef, members: list[UserRef]) -> Match:
    if len(members) == 1:
        return _match(u, "only user", N_("no other account has this user or email"))
    others = [m for m in members if m != u]
    if u.email and any(m.email == u.email for m in others):
        return _match(u, "email tag", N_("email tag {email}"), email=u.email)
    if any(m.user_name.lower() == u.user_name.lower() for m in others):
        return _match(u, "same user name", N_("user name {name} in {n} accounts"),
                      name=u.user_name, n=len({m.account_id for m in members}))
    # joined through a third user (same name as one, same email as another)
    return _match(u, "same user name" if not u.email else "email tag",
                  N_("joined through another account's user"))
