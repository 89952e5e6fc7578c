"""Evaluator for inspector.enabled: Amazon Inspector scans what runs in each region.

Inspector.1 asks for EC2 scanning. Where the region has a live EC2 instance (pending,
running, stopping, stopped) in the inventory, EC2 scanning must be ENABLED: anything else
leaves those instances unscanned, whatever else is on. Where the instance listing failed,
a region scanning only ECR or Lambda is ERROR, not PASS. Where no instance runs, any one of
EC2, ECR or Lambda (standard) scanning ENABLED passes: a startup that runs only containers
or only functions legitimately turns on just that scan type (a deliberate, stated deviation
from Inspector.1, which fails then too). Lambda code scanning and code repositories build on
those and do not count alone. The message names what is on, what is off and the instances.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.i18n import _, ngettext

COUNTED = ("ec2", "ecr", "lambda")
LABEL = {"ec2": "EC2", "ecr": "ECR", "lambda": "Lambda"}
LIVE = frozenset({"pending", "running", "stopping", "stopped"})


@check("inspector.enabled", needs=("inspector.region",))
def inspector_enabled(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per region."""
    instances = Counter((i.account_id, i.region) for i in inventory.of("ec2.instance")
                        if i.attrs.get("state") in LIVE)
    unlisted = {(e.account_id, e.region): e.code for e in inventory.errors_for(["ec2.instance"])}
    for region in inventory.of("inspector.region"):
        errors = region.attrs.get("errors") or {}
        states = region.attrs.get("resource_state") or {}
        if "account_status" in errors:
            yield error(region, _("cannot read Inspector status (BatchGetAccountStatus: "
                                  "{code})").format(code=errors["account_status"]))
            continue
        on = [LABEL[k] for k in COUNTED if states.get(k) == "ENABLED"]
        off = [LABEL[k] for k in COUNTED if states.get(k) != "ENABLED"]
        rest = _("; off: {types}").format(types=", ".join(off)) if off else ""
        count = instances[(region.account_id, region.region)]
        if count and "EC2" not in on:
            what = (_("scans only {types}").format(types=", ".join(on)) if on
                    else _("scans nothing"))
            yield fail(region, ngettext(
                "Inspector {what}, but {n} EC2 instance runs here unscanned (EC2 scanning off)",
                "Inspector {what}, but {n} EC2 instances run here unscanned (EC2 scanning off)",
                count).format(what=what, n=count))
        elif on and "EC2" not in on and (region.account_id, region.region) in unlisted:
            code = unlisted[(region.account_id, region.region)]
            yield error(region, _("Inspector scans only {types}; whether EC2 instances run here "
                                  "is unknown (DescribeInstances: {code})").format(
                types=", ".join(on), code=code))
        elif on:
            yield ok(region, _("Inspector scans {types}{rest}").format(types=", ".join(on),
                                                                      rest=rest))
        else:
            state = region.attrs.get("account_state") or _("unknown")
            yield fail(region, _("Inspector is not scanning EC2, ECR or Lambda (account "
                                 "{state})").format(state=state))

