"""s3.versioning: buckets whose versioning is not Enabled (Suspended, or never turned on)."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.i18n import _


@check("s3.versioning", needs=("s3.bucket",))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per bucket."""
    for bucket in inv.of("s3.bucket"):
        label = _("bucket {name}").format(name=bucket.id)
        code = (bucket.attrs.get("errors") or {}).get("versioning")
        status = bucket.attrs.get("versioning")
        if code:
            yield error(bucket, _("{label}: versioning could not be read ({code})").format(
                label=label, code=code))
        elif status == "Enabled":
            yield ok(bucket, _("{label}: versioning Enabled").format(label=label))
        elif status:
            yield fail(bucket, _("{label}: versioning {status}").format(label=label,
                                                                        status=status))
        else:
            yield fail(bucket, _("{label}: versioning never enabled").format(label=label))

