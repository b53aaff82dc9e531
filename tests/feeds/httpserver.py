"""A small threaded HTTP server on 127.0.0.1 for the feed tests (no network beyond loopback).

Two instances play THREATS §4's roles: **P**, the "public" feed host (allow-listed by
``(127.0.0.1, port)`` in tests only), and **I**, an internal service whose hit counter
must stay at 0 when a redirect into it is refused.

Routes (query parameters in brackets):

    /feed.xml            RSS with ETag + Last-Modified; 304 on a matching conditional GET
    /podcast.xml         podcast RSS with podcast:person in both namespace URIs
    /redirect-to?u=      302 to u        /permanent   301 to /feed.xml
    /redirect-loop       302 to itself   /redirect-chain?n=   n hops, then /feed.xml
    /cookie-then?u=      sets a cookie, 302 to u
    /slow[?interval=&n=] 200, then one byte per interval
    /hang                accepts, never answers (until the server stops)
    /gate?key=&n=        holds each request until n requests with that key are held at
                         once, then answers all of them with the feed (proves parallelism)
    /huge                endless body, no Content-Length
    /big-declared        Content-Length: 10 GiB (never sent)
    /gzip /deflate       the feed, compressed
    /gzipbomb            ~64 KiB of gzip inflating to 64 MiB
    /badgzip             Content-Encoding: gzip over bytes that are not gzip
    /404 /500            errors     /flaky?key=&fail=n   500 n times per key, then the feed
    /429[?after=]        Retry-After (default 120)     /503?after=   likewise
    /malformed           not well-formed XML that still has 2 items
    /html                an HTML page advertising a feed link
    /internal-secret     what an internal service would leak
"""

from __future__ import annotations

import gzip
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ETAG = '"v1-abc"'
LAST_MODIFIED = "Wed, 18 Nov 2026 10:00:00 GMT"

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test blog</title><link>https://blog.example/</link>
<description>A test feed</description>
<item><title>First post</title><link>https://blog.example/1</link><guid>post-1</guid>
<pubDate>Tue, 17 Nov 2026 09:30:00 +0100</pubDate>
<description>Hello &lt;b&gt;Jane&lt;/b&gt; Doe</description></item>
<item><title>Second post</title><link>https://blog.example/2</link><guid>post-2</guid>
<pubDate>Wed, 18 Nov 2026 09:30:00 GMT</pubDate><description>Two</description></item>
</channel></rss>
"""

PODCAST = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:podcast="https://podcastindex.org/namespace/1.0"
     xmlns:pi="https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md">
<channel><title>Test cast</title><link>https://cast.example/</link>
<podcast:person role="Host" href="https://host.example/">Hanna Host</podcast:person>
<item><title>Ep 1</title><guid>ep-1</guid>
<enclosure url="https://cast.example/1.mp3" type="audio/mpeg" length="1234"/>
<itunes:duration>1:02:03</itunes:duration>
<podcast:person role="guest" href="https://jane.example/">Jane Doe</podcast:person>
<pi:person role="GUEST">John Smith</pi:person>
</item>
<item><title>Ep 2</title><guid>ep-2</guid>
<enclosure url="https://cast.example/2.mp3" type="audio/mpeg" length="99"/></item>
</channel></rss>
"""

MALFORMED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Broken</title>
<item><title>One</title><link>https://broken.example/1</link>
<description>a &nbsp; b</description></item>
<item><title>Two</title><link>https://broken.example/2</link><description>c</descr></item>
</channel></rss>
"""

HTML_PAGE = b"""<!DOCTYPE html>
<html><head><title>My blog</title>
<link rel="alternate" type="application/rss+xml" href="/feed.xml" title="RSS">
</head><body><h1>Welcome</h1><p>Not a feed.</p></body></html>
"""

SECRET = b"internal secret: do not leak"


def _gzip_bomb() -> bytes:
    # 64 MiB of zeros compress to ~64 KiB: far past any cap used in the tests.
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(64)]
    parts.append(compressor.flush())
    return b"".join(parts)


_BOMB: bytes | None = None
_BOMB_LOCK = threading.Lock()


def gzip_bomb() -> bytes:
    global _BOMB
    with _BOMB_LOCK:
        if _BOMB is None:
            _BOMB = _gzip_bomb()
        return _BOMB


@dataclass
class Hit:
    path: str
    headers: dict[str, str]


@dataclass
class TestServer:
    """One running server: ``url(path)``, ``port``, and the ``hits`` it received."""

    __test__ = False  # not a pytest test class

    server: ThreadingHTTPServer
    thread: threading.Thread
    hits: list[Hit] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Requests held at /gate, by key; guarded by ``gate``.
    gates: dict[str, int] = field(default_factory=dict)
    gate: threading.Condition = field(default_factory=threading.Condition)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def https_url(self, path: str = "/") -> str:
        return f"https://127.0.0.1:{self.port}{path}"

    def reset(self) -> None:
        with self.lock:
            self.hits.clear()
            self.counters.clear()
        with self.gate:
            self.gates.clear()

    def paths(self) -> list[str]:
        with self.lock:
            return [h.path for h in self.hits]

    def stop(self) -> None:
        self.stopping.set()
        with self.gate:
            self.gate.notify_all()  # release whatever waits at /gate
        self.server.shutdown()
        self.server.server_close()


def _make_handler(state: TestServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            with state.lock:
                state.hits.append(Hit(self.path, {k.lower(): v for k, v in self.headers.items()}))
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            route = ROUTES.get(parts.path)
            try:
                if route is None:
                    self._send(404, b"not found", "text/plain")
                else:
                    route(self, query)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, which is what several tests want

        # -- helpers ---------------------------------------------------------------
        def _send(
            self,
            status: int,
            body: bytes,
            ctype: str = "application/rss+xml",
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)

        def _redirect(self, status: int, location: str, extra: dict[str, str] | None = None):
            self._send(status, b"", "text/plain", {"Location": location, **(extra or {})})

    def feed(h: Handler, q: dict[str, str]) -> None:
        inm = h.headers.get("If-None-Match")
        ims = h.headers.get("If-Modified-Since")
        if inm == ETAG or (inm is None and ims == LAST_MODIFIED):
            h.send_response(304)
            h.send_header("ETag", ETAG)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        h._send(200, FEED, headers={"ETag": ETAG, "Last-Modified": LAST_MODIFIED})

    def podcast(h: Handler, q: dict[str, str]) -> None:
        h._send(200, PODCAST)

    def redirect_to(h: Handler, q: dict[str, str]) -> None:
        h._redirect(302, q.get("u", "/feed.xml"))

    def permanent(h: Handler, q: dict[str, str]) -> None:
        h._redirect(301, "/feed.xml")

    def redirect_loop(h: Handler, q: dict[str, str]) -> None:
        h._redirect(302, "/redirect-loop")

    def redirect_chain(h: Handler, q: dict[str, str]) -> None:
        n = int(q.get("n", "1"))
        h._redirect(302, "/feed.xml" if n <= 1 else f"/redirect-chain?n={n - 1}")

    def cookie_then(h: Handler, q: dict[str, str]) -> None:
        h._redirect(302, q["u"], {"Set-Cookie": "session=s3cret; Path=/"})

    def slow(h: Handler, q: dict[str, str]) -> None:
        interval = float(q.get("interval", "0.5"))
        n = int(q.get("n", "60"))
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(n))
        h.end_headers()
        for _ in range(n):
            if state.stopping.wait(interval):
                return
            h.wfile.write(b"x")
            h.wfile.flush()

    def hang(h: Handler, q: dict[str, str]) -> None:
        state.stopping.wait(30)

    def gate(h: Handler, q: dict[str, str]) -> None:
        key, n = q.get("key", "default"), int(q.get("n", "2"))
        with state.gate:
            state.gates[key] = state.gates.get(key, 0) + 1
            state.gate.notify_all()
            opened = state.gate.wait_for(
                lambda: state.gates.get(key, 0) >= n or state.stopping.is_set(), timeout=30
            )
        if opened and not state.stopping.is_set():
            h._send(200, FEED)

    def huge(h: Handler, q: dict[str, str]) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Connection", "close")
        h.end_headers()
        block = b"<rss><channel><description>" + b"A" * 65536
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not state.stopping.is_set():
            h.wfile.write(block)
        h.close_connection = True

    def big_declared(h: Handler, q: dict[str, str]) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(10 * 1024**3))
        h.end_headers()
        h.wfile.write(b"<rss>")
        h.close_connection = True

    def gz(h: Handler, q: dict[str, str]) -> None:
        h._send(200, gzip.compress(FEED), headers={"Content-Encoding": "gzip"})

    def deflate(h: Handler, q: dict[str, str]) -> None:
        h._send(200, zlib.compress(FEED), headers={"Content-Encoding": "deflate"})

    def gzipbomb(h: Handler, q: dict[str, str]) -> None:
        h._send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"})

    def badgzip(h: Handler, q: dict[str, str]) -> None:
        h._send(200, b"this is not gzip at all" * 10, headers={"Content-Encoding": "gzip"})

    def status(code: int) -> Callable[[Handler, dict[str, str]], None]:
        def handler(h: Handler, q: dict[str, str]) -> None:
            h._send(code, f"error {code}".encode(), "text/plain")

        return handler

    def flaky(h: Handler, q: dict[str, str]) -> None:
        key = q.get("key", "default")
        with state.lock:
            state.counters[key] = state.counters.get(key, 0) + 1
            count = state.counters[key]
        if count <= int(q.get("fail", "1")):
            h._send(500, b"try again", "text/plain")
        else:
            h._send(200, FEED)

    def too_many(h: Handler, q: dict[str, str]) -> None:
        h._send(429, b"slow down", "text/plain", {"Retry-After": q.get("after", "120")})

    def unavailable(h: Handler, q: dict[str, str]) -> None:
        h._send(503, b"later", "text/plain", {"Retry-After": q.get("after", "120")})

    def malformed(h: Handler, q: dict[str, str]) -> None:
        h._send(200, MALFORMED)

    def html(h: Handler, q: dict[str, str]) -> None:
        h._send(200, HTML_PAGE, "text/html; charset=utf-8")

    def secret(h: Handler, q: dict[str, str]) -> None:
        h._send(200, SECRET, "text/plain")

    ROUTES: dict[str, Callable[[Handler, dict[str, str]], None]] = {
        "/feed.xml": feed,
        "/podcast.xml": podcast,
        "/redirect-to": redirect_to,
        "/permanent": permanent,
        "/redirect-loop": redirect_loop,
        "/redirect-chain": redirect_chain,
        "/cookie-then": cookie_then,
        "/slow": slow,
        "/hang": hang,
        "/gate": gate,
        "/huge": huge,
        "/big-declared": big_declared,
        "/gzip": gz,
        "/deflate": deflate,
        "/gzipbomb": gzipbomb,
        "/badgzip": badgzip,
        "/404": status(404),
        "/500": status(500),
        "/flaky": flaky,
        "/429": too_many,
        "/503": unavailable,
        "/malformed": malformed,
        "/html": html,
        "/internal-secret": secret,
        "/": secret,
    }
    return Handler


def start_server(tls: ssl.SSLContext | None = None) -> TestServer:
    """Start a server on 127.0.0.1 with an ephemeral port, serving from a daemon thread.

    With ``tls`` (a server-side context) it speaks HTTPS; ``url()`` still says http://,
    so use ``https_url()``.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    # Clients that hang up early (on purpose, in most tests) are not server errors.
    server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
    state = TestServer(server=server, thread=threading.Thread(target=lambda: None))
    server.RequestHandlerClass = _make_handler(state)
    thread = threading.Thread(target=server.serve_forever, name="feed-test-server", daemon=True)
    state.thread = thread
    thread.start()
    return state
