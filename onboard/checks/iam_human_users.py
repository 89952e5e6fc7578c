"""Evaluator for iam.human_users: IAM users with a console password (humans belong in SSO)."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok


@check("iam.human_users", needs=("iam.user",))
def human_users(inventory: Inventory) -> Iterator[Outcome]:
    """FAIL per IAM user with a console password; PASS per user without one."""
    for user in inventory.of("iam.user"):
        password = user.attrs.get("password_enabled")
        if password is None:
            code = (user.attrs.get("errors") or {}).get("login_profile", "unknown")
            yield error(user, f"user {user.id}: cannot tell whether it has a console password "
                              f"(GetLoginProfile: {code})")
        elif password:
            last = user.attrs.get("password_last_used")
            used = f"last signed in {last[:10]}" if last else "no recorded sign-in"
            yield fail(user, f"user {user.id} has a console password ({used}); people should "
                             "sign in through IAM Identity Center")
        else:
            yield ok(user, f"user {user.id} has no console password")
