"""elb.access_logs: application, network and classic load balancers without access logs.

Gateway load balancers have no access logs, so they yield no finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.i18n import N_, _

KIND_LABEL = {"application": N_("application load balancer"),
              "network": N_("network load balancer"),
              "classic": N_("classic load balancer")}


def kind_label(kind: str) -> str:
    if kind in KIND_LABEL:
        return _(KIND_LABEL[kind])
    return _("{kind} load balancer").format(kind=kind)


@check("elb.access_logs", needs=("elb.load_balancer",))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per ALB, NLB and CLB."""
    for lb in inv.of("elb.load_balancer"):
        kind = str(lb.attrs.get("kind") or "")
        if kind == "gateway":
            continue
        label = f"{kind_label(kind)} {lb.id}"
        code = (lb.attrs.get("errors") or {}).get("attributes")
        enabled = lb.attrs.get("access_logs_enabled")
        if code or enabled is None:
            yield error(lb, _("{label}: attributes could not be read ({code})").format(
                label=label, code=code or _("not collected")))
        elif enabled:
            bucket = lb.attrs.get("access_logs_bucket")
            yield ok(lb, (_("{label}: access logs on (s3://{bucket})") if bucket
                          else _("{label}: access logs on")).format(label=label, bucket=bucket))
        else:
            note = ""
            listeners = lb.attrs.get("listeners") or []
            if kind == "network" and not any(li.get("protocol") == "TLS" for li in listeners):
                note = _(" (NLB access logs record TLS listeners only; it has none yet)")
            yield fail(lb, _("{label}: access logs off{note}").format(label=label, note=note))

