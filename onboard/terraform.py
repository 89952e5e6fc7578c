"""Terraform state → managed-resource index: which inventory resources Terraform manages.

The talk's newcomer found most resources Terraform-managed and some security resources made
by hand on purpose; `terraform state list` was one way to see which. This module reads a
state and matches it against the scan's inventory, so the report can list the hand-made
(unmanaged) resources per account and findings can name the Terraform address to fix.

Accepted input (JSON, UTF-8):
  * a state file, format version 4 (Terraform ≥ 0.12): a local `terraform.tfstate`, or
    `terraform state pull` output — `resources[]` with `module`, `mode`, `type`, `name`,
    `instances[]` (`index_key` for count / for_each, `attributes`);
  * `terraform show -json` output — `values.root_module` with `resources[]` (`address`,
    `index`, `values`) and nested `child_modules[]`.
Refused with a one-line TerraformError (nothing is imported): not JSON (a binary plan file
included), state format version 3 or other, a state without a `resources` list, a JSON plan
(`terraform show -json PLANFILE`), anything else.

Only managed AWS resources are kept (mode "managed", type `aws_…`); data sources and other
providers are skipped. For each instance: its address (`module.x.module.y.aws_s3_bucket.z
["key"]`), type, name, module (`module.x.module.y` or ""), index key (count index or
for_each key as text, or None), the ARN (`arn` attribute) and `resource_id` — the id the
inventory uses for it, which is not always Terraform's `id`: the DB identifier for
aws_db_instance (newer providers put the `db-…` resource id in `id`), the name for load
balancers, target groups, ECS clusters and CodeBuild projects (Terraform's id is the ARN),
`zone:name:type` for Route 53 records, and so on (ID_ATTRS).

Matching a state row to an inventory resource: the same ARN, or the same inventory type
(TF_TYPES) and id — restricted, when the state's ARNs name accounts, to those accounts (two
accounts often share DB identifiers and load balancer names).

Importing is per file: importing a file again replaces that file's rows, other files' rows
stay (a startup typically has one state per environment or component).
"""

from __future__ import annotations

import json
import stat
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onboard.models import Resource, TfResource
from onboard.store import Store

# Terraform type → the inventory type it creates.
TF_TYPES: dict[str, str] = {
    "aws_s3_bucket": "s3.bucket",
    "aws_instance": "ec2.instance",
    "aws_security_group": "ec2.security_group",
    "aws_default_security_group": "ec2.security_group",
    "aws_vpc": "ec2.vpc",
    "aws_default_vpc": "ec2.vpc",
    "aws_subnet": "ec2.subnet",
    "aws_default_subnet": "ec2.subnet",
    "aws_route_table": "ec2.route_table",
    "aws_default_route_table": "ec2.route_table",
    "aws_internet_gateway": "ec2.internet_gateway",
    "aws_nat_gateway": "ec2.nat_gateway",
    "aws_flow_log": "ec2.flow_log",
    "aws_network_interface": "ec2.network_interface",
    "aws_db_instance": "rds.db_instance",
    "aws_rds_cluster_instance": "rds.db_instance",
    "aws_rds_cluster": "rds.db_cluster",
    "aws_docdb_cluster": "rds.db_cluster",
    "aws_neptune_cluster": "rds.db_cluster",
    "aws_elasticache_cluster": "elasticache.cluster",
    "aws_lb": "elb.load_balancer",
    "aws_alb": "elb.load_balancer",
    "aws_elb": "elb.load_balancer",
    "aws_lb_target_group": "elb.target_group",
    "aws_alb_target_group": "elb.target_group",
    "aws_cloudfront_distribution": "cloudfront.distribution",
    "aws_iam_user": "iam.user",
    "aws_cloudtrail": "cloudtrail.trail",
    "aws_lambda_function": "lambda.function",
    "aws_wafv2_web_acl": "wafv2.web_acl",
    "aws_codepipeline": "codepipeline.pipeline",
    "aws_codebuild_project": "codebuild.project",
    "aws_codecommit_repository": "codecommit.repository",
    "aws_api_gateway_rest_api": "apigateway.rest_api",
    "aws_apigatewayv2_api": "apigateway.http_api",
    "aws_dynamodb_table": "dynamodb.table",
    "aws_route53_zone": "route53.zone",
    "aws_route53_record": "route53.record",
    "aws_ecs_cluster": "ecs.cluster",
    "aws_eks_cluster": "eks.cluster",
}
# Attributes holding the inventory's id, in order of preference (default: "id").
ID_ATTRS: dict[str, tuple[str, ...]] = {
    "aws_s3_bucket": ("bucket", "id"),
    "aws_db_instance": ("identifier", "id"),
    "aws_rds_cluster_instance": ("identifier", "id"),
    "aws_rds_cluster": ("cluster_identifier", "id"),
    "aws_docdb_cluster": ("cluster_identifier", "id"),
    "aws_neptune_cluster": ("cluster_identifier", "id"),
    "aws_elasticache_cluster": ("cluster_id", "id"),
    "aws_elasticache_replication_group": ("replication_group_id", "id"),
    "aws_lb": ("name", "id"),
    "aws_alb": ("name", "id"),
    "aws_elb": ("name", "id"),
    "aws_lb_target_group": ("name", "id"),
    "aws_alb_target_group": ("name", "id"),
    "aws_iam_user": ("name", "id"),
    "aws_iam_role": ("name", "id"),
    "aws_cloudtrail": ("name", "id"),
    "aws_lambda_function": ("function_name", "id"),
    "aws_codepipeline": ("name", "id"),
    "aws_codebuild_project": ("name", "id"),
    "aws_codecommit_repository": ("repository_name", "id"),
    "aws_dynamodb_table": ("name", "id"),
    "aws_route53_zone": ("zone_id", "id"),
    "aws_ecs_cluster": ("name", "id"),
    "aws_eks_cluster": ("name", "id"),
}
# Inventory types the unmanaged list considers (made by people, so Terraform could own them).
MANAGEABLE = frozenset(TF_TYPES.values()) - {"ec2.network_interface"}
CFN_TAG = "aws:cloudformation:stack-name"
SERVICE_TAGS = ("aws:autoscaling:groupName", "eks:nodegroup-name", "aws:eks:cluster-name",
                "elasticbeanstalk:environment-name", "aws:ec2spot:fleet-request-id")


class TerraformError(ValueError):
    """A file that cannot be imported; the message is one line naming the file."""


# --- reading ------------------------------------------------------------------------------


def _index_suffix(key: Any) -> str:
    """`[0]` or `["name"]`; ValueError for anything Terraform would not write."""
    if key is None:
        return ""
    if isinstance(key, bool) or not isinstance(key, int | str):
        raise ValueError("index key")
    if isinstance(key, int):
        if abs(key) >= 10 ** 18:
            raise ValueError("index key")
        return f"[{key}]"
    if len(key) > MAX_INDEX_KEY:
        raise ValueError("index key")
    return f"[{json.dumps(key)}]"


def _route53_record_id(attrs: dict[str, Any]) -> str | None:
    zone, name, rtype = attrs.get("zone_id"), attrs.get("name") or attrs.get("fqdn"), \
        attrs.get("type")
    if not (zone and name and rtype):
        return None
    name = str(name).rstrip(".").lower().replace("\\052", "*")
    rid = f"{zone}:{name}:{rtype}"
    return rid + (f":{attrs['set_identifier']}" if attrs.get("set_identifier") else "")


def inventory_id(tf_type: str, attrs: dict[str, Any]) -> str | None:
    """The id the inventory uses for a resource of this Terraform type."""
    if tf_type == "aws_route53_record":
        return _route53_record_id(attrs)
    for attr in ID_ATTRS.get(tf_type, ("id",)):
        value = attrs.get(attr)
        if value not in (None, ""):
            if tf_type == "aws_route53_zone":
                return str(value).rsplit("/", 1)[-1]
            return str(value)
    return None


def _resource(source: str, tf_type: str, name: str, module: str, key: Any,
              attrs: dict[str, Any], address: str | None = None) -> TfResource:
    arn = attrs.get("arn")
    base = f"{module}.{tf_type}.{name}" if module else f"{tf_type}.{name}"
    return TfResource(
        address=address or base + _index_suffix(key), type=tf_type, name=name, module=module,
        index_key=None if key is None else str(key),
        resource_id=inventory_id(tf_type, attrs),
        arn=arn if isinstance(arn, str) and arn.startswith("arn:") else None, source=source)


def _is_aws(tf_type: Any) -> bool:
    return isinstance(tf_type, str) and tf_type.startswith("aws_")


def _from_state(data: dict[str, Any], source: str, label: str) -> list[TfResource]:
    resources = data.get("resources")
    if not isinstance(resources, list):
        raise TerraformError(f'{label}: the state has no "resources" list')
    out = []
    for n, r in enumerate(resources, 1):
        if not isinstance(r, dict) or not isinstance(r.get("type"), str) \
                or not isinstance(r.get("name"), str):
            raise TerraformError(f"{label}: resource #{n} has no type or name")
        if r.get("mode", "managed") != "managed" or not _is_aws(r["type"]):
            continue
        module = r.get("module") or ""
        if not isinstance(module, str):
            raise TerraformError(f'{label}: resource {r["type"]}.{r["name"]} has a "module" '
                                 f"that is not a string ({type(module).__name__})")
        instances = r.get("instances")
        if not isinstance(instances, list):
            raise TerraformError(f"{label}: resource {r['type']}.{r['name']} has no "
                                 '"instances" list')
        for inst in instances:
            if not isinstance(inst, dict):
                raise TerraformError(f"{label}: resource {r['type']}.{r['name']} has a "
                                     "malformed instance")
            if inst.get("deposed"):
                continue  # a create_before_destroy leftover, not the live object
            attrs = inst.get("attributes")
            if not isinstance(attrs, dict):
                attrs = {}
            try:
                out.append(_resource(source, r["type"], r["name"], module,
                                     inst.get("index_key"), attrs))
            except ValueError:
                raise TerraformError(f"{label}: resource {r['type']}.{r['name']} has a "
                                     "malformed index key") from None
    return out


def _walk_modules(root: dict[str, Any], label: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (module address, resource) under `root`, without recursion."""
    stack = [root]
    while stack:
        module = stack.pop(0)
        address = module.get("address") or ""
        resources = module.get("resources") or []
        children = module.get("child_modules") or []
        if not isinstance(address, str) or not isinstance(resources, list) \
                or not isinstance(children, list):
            raise TerraformError(f"{label}: a module in the output is malformed (address, "
                                 "resources or child_modules of the wrong type)")
        for r in resources:
            yield address, r
        stack.extend(child for child in children if isinstance(child, dict))


def _from_show_json(data: dict[str, Any], source: str, label: str) -> list[TfResource]:
    values = data.get("values")
    if values is None:
        raise TerraformError(f"{label}: `terraform show -json` output without values: "
                             "the state is empty")
    root = values.get("root_module") if isinstance(values, dict) else None
    if not isinstance(root, dict):
        raise TerraformError(f'{label}: "values" has no "root_module"')
    out = []
    for module, r in _walk_modules(root, label):
        if not isinstance(r, dict) or not isinstance(r.get("type"), str):
            raise TerraformError(f"{label}: a resource in {module or 'the root module'} has "
                                 "no type")
        if r.get("mode", "managed") != "managed" or not _is_aws(r["type"]):
            continue
        values = r.get("values")
        attrs: dict[str, Any] = values if isinstance(values, dict) else {}
        address = r.get("address")
        if address is not None and not isinstance(address, str):
            raise TerraformError(f"{label}: a resource in {module or 'the root module'} has "
                                 "an address that is not a string")
        try:
            out.append(_resource(source, r["type"], str(r.get("name", "")), module,
                                 r.get("index"), attrs, address=address))
        except ValueError:
            raise TerraformError(f"{label}: resource {r.get('address')} has a malformed "
                                 "index") from None
    return out


def parse(data: Any, source: str, label: str | None = None) -> list[TfResource]:
    """Managed AWS resource instances of a parsed state / `terraform show -json` document."""
    label = label or source
    if not isinstance(data, dict):
        raise TerraformError(f"{label}: not a Terraform state (the JSON is not an object)")
    if "planned_values" in data or "resource_changes" in data:
        raise TerraformError(f"{label}: a plan (`terraform show -json PLANFILE`), not a "
                             "state: run `terraform show -json` without a plan file, or "
                             "`terraform state pull`")
    if "format_version" in data and "version" not in data:
        return _from_show_json(data, source, label)
    version = data.get("version")
    if version == 4:
        return _from_state(data, source, label)
    if isinstance(version, int):
        hint = (" (Terraform before 0.12): upgrade the state, or run `terraform show -json`"
                " with a current Terraform" if version < 4 else "")
        raise TerraformError(f"{label}: state format version {version} is not supported"
                             f"{hint}; onboard reads version 4")
    raise TerraformError(f"{label}: neither a Terraform state (version 4) nor "
                         "`terraform show -json` output")


MAX_STATE_BYTES = 256 * 1024 * 1024
"""The largest state file read (the biggest real states are tens of MB)."""
MAX_JSON_DEPTH = 100
"""Deepest JSON nesting accepted: a state nests modules and blocks a dozen levels at most."""
MAX_INDEX_KEY = 1024
"""Longest `count`/`for_each` key accepted, in characters or digits."""


def read_bounded(p: Path, limit: int, what: str) -> bytes:
    """At most `limit` bytes of a regular file or a pipe (`<(terraform state pull)`);
    never a device such as /dev/zero, never an unbounded read."""
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise TerraformError(f"{p}: no such file") from None
    except OSError as exc:
        raise TerraformError(f"{p}: cannot read it ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        raise TerraformError(f"{p}: a directory; name the {what} in it")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise TerraformError(f"{p}: not a regular file (a device or socket); name the {what}")
    try:
        with p.open("rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise TerraformError(f"{p}: cannot read it ({exc.strerror})") from None
    if len(raw) > limit:
        raise TerraformError(f"{p}: larger than {limit // (1024 * 1024)} MB; onboard reads "
                             f"{what}s up to that size")
    return raw


def json_depth_exceeds(data: Any, limit: int) -> bool:
    """True when `data` nests deeper than `limit` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, dict | list))
    return False


def read(path: str | Path) -> list[TfResource]:
    """Read one file; raises TerraformError with a one-line reason."""
    p = Path(path)
    label = p.name or str(p)
    raw = read_bounded(p, MAX_STATE_BYTES, "state file")
    if raw.startswith(b"PK"):
        raise TerraformError(f"{label}: a binary Terraform plan file, not a state: use "
                             "`terraform state pull > state.json` or "
                             "`terraform show -json > state.json`")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TerraformError(f"{label}: not UTF-8 text (byte {exc.start} is "
                             f"0x{raw[exc.start]:02x}), so not a state file") from None
    too_deep = (f"{label}: JSON nested deeper than {MAX_JSON_DEPTH} levels; not a state "
                "file Terraform writes")
    try:
        data = json.loads(text)
    except RecursionError:
        raise TerraformError(too_deep) from None
    except json.JSONDecodeError as exc:
        raise TerraformError(f"{label}: not JSON ({exc.msg} at line {exc.lineno}, byte "
                             f"{exc.pos}); expected a .tfstate file or `terraform show "
                             "-json` output") from None
    except ValueError as exc:  # e.g. an integer longer than Python converts
        raise TerraformError(f"{label}: not a JSON document onboard reads "
                             f"({' '.join(str(exc).split())[:120]})") from None
    if json_depth_exceeds(data, MAX_JSON_DEPTH):
        raise TerraformError(too_deep)
    return parse(data, str(p.resolve()), label)


# --- the index ----------------------------------------------------------------------------


def _account_of_arn(arn: str | None) -> str | None:
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 5 and parts[4].isdigit() else None


@dataclass
class ManagedIndex:
    """The session's imported Terraform rows, indexed for matching inventory resources."""

    rows: list[dict[str, Any]]
    by_arn: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_id: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    accounts_by_source: dict[str, set[str]] = field(default_factory=dict)
    replication_groups: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_id: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        accounts: dict[str, set[str]] = defaultdict(set)
        for row in sorted(self.rows, key=lambda r: r["address"]):
            if row.get("arn"):
                self.by_arn.setdefault(row["arn"], row)
                account = _account_of_arn(row["arn"])
                if account:
                    accounts[row.get("source") or ""].add(account)
            inv_type = TF_TYPES.get(row.get("type") or "")
            if inv_type and row.get("resource_id"):
                by_id[(inv_type, row["resource_id"])].append(row)
            if row.get("type") == "aws_elasticache_replication_group" and row.get("resource_id"):
                self.replication_groups.setdefault(row["resource_id"], row)
        self.by_id = dict(by_id)
        self.accounts_by_source = dict(accounts)

    def __len__(self) -> int:
        return len(self.rows)

    def _same_account(self, row: dict[str, Any], account_id: str) -> bool:
        accounts = self.accounts_by_source.get(row.get("source") or "")
        return not accounts or account_id in accounts

    def lookup(self, type_: str, account_id: str, id_: str, arn: str | None = None
               ) -> dict[str, Any] | None:
        """The state row for an inventory type + account + id (or ARN), or None. Also
        suits a Finding: `lookup(f.resource_type, f.account_id, f.resource_id,
        f.resource_arn)`."""
        if arn and arn in self.by_arn:
            return self.by_arn[arn]
        for row in self.by_id.get((type_, id_), []):
            if self._same_account(row, account_id):
                return row
        return None

    def row_for(self, r: Resource) -> dict[str, Any] | None:
        """The state row that manages this inventory resource, or None."""
        row = self.lookup(r.type, r.account_id, r.id, r.arn)
        if row is not None:
            return row
        if r.type == "elasticache.cluster" and r.attrs.get("replication_group"):
            row = self.replication_groups.get(r.attrs["replication_group"])
            if row is not None and self._same_account(row, r.account_id):
                return row
        return None

    def address_of(self, r: Resource) -> str | None:
        row = self.row_for(r)
        return row["address"] if row else None


def managed_index(store: Store, session_id: int) -> ManagedIndex:
    """Everything imported into the session, ready to match against an inventory."""
    return ManagedIndex(store.tf_resources(session_id))


def _tags(r: Resource) -> dict[str, Any]:
    tags = r.attrs.get("tags")
    return tags if isinstance(tags, dict) else {}


def made_by_aws(r: Resource) -> str | None:
    """Why a resource is not a hand-made one even though no state names it, or None:
    created by AWS (default VPC and its parts, a VPC's default group or main route table),
    by CloudFormation, or by a service (Auto Scaling, EKS node groups)."""
    tags = _tags(r)
    if CFN_TAG in tags:
        return "CloudFormation"
    if any(t in tags for t in SERVICE_TAGS):
        return "a service"
    if r.type == "ec2.vpc" and r.attrs.get("is_default"):
        return "AWS (default VPC)"
    if r.type == "ec2.subnet" and r.attrs.get("default_for_az"):
        return "AWS (default subnet)"
    if r.type == "ec2.security_group" and r.attrs.get("is_default"):
        return "AWS (default security group)"
    if r.type == "ec2.route_table":
        assocs = r.attrs.get("associations") or []
        if assocs and all(a.get("main") for a in assocs):
            return "AWS (main route table)"
    if r.type == "ec2.instance" and r.attrs.get("state") in ("terminated", "shutting-down"):
        return "gone (terminated)"
    return None


@dataclass
class Match:
    """A state matched against one scan's inventory."""

    scan_id: int | None
    matched: list[tuple[dict[str, Any], Resource]]
    unmatched_rows: list[dict[str, Any]]
    unmanaged: dict[str, list[Resource]]
    managed: int

    @property
    def matched_rows(self) -> int:
        return len({row["address"] for row, _ in self.matched})


def match(index: ManagedIndex, resources: Iterable[Resource],
          scan_id: int | None = None) -> Match:
    """Which inventory resources the state manages, which are hand-made (per account)."""
    resources = list(resources)
    defaults = {(r.account_id, r.id) for r in resources
                if r.type == "ec2.vpc" and r.attrs.get("is_default")}
    matched: list[tuple[dict[str, Any], Resource]] = []
    unmanaged: dict[str, list[Resource]] = {}
    managed = 0
    for r in sorted(resources, key=lambda x: (x.account_id, x.type, x.region, x.id)):
        if r.type not in MANAGEABLE:
            continue
        unmanaged.setdefault(r.account_id, [])
        row = index.row_for(r)
        if row is not None:
            matched.append((row, r))
            managed += 1
            continue
        if made_by_aws(r) or (r.type == "ec2.internet_gateway"
                              and (r.account_id, r.vpc_id) in defaults):
            continue
        unmanaged[r.account_id].append(r)
    hit = {row["address"] for row, _ in matched}
    unmatched = [row for row in index.rows if row["address"] not in hit
                 and TF_TYPES.get(row.get("type") or "")]
    return Match(scan_id, matched, unmatched, unmanaged, managed)


def unmanaged(store: Store, session_id: int, scan_id: int) -> dict[str, list[Resource]]:
    """Per account, the inventory resources no imported state manages and AWS did not make
    (every account with manageable resources is a key, possibly with an empty list)."""
    return match(managed_index(store, session_id), store.resources(scan_id),
                 scan_id=scan_id).unmanaged


# --- importing ----------------------------------------------------------------------------


@dataclass
class FileRead:
    path: str
    resources: list[TfResource]

    @property
    def modules(self) -> int:
        return len({r.module for r in self.resources if r.module})

    @property
    def known_types(self) -> int:
        return sum(1 for r in self.resources if r.type in TF_TYPES)


@dataclass
class ImportResult:
    files: list[FileRead]
    total_rows: int
    match: Match | None

    @property
    def read(self) -> int:
        return sum(len(f.resources) for f in self.files)


def import_files(store: Store, session_id: int, paths: Iterable[str | Path]) -> ImportResult:
    """Read every file (all or nothing), store their rows in the session (a file imported
    again replaces its earlier rows), match against the latest scan, record `tf_imported`."""
    files = [FileRead(str(Path(p).resolve()), read(p)) for p in paths]
    new_sources = {f.path for f in files}
    new_rows: dict[tuple[str, str], dict[str, Any]] = {}
    for f in files:
        for r in f.resources:
            new_rows[(f.path, r.address)] = r.row()
    # Another file may hold the same address (prod and staging built from one module):
    # both stay, each matched within the accounts its own ARNs name.
    kept = [{k: row.get(k) for k in ("address", "type", "name", "module", "index_key",
                                      "resource_id", "arn", "source")}
            for row in store.tf_resources(session_id) if row.get("source") not in new_sources]
    rows = kept + [new_rows[k] for k in sorted(new_rows)]
    store.replace_tf_resources(session_id, rows)
    scan = store.latest_scan(session_id)
    result = None
    if scan is not None:
        result = match(managed_index(store, session_id), store.resources(scan.id),
                       scan_id=scan.id)
    return ImportResult(files, len(rows), result)


def summary_counts(resources: list[Resource]) -> str:
    """'3 × s3.bucket, 1 × ec2.instance' — most common first."""
    counts = Counter(r.type for r in resources)
    return ", ".join(f"{n} × {t}" for t, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])))
