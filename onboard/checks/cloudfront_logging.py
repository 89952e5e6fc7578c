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
from onboard.i18n import _
from onboard.models import Resource


def _label(dist: Resource) -> str:
    aliases = dist.attrs.get("aliases") or []
    shown = aliases[0] if aliases else dist.attrs.get("domain")
    return _("distribution {id}").format(id=dist.id) + (f" ({shown})" if shown else "")


@check("cloudfront.logging", needs=("cloudfront.distribution",))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per distribution."""
    for dist in inv.of("cloudfront.distribution"):
        label = _label(dist)
        errors = dist.attrs.get("errors") or {}
        legacy = dist.attrs.get("logging_enabled")
        v2 = dist.attrs.get("logging_v2")
        if v2:
            yield ok(dist, _("{label}: standard logging v2 (CloudWatch Logs delivery)").format(
                label=label))
        elif legacy:
            bucket = dist.attrs.get("logging_bucket")
            yield ok(dist, (_("{label}: standard logging to {bucket}") if bucket
                            else _("{label}: standard logging")).format(label=label,
                                                                        bucket=bucket))
        elif legacy is None:
            code = errors.get("config") or _("not collected")
            yield error(dist, _("{label}: logging configuration could not be read "
                                "({code})").format(label=label, code=code))
        elif dist.attrs.get("enabled") is False:
            yield ok(dist, _("{label}: disabled (serves no traffic); access logging "
                             "off").format(label=label))
        elif v2 is None:
            code = errors.get("logging_v2") or _("not collected")
            yield fail(dist, _("{label}: standard logging off; logging v2 could not be "
                               "checked ({code})").format(label=label, code=code))
        else:
            yield fail(dist, _("{label}: no access logging (neither standard logging nor "
                               "logging v2)").format(label=label))

