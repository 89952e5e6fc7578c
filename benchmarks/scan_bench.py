"""Scan speed at organization scale: a synthetic org on a moto server behind a latency proxy.

    python benchmarks/scan_bench.py                       # 20 accounts x 4 regions, 50 ms
    python benchmarks/scan_bench.py --accounts 4 --regions 2 --latency 0.1

Prints API calls (counted at the proxy), calls per (account, region), wall time, peak RSS
of the scan process, and the ratio of `--workers 1` to the default; then the same with no
added latency, and the store + evaluate time for 100,000 synthetic inventory records.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.latency_proxy import LatencyProxy  # noqa: E402

ALL_REGIONS = ["us-east-1", "eu-west-1", "ap-northeast-1", "us-west-2", "eu-central-1",
               "ap-southeast-1", "us-east-2", "sa-east-1"]

# The fewest calls the catalog's checks need (one page each): per account once, per
# (account, region), and per resource where no batch API exists.
MIN_PER_ACCOUNT = {
    "iam": 4,  # account summary, generate + get credential report, list users (ids/tags)
    "organizations": 1, "cloudtrail": 2,  # describe trails + one status per trail (>= 1)
    "s3": 1, "s3control": 1, "cloudfront": 1,
}
MIN_PER_REGION = {
    # vpcs, subnets, route tables, flow logs, security groups, interfaces, instances
    "ec2": 7, "rds": 2, "elasticache": 1, "elbv2": 1, "elb": 1,
    "config": 2, "securityhub": 1, "guardduty": 1, "accessanalyzer": 1, "inspector2": 1,
}
MIN_PER_MANAGEMENT_REGION = 1  # sso-admin ListInstances: only the management account is judged
# versioning, public access block, policy status (or policy), ACL — plus the bucket's region,
# which AWS returns in ListBuckets but the emulator does not (GetBucketLocation).
MIN_PER_BUCKET = 5
# The architecture inventory (issue 6) adds one listing call per service and region or
# account; no check reads it, so it is counted apart.
MIN_INVENTORY_PER_REGION = {
    "ec2": 2,  # internet gateways, NAT gateways
    "apigateway": 1, "apigatewayv2": 1, "wafv2": 1, "lambda": 1, "dynamodb": 1, "ecs": 1,
    "eks": 1, "codebuild": 1, "codepipeline": 1, "codecommit": 1,
}
MIN_INVENTORY_PER_ACCOUNT = {"route53": 1, "wafv2": 1}  # zones; CloudFront-scope web ACLs
MIN_PER_LOAD_BALANCER = 1  # attributes (access logs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_moto(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=1)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("moto server did not start")


def seed(url: str, accounts: int, regions: list[str], per_region: int) -> dict[str, int]:
    """A synthetic org: members with users and buckets, and per region a VPC with subnets,
    security groups (some open), instances and a DB. Returns resource counts."""
    os.environ.update(AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="bench",
                      AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    counts: Counter[str] = Counter()
    mgmt = boto3.Session(region_name="us-east-1")
    org = mgmt.client("organizations")
    org.create_organization(FeatureSet="ALL")
    ids = [mgmt.client("sts").get_caller_identity()["Account"]]
    for i in range(accounts - 1):
        req = org.create_account(AccountName=f"member-{i:02d}", Email=f"m{i}@example.com")
        ids.append(org.describe_create_account_status(
            CreateAccountRequestId=req["CreateAccountStatus"]["Id"])
            ["CreateAccountStatus"]["AccountId"])
    for n, account in enumerate(ids):
        if n == 0:
            sess = mgmt
        else:
            c = mgmt.client("sts").assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                RoleSessionName="seed")["Credentials"]
            sess = boto3.Session(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"],
                                 region_name="us-east-1")
        iam, s3 = sess.client("iam"), sess.client("s3")
        for u in range(3):
            iam.create_user(UserName=f"dev-{u}")
            counts["iam.user"] += 1
        for b in range(3):
            s3.create_bucket(Bucket=f"bench-{account}-{b}")
            counts["s3.bucket"] += 1
        for region in regions:
            ec2 = sess.client("ec2", region_name=region)
            vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{k}.0/24")["Subnet"]
                       ["SubnetId"] for k in range(2)]
            counts["ec2.vpc"] += 1
            counts["ec2.subnet"] += 2
            for g in range(max(1, per_region // 3)):
                sg = ec2.create_security_group(GroupName=f"sg-{g}", Description="bench",
                                               VpcId=vpc)["GroupId"]
                port = 22 if g % 2 == 0 else 443
                ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
                    "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
                counts["ec2.security_group"] += 1
            ec2.run_instances(ImageId="ami-12345678", MinCount=max(1, per_region // 3),
                              MaxCount=max(1, per_region // 3), SubnetId=subnets[0])
            counts["ec2.instance"] += max(1, per_region // 3)
    os.environ.pop("AWS_ENDPOINT_URL")
    counts["accounts"] = len(ids)
    return dict(counts)


def run_scan(endpoint: str, db: Path, regions: list[str], workers: int | None
             ) -> tuple[float, int, dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
               AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=endpoint, ONBOARD_DB=str(db),
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    cmd = [sys.executable, "-m", "onboard", "scan", "--format", "json", "--regions",
           ",".join(regions)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        result = json.loads(out.read() or b"{}")
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"scan failed with exit code {proc.returncode}")
    return wall, usage.ru_maxrss // 1024, result


def minimum_calls(accounts: int, regions: int, result: dict[str, object]) -> int:
    inventory = result.get("inventory_counts", {})
    assert isinstance(inventory, dict)
    return (accounts * sum(MIN_PER_ACCOUNT.values())
            + accounts * regions * sum(MIN_PER_REGION.values())
            + regions * MIN_PER_MANAGEMENT_REGION
            + MIN_PER_BUCKET * int(inventory.get("s3.bucket", 0))
            + MIN_PER_LOAD_BALANCER * int(inventory.get("elb.load_balancer", 0)))


def bench_store_evaluate(n: int = 100_000) -> tuple[float, float]:
    from onboard import catalog
    from onboard.checks import evaluate
    from onboard.checks.base import Inventory
    from onboard.models import Resource
    from onboard.store import Store

    rules = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
              "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": []}]
    resources = []
    for i in range(n):
        acct = f"{100000000000 + i % 50}"
        kind = i % 4
        if kind == 0:
            resources.append(Resource(type="ec2.security_group", id=f"sg-{i:08x}",
                                      account_id=acct, region="us-east-1", vpc_id="vpc-1",
                                      attrs={"ingress": rules, "egress": [],
                                             "is_default": False}))
        elif kind == 1:
            resources.append(Resource(type="s3.bucket", id=f"bucket-{i}", account_id=acct,
                                      region="us-east-1",
                                      attrs={"versioning": None, "public_access_block": None,
                                             "acl_grants": [], "policy": None}))
        elif kind == 2:
            resources.append(Resource(type="iam.user", id=f"user-{i}", account_id=acct,
                                      attrs={"password_enabled": True, "mfa_active": False,
                                             "access_keys": []}))
        else:
            resources.append(Resource(type="ec2.instance", id=f"i-{i:08x}", account_id=acct,
                                      region="us-east-1", vpc_id="vpc-1", subnet_id="subnet-1",
                                      attrs={"state": "running", "instance_profile_arn": None,
                                             "tags": {}}))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "b.db")
        sess = store.create_session("bench")
        t0 = time.monotonic()
        scan = store.start_scan(sess.id, {}, [])
        for i in range(0, n, 500):
            store.add_batch(scan, resources[i:i + 500])
        stored = time.monotonic() - t0
        t1 = time.monotonic()
        cat = catalog.load()
        findings = evaluate(Inventory(resources, []),
                            {c.id: c.severity for c in cat.checks.values()})
        store.replace_findings(scan, findings)
        evaluated = time.monotonic() - t1
    return stored, evaluated


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--accounts", type=int, default=20)
    p.add_argument("--regions", type=int, default=4)
    p.add_argument("--per-region", type=int, default=6,
                   help="security groups + instances per region (roughly)")
    p.add_argument("--latency", type=float, default=0.05, help="seconds added per request")
    p.add_argument("--skip-serial", action="store_true", help="skip the --workers 1 run")
    args = p.parse_args()
    regions = ALL_REGIONS[:args.regions]

    port = free_port()
    server = start_moto(port)
    try:
        t0 = time.monotonic()
        counts = seed(f"http://127.0.0.1:{port}", args.accounts, regions, args.per_region)
        print(f"seeded {counts} in {time.monotonic() - t0:.1f} s")
        proxy = LatencyProxy(target_port=port, latency=args.latency).start()
        rows = []
        runs = [("default", None, args.latency)]
        if not args.skip_serial:
            runs.insert(0, ("--workers 1", 1, args.latency))
        runs.append(("default, no added latency", None, 0.0))
        for label, workers, latency in runs:
            proxy.latency = latency
            proxy.reset()
            with tempfile.TemporaryDirectory() as tmp:
                wall, rss, result = run_scan(proxy.url, Path(tmp) / "s.db", regions, workers)
            calls = len(proxy.snapshot())
            rows.append((label, latency, wall, rss, calls, result))
            print(f"{label:28} latency {latency * 1000:>3.0f} ms  wall {wall:6.1f} s  "
                  f"peak RSS {rss:4d} MB  API calls {calls:5d}  "
                  f"calls/(account,region) {calls / (args.accounts * len(regions)):.1f}  "
                  f"findings {len(result.get('findings', []))}")
        proxy.stop()
        minimum = minimum_calls(args.accounts, len(regions), rows[-1][5])
        inventory = (args.accounts * sum(MIN_INVENTORY_PER_ACCOUNT.values())
                     + args.accounts * len(regions) * sum(MIN_INVENTORY_PER_REGION.values()))
        made = rows[-1][4]
        print(f"minimum calls the catalog's checks need: {minimum} (made {made}, "
              f"ratio {made / minimum:.2f}); with the architecture inventory: "
              f"{minimum + inventory} (ratio {made / (minimum + inventory):.2f})")
        if not args.skip_serial:
            print(f"speed-up of the default over --workers 1: {rows[0][2] / rows[1][2]:.1f}x")
        services = Counter(r.service for r in proxy.snapshot())
        print("calls by service (last run):", dict(services.most_common()))
    finally:
        server.terminate()
    stored, evaluated = bench_store_evaluate()
    print(f"100,000 inventory records: store {stored:.1f} s, evaluate + store findings "
          f"{evaluated:.1f} s, total {stored + evaluated:.1f} s")


if __name__ == "__main__":
    main()
