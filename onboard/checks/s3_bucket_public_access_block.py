"""s3.bucket_public_access_block: each bucket's *effective* Block Public Access (bucket OR account).

The talk's finding was "all buckets private, but Block Public Access not enabled": a bucket
passes when every flag is on at the bucket or at the account level, and the message says
which level provides it.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.checks.s3_access import effective_bpa
from onboard.i18n import _


@check("s3.bucket_public_access_block", needs=("s3.bucket", "s3.account"))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per bucket."""
    for bucket in inv.of("s3.bucket"):
        bpa = effective_bpa(inv, bucket)
        label = _("bucket {name}").format(name=bucket.id)
        missing, unknown = bpa.missing(), bpa.unknown()
        if missing:
            yield fail(bucket, _("{label}: Block Public Access off for {flags} "
                                 "({levels})").format(label=label, flags=", ".join(missing),
                                                      levels=bpa.levels()))
        elif unknown:
            yield error(bucket, _("{label}: Block Public Access unknown for {flags} "
                                  "({levels})").format(label=label, flags=", ".join(unknown),
                                                       levels=bpa.levels()))
        else:
            yield ok(bucket, _("{label}: Block Public Access fully on (from the "
                               "{source})").format(label=label, source=bpa.source()))

