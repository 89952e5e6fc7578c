"""A moto server on 127.0.0.1 for end-to-end tests: one per test process, reset per test.

    from tests.moto_server import moto_server_url   # fixture: the endpoint URL, reset
    from tests.moto_server import moto_server_env   # the same, with AWS_ENDPOINT_URL set

Outside pytest: `with running_moto_server() as url: ...` starts a private server.

The shared server is a `python -m moto.server` child process, not moto's ThreadedMotoServer:
a threaded server shares moto's global backends with any in-process `mock_aws()` of the same
test process (a reset on one side wipes the other), its settings come from this process's
environment, and it competes with the client for the GIL. `running_moto_server(threaded=True)`
gives the threaded one where that is wanted. Clients reach either through `endpoint_url=` or
`AWS_ENDPOINT_URL`, exactly like a remote endpoint.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from onboard.demo import DemoOrg

HOST = "127.0.0.1"
# moto otherwise loads ~1300 public AMIs (0.2 s) into every account × region it touches;
# real accounts own none of them. Set in the server process only.
SERVER_ENV = {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}

_lock = threading.Lock()
_shared: tuple[Callable[[], None], str] | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# The child watches its stdin, a pipe from this process: EOF means the test process is gone
# (even killed without cleanup), and the server exits instead of lingering.
_LAUNCHER = """
import os, sys, threading
def _watch():
    sys.stdin.buffer.read()
    os._exit(0)
threading.Thread(target=_watch, daemon=True).start()
from moto.server import main
main(sys.argv[1:])
"""


def wait_until_up(url: str, timeout: float = 20.0,
                  alive: Callable[[], bool] = lambda: True) -> None:
    """Poll the server's moto-api until it answers (or give up after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=2):
                return
        except OSError:
            if not alive() or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _start_process() -> tuple[Callable[[], None], str]:
    env = {**os.environ, **SERVER_ENV}
    for _ in range(3):  # the free port can be taken between probing and binding
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, "-H", HOST, "-p", str(port)], env=env,
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://{HOST}:{port}"
        try:
            wait_until_up(url, alive=lambda p=proc: p.poll() is None)
        except OSError:
            proc.kill()
            proc.wait()
            continue

        def stop(p: subprocess.Popen[bytes] = proc) -> None:
            if p.stdin:
                p.stdin.close()
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

        return stop, url
    raise RuntimeError("could not start a moto server on 127.0.0.1")


def _start_thread() -> tuple[Callable[[], None], str]:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request
    server = ThreadedMotoServer(ip_address=HOST, port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    wait_until_up(url)
    return server.stop, url


def reset(url: str) -> None:
    """Forget every resource in every account (moto's POST /moto-api/reset)."""
    req = urllib.request.Request(f"{url}/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        resp.read()


def shared_server_url() -> str:
    """The URL of this process's shared server: started on first use, stopped at exit."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = _start_process()
            atexit.register(_stop_shared)
        return _shared[1]


def _stop_shared() -> None:
    global _shared
    if _shared is not None:
        stop, _ = _shared
        _shared = None
        stop()


@contextmanager
def running_moto_server(threaded: bool = False) -> Iterator[str]:
    """A private moto server for the duration of the block; yields its URL."""
    stop, url = _start_thread() if threaded else _start_process()
    try:
        yield url
    finally:
        stop()


@pytest.fixture
def moto_server_url() -> Iterator[str]:
    """The shared server's endpoint URL, reset before and after the test."""
    url = shared_server_url()
    reset(url)
    yield url
    reset(url)


@pytest.fixture
def moto_server_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """As moto_server_url, and AWS_ENDPOINT_URL points every boto3 client at the server."""
    url = shared_server_url()
    reset(url)
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    yield url
    reset(url)


def cli_env(url: str, tmp: Path, db: str, **extra: str) -> dict[str, str]:
    """The environment of an `onboard`/`aws` subprocess against a moto server: this
    process's environment without any AWS_ variable, test keys, no config files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=url,
               AWS_CONFIG_FILE=str(tmp / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp / "none"),
               ONBOARD_DB=str(tmp / db), **extra)
    return env


def seed_demo(env: dict[str, str]) -> DemoOrg:
    """The demo org seeded into the moto server `env` points at (boto3 in this process
    reads the AWS_ variables, which are put back afterwards)."""
    import boto3

    from onboard.demo import seed

    saved = dict(os.environ)
    os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
    try:
        return seed(boto3.Session(region_name="us-east-1"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
