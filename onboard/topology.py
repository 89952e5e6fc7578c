"""Network topology from the inventory, without AWS calls: route tables, public subnets, VPC use.

A subnet is *public* when the route table that governs it (its explicit association, else
its VPC's main route table) has any route — the default one (0.0.0.0/0, ::/0) or a narrower
one such as an office range — to an internet gateway (`igw-…`) that is not blackholed: a
host with a public address there is reachable from whatever that route covers. Routes to an
egress-only internet gateway (`eigw-…`), a NAT gateway, a transit gateway or a peering
connection do not make a subnet public.

Use `Topology(inventory)` when asking many questions of one inventory (the index is built
once); the module-level helpers build it per call for one-off questions.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from onboard.checks.base import Inventory
from onboard.models import Resource

ENI_TYPE = "ec2.network_interface"
GONE_INSTANCE_STATES = frozenset({"terminated", "shutting-down"})


def is_default_route(destination: str | None) -> bool:
    """True for a CIDR that covers every address of its family (0.0.0.0/0, ::/0)."""
    if not destination:
        return False
    try:
        return ipaddress.ip_network(destination, strict=False).prefixlen == 0
    except ValueError:
        return False


def internet_route(route_table: Resource) -> dict[str, Any] | None:
    """An active route to an internet gateway in this route table (a default route first,
    else any narrower one), or None."""
    live = [r for r in route_table.attrs.get("routes") or []
            if str(r.get("gateway_id") or "").startswith("igw-") and r.get("state") != "blackhole"]
    for route in live:
        if is_default_route(route.get("destination")) or is_default_route(
                route.get("ipv6_destination")):
            return route
    return live[0] if live else None


def describe_route(route: dict[str, Any]) -> str:
    """A route as evidence text, e.g. '0.0.0.0/0 → igw-0abc'."""
    destination = route.get("destination") or route.get("ipv6_destination") or "?"
    return f"{destination} → {route.get('gateway_id')}"


@dataclass(frozen=True)
class SubnetRouting:
    """How one subnet routes: the table that governs it and the route that makes it public."""

    account_id: str
    subnet_id: str
    route_table_id: str | None
    explicit: bool
    internet_route: dict[str, Any] | None

    @property
    def public(self) -> bool:
        return self.internet_route is not None

    @property
    def evidence(self) -> str:
        """Why the subnet is public, e.g. 'rtb-1: 0.0.0.0/0 → igw-2' ('' when private)."""
        if self.internet_route is None:
            return ""
        return f"{self.route_table_id}: {describe_route(self.internet_route)}"


class Topology:
    """An index over the network records of one inventory (subnets, route tables, ENIs)."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self._explicit: dict[tuple[str, str], Resource] = {}
        self._main: dict[tuple[str, str], Resource] = {}
        for table in inventory.of("ec2.route_table"):
            for assoc in table.attrs.get("associations") or []:
                if assoc.get("main") and table.vpc_id:
                    self._main[(table.account_id, table.vpc_id)] = table
                elif assoc.get("subnet_id"):
                    self._explicit[(table.account_id, assoc["subnet_id"])] = table
        self._vpc_users: dict[tuple[str, str], set[str]] = defaultdict(set)
        for eni in inventory.of(ENI_TYPE):
            if eni.vpc_id:
                self._vpc_users[(eni.account_id, eni.vpc_id)].add(eni.id)
        for inst in inventory.of("ec2.instance"):
            if inst.vpc_id and inst.attrs.get("state") not in GONE_INSTANCE_STATES:
                self._vpc_users[(inst.account_id, inst.vpc_id)].add(inst.id)
        self._eni_failed = {(e.account_id, e.region) for e in inventory.errors_for([ENI_TYPE])}

    # --- subnets -------------------------------------------------------------------------

    def subnet(self, account_id: str, subnet_id: str) -> Resource | None:
        return self.inventory.get("ec2.subnet", account_id, subnet_id)

    def route_table(self, account_id: str, subnet_id: str) -> Resource | None:
        """The route table that governs the subnet: explicit association, else VPC main."""
        table = self._explicit.get((account_id, subnet_id))
        if table is not None:
            return table
        subnet = self.subnet(account_id, subnet_id)
        if subnet is None or not subnet.vpc_id:
            return None
        return self._main.get((account_id, subnet.vpc_id))

    def routing(self, account_id: str, subnet_id: str) -> SubnetRouting:
        table = self.route_table(account_id, subnet_id)
        return SubnetRouting(
            account_id=account_id, subnet_id=subnet_id,
            route_table_id=table.id if table else None,
            explicit=(account_id, subnet_id) in self._explicit,
            internet_route=internet_route(table) if table else None)

    def is_public(self, account_id: str, subnet_id: str) -> bool:
        return self.routing(account_id, subnet_id).public

    def known(self, account_id: str, subnet_id: str) -> bool:
        """True when the subnet is in the inventory (so public/private is a real answer)."""
        return self.subnet(account_id, subnet_id) is not None

    def public_subnets(self) -> list[Resource]:
        return [s for s in self.inventory.of("ec2.subnet") if self.is_public(s.account_id, s.id)]

    def subnets_of(self, account_id: str, vpc_id: str) -> list[Resource]:
        return [s for s in self.inventory.of("ec2.subnet")
                if s.account_id == account_id and s.vpc_id == vpc_id]

    def split(self, account_id: str, subnet_ids: Iterable[str]
              ) -> tuple[list[SubnetRouting], list[SubnetRouting], list[str]]:
        """Partition subnet ids into (public, private, unknown-to-the-inventory)."""
        public: list[SubnetRouting] = []
        private: list[SubnetRouting] = []
        unknown: list[str] = []
        for subnet_id in subnet_ids:
            if not self.known(account_id, subnet_id):
                unknown.append(subnet_id)
                continue
            routing = self.routing(account_id, subnet_id)
            (public if routing.public else private).append(routing)
        return public, private, unknown

    # --- VPC use -------------------------------------------------------------------------

    def vpc_users(self, account_id: str, vpc_id: str) -> set[str]:
        """Ids of the network interfaces and live instances seen in the VPC."""
        return set(self._vpc_users.get((account_id, vpc_id), ()))

    def vpc_in_use(self, account_id: str, vpc_id: str) -> bool:
        """True when anything has a network interface in the VPC.

        When the network-interface collector failed for the VPC's region the answer is
        unknown, and this says True: callers then check the VPC like any other rather than
        calling it unused.
        """
        if self._vpc_users.get((account_id, vpc_id)):
            return True
        vpc = self.inventory.get("ec2.vpc", account_id, vpc_id)
        region = vpc.region if vpc else None
        return any(acct == account_id and (region is None or reg == region)
                   for acct, reg in self._eni_failed)

    def interfaces_by_group(self) -> dict[tuple[str, str], list[Resource]]:
        """(account_id, sg id) → the network interfaces that use the security group."""
        out: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        for eni in self.inventory.of(ENI_TYPE):
            for group in eni.attrs.get("groups") or []:
                out[(eni.account_id, group)].append(eni)
        return dict(out)

    def interfaces_known(self, account_id: str, region: str) -> bool:
        """False when the network-interface collector failed for this account and region."""
        return (account_id, region) not in self._eni_failed


def subnet_is_public(inv: Inventory, account_id: str, subnet_id: str) -> bool:
    """Does the subnet route 0.0.0.0/0 or ::/0 to an internet gateway?"""
    return Topology(inv).is_public(account_id, subnet_id)


def public_subnets(inv: Inventory) -> list[Resource]:
    """Every public subnet in the inventory."""
    return Topology(inv).public_subnets()


def vpc_in_use(inv: Inventory, account_id: str, vpc_id: str) -> bool:
    """Does anything (a network interface or a live instance) sit in the VPC?"""
    return Topology(inv).vpc_in_use(account_id, vpc_id)
