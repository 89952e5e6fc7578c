"""Organizations collector: whether the account is in an organization, and its role there.

`organizations.organization` (global) makes one call, DescribeOrganization, which every account
of an organization may call (members included). AWSOrganizationsNotInUseException means a
standalone account. Any other failure (AccessDenied through an SCP or a narrow role) is recorded
on the record rather than raised, because it leaves "management or member?" unknown, not the
account unscanned.

`org.account` (region "global", id = account id); attrs:
  in_organization         bool; None when DescribeOrganization failed
  organization_id         "o-…" or None
  organization_arn        the organization's ARN or None
  management_account_id  the management (master) account id or None
  is_management           bool (this account is the management account); None when unknown
  feature_set             "ALL" | "CONSOLIDATED_BILLING" | None
  errors                  {"describe_organization": error code}
"""

from __future__ import annotations

from onboard.aws.collect.base import Context, collector, detail
from onboard.models import GLOBAL, Resource


@collector("organizations.organization", scope="global", produces=("org.account",),
           calls=("organizations:DescribeOrganization",))
def collect_organization(ctx: Context) -> list[Resource]:
    """One org.account record for the account being scanned."""
    org_client = ctx.client("organizations")
    errors: dict[str, str] = {}
    not_in_use = "AWSOrganizationsNotInUseException"
    resp = detail(errors, "describe_organization", org_client.describe_organization,
                  missing=(not_in_use,))
    attrs: dict[str, object] = {
        "in_organization": None, "organization_id": None, "organization_arn": None,
        "management_account_id": None, "is_management": None, "feature_set": None,
        "errors": errors,
    }
    if resp is not None:
        org = resp.get("Organization", {})
        management = org.get("MasterAccountId")
        attrs.update(in_organization=True, organization_id=org.get("Id"),
                     organization_arn=org.get("Arn"), management_account_id=management,
                     is_management=management == ctx.account_id,
                     feature_set=org.get("FeatureSet"))
    elif not errors:
        attrs.update(in_organization=False, is_management=False)
    return [Resource(type="org.account", id=ctx.account_id, account_id=ctx.account_id,
                     region=GLOBAL, name=ctx.account_id, attrs=attrs)]
