"""Evaluator for iam.user_mfa: every IAM user with a console password has MFA."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.i18n import _


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
            yield error(user, _("user {user}: cannot tell whether it has a console password "
                                "(GetLoginProfile: {code})").format(
                user=user.id, code=errors.get("login_profile", _("unknown"))))
        elif mfa is None:
            yield error(user, _("user {user} has a console password; cannot tell whether it "
                                "has MFA (ListMFADevices: {code})").format(
                user=user.id, code=errors.get("mfa_devices", _("unknown"))))
        elif mfa:
            yield ok(user, _("user {user} has a console password and an MFA device").format(
                user=user.id))
        else:
            yield fail(user, _("user {user} has a console password and no MFA device").format(
                user=user.id))

