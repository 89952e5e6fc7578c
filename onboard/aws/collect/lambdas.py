"""Lambda collector: functions, with their runtime, role and VPC placement.

(The module is `lambdas`, not `lambda`, which is a Python keyword.)

`lambda.functions` — ListFunctions (regional).

`lambda.function` (id = name = FunctionName; arn = FunctionArn; vpc_id = VpcConfig.VpcId when
  the function is attached to a VPC, else None; subnet_id None — a function may use several):
  runtime          e.g. "python3.12"; None for container-image functions
  package_type     "Zip" | "Image"
  handler          the handler, or None for images
  role             the execution role ARN
  subnet_ids       VpcConfig.SubnetIds ([] outside a VPC)
  security_groups  VpcConfig.SecurityGroupIds
  architectures    ["x86_64"] | ["arm64"]
  memory, timeout  MemorySize (MB), Timeout (s)
  env_var_names    sorted names of its environment variables — never their values, which
                   often hold secrets
  layers           layer version ARNs
  last_modified    LastModified as AWS gives it (ISO-8601)
  description

Not read, to keep to one listing call: function URL configs (ListFunctionUrlConfigs is per
function), resource policies (GetPolicy, per function) and tags.

Calls per region: ListFunctions (1 per 50 functions).
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, paginate
from onboard.models import Resource

PAGE = {"PageSize": 50}  # ListFunctions allows at most 50 per page


def function_record(ctx: Context, f: dict[str, Any]) -> Resource:
    vpc = f.get("VpcConfig") or {}
    env = (f.get("Environment") or {}).get("Variables") or {}
    return Resource(
        type="lambda.function", id=f["FunctionName"], name=f["FunctionName"],
        account_id=ctx.account_id, region=ctx.region,
        arn=f.get("FunctionArn") or ctx.arn("lambda", f"function:{f['FunctionName']}",
                                            ctx.region, ctx.account_id),
        vpc_id=vpc.get("VpcId") or None,
        attrs={
            "runtime": f.get("Runtime"),
            "package_type": f.get("PackageType") or "Zip",
            "handler": f.get("Handler"),
            "role": f.get("Role"),
            "subnet_ids": list(vpc.get("SubnetIds") or []),
            "security_groups": list(vpc.get("SecurityGroupIds") or []),
            "architectures": list(f.get("Architectures") or []),
            "memory": f.get("MemorySize"),
            "timeout": f.get("Timeout"),
            "env_var_names": sorted(env),
            "layers": [layer["Arn"] for layer in f.get("Layers") or [] if layer.get("Arn")],
            "last_modified": f.get("LastModified"),
            "description": f.get("Description", ""),
        })


@collector("lambda.functions", scope="regional", produces=("lambda.function",),
           calls=("lambda:ListFunctions",))
def collect_functions(ctx: Context) -> list[Resource]:
    client = ctx.client("lambda")
    return [function_record(ctx, f)
            for f in paginate(client, "list_functions", "Functions", PaginationConfig=PAGE)]
