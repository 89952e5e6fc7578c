"""An HTTP proxy on loopback that delays and records every request (benchmarks and tests).

It stands between `onboard scan` and a moto server, so it sees exactly what went over the
wire: the benchmark counts API calls and adds real-network latency; the read-only test reads
every operation name independently of onboard's own guard.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from benchmarks.loopserver import LoopServer

CREDENTIAL = re.compile(r"Credential=[^/]+/\d+/([a-z0-9-]+)/([a-z0-9-]+)/")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    service: str  # the SigV4 signing name, e.g. ec2, elasticloadbalancing, s3
    region: str
    operation: str | None  # from X-Amz-Target or Action=; None for REST protocols


def _operation(headers: dict[str, str], body: bytes) -> str | None:
    target = headers.get("x-amz-target")
    if target:
        return target.rsplit(".", 1)[-1]
    if body and headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        action = parse_qs(body.decode(errors="replace")).get("Action")
        return action[0] if action else None
    return None


@dataclass
class LatencyProxy:
    """Forward 127.0.0.1:<port> → target_port, sleeping `latency` s before each request."""

    target_port: int
    latency: float = 0.05
    port: int = 0
    requests: list[Request] = field(default_factory=list)
    _server: LoopServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> LatencyProxy:
        self._server = LoopServer(self._handle, "latency-proxy", self.port, limit=2**20)
        self.port = self._server.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._server:
            self._server.stop()

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()

    def snapshot(self) -> list[Request]:
        with self._lock:
            return list(self.requests)

    def by_region_service(self) -> Counter[tuple[str, str]]:
        return Counter((r.region, r.service) for r in self.snapshot())

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return

        async def client_to_server() -> None:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path = ([*lines[0].split(" "), "", ""])[:2]
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                length = int(headers.get("content-length", "0") or 0)
                body = await reader.readexactly(length) if length else b""
                cred = CREDENTIAL.search(headers.get("authorization", ""))
                region, service = cred.groups() if cred else ("", "")
                with self._lock:
                    self.requests.append(Request(method, path, service, region,
                                                 _operation(headers, body)))
                if self.latency:
                    await asyncio.sleep(self.latency)
                up_writer.write(head + body)
                await up_writer.drain()

        async def server_to_client() -> None:
            while data := await up_reader.read(65536):
                writer.write(data)
                await writer.drain()
            writer.close()

        try:
            await asyncio.gather(client_to_server(), server_to_client())
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError,
                OSError):
            pass
        finally:
            up_writer.close()
            writer.close()
