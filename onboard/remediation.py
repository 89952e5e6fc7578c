"""Remediation snippets filled with the real resource names.

The catalog's templates use {resource_id}, {account_id}, {region} and {tf_name}. CLI values
are shell-quoted (shlex.quote), Terraform values HCL-escaped, and where Terraform already
manages a resource the snippet says so (and where) instead of proposing a new block.
Core only; pure functions over catalog content and row resources.
"""

from __future__ import annotations

import re
import shlex
import string
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel, Field

from onboard.assets import RowResource
from onboard.i18n import _
from onboard.models import GLOBAL, ActionDef, CheckDef
from onboard.terraform import ManagedIndex

PLACEHOLDERS = ("resource_id", "account_id", "region", "tf_name", "home_region", "region_tf",
                "is_home_region", "tf_ref", "resource_arn", "access_key_ids", "vpc_id",
                "cf_log_target", "elb_log_principal", "account_ids_hcl")
"""Every placeholder a catalog template may use; onboard.fixes fills them from the inventory
(the plan below fills the first ones and leaves the rest as written)."""
GLOBAL_REGION = "us-east-1"
"""What {region} becomes for a global resource (IAM, S3 listing, CloudFront)."""

# Inventory type → Terraform resource types that manage it (for matching tfstate ids).


class ResourceSnippet(BaseModel):
    """The fix for one failing resource of one check."""

    check_id: str
    resource: RowResource
    terraform_address: str | None = None
    console: str
    cli: str
    terraform: str


class Plan(BaseModel):
    """Everything to paste for one action: the action's own steps, then per resource."""

    console: str = ""
    cli: str = ""
    terraform: str = ""
    resources: list[ResourceSnippet] = Field(default_factory=list)
    notes: str = Field(default="", description="The user's own remediation text.")

    @property
    def all_cli(self) -> str:
        parts = [self.cli.strip()] + [_headed(s, s.cli) for s in self.resources]
        return "\n\n".join(p for p in parts if p)

    @property
    def all_terraform(self) -> str:
        """The action's Terraform then each resource's, without repeating a block that is
        already there (e.g. the same `data "aws_ssoadmin_instances" "this"` per user)."""
        parts = [self.terraform.strip()] + [_headed(s, s.terraform) for s in self.resources]
        return "\n\n".join(dedupe_hcl(p for p in parts if p))


_BLOCK_START = re.compile(
    r"^(data|resource|locals|module|provider|variable|output)\b[^{#]*\{\s*(\})?\s*$")


def _hcl_blocks(text: str) -> list[tuple[str | None, str]]:
    """Split Terraform text into top-level blocks (header, text) and other lines (None)."""
    lines = text.split("\n")
    out: list[tuple[str | None, str]] = []
    i = 0
    while i < len(lines):
        m = _BLOCK_START.match(lines[i])
        if not m:
            out.append((None, lines[i]))
            i += 1
            continue
        header = lines[i].split("{", 1)[0].strip()
        end = i
        if not m.group(2):
            while end + 1 < len(lines) and lines[end].rstrip() != "}":
                end += 1
        out.append((header, "\n".join(lines[i:end + 1])))
        i = end + 1
    return out


def dedupe_hcl(parts: Iterable[str]) -> list[str]:
    """Drop top-level blocks repeated across snippets: identical blocks, and data sources
    already declared under the same address. A comment says where it went."""
    seen_text: set[str] = set()
    seen_data: set[str] = set()
    out = []
    for part in parts:
        kept: list[str] = []
        for header, text in _hcl_blocks(part):
            if header is None:
                kept.append(text)
                continue
            if text in seen_text or (header.startswith("data ") and header in seen_data):
                kept.append("# " + _("({block} is declared above)").format(block=header))
                continue
            seen_text.add(text)
            if header.startswith("data "):
                seen_data.add(header)
            kept.append(text)
        out.append("\n".join(kept).strip("\n"))
    return out


def _headed(s: ResourceSnippet, text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    r = s.resource
    where = ", ".join(x for x in (r.account_id, r.region) if x)
    return f"# {s.check_id}: {_comment(r.resource_id)}" + (f" ({where})" if where else "") \
        + f"\n{text}"


def _comment(value: str) -> str:
    return " ".join(value.split())


def tf_name(resource_id: str) -> str:
    """A Terraform-safe identifier: [a-z0-9_], not starting with a digit, never empty."""
    name = re.sub(r"[^a-z0-9_]+", "_", resource_id.lower())
    name = re.sub(r"_+", "_", name).strip("_") or "resource"
    return f"r_{name}" if name[0].isdigit() else name


def hcl_escape(value: str) -> str:
    """Escape a value for use inside a Terraform "quoted string"."""
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return value.replace("${", "$${").replace("%{", "%%{")


class RawValue(str):
    """A value inserted as is, not quoted (already-quoted HCL or JSON)."""


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:  # an unknown placeholder stays as written
        return "{" + key + "}"


def render(template: str, values: dict[str, str], quote: Callable[[str], str]) -> str:
    """Fill the catalog's {placeholders}; each value passes through `quote` first."""
    known = _Values({k: v if isinstance(v, RawValue) else quote(v) for k, v in values.items()})
    try:
        return string.Formatter().vformat(template, (), known)
    except (ValueError, IndexError, KeyError):  # a stray brace in a team-edited template
        out = template
        for k, v in known.items():
            out = out.replace("{" + k + "}", v)
        return out


def shell(value: str) -> str:
    return shlex.quote(value)


def _raw(value: str) -> str:
    return value


def values_for(res: RowResource, name: str | None = None) -> dict[str, str]:
    region = res.region if res.region and res.region != GLOBAL else GLOBAL_REGION
    return {"resource_id": res.resource_id, "account_id": res.account_id,
            "region": region, "tf_name": name or tf_name(res.resource_id),
            "home_region": region, "region_tf": region.replace("-", "_"),
            "tf_ref": RawValue(f'"{hcl_escape(res.resource_id)}"')}


def _fill_note(text: str) -> str:
    """Comment out lines holding a placeholder only the fix script can fill (it reads the
    inventory: key ids, VPC ids), so a pasted snippet never runs a literal {name}."""
    out = []
    for line in text.split("\n"):
        gaps = [k for k in PLACEHOLDERS if "{" + k + "}" in line]
        if gaps and not line.lstrip().startswith("#"):
            line = "# " + _("(the fix script fills {names}: press F)").format(
                names=", ".join(gaps)) + f" {line.strip()}"
        out.append(line)
    return "\n".join(out)


class TfIndex:
    """Terraform addresses for matrix rows' resources, from the one index of the imported
    state (`terraform.ManagedIndex`: by ARN, else by inventory type and id within the
    accounts the state file names). A resource's own address, set when the state was
    imported (the write path re-addresses findings then), wins."""

    def __init__(self, tf_rows: Iterable[dict[str, Any]]) -> None:
        self._index = ManagedIndex(list(tf_rows))

    def address(self, res: RowResource) -> str | None:
        if res.terraform_address:
            return res.terraform_address
        row = self._index.lookup(res.resource_type, res.account_id, res.resource_id,
                                 res.resource_arn)
        return row["address"] if row else None


def managed_note(res: RowResource, address: str) -> str:
    return "# " + _("{resource} is managed by `{address}`: add these blocks to that "
                    "configuration; they reference it.").format(
        resource=_comment(res.resource_id), address=address)


def resource_snippet(check: CheckDef, res: RowResource, tf: TfIndex,
                     name: str | None = None) -> ResourceSnippet:
    values = values_for(res, name)
    address = tf.address(res)
    if address and not address.startswith("module."):
        values["tf_ref"] = RawValue(f"{address}.id")
    terraform = render(check.remediation.terraform, values, hcl_escape)
    if address:
        terraform = managed_note(res, address) + "\n" + terraform
    return ResourceSnippet(check_id=check.id, resource=res, terraform_address=address,
                           console=render(check.remediation.console, values, _raw),
                           cli=_fill_note(render(check.remediation.cli, values, shell)),
                           terraform=terraform)


def _unique_names(resources: list[RowResource]) -> dict[tuple[str, str, str], str]:
    """tf_name per resource, suffixed _2, _3 … where two ids map to the same name."""
    seen: dict[str, int] = {}
    out: dict[tuple[str, str, str], str] = {}
    for r in resources:
        key = (r.account_id, r.region, r.resource_id)
        if key in out:
            continue
        base = tf_name(r.resource_id)
        seen[base] = seen.get(base, 0) + 1
        out[key] = base if seen[base] == 1 else f"{base}_{seen[base]}"
    return out


def used_placeholders(template: str) -> set[str]:
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(template) if name}
    except ValueError:
        return {k for k in PLACEHOLDERS if "{" + k + "}" in template}


def _per_context(template: str, contexts: list[dict[str, str]],
                 quote: Callable[[str], str]) -> str:
    """Render an action-level template once per distinct value of the placeholders it
    uses (e.g. once per account for {account_id}); labelled when there are several."""
    used = used_placeholders(template) & {"account_id", "region"}
    distinct: list[dict[str, str]] = []
    for ctx in contexts or [{}]:
        narrowed = {k: v for k, v in ctx.items() if k in used}
        if narrowed not in distinct:
            distinct.append(narrowed)
    rendered = [(ctx, render(template, ctx, quote).strip()) for ctx in distinct]
    rendered = [(ctx, text) for ctx, text in rendered if text]
    if len(rendered) <= 1:
        return rendered[0][1] if rendered else ""
    return "\n\n".join("# " + _("For {where}").format(where=", ".join(
        (_("account {value}") if k == "account_id" else _("region {value}") if k == "region"
         else f"{k} {{value}}").format(value=v) for k, v in sorted(ctx.items())))
        + "\n" + text for ctx, text in rendered)


def plan(action: ActionDef | None, checks: dict[str, CheckDef],
         rows: Iterable[tuple[str, list[RowResource]]], tf: TfIndex,
         notes: str = "") -> Plan:
    """The snippet for an action: its own steps (per account/region where the template
    uses them), then the fix for every failing resource of the rows it answers.

    `rows` is (check_id, resources) per matrix row; custom rows pass check_id ''.
    """
    pairs: list[tuple[CheckDef, RowResource]] = []
    for check_id, resources in rows:
        check = checks.get(check_id)
        if check is None:
            continue
        for res in sorted(resources, key=lambda r: (r.account_id, r.region, r.resource_id)):
            pairs.append((check, res))
    names = _unique_names([r for _check, r in pairs])
    snippets = [resource_snippet(c, r, tf, names[(r.account_id, r.region, r.resource_id)])
                for c, r in pairs]
    out = Plan(resources=snippets, notes=notes)
    if action is not None:
        contexts: list[dict[str, str]] = []
        for _check, r in pairs:
            v = values_for(r)
            ctx = {"account_id": v["account_id"], "region": v["region"]}
            if ctx not in contexts:
                contexts.append(ctx)
        out.console = action.remediation.console.strip()
        out.cli = _per_context(action.remediation.cli, contexts, shell)
        accounts = ", ".join(f'"{hcl_escape(a)}"' for a in
                             dict.fromkeys(c["account_id"] for c in contexts))
        out.terraform = _per_context(
            action.remediation.terraform.replace("{account_ids_hcl}", f"[{accounts}]"),
            contexts, hcl_escape)
    return out
