"""s3.bucket_public: buckets readable or writable by anyone, through the policy or an ACL grant.

A public policy (GetBucketPolicyStatus IsPublic, or an Allow to "*" without a condition
that pins the caller, network or source) counts unless RestrictPublicBuckets is in effect;
a public ACL grant (AllUsers / AuthenticatedUsers) counts unless IgnorePublicAcls is in
effect or ownership is BucketOwnerEnforced (ACLs disabled). A path that cannot be read is
an ERROR unless another path already proves the bucket public.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.checks.s3_access import EffectiveBpa, effective_bpa, public_grants, public_statements
from onboard.models import Resource


class _Verdict:
    def __init__(self) -> None:
        self.public: list[str] = []
        self.unknown: list[str] = []
        self.blocked: list[str] = []

    def gated(self, evidence: str, bpa: EffectiveBpa, flag: str) -> None:
        """Record public evidence unless `flag` neutralises it."""
        state = bpa.flag(flag)
        if state:
            self.blocked.append(f"{evidence}, neutralised by {flag} ({bpa.source(flag)})")
        elif state is None:
            self.unknown.append(f"{evidence}, and {flag} is unknown ({bpa.levels()})")
        else:
            self.public.append(evidence)


def _policy(bucket: Resource, bpa: EffectiveBpa, v: _Verdict) -> None:
    errors = bucket.attrs.get("errors") or {}
    if "policy" in errors:
        v.unknown.append(f"policy could not be read ({errors['policy']})")
        return
    policy = bucket.attrs.get("policy")
    statements = public_statements(policy)
    if statements:
        v.gated(f"policy {'; '.join(statements)}", bpa, "RestrictPublicBuckets")
    elif bucket.attrs.get("policy_public") is True:
        v.gated("policy is public (GetBucketPolicyStatus IsPublic)", bpa,
                "RestrictPublicBuckets")


def _acl(bucket: Resource, bpa: EffectiveBpa, v: _Verdict) -> None:
    if bucket.attrs.get("ownership") == "BucketOwnerEnforced":
        return  # ACLs are disabled: grants have no effect
    errors = bucket.attrs.get("errors") or {}
    if "acl" in errors:
        if not bpa.flag("IgnorePublicAcls"):
            v.unknown.append(f"ACL could not be read ({errors['acl']})")
        return
    for grant in public_grants(bucket.attrs.get("acl_grants")):
        v.gated(f"ACL grant {grant}", bpa, "IgnorePublicAcls")


@check("s3.bucket_public", needs=("s3.bucket", "s3.account"))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per bucket."""
    for bucket in inv.of("s3.bucket"):
        bpa = effective_bpa(inv, bucket)
        v = _Verdict()
        _policy(bucket, bpa, v)
        _acl(bucket, bpa, v)
        label = f"bucket {bucket.id}"
        if v.public:
            yield fail(bucket, f"{label}: public via {'; '.join(v.public)}")
        elif v.unknown:
            yield error(bucket, f"{label}: cannot tell whether public: {'; '.join(v.unknown)}")
        elif v.blocked:
            yield ok(bucket, f"{label}: not public ({'; '.join(v.blocked)})")
        else:
            yield ok(bucket, f"{label}: not public (no public policy statement or ACL grant)")
