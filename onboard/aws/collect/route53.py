"""Route 53 collector: hosted zones and the records that point at AWS resources.

`route53.zones` — global (once per account): ListHostedZones, then ListResourceRecordSets per
zone. Only records the architecture diagram can use are kept: every alias record, and CNAME
records whose value is an AWS endpoint (CloudFront, a load balancer, an S3 website, API
Gateway). Plain A/AAAA/MX/TXT records and ACM validation CNAMEs are dropped.

`route53.zone` (region "global"; id = the zone id without "/hostedzone/"; name = the zone's
  domain without the trailing dot; arn arn:…:route53:::hostedzone/<id>):
  private        a private hosted zone (bool)
  record_count   ResourceRecordSetCount (all records, not only the ones kept)
  comment
  errors         {"records": <AWS error code>} when ListResourceRecordSets failed (the
                 zone's records are then missing)

`route53.record` (region "global"; id = "<zone id>:<name>:<type>[:<set identifier>]";
  name = the record name without the trailing dot, `\\052` shown as `*`; no arn):
  zone_id, zone_name
  record_type     "A" | "AAAA" | "CNAME" | ...
  alias           True for an alias record
  target          the alias DNS name or the CNAME value, lower-case, without the trailing
                  dot and without a "dualstack." prefix — comparable with a load balancer's
                  `dns` and a distribution's `domain`
  target_zone_id  the alias target's hosted zone id, or None
  target_kind     "cloudfront" | "elb" | "s3-website" | "apigateway" | "route53" (another
                  record in the same zone) | "other"
  set_identifier  routing-policy set identifier, or None

Calls per account: ListHostedZones (1 per 100 zones), ListResourceRecordSets (1 per 300
records) per zone.
"""

from __future__ import annotations

import re
from typing import Any

from onboard.aws.collect.base import Context, collector, detail, paginate
from onboard.models import GLOBAL, Resource

_OCTAL = re.compile(r"\\(\d{3})")


def dns_name(name: str | None) -> str:
    """A Route 53 name as people write it: no trailing dot, lower case, \\052 → '*'."""
    text = _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), name or "")
    return text.rstrip(".").lower()


def normalise_target(target: str | None) -> str:
    text = dns_name(target)
    return text[len("dualstack."):] if text.startswith("dualstack.") else text


def target_kind(target: str, zone_name: str = "") -> str:
    if target.endswith(".cloudfront.net"):
        return "cloudfront"
    if ".elb." in target and target.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        return "elb"
    if ".s3-website" in target:
        return "s3-website"
    if ".execute-api." in target:
        return "apigateway"
    if zone_name and (target == zone_name or target.endswith("." + zone_name)):
        return "route53"
    return "other"


def _zone_id(raw: str) -> str:
    return raw.rsplit("/", 1)[-1]


def record_of(ctx: Context, zone_id: str, zone_name: str, rr: dict[str, Any]
              ) -> Resource | None:
    """A kept record (alias, or CNAME to an AWS endpoint), or None."""
    alias = rr.get("AliasTarget")
    rtype = rr.get("Type", "")
    if alias:
        target = normalise_target(alias.get("DNSName"))
    elif rtype == "CNAME" and rr.get("ResourceRecords"):
        target = normalise_target(rr["ResourceRecords"][0].get("Value"))
    else:
        return None
    kind = target_kind(target, zone_name)
    if not alias and kind in ("other", "route53"):
        return None
    name = dns_name(rr.get("Name"))
    set_id = rr.get("SetIdentifier")
    rid = f"{zone_id}:{name}:{rtype}" + (f":{set_id}" if set_id else "")
    return Resource(
        type="route53.record", id=rid, name=name, account_id=ctx.account_id, region=GLOBAL,
        attrs={"zone_id": zone_id, "zone_name": zone_name, "record_type": rtype,
               "alias": bool(alias), "target": target,
               "target_zone_id": (alias or {}).get("HostedZoneId"),
               "target_kind": kind, "set_identifier": set_id})


@collector("route53.zones", scope="global", produces=("route53.zone", "route53.record"),
           calls=("route53:ListHostedZones", "route53:ListResourceRecordSets"))
def collect_zones(ctx: Context) -> list[Resource]:
    client = ctx.client("route53")
    out: list[Resource] = []
    for z in paginate(client, "list_hosted_zones", "HostedZones"):
        zone_id = _zone_id(z["Id"])
        zone_name = dns_name(z.get("Name"))
        errors: dict[str, str] = {}
        rrsets = detail(errors, "records", lambda zid=z["Id"]: list(paginate(  # type: ignore[misc]
            client, "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=zid)))
        config = z.get("Config") or {}
        out.append(Resource(
            type="route53.zone", id=zone_id, name=zone_name, account_id=ctx.account_id,
            region=GLOBAL, arn=f"arn:{ctx.partition}:route53:::hostedzone/{zone_id}",
            attrs={"private": bool(config.get("PrivateZone")),
                   "record_count": z.get("ResourceRecordSetCount"),
                   "comment": config.get("Comment") or "", "errors": errors}))
        for rr in rrsets or []:
            record = record_of(ctx, zone_id, zone_name, rr)
            if record is not None:
                out.append(record)
    return out
