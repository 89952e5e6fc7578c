"""A replay emulator: record a scan's HTTP exchanges with moto once, serve them from memory.

    rec = Recorder(moto_port).start()        # a recording proxy in front of moto
    ... run `onboard scan` with AWS_ENDPOINT_URL=rec.url ...
    rec.stop(); rec.recording.save(path)

    replay = ReplayServer(Recording.load(path), latency=0.05, jitter=0.01, throttle=0.1)
    replay.start()                           # AWS_ENDPOINT_URL=replay.url

moto spends 8-14 ms of CPU per request, so a benchmark against it measures moto. The replay
answers from a dict on an asyncio loop (a few tens of microseconds of CPU per request), with
a configurable latency and jitter per request and an optional share of throttling answers in
each protocol's own shape, so what is measured is the scan.

A request is identified by what the answer depends on: the credentials' access key (which
is the account), region, signing service, operation and canonical parameters. Answers that
change from one call to the next (GenerateCredentialReport: STARTED, then COMPLETE) are kept
in order per key and served in that order; past the end the last one repeats. Only the
standard library is used.
"""

from __future__ import annotations

import asyncio
import gzip
import http.client
import json
import pickle
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from benchmarks.loopserver import LoopServer

CREDENTIAL = re.compile(r"Credential=([^/]+)/\d+/([a-z0-9-]+)/([a-z0-9-]+)/")
# Response headers not worth keeping: the transport's own, recomputed when served.
DROP_HEADERS = {"content-length", "connection", "transfer-encoding", "date", "server",
                "keep-alive"}
ACCESS_KEY_ID = re.compile(rb"<AccessKeyId>([^<]+)</AccessKeyId>")
ACCOUNT = re.compile(rb"<Account>(\d{12})</Account>")
ROLE_ACCOUNT = re.compile(r"arn:[a-z-]+:iam::(\d{12}):role/")

Key = tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Call:
    """What one request was, for counting: who, where, which API."""

    access_key: str
    region: str
    service: str
    operation: str


def _operation(method: str, path: str, headers: dict[str, str], form: list[tuple[str, str]]
               ) -> str:
    target = headers.get("x-amz-target")
    if target:
        return target.rsplit(".", 1)[-1]
    for k, v in form:
        if k == "Action":
            return v
    return f"{method} {path}"


def describe(method: str, target: str, headers: dict[str, str], body: bytes
             ) -> tuple[Key, Call]:
    """The replay key of a request, and what it was. `headers` have lower-case names."""
    cred = CREDENTIAL.search(headers.get("authorization", ""))
    access_key, region, service = cred.groups() if cred else ("", "", "")
    url = urlsplit(target)
    query = tuple(sorted(parse_qsl(url.query, keep_blank_values=True)))
    ctype = headers.get("content-type", "")
    form: list[tuple[str, str]] = []
    if ctype.startswith("application/x-www-form-urlencoded"):
        form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        params = repr(sorted(form))
    elif body and "json" in ctype:
        try:
            params = json.dumps(json.loads(body), sort_keys=True)
        except ValueError:
            params = body.decode("utf-8", "replace")
    else:
        params = body.decode("utf-8", "replace")
    # A virtual-hosted bucket or an account prefix lives in the host name; the port does not
    # identify anything (it differs between recording and replay).
    host = headers.get("host", "").rsplit(":", 1)[0]
    prefix = host.removesuffix("127.0.0.1").removesuffix("localhost")
    operation = _operation(method, url.path, headers, form)
    key = (access_key, region, service, operation, method, prefix, url.path, repr(query),
           params)
    return key, Call(access_key, region, service, operation)


@dataclass
class Recording:
    """Every answer of a recorded scan, by request key, in the order they were given."""

    answers: dict[Key, list[Answer]] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)  # access key -> account id
    calls: list[Call] = field(default_factory=list)

    def add(self, key: Key, call: Call, answer: Answer, form_body: bytes) -> None:
        self.answers.setdefault(key, []).append(answer)
        self.calls.append(call)
        # Which account each access key belongs to, for counting calls per account-region.
        if call.operation == "GetCallerIdentity" and call.access_key not in self.accounts:
            found = ACCOUNT.search(answer.body)
            if found:
                self.accounts[call.access_key] = found.group(1).decode()
        elif call.operation == "AssumeRole":
            role = ROLE_ACCOUNT.search(dict(parse_qsl(form_body.decode("utf-8", "replace")))
                                       .get("RoleArn", ""))
            new_key = ACCESS_KEY_ID.search(answer.body)
            if role and new_key:
                self.accounts[new_key.group(1).decode()] = role.group(1)

    def save(self, path: Path) -> None:
        with gzip.open(path, "wb", compresslevel=3) as f:
            pickle.dump((self.answers, self.accounts, self.calls), f,
                        protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: Path) -> Recording:
        # Only ever a file this module wrote for the benchmark (pickle runs code on load).
        with gzip.open(path, "rb") as f:
            answers, accounts, calls = pickle.load(f)
        return cls(answers, accounts, calls)


class _RecordingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _RecordingHTTPServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        key, call = describe(self.command, self.path, headers, body)
        upstream = self.server.upstream()
        try:
            upstream.request(self.command, self.path, body=body, headers=dict(self.headers))
            resp = upstream.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.server.drop_upstream()
            raise
        kept = tuple((k, v) for k, v in resp.getheaders() if k.lower() not in DROP_HEADERS)
        answer = Answer(resp.status, kept, data)
        with self.server.lock:
            self.server.recording.add(key, call, answer, body)
        _write_answer(self.wfile, answer)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward


class _RecordingHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream_port: int) -> None:
        super().__init__(("127.0.0.1", 0), _RecordingHandler)
        self.upstream_port = upstream_port
        self.recording = Recording()
        self.lock = threading.Lock()
        self._local = threading.local()

    def upstream(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=120)
            self._local.conn = conn
        return conn

    def drop_upstream(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None


def _write_answer(out: object, answer: Answer) -> None:
    head = [f"HTTP/1.1 {answer.status} {http.client.responses.get(answer.status, 'Status')}"]
    head += [f"{k}: {v}" for k, v in answer.headers]
    head.append(f"Content-Length: {len(answer.body)}")
    data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + answer.body
    out.write(data)  # type: ignore[attr-defined]


@dataclass
class Recorder:
    """A proxy on 127.0.0.1 in front of a moto server that records every exchange."""

    upstream_port: int
    _server: _RecordingHTTPServer | None = None

    def start(self) -> Recorder:
        self._server = _RecordingHTTPServer(self.upstream_port)
        threading.Thread(target=self._server.serve_forever, daemon=True,
                         name="replay-recorder").start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def recording(self) -> Recording:
        assert self._server is not None
        return self._server.recording

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


# -- throttling answers, one shape per protocol

REST_JSON_THROTTLE_CODE = {"lambda": "TooManyRequestsException",
                           "apigateway": "TooManyRequestsException"}
REST_XML_SERVICES = {"cloudfront", "route53"}


def error_answer(service: str, headers: dict[str, str], code: str, message: str,
                 status: int) -> Answer:
    """An AWS error in the shape of the service's protocol (what botocore parses)."""
    rid = f"{random.getrandbits(64):016x}"
    ctype = headers.get("content-type", "")
    if headers.get("x-amz-target"):  # JSON protocol (awsJson1_0 / 1_1)
        body = json.dumps({"__type": code, "message": message})
        return Answer(status, (("Content-Type", ctype or "application/x-amz-json-1.1"),
                               ("x-amzn-RequestId", rid)), body.encode())
    if ctype.startswith("application/x-www-form-urlencoded") and service == "ec2":
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
                f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                f"<RequestID>{rid}</RequestID></Response>")
        return Answer(status, (("Content-Type", "text/xml;charset=UTF-8"),), body.encode())
    if service == "s3":
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>"
                f"<Code>{code}</Code><Message>{message}</Message>"
                f"<RequestId>{rid}</RequestId></Error>")
        return Answer(status, (("Content-Type", "application/xml"), ("x-amz-request-id", rid)),
                      body.encode())
    if ctype.startswith("application/x-www-form-urlencoded") or service in REST_XML_SERVICES:
        body = ("<ErrorResponse><Error><Type>Sender</Type>"
                f"<Code>{code}</Code><Message>{message}</Message></Error>"
                f"<RequestId>{rid}</RequestId></ErrorResponse>")
        return Answer(status, (("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)),
                      body.encode())
    return Answer(status, (("Content-Type", "application/json"), ("x-amzn-ErrorType", code),
                           ("x-amzn-RequestId", rid)),
                  json.dumps({"message": message}).encode())


def throttle_answer(service: str, headers: dict[str, str]) -> Answer:
    """What AWS sends when it throttles a call: EC2's RequestLimitExceeded (503), S3's
    SlowDown (503), Throttling for the other query and REST-XML services and
    ThrottlingException for JSON ones (400), TooManyRequestsException/ThrottlingException
    with 429 for REST-JSON services."""
    if headers.get("x-amz-target"):
        return error_answer(service, headers, "ThrottlingException", "Rate exceeded", 400)
    query = headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
    if query and service == "ec2":
        return error_answer(service, headers, "RequestLimitExceeded",
                            "Request limit exceeded.", 503)
    if service == "s3":
        return error_answer(service, headers, "SlowDown",
                            "Please reduce your request rate.", 503)
    if query or service in REST_XML_SERVICES:
        return error_answer(service, headers, "Throttling", "Rate exceeded", 400)
    return error_answer(service, headers,
                        REST_JSON_THROTTLE_CODE.get(service, "ThrottlingException"),
                        "Rate exceeded", 429)


def miss_answer(call: Call, headers: dict[str, str]) -> Answer:
    """A request the recording never saw: an error the scan reports, never a silent pass."""
    return error_answer(call.service, headers, "ReplayMiss",
                        f"not recorded: {call.service} {call.operation}", 400)


EXPIRATION = re.compile(rb"<Expiration>[^<]*</Expiration>")


def _fresh_expiry(answer: Answer) -> Answer:
    """Recorded role credentials expire an hour after the recording; replayed later, the
    client would refresh them forever. Served as if issued now, like AWS would."""
    expiry = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    body = EXPIRATION.sub(f"<Expiration>{expiry}</Expiration>".encode(), answer.body)
    return Answer(answer.status, answer.headers, body)


@dataclass
class ReplayServer:
    """Serve a Recording on 127.0.0.1 from memory, with latency, jitter and throttling."""

    recording: Recording
    latency: float = 0.0  # seconds before each answer
    jitter: float = 0.0  # +/- uniformly around the latency
    throttle: float = 0.0  # share of requests answered with a throttling error
    seed: int = 18
    port: int = 0
    served: list[tuple[Call, str]] = field(default_factory=list)  # (call, "ok"|"throttled"|"miss")
    _next: Counter[Key] = field(default_factory=Counter)
    _server: LoopServer | None = None
    _rng: random.Random = field(default_factory=random.Random)

    def start(self) -> ReplayServer:
        self._rng.seed(self.seed)
        self._server = LoopServer(self._handle, "replay-server", self.port)
        self.port = self._server.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._server:
            self._server.stop()

    def rewind(self) -> None:
        """Start the next scan from the first answer of every sequence; forget the log."""
        def reset() -> None:
            self._next.clear()
            self.served.clear()
            self._rng.seed(self.seed)
        loop = self._server.loop if self._server else None
        if loop and loop.is_running():
            done = threading.Event()
            loop.call_soon_threadsafe(lambda: (reset(), done.set()))
            done.wait(10)
        else:
            reset()

    def _answer(self, method: str, target: str, headers: dict[str, str], body: bytes
                ) -> Answer:
        key, call = describe(method, target, headers, body)
        if self.throttle and self._rng.random() < self.throttle:
            self.served.append((call, "throttled"))
            return throttle_answer(call.service, headers)
        answers = self.recording.answers.get(key)
        if not answers:
            self.served.append((call, "miss"))
            return miss_answer(call, headers)
        n = self._next[key]
        self._next[key] = n + 1
        self.served.append((call, "ok"))
        answer = answers[min(n, len(answers) - 1)]
        if call.operation == "AssumeRole":
            answer = _fresh_expiry(answer)
        return answer

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
                      ) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target = ([*lines[0].split(" "), "", ""])[:2]
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                length = int(headers.get("content-length", "0") or 0)
                body = await reader.readexactly(length) if length else b""
                answer = self._answer(method, target, headers, body)
                delay = self.latency
                if self.jitter:
                    delay = max(0.0, delay + self._rng.uniform(-self.jitter, self.jitter))
                if delay:
                    await asyncio.sleep(delay)
                _write_answer(writer, answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError,
                OSError, asyncio.CancelledError):
            pass  # the client hung up, or the server is stopping
        finally:
            writer.close()

    def counts(self) -> Counter[str]:
        return Counter(outcome for _, outcome in list(self.served))



def main() -> None:
    """`python -m benchmarks.replay FILE [--latency S] [--throttle P]`: serve until killed."""
    import argparse

    p = argparse.ArgumentParser(description="serve a recorded scan from memory")
    p.add_argument("recording", type=Path)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--latency", type=float, default=0.0)
    p.add_argument("--jitter", type=float, default=0.0)
    p.add_argument("--throttle", type=float, default=0.0)
    args = p.parse_args()
    server = ReplayServer(Recording.load(args.recording), latency=args.latency,
                          jitter=args.jitter, throttle=args.throttle, port=args.port).start()
    print(server.url, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
