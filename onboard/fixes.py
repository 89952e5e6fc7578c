"""What a fix script or Terraform bundle answers: the failing resources of chosen actions,
with the inventory facts their templates need, gathered from the store.

`gather` resolves action refs (catalog ids or action numbers, like `actions choose`), keeps
the open rows' resources (per account when asked), lists the findings the user triaged as
accepted risk or false positive (left out, and said so), and fills the placeholder values
each resource's templates use: real ids from the inventory, never a stand-in for a known
value. Core only: the CLI and the Actions screen call it; no UI imports.
"""

from __future__ import annotations

import re
import shlex
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from onboard import decide
from onboard.assets import RowResource
from onboard.catalog import Catalog
from onboard.i18n import _
from onboard.models import GLOBAL, ActionDef, CheckDef, Resource
from onboard.orient import EXCLUDED_MARKS, MatrixRow, matrix
from onboard.remediation import GLOBAL_REGION, RawValue, TfIndex, hcl_escape, tf_name
from onboard.store import Store

DEFAULT_PROFILE_TEMPLATE = "onboard-{account_id}"
DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"

# Elastic Load Balancing's log-writer account per region (regions older than August 2022);
# newer regions use the service principal. From the ELB access-log documentation.
ELB_LOG_ACCOUNTS = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980",
    "us-west-2": "797873946194", "af-south-1": "098369216593", "ap-east-1": "754344448648",
    "ap-south-1": "718504428378", "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887", "ap-northeast-3": "383597477331",
    "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
    "ca-central-1": "985666609251", "eu-central-1": "054676820928",
    "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-west-3": "009996457667",
    "eu-south-1": "635631232127", "eu-north-1": "897822967062", "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
}
KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b")


class FixError(ValueError):
    """Bad input for a fix script or bundle (unknown action, bad template); one line."""


@dataclass
class Target:
    """One failing resource that a chosen action's fix answers."""

    action: ActionDef | None
    check: CheckDef
    resource: RowResource
    values: dict[str, Any]
    managed: tuple[str, str] | None = None
    """(Terraform address, state file) when Terraform manages the resource."""

    @property
    def key(self) -> tuple[str, str, str, str]:
        r = self.resource
        return (self.check.id, r.account_id, r.region, r.resource_id)


@dataclass
class LeftOut:
    """A failing resource the user triaged away: the script and bundle skip it."""

    check_id: str
    account_id: str
    region: str
    resource_id: str
    mark: str
    note: str = ""


@dataclass
class FixInput:
    actions: list[ActionDef | None]
    action_titles: list[str]
    targets: list[Target]
    left_out: list[LeftOut]
    accounts: dict[str, str]
    """account id → name, for every account with a target (in order)."""
    home_region: str
    management_account: str
    keep_public: dict[str, list[str]] = field(default_factory=dict)
    """account id → buckets triaged as accepted risk for s3.bucket_public (meant public)."""


def profile_name(template: str, account_id: str) -> str:
    """The --profile for an account, from a template such as 'onboard-{account_id}'."""
    try:
        fields = {f for _lit, f, _spec, _conv in string.Formatter().parse(template)
                  if f is not None}
    except ValueError as exc:
        raise FixError(_("bad --profile-template {template}: {error}").format(
            template=repr(template), error=exc)) from None
    if fields != {"account_id"}:
        raise FixError(_("--profile-template must use {{account_id}} and nothing else, not "
                         "{template}").format(template=repr(template)))
    name = template.format(account_id=account_id)
    if not re.fullmatch(r"[A-Za-z0-9._@+=-]+", name):
        raise FixError(_("--profile-template gives {name}: a profile name has no spaces or "
                         "shell characters").format(name=repr(name)))
    return name


def managed_lookup(tf_rows: list[dict[str, Any]]
                   ) -> Callable[[RowResource], tuple[str, str] | None]:
    """(address, state file) of the Terraform resource that manages a row's resource.

    The one place fix scripts and bundles read the imported state: swap TfIndex here when
    the Terraform indexes are unified."""
    index = TfIndex(tf_rows)
    source = {r["address"]: r.get("source") or "" for r in tf_rows}

    def lookup(res: RowResource) -> tuple[str, str] | None:
        address = index.address(res)
        return (address, source.get(address, "")) if address else None
    return lookup


def _rows_for(store: Store, catalog: Catalog, session_id: int, refs: Iterable[str],
              rows: list[MatrixRow]) -> list[tuple[ActionDef | None, str, list[MatrixRow]]]:
    """Per ref: the catalog action (None for a custom one), its title and its open rows."""
    by_id = {r.id: r for r in rows}
    out: list[tuple[ActionDef | None, str, list[MatrixRow]]] = []
    for ref in decide.resolve_refs(store, catalog, session_id, refs, rows):
        if ref.isdigit():
            action = decide.get_action(store, catalog, session_id, int(ref), rows)
            adef = catalog.actions.get(action.action_def or "")
            linked = [by_id[i] for i in action.row_ids if i in by_id]
            out.append((adef, action.title, [r for r in linked if not r.fixed and not r.custom]))
        else:
            adef = catalog.actions[ref]
            out.append((adef, adef.title, [r for r in rows if r.check_id in adef.answers
                                           and not r.fixed and not r.custom]))
    return out


def _inventory(store: Store, scan_id: int | None) -> dict[tuple[str, str, str], Resource]:
    out: dict[tuple[str, str, str], Resource] = {}
    if scan_id is None:
        return out
    for r in store.resources(scan_id):
        out.setdefault((r.type, r.account_id, r.id), r)
        out.setdefault(("", r.account_id, r.id), r)
    return out


def _key_ids(check: CheckDef, inv: Resource | None, message: str) -> list[str]:
    keys = [k for k in (inv.attrs.get("access_keys") or []) if isinstance(k, dict)] if inv \
        else []
    active = [str(k.get("id")) for k in keys if k.get("status") == "Active" and k.get("id")]
    named = KEY_ID.findall(message)
    if check.id == "iam.user_access_keys" and named:
        # only the keys the finding names (old or never used), not every active key
        return [k for k in active if k in named] or named
    return active


def values_for(target_check: CheckDef, res: RowResource, inv: Resource | None, message: str,
               home_region: str, name: str, managed: tuple[str, str] | None,
               log_targets: set[str]) -> dict[str, Any]:
    """Every placeholder the catalog's templates may use, for one resource."""
    region = res.region if res.region and res.region != GLOBAL else home_region
    arn = res.resource_arn or (inv.arn if inv else None) or ""
    elb_account = ELB_LOG_ACCOUNTS.get(region)
    principal = ('{"AWS":"arn:aws:iam::' + elb_account + ':root"}' if elb_account
                 else '{"Service":"logdelivery.elasticloadbalancing.amazonaws.com"}')
    values: dict[str, Any] = {
        "resource_id": res.resource_id, "account_id": res.account_id, "region": region,
        "home_region": home_region, "tf_name": name,
        "region_tf": region.replace("-", "_"),
        "is_home_region": "true" if region == home_region else "false",
        "cf_log_target": "yes" if res.resource_id in log_targets else "no",
        "elb_log_principal": RawValue(principal),
        "access_key_ids": _key_ids(target_check, inv, message),
    }
    if arn:
        values["resource_arn"] = arn
    vpc = (inv.vpc_id if inv else None) or (inv.attrs.get("vpc_id") if inv else None)
    if vpc:
        values["vpc_id"] = vpc
    values["tf_ref"] = RawValue(f"{managed[0]}.id" if managed
                                else f'"{hcl_escape(res.resource_id)}"')
    return values


def _unique_names(keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], str]:
    """tf_name per (account, region, id): the id's name, qualified with the account (then
    the region) where the same id occurs in several places (a user name, a region)."""
    base = {k: tf_name(k[2]) for k in keys}
    by_base: dict[str, set[tuple[str, str, str]]] = {}
    for k, b in base.items():
        by_base.setdefault(b, set()).add(k)
    out: dict[tuple[str, str, str], str] = {}
    for k, b in base.items():
        same = by_base[b]
        if len(same) == 1:
            out[k] = b
        elif len({s[0] for s in same}) == len(same):
            out[k] = f"{b}_{k[0]}"
        else:
            out[k] = tf_name(f"{b}_{k[0]}_{k[1]}")
    return out


def gather(store: Store, catalog: Catalog, session_id: int, refs: Iterable[str],
           accounts: Iterable[str] = (), rows: list[MatrixRow] | None = None) -> FixInput:
    """Everything a fix script or bundle for `refs` needs; FixError on a bad ref.
    `rows`: the current matrix (orient.matrix); read from the store if None."""
    rows = rows if rows is not None else matrix(store, catalog, session_id)
    try:
        picked = _rows_for(store, catalog, session_id, list(refs), rows)
    except decide.DecideError as exc:
        raise FixError(str(exc)) from None
    wanted = {a.strip() for a in accounts if a.strip()}
    scan = store.latest_scan(session_id)
    scan_id = scan.id if scan else None
    home = (scan.regions[0] if scan and scan.regions else GLOBAL_REGION)
    inventory = _inventory(store, scan_id)
    messages: dict[tuple[str, str, str, str], str] = {}
    failing: list[Any] = []
    if scan_id is not None:
        failing = store.findings(scan_id, status="FAIL")
        messages = {f.key: f.message for f in failing}
    lookup = managed_lookup(store.tf_resources(session_id))
    log_targets = {str(r.attrs.get("logging_bucket") or "").split(".s3")[0]
                   for r in inventory.values() if r.type == "cloudfront.distribution"}
    log_targets.discard("")

    seen: set[tuple[str, str, str, str]] = set()
    pending: list[tuple[ActionDef | None, CheckDef, RowResource]] = []
    answered_checks: set[str] = set()
    for adef, _title, action_rows in picked:
        for row in action_rows:
            check = catalog.checks.get(row.check_id)
            if check is None:
                continue
            answered_checks.add(check.id)
            for res in sorted(row.resources, key=lambda r: (r.account_id, r.region,
                                                            r.resource_id)):
                if wanted and res.account_id not in wanted:
                    continue
                key = (check.id, res.account_id, res.region, res.resource_id)
                if key in seen:
                    continue
                seen.add(key)
                pending.append((adef, check, res))
    names = _unique_names(list(dict.fromkeys(
        (r.account_id, r.region, r.resource_id) for _adef, _check, r in pending)))
    targets = []
    for adef, check, res in pending:
        inv = inventory.get((res.resource_type, res.account_id, res.resource_id)) \
            or inventory.get(("", res.account_id, res.resource_id))
        managed = lookup(res)
        key = (check.id, res.account_id, res.region, res.resource_id)
        values = values_for(check, res, inv, messages.get(key, ""), home,
                            names[(res.account_id, res.region, res.resource_id)], managed,
                            log_targets)
        targets.append(Target(adef, check, res, values, managed))

    left_out: list[LeftOut] = []
    keep_public: dict[str, list[str]] = {}
    triage = store.triage(session_id)
    for f in failing:
        t = triage.get(f.key)
        mark = " ".join(str((t or {}).get("mark", "")).lower().replace("_", " ")
                        .replace("-", " ").split())
        if mark not in EXCLUDED_MARKS or (wanted and f.account_id not in wanted):
            continue
        if f.check_id == "s3.bucket_public" and mark == "accepted risk":
            keep_public.setdefault(f.account_id, []).append(f.resource_id)
        if f.check_id in answered_checks or any(
                f.check_id in (a.answers if a else []) for a, _title, _rows in picked):
            left_out.append(LeftOut(f.check_id, f.account_id, f.region, f.resource_id, mark,
                                    str((t or {}).get("note", ""))))
    # rows made before the triage still list the resource: the triage wins
    skipped = {(lo.check_id, lo.account_id, lo.region, lo.resource_id) for lo in left_out}
    targets = [t for t in targets if t.key not in skipped]
    names_by_id = {a.account_id: a.name for a in store.accounts(session_id)}
    order = {a: i for i, a in enumerate(names_by_id)}
    account_ids = sorted(dict.fromkeys(t.resource.account_id for t in targets),
                         key=lambda a: (order.get(a, len(order)), a))
    mgmt = next((a.account_id for a in store.accounts(session_id)
                 if a.environment == "management"), "")
    if not mgmt and scan is not None:
        mgmt = scan.identity.get("account_id", "")
    return FixInput(actions=[a for a, _title, _rows in picked],
                    action_titles=[t for _adef, t, _rows in picked],
                    targets=targets, left_out=left_out,
                    accounts={a: names_by_id.get(a, "") for a in account_ids},
                    home_region=home, management_account=mgmt or (account_ids or [""])[0],
                    keep_public=keep_public)


def quote_value(value: Any, quote: Callable[[str], str]) -> str:
    """A placeholder value for a template: lists become space-separated quoted words."""
    if isinstance(value, RawValue):
        return str(value)
    if isinstance(value, list):
        return " ".join(quote(str(v)) for v in value)
    return quote(str(value))


def shell_quote(value: str) -> str:
    return shlex.quote(value)
