"""A Terraform bundle for chosen actions: providers.tf with one aliased provider per account
and region used, and one file per check (plus one per action with Terraform of its own).

Every resource and data block gets `provider = aws.<alias>` of its account and region;
global types (IAM, account-level S3 settings) are declared once per account, organization
types (SCPs, Identity Center) once, in the management account. Addresses are unique: a name
already taken elsewhere gets its account (and region) appended, references follow it, and a
data source that looks up something the bundle itself creates becomes a reference to it.
For a resource Terraform already manages, the blocks reference the managed address and a
comment names its state file. Core only: `onboard actions terraform` calls `bundle`.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from onboard.fixes import DEFAULT_PROFILE_TEMPLATE, FixInput, RawValue, Target, profile_name
from onboard.fixscript import render
from onboard.remediation import _hcl_blocks, hcl_escape

GLOBAL_PREFIXES = ("aws_iam_", "aws_s3_account_public_access_block", "aws_caller_identity")
ORG_PREFIXES = ("aws_organizations_", "aws_ssoadmin_", "aws_identitystore_")
CHECK_REGION = {"cloudfront.logging": "us-east-1"}
"""Checks whose Terraform must live in one region whatever the resource's (CloudFront's
log delivery is configured in us-east-1)."""
_HEADER = re.compile(r'^(resource|data)\s+"([^"]+)"\s+"([^"]+)"\s*\{\s*(\})?\s*$')
_REF = re.compile(r"(?<![\w.\"])(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)")

Scope = tuple[str, ...]


@dataclass
class _Block:
    file: str
    account: str
    region: str
    kind: str  # resource | data | other (comments and other blocks, kept as written)
    type: str = ""
    name: str = ""
    text: str = ""
    scope: Scope = ()
    final: str = ""
    dropped: bool = False


@dataclass
class _Snippet:
    file: str
    account: str
    region: str
    header: list[str] = field(default_factory=list)
    text: str = ""


def alias(account_id: str, region: str) -> str:
    return f"a{account_id}_{region.replace('-', '_')}"


def _scope(block_type: str, account: str, region: str, mgmt: str) -> Scope:
    if block_type.startswith(ORG_PREFIXES):
        return ("org", mgmt)
    if block_type.startswith(GLOBAL_PREFIXES):
        return ("acct", account)
    return ("grp", account, region)


def _file_of(check_id: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "_", check_id.lower()) + ".tf"


def _commented_unknown(text: str, missing: set[str]) -> str:
    if not missing:
        return text
    out = []
    for line in text.split("\n"):
        gaps = sorted(k for k in missing if "{" + k + "}" in line)
        out.append(f"# (the inventory has no {', '.join(gaps)}) {line.strip()}"
                   if gaps and not line.lstrip().startswith("#") else line)
    return "\n".join(out)


def _target_snippet(fi: FixInput, t: Target) -> _Snippet:
    region = CHECK_REGION.get(t.check.id, t.values["region"])
    values = dict(t.values)
    header = [f"# {t.check.id}: {' '.join(t.resource.resource_id.split())} "
              f"(account {t.resource.account_id}, {t.values['region']})"]
    if t.managed:
        address, source = t.managed
        if address.startswith("module."):
            header.append(f"# Managed inside a module as {address} (state {source or '?'}): "
                          "add these blocks to that module, referencing its own resource.")
            values["tf_ref"] = RawValue(f'"{hcl_escape(t.resource.resource_id)}"')
        else:
            header.append(f"# Managed by Terraform as {address} (state file {source or '?'}): "
                          "these blocks reference it; move them into that configuration.")
    text, missing = render(t.check.remediation.terraform, values, hcl_escape)
    return _Snippet(_file_of(t.check.id), t.resource.account_id, region, header,
                    _commented_unknown(text, missing))


def _action_snippets(fi: FixInput) -> list[_Snippet]:
    out: list[_Snippet] = []
    accounts = list(fi.accounts)
    for action in fi.actions:
        if action is None or not action.remediation.terraform.strip():
            continue
        template = action.remediation.terraform
        used = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        per_account = accounts if "account_id" in used else [fi.management_account]
        for acct in per_account:
            values = {"account_id": acct, "region": fi.home_region,
                      "home_region": fi.home_region,
                      "region_tf": fi.home_region.replace("-", "_"),
                      "account_ids_hcl": RawValue("[" + ", ".join(f'"{a}"' for a in accounts)
                                                  + "]")}
            text, missing = render(template, values, hcl_escape)
            out.append(_Snippet(f"action_{_file_of(action.id)}", acct, fi.home_region,
                                [f"# Action {action.id}: {' '.join(action.title.split())}"],
                                _commented_unknown(text, missing)))
    return out


def _split(snippets: list[_Snippet], mgmt: str, home: str) -> list[_Block]:
    blocks: list[_Block] = []
    for s in snippets:
        blocks += [_Block(s.file, s.account, s.region, "other", text=h) for h in s.header]
        for header, text in _hcl_blocks(s.text.strip("\n")):
            m = _HEADER.match(text.split("\n", 1)[0]) if header else None
            if not m:
                blocks.append(_Block(s.file, s.account, s.region, "other", text=text))
                continue
            kind, btype, name = m.group(1), m.group(2), m.group(3)
            scope = _scope(btype, s.account, s.region, mgmt)
            account, region = ((mgmt, home) if scope[0] == "org" else
                               (s.account, home) if scope[0] == "acct" else
                               (s.account, s.region))
            blocks.append(_Block(s.file, account, region, kind, btype, name, text, scope))
        blocks.append(_Block(s.file, s.account, s.region, "other", text=""))
    return blocks


def _suffix(scope: Scope) -> str:
    return "_".join(p.replace("-", "_") for p in scope[1:])


def _name(blocks: list[_Block]) -> dict[tuple[Scope, str, str, str], str]:
    """Assign each declared block a unique name; drop exact repeats in the same scope."""
    finals: dict[tuple[Scope, str, str, str], str] = {}
    texts: dict[tuple[Scope, str, str, str], str] = {}
    taken: set[tuple[str, str, str]] = set()
    for b in blocks:
        if b.kind == "other":
            continue
        key = (b.scope, b.kind, b.type, b.name)
        if key in finals:
            if texts[key] == b.text:
                b.dropped = True
                b.final = finals[key]
                continue
            n = 2
            while (b.kind, b.type, f"{b.name}_{n}") in taken:
                n += 1
            b.final = f"{b.name}_{n}"
        elif (b.kind, b.type, b.name) in taken:
            b.final = f"{b.name}_{_suffix(b.scope)}"
            n = 2
            while (b.kind, b.type, b.final) in taken:
                b.final = f"{b.name}_{_suffix(b.scope)}_{n}"
                n += 1
        else:
            b.final = b.name
        finals.setdefault(key, b.final)
        texts.setdefault(key, b.text)
        taken.add((b.kind, b.type, b.final))
    return finals


def _visible(account: str, region: str, mgmt: str) -> list[Scope]:
    return [("grp", account, region), ("acct", account), ("org", mgmt)]


def _rewrite(text: str, account: str, region: str, mgmt: str,
             finals: dict[tuple[Scope, str, str, str], str]) -> str:
    scopes = _visible(account, region, mgmt)

    def sub(m: re.Match[str]) -> str:
        is_data, btype, name = bool(m.group(1)), m.group(2), m.group(3)
        kind = "data" if is_data else "resource"
        for scope in scopes:
            if is_data and (scope, "resource", btype, name) in finals:
                # the bundle creates it: reference the resource, not a lookup of it
                return f"{btype}.{finals[(scope, 'resource', btype, name)]}"
            if (scope, kind, btype, name) in finals:
                return f"{m.group(1) or ''}{btype}.{finals[(scope, kind, btype, name)]}"
        return m.group(0)
    return _REF.sub(sub, text)


def _with_provider(b: _Block, text: str) -> str:
    first, _, rest = text.partition("\n")
    head = f'{b.kind} "{b.type}" "{b.final}" {{'
    line = f"  provider = aws.{alias(b.account, b.region)}"
    if first.rstrip().endswith("{}"):
        return f"{head}\n{line}\n}}"
    return f"{head}\n{line}\n{rest}"


def _providers(groups: list[tuple[str, str]], fi: FixInput, profile_template: str) -> str:
    lines = ["# One provider per account and region this bundle touches. Each uses the",
             "# account's profile (`onboard profiles` prints the ~/.aws/config entries);",
             "# `assume_role { role_arn = ... }` works instead of a profile.",
             "terraform {",
             "  required_providers {",
             "    aws = {",
             '      source  = "hashicorp/aws"',
             '      version = ">= 5.0"',
             "    }",
             "  }",
             "}"]
    for account, region in groups:
        name = fi.accounts.get(account, "")
        lines += ["", f"# account {account}" + (f" ({' '.join(name.split())})" if name else ""),
                  'provider "aws" {',
                  f'  alias               = "{alias(account, region)}"',
                  f'  region              = "{region}"',
                  '  profile             = '
                  f'"{hcl_escape(profile_name(profile_template, account))}"',
                  f'  allowed_account_ids = ["{account}"]',
                  "}"]
    return "\n".join(lines) + "\n"


def bundle(fi: FixInput, profile_template: str = DEFAULT_PROFILE_TEMPLATE) -> dict[str, str]:
    """File name → HCL text: providers.tf first, then one file per check and action."""
    mgmt = fi.management_account
    snippets = [_target_snippet(fi, t) for t in fi.targets] + _action_snippets(fi)
    blocks = _split(snippets, mgmt, fi.home_region)
    finals = _name(blocks)
    # a data source the bundle also creates (same type and name, visible scope) is dropped
    for b in blocks:
        if b.kind == "data" and not b.dropped and any(
                (s, "resource", b.type, b.name) in finals
                for s in _visible(b.account, b.region, mgmt)):
            b.dropped = True
    files: dict[str, list[str]] = {}
    groups: list[tuple[str, str]] = []
    for b in blocks:
        if b.dropped:
            continue
        if b.kind == "other":
            files.setdefault(b.file, []).append(b.text)
            continue
        if (b.account, b.region) not in groups:
            groups.append((b.account, b.region))
        text = _rewrite(b.text, b.account, b.region, mgmt, finals)
        files.setdefault(b.file, []).append(_with_provider(b, text))
    out = {"providers.tf": _providers(groups, fi, profile_template)}
    for name, parts in files.items():
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(parts)).strip("\n")
        out[name] = body + "\n"
    if fi.left_out:
        out["providers.tf"] += "\n" + "\n".join(
            ["# Left out, as triaged:"] + [
                f"#   {lo.check_id}: {' '.join(lo.resource_id.split())} (account "
                f"{lo.account_id}): {lo.mark}" for lo in fi.left_out]) + "\n"
    return out
