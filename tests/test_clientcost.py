"""What onboard.aws.clientcost shares between clients: the same answers botocore would give,
one connection pool per endpoint host, never anything that belongs to an account."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import botocore.compat
import botocore.hooks
import botocore.session
import pytest
from botocore.config import Config

import onboard.aws.session  # noqa: F401  (installs the patches)
from onboard.aws import clientcost
from tests.moto_server import reset, shared_server_url


def _with_kwargs(a: int, **kwargs: Any) -> None: ...


def _without_kwargs(a: int, b: int = 1) -> None: ...


class _Handler:
    def takes(self, **kwargs: Any) -> None: ...

    def refuses(self, x: int) -> None: ...

    def __call__(self, **kwargs: Any) -> None: ...


@pytest.mark.parametrize("func", [
    _with_kwargs, _without_kwargs, _Handler().takes, _Handler().refuses, _Handler(),
    functools.partial(_with_kwargs, 1), functools.partial(_without_kwargs, 1),
    lambda **kw: None, lambda x: None, print,
], ids=["kwargs", "no-kwargs", "method", "method-no-kwargs", "callable-object",
        "partial", "partial-no-kwargs", "lambda", "lambda-no-kwargs", "builtin"])
def test_accepts_kwargs_memo_answers_as_botocore(func: Any) -> None:
    assert botocore.hooks.accepts_kwargs is not botocore.compat.accepts_kwargs  # installed
    assert botocore.hooks.accepts_kwargs(func) == bool(botocore.compat.accepts_kwargs(func))
    assert botocore.hooks.accepts_kwargs(func) == bool(botocore.compat.accepts_kwargs(func))


def test_a_handler_without_kwargs_is_still_refused() -> None:
    client = botocore.session.Session().create_client(
        "sts", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    with pytest.raises(ValueError):
        client.meta.events.register("before-send.sts", _without_kwargs)


@pytest.fixture
def server() -> Iterator[str]:
    url = shared_server_url()
    reset(url)
    clientcost.close_all()
    yield url
    clientcost.close_all()


def _client(url: str, key: str, region: str = "us-east-1") -> Any:
    return botocore.session.Session().create_client(
        "ec2", region_name=region, endpoint_url=url, aws_access_key_id=key,
        aws_secret_access_key="secret", config=Config(max_pool_connections=8))


def test_clients_of_two_accounts_share_one_connection(server: str) -> None:
    first, second = _client(server, "AKIAFIRST0000000000"), _client(server, "AKIASECOND000000000")
    assert first._endpoint.http_session is second._endpoint.http_session
    signed: list[str] = []

    def keep(request: Any, **__: Any) -> None:
        signed.append(request.headers["Authorization"].decode().split("/")[0])

    for client in (first, second):
        client.meta.events.register_last("before-send.ec2", keep)
    first.describe_vpcs()
    manager = first._endpoint.http_session._manager
    assert len(manager.pools) == 1
    pool = manager.connection_from_url(server)
    assert pool.num_connections == 1
    first.close()  # a client's close leaves the shared pool open
    second.describe_vpcs()
    assert len(manager.pools) == 1
    assert pool.num_connections == 1  # the second account's call reused the connection
    # each request was signed with its own client's key
    assert signed == ["AWS4-HMAC-SHA256 Credential=AKIAFIRST0000000000",
                      "AWS4-HMAC-SHA256 Credential=AKIASECOND000000000"]


def test_other_settings_get_their_own_session(server: str) -> None:
    plain = _client(server, "AKIAFIRST0000000000")
    other = botocore.session.Session().create_client(
        "ec2", region_name="us-east-1", endpoint_url=server, aws_access_key_id="x",
        aws_secret_access_key="y", config=Config(max_pool_connections=3))
    assert plain._endpoint.http_session is not other._endpoint.http_session


def test_close_all_closes_and_the_next_client_reconnects(server: str) -> None:
    client = _client(server, "AKIAFIRST0000000000")
    client.describe_vpcs()
    session = client._endpoint.http_session
    clientcost.close_all()
    assert len(session._manager.pools) == 0  # closed
    fresh = _client(server, "AKIAFIRST0000000000")
    assert fresh._endpoint.http_session is not session
    fresh.describe_vpcs()
    client.describe_vpcs()  # a client made before still works (its pools reopen)


class _Clock:
    def __init__(self, start: float) -> None:
        self.now = start

    def current_time(self) -> float:
        return self.now


@pytest.mark.parametrize("born", [100.1, 100.7])  # both halves of a second
def test_a_client_throttled_on_its_first_calls_keeps_most_of_its_rate(born: float) -> None:
    from botocore.retries import adaptive, bucket, throttling

    from onboard.aws.session import FirstCallRateClocker

    assert adaptive.RateClocker is FirstCallRateClocker  # what register_retry_handler uses
    clock = _Clock(born)
    limiter = adaptive.ClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(starting_max_rate=0,
                                                 start_time=clock.current_time()),
        rate_clocker=FirstCallRateClocker(clock),
        token_bucket=bucket.TokenBucket(max_rate=1, clock=clock),
        throttling_detector=_Throttled(), clock=clock)
    for step in range(4):  # four answers 50 ms apart, the last one throttled
        clock.now += 0.05
        limiter.on_receiving_response(throttled=step == 3)
    # 4 calls in 0.2 s = 20/s measured; throttled: 70 % of it (botocore alone: 0.5-1.1/s)
    assert limiter._token_bucket.max_rate == pytest.approx(14.0)


def test_after_its_first_second_the_measurement_is_botocores() -> None:
    from onboard.aws.session import FirstCallRateClocker

    botocores = FirstCallRateClocker.__bases__[0]
    ours, theirs = FirstCallRateClocker(_Clock(50.0)), botocores(_Clock(50.0))
    seen = []
    for _i in range(30):  # 3 s at 10 calls/s
        ours._clock.now += 0.1
        theirs._clock.now += 0.1
        seen.append((ours.record(), theirs.record()))
    assert all(a >= b for a, b in seen)
    assert all(a == b for a, b in seen[10:])  # from its first second on: botocore's
    assert seen[-1][0] == pytest.approx(10.0, rel=0.1)


class _Throttled:
    def is_throttling_error(self, throttled: bool = False, **__: Any) -> bool:
        return throttled


def test_the_shared_session_keeps_many_hosts_open() -> None:
    session = clientcost.shared_http_session(timeout=(1, 1), proxies={}, verify=True,
                                             max_pool_connections=4)
    for region in ("us-east-1", "eu-west-1", "ap-northeast-1", "us-west-2", "eu-central-1",
                   "ap-south-1", "sa-east-1", "ca-central-1", "eu-north-1", "us-east-2",
                   "ap-southeast-2", "eu-west-3"):
        session._manager.connection_from_url(f"https://ec2.{region}.amazonaws.com")
    assert len(session._manager.pools) == 12  # urllib3's default would keep 10
    clientcost.close_all()


def test_a_finished_accounts_event_tables_are_freed_at_once(
        server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import weakref

    from onboard.aws.guard import Guard
    from onboard.aws.session import AccountAccess, _new_botocore_session

    monkeypatch.setenv("AWS_ENDPOINT_URL", server)
    session = _new_botocore_session()
    session.set_credentials("AKIAFIRST0000000000", "secret")
    access = AccountAccess("123456789012", session, Config(
        retries={"mode": "adaptive", "max_attempts": 8}, proxies={}), Guard())
    client = access.client("ec2", "eu-west-1")
    client.describe_vpcs()
    table = weakref.ref(client.meta.events._emitter._handlers)
    gc.collect()
    gc.disable()
    try:
        # Something in a reference cycle still holds the client, as an error's traceback
        # does (a frame of the call, with the client among its locals)
        cycle: list[Any] = [client]
        cycle.append(cycle)
        del client, cycle
        access.release("eu-west-1")  # the region's collectors are done: the table stays
        assert table() is not None  # (a global collector may still use the client)
        access.finish()  # every collector of the account is done
        assert table() is None  # emptied: freed at once, not at the collector's next pass
    finally:
        gc.enable()


def test_a_released_client_still_in_use_keeps_signing(
        server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The S3 collector (global) reads a Tokyo bucket through the account's Tokyo client
    after the Tokyo collectors are done and released it: it must still sign."""
    from onboard.aws.guard import Guard
    from onboard.aws.session import AccountAccess, _new_botocore_session

    monkeypatch.setenv("AWS_ENDPOINT_URL", server)
    session = _new_botocore_session()
    session.set_credentials("AKIAFIRST0000000000", "secret")
    access = AccountAccess("123456789012", session, Config(proxies={}), Guard())
    client = access.client("s3", "ap-northeast-1")
    signed: list[str] = []
    client.meta.events.register_last(
        "before-send.s3", lambda request, **_: signed.append(
            request.headers.get("Authorization", b"").decode()[:16]))
    access.release("ap-northeast-1")
    client.list_buckets()
    assert signed == ["AWS4-HMAC-SHA256"]
    access.finish()
    assert access._released == [] and access._clients == {}
