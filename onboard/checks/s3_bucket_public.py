"""s3.bucket_public: buckets readable or writable by anyone, through the policy or an ACL grant.

A policy is public when GetBucketPolicyStatus says IsPublic, or when its text is public by
AWS's definition (`s3_access.public_statements`): an Allow to a wildcard principal (or with
NotPrincipal) whose condition pins no caller with *fixed* values — a wildcard or policy
variable in aws:SourceVpce, aws:PrincipalArn, aws:SourceArn …, a negated, IfExists or Null
operator, aws:PrincipalIsAWSService, or an aws:SourceIp wider than /8 all leave it public —
unless a Deny to everyone on every action fences it to fixed callers. The text is read even
when the status call works (either one proves public); when the status call fails, the text
alone decides and the message says so; when the policy itself cannot be read the verdict is
ERROR, never PASS. A public policy counts unless RestrictPublicBuckets is in effect; a public
ACL grant (AllUsers / AuthenticatedUsers) counts unless IgnorePublicAcls is in effect or
ownership is BucketOwnerEnforced (ACLs disabled). A path that cannot be read is an ERROR
unless another path already proves the bucket public.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.checks.s3_access import (
    EffectiveBpa,
    effective_bpa,
    fenced_by,
    public_grants,
    public_statements,
)
from onboard.i18n import _
from onboard.models import Resource


class _Verdict:
    def __init__(self) -> None:
        self.public: list[str] = []
        self.unknown: list[str] = []
        self.blocked: list[str] = []
        self.notes: list[str] = []

    def gated(self, evidence: str, bpa: EffectiveBpa, flag: str) -> None:
        """Record public evidence unless `flag` neutralises it."""
        state = bpa.flag(flag)
        if state:
            self.blocked.append(_("{evidence}, neutralised by {flag} ({source})").format(
                evidence=evidence, flag=flag, source=bpa.source(flag)))
        elif state is None:
            self.unknown.append(_("{evidence}, and {flag} is unknown ({levels})").format(
                evidence=evidence, flag=flag, levels=bpa.levels()))
        else:
            self.public.append(evidence)


def _policy(bucket: Resource, bpa: EffectiveBpa, v: _Verdict) -> None:
    errors = bucket.attrs.get("errors") or {}
    status = bucket.attrs.get("policy_public")
    if "policy" in errors:
        if status is True:
            v.gated(_("policy is public (GetBucketPolicyStatus IsPublic)"), bpa,
                    "RestrictPublicBuckets")
        else:
            v.unknown.append(_("policy could not be read ({code})").format(
                code=errors["policy"]))
        return
    policy = bucket.attrs.get("policy")
    if policy is None:
        return
    statements = public_statements(policy)
    if statements:
        v.gated(_("policy {statements}").format(statements="; ".join(statements)), bpa,
                "RestrictPublicBuckets")
    elif status is True:
        v.gated(_("policy is public (GetBucketPolicyStatus IsPublic)"), bpa,
                "RestrictPublicBuckets")
    elif status is None:
        code = errors.get("policy_status") or _("not read")
        fence = fenced_by(policy)
        how = (_("Deny '{sid}' fences it").format(sid=fence) if fence
               else _("no statement admits an unpinned caller"))
        v.notes.append(_("policy judged from its text, {how} (GetBucketPolicyStatus: "
                         "{code})").format(how=how, code=code))


def _acl(bucket: Resource, bpa: EffectiveBpa, v: _Verdict) -> None:
    if bucket.attrs.get("ownership") == "BucketOwnerEnforced":
        return  # ACLs are disabled: grants have no effect
    errors = bucket.attrs.get("errors") or {}
    if "acl" in errors:
        if not bpa.flag("IgnorePublicAcls"):
            v.unknown.append(_("ACL could not be read ({code})").format(code=errors["acl"]))
        return
    for grant in public_grants(bucket.attrs.get("acl_grants")):
        v.gated(_("ACL grant {grant}").format(grant=grant), bpa, "IgnorePublicAcls")


@check("s3.bucket_public", needs=("s3.bucket", "s3.account"))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per bucket."""
    for bucket in inv.of("s3.bucket"):
        bpa = effective_bpa(inv, bucket)
        v = _Verdict()
        _policy(bucket, bpa, v)
        _acl(bucket, bpa, v)
        label = _("bucket {name}").format(name=bucket.id)
        if v.public:
            yield fail(bucket, _("{label}: public via {how}").format(
                label=label, how="; ".join(v.public)))
        elif v.unknown:
            yield error(bucket, _("{label}: cannot tell whether public: {why}").format(
                label=label, why="; ".join(v.unknown)))
        elif v.blocked:
            yield ok(bucket, _("{label}: not public ({why})").format(
                label=label, why="; ".join(v.blocked + v.notes)))
        else:
            why = "; ".join(v.notes) or _("no public policy statement or ACL grant")
            yield ok(bucket, _("{label}: not public ({why})").format(label=label, why=why))

