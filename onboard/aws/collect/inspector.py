"""Amazon Inspector (v2) collector: the account's Inspector status in each region.

`inspector.status` (regional) makes one call, inspector2 BatchGetAccountStatus with
accountIds=[the scanned account] (moto fails without accountIds). AWS lists an account that
never enabled Inspector as DISABLED; an account missing from both `accounts` and
`failedAccounts` is recorded as an error ("NotReturned"), never read as "off".

`inspector.region` (region = the region, id = the region name); attrs:
  account_state   "ENABLED" | "ENABLING" | "DISABLED" | "DISABLING" | "SUSPENDED" |
                  "SUSPENDING" | None (unknown)
  resource_state  {scan type: status} for ec2, ecr, lambda, lambdaCode, codeRepository, …
  errors          {"account_status": error code (a failedAccounts errorCode or NotReturned)}
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
        errors["account_status"] = "NotReturned"
    return [Resource(type="inspector.region", id=ctx.region, account_id=ctx.account_id,
                     region=ctx.region, name=ctx.region,
                     attrs={"account_state": account_state, "resource_state": resource_state,
                            "errors": errors})]
