"""AWS access: credentials and profiles, who am I, org discovery, assume-role, regions.

Every client onboard makes comes from here, so every client carries the read-only guard,
the API-call counter, one retry policy (adaptive, so throttling is retried and slows the
client down) and a cap on calls in flight per (account, region, service).
"""

from __future__ import annotations

import gc
import os
import re
import threading
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import botocore.hooks
import botocore.retries.adaptive
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    SSOError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

from onboard.aws import clientcost
from onboard.aws.collect.base import error_code
from onboard.aws.guard import Guard
from onboard.i18n import _
from onboard.models import Account, Environment

ROLE_SESSION_NAME = "onboard-audit"
DEFAULT_REGION = "us-east-1"
ENABLED = {"opt-in-not-required", "opted-in"}
EXPIRED_CODES = {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}
INVALID_CODES = {"InvalidClientTokenId", "UnrecognizedClientException",
                 "SignatureDoesNotMatch", "AuthFailure"}
# Calls in flight at once against one service of one account-region. The scan fans out
# wide across accounts and regions, but one customer service never sees more than this
# (ScoutSuite was reported for throttling a customer's autoscaling).
PER_SERVICE_CONCURRENCY = 4


class AwsSetupError(Exception):
    """No usable credentials; the message is one line that says how to log in."""


def _login_hint(profile: str | None) -> str:
    name = profile or os.environ.get("AWS_PROFILE") or "YOUR_PROFILE"
    return f"aws sso login --profile {name}"


def explain_credentials_error(exc: BaseException, profile: str | None) -> AwsSetupError:
    """Turn a credentials failure into the one line a user can act on."""
    hint = _login_hint(profile)
    if isinstance(exc, ProfileNotFound):
        # The profile may come from AWS_PROFILE rather than --profile: name the one in use.
        name = profile or os.environ.get("AWS_PROFILE") or getattr(exc, "kwargs", {}).get(
            "profile") or "?"
        source = "" if profile else _(" (from AWS_PROFILE)")
        return AwsSetupError(_("AWS profile {quoted}{source} not found in ~/.aws/config; "
                               "`aws configure sso --profile {name}` creates it").format(
            quoted=repr(name), source=source, name=name))
    if isinstance(exc, UnauthorizedSSOTokenError | TokenRetrievalError | SSOError):
        return AwsSetupError(_("your AWS SSO session has expired or is missing: run `{hint}` "
                               "and try again").format(hint=hint))
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return AwsSetupError(_("no AWS credentials found: run `{hint}` (or set AWS_PROFILE); "
                               "`onboard demo` needs no AWS account").format(hint=hint))
    if isinstance(exc, ClientError):
        code = error_code(exc)
        if code in EXPIRED_CODES:
            return AwsSetupError(_("your AWS credentials have expired ({code}): run `{hint}` "
                                   "or refresh them, then try again").format(code=code,
                                                                             hint=hint))
        if code in INVALID_CODES:
            return AwsSetupError(_("AWS rejected the credentials ({code}): check AWS_PROFILE / "
                                   "the access keys, or run `{hint}`").format(code=code,
                                                                              hint=hint))
        return AwsSetupError(_("cannot identify the caller ({code}): {message}").format(
            code=code, message=exc.response.get("Error", {}).get("Message", "")))
    if isinstance(exc, NoRegionError):
        return AwsSetupError(_("no AWS region configured: set AWS_DEFAULT_REGION or "
                               "pass --regions"))
    return AwsSetupError(_("cannot reach AWS: {error}").format(error=exc))


@dataclass
class AccountAccess:
    """Clients for one account: its own (refreshing) credentials, shared service models."""

    account_id: str
    botocore_session: botocore.session.Session
    config: Config
    guard: Guard
    partition: str = "aws"
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _key_locks: dict[tuple[str, str], threading.Lock] = field(default_factory=dict)
    _released: list[Any] = field(default_factory=list)  # until finish() empties them

    def client(self, service: str, region: str | None = None) -> Any:
        """One client per (service, region), created once. Creation takes milliseconds, so
        it holds a lock for its own key only: other services' threads are not kept waiting."""
        key = (service, region or DEFAULT_REGION)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            client = self._clients.get(key)
            if client is None:
                client = self.botocore_session.create_client(
                    service, region_name=key[1], config=self.config)
                self.guard.attach(client)
                cap_in_flight(client, PER_SERVICE_CONCURRENCY)
                client.meta.events.register_first("needs-retry.*", _no_retry_html_500)
                if service == "s3control" and _custom_endpoint():
                    client.meta.events.register("before-send.s3-control", _strip_account_host)
                with self._lock:
                    self._clients[key] = client
        return client

    def release(self, region: str) -> None:
        """Drop the clients of a region whose collectors have all finished: a large org
        would otherwise keep thousands of clients alive. A global collector may still be
        using one (S3 reads each bucket through a client of the bucket's region), so
        their event tables are emptied only by `finish()`."""
        with self._lock:
            for key in [k for k in self._clients if k[1] == region and k[0] != "sts"]:
                self._released.append(self._clients.pop(key))
                self._key_locks.pop(key, None)

    def finish(self) -> None:
        """Every collector of this account is done: empty the event tables of its released
        clients (see `drop_handlers`). Its STS client stays whole: the caller's signs the
        other accounts' credential refreshes."""
        self._release_all()
        with self._lock:
            released, self._released = self._released, []
        for client in released:
            drop_handlers(client)

    def _release_all(self) -> None:
        with self._lock:
            for key in [k for k in self._clients if k[0] != "sts"]:
                self._released.append(self._clients.pop(key))
                self._key_locks.pop(key, None)


def drop_handlers(client: Any) -> None:
    """Empty a released client's event table. Its handlers include bound methods of objects
    that hold the table in turn (the request signer holds the emitter), so a client is a
    reference cycle that only the collector's oldest generation frees — and in a large
    heap that pass runs rarely: over 100 accounts × 17 regions the released tables piled up
    into the peak memory. With the table emptied, reference counting frees the client at
    once. Only for clients nothing will use again: `AccountAccess.finish()`, once every
    collector of the account is done."""
    events = client.meta.events
    emitter = getattr(events, "_emitter", events)
    if isinstance(getattr(emitter, "_handlers", None), botocore.hooks._PrefixTrie):
        emitter._handlers = botocore.hooks._PrefixTrie()
        emitter._lookup_cache = {}
        emitter._unique_id_handlers = {}


def cap_in_flight(client: Any, limit: int) -> None:
    """At most `limit` HTTP requests of this client on the wire at once (one client is one
    service of one account-region). The slot is taken just before each attempt is sent and
    given back as soon as its answer arrives, before any retry back-off sleeps, so a
    throttled call waits without holding a slot."""
    slots = threading.BoundedSemaphore(limit)
    held = threading.local()

    def take(**__: Any) -> None:
        slots.acquire()
        held.slot = True

    def give(**__: Any) -> None:
        # Only if this thread's attempt took one: an earlier before-send handler may have
        # raised, and then ours never ran.
        if getattr(held, "slot", False):
            held.slot = False
            slots.release()

    # Last among before-send handlers (after the adaptive rate limiter's wait), first among
    # response-received, which botocore emits after every attempt, failed or not.
    client.meta.events.register_last("before-send.*", take)
    client.meta.events.register_first("response-received.*", give)


class FirstCallRateClocker(botocore.retries.adaptive.RateClocker):
    """botocore's adaptive retry cuts a throttled client's send rate to 70 % of the rate it
    measured. It measures in half-second buckets, smoothed, starting from 0: in its first
    second a client has measured 0 or a fraction of what it sent, so one throttled answer
    there cuts it to the floor (0.5 calls/s), from which it climbs back slowly. onboard's
    clients are short-lived (one per account × region × service, a few calls each): that
    was most throttled clients. For its first second this clocker also counts calls since
    the client was made and reports the larger of the two rates (elapsed time at least one
    50 ms latency); from then on, botocore's measurement alone."""

    WARM_UP = 1.0

    def __init__(self, clock: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(clock, *args, **kwargs)
        self._born = clock.current_time()
        self._seen = 0

    def record(self, amount: int = 1) -> float:
        measured = float(super().record(amount))
        elapsed = self._clock.current_time() - self._born
        if elapsed >= self.WARM_UP:
            return measured
        with self._lock:
            self._seen += amount
            seen = self._seen
        return max(measured, seen / max(elapsed, 0.05))


botocore.retries.adaptive.RateClocker = FirstCallRateClocker  # type: ignore[misc]


def _custom_endpoint() -> bool:
    return bool(os.environ.get("AWS_ENDPOINT_URL") or
                os.environ.get("AWS_ENDPOINT_URL_S3_CONTROL"))


def _no_retry_html_500(response: Any = None, attempts: int = 1, **__: Any) -> None:
    """An HTML error page is not an AWS API error: it comes from something in between (a
    proxy having a bad second: worth one retry) or from something that does not implement
    the API (an emulator: retrying it again only burns time). The first one is retried; a
    second one in a row is re-labelled 501, so the retry policy passes it over and the
    caller gets the error."""
    if not response:
        return
    http = response[0]
    if getattr(http, "status_code", None) == 500 and attempts > 1:
        body = (getattr(http, "content", b"") or b"")[:200].lower()
        if b"<html" in body or b"<!doctype" in body:
            http.status_code = 501


_ACCOUNT_HOST = re.compile(r"//\d{12}\.")


def _strip_account_host(request: Any, **__: Any) -> None:

    """s3control prefixes the host with the account id; a custom endpoint such as a local
    emulator or proxy (http://127.0.0.1:PORT) does not resolve that name."""
    request.url = _ACCOUNT_HOST.sub("//", request.url, count=1)


clientcost.install()
_LOADER_LOCK = threading.Lock()
_SHARED_LOADER: Any = None


def _new_botocore_session(profile: str | None = None) -> botocore.session.Session:
    """A botocore session that shares one data loader, so service models load once."""
    global _SHARED_LOADER
    session = botocore.session.Session(profile=profile)
    with _LOADER_LOCK:
        if _SHARED_LOADER is None:
            _SHARED_LOADER = session.get_component("data_loader")
        else:
            session.register_component("data_loader", _SHARED_LOADER)
    return session


# Objects allocated between two runs of the cyclic garbage collector's youngest generation.
SCAN_GC_THRESHOLD = 20_000


def _fewer_gc_runs() -> None:
    """A scan allocates millions of small, short-lived objects (each client copies its
    event tables; each call builds requests and parses answers). With Python's default
    threshold (700) the cyclic collector ran ~2,500 times in a 20-account scan, each older
    generation pass walking the growing inventory: a sixth to a quarter of the scan's CPU.
    Reference counting still frees almost everything at once. The older generations keep
    their ratios: a released client is a reference cycle, and only a full pass frees it
    (raising those too let 100 x 17 regions of released clients pile up)."""
    gen0, gen1, gen2 = gc.get_threshold()
    if 0 < gen0 < SCAN_GC_THRESHOLD:
        gc.set_threshold(SCAN_GC_THRESHOLD, gen1, gen2)


class Aws:
    """The caller's identity and the per-account clients of one scan."""

    def __init__(self, profile: str | None = None, workers: int = 16,
                 guard: Guard | None = None, role_name: str = "OrganizationAccountAccessRole"
                 ) -> None:
        _fewer_gc_runs()
        self.profile = profile
        self.role_name = role_name
        self.guard = guard or Guard()
        self.config = Config(
            retries={"mode": "adaptive", "max_attempts": 8},
            # botocore looks proxies up in the environment for every client it creates
            # (milliseconds each, thousands of clients); none set means none, so say so once.
            proxies=None if urllib.request.getproxies() else {},
            max_pool_connections=max(10, workers),
            connect_timeout=10,
            read_timeout=60,
            user_agent_appid="onboard",
        )
        try:
            self._base = _new_botocore_session(profile)
            self._base.get_config_variable("region")
        except ProfileNotFound as exc:
            raise explain_credentials_error(exc, profile) from None
        self._accounts: dict[str, AccountAccess] = {}
        self._lock = threading.Lock()
        self.identity: dict[str, str] = {}

    # -- identity

    def whoami(self) -> dict[str, str]:
        """Call STS once; raise AwsSetupError with a login hint when that fails."""
        try:
            sts = self._base.create_client("sts", region_name=self._region(), config=self.config)
            self.guard.attach(sts)
            ident = sts.get_caller_identity()
        except (BotoCoreError, ClientError) as exc:
            raise explain_credentials_error(exc, self.profile) from None
        arn = ident["Arn"]
        self.partition = arn.split(":")[1] if arn.startswith("arn:") else "aws"
        self.identity = {"account_id": ident["Account"], "arn": arn,
                         "user_id": ident.get("UserId", "")}
        access = AccountAccess(ident["Account"], self._base, self.config, self.guard,
                               self.partition)
        self._accounts[ident["Account"]] = access
        return self.identity

    def warm_up(self, services: list[str]) -> None:
        """Load each service's model, paginators and endpoint rules once, before threads
        start: botocore's loader cache is not locked, so two dozen threads asking at once
        would each parse the same large JSON (EC2's is megabytes) and the copies would
        stay in the process's peak memory."""
        loader = self._base.get_component("data_loader")
        for service in services:
            for kind in ("service-2", "paginators-1", "endpoint-rule-set-1"):
                try:
                    loader.load_service_model(service, kind)
                except BotoCoreError:
                    continue  # not every service ships every kind of file

    def _region(self) -> str:
        return self._base.get_config_variable("region") or DEFAULT_REGION

    @property
    def caller_account(self) -> str:
        return self.identity["account_id"]

    # -- accounts

    def access(self, account_id: str) -> AccountAccess:
        """Clients for an account, assuming `role_name` there the first time (cached)."""
        with self._lock:
            found = self._accounts.get(account_id)
        if found is not None:
            return found
        session = _new_botocore_session()
        role_arn = f"arn:{self.partition}:iam::{account_id}:role/{self.role_name}"
        caller = self._accounts[self.caller_account]

        def refresh() -> dict[str, str]:
            sts = caller.client("sts", self._region())
            creds = sts.assume_role(RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME,
                                    DurationSeconds=3600)["Credentials"]
            return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                    "token": creds["SessionToken"],
                    "expiry_time": _iso(creds["Expiration"])}

        metadata = refresh()  # raises ClientError when the role cannot be assumed
        session._credentials = RefreshableCredentials.create_from_metadata(
            metadata, refresh_using=refresh, method="sts-assume-role")
        access = AccountAccess(account_id, session, self.config, self.guard, self.partition)
        with self._lock:
            self._accounts.setdefault(account_id, access)
            return self._accounts[account_id]

    def discover_accounts(self) -> tuple[list[Account], str | None]:
        """Every account of the organization, or just the caller's when it cannot list them.

        Returns the accounts and, when Organizations could not be read, why.
        """
        caller = self.access(self.caller_account)
        org = caller.client("organizations", self._region())
        try:
            info = org.describe_organization()["Organization"]
            management = info.get("MasterAccountId", "")
            accounts = _walk_organization(org)
        except ClientError as exc:
            me = Account(account_id=self.caller_account, source="caller", access="ok")
            return [me], error_code(exc)
        except NotImplementedError:
            me = Account(account_id=self.caller_account, source="caller", access="ok")
            return [me], "NotImplemented"
        for acc in accounts:
            if acc.account_id == management:
                acc.environment = "management"
            else:
                acc.environment = guess_environment(acc.name, acc.ou)
        return accounts, None

    def enabled_regions(self, account_id: str) -> list[str]:
        ec2 = self.access(account_id).client("ec2", self._region())
        regions = ec2.describe_regions(AllRegions=True)["Regions"]
        return sorted(r["RegionName"] for r in regions
                      if r.get("OptInStatus", "opt-in-not-required") in ENABLED)


def _walk_organization(org: Any) -> list[Account]:
    """All accounts with the path of the OU each sits in (root → OU → …)."""
    found: dict[str, Account] = {}
    for page in org.get_paginator("list_accounts").paginate():
        for a in page["Accounts"]:
            found[a["Id"]] = Account(account_id=a["Id"], name=a.get("Name", ""),
                                     email=a.get("Email", ""),
                                     status=a.get("Status", "ACTIVE"), source="organizations")
    try:
        roots = org.list_roots()["Roots"]
        stack: list[tuple[str, str]] = [(r["Id"], "") for r in roots]
        while stack:
            parent, path = stack.pop()
            if path:
                for page in org.get_paginator("list_accounts_for_parent").paginate(
                        ParentId=parent):
                    for a in page["Accounts"]:
                        if a["Id"] in found:
                            found[a["Id"]].ou = path
            for page in org.get_paginator("list_organizational_units_for_parent").paginate(
                    ParentId=parent):
                for ou in page["OrganizationalUnits"]:
                    stack.append((ou["Id"], f"{path}/{ou['Name']}" if path else ou["Name"]))
    except (ClientError, NotImplementedError):
        pass  # OU names are a nicety; the account list is what matters
    return [found[k] for k in sorted(found)]


def guess_environment(name: str, ou: str = "") -> Environment:
    text = f"{name} {ou}".lower()
    guesses: tuple[tuple[Environment, tuple[str, ...]], ...] = (
        ("prod", ("prod", "prd", "live")), ("staging", ("stag", "stg", "qa")),
        ("sandbox", ("sandbox", "sbx", "experiment", "playground")), ("dev", ("dev",)),
        ("management", ("management", "master", "billing", "payer")))
    for env, words in guesses:
        if any(w in text for w in words):
            return env
    return "other"


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)

