"""Scan speed at organization scale: a synthetic org, scanned through a replay or moto.

    python benchmarks/scan_bench.py                          # 20 accounts x 4 regions, replay
    python benchmarks/scan_bench.py --accounts 100 --regions 17 --busy-regions 2 \\
        --latency 0.05,0.15 --throttle 0.1 --skip-serial
    python benchmarks/scan_bench.py --emulator moto          # moto behind a latency proxy

The org is seeded into a moto server. With `--emulator replay` (the default) one scan is
recorded through a proxy in front of moto (kept in --recording, so later runs skip seeding
and recording) and every measured scan is served from memory by benchmarks/replay.py with
the given latency: moto's own 8-14 ms of CPU per request no longer caps the benchmark.

Per run: wall time; API calls seen by the emulator; calls per account-region (busy ones and
empty ones apart); peak RSS and CPU seconds of the scan process; DB size; and the bound,
max(longest chain of dependent calls x latency, client CPU / usable cores), with wall /
bound. The chain is measured once by benchmarks/critical_path.py. Findings of every run
are compared with the first run's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.latency_proxy import LatencyProxy  # noqa: E402
from benchmarks.measured import run_measured  # noqa: E402
from benchmarks.replay import Recorder, Recording, ReplayServer  # noqa: E402

# The 17 regions enabled by default in every AWS account (no opt-in needed).
ALL_REGIONS = ["us-east-1", "eu-west-1", "ap-northeast-1", "us-west-2", "eu-central-1",
               "ap-southeast-1", "us-east-2", "sa-east-1", "us-west-1", "ap-south-1",
               "ap-southeast-2", "ap-northeast-2", "ap-northeast-3", "ca-central-1",
               "eu-west-2", "eu-west-3", "eu-north-1"]
CACHE = ROOT / "benchmarks" / ".cache"


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
    """A synthetic org: members with users and buckets, and in each of `regions` a VPC with
    subnets, security groups (some open) and instances. Returns resource counts."""
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


def scan_env(endpoint: str, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
               AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=endpoint, ONBOARD_DB=str(db),
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
               PYTHONPATH=str(ROOT))
    return env


def scan_args(regions: list[str], workers: int | None) -> list[str]:
    args = ["scan", "--format", "json", "--regions", ",".join(regions)]
    return args + (["--workers", str(workers)] if workers is not None else [])


@dataclass
class Run:
    wall: float
    rss_mb: int
    cpu: float
    db_mb: float
    result: dict[str, Any]
    system: float = 0.0  # of cpu, in the kernel
    switches: int = 0  # context switches


def run_scan(endpoint: str, regions: list[str], workers: int | None) -> Run:
    """`onboard scan` as a child process; its wall time, peak RSS, CPU and DB size (its
    own, through benchmarks/measured.py: not this process's image, which holds the
    recording)."""
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryFile() as out:
        db = Path(tmp) / "s.db"
        cmd = [sys.executable, "-m", "onboard", *scan_args(regions, workers)]
        run = run_measured(cmd, stdout=out, env=scan_env(endpoint, db))
        out.seek(0)
        result = json.loads(out.read() or b"{}")
        size = sum(p.stat().st_size for p in Path(tmp).iterdir() if p.name.startswith("s.db"))
    if run.code not in (0, 1):
        raise RuntimeError(f"scan failed with exit code {run.code}")
    return Run(run.wall, run.rss_mb, run.cpu, size / 2**20, result, run.system, run.switches)


def critical_chain(endpoint: str, regions: list[str]) -> dict[str, int]:
    """The longest chain of dependent calls of one scan (benchmarks/critical_path.py)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "chain.json"
        subprocess.run([sys.executable, "-m", "benchmarks.critical_path", str(out),
                        *scan_args(regions, None)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=scan_env(endpoint, Path(tmp) / "c.db"),
                       cwd=ROOT, check=False)
        return dict(json.loads(out.read_text()))


def findings_key(result: dict[str, Any]) -> set[tuple[str, ...]]:
    return {(f["check_id"], f["status"], f["account_id"], f["region"], f["resource_id"])
            for f in result.get("findings", [])}


def fails(result: dict[str, Any]) -> set[tuple[str, ...]]:
    return {k for k in findings_key(result) if k[1] == "FAIL"}


# Services whose calls are made once per account (signed for us-east-1 however many
# regions are scanned); S3's per-bucket reads are per bucket, not per region.
GLOBAL_SERVICES = {"iam", "sts", "organizations", "cloudfront", "route53", "s3", "sso"}


def per_account_region(calls: list[Any], accounts: dict[str, str], busy: set[str]
                       ) -> tuple[float, float, float, int, int]:
    """Mean calls per account to global services, and per busy (seeded) and per empty
    account-region to regional ones; with the largest busy and empty counts."""
    per_region: Counter[tuple[str, str]] = Counter()
    per_account: Counter[str] = Counter()
    if not accounts:
        return 0.0, 0.0, 0.0, 0, 0
    for c in calls:
        account = accounts.get(c.access_key, c.access_key)
        if c.service in GLOBAL_SERVICES or c.region not in ALL_REGIONS:
            per_account[account] += 1
        else:
            per_region[account, c.region] += 1
    busy_counts = [n for (_, r), n in per_region.items() if r in busy]
    empty_counts = [n for (_, r), n in per_region.items() if r not in busy]
    return (sum(per_account.values()) / max(1, len(per_account)),
            sum(busy_counts) / max(1, len(busy_counts)),
            sum(empty_counts) / max(1, len(empty_counts)),
            max(busy_counts, default=0), max(empty_counts, default=0))


def record(args: argparse.Namespace, regions: list[str], busy: list[str], path: Path
           ) -> Recording:
    port = free_port()
    server = start_moto(port)
    try:
        t0 = time.monotonic()
        counts = seed(f"http://127.0.0.1:{port}", args.accounts, busy, args.per_region)
        print(f"seeded {counts} in {time.monotonic() - t0:.1f} s", flush=True)
        recorder = Recorder(port).start()
        t0 = time.monotonic()
        run = run_scan(recorder.url, regions, None)
        recorder.stop()
        rec = recorder.recording
        print(f"recorded {len(rec.calls)} calls ({len(rec.answers)} distinct requests, "
              f"{len(run.result.get('findings', []))} findings) against moto in "
              f"{time.monotonic() - t0:.1f} s", flush=True)
    finally:
        server.terminate()
    path.parent.mkdir(parents=True, exist_ok=True)
    rec.save(path)
    return rec


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--emulator", choices=("replay", "moto"), default="replay")
    p.add_argument("--accounts", type=int, default=20)
    p.add_argument("--regions", type=int, default=4, help="regions scanned (max 17)")
    p.add_argument("--busy-regions", type=int, default=None,
                   help="regions with resources (default: all scanned); the rest are empty")
    p.add_argument("--per-region", type=int, default=6,
                   help="security groups + instances per busy region (roughly)")
    p.add_argument("--latency", default="0.05",
                   help="seconds per request; a comma-separated list gives one run each")
    p.add_argument("--jitter", type=float, default=0.0, help="+/- seconds around the latency")
    p.add_argument("--throttle", type=float, default=0.0,
                   help="also run with this share of throttling answers (replay only)")
    p.add_argument("--skip-serial", action="store_true", help="skip the --workers 1 run")
    p.add_argument("--workers", type=int, default=None,
                   help="--workers for the main runs (default: onboard's default)")
    p.add_argument("--usable-cores", type=float, default=1.0,
                   help="cores the scan's Python can use at once (the GIL: 1)")
    p.add_argument("--record-only", action="store_true",
                   help="seed, record the replay file and stop")
    p.add_argument("--chain", type=int, default=None,
                   help="the longest chain of dependent calls, if known (skips measuring it)")
    p.add_argument("--recording", type=Path, default=None,
                   help="replay file (default benchmarks/.cache/<accounts>x<regions>...)")
    args = p.parse_args()
    regions = ALL_REGIONS[:args.regions]
    busy = regions[:args.busy_regions or args.regions]
    latencies = [float(x) for x in args.latency.split(",")]
    cells = args.accounts * len(regions)

    runs: list[tuple[str, int | None, float, float]] = []  # label, workers, latency, throttle
    if not args.skip_serial:
        runs.append(("--workers 1", 1, latencies[0], 0.0))
    main = "default" if args.workers is None else f"--workers {args.workers}"
    runs += [(main, args.workers, lat, 0.0) for lat in latencies]
    if args.throttle:
        runs.append((f"{main}, {args.throttle:.0%} throttled", args.workers, latencies[0],
                     args.throttle))

    rows: list[tuple[str, float, Run]] = []
    chain: dict[str, int] = {}
    extra_lines: list[str] = []

    def report(label: str, latency: float, run: Run, calls: list[Any], accounts: dict[str, str],
               outcome: Counter[str] | None) -> None:
        rows.append((label, latency, run))
        global_mean, busy_mean, empty_mean, busy_max, empty_max = per_account_region(
            calls, accounts, set(busy))
        path_bound = chain.get("chain", 0) * latency
        cpu_bound = run.cpu / args.usable_cores
        bound = max(path_bound, cpu_bound)
        differ = findings_key(run.result) ^ findings_key(rows[0][2].result)
        same = f"FINDINGS DIFFER ({len(differ)})" if differ else "same findings"
        extra = f", {outcome['throttled']} throttled answers" if outcome and \
            outcome["throttled"] else ""
        miss = f", {outcome['miss']} NOT RECORDED" if outcome and outcome["miss"] else ""
        split = (f" (global services {global_mean:.1f} per account; regional: busy "
                 f"{busy_mean:.1f}, max {busy_max}; empty {empty_mean:.1f}, max "
                 f"{empty_max})") if accounts else ""
        print(f"{label:26} {latency * 1000:3.0f} ms  wall {run.wall:6.1f} s  "
              f"calls {len(calls):6d}{extra}{miss}\n"
              f"{'':32}calls/account-region {len(calls) / cells:.1f}{split}  "
              f"peak RSS {run.rss_mb} MB  CPU {run.cpu:.1f} s (system {run.system:.1f} s, "
              f"{run.switches:,} context switches)  DB {run.db_mb:.1f} MB\n"
              f"{'':32}bound {bound:.1f} s = max(chain {chain.get('chain', 0)} x "
              f"{latency * 1000:.0f} ms = {path_bound:.1f} s, CPU {run.cpu:.1f} s / "
              f"{args.usable_cores:g} core = {cpu_bound:.1f} s)  wall/bound "
              f"{run.wall / bound if bound else 0:.2f}  findings "
              f"{len(run.result.get('findings', []))}, {same}", flush=True)

    if args.emulator == "replay":
        path = args.recording or CACHE / (f"{args.accounts}x{len(regions)}-busy{len(busy)}-"
                                          f"{args.per_region}.replay.gz")
        if path.exists():
            rec = Recording.load(path)
            print(f"replaying {path.name}: {len(rec.calls)} recorded calls", flush=True)
        else:
            rec = record(args, regions, busy, path)
        if args.record_only:
            return
        replay = ReplayServer(rec, jitter=args.jitter).start()
        if args.chain is None:
            chain = critical_chain(replay.url, regions)
            print(f"longest chain of dependent calls: {chain['chain']} (setup "
                  f"{chain['setup']}, account opening {chain['opening']}, longest collector "
                  f"job {chain['job']})", flush=True)
        else:
            chain = {"chain": args.chain}
            print(f"longest chain of dependent calls: {args.chain} (given)", flush=True)
        for label, workers, latency, throttle in runs:
            replay.latency, replay.throttle = latency, throttle
            replay.rewind()
            cpu0 = resource.getrusage(resource.RUSAGE_SELF)
            run = run_scan(replay.url, regions, workers)
            cpu1 = resource.getrusage(resource.RUSAGE_SELF)
            served = list(replay.served)
            outcome = Counter(o for _, o in served)
            report(label, latency, run, [c for c, _ in served], rec.accounts, outcome)
            spent = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
            extra_lines.append(f"replay CPU per request ({label}, {latency * 1000:.0f} ms): "
                               f"{spent / max(1, len(served)) * 1e6:.0f} µs")
        replay.stop()
        services = Counter(c.service for c, _ in served)
    else:
        port = free_port()
        server = start_moto(port)
        try:
            counts = seed(f"http://127.0.0.1:{port}", args.accounts, busy, args.per_region)
            print(f"seeded {counts}", flush=True)
            proxy = LatencyProxy(target_port=port, latency=0.0).start()
            chain = ({"chain": args.chain} if args.chain is not None
                     else critical_chain(proxy.url, regions))
            print(f"longest chain of dependent calls: {chain['chain']}", flush=True)
            for label, workers, latency, throttle in runs:
                if throttle:
                    print(f"{label}: skipped (only the replay throttles)")
                    continue
                proxy.latency = latency
                proxy.reset()
                run = run_scan(proxy.url, regions, workers)
                calls = proxy.snapshot()
                report(label, latency, run, calls, {}, None)
            services = Counter(r.service for r in proxy.snapshot())
            proxy.stop()
        finally:
            server.terminate()
    if not args.skip_serial and len(rows) > 1:
        serial, default = rows[0][2], rows[1][2]
        same = fails(serial.result) == fails(default.result)
        print(f"speed-up of {main} over --workers 1: {serial.wall / default.wall:.1f}x "
              f"({'identical' if same else 'DIFFERENT'} FAIL set)")
    if args.throttle and args.emulator == "replay":
        base = next(r for label, lat, r in rows if label == main and lat == latencies[0])
        throttled = rows[-1][2]
        print(f"throttled / unthrottled wall: {throttled.wall / base.wall:.2f}x")
    for line in extra_lines:
        print(line)
    print("calls by service (last run):", dict(services.most_common()))


if __name__ == "__main__":
    main()
