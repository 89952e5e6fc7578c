"""elb.access_logs: application, network and classic load balancers without access logs.

Gateway load balancers have no access logs, so they yield no finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok

KIND_LABEL = {"application": "application load balancer", "network": "network load balancer",
              "classic": "classic load balancer"}


@check("elb.access_logs", needs=("elb.load_balancer",))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per ALB, NLB and CLB."""
    for lb in inv.of("elb.load_balancer"):
        kind = str(lb.attrs.get("kind") or "")
        if kind == "gateway":
            continue
        label = f"{KIND_LABEL.get(kind, kind + ' load balancer')} {lb.id}"
        code = (lb.attrs.get("errors") or {}).get("attributes")
        enabled = lb.attrs.get("access_logs_enabled")
        if code or enabled is None:
            yield error(lb, f"{label}: attributes could not be read ({code or 'not collected'})")
        elif enabled:
            bucket = lb.attrs.get("access_logs_bucket")
            yield ok(lb, f"{label}: access logs on" + (f" (s3://{bucket})" if bucket else ""))
        else:
            note = ""
            listeners = lb.attrs.get("listeners") or []
            if kind == "network" and not any(li.get("protocol") == "TLS" for li in listeners):
                note = " (NLB access logs record TLS listeners only; it has none yet)"
            yield fail(lb, f"{label}: access logs off{note}")
