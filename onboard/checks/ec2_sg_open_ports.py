"""ec2.sg_open_ports: security groups that open all traffic or admin/data ports to the internet.

Decisions (a security reviewer's reading):
- tcp/22 is left to ec2.ssh_open; every other port below counts, alone or inside a range.
- Every port of Security Hub EC2.19's high-risk list counts (20, 21, 23, 25, 110, 135, 143,
  445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200,
  9300), so a PASS here is a PASS there. Per port: 25/110/143 are plaintext mail (SMTP open
  relay, POP3/IMAP password guessing); 3000, 5000, 8080, 8088 and 8888 are where dev
  servers, Grafana, Flask/Docker registry, Jenkins/Tomcat, Hadoop YARN and Jupyter listen —
  each hands out code execution or admin consoles when reached; 4333 (mSQL) and 5500 (VNC)
  are data and remote-desktop ports.
- Web ports 80 and 443, and 8443 and 8000 (not in EC2.19), are not flagged: a public web tier
  or a load balancer listens there by design.
- UDP counts only where the service really listens on UDP and is a known abuse target
  (memcached and CLDAP amplification, SNMP, NetBIOS, the MSSQL browser, TFTP, NFS,
  portmapper). DNS (53), NTP (123) and IPsec (500/4500) are legitimate public services.
- ICMP and other protocol numbers (ESP, GRE) are not admin or data ports.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, fail, ok
from onboard.checks.sg_rules import OpenRule, group_label, open_rules, ports_in, usage_note
from onboard.i18n import N_, _
from onboard.topology import Topology

RISKY_PORTS: dict[tuple[str, int], str] = {
    ("tcp", 20): N_("FTP data"), ("tcp", 21): "FTP", ("tcp", 23): "Telnet",
    ("udp", 69): "TFTP", ("tcp", 111): "portmapper", ("udp", 111): "portmapper",
    ("tcp", 135): "MS RPC", ("tcp", 137): "NetBIOS", ("udp", 137): "NetBIOS",
    ("udp", 138): "NetBIOS", ("tcp", 139): "NetBIOS/SMB", ("udp", 161): "SNMP",
    ("tcp", 389): "LDAP", ("udp", 389): "CLDAP", ("tcp", 445): "SMB",
    ("tcp", 873): "rsync", ("tcp", 1433): "MSSQL", ("tcp", 1434): "MSSQL",
    ("udp", 1434): N_("MSSQL browser"), ("tcp", 1521): "Oracle", ("tcp", 2049): "NFS",
    ("udp", 2049): "NFS", ("tcp", 2375): "Docker API", ("tcp", 2376): "Docker API",
    ("tcp", 2379): "etcd", ("tcp", 2380): "etcd", ("tcp", 3306): "MySQL",
    ("tcp", 3389): "RDP", ("udp", 3389): "RDP", ("tcp", 4369): "Erlang epmd",
    ("tcp", 5432): "PostgreSQL", ("tcp", 5601): "Kibana", ("tcp", 5672): "RabbitMQ",
    ("tcp", 5900): "VNC", ("tcp", 5984): "CouchDB", ("tcp", 6379): "Redis",
    ("tcp", 6443): "Kubernetes API", ("tcp", 7000): "Cassandra", ("tcp", 7001): "Cassandra",
    ("tcp", 8020): "HDFS", ("tcp", 8086): "InfluxDB", ("tcp", 8500): "Consul",
    ("tcp", 9042): "Cassandra", ("tcp", 9092): "Kafka", ("tcp", 9200): "Elasticsearch",
    ("tcp", 9300): "Elasticsearch", ("tcp", 10250): "kubelet", ("tcp", 11211): "memcached",
    ("udp", 11211): "memcached", ("tcp", 15672): N_("RabbitMQ admin"),
    ("tcp", 2181): "ZooKeeper",
    ("tcp", 27017): "MongoDB", ("tcp", 27018): "MongoDB", ("tcp", 50070): N_("HDFS web"),
    # the rest of Security Hub EC2.19's list
    ("tcp", 25): "SMTP", ("tcp", 110): "POP3", ("tcp", 143): "IMAP",
    ("tcp", 3000): N_("dev server/Grafana"), ("tcp", 4333): "mSQL",
    ("tcp", 5000): N_("dev server"),
    ("tcp", 5500): "VNC", ("tcp", 8080): N_("HTTP alt/Jenkins"), ("tcp", 8088): "Hadoop YARN",
    ("tcp", 8888): "Jupyter",
}


def describe(rule: OpenRule) -> str | None:
    """Evidence for one internet-open rule, or None when it opens no risky port."""
    if rule.all_traffic:
        return str(rule)
    hits = ports_in(rule, RISKY_PORTS)
    if not hits:
        return None
    if len(hits) == 1 and rule.from_port == rule.to_port:
        return f"{rule} ({_(hits[0][2])})"
    named = ", ".join(f"{port} {_(name)}" for __, port, name in hits[:3])
    more = _(" +{n} more").format(n=len(hits) - 3) if len(hits) > 3 else ""
    return _("{rule} (includes {named}{more})").format(rule=rule, named=named, more=more)


@check("ec2.sg_open_ports", needs=("ec2.security_group",))
def evaluate(inv: Inventory) -> Iterator[Outcome]:
    """FAIL per group that admits all traffic, or any listed admin/data port, from the
    internet; PASS otherwise, naming what is open (e.g. the web ports)."""
    topo = Topology(inv)
    users = topo.interfaces_by_group()
    for sg in inv.of("ec2.security_group"):
        label = group_label(sg)
        note = usage_note(topo, sg, users)
        rules = open_rules(sg.attrs.get("ingress"))
        evidence = [e for e in dict.fromkeys(describe(r) for r in rules) if e]
        if evidence:
            yield fail(sg, _("{label} allows {evidence}{note}").format(
                label=label, evidence="; ".join(evidence), note=note))
        elif rules:
            open_ports = ", ".join(dict.fromkeys(r.ports for r in rules))
            yield ok(sg, _("{label} opens no admin or data port to the internet "
                           "(open: {ports}){note}").format(label=label, ports=open_ports,
                                                          note=note))
        else:
            yield ok(sg, _("{label} admits nothing from the internet{note}").format(
                label=label, note=note))

