"""Evaluator for inspector.enabled: Amazon Inspector scans something in each region.

PASS when at least one of EC2, ECR or Lambda (standard) scanning is ENABLED: a startup that
runs only containers or only functions legitimately turns on just that scan type, so requiring
all three would raise false alarms. Lambda code scanning and code repositories build on those
and do not count alone. The message names what is on and what is off.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok

COUNTED = ("ec2", "ecr", "lambda")
LABEL = {"ec2": "EC2", "ecr": "ECR", "lambda": "Lambda"}


@check("inspector.enabled", needs=("inspector.region",))
def inspector_enabled(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per region."""
    for region in inventory.of("inspector.region"):
        errors = region.attrs.get("errors") or {}
        states = region.attrs.get("resource_state") or {}
        if "account_status" in errors:
            yield error(region, "cannot read Inspector status "
                                f"(BatchGetAccountStatus: {errors['account_status']})")
            continue
        on = [LABEL[k] for k in COUNTED if states.get(k) == "ENABLED"]
        off = [LABEL[k] for k in COUNTED if states.get(k) != "ENABLED"]
        if on:
            rest = f"; off: {', '.join(off)}" if off else ""
            yield ok(region, f"Inspector scans {', '.join(on)}{rest}")
        else:
            state = region.attrs.get("account_state") or "unknown"
            yield fail(region, f"Inspector is not scanning EC2, ECR or Lambda (account {state})")
