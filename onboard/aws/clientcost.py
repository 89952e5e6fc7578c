"""What botocore spends per client, made once per process instead.

A scan creates one client per account × region × service: tens of thousands in a grown
organization. botocore builds each from scratch: a service model and a client class with
one method per operation, a parsed endpoint rule set, a copy of the event-hook table, an
argument-spec inspection of every handler it registers, and its own HTTP connection pool
(a new TLS context and new connections to the same regional endpoint the previous
account's client had just used). Each patch here shares what only describes the API or
the wire, never what belongs to an account (credentials, signer, region, handlers).
`install()` is idempotent; `onboard.aws.session` calls it on import.
"""

from __future__ import annotations

import threading
from typing import Any

import botocore.args
import botocore.client
import botocore.endpoint
import botocore.hooks
import botocore.httpsession
import botocore.regions


def install() -> None:
    _cache_client_classes()
    _share_endpoint_rules()
    _fast_hook_copies()
    _memo_accepts_kwargs()
    _share_http_sessions()


def _cache_client_classes() -> None:
    """botocore builds, for every client it creates, a new service model and a new client
    class with one method per API operation (EC2 has ~700), and walks every operation to
    look for endpoint discovery. A scan creates one client per account × region × service —
    tens of thousands in a large org — so build each service's model and class once. Both
    only describe the API; everything account- or region-specific lives on the instance,
    so sharing them is safe."""
    creator = botocore.client.ClientCreator
    if getattr(creator, "_onboard_cached", False):
        return
    original_class = creator._create_client_class
    original_model = creator._load_service_model
    classes: dict[tuple[str, str], type] = {}
    models: dict[tuple[str, str | None], Any] = {}
    lock = threading.Lock()

    def memo(cache: dict[Any, Any], key: Any, make: Any) -> Any:
        """Build once per key; built outside the lock, the first one stored wins."""
        with lock:
            found = cache.get(key)
        if found is None:
            built = make()
            with lock:
                found = cache.setdefault(key, built)
        return found

    def cached_class(self: Any, service_name: str, service_model: Any) -> type:
        cls: type = memo(classes, (service_name, service_model.api_version),
                         lambda: original_class(self, service_name, service_model))
        return cls

    def cached_model(self: Any, service_name: str, api_version: str | None = None) -> Any:
        return memo(models, (service_name, api_version),
                    lambda: original_model(self, service_name, api_version))

    creator._create_client_class = cached_class  # type: ignore[method-assign]
    creator._load_service_model = cached_model  # type: ignore[method-assign]
    creator._onboard_cached = True  # type: ignore[attr-defined]


def _share_endpoint_rules() -> None:
    """botocore parses a service's endpoint rule set into objects for every client (the
    rules of one service are the same for all of them): keep one parsed copy per rule set
    and exclusion list. The resolver is a pure function of its parameters (its result
    cache is keyed on them), so sharing it between clients and threads is safe."""
    if getattr(botocore.regions, "_onboard_shared", False):
        return
    original = botocore.regions.EndpointProvider
    shared: dict[tuple[int, int, frozenset[str]], tuple[Any, Any]] = {}
    lock = threading.Lock()

    def provider(ruleset_data: Any, partition_data: Any, excluded_params: Any = None) -> Any:
        key = (id(ruleset_data), id(partition_data), frozenset(excluded_params or ()))
        with lock:
            found = shared.get(key)
        if found is None or found[0][0] is not ruleset_data:
            made = original(ruleset_data, partition_data, excluded_params)
            with lock:
                # the data kept alongside, so its id cannot be reused by another object
                found = shared.setdefault(key, ((ruleset_data, partition_data), made))
        return found[1]

    botocore.regions.EndpointProvider = provider  # type: ignore[misc,assignment]
    botocore.regions._onboard_shared = True  # type: ignore[attr-defined]


def _fast_hook_copies() -> None:
    """Every client starts from a copy of its session's event-hook table (~190 nodes);
    botocore copies it with a generic recursive walk that is a third of a large scan's CPU.
    This copies the same node shape ({chunk, children, values}) directly. Any other shape
    falls back to botocore's own copy."""
    trie = botocore.hooks._PrefixTrie
    if getattr(trie, "_onboard_fast", False):
        return
    node_list = botocore.hooks.NodeList
    original = trie.__copy__

    def copy_node(node: dict[str, Any]) -> dict[str, Any]:
        values = node["values"]
        return {"chunk": node["chunk"],
                "children": {k: copy_node(v) for k, v in node["children"].items()},
                "values": None if values is None else node_list(
                    values.first.copy(), values.middle.copy(), values.last.copy())}

    def fast_copy(self: Any) -> Any:
        if set(self.__dict__) != {"_root"}:
            return original(self)
        new = trie.__new__(trie)
        try:
            new.__dict__ = {"_root": copy_node(self._root)}
        except (KeyError, AttributeError, TypeError):
            return original(self)
        return new

    trie.__copy__ = fast_copy  # type: ignore[method-assign]
    trie._onboard_fast = True  # type: ignore[attr-defined]

    # Each event name a client emits or registers is first rewritten through the alias
    # table, and the answer cached; but the cache starts empty in every client. A copy has
    # the same alias table, so it can share its parent's answers.
    aliaser = botocore.hooks.EventAliaser
    original_aliaser_copy = aliaser.__copy__

    def copy_sharing_aliases(self: Any) -> Any:
        new = original_aliaser_copy(self)
        if new._event_aliases == self._event_aliases:
            new._alias_name_cache = self._alias_name_cache
        return new

    aliaser.__copy__ = copy_sharing_aliases  # type: ignore[method-assign]


def _memo_accepts_kwargs() -> None:
    """botocore checks that every handler it registers takes **kwargs, with
    inspect.getfullargspec — for each of a client's ~30 handlers, for every client (a
    sixteenth of a scan's CPU). Whether a function takes **kwargs is a property of its
    code object, so remember the answer per code object; a callable without one (a
    partial, an object with __call__) is inspected as before."""
    if getattr(botocore.hooks, "_onboard_memo", False):
        return
    original = botocore.hooks.accepts_kwargs
    answers: dict[Any, bool] = {}

    def accepts_kwargs(func: Any) -> bool:
        code = getattr(getattr(func, "__func__", func), "__code__", None)
        if code is None:
            return bool(original(func))
        found = answers.get(code)
        if found is None:
            found = answers[code] = bool(original(func))
        return found

    botocore.hooks.accepts_kwargs = accepts_kwargs  # type: ignore[attr-defined]
    botocore.hooks._onboard_memo = True  # type: ignore[attr-defined]


class SharedHttpSession(botocore.httpsession.URLLib3Session):
    """One connection pool per endpoint host for every client of the process with the
    same HTTP settings. Requests are signed before they reach the pool (SigV4 signs each
    one), so a connection to ec2.eu-west-1.amazonaws.com opened for one account serves
    the next account's client too, as AWS's own SDKs do with a shared HTTP client. A
    client's close() leaves the shared pools open; `close_all()` closes them."""

    POOLS = 64
    """Endpoint hosts kept open at once, least recently used dropped first (urllib3's
    default is 10: fewer than one account-region's services). A host holds as many
    connections as were in flight to it at once, so this also bounds the process's open
    sockets well under a default descriptor limit."""

    def _get_pool_manager_kwargs(self, **extra_kwargs: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = super()._get_pool_manager_kwargs(**extra_kwargs)
        return {"num_pools": self.POOLS, **kwargs}

    def close(self) -> None:
        """The pools outlive any one client."""

    def really_close(self) -> None:
        super().close()


_SESSIONS: dict[Any, SharedHttpSession] = {}
_SESSIONS_LOCK = threading.Lock()


def shared_http_session(**kwargs: Any) -> SharedHttpSession:
    """The process's session for these settings (URLLib3Session's own arguments)."""
    key = tuple(sorted((k, _hashable(v)) for k, v in kwargs.items()))
    with _SESSIONS_LOCK:
        found = _SESSIONS.get(key)
        if found is None:
            found = _SESSIONS[key] = SharedHttpSession(**kwargs)
        return found


def close_all() -> None:
    """Close every shared pool: the runner calls this when a scan's collectors are done
    (the app lives on between scans; the next scan opens new pools). A client made before
    keeps working: its session opens a pool again when it is next used."""
    with _SESSIONS_LOCK:
        sessions = list(_SESSIONS.values())
        _SESSIONS.clear()
    for session in sessions:
        session.really_close()


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if hasattr(value, "__dict__") and not isinstance(value, str | int | float | bool):
        return (type(value).__name__, _hashable(vars(value)))
    return value


def _share_http_sessions() -> None:
    """Every client's endpoint gets the shared session for its settings instead of a new
    URLLib3Session (botocore creates endpoints without a way to pass one in)."""
    creator = botocore.endpoint.EndpointCreator
    if getattr(creator, "_onboard_shared", False):
        return
    original = creator.create_endpoint

    def create_endpoint(self: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("http_session_cls", botocore.httpsession.URLLib3Session) \
                is botocore.httpsession.URLLib3Session:
            kwargs["http_session_cls"] = shared_http_session
        return original(self, *args, **kwargs)

    creator.create_endpoint = create_endpoint  # type: ignore[method-assign]
    creator._onboard_shared = True  # type: ignore[attr-defined]
