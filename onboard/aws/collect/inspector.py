"""Amazon Inspector (v2) collector: the account's Inspector status in each region.

`inspector.status` (regional) makes one call, inspector2 BatchGetAccountStatus with
accountIds=[the scanned account] (moto fails without accountIds). AWS lists an account that
never enabled Inspector as DISABLED. An account in `failedAccounts` is an error (its
errorCode); an answer that lists the account nowhere has no status to report, which is what
"never enabled" means, so it is read as NOT_ENABLED (`status_returned` False says so).

`inspector.region` (region = the region, id = the region name); attrs:
  account_state   "ENABLED" | "ENABLING" | "DISABLED" | "DISABLING" | "SUSPENDED" |
                  "SUSPENDING" | None (unknown)
  resource_state  {scan type: status} for ec2, ecr, lambda, lambdaCode, codeRepository, …
  status_returned False when the answer did not list the account at all
  errors          {"account_status": a failedAccounts errorCode}
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector
from onboard.models import Resource


@collector("inspector.status", scope="regional", produces=("inspector.region",),
           calls=("inspector2:BatchGetAccountStatus",))
def collect_inspector(ctx: Context) -> list[Resource]:
    """One inspector.region record with the account's Inspector scan states."""
    client = ctx.client("inspector2")
    resp = client.batch_get_account_status(accountIds=[ctx.account_id])
    errors: dict[str, str] = {}
    mine = [a for a in resp.get("accounts", []) if a.get("accountId") == ctx.account_id]
    failed = [a for a in resp.get("failedAccounts", []) if a.get("accountId") == ctx.account_id]
    account_state: str | None = None
    resource_state: dict[str, Any] = {}
    if mine:
        account_state = (mine[0].get("state") or {}).get("status")
        resource_state = {name: (state or {}).get("status")
                          for name, state in (mine[0].get("resourceState") or {}).items()}
    elif failed:
        errors["account_status"] = str(failed[0].get("errorCode") or "Failed")
    else:
        account_state = "NOT_ENABLED"
    return [Resource(type="inspector.region", id=ctx.region, account_id=ctx.account_id,
                     region=ctx.region, name=ctx.region,
                     attrs={"account_state": account_state, "resource_state": resource_state,
                            "status_returned": bool(mine or failed), "errors": errors})]
