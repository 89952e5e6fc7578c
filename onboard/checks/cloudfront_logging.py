"""cloudfront.logging: distributions with neither legacy standard logging nor logging v2.

Legacy standard logging (to S3, in the distribution config) and standard logging v2 (a
CloudWatch Logs delivery source with a delivery) both count. When v2 could not be checked,
a distribution with legacy logging still passes and one without it still fails, with a
note that v2 was not checked. A disabled distribution serves no traffic, so it passes with
a note instead of raising a false alarm.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.models import Resource


def _label(dist: Resource) -> str:
    aliases = dist.attrs.get("aliases") or []
    shown = aliases[0] if aliases else dist.attrs.get("domain")
    return f"distribution {dist.id}" + (f" ({shown})" if shown else "")


@check("cloudfront.logging", needs=("cloudfront.distribution",))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per distribution."""
    for dist in inv.of("cloudfront.distribution"):
        label = _label(dist)
        errors = dist.attrs.get("errors") or {}
        legacy = dist.attrs.get("logging_enabled")
        v2 = dist.attrs.get("logging_v2")
        if v2:
            yield ok(dist, f"{label}: standard logging v2 (CloudWatch Logs delivery)")
        elif legacy:
            bucket = dist.attrs.get("logging_bucket")
            yield ok(dist, f"{label}: standard logging" + (f" to {bucket}" if bucket else ""))
        elif legacy is None:
            code = errors.get("config") or "not collected"
            yield error(dist, f"{label}: logging configuration could not be read ({code})")
        elif dist.attrs.get("enabled") is False:
            yield ok(dist, f"{label}: disabled (serves no traffic); access logging off")
        elif v2 is None:
            code = errors.get("logging_v2") or "not collected"
            yield fail(dist, f"{label}: standard logging off; logging v2 could not be "
                             f"checked ({code})")
        else:
            yield fail(dist, f"{label}: no access logging (neither standard logging nor "
                             "logging v2)")
