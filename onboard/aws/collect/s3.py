"""S3 collectors: account-level Block Public Access and every bucket's security settings.

`s3.account` (one per account; id = account id, region = "global"):
  public_access_block  dict of the four BPA flags (BlockPublicAcls, IgnorePublicAcls,
                       BlockPublicPolicy, RestrictPublicBuckets) from s3control
                       GetPublicAccessBlock, or None when not configured
  errors               {"public_access_block": <AWS error code>} when that call failed
                       (the record is still produced, so bucket checks can decide
                       without it where the bucket's own settings suffice)

`s3.bucket` (one per bucket; id = name = bucket name; region = the bucket's own region):
  public_access_block  bucket-level BPA flags dict, or None when not configured
  policy_public        GetBucketPolicyStatus IsPublic (bool), None when there is no policy
                       or the status could not be read
  policy               the bucket policy, parsed (dict), or None when there is none
  acl_grants           list of {grantee_type, uri, id, permission}; [] when ownership is
                       BucketOwnerEnforced (ACLs are disabled, so GetBucketAcl is skipped)
  versioning           "Enabled" | "Suspended" | None (never enabled)
  mfa_delete           "Enabled" | "Disabled" | None
  ownership            "BucketOwnerEnforced" | "BucketOwnerPreferred" | "ObjectWriter" | None
  created              ISO-8601 creation date from ListBuckets
  errors               {<attr name>: <AWS error code>} for every detail call that failed
                       (keys: location, public_access_block, policy, policy_status,
                       ownership, acl, versioning)

Calls per account: s3control GetPublicAccessBlock (1), ListBuckets (1 per 10,000 buckets),
then per bucket up to 7: GetBucketLocation (skipped when ListBuckets carries BucketRegion),
GetPublicAccessBlock, GetBucketPolicy, GetBucketPolicyStatus (only when a policy exists),
GetBucketOwnershipControls, GetBucketAcl (skipped when BucketOwnerEnforced),
GetBucketVersioning — fanned out over 8 threads. Encryption and server access logging are
not read: no check needs them, and every per-bucket call costs a round trip.
"""

from __future__ import annotations

import json
from typing import Any

from onboard.aws.collect.base import Context, collector, detail, fan_out, paginate
from onboard.models import GLOBAL, Resource

BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
MAX_WORKERS = 8


def _flags(config: dict[str, Any] | None) -> dict[str, bool] | None:
    if config is None:
        return None
    return {flag: bool(config.get(flag, False)) for flag in BPA_FLAGS}


@collector("s3.account", scope="global", produces=("s3.account",),
           calls=("s3control:GetPublicAccessBlock",))
def collect_account(ctx: Context) -> list[Resource]:
    errors: dict[str, str] = {}
    client = ctx.client("s3control")
    resp = detail(errors, "public_access_block",
                  lambda: client.get_public_access_block(AccountId=ctx.account_id),
                  missing=("NoSuchPublicAccessBlockConfiguration",))
    bpa = _flags(resp.get("PublicAccessBlockConfiguration", {})) if resp else None
    return [Resource(type="s3.account", id=ctx.account_id, account_id=ctx.account_id,
                     region=GLOBAL, name=ctx.account_id,
                     attrs={"public_access_block": bpa, "errors": errors})]


def bucket_region(location: str | None) -> str:
    """GetBucketLocation's LocationConstraint → region name (None/"" → us-east-1, EU)."""
    if not location:
        return "us-east-1"
    if location == "EU":
        return "eu-west-1"
    return location


def _grant(g: dict[str, Any]) -> dict[str, Any]:
    grantee = g.get("Grantee", {})
    return {"grantee_type": grantee.get("Type"), "uri": grantee.get("URI"),
            "id": grantee.get("ID"), "permission": g.get("Permission")}


def _bucket(ctx: Context, summary: dict[str, Any]) -> Resource | None:
    name = summary["Name"]
    errors: dict[str, str] = {}
    region = summary.get("BucketRegion")
    if not region:
        loc = detail(errors, "location",
                     lambda: ctx.client("s3").get_bucket_location(Bucket=name))
        if errors.get("location") == "NoSuchBucket":
            return None  # deleted since ListBuckets: nothing left to audit
        region = bucket_region(loc.get("LocationConstraint")) if loc else ctx.region
    s3 = ctx.client("s3", region)

    bpa = detail(errors, "public_access_block",
                 lambda: s3.get_public_access_block(Bucket=name),
                 missing=("NoSuchPublicAccessBlockConfiguration",))
    policy_resp = detail(errors, "policy", lambda: s3.get_bucket_policy(Bucket=name),
                         missing=("NoSuchBucketPolicy",))
    policy: dict[str, Any] | None = None
    policy_public: bool | None = None
    if policy_resp:
        try:
            policy = json.loads(policy_resp.get("Policy") or "{}")
        except ValueError:
            errors["policy"] = "InvalidPolicyJson"
        status = detail(errors, "policy_status",
                        lambda: s3.get_bucket_policy_status(Bucket=name),
                        missing=("NoSuchBucketPolicy",))
        if status:
            policy_public = bool(status.get("PolicyStatus", {}).get("IsPublic", False))

    own = detail(errors, "ownership", lambda: s3.get_bucket_ownership_controls(Bucket=name),
                 missing=("OwnershipControlsNotFoundError",))
    rules = (own or {}).get("OwnershipControls", {}).get("Rules", [])
    ownership = rules[0].get("ObjectOwnership") if rules else None
    grants: list[dict[str, Any]] = []
    if ownership != "BucketOwnerEnforced":
        acl = detail(errors, "acl", lambda: s3.get_bucket_acl(Bucket=name))
        grants = [_grant(g) for g in (acl or {}).get("Grants", [])]

    ver = detail(errors, "versioning", lambda: s3.get_bucket_versioning(Bucket=name)) or {}
    if "NoSuchBucket" in errors.values():
        return None
    created = summary.get("CreationDate")
    return Resource(
        type="s3.bucket", id=name, name=name, account_id=ctx.account_id, region=region,
        arn=f"arn:{ctx.partition}:s3:::{name}",
        attrs={
            "public_access_block": _flags((bpa or {}).get("PublicAccessBlockConfiguration")),
            "policy_public": policy_public,
            "policy": policy,
            "acl_grants": grants,
            "versioning": ver.get("Status"),
            "mfa_delete": ver.get("MFADelete"),
            "ownership": ownership,
            "created": created.isoformat() if created else None,
            "errors": errors,
        })


@collector("s3.buckets", scope="global", produces=("s3.bucket",), calls=(
    "s3:ListBuckets", "s3:GetBucketLocation", "s3:GetPublicAccessBlock",
    "s3:GetBucketPolicy", "s3:GetBucketPolicyStatus", "s3:GetBucketOwnershipControls",
    "s3:GetBucketAcl", "s3:GetBucketVersioning"))
def collect_buckets(ctx: Context) -> list[Resource]:
    summaries = list(paginate(ctx.client("s3"), "list_buckets", "Buckets",
                              PaginationConfig={"PageSize": 10000}))
    if not summaries:
        return []
    found = fan_out(lambda s: _bucket(ctx, s), summaries, MAX_WORKERS)
    return [r for r in found if r is not None]
