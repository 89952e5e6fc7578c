"""Security-group rule helpers: which raw IpPermissions admit traffic from the whole internet.

A source counts as "the internet" when it covers every address (0.0.0.0/0, ::/0) or a range
wider than one network can own (shorter than /8 for IPv4, /32 for IPv6): 0.0.0.0/1 plus
128.0.0.0/1 is the internet split in two, and a reviewer's first evasion test. Rules
from other security groups (UserIdGroupPairs) and from prefix lists are not expanded: a
prefix list's entries are not in the inventory, and customer prefix lists hold office or
partner ranges in practice.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from onboard.i18n import _
from onboard.models import Resource
from onboard.topology import Topology

PROTOCOL_NAMES = {"-1": "all", "all": "all", "6": "tcp", "17": "udp", "1": "icmp",
                  "58": "icmpv6"}
PORTED = frozenset({"tcp", "udp"})
MAX_PORT = 65535


def normalize_protocol(protocol: Any) -> str:
    """IpProtocol → 'all', 'tcp', 'udp', 'icmp', 'icmpv6' or the protocol number as text."""
    text = str(protocol).strip().lower()
    return PROTOCOL_NAMES.get(text, text)


INTERNET_WIDE = {4: 8, 6: 32}
"""A prefix shorter than this (per IP version) is internet-wide."""


def is_internet(cidr: str | None) -> bool:
    """True for 0.0.0.0/0, ::/0, or any range wider than /8 (IPv4) or /32 (IPv6)."""
    if not cidr:
        return False
    try:
        net = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return False
    return net.prefixlen < INTERNET_WIDE[net.version]


@dataclass(frozen=True)
class OpenRule:
    """One (protocol, port range, source) that a security group admits from the internet."""

    protocol: str
    from_port: int
    to_port: int
    cidr: str
    description: str = ""

    @property
    def all_traffic(self) -> bool:
        return self.protocol == "all"

    def covers(self, protocol: str, port: int) -> bool:
        """Does this rule admit `protocol`/`port` (e.g. 'tcp', 22)?"""
        if self.all_traffic:
            return True
        return self.protocol == protocol and self.from_port <= port <= self.to_port

    @property
    def ports(self) -> str:
        """'tcp/22', 'tcp/20-25', 'all traffic', 'icmp', 'protocol 50'."""
        if self.all_traffic:
            return _("all traffic")
        if self.protocol in PORTED:
            if self.from_port == self.to_port:
                return f"{self.protocol}/{self.from_port}"
            return f"{self.protocol}/{self.from_port}-{self.to_port}"
        if self.protocol in ("icmp", "icmpv6"):
            return self.protocol
        return _("protocol {protocol}").format(protocol=self.protocol)

    def __str__(self) -> str:
        return _("{ports} from {cidr}").format(ports=self.ports, cidr=self.cidr)


def _port_range(perm: dict[str, Any], protocol: str) -> tuple[int, int]:
    if protocol not in PORTED:
        return (0, MAX_PORT)
    low, high = perm.get("FromPort"), perm.get("ToPort")
    # A tcp/udp rule always carries ports; -1 or a missing value would mean "all ports".
    if low is None or high is None or int(low) < 0 or int(high) < 0:
        return (0, MAX_PORT)
    return (int(low), int(high))


def _sources(perm: dict[str, Any]) -> Iterable[tuple[str, str]]:
    for item in perm.get("IpRanges") or []:
        yield item.get("CidrIp") or "", item.get("Description") or ""
    for item in perm.get("Ipv6Ranges") or []:
        yield item.get("CidrIpv6") or "", item.get("Description") or ""


def open_rules(permissions: Iterable[dict[str, Any]] | None) -> list[OpenRule]:
    """Expand raw IpPermissions into the rules open to 0.0.0.0/0 or ::/0."""
    rules: list[OpenRule] = []
    for perm in permissions or []:
        protocol = normalize_protocol(perm.get("IpProtocol", "-1"))
        low, high = _port_range(perm, protocol)
        for cidr, description in _sources(perm):
            if is_internet(cidr):
                rules.append(OpenRule(protocol, low, high, cidr.strip(), description))
    return rules


def rules_covering(rules: Iterable[OpenRule], protocol: str, port: int) -> list[OpenRule]:
    """The rules that admit `protocol`/`port` (all-traffic rules included)."""
    return [r for r in rules if r.covers(protocol, port)]


def ports_in(rule: OpenRule, catalog: dict[tuple[str, int], str]) -> list[tuple[str, int, str]]:
    """The (protocol, port, service) entries of `catalog` that `rule` admits, in port order."""
    return sorted(((proto, port, name) for (proto, port), name in catalog.items()
                   if rule.covers(proto, port)), key=lambda item: (item[1], item[0]))


def group_label(sg: Resource) -> str:
    """'sg-0abc (web)' — the group id and its name."""
    return f"{sg.id} ({sg.name})" if sg.name and sg.name != sg.id else sg.id


def usage_note(topo: Topology, sg: Resource,
               users: dict[tuple[str, str], list[Resource]]) -> str:
    """' (attached to i-1, eni-2)', ' (not attached)', or '' when attachments are unknown.

    `users` is `topo.interfaces_by_group()`, computed once per evaluation.
    """
    if not topo.interfaces_known(sg.account_id, sg.region):
        return ""
    enis = users.get((sg.account_id, sg.id), [])
    if not enis:
        vpc = topo.inventory.get("ec2.vpc", sg.account_id, sg.vpc_id or "")
        if (sg.attrs.get("is_default") and vpc is not None and vpc.attrs.get("is_default")
                and not topo.vpc_in_use(sg.account_id, vpc.id)):
            return _(" (not attached; default group of the unused default VPC)")
        return _(" (not attached)")
    labels = sorted({eni.attrs.get("instance_id") or eni.id for eni in enis})
    shown = ", ".join(labels[:3])
    more = _(" +{n} more").format(n=len(labels) - 3) if len(labels) > 3 else ""
    return _(" (attached to {shown}{more})").format(shown=shown, more=more)

