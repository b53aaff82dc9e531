"""The guarded HTTP transport under :mod:`planner.feeds.fetch` (a requests adapter).

Two jobs that plain ``requests`` cannot do (THREATS F2-F4):

* **SSRF guard at connect time.** Our urllib3 connections resolve the host, vet *every*
  resolved address with :func:`planner.feeds.netguard.vet_addresses`, and connect the
  socket to exactly the vetted address: there is no second DNS lookup to rebind. The
  ``Host`` header, SNI and certificate check still use the host name, because only the
  socket creation is replaced. Proxies are never used (a proxy would bypass the guard).
* **A total deadline that really aborts I/O.** requests' timeouts are per socket
  operation, so a server dripping one byte every 0.5 s never times out. Our sockets
  (plain and TLS) re-arm their timeout before every ``recv``/``send`` to
  ``min(read timeout, time left until the deadline)`` and fail once it has passed.
  The deadline lives in a thread-local scope set by the fetch running on this thread.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from requests.adapters import HTTPAdapter
from requests.utils import DEFAULT_CA_BUNDLE_PATH
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.poolmanager import PoolManager
from urllib3.util.ssl_ import create_urllib3_context

from planner.feeds.netguard import AddressPolicy, resolve, vet_addresses

__all__ = ["GuardedAdapter", "deadline_scope", "time_left"]

_scope = threading.local()


@contextmanager
def deadline_scope(deadline: float, url: str) -> Iterator[None]:
    """Bind a monotonic deadline (and the feed URL, for messages) to this thread's I/O."""
    previous = getattr(_scope, "state", None)
    _scope.state = (deadline, url)
    try:
        yield
    finally:
        _scope.state = previous


def time_left() -> float | None:
    """Seconds left in the current fetch's budget, ``None`` outside a fetch."""
    state = getattr(_scope, "state", None)
    return None if state is None else state[0] - time.monotonic()


def _scope_url() -> str:
    state = getattr(_scope, "state", None)
    return "" if state is None else state[1]


class _BudgetMixin:
    """Re-arm the socket timeout before each blocking call from the fetch deadline."""

    _base_timeout: float | None = None

    def settimeout(self, value: float | None) -> None:
        self._base_timeout = value
        socket.socket.settimeout(self, value)  # type: ignore[arg-type]

    def _arm(self) -> None:
        left = time_left()
        if left is None:
            return
        if left <= 0:
            raise TimeoutError("total fetch deadline exceeded")
        base = self._base_timeout
        socket.socket.settimeout(self, left if base is None else min(base, left))  # type: ignore[arg-type]

    def recv(self, *args: Any, **kwargs: Any) -> Any:
        self._arm()
        return super().recv(*args, **kwargs)  # type: ignore[misc]

    def recv_into(self, *args: Any, **kwargs: Any) -> Any:
        self._arm()
        return super().recv_into(*args, **kwargs)  # type: ignore[misc]

    def send(self, *args: Any, **kwargs: Any) -> Any:
        self._arm()
        return super().send(*args, **kwargs)  # type: ignore[misc]

    def sendall(self, *args: Any, **kwargs: Any) -> Any:
        self._arm()
        return super().sendall(*args, **kwargs)  # type: ignore[misc]


class _DeadlineSocket(_BudgetMixin, socket.socket):
    """A TCP socket whose every blocking call respects the fetch deadline."""


class _DeadlineSSLSocket(_BudgetMixin, ssl.SSLSocket):
    """The TLS twin: SSLSocket reads bypass the raw socket, so it needs its own hooks."""

    def do_handshake(self, *args: Any, **kwargs: Any) -> None:
        self._arm()
        super().do_handshake(*args, **kwargs)


@functools.lru_cache(maxsize=8)
def _tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    """One verifying TLS context per CA bundle, producing deadline-aware sockets."""
    context = create_urllib3_context()
    context.load_verify_locations(cafile=ca_bundle or DEFAULT_CA_BUNDLE_PATH)
    context.sslsocket_class = _DeadlineSSLSocket
    return context


def _connect_timeout(timeout: object) -> float | None:
    value = timeout if isinstance(timeout, int | float) else None
    left = time_left()
    if left is not None:
        if left <= 0:
            raise TimeoutError("total fetch deadline exceeded")
        value = left if value is None else min(value, left)
    return value


def _resolve_within_deadline(host: str, port: int) -> list[tuple[int, Any]]:
    """``resolve`` that gives up when the fetch deadline passes.

    ``getaddrinfo`` cannot be interrupted, so a name lookup runs on a helper thread and
    is abandoned (it ends by itself, later) when time is up. IP literals need no thread.
    """
    left = time_left()
    if left is None or _is_ip_literal(host):
        return resolve(host, port)
    if left <= 0:
        raise TimeoutError("total fetch deadline exceeded")
    box: dict[str, Any] = {}
    done = threading.Event()

    def lookup() -> None:
        try:
            box["addresses"] = resolve(host, port)
        except BaseException as e:  # handed to the waiting thread
            box["error"] = e
        finally:
            done.set()

    threading.Thread(target=lookup, name="feed-dns", daemon=True).start()
    if not done.wait(left):
        raise TimeoutError(f"looking up {host} took longer than the fetch deadline")
    if "error" in box:
        raise box["error"]
    return box["addresses"]  # type: ignore[no-any-return]


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _open_vetted_socket(conn: HTTPConnection, policy: AddressPolicy) -> socket.socket:
    """Resolve, vet all addresses, connect to one vetted address: the guard's core."""
    host = conn._dns_host  # host name without IPv6 brackets
    port = int(conn.port or 80)
    try:
        addresses = _resolve_within_deadline(host, port)
    except socket.gaierror as e:
        raise NameResolutionError(conn.host, conn, e) from e
    except TimeoutError as e:
        raise ConnectTimeoutError(conn, f"looking up {conn.host} timed out") from e
    vet_addresses(_scope_url() or host, conn.host, port, [ip for _, ip in addresses], policy)
    last_error: OSError | None = None
    for family, ip in addresses:
        sock = _DeadlineSocket(family, socket.SOCK_STREAM)
        try:
            for option in conn.socket_options or ():
                sock.setsockopt(*option)
            sock.settimeout(_connect_timeout(conn.timeout))
            sock.connect((str(ip), port))
        except TimeoutError as e:
            sock.close()
            raise ConnectTimeoutError(conn, f"connecting to {conn.host} ({ip}) timed out") from e
        except OSError as e:
            sock.close()
            last_error = e
            continue
        return sock
    raise NewConnectionError(conn, f"could not connect to {conn.host}: {last_error}")


class _GuardedHTTPConnection(HTTPConnection):
    def __init__(self, *args: Any, address_policy: AddressPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._address_policy = address_policy

    def _new_conn(self) -> socket.socket:
        return _open_vetted_socket(self, self._address_policy)


class _GuardedHTTPSConnection(HTTPSConnection):
    def __init__(
        self,
        *args: Any,
        address_policy: AddressPolicy,
        tls_context: ssl.SSLContext,
        **kwargs: Any,
    ) -> None:
        # Certificates always verified, against the bundle already in our context.
        kwargs.update(ssl_context=tls_context, cert_reqs="CERT_REQUIRED")
        kwargs.update(ca_certs=None, ca_cert_dir=None, ca_cert_data=None)
        super().__init__(*args, **kwargs)
        self._address_policy = address_policy

    def _new_conn(self) -> socket.socket:
        return _open_vetted_socket(self, self._address_policy)


class _GuardedPoolManager(PoolManager):
    def __init__(self, policy: AddressPolicy, tls_context: ssl.SSLContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._policy = policy
        self._tls_context = tls_context

    def _new_pool(
        self, scheme: str, host: str, port: int, request_context: dict[str, Any] | None = None
    ) -> HTTPConnectionPool:
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.conn_kw["address_policy"] = self._policy
        if scheme == "https":
            pool.ConnectionCls = _GuardedHTTPSConnection
            pool.conn_kw["tls_context"] = self._tls_context
        else:
            pool.ConnectionCls = _GuardedHTTPConnection
        return pool


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections are SSRF-guarded and deadline-aware.

    Mount it for ``http://`` and ``https://`` on a Session with ``trust_env=False``.
    urllib3 retries are off: :mod:`planner.feeds.fetch` retries itself, within its deadline.
    """

    def __init__(
        self, policy: AddressPolicy, *, ca_bundle: str | None = None, pool_maxsize: int = 4
    ) -> None:
        self.policy = policy
        self.ca_bundle = ca_bundle
        super().__init__(pool_connections=16, pool_maxsize=pool_maxsize, max_retries=0)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        self.poolmanager = _GuardedPoolManager(
            self.policy,
            _tls_context(self.ca_bundle),
            num_pools=connections,
            maxsize=maxsize,
            block=block,
            **pool_kwargs,
        )

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        # A proxy would connect on our behalf to wherever it is told: never use one.
        raise RuntimeError("feed fetches never go through a proxy")
