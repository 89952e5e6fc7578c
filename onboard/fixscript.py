"""One bash fix script for chosen actions: per account a block whose every AWS CLI command
carries that account's --profile, after checking the profile really is that account.

Lines come from the catalog's `cli_setup` (once per account, or per account and region when
it uses {region}) and `cli` (per failing resource) templates, filled with real ids from the
inventory. A line whose value the inventory does not hold is commented out and says so;
resources the user triaged as accepted risk or false positive are left out and listed.
Core only: `onboard actions script` and the Actions screen call `script`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Any

from onboard.catalog import Catalog
from onboard.fixes import (
    DEFAULT_PROFILE_TEMPLATE,
    FixError,
    FixInput,
    Target,
    gather,
    profile_name,
    quote_value,
    shell_quote,
)
from onboard.models import CheckDef
from onboard.store import Store

# `aws <service>` where a command starts: line start, after $( ; | && || or a shell keyword.
_AWS_AT_COMMAND = re.compile(
    r"(^\s*(?:!\s+)?|\$\(|;\s*|\|\s*|&&\s*|\|\|\s*"
    r"|\b(?:then|do|else|if|while|until)\s+(?:!\s+)?|\)\s+)aws (?=[a-z0-9])")
DESTRUCTIVE = ("delete-login-profile", "delete-access-key", "delete-bucket-policy",
               "delete-user", "delete-bucket ", "delete-db-instance", "terminate-instances",
               "delete-policy", "delete-role", "delete-trail", "delete-detector")
"""Operations a fix script never runs uncommented (tests hold every rendered script to it)."""
__all__ = ["DESTRUCTIVE", "FixError", "live_lines", "render", "script", "script_for",
           "with_profile"]


class _Recording(dict[str, str]):
    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.missing: set[str] = set()

    def __missing__(self, key: str) -> str:
        self.missing.add(key)
        return "{" + key + "}"


def render(template: str, values: dict[str, Any],
           quote: Callable[[str], str]) -> tuple[str, set[str]]:
    """Fill {placeholders}; returns the text and the placeholders no value was known for."""
    known = _Recording({k: quote_value(v, quote) for k, v in values.items()})
    try:
        text = string.Formatter().vformat(template, (), known)
    except (ValueError, IndexError, KeyError):  # a stray brace in a team-edited template
        text = template
        for k, v in known.items():
            text = text.replace("{" + k + "}", v)
        known.missing |= set(re.findall(r"\{([a-z_]+)\}", text))
    return text, known.missing


def with_profile(line: str, profile: str) -> str:
    """Add --profile to every `aws` command of a line (also a commented-out command)."""
    stripped = line.lstrip()
    if stripped.startswith("#"):
        body = stripped.lstrip("#").lstrip()
        if not body.startswith(("aws ", "for ", "if ")):
            return line  # prose, not a command
        indent = line[:len(line) - len(stripped)]
        hashes = stripped[:len(stripped) - len(stripped.lstrip("#"))]
        gap = stripped[len(hashes):len(stripped) - len(body)]
        return indent + hashes + gap + _inject(body, profile)
    return _inject(line, profile)


def _inject(text: str, profile: str) -> str:
    return _AWS_AT_COMMAND.sub(lambda m: f"{m.group(1)}aws --profile {profile} ", text)


def _unknown_out(text: str, missing: set[str]) -> str:
    """Comment out lines that still hold a placeholder the inventory had no value for."""
    if not missing:
        return text
    out = []
    for line in text.split("\n"):
        gaps = sorted(k for k in missing if "{" + k + "}" in line)
        if gaps and not line.lstrip().startswith("#"):
            out.append(f"# (not run: the inventory has no {', '.join(gaps)}) {line.strip()}")
        else:
            out.append(line)
    return "\n".join(out)


def _comment_all(text: str, why: str) -> str:
    lines = [f"# {why}"]
    lines += [line if line.lstrip().startswith("#") else f"# {line}"
              for line in text.split("\n") if line.strip()]
    return "\n".join(lines)


def _label(t: Target) -> str:
    r = t.resource
    where = r.region if r.region and r.region != "global" else ""
    return f"{t.check.id}: {_one_line(r.resource_id)}" + (f" ({where})" if where else "")


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def _block(text: str, profile: str) -> str:
    return "\n".join(with_profile(line, profile) for line in text.rstrip().split("\n"))


def _setup_values(t: Target) -> dict[str, Any]:
    return dict(t.values)


def _account_section(fi: FixInput, account_id: str, targets: list[Target],
                     profile: str) -> list[str]:
    name = fi.accounts.get(account_id, "")
    out = ["", "# " + "-" * 76,
           f"# Account {account_id}" + (f" ({_one_line(name)})" if name else "")
           + f", profile {profile}",
           "# " + "-" * 76,
           f"onboard_check_account {shell_quote(profile)} {account_id}"]
    done_setup: set[str] = set()
    manual_said: set[str] = set()
    keep_public = fi.keep_public.get(account_id, [])
    for t in targets:
        check: CheckDef = t.check
        rem = check.remediation
        parts: list[str] = []
        if rem.cli_setup.strip():
            text, missing = render(rem.cli_setup, _setup_values(t), shell_quote)
            text = _unknown_out(text, missing).rstrip()
            if text not in done_setup:
                done_setup.add(text)
                parts.append(text)
        text, missing = render(rem.cli, t.values, shell_quote)
        text = _unknown_out(text, missing).rstrip()
        if check.id == "s3.account_public_access_block" and keep_public:
            text = _comment_all(text, "Left commented: the account-wide setting would also close "
                                f"{', '.join(keep_public)}, triaged as meant to be public. "
                                "Run it once those are behind CloudFront or private.")
        parts.append(text)
        out.append("")
        out.append(f"## {_label(t)}")
        if check.manual and check.id not in manual_said:
            manual_said.add(check.id)
            out.append(f"# Manual step: {_one_line(check.manual)}")
        out.append("\n\n".join(_block(p, profile) for p in parts if p.strip()))
    return out


PREAMBLE = """set -euo pipefail

onboard_check_account() {
  local profile="$1" expected="$2" actual
  if ! actual=$(aws sts get-caller-identity --profile "$profile" --query Account \
      --output text); then
    echo "onboard: profile $profile does not work (see 'onboard profiles');" \
      "stopping before account $expected" >&2
    exit 1
  fi
  if [ "$actual" != "$expected" ]; then
    echo "onboard: profile $profile is account $actual, not $expected; stopping" >&2
    exit 1
  fi
  echo "== account $expected (profile $profile)"
}"""


def script(fi: FixInput, profile_template: str = DEFAULT_PROFILE_TEMPLATE,
           generated: str = "") -> str:
    """The whole bash script for `fi` (see the module docstring)."""
    profiles = {a: profile_name(profile_template, a) for a in fi.accounts}
    head = ["#!/usr/bin/env bash",
            "# Fix script from onboard" + (f" ({generated})" if generated else "") + ".",
            "# Actions: " + "; ".join(_one_line(t) for t in fi.action_titles),
            "# Read it before running it: every command names its account's profile, and each",
            "# account block first checks that the profile is that account. Destructive steps",
            "# are commented out with what to check first. `onboard profiles` prints the",
            "# ~/.aws/config entries for the profiles.",
            f"# Fixes {len(fi.targets)} failing resource(s) in {len(fi.accounts)} account(s)."]
    manual = sorted({t.check.id: t.check.manual for t in fi.targets if t.check.manual}.items())
    if manual:
        head.append("# Needs a person afterwards (these findings stay FAIL until then):")
        head += [f"#   {cid}: {_one_line(reason or '')}" for cid, reason in manual]
    if fi.left_out:
        head.append("# Left out, as triaged:")
        head += [f"#   {lo.check_id}: {_one_line(lo.resource_id)} (account {lo.account_id}"
                 + (f", {lo.region}" if lo.region and lo.region != "global" else "")
                 + f"): {lo.mark}" + (f" — {_one_line(lo.note)}" if lo.note.strip() else "")
                 for lo in fi.left_out]
    if not fi.targets:
        head.append("# Nothing to fix: the chosen actions answer no open finding.")
    body: list[str] = ["", PREAMBLE]
    if any("jq " in t.check.remediation.cli for t in fi.targets):
        body += ["", 'command -v jq >/dev/null || { echo "onboard: this script needs jq" >&2; '
                     "exit 1; }"]
    for account_id in fi.accounts:
        mine = [t for t in fi.targets if t.resource.account_id == account_id]
        body += _account_section(fi, account_id, mine, profiles[account_id])
    body += ["", 'echo "onboard: done; rescan (onboard scan) to see what turned PASS"']
    return "\n".join(head + body) + "\n"


def live_lines(text: str) -> list[str]:
    """The lines a shell would run (not comments, not blank)."""
    return [line for line in text.split("\n")
            if line.strip() and not line.lstrip().startswith("#")]


def script_for(store: Store, catalog: Catalog, session_id: int, ref: str,
               profile_template: str = DEFAULT_PROFILE_TEMPLATE) -> str:
    """The fix script for one action (number) or suggestion (catalog id), as the Actions
    screen shows and copies it; FixError when there is nothing to build it from."""
    return script(gather(store, catalog, session_id, [ref]), profile_template,
                  generated=f"action {ref}")
