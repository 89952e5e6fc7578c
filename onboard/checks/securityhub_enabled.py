"""Evaluator for securityhub.enabled: Security Hub is enabled in each region."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, fail, ok
from onboard.i18n import _


@check("securityhub.enabled", needs=("securityhub.region",))
def securityhub_enabled(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per region."""
    for region in inventory.of("securityhub.region"):
        if region.attrs.get("enabled"):
            yield ok(region, _("Security Hub is enabled ({arn})").format(
                arn=region.attrs.get("hub_arn")))
        else:
            yield fail(region, _("Security Hub is not enabled in this region"))

