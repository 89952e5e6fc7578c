"""s3.versioning: buckets whose versioning is not Enabled (Suspended, or never turned on)."""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok


@check("s3.versioning", needs=("s3.bucket",))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per bucket."""
    for bucket in inv.of("s3.bucket"):
        label = f"bucket {bucket.id}"
        code = (bucket.attrs.get("errors") or {}).get("versioning")
        status = bucket.attrs.get("versioning")
        if code:
            yield error(bucket, f"{label}: versioning could not be read ({code})")
        elif status == "Enabled":
            yield ok(bucket, f"{label}: versioning Enabled")
        elif status:
            yield fail(bucket, f"{label}: versioning {status}")
        else:
            yield fail(bucket, f"{label}: versioning never enabled")
