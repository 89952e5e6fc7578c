"""DynamoDB collector: table names, for the inventory and the architecture diagram.

`dynamodb.tables` — ListTables (regional).

`dynamodb.table` (id = name = table name; arn constructed
  arn:…:dynamodb:<region>:<account>:table/<name>):
  (no attrs) — DescribeTable (encryption, billing, streams) and DescribeContinuousBackups
  (point-in-time recovery) are per table and not needed for the inventory; a check that
  needs them should add them here.

Calls per region: ListTables (1 per 100 tables).
"""

from __future__ import annotations

from onboard.aws.collect.base import Context, collector, paginate
from onboard.models import Resource


@collector("dynamodb.tables", scope="regional", produces=("dynamodb.table",),
           calls=("dynamodb:ListTables",))
def collect_tables(ctx: Context) -> list[Resource]:
    client = ctx.client("dynamodb")
    return [Resource(type="dynamodb.table", id=name, name=name, account_id=ctx.account_id,
                     region=ctx.region,
                     arn=ctx.arn("dynamodb", f"table/{name}", ctx.region, ctx.account_id))
            for name in paginate(client, "list_tables", "TableNames",
                                 PaginationConfig={"PageSize": 100})]
