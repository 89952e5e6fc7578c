"""Today's IAM access per user and account, read from the inventory (pure).

A user's access in an account is the set of policies it holds: managed policies attached to
it or to its groups (AWS-managed by ARN, customer-managed by path and name, as Identity
Center references them) and inline policies of the user and its groups (by name and
document). `PolicyRef`s are hashable, so identical access compares equal across accounts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from onboard.checks.base import Inventory
from onboard.i18n import N_, _

AWS_MANAGED = ":iam::aws:policy/"
ADMIN_POLICIES = {"AdministratorAccess"}
READONLY_POLICIES = {"ReadOnlyAccess", "ViewOnlyAccess", "SecurityAudit"}


def canonical(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, order=True)
class PolicyRef:
    """One policy as a permission set would carry it."""

    kind: Literal["aws", "customer", "inline"]
    name: str
    arn: str = ""  # aws: the managed policy ARN
    path: str = "/"  # customer: the policy's path (Identity Center references path + name)
    document: str = ""  # inline: canonical JSON of the document

    @property
    def label(self) -> str:
        """The policy for a person, in the current language."""
        return _(_LABELS[self.kind]).format(name=self.name)

    @property
    def english_label(self) -> str:
        """The policy in English, for values sent to AWS (a permission set's description)."""
        return _LABELS[self.kind].format(name=self.name)


_LABELS = {"aws": N_("AWS managed {name}"), "customer": N_("customer managed {name}"),
           "inline": N_("inline {name}")}


def managed_ref(arn: str) -> PolicyRef:
    name = arn.rsplit("/", 1)[-1]
    if AWS_MANAGED in arn:
        return PolicyRef("aws", name, arn=arn)
    resource = arn.split(":", 5)[-1]  # policy/path/name
    path = "/" + resource.split("/", 1)[1].rsplit("/", 1)[0] + "/" if resource.count("/") > 1 \
        else "/"
    return PolicyRef("customer", name, path=path)


@dataclass
class UserAccess:
    """What one IAM user in one account holds, and from where."""

    account_id: str
    user_name: str
    policies: frozenset[PolicyRef] = frozenset()
    via_groups: dict[PolicyRef, list[str]] = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)
    readable: bool = True


def user_access(inventory: Inventory) -> dict[tuple[str, str], UserAccess]:
    """(account id, user name) → UserAccess for every iam.user of the inventory."""
    out: dict[tuple[str, str], UserAccess] = {}
    for user in inventory.of("iam.user"):
        rec = inventory.get("iam.user_access", user.account_id, user.id)
        if rec is None:
            out[(user.account_id, user.id)] = UserAccess(user.account_id, user.id,
                                                         readable=False)
            continue
        refs: set[PolicyRef] = set()
        via: dict[PolicyRef, list[str]] = {}
        for p in rec.attrs.get("attached") or []:
            refs.add(managed_ref(p["arn"]))
        for p in rec.attrs.get("inline") or []:
            refs.add(PolicyRef("inline", p["name"], document=canonical(p.get("document"))))
        groups = list(rec.attrs.get("groups") or [])
        for name in groups:
            group = inventory.get("iam.group", user.account_id, name)
            if group is None:
                continue
            found = [managed_ref(p["arn"]) for p in group.attrs.get("attached") or []]
            found += [PolicyRef("inline", p["name"], document=canonical(p.get("document")))
                      for p in group.attrs.get("inline") or []]
            for ref in found:
                refs.add(ref)
                via.setdefault(ref, []).append(name)
        out[(user.account_id, user.id)] = UserAccess(
            user.account_id, user.id, frozenset(refs), via, groups)
    return out


def documents(refs: Iterable[PolicyRef], inventory: Inventory, account_id: str
              ) -> list[dict[str, Any]]:
    """The documents onboard can read for these policies in one account."""
    docs = []
    for ref in refs:
        if ref.kind == "inline":
            docs.append(json.loads(ref.document))
        elif ref.kind == "customer":
            rec = inventory.get("iam.policy", account_id, ref.name)
            if rec is not None and rec.attrs.get("document"):
                docs.append(rec.attrs["document"])
    return docs


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allowed_services(refs: Iterable[PolicyRef], inventory: Inventory, account_id: str
                     ) -> set[str] | None:
    """Service prefixes the policies allow ("*" for everything); None if some policy's
    document is unknown (an AWS-managed one other than AdministratorAccess)."""
    refs = list(refs)
    services: set[str] = set()
    if any(r.kind == "aws" and r.name in ADMIN_POLICIES for r in refs):
        return {"*"}
    if any(r.kind == "aws" for r in refs):
        return None
    for doc in documents(refs, inventory, account_id):
        for stmt in _as_list(doc.get("Statement") or []):
            if not isinstance(stmt, dict) or stmt.get("Effect") != "Allow":
                continue
            for action in _as_list(stmt.get("Action") or []):
                text = str(action)
                services.add("*" if text == "*" else text.split(":", 1)[0].lower())
    return {"*"} if "*" in services else services


def is_admin(refs: Iterable[PolicyRef], inventory: Inventory, account_ids: Iterable[str]
             ) -> bool:
    refs = list(refs)
    return any(allowed_services(refs, inventory, a) == {"*"} for a in account_ids)


def is_readonly(refs: Iterable[PolicyRef]) -> bool:
    refs = list(refs)
    return bool(refs) and all(r.kind == "aws" and r.name in READONLY_POLICIES for r in refs)
