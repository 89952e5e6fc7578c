"""IAM Access Analyzer collector: the analyzers of each region.

`accessanalyzer.analyzers` (regional): ListAnalyzers, all types, paginated with the service's
default page size (the API documents no maximum for maxResults, and analyzers are few).
moto does not implement Access Analyzer: there the call fails and checks report ERROR.

`accessanalyzer.region` (region = the region, id = the region name); attrs:
  analyzers  list of {name, arn, type ("ACCOUNT" | "ORGANIZATION" | "ACCOUNT_UNUSED_ACCESS" |
             "ORGANIZATION_UNUSED_ACCESS" | "ACCOUNT_INTERNAL_ACCESS" |
             "ORGANIZATION_INTERNAL_ACCESS"), status ("ACTIVE" | "CREATING" | "DISABLED" |
             "FAILED")}
"""

from __future__ import annotations

from onboard.aws.collect.base import Context, collector, paginate
from onboard.models import Resource


@collector("accessanalyzer.analyzers", scope="regional", produces=("accessanalyzer.region",),
           calls=("accessanalyzer:ListAnalyzers",))
def collect_analyzers(ctx: Context) -> list[Resource]:
    """One accessanalyzer.region record with the region's analyzers."""
    client = ctx.client("accessanalyzer")
    analyzers = [{"name": a.get("name"), "arn": a.get("arn"), "type": a.get("type"),
                  "status": a.get("status")}
                 for a in paginate(client, "list_analyzers", "analyzers")]
    return [Resource(type="accessanalyzer.region", id=ctx.region, account_id=ctx.account_id,
                     region=ctx.region, name=ctx.region, attrs={"analyzers": analyzers})]
