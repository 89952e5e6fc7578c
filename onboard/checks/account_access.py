"""Evaluator for account.access: every account of the scan could be read at all."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check
from onboard.i18n import _
from onboard.models import ACCOUNT_COLLECTOR, GLOBAL, Status


@check("account.access", needs=())
def account_access(inventory: Inventory) -> Iterator[Outcome]:
    """One ERROR per account whose role could not be assumed (nothing in it was read, so
    nothing in it may count as fixed); PASS for every account the scan did read."""
    unread = {e.account_id: e for e in inventory.errors if e.collector == ACCOUNT_COLLECTOR}
    for account_id, err in sorted(unread.items()):
        yield Outcome(Status.ERROR, account_id, GLOBAL, account_id,
                      _("account not read: {reason}").format(reason=err.message), None,
                      "account")
    for account_id in inventory.accounts():  # the accounts that were read
        yield Outcome(Status.PASS, account_id, GLOBAL, account_id,
                      _("account read (role assumed, or the caller's own account)"), None,
                      "account")
