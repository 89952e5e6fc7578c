"""Evaluator for iam.user_mfa: every IAM user with a console password has MFA."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok


@check("iam.user_mfa", needs=("iam.user",))
def user_mfa(inventory: Inventory) -> Iterator[Outcome]:
    """FAIL per console user without MFA, PASS per console user with it; others: no finding."""
    for user in inventory.of("iam.user"):
        password = user.attrs.get("password_enabled")
        mfa = user.attrs.get("mfa_active")
        errors = user.attrs.get("errors") or {}
        if password is False:
            continue
        if password is None:
            yield error(user, f"user {user.id}: cannot tell whether it has a console password "
                              f"(GetLoginProfile: {errors.get('login_profile', 'unknown')})")
        elif mfa is None:
            yield error(user, f"user {user.id} has a console password; cannot tell whether it "
                              f"has MFA (ListMFADevices: {errors.get('mfa_devices', 'unknown')})")
        elif mfa:
            yield ok(user, f"user {user.id} has a console password and an MFA device")
        else:
            yield fail(user, f"user {user.id} has a console password and no MFA device")
