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
    return f"{n} day" if n == 1 else f"{n} days"


def _used(key: dict[str, Any]) -> str:
    if not key.get("last_used"):
        return "never used"
    service = key.get("last_used_service")
    return f"last used {key['last_used'][:10]}" + (f" ({service})" if service else "")


def assess(key: dict[str, Any], errors: dict[str, str], now: datetime
           ) -> tuple[str, str]:
    """("fail" | "pass" | "error", reason) for one active key."""
    key_id = key.get("id") or "?"
    created = _when(key.get("created"))
    if created is None:
        return "error", f"key {key_id}: creation date unknown"
    age = (now - created).days
    last_known = f"last_used:{key_id}" not in errors
    if age > MAX_AGE_DAYS:
        used = _used(key) if last_known else "last use unknown"
        return "fail", f"key {key_id} is {_days(age)} old ({used})"
    if not last_known:
        return "error", (f"key {key_id} is {_days(age)} old; last use unknown "
                         f"(GetAccessKeyLastUsed: {errors[f'last_used:{key_id}']})")
    if not key.get("last_used"):
        return "fail", f"key {key_id} was never used (created {_days(age)} ago)"
    return "pass", f"key {key_id} is {_days(age)} old ({_used(key)})"


@check("iam.user_access_keys", needs=("iam.user",))
def user_access_keys(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per user with active keys, naming each offending key's id, age and use."""
    now = datetime.now(UTC)
    for user in inventory.of("iam.user"):
        errors = user.attrs.get("errors") or {}
        if "access_keys" in errors:
            yield error(user, f"user {user.id}: cannot list its access keys "
                              f"(ListAccessKeys: {errors['access_keys']})")
            continue
        active = [k for k in user.attrs.get("access_keys") or [] if k.get("status") == "Active"]
        if not active:
            continue
        results = [assess(k, errors, now) for k in active]
        failed = [reason for status, reason in results if status == "fail"]
        unknown = [reason for status, reason in results if status == "error"]
        if failed:
            yield fail(user, f"user {user.id}: active access " + "; ".join(failed))
        elif unknown:
            yield error(user, f"user {user.id}: " + "; ".join(unknown))
        else:
            yield ok(user, f"user {user.id}: active access "
                           + "; ".join(reason for _, reason in results))
