"""Fetch one feed over HTTP with limits: the only way feed bytes enter the app.

What a fetch guarantees (THREATS F1-F6):

* the URL is http(s) with a host and no credentials, checked again on every redirect hop;
* every hop connects only to vetted public addresses (see :mod:`planner.feeds.transport`);
* redirects are followed by hand, at most ``max_redirects``; cookies only travel within
  one origin and are never kept between fetches; no proxy, no ``.netrc``;
* one total wall-clock deadline covers DNS-to-last-byte of every attempt and retry;
* at most ``max_bytes`` *decoded* bytes are read (a gzip bomb stops at the cap);
* conditional GET: a 304 comes back as ``FetchResult(not_modified=True)``;
* timeouts and 5xx are retried with a short backoff while the deadline allows; a 429/503
  ``Retry-After`` is surfaced on :class:`HTTPStatusError` so the caller can back off.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from http.client import responses as _reasons
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests import Session
from requests.cookies import RequestsCookieJar
from urllib3.exceptions import (
    DecodeError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import (
    HTTPError as Urllib3HTTPError,
)

import planner
from planner.feeds.errors import (
    FeedError,
    FetchError,
    FetchRefused,
    FetchTimeout,
    FetchTooLarge,
    HTTPStatusError,
)
from planner.feeds.netguard import AddressPolicy
from planner.feeds.transport import GuardedAdapter, deadline_scope, time_left
from planner.feeds.urls import normalize_url

__all__ = [
    "USER_AGENT",
    "FetchOptions",
    "FetchRequest",
    "FetchResult",
    "fetch",
    "fetch_many",
    "make_session",
]

log = logging.getLogger(__name__)

USER_AGENT = f"GiveFirst/{planner.__version__} (+feed planner)"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_RETRY_STATUSES = frozenset({500, 502, 503, 504})
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Limits and policy for fetching. The defaults are the production settings."""

    connect_timeout: float = 5.0
    #: Longest wait for any single read; the total deadline shrinks it further.
    read_timeout: float = 10.0
    #: Wall-clock budget for the whole fetch: all hops, attempts and backoff.
    total_deadline: float = 20.0
    #: Cap on *decoded* body bytes, enforced while streaming.
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    #: The user's "self-hosted feeds" switch: reach loopback/LAN addresses.
    allow_private: bool = False
    #: Extra attempts after a timeout or a 5xx.
    retries: int = 2
    #: Backoff before retry n is ``backoff * 2 ** (n - 1)`` seconds.
    backoff: float = 0.5
    #: Retry-After values surfaced on errors are clipped to this (seconds).
    max_retry_after: float = 3600.0
    #: A 429/503 asking for at most this long (and fitting the deadline) is waited out
    #: and retried once inside the fetch; longer waits are left to the caller.
    max_inline_retry_after: float = 0.0
    user_agent: str = USER_AGENT
    #: Extra CA bundle (PEM path) for self-hosted feeds with a private CA.
    ca_bundle: str | None = None
    #: TEST ONLY: exact (ip, port) pairs let through the address guard. Empty in production.
    allow_addresses: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    @property
    def address_policy(self) -> AddressPolicy:
        return AddressPolicy(self.allow_private, frozenset(self.allow_addresses))


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One successful exchange (200-range or 304). ``headers`` keys are lower-case."""

    #: The URL the body came from, after redirects.
    final_url: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    #: Seconds from the first byte sent to the last byte read.
    elapsed: float = 0.0
    #: The URLs redirected to, in order (empty when there was no redirect).
    redirects: tuple[str, ...] = ()
    #: True when every redirect was permanent (301/308): the caller may store final_url.
    permanent_redirect: bool = False


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """One feed to fetch in :func:`fetch_many`, with its stored validators."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


def make_session(options: FetchOptions) -> requests.Session:
    """A Session whose every connection goes through the guarded adapter.

    ``trust_env=False``: no proxies from the environment (they would bypass the address
    guard) and no ``.netrc`` credentials. The cookie jar refuses everything, so nothing
    carries over between fetches; :func:`fetch` keeps its own jar per redirect chain.
    """
    session = requests.Session()
    session.trust_env = False
    session.proxies = {}
    # requests builds (never sends) the next hop even with allow_redirects=False, and
    # checks this limit while doing so; our own loop enforces max_redirects.
    session.max_redirects = 100
    session.cookies.set_policy(_NoCookies())
    session.headers.clear()
    adapter = GuardedAdapter(options.address_policy, ca_bundle=options.ca_bundle)
    for prefix in list(session.adapters):
        session.adapters.pop(prefix)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _NoCookies(DefaultCookiePolicy):
    """A cookie policy that stores and sends nothing (the session-wide jar stays empty)."""

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def domain_return_ok(self, domain: str, request: Any) -> bool:
        return False

    def path_return_ok(self, path: str, request: Any) -> bool:
        return False


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    options: FetchOptions | None = None,
    session: requests.Session | None = None,
) -> FetchResult:
    """Fetch a feed URL within the limits of ``options``.

    Args:
        url: the user's feed URL (validated here: http/https, host, no credentials).
        etag, last_modified: validators from the previous fetch, for a conditional GET.
        options: limits; :class:`FetchOptions` defaults when omitted.
        session: a session from :func:`make_session` built with the same options
            (one per thread); a private one is made and closed when omitted.

    Returns:
        A :class:`FetchResult`; ``not_modified`` is True for a 304.

    Raises:
        FeedURLError / FetchRefused: bad URL, scheme or non-public address (any hop).
        FetchTimeout: a connect/read timeout or the total deadline.
        FetchTooLarge: more than ``max_bytes`` decoded bytes.
        HTTPStatusError: a 4xx/5xx answer (``retry_after`` set for 429/503 when given).
        FetchError: anything else on the wire: DNS, TLS, protocol, decoding, redirects.
    """
    opts = options or FetchOptions()
    start_url = normalize_url(url)
    own = session is None
    sess = make_session(opts) if own else session
    assert sess is not None
    _check_session(sess, opts)
    deadline = time.monotonic() + opts.total_deadline
    try:
        with deadline_scope(deadline, start_url):
            return _fetch_with_retries(sess, start_url, etag, last_modified, opts, deadline)
    finally:
        if own:
            sess.close()


def _check_session(session: requests.Session, opts: FetchOptions) -> None:
    adapter = session.get_adapter("https://x/")
    if not isinstance(adapter, GuardedAdapter) or adapter.policy != opts.address_policy:
        # A programming error, not a feed problem: an unguarded session would skip
        # the SSRF check, and one built for other options would apply the wrong policy.
        raise ValueError("fetch() needs a session from make_session() with the same options")


def _fetch_with_retries(
    session: requests.Session,
    url: str,
    etag: str | None,
    last_modified: str | None,
    opts: FetchOptions,
    deadline: float,
) -> FetchResult:
    attempt = 0
    while True:
        try:
            return _fetch_once(session, url, etag, last_modified, opts, deadline)
        except (FetchTimeout, HTTPStatusError, _TransientError) as error:
            wait = _retry_wait(error, attempt, opts, deadline)
            if wait is None:
                if isinstance(error, _TransientError):
                    raise error.as_feed_error() from error.__cause__
                raise
            log.info("retrying %s in %.2f s after: %s", url, wait, error)
            time.sleep(wait)
            attempt += 1


class _TransientError(Exception):
    """A connection failure worth one more try (reset, refused); wraps the final error."""

    def __init__(self, error: FetchError) -> None:
        super().__init__(str(error))
        self.error = error

    def as_feed_error(self) -> FetchError:
        return self.error


def _retry_wait(
    error: Exception, attempt: int, opts: FetchOptions, deadline: float
) -> float | None:
    """Seconds to wait before the next attempt, or None to give up now."""
    if attempt >= opts.retries:
        return None
    left = deadline - time.monotonic()
    if isinstance(error, HTTPStatusError):
        if error.retry_after is not None:
            if error.retry_after > opts.max_inline_retry_after:
                return None  # the caller schedules the next poll
            wait = error.retry_after
        elif error.status in _RETRY_STATUSES:
            wait = opts.backoff * 2**attempt
        else:
            return None
    elif isinstance(error, FetchTimeout) and left <= 0:
        return None  # the whole budget is spent: retrying cannot help
    else:
        wait = opts.backoff * 2**attempt
    # Leave room for the next attempt to do something, or do not start it.
    if wait + min(opts.connect_timeout, 0.5) >= left:
        return None
    return wait


@dataclass(slots=True)
class _RedirectChain:
    """Where one fetch has got to: the current URL, the hops so far and their cookies."""

    current: str
    redirects: list[str] = field(default_factory=list)
    permanent: bool = True
    jar: RequestsCookieJar = field(default_factory=RequestsCookieJar)  # same origin only

    @property
    def permanent_redirect(self) -> bool:
        return bool(self.redirects) and self.permanent


def _fetch_once(
    session: requests.Session,
    url: str,
    etag: str | None,
    last_modified: str | None,
    opts: FetchOptions,
    deadline: float,
) -> FetchResult:
    started = time.monotonic()
    chain = _RedirectChain(url)
    headers = _request_headers(opts, etag, last_modified)
    while True:
        response = _send_hop(session, chain, headers, opts, deadline)
        try:
            status = response.status_code
            if status in _REDIRECTS and response.headers.get("location"):
                _follow_redirect(url, chain, response, opts)
                continue
            if status == 304:
                return FetchResult(
                    final_url=chain.current,
                    status=304,
                    headers=_lower_headers(response),
                    etag=response.headers.get("etag") or etag,
                    last_modified=response.headers.get("last-modified") or last_modified,
                    not_modified=True,
                    elapsed=time.monotonic() - started,
                    redirects=tuple(chain.redirects),
                    permanent_redirect=chain.permanent_redirect,
                )
            if status < 200 or status >= 300:
                raise _status_error(url, chain.current, response, opts)
            body = _read_body(url, response, opts)
            return FetchResult(
                final_url=chain.current,
                status=status,
                body=body,
                headers=_lower_headers(response),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                elapsed=time.monotonic() - started,
                redirects=tuple(chain.redirects),
                permanent_redirect=chain.permanent_redirect,
            )
        finally:
            response.close()


def _request_headers(
    opts: FetchOptions, etag: str | None, last_modified: str | None
) -> dict[str, str]:
    """Every hop's headers: who we are, what we accept, and the validators we hold."""
    headers = {
        "User-Agent": opts.user_agent,
        "Accept": _ACCEPT,
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _send_hop(
    session: requests.Session,
    chain: _RedirectChain,
    headers: dict[str, str],
    opts: FetchOptions,
    deadline: float,
) -> requests.Response:
    """One request of the chain; a refusal reached by a redirect says which hop led there."""
    try:
        # A copy per hop, as each hop built its own before: requests may add to it.
        return _send(session, chain.current, dict(headers), chain.jar, opts, deadline)
    except FetchRefused as e:
        if chain.redirects and "redirect" not in e.message:
            e.message = f"{e.message}; reached by a redirect to {chain.current}"
            e.args = (e.message,)
        raise


def _follow_redirect(
    url: str, chain: _RedirectChain, response: requests.Response, opts: FetchOptions
) -> None:
    """Move the chain to the redirect's target, within the hop limit and cookie rules."""
    if len(chain.redirects) >= opts.max_redirects:
        raise FetchError(
            url,
            f"too many redirects (more than {opts.max_redirects}); last hop {chain.current}",
        )
    target = _redirect_target(url, chain.current, response.headers["location"])
    if _origin(target) != _origin(chain.current):
        chain.jar.clear()  # cookies never cross origins
    else:
        chain.jar.update(response.cookies)
    chain.permanent = chain.permanent and response.status_code in _PERMANENT
    chain.redirects.append(target)
    chain.current = target


def _send(
    session: requests.Session,
    url: str,
    headers: dict[str, str],
    jar: RequestsCookieJar,
    opts: FetchOptions,
    deadline: float,
) -> requests.Response:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchTimeout(url, _deadline_message(opts))
    try:
        return session.get(
            url,
            headers=headers,
            cookies=jar,
            stream=True,
            allow_redirects=False,
            timeout=(min(opts.connect_timeout, left), opts.read_timeout),
        )
    except FeedError:
        raise  # refused by the address guard inside the connection
    except requests.exceptions.ConnectTimeout as e:
        raise _timeout(url, opts, f"connecting took longer than {opts.connect_timeout:g} s") from e
    except requests.exceptions.ReadTimeout as e:
        raise _timeout(url, opts, f"no answer within {opts.read_timeout:g} s") from e
    except requests.exceptions.SSLError as e:
        raise FetchError(url, f"TLS error talking to {_host(url)}: {_root(e)}") from e
    except requests.exceptions.ConnectionError as e:
        message = _connection_message(url, e)
        if _is_dns_failure(e):
            raise FetchError(url, message) from e
        raise _TransientError(FetchError(url, message)) from e
    except requests.exceptions.RequestException as e:
        raise FetchError(url, f"request to {_host(url)} failed: {_root(e)}") from e


def _read_body(url: str, response: requests.Response, opts: FetchOptions) -> bytes:
    """Stream the body, counting *decoded* bytes, and stop at the cap."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and encoding in ("", "identity") and int(declared) > opts.max_bytes:
        raise _too_large(url, opts, f" (Content-Length says {int(declared)})")
    raw = response.raw
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            # read1: at most one network read per call, so the deadline check between
            # calls (and inside the socket) stays tight; the decoder emits <= _CHUNK bytes.
            chunk = raw.read1(_CHUNK, decode_content=True)
            if not chunk:  # read1 returns b"" only at the end of the body
                break
            total += len(chunk)
            if total > opts.max_bytes:
                raise _too_large(url, opts, "")
            chunks.append(chunk)
    except FeedError:
        raise
    except (ReadTimeoutError, TimeoutError) as e:
        raise _timeout(url, opts, f"the body did not arrive within {opts.read_timeout:g} s") from e
    except DecodeError as e:
        raise FetchError(
            url, f"could not decode the {encoding or 'compressed'} body: {_root(e)}"
        ) from e
    except (ProtocolError, Urllib3HTTPError, OSError) as e:
        raise _TransientError(
            FetchError(url, f"the connection broke while reading the body: {_root(e)}")
        ) from e
    return b"".join(chunks)


def _timeout(url: str, opts: FetchOptions, what: str) -> FetchTimeout:
    left = time_left()
    if left is not None and left <= 0.05:
        return FetchTimeout(url, _deadline_message(opts))
    return FetchTimeout(url, f"timed out: {what} ({_host(url)})")


def _deadline_message(opts: FetchOptions) -> str:
    return (
        f"timed out: the fetch took longer than {opts.total_deadline:g} s in total and was stopped"
    )


def _too_large(url: str, opts: FetchOptions, detail: str) -> FetchTooLarge:
    return FetchTooLarge(
        url,
        f"too large: body exceeds {opts.max_bytes} bytes (decoded){detail}",
        limit=opts.max_bytes,
    )


def _status_error(
    url: str, current: str, response: requests.Response, opts: FetchOptions
) -> HTTPStatusError:
    status = response.status_code
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"), opts.max_retry_after)
    reason = _reasons.get(status, response.reason or "")
    where = "" if current == url else f" (after redirect to {current})"
    message = f"HTTP {status} {reason}".rstrip() + f" from {_host(current)}{where}"
    if retry_after is not None:
        message += f"; retry after {retry_after:g} s"
    elif status == 404:
        message += ": the feed is not at this address any more"
    elif status in (401, 403):
        message += ": the server refuses access to this feed"
    return HTTPStatusError(url, message, status=status, retry_after=retry_after)


def parse_retry_after(value: str | None, cap: float, *, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date), clipped to [0, cap]."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when is None or when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, min(seconds, cap))


def _redirect_target(url: str, current: str, location: str) -> str:
    """Resolve and re-validate a Location header (same rules as a user-typed URL)."""
    try:
        target = urljoin(current, location.strip())
    except ValueError as e:
        raise FetchError(url, f"bad redirect Location {location!r}: {e}") from e
    try:
        return normalize_url(target)
    except FeedError as e:
        e.url = url
        e.message = f"{e.message}, reached by a redirect from {current}"
        e.args = (e.message,)
        raise


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or ""), parts.port


def _lower_headers(response: requests.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()}


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _root(error: BaseException) -> str:
    """The innermost useful message of a requests/urllib3 exception chain."""
    seen = error
    while True:
        nxt = getattr(seen, "reason", None) or seen.__cause__ or seen.__context__
        if not isinstance(nxt, BaseException) or nxt is seen:
            break
        seen = nxt
    text = str(seen) or type(seen).__name__
    return text[:300]


def _is_dns_failure(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if type(seen).__name__ in ("NameResolutionError", "gaierror"):
            return True
        seen = getattr(seen, "reason", None) or seen.__cause__ or seen.__context__
    return False


def _connection_message(url: str, error: BaseException) -> str:
    if _is_dns_failure(error):
        return f"could not resolve host {urlsplit(url).hostname}: no such name or DNS failure"
    return f"could not connect to {_host(url)}: {_root(error)}"


# -- many feeds at once ----------------------------------------------------------------

Outcome = FetchResult | FeedError
ProgressCallback = Callable[[int, int, FetchRequest, Outcome], None]


def fetch_many(
    requests: Sequence[FetchRequest | str],
    options: FetchOptions | None = None,
    *,
    max_workers: int = 4,
    on_progress: ProgressCallback | None = None,
) -> list[Outcome]:
    """Fetch several feeds in parallel; one feed's failure never stops the others.

    Args:
        requests: feeds to fetch (a bare URL string means no stored validators).
        options: limits shared by every fetch.
        max_workers: size of the bounded thread pool; each worker thread owns one Session.
        on_progress: ``(done, total, request, outcome)`` called in the *calling* thread
            after each feed finishes (safe for UI code that must stay on its thread).

    Returns:
        One outcome per request, in input order: a :class:`FetchResult` or the
        :class:`FeedError` that stopped that feed. An unexpected exception inside a
        worker is logged and returned as a :class:`FetchError` wrapping it.
    """
    opts = options or FetchOptions()
    items = [r if isinstance(r, FetchRequest) else FetchRequest(r) for r in requests]
    outcomes: list[Outcome | None] = [None] * len(items)
    if not items:
        return []
    local = threading.local()
    sessions: list[Session] = []
    lock = threading.Lock()

    def worker_session() -> Session:
        session = getattr(local, "session", None)
        if session is None:
            session = make_session(opts)
            local.session = session
            with lock:
                sessions.append(session)
        return session

    def run(item: FetchRequest) -> Outcome:
        try:
            return fetch(
                item.url,
                etag=item.etag,
                last_modified=item.last_modified,
                options=opts,
                session=worker_session(),
            )
        except FeedError as e:
            return e
        except Exception as e:  # a bug must not sink the other feeds; keep the trace
            log.exception("unexpected error fetching %s", item.url)
            error = FetchError(item.url, f"unexpected error: {type(e).__name__}: {e}")
            error.__cause__ = e
            return error

    workers = max(1, min(max_workers, len(items)))
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feed-fetch") as pool:
            futures = {pool.submit(run, item): i for i, item in enumerate(items)}
            for done, future in enumerate(as_completed(futures), start=1):
                index = futures[future]
                outcome = future.result()
                outcomes[index] = outcome
                if on_progress is not None:
                    on_progress(done, len(items), items[index], outcome)
    finally:
        for session in sessions:
            session.close()
    return [o for o in outcomes if o is not None]
