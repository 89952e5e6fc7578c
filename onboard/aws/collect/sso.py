"""IAM Identity Center collector: the Identity Center instances visible in each region.

`sso.instances` (regional) makes one call per region: sso-admin ListInstances (paginated,
100 per page). It lists the organization instance (in the management account or a delegated
administrator) and account instances, in the region it is called in.

`sso.region` (region = the region, id = the region name); attrs:
  instances  list of {arn, identity_store_id, owner_account_id, status, name,
             primary_region}; owner_account_id/status/name/primary_region may be None
"""

from __future__ import annotations

from onboard.aws.collect.base import Context, collector, paginate
from onboard.models import Resource


@collector("sso.instances", scope="regional", produces=("sso.region",),
           calls=("sso-admin:ListInstances",), management_only=True)
def collect_sso_instances(ctx: Context) -> list[Resource]:
    """One sso.region record listing the region's Identity Center instances."""
    client = ctx.client("sso-admin")
    instances = [
        {"arn": inst.get("InstanceArn"), "identity_store_id": inst.get("IdentityStoreId"),
         "owner_account_id": inst.get("OwnerAccountId"), "status": inst.get("Status"),
         "name": inst.get("Name"), "primary_region": inst.get("PrimaryRegion")}
        for inst in paginate(client, "list_instances", "Instances",
                             PaginationConfig={"PageSize": 100})
    ]
    return [Resource(type="sso.region", id=ctx.region, account_id=ctx.account_id,
                     region=ctx.region, name=ctx.region, attrs={"instances": instances})]
