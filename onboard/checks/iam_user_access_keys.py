"""Evaluator for iam.user_access_keys: active access keys older than 90 days or never used.

Per IAM user with at least one active key (inactive keys cannot sign requests and are ignored;
users without an active key get no finding). A key FAILs when it is older than MAX_AGE_DAYS
(rotation is overdue — this also covers a key last used long ago, which is necessarily older),
or when it has never been used, whatever its age, as DESIGN.md's catalog defines it: an
active key nobody uses is a long-lived credential with no reason to exist. A key made on
purpose minutes ago is rare during an audit, and the message gives its age so the user can
mark it "accepted risk".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.i18n import _, ngettext

MAX_AGE_DAYS = 90


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


def _used(key: dict[str, Any]) -> str:
    if not key.get("last_used"):
        return _("never used")
    service = key.get("last_used_service")
    date = key["last_used"][:10]
    if service:
        return _("last used {date} ({service})").format(date=date, service=service)
    return _("last used {date}").format(date=date)


def assess(key: dict[str, Any], errors: dict[str, str], now: datetime
           ) -> tuple[str, str]:
    """("fail" | "pass" | "error", reason) for one active key."""
    key_id = key.get("id") or "?"
    created = _when(key.get("created"))
    if created is None:
        return "error", _("key {id}: creation date unknown").format(id=key_id)
    age = (now - created).days
    last_known = f"last_used:{key_id}" not in errors
    if age > MAX_AGE_DAYS:
        used = _used(key) if last_known else _("last use unknown")
        return "fail", _("key {id} is {age} old ({used})").format(id=key_id, age=_days(age),
                                                                 used=used)
    if not last_known:
        return "error", _("key {id} is {age} old; last use unknown (GetAccessKeyLastUsed: "
                          "{code})").format(id=key_id, age=_days(age),
                                            code=errors[f"last_used:{key_id}"])
    if not key.get("last_used"):
        return "fail", _("key {id} was never used (created {age} ago)").format(
            id=key_id, age=_days(age))
    return "pass", _("key {id} is {age} old ({used})").format(id=key_id, age=_days(age),
                                                             used=_used(key))


@check("iam.user_access_keys", needs=("iam.user",))
def user_access_keys(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per user with active keys, naming each offending key's id, age and use."""
    now = datetime.now(UTC)
    for user in inventory.of("iam.user"):
        errors = user.attrs.get("errors") or {}
        if "access_keys" in errors:
            yield error(user, _("user {user}: cannot list its access keys (ListAccessKeys: "
                                "{code})").format(user=user.id, code=errors["access_keys"]))
            continue
        active = [k for k in user.attrs.get("access_keys") or [] if k.get("status") == "Active"]
        if not active:
            continue
        results = [assess(k, errors, now) for k in active]
        failed = [reason for status, reason in results if status == "fail"]
        unknown = [reason for status, reason in results if status == "error"]
        if failed:
            yield fail(user, _("user {user}: active access {keys}").format(
                user=user.id, keys="; ".join(failed)))
        elif unknown:
            yield error(user, _("user {user}: {problems}").format(
                user=user.id, problems="; ".join(unknown)))
        else:
            yield ok(user, _("user {user}: active access {keys}").format(
                user=user.id, keys="; ".join(reason for __, reason in results)))

