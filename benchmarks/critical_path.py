"""The longest chain of dependent API calls in a scan, measured by running one.

    python -m benchmarks.critical_path OUT.json scan --regions us-east-1 ...

Runs `onboard <args>` in this process with two instruments: every task given to a thread
pool runs in a copy of its submitter's context (so a per-bucket call made on a fan-out
thread counts after the listing that found the bucket), and every API call is one step
after the previous call of its context. The chain is then: the calls the main thread makes
before it hands out work (identity, organization) + the longest account opening (assume
role, regions) + the longest collector job, fan-outs included. Run it against the replay
with no latency: what it measures is the structure, not the time.
"""

from __future__ import annotations

import contextvars
import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import botocore.endpoint

DEPTH: contextvars.ContextVar[int] = contextvars.ContextVar("depth", default=0)


@dataclass
class Task:
    start: int
    deepest: int = 0
    operations: set[str] = field(default_factory=set)


TASK: contextvars.ContextVar[Task | None] = contextvars.ContextVar("task", default=None)
tasks: list[Task] = []
main_deepest = 0
lock = threading.Lock()
OPENING = {"AssumeRole", "DescribeRegions"}


def instrument() -> None:
    original_submit = ThreadPoolExecutor.submit
    original_request = botocore.endpoint.Endpoint.make_request

    def submit(self: ThreadPoolExecutor, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        ctx = contextvars.copy_context()
        if ctx.get(TASK) is None:  # handed out by the main thread: a task of its own
            task = Task(start=ctx.get(DEPTH))
            with lock:
                tasks.append(task)
            ctx.run(TASK.set, task)
        return original_submit(self, ctx.run, fn, *args, **kwargs)

    def make_request(self: Any, operation_model: Any, request_dict: Any) -> Any:
        global main_deepest
        depth = DEPTH.get() + 1
        try:
            return original_request(self, operation_model, request_dict)
        finally:
            DEPTH.set(depth)
            task = TASK.get()
            with lock:
                if task is None:
                    main_deepest = max(main_deepest, depth)
                else:
                    task.deepest = max(task.deepest, depth)
                    task.operations.add(operation_model.name)

    ThreadPoolExecutor.submit = submit  # type: ignore[method-assign]
    botocore.endpoint.Endpoint.make_request = make_request  # type: ignore[method-assign]


def main() -> int:
    out, argv = sys.argv[1], sys.argv[2:]
    instrument()
    from onboard.cli import main as onboard_main

    code = onboard_main(argv)
    opening = [t.deepest - t.start for t in tasks if t.operations & OPENING]
    jobs = [t.deepest - t.start for t in tasks if t.operations and not t.operations & OPENING]
    result = {"setup": main_deepest, "opening": max(opening, default=0),
              "job": max(jobs, default=0)}
    result["chain"] = result["setup"] + result["opening"] + result["job"]
    with open(out, "w") as f:
        json.dump(result, f)
    return code


if __name__ == "__main__":
    sys.exit(main())
