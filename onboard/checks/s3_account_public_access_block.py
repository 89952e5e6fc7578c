"""s3.account_public_access_block: account-level S3 Block Public Access with all four flags on."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.checks.s3_access import BPA_FLAGS
from onboard.i18n import _


@check("s3.account_public_access_block", needs=("s3.account",))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per account (resource_id = account id)."""
    for acct in inv.of("s3.account"):
        code = (acct.attrs.get("errors") or {}).get("public_access_block")
        if code:
            yield error(acct, _("account-level Block Public Access could not be read "
                                "({code})").format(code=code),
                        resource_id=acct.account_id)
            continue
        flags = acct.attrs.get("public_access_block")
        if flags is None:
            yield fail(acct, _("account-level Block Public Access not configured"),
                       resource_id=acct.account_id)
            continue
        off = [f for f in BPA_FLAGS if not flags.get(f)]
        if off:
            yield fail(acct, _("account-level Block Public Access off: {flags}").format(
                flags=", ".join(off)), resource_id=acct.account_id)
        else:
            yield ok(acct, _("account-level Block Public Access: all four flags on"),

                     resource_id=acct.account_id)
