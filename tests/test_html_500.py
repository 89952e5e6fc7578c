"""An HTML error page from something between us and AWS: retried once, then reported."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from onboard.aws.session import _no_retry_html_500

IDENTITY = (b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            b"<GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/me</Arn>"
            b"<UserId>AIDA</UserId><Account>111111111111</Account></GetCallerIdentityResult>"
            b"<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
            b"</GetCallerIdentityResponse>")
PAGE = b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"


class Server:
    def __init__(self, pages: int) -> None:
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests += 1
                html = outer.requests <= pages
                body = PAGE if html else IDENTITY
                self.send_response(500 if html else 200)
                self.send_header("Content-Type", "text/html" if html else "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def serve() -> Iterator[list[Server]]:
    made: list[Server] = []
    yield made
    for s in made:
        s.httpd.shutdown()


def _sts(url: str):  # type: ignore[no-untyped-def]
    client = boto3.client("sts", endpoint_url=url, region_name="us-east-1",
                          config=Config(retries={"mode": "standard", "max_attempts": 5}))
    client.meta.events.register_first("needs-retry.*", _no_retry_html_500)
    return client


def test_one_html_page_is_retried(serve: list[Server]) -> None:
    serve.append(server := Server(pages=1))
    assert _sts(server.url).get_caller_identity()["Account"] == "111111111111"
    assert server.requests == 2


def test_html_pages_in_a_row_stop_after_one_retry(serve: list[Server]) -> None:
    serve.append(server := Server(pages=100))
    with pytest.raises(ClientError):
        _sts(server.url).get_caller_identity()
    assert server.requests == 2, "not the 5 attempts the retry policy allows"
