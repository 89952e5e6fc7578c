"""network.public_subnet_resources: DBs, caches and internal instances in subnets routed to an IGW.

A subnet is public when its route table (explicit, else the VPC's main table) has any live
route to an internet gateway (see `onboard.topology`).

- RDS DB instances and clusters, ElastiCache clusters: FAIL when any subnet of the subnet
  group is public, even if the resource sits in a private one today (RDS and ElastiCache
  may place it, or fail over, into any subnet of the group). A cluster member whose
  cluster is in the inventory is judged through the cluster (one finding per subnet group).
- Live EC2 instances in a public subnet are judged from structure first, the first matching
  rule deciding (the message names it):
    1. FAIL  a security group admits a data-store port (DATA_PORTS, any source, in a TCP
             rule of at most 16 ports): a self-managed database, cache, search engine or
             pooler, whatever its name;
    2. PASS  source/destination check off: a NAT instance or router;
    3. PASS  Name or role tags name an edge role (bastion, jump host, NAT, VPN, proxy);
    4. PASS  it has a public address and admits tcp/80 or tcp/443 from the internet (web);
    5. PASS  it has a public address and admits a VPN port from the internet (udp/500,
             udp/4500, udp/1194, udp/51820, tcp/1194);
    6. FAIL  it is a load balancer target: it is reached through the load balancer;
    7. FAIL  it has no public address (IPv4 or IPv6): nothing outside reaches it;
    8. FAIL  its security groups admit nothing from the internet: an internal host;
    9. FAIL  Name or role tags mark it internal (db, redis, worker, queue, backend, ...);
   10. PASS  the internet reaches it on admin ports only (tcp/22, tcp/3389): bastion-shaped;
   11. FAIL  anything else: not a recognisable edge role, and it serves no web port.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok, skipped
from onboard.checks.sg_rules import OpenRule, normalize_protocol, open_rules
from onboard.i18n import _
from onboard.models import Resource
from onboard.topology import GONE_INSTANCE_STATES, SubnetRouting, Topology

INTERNAL_WORDS = frozenset({
    "db", "dbs", "database", "databases", "rds", "postgres", "postgresql", "mysql",
    "mariadb", "mongo", "mongodb", "redis", "cache", "memcache", "memcached", "worker",
    "workers", "batch", "queue", "queues", "internal", "backend", "kafka", "elasticsearch",
    "opensearch", "rabbitmq", "zookeeper", "cassandra", "sidekiq", "celery",
})
# Long enough to match inside a compound token ("rediscache", "appbackend", "userdb").
INTERNAL_AFFIXES = (*sorted(w for w in INTERNAL_WORDS if len(w) >= 5), "db")
# Edge roles only: a "web" or "frontend" name proves nothing about where a host belongs.
EDGE_WORDS = frozenset({
    "bastion", "jump", "jumpbox", "jumphost", "nat", "proxy", "vpn", "openvpn", "wireguard",
    "squid", "ipsec", "strongswan",
})
EDGE_AFFIXES = ("bastion", "proxy", "vpn", "jump")
DATA_PORTS: dict[int, str] = {
    1433: "MSSQL", 1521: "Oracle", 2181: "ZooKeeper", 2379: "etcd", 3306: "MySQL",
    5432: "PostgreSQL", 5433: "PostgreSQL", 5984: "CouchDB", 6379: "Redis", 6380: "Redis",
    6432: "PgBouncer", 7000: "Cassandra", 7001: "Cassandra", 7474: "Neo4j", 7687: "Neo4j",
    8086: "InfluxDB", 8091: "Couchbase", 8123: "ClickHouse", 9042: "Cassandra",
    9092: "Kafka", 9200: "Elasticsearch/OpenSearch", 9300: "Elasticsearch/OpenSearch",
    11211: "memcached", 26257: "CockroachDB", 27017: "MongoDB", 27018: "MongoDB",
    27019: "MongoDB", 28015: "RethinkDB", 50000: "Db2", 5672: "RabbitMQ",
}
NARROW_RANGE = 16
WEB_PORTS = (80, 443)
VPN_PORTS = (("udp", 500), ("udp", 4500), ("udp", 1194), ("udp", 51820), ("tcp", 1194))
ADMIN_PORTS = (("tcp", 22), ("tcp", 3389))
ROLE_KEYS = frozenset({"name", "role", "roles", "tier", "component", "service", "function",
                       "purpose", "layer", "app", "application",
                       "aws:autoscaling:groupname"})


def tokens(text: str) -> list[str]:
    """'prodDB01-primary' → ['prod', 'db', 'primary'] (camelCase, digits, separators)."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return re.findall(r"[a-z]+", spaced.lower())


def _matches(token: str, words: frozenset[str], affixes: Iterable[str]) -> bool:
    if token in words:
        return True
    return any(len(token) > len(a) and (token.startswith(a) or token.endswith(a))
               for a in affixes)


def _role_texts(inst: Resource) -> list[tuple[str, str, list[str]]]:
    sources: list[tuple[str, str]] = []
    if inst.name:
        sources.append(("Name", inst.name))
    for key, value in (inst.attrs.get("tags") or {}).items():
        if key.lower() in ROLE_KEYS and not (key == "Name" and value == inst.name):
            sources.append((key, str(value)))
    return [(key, value, tokens(value)) for key, value in sources]


def edge_signal(inst: Resource) -> str | None:
    """The Name or role tag that names an edge role ("Role 'bastion'"), or None."""
    for key, value, toks in _role_texts(inst):
        if any(_matches(t, EDGE_WORDS, EDGE_AFFIXES) for t in toks):
            return f"{key} '{value}'"
    return None


def internal_signal(inst: Resource) -> str | None:
    """Why the instance's name looks internal ("Name 'prod-db-1'"), or None (an edge role
    or no sign)."""
    if edge_signal(inst):
        return None
    for key, value, toks in _role_texts(inst):
        if any(_matches(t, INTERNAL_WORDS, INTERNAL_AFFIXES) for t in toks):
            return f"{key} '{value}'"
    return None


def _data_listener(groups: list[Resource]) -> str | None:
    """'tcp/5432 (PostgreSQL) in sg-1' when a group admits a data-store port, from any
    source, in a TCP rule narrow enough to name a listener."""
    for sg in groups:
        for perm in sg.attrs.get("ingress") or []:
            if normalize_protocol(perm.get("IpProtocol", "-1")) != "tcp":
                continue
            low, high = perm.get("FromPort"), perm.get("ToPort")
            if not isinstance(low, int) or not isinstance(high, int):
                continue
            if high - low + 1 > NARROW_RANGE:
                continue
            for port in range(low, high + 1):
                if port in DATA_PORTS:
                    return _("tcp/{port} ({service}) in {group}").format(
                        port=port, service=DATA_PORTS[port], group=sg.id)
    return None


def _covers(rules: list[OpenRule], protocol: str, port: int) -> bool:
    """A narrow rule (not all traffic, not a wide range) admits protocol/port: a listener."""
    return any(not r.all_traffic and r.protocol == protocol and r.from_port <= port <= r.to_port
               and r.to_port - r.from_port + 1 <= NARROW_RANGE for r in rules)


def _lb_targets(inv: Inventory) -> dict[tuple[str, str], str]:
    """(account, instance id) → the load balancer or target group that sends it traffic."""
    out: dict[tuple[str, str], str] = {}
    for tg in inv.of("elb.target_group"):
        if tg.attrs.get("target_type") not in (None, "instance"):
            continue
        for t in tg.attrs.get("targets") or []:
            if t.get("id"):
                out.setdefault((tg.account_id, t["id"]),
                               _("target group {id}").format(id=tg.id))
    for lb in inv.of("elb.load_balancer"):
        for iid in lb.attrs.get("instances") or []:
            out.setdefault((lb.account_id, iid),
                           _("classic load balancer {id}").format(id=lb.id))
    return out


def _public_evidence(public: list[SubnetRouting]) -> str:
    routes = ", ".join(dict.fromkeys(r.evidence for r in public))
    return f"{', '.join(r.subnet_id for r in public)} ({routes})"


def _subnet_group(topo: Topology, r: Resource, kind: str) -> Outcome:
    subnet_ids = list(dict.fromkeys(r.attrs.get("subnet_ids") or []))
    label = f"{kind} {r.id}"
    if not subnet_ids:
        failed = (r.attrs.get("errors") or {}).get("subnet_group")
        if failed:
            return error(r, _("{label}: its subnet group could not be read ({code})").format(
                label=label, code=failed))
        return skipped(r, _("{label} has no subnet group in the inventory").format(
            label=label))
    public, _private, unknown = topo.split(r.account_id, subnet_ids)
    if public:
        extra = _("; publicly accessible") if r.attrs.get("publicly_accessible") else ""
        return fail(r, _("{label}: {n} of {total} subnets in its subnet group are public: "
                         "{evidence}{extra}").format(label=label, n=len(public),
                                                     total=len(subnet_ids),
                                                     evidence=_public_evidence(public),
                                                     extra=extra))
    if unknown:
        return error(r, _("{label}: subnets {subnets} are not in the network inventory, so "
                          "their routing is unknown").format(label=label,
                                                             subnets=", ".join(unknown)))
    return ok(r, _("{label}: all {n} subnets in its subnet group are private").format(
        label=label, n=len(subnet_ids)))


def _instance(topo: Topology, inst: Resource, targets: dict[tuple[str, str], str]
              ) -> Outcome | None:
    if inst.attrs.get("state") in GONE_INSTANCE_STATES or not inst.subnet_id:
        return None
    label = f"{inst.id} ({inst.name})" if inst.name else inst.id
    if not topo.known(inst.account_id, inst.subnet_id):
        return error(inst, _("{label}: subnet {subnet} is not in the network inventory").format(
            label=label, subnet=inst.subnet_id))
    routing = topo.routing(inst.account_id, inst.subnet_id)
    if not routing.public:
        return ok(inst, _("{label} is in private subnet {subnet}").format(
            label=label, subnet=inst.subnet_id))
    where = _("public subnet {subnet} ({evidence})").format(subnet=inst.subnet_id,
                                                            evidence=routing.evidence)
    group_ids = list(inst.attrs.get("security_groups") or [])
    groups = [g for g in (topo.inventory.get("ec2.security_group", inst.account_id, gid,
                                             inst.region) for gid in group_ids) if g]
    missing = [gid for gid in group_ids if gid not in {g.id for g in groups}]
    if missing:
        return error(inst, _("{label} is in {where}; its security groups {groups} are not in "
                             "the inventory, so what it serves is unknown").format(
            label=label, where=where, groups=", ".join(missing)))
    rules = [r for g in groups for r in open_rules(g.attrs.get("ingress"))]
    address = inst.attrs.get("public_ip") or next(iter(inst.attrs.get("ipv6_addresses")
                                                      or []), None)
    status, reason = _judge_instance(inst, groups, rules, address, targets)
    exposure = _(", public address {address}").format(address=address) if address else ""
    if status == "fail":
        return fail(inst, _("{label} is in {where}{exposure} and looks internal: "
                            "{reason}").format(label=label, where=where, exposure=exposure,
                                               reason=reason))
    return ok(inst, _("{label} is in {where}{exposure}; public by design: {reason}").format(
        label=label, where=where, exposure=exposure, reason=reason))


def _judge_instance(inst: Resource, groups: list[Resource], rules: list[OpenRule],
                    address: str | None, targets: dict[tuple[str, str], str]
                    ) -> tuple[str, str]:
    """("fail" | "pass", the deciding signal), rules 1-11 of the module docstring."""
    data = _data_listener(groups)
    if data:
        return "fail", _("listens on data-store port {port}").format(port=data)
    if inst.attrs.get("source_dest_check") is False:
        return "pass", _("source/destination check is off (a NAT instance or router)")
    edge = edge_signal(inst)
    if edge:
        return "pass", _("edge role by {signal}").format(signal=edge)
    web = [p for p in WEB_PORTS if _covers(rules, "tcp", p)]
    if address and web:
        return "pass", _("serves web port {ports} to the internet").format(
            ports=", ".join(f"tcp/{p}" for p in web))
    vpn = [f"{proto}/{port}" for proto, port in VPN_PORTS if _covers(rules, proto, port)]
    if address and vpn:
        return "pass", _("a VPN endpoint ({ports} open to the internet)").format(
            ports=", ".join(vpn))
    target = targets.get((inst.account_id, inst.id))
    if target:
        return "fail", _("it is a load balancer target ({target}), so it is reached through "
                         "the load balancer and needs no public subnet").format(target=target)
    if not address:
        return "fail", _("it has no public address, so nothing outside reaches it")
    if not rules:
        return "fail", _("its security groups admit nothing from the internet")
    named = internal_signal(inst)
    if named:
        return "fail", _("named internal by {signal}").format(signal=named)
    opened = list(dict.fromkeys(r.ports for r in rules))
    if all(any(r.protocol == p and r.from_port == r.to_port == n for p, n in ADMIN_PORTS)
           for r in rules):
        return "pass", _("reachable on admin ports only ({ports}): bastion-shaped").format(
            ports=", ".join(opened))
    return "fail", _("not a recognisable edge role (bastion, NAT, VPN, proxy) and it serves no "
                     "web port; the internet reaches {ports}").format(
        ports=", ".join(opened[:3]))


@check("network.public_subnet_resources",
       needs=("ec2.subnet", "ec2.route_table", "ec2.instance", "ec2.security_group",
              "rds.db_instance", "rds.db_cluster", "elasticache.cluster"))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per DB cluster, standalone DB instance, cache cluster and live instance."""
    topo = Topology(inv)
    clusters = {(c.account_id, c.id) for c in inv.of("rds.db_cluster")}
    for cluster in inv.of("rds.db_cluster"):
        yield _subnet_group(topo, cluster, _("DB cluster"))
    for db in inv.of("rds.db_instance"):
        cluster_id = db.attrs.get("cluster_id")
        if cluster_id and (db.account_id, cluster_id) in clusters:
            continue
        yield _subnet_group(topo, db, _("DB instance"))
    for cache in inv.of("elasticache.cluster"):
        yield _subnet_group(topo, cache, _("cache cluster"))

    targets = _lb_targets(inv)
    for inst in inv.of("ec2.instance"):
        outcome = _instance(topo, inst, targets)
        if outcome is not None:
            yield outcome
