"""network.public_subnet_resources: DBs, caches and internal instances in subnets routed to an IGW.

- RDS DB instances and clusters, ElastiCache clusters: FAIL when any subnet of the subnet
  group is public, even if the resource sits in a private one today (RDS and ElastiCache
  may place it, or fail over, into any subnet of the group). A cluster member whose
  cluster is in the inventory is judged through the cluster (one finding per subnet group).
- EC2 instances: FAIL only when the instance sits in a public subnet *and* its Name or role
  tags mark it as internal (db, postgres, redis, worker, queue, backend, ...). Bastion, NAT,
  proxy, VPN, jump and web hosts never fail, whatever else their names say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok, skipped
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
EDGE_WORDS = frozenset({
    "bastion", "jump", "jumpbox", "jumphost", "nat", "proxy", "vpn", "openvpn", "wireguard",
    "web", "www", "nginx", "haproxy", "frontend", "lb", "alb", "elb", "gateway", "ingress",
    "edge", "squid", "envoy",
})
EDGE_AFFIXES = ("bastion", "proxy", "vpn", "jump", "web", "frontend", "gateway")
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


def internal_signal(inst: Resource) -> str | None:
    """Why the instance looks internal ("Name 'prod-db-1'"), or None (edge host or no sign)."""
    sources: list[tuple[str, str]] = []
    if inst.name:
        sources.append(("Name", inst.name))
    for key, value in (inst.attrs.get("tags") or {}).items():
        if key.lower() in ROLE_KEYS and not (key == "Name" and value == inst.name):
            sources.append((key, str(value)))
    words = [(key, value, tokens(value)) for key, value in sources]
    if any(_matches(t, EDGE_WORDS, EDGE_AFFIXES) for _, _, toks in words for t in toks):
        return None
    for key, value, toks in words:
        if any(_matches(t, INTERNAL_WORDS, INTERNAL_AFFIXES) for t in toks):
            return f"{key} '{value}'"
    return None


def _public_evidence(public: list[SubnetRouting]) -> str:
    routes = ", ".join(dict.fromkeys(r.evidence for r in public))
    return f"{', '.join(r.subnet_id for r in public)} ({routes})"


def _subnet_group(topo: Topology, r: Resource, kind: str) -> Outcome:
    subnet_ids = list(dict.fromkeys(r.attrs.get("subnet_ids") or []))
    label = f"{kind} {r.id}"
    if not subnet_ids:
        failed = (r.attrs.get("errors") or {}).get("subnet_group")
        if failed:
            return error(r, f"{label}: its subnet group could not be read ({failed})")
        return skipped(r, f"{label} has no subnet group in the inventory")
    public, _private, unknown = topo.split(r.account_id, subnet_ids)
    if public:
        extra = "; publicly accessible" if r.attrs.get("publicly_accessible") else ""
        return fail(r, f"{label}: {len(public)} of {len(subnet_ids)} subnets in its subnet "
                       f"group are public: {_public_evidence(public)}{extra}")
    if unknown:
        return error(r, f"{label}: subnets {', '.join(unknown)} are not in the network "
                        "inventory, so their routing is unknown")
    return ok(r, f"{label}: all {len(subnet_ids)} subnets in its subnet group are private")


def _instance(topo: Topology, inst: Resource) -> Outcome | None:
    if inst.attrs.get("state") in GONE_INSTANCE_STATES or not inst.subnet_id:
        return None
    label = f"{inst.id} ({inst.name})" if inst.name else inst.id
    if not topo.known(inst.account_id, inst.subnet_id):
        return error(inst, f"{label}: subnet {inst.subnet_id} is not in the network inventory")
    routing = topo.routing(inst.account_id, inst.subnet_id)
    if not routing.public:
        return ok(inst, f"{label} is in private subnet {inst.subnet_id}")
    signal = internal_signal(inst)
    if signal is None:
        return ok(inst, f"{label} is in public subnet {inst.subnet_id}; its name and role "
                        "tags do not mark it internal")
    public_ip = inst.attrs.get("public_ip")
    exposure = f", public IP {public_ip}" if public_ip else ""
    return fail(inst, f"{label} looks internal ({signal}) but is in public subnet "
                      f"{inst.subnet_id} ({routing.evidence}){exposure}")


@check("network.public_subnet_resources",
       needs=("ec2.subnet", "ec2.route_table", "ec2.instance", "rds.db_instance",
              "rds.db_cluster", "elasticache.cluster"))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """One outcome per DB cluster, standalone DB instance, cache cluster and live instance."""
    topo = Topology(inv)
    clusters = {(c.account_id, c.id) for c in inv.of("rds.db_cluster")}
    for cluster in inv.of("rds.db_cluster"):
        yield _subnet_group(topo, cluster, "DB cluster")
    for db in inv.of("rds.db_instance"):
        cluster_id = db.attrs.get("cluster_id")
        if cluster_id and (db.account_id, cluster_id) in clusters:
            continue
        yield _subnet_group(topo, db, "DB instance")
    for cache in inv.of("elasticache.cluster"):
        yield _subnet_group(topo, cache, "cache cluster")
    for inst in inv.of("ec2.instance"):
        outcome = _instance(topo, inst)
        if outcome is not None:
            yield outcome
