"""fetch()/fetch_many() against real loopback servers (THREATS F1-F6, §4 harness).

P (``public_server``) is allow-listed by its exact (127.0.0.1, port) in ``opts``; I
(``internal_server``) is not, and every refusal test asserts I received 0 requests.
"""

from __future__ import annotations

import builtins
import dataclasses
import socket
import threading
import time
import tracemalloc
from typing import Any

import pytest

import planner
from planner.feeds.errors import (
    FeedError,
    FeedURLError,
    FetchError,
    FetchRefused,
    FetchTimeout,
    FetchTooLarge,
    HTTPStatusError,
    PrivateAddressRefused,
)
from planner.feeds.fetch import (
    USER_AGENT,
    FetchOptions,
    FetchRequest,
    FetchResult,
    fetch,
    fetch_many,
    make_session,
    parse_retry_after,
)
from tests.feeds.httpserver import ETAG, FEED, LAST_MODIFIED, TestServer
from tests.feeds.payloads import F1_REFUSED_URLS

# -- the happy path and conditional GET -------------------------------------------------


def test_fetch_returns_body_headers_and_validators(public_server: TestServer, opts: FetchOptions):
    result = fetch(public_server.url("/feed.xml"), options=opts)
    assert result.status == 200
    assert result.body == FEED
    assert result.final_url == public_server.url("/feed.xml")
    assert result.etag == ETAG
    assert result.last_modified == LAST_MODIFIED
    assert result.headers["content-type"] == "application/rss+xml"
    assert all(k == k.lower() for k in result.headers)
    assert not result.not_modified and result.redirects == ()
    assert result.elapsed > 0
    sent = public_server.hits[0].headers
    assert sent["user-agent"] == f"GiveFirst/{planner.__version__} (+feed planner)" == USER_AGENT
    assert "gzip" in sent["accept-encoding"]
    assert "cookie" not in sent and "authorization" not in sent


def test_conditional_get_with_etag_is_a_304(public_server: TestServer, opts: FetchOptions):
    result = fetch(public_server.url("/feed.xml"), etag=ETAG, options=opts)
    assert result.status == 304 and result.not_modified
    assert result.body == b""
    assert result.etag == ETAG
    assert public_server.hits[0].headers["if-none-match"] == ETAG


def test_conditional_get_with_last_modified_is_a_304(public_server: TestServer, opts: FetchOptions):
    result = fetch(public_server.url("/feed.xml"), last_modified=LAST_MODIFIED, options=opts)
    assert result.not_modified
    assert result.last_modified == LAST_MODIFIED  # kept when the 304 does not repeat it
    assert public_server.hits[0].headers["if-modified-since"] == LAST_MODIFIED


def test_stale_etag_gets_the_full_body(public_server: TestServer, opts: FetchOptions):
    result = fetch(public_server.url("/feed.xml"), etag='"old"', options=opts)
    assert result.status == 200 and result.body == FEED


@pytest.mark.parametrize("path", ["/gzip", "/deflate"])
def test_compressed_bodies_are_decoded(public_server: TestServer, opts: FetchOptions, path: str):
    assert fetch(public_server.url(path), options=opts).body == FEED


def test_bad_gzip_is_a_fetch_error(public_server: TestServer, opts: FetchOptions):
    with pytest.raises(FetchError, match="could not decode the gzip body"):
        fetch(public_server.url("/badgzip"), options=opts)


# -- size caps (F5) ----------------------------------------------------------------------


def test_gzip_bomb_stops_at_the_decoded_cap(public_server: TestServer, opts: FetchOptions):
    tracemalloc.start()
    try:
        with pytest.raises(FetchTooLarge) as info:
            fetch(public_server.url("/gzipbomb"), options=opts)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Stopped at the cap, not by the 5 s deadline (that would be a FetchTimeout), and
    # without inflating the bomb: the memory peak, not the time taken, is the evidence.
    assert str(info.value) == "too large: body exceeds 1048576 bytes (decoded)"
    assert info.value.limit == 1024 * 1024
    assert peak < 16 * 1024 * 1024  # 64 MiB inflated would be far above this


def test_endless_body_without_length_stops_at_the_cap(
    public_server: TestServer, opts: FetchOptions
):
    # The server sends for 20 s: a read that ignored the cap would end at the 5 s
    # deadline as a FetchTimeout, so FetchTooLarge itself says it stopped at the cap.
    with pytest.raises(FetchTooLarge, match=r"exceeds 1048576 bytes \(decoded\)"):
        fetch(public_server.url("/huge"), options=opts)


def test_oversized_content_length_is_refused_before_reading(
    public_server: TestServer, opts: FetchOptions
):
    with pytest.raises(FetchTooLarge, match="Content-Length says 10737418240"):
        fetch(public_server.url("/big-declared"), options=opts)


# -- deadlines (F4) ----------------------------------------------------------------------


def test_drip_feed_is_stopped_by_the_total_deadline(public_server: TestServer, opts: FetchOptions):
    """1 byte per 0.1 s never trips a per-read timeout; the total deadline must (F4).

    Undisturbed, the drip would deliver its 100 bytes in 10 s and succeed."""
    fast = dataclasses.replace(opts, total_deadline=1.0, read_timeout=5.0)
    start = time.monotonic()
    with pytest.raises(FetchTimeout) as info:
        fetch(public_server.url("/slow?interval=0.1&n=100"), options=fast)
    elapsed = time.monotonic() - start
    assert str(info.value) == ("timed out: the fetch took longer than 1 s in total and was stopped")
    # It ran until its deadline (load can only make this longer) and was stopped there:
    # well before the drip's 10 s and the 5 s read timeout, however slow this machine is.
    assert 0.9 <= elapsed < 5.0, f"stopped after {elapsed:.2f} s"


def test_server_that_never_answers_hits_the_read_timeout(
    public_server: TestServer, opts: FetchOptions
):
    quick = dataclasses.replace(opts, read_timeout=0.3, retries=0)
    # The message says which limit fired: the read timeout, not the 5 s total deadline
    # ("took longer than 5 s in total"), and the server hangs for 30 s.
    with pytest.raises(FetchTimeout, match=r"no answer within 0\.3 s"):
        fetch(public_server.url("/hang"), options=quick)
    assert public_server.paths() == ["/hang"]  # one attempt, retries=0


def test_timeouts_are_retried_within_the_deadline(public_server: TestServer, opts: FetchOptions):
    # 3 x 0.2 s fit a 10 s deadline with room for a loaded machine to be slow.
    quick = dataclasses.replace(opts, read_timeout=0.2, retries=2, total_deadline=10)
    with pytest.raises(FetchTimeout):
        fetch(public_server.url("/hang"), options=quick)
    assert public_server.paths().count("/hang") == 3


# -- statuses, retries, Retry-After (F6) ------------------------------------------------


def test_404_is_not_retried(public_server: TestServer, opts: FetchOptions):
    with pytest.raises(HTTPStatusError) as info:
        fetch(public_server.url("/404"), options=opts)
    assert info.value.status == 404
    assert "HTTP 404 Not Found" in str(info.value)
    assert "not at this address" in str(info.value)
    assert public_server.paths() == ["/404"]


def test_500_is_retried_then_reported(public_server: TestServer, opts: FetchOptions):
    with pytest.raises(HTTPStatusError) as info:
        fetch(public_server.url("/500"), options=opts)
    assert info.value.status == 500 and info.value.retry_after is None
    assert public_server.paths() == ["/500"] * 3  # 1 try + 2 retries


def test_500_then_200_succeeds_on_retry(public_server: TestServer, opts: FetchOptions):
    result = fetch(public_server.url("/flaky?key=t1&fail=1"), options=opts)
    assert result.status == 200 and result.body == FEED
    assert len(public_server.hits) == 2


def test_429_surfaces_retry_after_without_retrying(public_server: TestServer, opts: FetchOptions):
    with pytest.raises(HTTPStatusError) as info:
        fetch(public_server.url("/429"), options=opts)
    assert info.value.status == 429
    assert info.value.retry_after == 120
    assert "retry after 120 s" in str(info.value)
    assert len(public_server.hits) == 1


def test_retry_after_is_capped(public_server: TestServer, opts: FetchOptions):
    with pytest.raises(HTTPStatusError) as info:
        fetch(public_server.url("/503?after=999999"), options=opts)
    assert info.value.status == 503 and info.value.retry_after == opts.max_retry_after


def test_short_retry_after_can_be_waited_out_inline(public_server: TestServer, opts: FetchOptions):
    inline = dataclasses.replace(opts, max_inline_retry_after=1.0)
    with pytest.raises(HTTPStatusError):
        fetch(public_server.url("/503?after=0"), options=inline)
    assert len(public_server.hits) == 3


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("120", 3600) == 120
    assert parse_retry_after("99999", 60) == 60
    assert parse_retry_after(None, 60) is None
    assert parse_retry_after("soon", 60) is None
    now = 1_800_000_000.0
    date = "Fri, 15 Jan 2027 08:00:30 GMT"  # 1_800_000_030
    assert parse_retry_after(date, 3600, now=now) == pytest.approx(30)
    assert parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", 60, now=now) == 0


# -- redirects (F3) ----------------------------------------------------------------------


def test_redirect_chain_is_followed_and_recorded(public_server: TestServer, opts: FetchOptions):
    result = fetch(public_server.url("/redirect-chain?n=3"), options=opts)
    assert result.status == 200 and result.body == FEED
    assert result.final_url == public_server.url("/feed.xml")
    assert result.redirects == (
        public_server.url("/redirect-chain?n=2"),
        public_server.url("/redirect-chain?n=1"),
        public_server.url("/feed.xml"),
    )
    assert not result.permanent_redirect


def test_permanent_redirect_is_flagged(public_server: TestServer, opts: FetchOptions):
    result = fetch(public_server.url("/permanent"), options=opts)
    assert result.permanent_redirect and result.final_url == public_server.url("/feed.xml")


def test_redirect_loop_is_too_many_redirects(public_server: TestServer, opts: FetchOptions):
    with pytest.raises(FetchError, match=r"too many redirects \(more than 5\)"):
        fetch(public_server.url("/redirect-loop"), options=opts)
    assert len(public_server.hits) == 6  # the first request + 5 followed hops


def test_more_than_max_redirects_fails(public_server: TestServer, opts: FetchOptions):
    fetch(public_server.url("/redirect-chain?n=5"), options=opts)
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(public_server.url("/redirect-chain?n=6"), options=opts)


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{I}/internal-secret",
        "http://localhost:{I}/internal-secret",
        "http://2130706433:{I}/internal-secret",
        "http://0x7f.1:{I}/internal-secret",
        "http://0177.0.0.1:{I}/internal-secret",
        "http://127.1:{I}/internal-secret",
        "http://[::ffff:127.0.0.1]:{I}/internal-secret",
        "http://0.0.0.0:{I}/internal-secret",
    ],
)
def test_redirect_into_the_internal_network_is_refused_at_the_hop(
    public_server: TestServer, internal_server: TestServer, opts: FetchOptions, target: str
):
    location = target.format(I=internal_server.port)
    with pytest.raises(FetchRefused) as info:
        fetch(public_server.url(f"/redirect-to?u={location}"), options=opts)
    assert "non-public address" in str(info.value)
    assert "reached by a redirect" in str(info.value)
    assert len(public_server.hits) == 1  # hop 1 went through
    assert public_server.paths()[0].startswith("/redirect-to?u=")
    assert internal_server.hits == []  # hop 2 never reached I


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "ftp://example.com/x", "http://user:pw@example.com/"]
)
def test_redirect_to_a_forbidden_url_is_refused(
    public_server: TestServer, opts: FetchOptions, location: str
):
    with pytest.raises(FeedURLError, match="scheme/host not allowed"):
        fetch(public_server.url(f"/redirect-to?u={location}"), options=opts)


def test_cookies_stay_within_one_origin(
    public_server: TestServer, internal_server: TestServer, opts: FetchOptions
):
    both = dataclasses.replace(
        opts,
        allow_addresses=frozenset(
            {("127.0.0.1", public_server.port), ("127.0.0.1", internal_server.port)}
        ),
    )
    session = make_session(both)
    try:
        same = fetch(public_server.url("/cookie-then?u=/feed.xml"), options=both, session=session)
        assert same.status == 200
        assert public_server.hits[1].headers.get("cookie") == "session=s3cret"
        cross = internal_server.url("/feed.xml")
        fetch(public_server.url(f"/cookie-then?u={cross}"), options=both, session=session)
        assert "cookie" not in internal_server.hits[0].headers
        fetch(public_server.url("/feed.xml"), options=both, session=session)
        assert "cookie" not in public_server.hits[-1].headers  # nothing kept between fetches
    finally:
        session.close()


# -- refusals before any I/O (F1, F2) --------------------------------------------------


@pytest.mark.parametrize("url", F1_REFUSED_URLS)
def test_bad_urls_are_refused_before_any_io(
    url: str, opts: FetchOptions, monkeypatch: pytest.MonkeyPatch
):
    calls: list[Any] = []
    real_open = builtins.open

    def spy_open(*args: Any, **kwargs: Any) -> Any:
        calls.append(("open", args))
        return real_open(*args, **kwargs)

    def spy_resolve(*args: Any, **kwargs: Any) -> Any:
        calls.append(("getaddrinfo", args))
        raise AssertionError("no lookup may happen")

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(socket, "getaddrinfo", spy_resolve)
    with pytest.raises(FeedURLError, match=r"^scheme/host not allowed"):
        fetch(url, options=opts)
    assert calls == []


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{I}/",
        "http://localhost:{I}/",
        "http://2130706433:{I}/",
        "http://[::ffff:127.0.0.1]:{I}/",
        "http://0.0.0.0:{I}/",
    ],
)
def test_direct_fetch_of_internal_addresses_is_refused(
    internal_server: TestServer, opts: FetchOptions, template: str
):
    with pytest.raises(FetchRefused, match="non-public address"):
        fetch(template.format(I=internal_server.port), options=opts)
    assert internal_server.hits == []


def test_metadata_address_is_refused_without_a_packet(monkeypatch: pytest.MonkeyPatch):
    def no_connect(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("must not connect")

    monkeypatch.setattr(socket.socket, "connect", no_connect)
    private_ok = FetchOptions(allow_private=True, total_deadline=2)
    for options in (FetchOptions(total_deadline=2), private_ok):
        with pytest.raises(FetchRefused, match="cloud metadata; never allowed"):
            fetch("http://169.254.169.254/latest/meta-data/", options=options)


def test_allow_private_reaches_a_self_hosted_feed(internal_server: TestServer):
    result = fetch(
        internal_server.url("/feed.xml"),
        options=FetchOptions(allow_private=True, total_deadline=5),
    )
    assert result.body == FEED


def test_environment_proxies_are_ignored(
    public_server: TestServer, opts: FetchOptions, monkeypatch: pytest.MonkeyPatch
):
    # A proxy would connect wherever it is told, bypassing the guard: never used.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9/")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9/")
    assert fetch(public_server.url("/feed.xml"), options=opts).status == 200


def test_session_must_match_the_options(public_server: TestServer, opts: FetchOptions):
    import requests

    with pytest.raises(ValueError, match="make_session"):
        fetch(public_server.url("/feed.xml"), options=opts, session=requests.Session())
    other = make_session(FetchOptions())
    try:
        with pytest.raises(ValueError, match="same options"):
            fetch(public_server.url("/feed.xml"), options=opts, session=other)
    finally:
        other.close()


def test_connection_refused_is_a_clear_fetch_error(opts: FetchOptions):
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = dataclasses.replace(opts, allow_addresses=frozenset({("127.0.0.1", port)}), retries=1)
    with pytest.raises(FetchError, match=f"could not connect to 127.0.0.1:{port}"):
        fetch(f"http://127.0.0.1:{port}/feed.xml", options=closed)


def test_unknown_host_is_a_clear_fetch_error(opts: FetchOptions):
    with pytest.raises(FetchError, match=r"could not resolve host no-such-host\.invalid"):
        fetch("http://no-such-host.invalid/feed", options=opts)


# -- many feeds --------------------------------------------------------------------------


def test_fetch_many_isolates_failures_and_reports_progress(
    public_server: TestServer, internal_server: TestServer, opts: FetchOptions
):
    requests_ = [
        FetchRequest(public_server.url("/feed.xml")),
        FetchRequest(public_server.url("/404")),
        FetchRequest(internal_server.url("/feed.xml")),
        FetchRequest(public_server.url("/feed.xml"), etag=ETAG),
        public_server.url("/huge"),
        "file:///etc/passwd",
        FetchRequest(public_server.url("/gzip")),
    ]
    progress: list[tuple[int, int, str, int]] = []
    caller = threading.get_ident()

    def on_progress(done: int, total: int, request: FetchRequest, outcome: Any) -> None:
        assert threading.get_ident() == caller  # UI code may run here
        progress.append((done, total, request.url, threading.get_ident()))

    outcomes = fetch_many(requests_, opts, max_workers=3, on_progress=on_progress)
    assert [type(o) for o in outcomes] == [
        FetchResult,
        HTTPStatusError,
        PrivateAddressRefused,
        FetchResult,
        FetchTooLarge,
        FeedURLError,
        FetchResult,
    ]
    first, _, _, not_modified, _, _, gz = outcomes
    assert isinstance(first, FetchResult) and first.body == FEED
    assert isinstance(not_modified, FetchResult) and not_modified.not_modified
    assert isinstance(gz, FetchResult) and gz.body == FEED
    assert [p[0] for p in progress] == list(range(1, 8))
    assert {p[1] for p in progress} == {7}
    assert internal_server.hits == []
    assert all(isinstance(o, FetchResult | FeedError) for o in outcomes)


def test_fetch_many_runs_in_parallel(public_server: TestServer, opts: FetchOptions):
    """/gate answers only once all 4 requests are held at the server at the same time:
    fetched in series (or by fewer workers) each would wait alone until its deadline."""
    # Each held request may wait up to 5 s for the others to arrive (milliseconds when
    # parallel, even on a loaded machine).
    no_retry = dataclasses.replace(opts, retries=0, read_timeout=5.0, total_deadline=5.0)
    outcomes = fetch_many([public_server.url("/gate?key=par&n=4")] * 4, no_retry, max_workers=4)
    assert [type(o) for o in outcomes] == [FetchResult] * 4, outcomes
    assert all(isinstance(o, FetchResult) and o.body == FEED for o in outcomes)
    assert public_server.paths() == ["/gate?key=par&n=4"] * 4


def test_fetch_many_of_nothing() -> None:
    assert fetch_many([], FetchOptions()) == []


def test_a_hanging_dns_lookup_is_bounded_by_the_deadline(monkeypatch: pytest.MonkeyPatch):
    from planner.feeds import transport

    asked = threading.Event()
    release = threading.Event()
    answered = threading.Event()

    def slow_resolve(host: str, port: int) -> Any:
        asked.set()
        release.wait(20)  # a resolver that answers only when the test lets it
        answered.set()
        raise socket.gaierror("gave up")

    monkeypatch.setattr(transport, "resolve", slow_resolve)
    try:
        with pytest.raises(FetchTimeout, match=r"longer than 0\.5 s in total"):
            fetch("http://slow-dns.example/feed", options=FetchOptions(total_deadline=0.5))
        # The fetch gave up on its deadline while the lookup was still hanging: it did
        # not wait for the resolver (which would have ended in "could not resolve").
        assert asked.is_set() and not answered.is_set()
    finally:
        release.set()
