"""Evaluator for iam.root_mfa: the root user has an MFA device."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.i18n import _


@check("iam.root_mfa", needs=("iam.account",))
def root_mfa(inventory: Inventory) -> Iterator[Outcome]:
    """Credential report root row first; GetAccountSummary's AccountMFAEnabled otherwise."""
    for acct in inventory.of("iam.account"):
        root = acct.attrs.get("root")
        summary = acct.attrs.get("summary")
        errors = acct.attrs.get("errors") or {}
        if root is not None:
            if root.get("mfa_active") is True:
                yield ok(acct, _("root user has MFA (credential report: mfa_active true)"))
            elif _no_root_credentials(root):
                yield ok(acct, _("root user has no password and no access key (root "
                                 "credentials removed, e.g. by centralized root access "
                                 "management)"))
            else:
                yield fail(acct, _("root user has no MFA device (credential report: "
                                   "mfa_active false)"))
        elif summary is not None and "AccountMFAEnabled" in summary:
            if summary["AccountMFAEnabled"] == 1:
                yield ok(acct, _("root user has MFA (GetAccountSummary: AccountMFAEnabled 1)"))
            else:
                yield fail(acct, _("root user has no MFA device (GetAccountSummary: "
                                   "AccountMFAEnabled 0)"))
        else:
            why = ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or _("no data")
            yield error(acct, _("cannot tell whether the root user has MFA ({why})").format(
                why=why))



def _no_root_credentials(root: dict[str, object]) -> bool:
    """Root with the password explicitly off and no active key or certificate cannot sign in."""
    return root.get("password_enabled") is False and not any(
        root.get(k) is True for k in ("access_key_1_active", "access_key_2_active",
                                       "cert_1_active", "cert_2_active"))
