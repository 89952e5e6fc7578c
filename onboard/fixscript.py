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
from onboard.i18n import _
from onboard.labels import TRIAGE_MARK, label
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
            out.append("# " + _("(not run: the inventory has no {names})").format(
                names=", ".join(gaps)) + f" {line.strip()}")
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
    heading = (_("Account {id} ({name}), profile {profile}") if name
               else _("Account {id}, profile {profile}"))
    out = ["", "# " + "-" * 76,
           "# " + heading.format(id=account_id, name=_one_line(name), profile=profile),
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
            text = _comment_all(text, _(
                "Left commented: the account-wide setting would also close {buckets}, "
                "triaged as meant to be public. Run it once those are behind CloudFront or "
                "private.").format(buckets=", ".join(keep_public)))
        parts.append(text)
        out.append("")
        out.append(f"## {_label(t)}")
        if check.manual and check.id not in manual_said:
            manual_said.add(check.id)
            out.append("# " + _("Manual step: {text}").format(text=_one_line(check.manual)))
        out.append("\n\n".join(_block(p, profile) for p in parts if p.strip()))
    return out


PREAMBLE = """set -euo pipefail

onboard_check_account() {
  local profile="$1" expected="$2" actual
  if ! actual=$(aws sts get-caller-identity --profile "$profile" --query Account \
      --output text); then
    echo "%(broken)s" \
      "%(stopping)s" >&2
    exit 1
  fi
  if [ "$actual" != "$expected" ]; then
    echo "%(other)s" >&2
    exit 1
  fi
  echo "%(checked)s"
}"""
"""The script's shell function; its echo texts are `said()` in the current language."""
_VARIABLES = ("profile", "expected", "actual")


def said(text: str) -> str:
    """A message for inside a double-quoted `echo "…"`: one line, the shell characters a
    translation may hold escaped, then {profile}, {expected}, {actual} become variables."""
    text = " ".join(text.split())  # one line: echo's argument
    for ch in ("\\", '"', "$", "`"):
        text = text.replace(ch, "\\" + ch)
    for name in _VARIABLES:
        text = text.replace("{" + name + "}", "$" + name)
    return text


def preamble() -> str:
    """PREAMBLE with its messages in the current language."""
    return PREAMBLE % {
        "broken": said(_("onboard: profile {profile} does not work (see 'onboard profiles');")),
        "stopping": said(_("stopping before account {expected}")),
        "other": said(_("onboard: profile {profile} is account {actual}, not {expected}; "
                        "stopping")),
        "checked": said(_("== account {expected} (profile {profile})"))}


def script(fi: FixInput, profile_template: str = DEFAULT_PROFILE_TEMPLATE,
           generated: str = "") -> str:
    """The whole bash script for `fi` (see the module docstring)."""
    profiles = {a: profile_name(profile_template, a) for a in fi.accounts}
    origin = (_("Fix script from onboard ({generated}).").format(generated=generated)
              if generated else _("Fix script from onboard."))
    head = ["#!/usr/bin/env bash",
            "# " + origin,
            "# " + _("Actions: {titles}").format(
                titles="; ".join(_one_line(t) for t in fi.action_titles)),
            *("# " + line for line in _(
                "Read it before running it: every command names its account's profile, and each\n"
                "account block first checks that the profile is that account. Destructive steps\n"
                "are commented out with what to check first. `onboard profiles` prints the\n"
                "~/.aws/config entries for the profiles.").split("\n")),
            "# " + _("Fixes {resources} failing resource(s) in {accounts} account(s).").format(
                resources=len(fi.targets), accounts=len(fi.accounts))]
    manual = sorted({t.check.id: t.check.manual for t in fi.targets if t.check.manual}.items())
    if manual:
        head.append("# " + _("Needs a person afterwards (these findings stay FAIL until then):"))
        head += [f"#   {cid}: {_one_line(reason or '')}" for cid, reason in manual]
    if fi.left_out:
        head.append("# " + _("Left out, as triaged:"))
        for lo in fi.left_out:
            fields = {"check": lo.check_id, "resource": _one_line(lo.resource_id),
                      "account": lo.account_id, "region": lo.region,
                      "mark": label(TRIAGE_MARK, lo.mark)}
            line = (_("{check}: {resource} (account {account}, {region}): {mark}")
                    if lo.region and lo.region != "global"
                    else _("{check}: {resource} (account {account}): {mark}")).format(**fields)
            head.append("#   " + line + (f" — {_one_line(lo.note)}" if lo.note.strip() else ""))
    if not fi.targets:
        head.append("# " + _("Nothing to fix: the chosen actions answer no open finding."))
    body: list[str] = ["", preamble()]
    if any("jq " in t.check.remediation.cli for t in fi.targets):
        body += ["", 'command -v jq >/dev/null || { echo "'
                 + said(_("onboard: this script needs jq")) + '" >&2; exit 1; }']
    for account_id in fi.accounts:
        mine = [t for t in fi.targets if t.resource.account_id == account_id]
        body += _account_section(fi, account_id, mine, profiles[account_id])
    body += ["", 'echo "' + said(_("onboard: done; rescan (onboard scan) to see what turned "
                                   "PASS")) + '"']
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
                  generated=_("action {ref}").format(ref=ref))
