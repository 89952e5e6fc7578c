"""The Review screen and the report export with 100,000 findings (a grown startup's scan).

    python benchmarks/review_bench.py                  # 100,000 findings
    python benchmarks/review_bench.py --findings 20000

Seeds one session with a scan of N findings spread over 100 accounts x 17 regions and
every check of the catalog, then drives the TUI's Review screen with Pilot (the same
harness the tests use, on a virtual terminal) and prints the time per action, from the
key press or filter change until the frame that draws the answer (the new page in the
table, its count, the detail pane: "drawn") and until the last frame before the app is
idle again ("settled"):
open, filter by status / severity / account / check / text, change the order, page down.
Then `onboard export` of the session (markdown and json) as a child process: wall time,
peak RSS and size. Also the store + evaluate time for 100,000 inventory records.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.measured import run_measured  # noqa: E402
from benchmarks.scan_bench import ALL_REGIONS  # noqa: E402
from onboard.catalog import load as load_catalog  # noqa: E402
from onboard.models import Account, Finding, Resource, Severity, Status  # noqa: E402
from onboard.store import Store  # noqa: E402


def synthetic_findings(n: int, check_ids: list[str], severities: dict[str, Severity],
                       accounts: list[str]) -> list[Finding]:
    statuses = [Status.FAIL, Status.PASS, Status.PASS, Status.FAIL, Status.PASS,
                Status.ERROR, Status.PASS, Status.FAIL, Status.PASS, Status.SKIPPED]
    out = []
    for i in range(n):
        check = check_ids[i % len(check_ids)]
        account = accounts[(i // 7) % len(accounts)]
        region = ALL_REGIONS[(i // 3) % len(ALL_REGIONS)]
        rid = f"{check.split('.')[0]}-{i:07d}"
        out.append(Finding(
            check_id=check, status=statuses[i % len(statuses)], severity=severities[check],
            account_id=account, region=region, resource_id=rid,
            resource_arn=f"arn:aws:{check.split('.')[0]}:{region}:{account}:thing/{rid}",
            resource_type=check.split(".")[0], message=f"{rid}: {check} ({i % 97} items)"))
    return out


def seed(db: Path, n: int) -> tuple[int, int]:
    """A session with one finished scan of n findings; returns (session id, scan id)."""
    catalog = load_catalog()
    store = Store.open(db)
    session = store.create_session("bench", person="newcomer")
    accounts = [f"{100000000000 + k:012d}" for k in range(100)]
    store.upsert_accounts(session.id, [Account(account_id=a, name=f"team-{k:02d}",
                                               source="organizations", access="ok")
                                       for k, a in enumerate(accounts)])
    scan_id = store.start_scan(session.id, {"account_id": accounts[0],
                                            "arn": f"arn:aws:iam::{accounts[0]}:user/me"},
                               ALL_REGIONS)
    checks = sorted(catalog.checks)
    findings = synthetic_findings(n, checks, {c: catalog.checks[c].severity for c in checks},
                                  accounts)
    store.replace_findings(scan_id, findings)
    store.finish_scan(scan_id, "complete")
    store.close()
    return session.id, scan_id


class Timing(NamedTuple):
    label: str
    drawn: float
    """Seconds until the frame that shows the answer: the new page in the table, its count
    under it and the detail pane of the selected row."""
    settled: float
    """Seconds until the last frame drawn before the app went idle (Textual lays out once
    more what changed size and redraws the scrollbars' thumbs a frame later)."""
    total: int


async def drive_review(db: Path) -> list[Timing]:
    from textual.widgets import DataTable, Select

    from onboard.app import OnboardApp
    from onboard.aws.runner import ScanOptions
    from onboard.screens.review import PAGE, ReviewScreen
    from tests.test_app_support import settle

    store = Store.open(db)
    session = store.session_by_name("bench")
    assert session is not None
    app = OnboardApp(store, load_catalog(), session, ScanOptions(regions=["us-east-1"]))
    results: list[Timing] = []
    frames: list[float] = []  # when each frame was written to the (virtual) terminal
    answered = [0.0]  # when the screen last took in a page of findings
    display = app._display

    def display_and_time(*args: Any, **kwargs: Any) -> Any:
        try:
            return display(*args, **kwargs)
        finally:
            frames.append(time.perf_counter())

    app._display = display_and_time  # type: ignore[method-assign]
    take_page = ReviewScreen.on_findings_page

    def take_page_and_time(self: ReviewScreen, message: Any) -> None:
        take_page(self, message)
        answered[0] = time.perf_counter()

    ReviewScreen.on_findings_page = take_page_and_time  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48)) as pilot:
        async def until(ready: Callable[[], bool], timeout: float = 60.0) -> None:
            deadline = time.monotonic() + timeout
            while not ready():
                if time.monotonic() > deadline:
                    s = app.screen
                    raise TimeoutError(
                        "the screen did not answer: " + (
                            f"generation {s.generation}, answered {s.answered}, "
                            f"{s.query_one(DataTable).row_count} rows, filters {s.filters}, "
                            f"workers {[(w.name, w.state.name) for w in app.workers]}"
                            if isinstance(s, ReviewScreen) else f"screen {s!r}"))
                await asyncio.sleep(0.002)

        def screen() -> ReviewScreen:
            found = app.screen
            assert isinstance(found, ReviewScreen)
            return found

        async def drawn(label: str, t0: float) -> Timing:
            """The frames after t0, once the app is idle again (pilot.pause() itself takes
            20-40 ms to notice that, which is not counted)."""
            await pilot.pause()
            after = [f for f in frames if f >= answered[0]] or [answered[0]]
            return Timing(label, after[0] - t0, max(frames[-1], answered[0]) - t0,
                          screen().total)

        async def timed(label: str, act: Callable[[], Any], rows: int = 1) -> None:
            before = screen().generation if isinstance(app.screen, ReviewScreen) else -1
            t0 = time.perf_counter()
            result = act()
            if asyncio.iscoroutine(result):
                await result
            await until(lambda: isinstance(app.screen, ReviewScreen)
                        and screen().generation != before and screen().answered
                        and screen().query_one(DataTable).row_count >= rows)
            results.append(await drawn(label, t0))

        async def press_open() -> None:
            await pilot.press("4")

        await timed("open Review (first page)", press_open)
        await settle(app)

        def select(col: str, value: object) -> Callable[[], None]:
            return lambda: setattr(screen().query_one(f"#f-{col}", Select), "value", value)

        await timed("filter status = all", select("status", Select.NULL))
        await timed("filter status = FAIL", select("status", "FAIL"))
        await timed("filter severity = high", select("severity", "high"))
        await timed("filter severity = any", select("severity", Select.NULL))
        account = screen().data.values["account_id"][37]
        await timed("filter account", select("account_id", account))
        await timed("filter account = any", select("account_id", Select.NULL))
        check = screen().data.values["check_id"][3]
        await timed("filter check", select("check_id", check))
        await timed("filter check = any", select("check_id", Select.NULL))
        await timed("filter status = all", select("status", Select.NULL))
        for _ in range(3):
            order = screen().order
            await timed(f"sort (o: from {order})", lambda: pilot.press("o"))

        def search(text: str) -> Callable[[], None]:
            # What the search box does once typing stops (it waits 0.3 s for that; the
            # wait is not the query's).
            def run() -> None:
                screen().filters["text"] = text
                screen().requery()
            return run

        await timed("text search", search("0004242"))
        await timed("clear search", search(""))
        await settle(app)
        table = screen().query_one(DataTable)
        for k in range(1, 4):
            rows = len(screen().rows)
            t0 = time.perf_counter()
            table.move_cursor(row=rows - 1)
            await until(lambda r=rows: len(screen().rows) > r)
            results.append(await drawn(f"page down (rows {rows}-{rows + PAGE})", t0))
            del k
    ReviewScreen.on_findings_page = take_page  # type: ignore[method-assign]
    store.close()
    return results


def machine_speed() -> float:
    """Milliseconds for a fixed loop of pure Python, best of three: this shared VM's speed
    moves by up to 2x within an hour, and this says which phase a run was in."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def export(db: Path, fmt: str) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"report.{fmt}"
        run = run_measured([sys.executable, "-m", "onboard", "export", "--db", str(db),
                            "--session", "bench", "--format", fmt, "-o", str(out)], cwd=ROOT)
        if run.code != 0:
            raise RuntimeError(f"export failed: {run.stderr.strip()}")
        return run.wall, run.rss_mb, out.stat().st_size


def store_evaluate(n: int = 100_000) -> tuple[float, float]:
    from onboard.checks import evaluate
    from onboard.checks.base import Inventory

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
        cat = load_catalog()
        findings = evaluate(Inventory(resources, []),
                            {c.id: c.severity for c in cat.checks.values()})
        store.replace_findings(scan, findings)
        evaluated = time.monotonic() - t1
    return stored, evaluated


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--findings", type=int, default=100_000)
    p.add_argument("--skip-export", action="store_true")
    p.add_argument("--skip-store", action="store_true",
                   help="skip the store + evaluate timing of 100,000 inventory records")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "review.db"
        t0 = time.monotonic()
        seed(db, args.findings)
        print(f"seeded a scan of {args.findings:,} findings in {time.monotonic() - t0:.1f} s "
              f"(DB {db.stat().st_size / 2**20:.0f} MB)", flush=True)
        print(f"machine: {machine_speed():.0f} ms for the reference loop", flush=True)
        print(f"  {'action':34} {'drawn':>7}  {'settled':>8}", flush=True)
        for t in asyncio.run(drive_review(db)):
            print(f"  {t.label:34} {t.drawn * 1000:4.0f} ms  {t.settled * 1000:5.0f} ms   "
                  f"({t.total:,} matching)", flush=True)
        if not args.skip_export:
            for fmt in ("markdown", "json"):
                wall, rss, size = export(db, fmt)
                print(f"export --format {fmt:8}  wall {wall:5.1f} s  peak RSS {rss} MB  "
                      f"{size / 2**20:.1f} MB written", flush=True)
    if args.skip_store:
        return
    stored, evaluated = store_evaluate()
    print(f"100,000 inventory records: store {stored:.1f} s, evaluate + store findings "
          f"{evaluated:.1f} s")


if __name__ == "__main__":
    main()
