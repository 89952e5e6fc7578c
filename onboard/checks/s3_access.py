"""Pure helpers for the S3 checks: effective Block Public Access, policy and ACL publicness.

Block Public Access is effective per flag when the bucket *or* the account sets it. Only
two flags change who can reach existing data: RestrictPublicBuckets (a public policy then
only admits AWS services and the owner account's principals) and IgnorePublicAcls (public
ACL grants are ignored). BlockPublicAcls / BlockPublicPolicy only refuse *new* public ACLs
and policies.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from onboard.checks.base import Inventory
from onboard.i18n import _
from onboard.models import Resource

BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")

PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}
ACL_PERMISSIONS = ("READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL")

# Condition keys that make a wildcard-principal statement non-public when they carry fixed
# values (AWS's "meaning of public": a fixed principal, account, organization, source ARN,
# VPC, VPC endpoint, owner, user id, KMS key or access point; a set of CIDRs in aws:SourceIp).
FIXED_VALUE_KEYS = frozenset(k.lower() for k in (
    "aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceOrgID",
    "aws:SourceOrgPaths", "aws:SourceVpc", "aws:SourceVpce",
    "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
    "aws:PrincipalServiceName", "aws:userid",
    "s3:DataAccessPointAccount", "s3:DataAccessPointArn",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
))
SOURCE_IP = "aws:sourceip"
# A CIDR wider than this is "the internet" for the purpose of the policy test (0.0.0.0/1 is
# half of it): IPv4 /8 and IPv6 /32 are the widest ranges still owned by one network.
MIN_PREFIX = {4: 8, 6: 32}
RESTRICTING_KEYS = FIXED_VALUE_KEYS | {SOURCE_IP}
# Values that restrict nothing even under a restricting key.
OPEN_VALUES = frozenset({"*", "0.0.0.0/0", "::/0"})
# Deny statements that fence every action of the bucket (the "deny unless from my VPC" idiom).
ALL_ACTIONS = frozenset({"*", "s3:*"})


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
            return _("unknown ({code})").format(code=self.error)
        if self.flags is None:
            return _("not configured")
        on = [f for f in BPA_FLAGS if self.flags.get(f)]
        if len(on) == len(BPA_FLAGS):
            return _("all on")
        return _("only {flags} on").format(flags=", ".join(on)) if on else _("all off")


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
            return _("bucket and account")
        if on_bucket:
            return _("bucket")
        if on_account:
            return _("account")
        return _("bucket and account combined")

    def levels(self) -> str:
        return _("bucket: {bucket}; account: {account}").format(
            bucket=self.bucket.describe(), account=self.account.describe())


def account_level(inv: Inventory, account_id: str) -> Level:
    acct = inv.get("s3.account", account_id, account_id)
    if acct is None:
        return Level(None, _("not collected"))
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
    """Principal "*", any principal value holding a wildcard ("arn:aws:iam::*:root"), or an
    Allow with NotPrincipal (everyone but the listed)."""
    if "NotPrincipal" in stmt:
        return True
    principal = stmt.get("Principal")
    if isinstance(principal, str):
        return "*" in principal
    if isinstance(principal, dict):
        return any("*" in str(v) for values in principal.values() for v in _as_list(values))
    return False


def _not_fixed(value: str) -> bool:
    """A wildcard or a policy variable: the value matches callers nobody listed."""
    return "*" in value or "?" in value or "${" in value


def _broad(cidr: str) -> bool:
    try:
        net = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return True  # not a CIDR: restricts nothing we can prove
    return net.prefixlen < MIN_PREFIX[net.version]


def _operator(operator: str) -> tuple[str, bool]:
    """('stringequals', positive?) — set prefixes stripped; negated, IfExists and Null forms,
    and ForAllValues (true when the key is absent), restrict nobody."""
    op = operator.lower()
    if op.startswith("forallvalues:"):
        return op.split(":", 1)[1], False
    if op.startswith("foranyvalue:"):
        op = op.split(":", 1)[1]
    positive = not ("not" in op or op.endswith("ifexists") or op == "null")
    return op, positive


def why_not_restricting(key: str, values: list[str]) -> str | None:
    """None when `key` with `values` pins the caller under AWS's definition; else the reason."""
    k = key.lower()
    if k not in RESTRICTING_KEYS:
        return _("{key} does not identify a caller").format(key=key)
    if not values:
        return _("{key} has no value").format(key=key)
    for value in values:
        if value in OPEN_VALUES:
            return _("{key} '{value}' matches everyone").format(key=key, value=value)
        if k == SOURCE_IP:
            if _broad(value):
                return _("{key} '{value}' is wider than /8 (IPv4) or /32 (IPv6)").format(
                    key=key, value=value)
        elif _not_fixed(value):
            return _("{key} '{value}' is not a fixed value").format(key=key, value=value)
    return None


def restricting_condition(condition: dict[str, Any] | None) -> bool:
    """A condition that narrows a wildcard principal to known callers or networks: a positive
    operator on a restricting key whose every value is fixed (and, for aws:SourceIp, not
    broad). Conditions are ANDed, so one such key is enough."""
    return _restriction(condition)[0]


def _restriction(condition: dict[str, Any] | None) -> tuple[bool, list[str]]:
    reasons: list[str] = []
    for operator, clauses in (condition or {}).items():
        op, positive = _operator(str(operator))
        if not isinstance(clauses, dict):
            continue
        for key, value in clauses.items():
            values = [str(v) for v in _as_list(value)]
            if not positive:
                reasons.append(_("{operator} {key} admits everyone it does not name").format(
                    operator=operator, key=key))
                continue
            if op.startswith("bool") and key.lower() == "aws:principalisawsservice":
                reasons.append(_("{operator} {key} '{values}' does not pin a caller").format(
                    operator=operator, key=key, values=", ".join(values)))
                continue
            why = why_not_restricting(key, values)
            if why is None:
                return True, []
            reasons.append(why)
    return False, reasons


def _denied_everything_else(policy: dict[str, Any] | None) -> str | None:
    """A Deny to everyone, on every action and on the objects, unless a fixed restricting key
    matches: the statement's Sid, or None. (Only a Deny whose condition is one negated
    clause counts; more clauses are ANDed and narrow the Deny.)"""
    for i, stmt in enumerate(_as_list((policy or {}).get("Statement"))):
        if not isinstance(stmt, dict) or stmt.get("Effect") != "Deny":
            continue
        if stmt.get("Principal") not in ("*", {"AWS": "*"}) or "NotAction" in stmt:
            continue
        if not ALL_ACTIONS & {str(a) for a in _as_list(stmt.get("Action"))}:
            continue
        if not any(str(r) == "*" or str(r).endswith("*") for r in _as_list(stmt.get("Resource"))):
            continue  # a Deny on the bucket ARN alone leaves its objects open
        clauses = [(op, key, value) for op, body in (stmt.get("Condition") or {}).items()
                   if isinstance(body, dict) for key, value in body.items()]
        if len(clauses) != 1:
            continue
        operator, key, value = clauses[0]
        op = str(operator).lower()
        if "not" not in op or op.endswith("ifexists") or op.startswith("forallvalues:"):
            continue
        if why_not_restricting(key, [str(v) for v in _as_list(value)]) is None:
            return str(stmt.get("Sid") or f"#{i + 1}")
    return None


def public_statements(policy: dict[str, Any] | None) -> list[str]:
    """AWS's definition of a public policy, read from the text: each Allow statement to a
    wildcard principal whose condition pins no caller, e.g. "statement 'Sid' allows
    s3:GetObject to *". Empty when a Deny fences every action to fixed callers."""
    found = []
    for i, stmt in enumerate(_as_list((policy or {}).get("Statement"))):
        if not isinstance(stmt, dict) or stmt.get("Effect") != "Allow":
            continue
        if not wildcard_principal(stmt):
            continue
        restricted, reasons = _restriction(stmt.get("Condition"))
        if restricted:
            continue
        actions = _as_list(stmt.get("Action")) or ["(NotAction)"]
        name = stmt.get("Sid") or f"#{i + 1}"
        allowed = ", ".join(map(str, actions))
        if reasons:
            found.append(_("statement '{name}' allows {actions} to * ({reasons})").format(
                name=name, actions=allowed, reasons="; ".join(dict.fromkeys(reasons))))
        else:
            found.append(_("statement '{name}' allows {actions} to *").format(
                name=name, actions=allowed))
    if found and _denied_everything_else(policy):
        return []
    return found


def fenced_by(policy: dict[str, Any] | None) -> str | None:
    """The Sid of a Deny that fences an otherwise public policy (for messages)."""
    return _denied_everything_else(policy)


def public_grants(grants: Iterable[dict[str, Any]] | None) -> list[str]:
    """ACL grants to everyone or to any AWS account: "READ to AllUsers"."""
    found = []
    for g in grants or []:
        group = PUBLIC_GROUPS.get(str(g.get("uri") or ""))
        if group and g.get("permission") in ACL_PERMISSIONS:
            found.append(_("{permission} to {group}").format(permission=g["permission"],
                                                             group=group))

    return found
