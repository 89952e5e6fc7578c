"""Security Hub collector: whether Security Hub is enabled in each region.

`securityhub.hub` (regional) makes one call, DescribeHub. InvalidAccessException ("Account …
is not subscribed to AWS Security Hub") means not enabled; any other failure is raised.

`securityhub.region` (region = the region, id = the region name); attrs:
  enabled        bool
  hub_arn        str or None
  subscribed_at  ISO or None
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from onboard.aws.collect.base import Context, collector, error_code
from onboard.models import Resource

NOT_ENABLED = "InvalidAccessException"


@collector("securityhub.hub", scope="regional", produces=("securityhub.region",),
           calls=("securityhub:DescribeHub",))
def collect_hub(ctx: Context) -> list[Resource]:
    """One securityhub.region record saying whether the hub is on."""
    client = ctx.client("securityhub")
    try:
        hub = client.describe_hub()
    except ClientError as exc:
        if error_code(exc) != NOT_ENABLED:
            raise
        hub = None
    hub_arn: str | None = (hub or {}).get("HubArn")
    attrs = {"enabled": hub is not None, "hub_arn": hub_arn,
             "subscribed_at": (hub or {}).get("SubscribedAt")}
    return [Resource(type="securityhub.region", id=ctx.region, account_id=ctx.account_id,
                     region=ctx.region, arn=hub_arn, name=ctx.region, attrs=attrs)]
