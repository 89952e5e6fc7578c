"""Code* collectors: CodePipeline pipelines, CodeBuild projects, CodeCommit repositories.

All regional; every record has region = the region scanned. Each service is its own
collector, so one failing (CodeCommit is closed to new customers and moto does not
implement its listing) is recorded for that service alone.

`codepipeline.pipelines` — ListPipelines.

`codepipeline.pipeline` (id = name = pipeline name; arn constructed
  arn:…:codepipeline:<region>:<account>:<name>):
  version        pipeline structure version
  pipeline_type  "V1" | "V2" (None when the API leaves it out)
  execution_mode "QUEUED" | "SUPERSEDED" | "PARALLEL" | None
  created, updated  ISO-8601

  Stages and actions (which repository, which CodeBuild project) would need GetPipeline per
  pipeline, and are not read.

`codebuild.projects` — ListProjects, then BatchGetProjects (100 names per call).

`codebuild.project` (id = name = project name; arn; vpc_id = vpcConfig.vpcId or None):
  source_type        "GITHUB" | "CODECOMMIT" | "S3" | "CODEPIPELINE" | "NO_SOURCE" | ...
  source_location    repository URL / bucket path, or None
  environment_type   e.g. "LINUX_CONTAINER"
  image              build image
  compute_type
  privileged_mode    bool (Docker-in-Docker: builds run as root on the host)
  env_vars           [{name, type}] — type "PLAINTEXT" | "PARAMETER_STORE" | "SECRETS_MANAGER";
                     the values are never stored (plaintext ones often are secrets)
  service_role       the service role ARN
  subnet_ids, security_groups   from vpcConfig ([] outside a VPC)
  encryption_key     KMS key ARN / alias of the artifacts
  created            ISO-8601
  errors             {"details": <AWS error code>} when BatchGetProjects failed for the
                     project's batch (every other attr is then None / [])

`codecommit.repositories` — ListRepositories (moto: not implemented → the collector raises,
and the runner records a collect error).

`codecommit.repository` (id = name = repository name; arn constructed
  arn:…:codecommit:<region>:<account>:<name>):
  repository_id      the repository's UUID

Calls per region: ListPipelines (1 per 1000), ListProjects (1 per 100) + BatchGetProjects
(1 per 100 projects), ListRepositories (1 per 1000).
"""

from __future__ import annotations

from typing import Any

from onboard.aws.collect.base import Context, collector, detail, paginate
from onboard.models import Resource

BATCH = 100  # BatchGetProjects takes at most 100 names


def _iso(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value


@collector("codepipeline.pipelines", scope="regional", produces=("codepipeline.pipeline",),
           calls=("codepipeline:ListPipelines",))
def collect_pipelines(ctx: Context) -> list[Resource]:
    client = ctx.client("codepipeline")
    return [Resource(
        type="codepipeline.pipeline", id=p["name"], name=p["name"],
        account_id=ctx.account_id, region=ctx.region,
        arn=ctx.arn("codepipeline", p["name"], ctx.region, ctx.account_id),
        attrs={"version": p.get("version"), "pipeline_type": p.get("pipelineType"),
               "execution_mode": p.get("executionMode"),
               "created": _iso(p.get("created")), "updated": _iso(p.get("updated"))})
        for p in paginate(client, "list_pipelines", "pipelines",
                          PaginationConfig={"PageSize": 1000})]


def project_record(ctx: Context, name: str, p: dict[str, Any] | None,
                   errors: dict[str, str]) -> Resource:
    p = p or {}
    env = p.get("environment") or {}
    source = p.get("source") or {}
    vpc = p.get("vpcConfig") or {}
    return Resource(
        type="codebuild.project", id=name, name=name, account_id=ctx.account_id,
        region=ctx.region,
        arn=p.get("arn") or ctx.arn("codebuild", f"project/{name}", ctx.region, ctx.account_id),
        vpc_id=vpc.get("vpcId") or None,
        attrs={
            "source_type": source.get("type"),
            "source_location": source.get("location") or None,
            "environment_type": env.get("type"),
            "image": env.get("image"),
            "compute_type": env.get("computeType"),
            "privileged_mode": bool(env.get("privilegedMode")) if p else None,
            "env_vars": [{"name": v.get("name"), "type": v.get("type") or "PLAINTEXT"}
                         for v in env.get("environmentVariables") or []],
            "service_role": p.get("serviceRole"),
            "subnet_ids": list(vpc.get("subnets") or []),
            "security_groups": list(vpc.get("securityGroupIds") or []),
            "encryption_key": p.get("encryptionKey"),
            "created": _iso(p.get("created")),
            "errors": dict(errors),
        })


@collector("codebuild.projects", scope="regional", produces=("codebuild.project",),
           calls=("codebuild:ListProjects", "codebuild:BatchGetProjects"))
def collect_projects(ctx: Context) -> list[Resource]:
    client = ctx.client("codebuild")
    names = sorted(set(paginate(client, "list_projects", "projects")))
    out = []
    for start in range(0, len(names), BATCH):
        batch = names[start:start + BATCH]
        errors: dict[str, str] = {}
        resp = detail(errors, "details", lambda batch=batch: client.batch_get_projects(  # type: ignore[misc]
            names=batch))
        found = {p["name"]: p for p in (resp or {}).get("projects") or [] if p.get("name")}
        out += [project_record(ctx, n, found.get(n), errors) for n in batch
                if n in found or errors]  # listed, then deleted before the batch call: skip
    return out


@collector("codecommit.repositories", scope="regional", produces=("codecommit.repository",),
           calls=("codecommit:ListRepositories",))
def collect_repositories(ctx: Context) -> list[Resource]:
    client = ctx.client("codecommit")
    return [Resource(
        type="codecommit.repository", id=r["repositoryName"], name=r["repositoryName"],
        account_id=ctx.account_id, region=ctx.region,
        arn=ctx.arn("codecommit", r["repositoryName"], ctx.region, ctx.account_id),
        attrs={"repository_id": r.get("repositoryId")})
        for r in paginate(client, "list_repositories", "repositories")]
