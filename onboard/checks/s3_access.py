"""Pure helpers for the S3 checks: effective Block Public Access, policy and ACL publicness.

Block Public Access is effective per flag when the bucket *or* the account sets it. Only
two flags change who can reach existing data: RestrictPublicBuckets (a public policy then
only admits AWS services and the owner account's principals) and IgnorePublicAcls (public
ACL grants are ignored). BlockPublicAcls / BlockPublicPolicy only refuse *new* public ACLs
and policies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from onboard.checks.base import Inventory
from onboard.models import Resource

BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")

PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}
ACL_PERMISSIONS = ("READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL")

# Condition keys that tie a wildcard principal to a known caller, network or source.
RESTRICTING_KEYS = frozenset(k.lower() for k in (
    "aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceOrgID",
    "aws:SourceOrgPaths", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceIp",
    "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
    "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalIsAWSService",
    "aws:userid", "aws:username", "aws:VpcSourceIp",
    "s3:DataAccessPointAccount", "s3:DataAccessPointArn",
))
# Values that restrict nothing even under a restricting key.
OPEN_VALUES = frozenset({"*", "0.0.0.0/0", "::/0"})


@dataclass(frozen=True)
class Level:
    """One level's BPA settings: flags dict, None = not configured, or a read error."""

    flags: dict[str, bool] | None
    error: str | None = None

    def get(self, flag: str) -> bool | None:
        if self.error:
            return None
        return bool((self.flags or {}).get(flag, False))

    @property
    def full(self) -> bool:
        return not self.error and all(self.get(f) for f in BPA_FLAGS)

    def describe(self) -> str:
        if self.error:
            return f"unknown ({self.error})"
        if self.flags is None:
            return "not configured"
        on = [f for f in BPA_FLAGS if self.flags.get(f)]
        if len(on) == len(BPA_FLAGS):
            return "all on"
        return f"only {', '.join(on)} on" if on else "all off"


@dataclass(frozen=True)
class EffectiveBpa:
    """Per-flag OR of the bucket's and the account's Block Public Access."""

    bucket: Level
    account: Level

    def flag(self, name: str) -> bool | None:
        """True when on at either level, False when off at both, None when unknown."""
        b, a = self.bucket.get(name), self.account.get(name)
        if b or a:
            return True
        if b is None or a is None:
            return None
        return False

    def missing(self) -> list[str]:
        return [f for f in BPA_FLAGS if self.flag(f) is False]

    def unknown(self) -> list[str]:
        return [f for f in BPA_FLAGS if self.flag(f) is None]

    def source(self, name: str | None = None) -> str:
        """Where the setting (one flag, or all four) comes from, for messages."""
        if name is None:
            on_bucket, on_account = self.bucket.full, self.account.full
        else:
            on_bucket, on_account = bool(self.bucket.get(name)), bool(self.account.get(name))
        if on_bucket and on_account:
            return "bucket and account"
        if on_bucket:
            return "bucket"
        if on_account:
            return "account"
        return "bucket and account combined"

    def levels(self) -> str:
        return f"bucket: {self.bucket.describe()}; account: {self.account.describe()}"


def account_level(inv: Inventory, account_id: str) -> Level:
    acct = inv.get("s3.account", account_id, account_id)
    if acct is None:
        return Level(None, "not collected")
    error = (acct.attrs.get("errors") or {}).get("public_access_block")
    return Level(acct.attrs.get("public_access_block"), error)


def effective_bpa(inv: Inventory, bucket: Resource) -> EffectiveBpa:
    error = (bucket.attrs.get("errors") or {}).get("public_access_block")
    return EffectiveBpa(Level(bucket.attrs.get("public_access_block"), error),
                        account_level(inv, bucket.account_id))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def wildcard_principal(stmt: dict[str, Any]) -> bool:
    """Principal "*" / {"AWS": "*"} (any key), or an Allow with NotPrincipal."""
    if "NotPrincipal" in stmt:
        return True
    principal = stmt.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return any("*" in _as_list(v) for v in principal.values())
    return False


def restricting_condition(condition: dict[str, Any] | None) -> bool:
    """A condition that narrows a wildcard principal to known callers or networks."""
    for operator, clauses in (condition or {}).items():
        op = operator.lower()
        if "not" in op or op.endswith("ifexists") or op == "null":
            continue  # negations, optional keys and Null checks admit everyone else
        if not isinstance(clauses, dict):
            continue
        for key, value in clauses.items():
            values = {str(v) for v in _as_list(value)}
            if key.lower() in RESTRICTING_KEYS and values and not values & OPEN_VALUES:
                return True
    return False


def public_statements(policy: dict[str, Any] | None) -> list[str]:
    """Describe each Allow statement that admits anyone: "statement 'Sid' allows s3:GetObject"."""
    found = []
    for i, stmt in enumerate(_as_list((policy or {}).get("Statement"))):
        if not isinstance(stmt, dict) or stmt.get("Effect") != "Allow":
            continue
        if not wildcard_principal(stmt) or restricting_condition(stmt.get("Condition")):
            continue
        actions = _as_list(stmt.get("Action")) or ["(NotAction)"]
        name = stmt.get("Sid") or f"#{i + 1}"
        found.append(f"statement '{name}' allows {', '.join(map(str, actions))} to *")
    return found


def public_grants(grants: Iterable[dict[str, Any]] | None) -> list[str]:
    """ACL grants to everyone or to any AWS account: "READ to AllUsers"."""
    found = []
    for g in grants or []:
        group = PUBLIC_GROUPS.get(str(g.get("uri") or ""))
        if group and g.get("permission") in ACL_PERMISSIONS:
            found.append(f"{g['permission']} to {group}")
    return found
