"""Evaluator for iam.root_access_keys: the root user has no active access key."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.i18n import _


@check("iam.root_access_keys", needs=("iam.account",))
def root_access_keys(inventory: Inventory) -> Iterator[Outcome]:
    """Credential report root row first; GetAccountSummary's AccountAccessKeysPresent otherwise.

    With the report, only active keys fail (CIS 1.4 / Prowler): an inactive root key can only be
    re-activated by someone already signed in as root. Without it the summary cannot tell
    active from inactive, so any root key fails.
    """
    for acct in inventory.of("iam.account"):
        root = acct.attrs.get("root")
        summary = acct.attrs.get("summary")
        errors = acct.attrs.get("errors") or {}
        if root is not None:
            active = [n for n in (1, 2) if root.get(f"access_key_{n}_active") is True]
            inactive = [n for n in (1, 2) if root.get(f"access_key_{n}_active") is not True
                        and root.get(f"access_key_{n}_last_rotated")]
            if active:
                parts = [_("key {n} created {created}, last used {used}").format(
                             n=n, created=_day(root.get(f"access_key_{n}_last_rotated")),
                             used=_day(root.get(f"access_key_{n}_last_used_date")))
                         for n in active]
                yield fail(acct, _("root user has {n} active access key(s): {keys}").format(
                    n=len(active), keys="; ".join(parts)))
            elif inactive:
                yield ok(acct, _("root user has no active access key (an inactive one "
                                 "remains: delete it)"))
            else:
                yield ok(acct, _("root user has no access key (credential report)"))
        elif summary is not None and "AccountAccessKeysPresent" in summary:
            if summary["AccountAccessKeysPresent"] == 1:
                yield fail(acct, _("root user has access keys (GetAccountSummary: "
                                   "AccountAccessKeysPresent 1)"))
            else:
                yield ok(acct, _("root user has no access key (GetAccountSummary)"))
        else:
            why = ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or _("no data")
            yield error(acct, _("cannot tell whether the root user has access keys "
                                "({why})").format(why=why))


def _day(value: object) -> str:
    return str(value)[:10] if value else _("never")

