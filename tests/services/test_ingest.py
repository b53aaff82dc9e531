"""Ingest end to end: planner.services.ingest.refresh against loopback HTTP servers.

The feeds engineer's test server (tests/feeds/httpserver.py) plays two roles: **P**, the
"public" feed host, let through the address guard by its exact (127.0.0.1, port) with the
test-only ``FetchOptions.allow_addresses``, and **I**, an internal service that must never
be reached. P also serves ``/doc/NAME`` documents a test sets, to change a feed between
refreshes. Deadlines are short so the whole module stays fast.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import func, select

from planner.errors import Conflict, InvalidInput
from planner.feeds.fetch import FetchOptions
from planner.services import Workspace, contacts, feeds, ingest, open_workspace
from planner.services.contacts import ContactInput
from planner.storage.schema import DetectionRow, EntryRow, FeedRow
from tests.conftest import fixed_clock
from tests.conftest import run_cli as cli
from tests.feeds.httpserver import ETAG, FEED, LAST_MODIFIED, PODCAST, Hit, TestServer, start_server

T0 = datetime(2026, 11, 25, 12, tzinfo=UTC)


# --------------------------------------------------------------------------- servers


@dataclass
class Loopback:
    """P (allowed) and I (internal); ``docs`` are what P serves under /doc/NAME."""

    p: TestServer
    i: TestServer
    docs: dict[str, tuple[int, bytes, dict[str, str]]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.p.url(path)

    def serve(
        self,
        name: str,
        body: bytes,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        self.docs[name] = (status, body, dict(headers or {}))
        return self.p.url(f"/doc/{name}")

    def options(self, **changes: Any) -> FetchOptions:
        """Fast limits; only P's exact (ip, port) passes the address guard."""
        base = FetchOptions(
            connect_timeout=1.0,
            read_timeout=2.0,
            total_deadline=4.0,
            max_bytes=1024 * 1024,
            retries=1,
            backoff=0.01,
            allow_addresses=frozenset({("127.0.0.1", self.p.port)}),
        )
        return replace(base, **changes)


def _serve_docs(server: TestServer, docs: dict[str, tuple[int, bytes, dict[str, str]]]) -> None:
    """Teach P the /doc/NAME route without touching the shared server module."""
    base: Any = server.server.RequestHandlerClass

    class DocHandler(base):  # type: ignore[misc, valid-type]
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if not path.startswith("/doc/"):
                super().do_GET()
                return
            with server.lock:
                server.hits.append(Hit(self.path, {k.lower(): v for k, v in self.headers.items()}))
            status, body, headers = docs.get(path[5:], (404, b"not found", {}))
            extra = dict(headers)
            ctype = extra.pop("Content-Type", "application/rss+xml")
            self._send(status, body, ctype, extra)

    server.server.RequestHandlerClass = DocHandler


Servers = tuple[TestServer, TestServer, dict[str, Any]]


@contextmanager
def doc_servers() -> Iterator[Servers]:
    """P (public, with the /doc/NAME route) and I (internal), for a module's tests."""
    p, i = start_server(), start_server()
    docs: dict[str, tuple[int, bytes, dict[str, str]]] = {}
    _serve_docs(p, docs)
    try:
        yield p, i, docs
    finally:
        p.stop()
        i.stop()


def fresh_loopback(servers: Servers) -> Loopback:
    """The module's servers with no hits, routes or documents left by an earlier test."""
    p, i, docs = servers
    p.reset()
    i.reset()
    docs.clear()
    return Loopback(p, i, docs)


@pytest.fixture(scope="module")
def _servers() -> Iterator[Servers]:
    with doc_servers() as servers:
        yield servers


@pytest.fixture
def net(_servers: Servers) -> Loopback:
    return fresh_loopback(_servers)


class Clock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(ws: Workspace) -> Clock:
    c = Clock()
    ws.clock = c
    return c


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every parse ingest does, by feed URL."""
    calls: list[str] = []
    real = ingest.parse_feed_auto

    def counting(body: bytes, url: str = "", *args: Any, **kwargs: Any) -> Any:
        calls.append(url)
        return real(body, url, *args, **kwargs)

    monkeypatch.setattr(ingest, "parse_feed_auto", counting)
    return calls


def refresh(ws: Workspace, net: Loopback, **kwargs: Any) -> ingest.IngestSummary:
    options = kwargs.pop("options", None) or net.options()
    return ingest.refresh(ws, options=options, **kwargs)


def feed_row(ws: Workspace, feed_id: int) -> FeedRow:
    with ws.read() as s:
        row = s.get(FeedRow, feed_id)
        assert row is not None
        return row


def entries(ws: Workspace, feed_id: int | None = None) -> list[EntryRow]:
    with ws.read() as s:
        query = select(EntryRow).order_by(EntryRow.id)
        if feed_id is not None:
            query = query.where(EntryRow.feed_id == feed_id)
        return list(s.scalars(query))


def outcome(summary: ingest.IngestSummary, feed_id: int) -> ingest.FeedOutcome:
    return next(o for o in summary.outcomes if o.feed_id == feed_id)


def rss(*items: tuple[str, str, str], title: str = "Doc feed", extra: str = "") -> bytes:
    """RSS with (guid, title, description) items; each links to https://doc.example/GUID."""
    body = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>https://doc.example/{g}</link>"
        f"<pubDate>Tue, 17 Nov 2026 09:30:00 GMT</pubDate><description>{d}</description></item>"
        for g, t, d in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://doc.example/</link>{extra}{body}</channel></rss>"
    ).encode()


# --------------------------------------------------------------------------- storing


def test_a_new_feed_stores_its_entries(ws: Workspace, net: Loopback, clock: Clock) -> None:
    feed_id = feeds.add_feed(ws, net.url("/feed.xml"), owner="me")
    summary = refresh(ws, net)
    assert summary.describe() == (
        "fetched 1, unchanged 0, failed 0, new entries 2, updated entries 0"
    )
    assert outcome(summary, feed_id).status == "fetched"
    stored = entries(ws, feed_id)
    assert sorted((e.guid, e.title, e.link) for e in stored) == [
        ("post-1", "First post", "https://blog.example/1"),
        ("post-2", "Second post", "https://blog.example/2"),
    ]
    first = next(e for e in stored if e.guid == "post-1")
    assert first.published == datetime(2026, 11, 17, 8, 30)  # stored as naive UTC
    assert "Hello Jane Doe" in first.summary_text
    row = feed_row(ws, feed_id)
    assert (row.title, row.kind, row.etag, row.last_modified) == (
        "Test blog",
        "blog",
        ETAG,
        LAST_MODIFIED,
    )
    assert row.last_fetched_at == clock.now.replace(tzinfo=None)
    assert (row.error_count, row.last_error, row.next_fetch_after) == (0, None, None)
    info = feeds.list_feeds(ws)[0]
    assert (info.entries, info.title, info.last_error) == (2, "Test blog", "")


def test_a_304_is_unchanged_with_no_parse_and_no_writes(
    ws: Workspace, net: Loopback, clock: Clock, parses: list[str]
) -> None:
    feed_id = feeds.add_feed(ws, net.url("/feed.xml"))
    refresh(ws, net)
    assert len(parses) == 1
    before = {e.id: (e.updated_at, e.content_hash) for e in entries(ws)}
    body_hash = feed_row(ws, feed_id).body_hash
    clock.advance(hours=1)

    summary = refresh(ws, net)
    result = outcome(summary, feed_id)
    assert (result.status, result.message) == ("unchanged", "not modified (304)")
    assert summary.describe().startswith("fetched 0, unchanged 1, failed 0, new entries 0")
    assert len(parses) == 1  # not parsed again
    sent = net.p.hits[-1].headers
    assert sent["if-none-match"] == ETAG and sent["if-modified-since"] == LAST_MODIFIED
    assert {e.id: (e.updated_at, e.content_hash) for e in entries(ws)} == before
    row = feed_row(ws, feed_id)
    assert row.body_hash == body_hash
    assert row.last_fetched_at == clock.now.replace(tzinfo=None)  # it was checked


def test_the_same_bytes_without_validators_are_unchanged(
    ws: Workspace, net: Loopback, clock: Clock, parses: list[str]
) -> None:
    url = net.serve("plain", rss(("a", "A", "one"), ("b", "B", "two")))
    feed_id = feeds.add_feed(ws, url)
    assert outcome(refresh(ws, net), feed_id).new == 2
    before = [(e.id, e.updated_at) for e in entries(ws)]
    clock.advance(hours=2)

    result = outcome(refresh(ws, net), feed_id)
    assert (result.status, result.message) == ("unchanged", "same content as last time")
    assert "if-none-match" not in net.p.hits[-1].headers  # nothing to validate with
    assert parses == [url]
    assert [(e.id, e.updated_at) for e in entries(ws)] == before


def test_a_changed_entry_is_updated_not_duplicated(
    ws: Workspace, net: Loopback, clock: Clock
) -> None:
    url = net.serve("changing", rss(("a", "Draft title", "one"), ("b", "B", "two")))
    feed_id = feeds.add_feed(ws, url)
    refresh(ws, net)
    ids = {e.guid: e.id for e in entries(ws)}
    b_updated = next(e.updated_at for e in entries(ws) if e.guid == "b")
    clock.advance(days=1)
    net.serve(
        "changing", rss(("a", "Final title", "one, edited"), ("b", "B", "two"), ("c", "C", ""))
    )

    result = outcome(refresh(ws, net), feed_id)
    assert (result.status, result.new, result.updated) == ("fetched", 1, 1)
    stored = {e.guid: e for e in entries(ws)}
    assert sorted(stored) == ["a", "b", "c"]
    assert stored["a"].id == ids["a"] and stored["a"].title == "Final title"
    assert stored["a"].updated_at == clock.now.replace(tzinfo=None)
    assert stored["b"].updated_at == b_updated  # untouched
    assert feeds.list_feeds(ws)[0].entries == 3


def test_the_same_article_in_two_feeds_is_a_duplicate_detected_once(
    ws: Workspace, net: Loopback, clock: Clock
) -> None:
    jane = contacts.add(ws, ContactInput(name="Jane Doe", domains="janedoe.example"))
    item = ("jane-interview", "Interview with Jane Doe", "Jane Doe on pricing and launches")
    first = feeds.add_feed(ws, net.serve("mine", rss(item, title="Mine")), owner="me")
    second = feeds.add_feed(ws, net.serve("mirror", rss(item, title="Mirror")), owner="me")
    refresh(ws, net, feed_ids=[first])
    refresh(ws, net, feed_ids=[second])

    original = entries(ws, first)[0]
    copy = entries(ws, second)[0]
    assert original.duplicate_of_id is None
    assert copy.duplicate_of_id == original.id
    with ws.read() as s:
        found = list(s.scalars(select(DetectionRow).where(DetectionRow.contact_id == jane.id)))
    assert [d.entry_id for d in found] == [original.id]
    browsed = feeds.list_entries(ws, second)
    assert [e.duplicate_of_id for e in browsed] == [original.id]


def test_the_refresh_reports_progress_per_feed(ws: Workspace, net: Loopback) -> None:
    ids = [
        feeds.add_feed(ws, net.url("/feed.xml")),
        feeds.add_feed(ws, net.url("/podcast.xml")),
        feeds.add_feed(ws, net.url("/404")),
    ]
    seen: list[tuple[int, int, int, str]] = []
    summary = refresh(ws, net, on_progress=lambda d, t, o: seen.append((d, t, o.feed_id, o.status)))
    assert [(d, t) for d, t, _, _ in seen] == [(1, 3), (2, 3), (3, 3)]
    assert {(f, s) for _, _, f, s in seen} == {
        (ids[0], "fetched"),
        (ids[1], "fetched"),
        (ids[2], "failed"),
    }
    assert len(summary.outcomes) == 3


# --------------------------------------------------------------------------- failures


def test_a_redirect_to_a_private_address_fails_and_the_others_are_fetched(
    ws: Workspace, net: Loopback, clock: Clock
) -> None:
    target = net.i.url("/internal-secret")
    bad = feeds.add_feed(ws, net.url("/redirect-to?u=" + quote(target, safe="")))
    good = feeds.add_feed(ws, net.url("/feed.xml"))
    summary = refresh(ws, net)

    failed = outcome(summary, bad)
    assert failed.status == "failed"
    assert outcome(summary, good).status == "fetched"
    assert net.i.hits == []  # the internal service was never reached
    row = feed_row(ws, bad)
    assert row.last_error is not None
    assert "non-public address" in row.last_error and "loopback" in row.last_error
    assert "redirect" in row.last_error
    assert row.error_count == 1
    assert row.last_error_at == clock.now.replace(tzinfo=None)
    assert row.next_fetch_after == (clock.now + ingest.BACKOFF_BASE).replace(tzinfo=None)
    assert entries(ws, bad) == [] and len(entries(ws, good)) == 2
    listed = {f.id: f for f in feeds.list_feeds(ws)}
    assert listed[bad].last_error == row.last_error and listed[bad].error_count == 1
    assert summary.failures == [failed]


def test_allow_private_reaches_a_self_hosted_feed(ws: Workspace, net: Loopback) -> None:
    feed_id = feeds.add_feed(ws, net.i.url("/feed.xml"))
    refused = outcome(refresh(ws, net), feed_id)
    assert refused.status == "failed" and "allow private addresses in Settings" in refused.message
    options = net.options(allow_private=True, allow_addresses=frozenset())
    assert outcome(refresh(ws, net, options=options, force=True), feed_id).new == 2
    assert feed_row(ws, feed_id).error_count == 0


def test_allow_private_true_is_the_settings_switch(ws: Workspace, net: Loopback) -> None:
    feed_id = feeds.add_feed(ws, net.i.url("/feed.xml"))
    assert outcome(ingest.refresh(ws, allow_private=True), feed_id).status == "fetched"


def test_a_slow_server_times_out(ws: Workspace, net: Loopback) -> None:
    feed_id = feeds.add_feed(ws, net.url("/slow?interval=0.3&n=100"))
    started = time.monotonic()
    result = outcome(refresh(ws, net, options=net.options(total_deadline=1.0)), feed_id)
    assert time.monotonic() - started < 4
    assert result.status == "failed" and "timed out" in result.message
    assert feed_row(ws, feed_id).last_error == result.message


@pytest.mark.parametrize(
    ("path", "detail"),
    [("/huge", "exceeds 65536 bytes"), ("/big-declared", "Content-Length says 10737418240")],
)
def test_an_oversize_body_fails_naming_the_cap(
    ws: Workspace, net: Loopback, path: str, detail: str
) -> None:
    feed_id = feeds.add_feed(ws, net.url(path))
    result = outcome(refresh(ws, net, options=net.options(max_bytes=65536)), feed_id)
    assert result.status == "failed"
    assert result.message.startswith("too large") and detail in result.message
    assert entries(ws, feed_id) == []


def test_the_size_cap_comes_from_settings(ws: Workspace, net: Loopback) -> None:
    from planner.services import settings as settings_service

    settings_service.save_settings(
        ws, replace(ws.settings(), fetch_max_bytes=4096, allow_private_addresses=True)
    )
    feed_id = feeds.add_feed(ws, net.url("/huge"))
    result = outcome(ingest.refresh(ws), feed_id)
    assert result.status == "failed" and "exceeds 4096 bytes" in result.message


@pytest.mark.parametrize(
    ("path", "status"), [("/404", "HTTP 404 Not Found"), ("/500", "HTTP 500 Internal Server Error")]
)
def test_http_errors_fail_with_their_status(
    ws: Workspace, net: Loopback, path: str, status: str
) -> None:
    feed_id = feeds.add_feed(ws, net.url(path))
    result = outcome(refresh(ws, net), feed_id)
    assert result.status == "failed" and result.message.startswith(status)
    row = feed_row(ws, feed_id)
    assert row.last_error == result.message and row.error_count == 1


def test_retry_after_pushes_the_next_fetch_back(ws: Workspace, net: Loopback, clock: Clock) -> None:
    feed_id = feeds.add_feed(ws, net.url("/429?after=3000"))
    result = outcome(refresh(ws, net), feed_id)
    assert result.status == "failed" and "retry after 3000 s" in result.message
    row = feed_row(ws, feed_id)
    assert row.next_fetch_after == (clock.now + timedelta(seconds=3000)).replace(tzinfo=None)


def test_a_gzip_feed_is_read(ws: Workspace, net: Loopback) -> None:
    feed_id = feeds.add_feed(ws, net.url("/gzip"))
    result = outcome(refresh(ws, net), feed_id)
    assert (result.status, result.new) == ("fetched", 2)
    assert "gzip" in net.p.hits[-1].headers["accept-encoding"]
    assert sorted(e.guid for e in entries(ws)) == ["post-1", "post-2"]


def test_malformed_xml_with_entries_is_stored_with_a_warning(ws: Workspace, net: Loopback) -> None:
    feed_id = feeds.add_feed(ws, net.url("/malformed"))
    result = outcome(refresh(ws, net), feed_id)
    assert (result.status, result.new) == ("fetched", 2)
    assert result.message.startswith("warning: not well-formed XML")
    row = feed_row(ws, feed_id)
    assert row.last_error is None and row.warning and "2 entries read anyway" in row.warning
    assert feeds.list_feeds(ws)[0].warning == row.warning


def test_an_html_page_is_not_a_feed(ws: Workspace, net: Loopback) -> None:
    feed_id = feeds.add_feed(ws, net.url("/html"))
    result = outcome(refresh(ws, net), feed_id)
    assert result.status == "failed"
    assert result.message.startswith("this is not a feed: looks like an HTML page")
    assert "links to 1 feed(s)" in result.message
    assert feed_row(ws, feed_id).last_error == result.message


def test_a_podcast_feed_stores_its_people(ws: Workspace, net: Loopback) -> None:
    feed_id = feeds.add_feed(ws, net.url("/podcast.xml"), owner="me")
    refresh(ws, net)
    row = feed_row(ws, feed_id)
    assert (row.kind, row.title) == ("podcast", "Test cast")
    stored = {e.guid: e for e in entries(ws)}
    ep1 = stored["ep-1"]
    assert ep1.people == [
        {"name": "Jane Doe", "role": "guest", "href": "https://jane.example/"},
        {"name": "John Smith", "role": "guest", "href": ""},
    ]
    assert (ep1.enclosure_url, ep1.duration_seconds) == ("https://cast.example/1.mp3", 3723)
    # an episode without its own credits gets the channel's host
    assert [p["name"] for p in stored["ep-2"].people] == ["Hanna Host"]
    browsed = {e.title: e.people for e in feeds.list_entries(ws, feed_id)}
    assert browsed["Ep 1"] == "Jane Doe (guest)|John Smith (guest)"


@pytest.mark.parametrize(
    ("path", "given", "kind"),
    [
        ("/feed.xml", None, "blog"),
        ("/podcast.xml", None, "podcast"),
        ("/podcast.xml", "blog", "blog"),
        ("/feed.xml", "podcast", "podcast"),
    ],
)
def test_the_kind_is_guessed_unless_given(
    ws: Workspace, net: Loopback, path: str, given: str | None, kind: str
) -> None:
    feed_id = feeds.add_feed(ws, net.url(path), kind=given)
    assert feed_row(ws, feed_id).kind == (given or "")
    refresh(ws, net)
    assert feed_row(ws, feed_id).kind == kind


def test_itunes_tags_alone_make_a_podcast(ws: Workspace, net: Loopback) -> None:
    itunes = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
    body = rss(("x", "X", "y")).replace(b'version="2.0"', b'version="2.0" ' + itunes.encode())
    body = body.replace(b"</title>", b"</title><itunes:explicit>no</itunes:explicit>", 1)
    feed_id = feeds.add_feed(ws, net.serve("itunes", body))
    refresh(ws, net)
    assert feed_row(ws, feed_id).kind == "podcast"


# --------------------------------------------------------------------------- backoff


def test_a_failed_feed_backs_off_unless_forced_or_named(
    ws: Workspace, net: Loopback, clock: Clock
) -> None:
    bad = feeds.add_feed(ws, net.url("/404"))
    good = feeds.add_feed(ws, net.url("/feed.xml"))
    refresh(ws, net)
    assert net.p.paths().count("/404") == 1

    again = refresh(ws, net)
    skipped = outcome(again, bad)
    assert skipped.status == "skipped" and skipped.message.startswith("backing off until")
    assert outcome(again, good).status == "unchanged"
    assert net.p.paths().count("/404") == 1  # not asked again
    assert again.describe().endswith("skipped 1 (backing off)")

    assert outcome(refresh(ws, net, force=True), bad).status == "failed"
    row = feed_row(ws, bad)
    assert row.error_count == 2
    assert row.next_fetch_after == (clock.now + 2 * ingest.BACKOFF_BASE).replace(tzinfo=None)

    assert outcome(refresh(ws, net, feed_ids=[bad]), bad).status == "failed"
    assert feed_row(ws, bad).error_count == 3
    assert net.p.paths().count("/404") == 3

    clock.advance(hours=1, minutes=1)  # past the 60-minute backoff after 3 failures
    assert outcome(refresh(ws, net), bad).status == "failed"
    assert feed_row(ws, bad).error_count == 4


def test_a_recovered_feed_clears_its_error(ws: Workspace, net: Loopback, clock: Clock) -> None:
    url = net.serve("flaky", b"gone", status=404, headers={"Content-Type": "text/plain"})
    feed_id = feeds.add_feed(ws, url)
    assert outcome(refresh(ws, net), feed_id).status == "failed"
    net.serve("flaky", rss(("a", "A", "back")))
    clock.advance(minutes=16)
    assert outcome(refresh(ws, net), feed_id).status == "fetched"
    row = feed_row(ws, feed_id)
    assert (row.last_error, row.error_count, row.next_fetch_after) == (None, 0, None)


def test_the_backoff_is_capped_at_a_day(ws: Workspace, net: Loopback, clock: Clock) -> None:
    feed_id = feeds.add_feed(ws, net.url("/404"))
    for _ in range(9):
        refresh(ws, net, force=True)
    row = feed_row(ws, feed_id)
    assert row.error_count == 9
    assert row.next_fetch_after == (clock.now + ingest.BACKOFF_CAP).replace(tzinfo=None)


# --------------------------------------------------------------------------- files, uploads


def test_a_feed_file_is_read_and_reread(ws: Workspace, tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "saved.xml"
    path.write_bytes(FEED)
    feed_id = feeds.add_file(ws, path, owner="me")
    assert outcome(ingest.refresh(ws), feed_id).new == 2
    assert outcome(ingest.refresh(ws), feed_id).status == "unchanged"
    path.write_bytes(FEED.replace(b"Second post", b"Second post, revised"))
    assert outcome(ingest.refresh(ws), feed_id).updated == 1
    path.unlink()
    gone = outcome(ingest.refresh(ws), feed_id)
    assert gone.status == "failed" and "cannot read" in gone.message


def test_add_file_refuses_what_is_not_a_file(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not a readable file"):
        feeds.add_file(ws, tmp_path)
    with pytest.raises(InvalidInput, match="not a readable file"):
        feeds.add_file(ws, tmp_path / "missing.xml")
    assert feeds.list_feeds(ws) == []


def test_an_upload_is_ingested_once_and_skipped_by_refresh(ws: Workspace) -> None:
    feed_id = feeds.add_upload(ws, "../../etc/my feed.xml", owner="me")
    info = feeds.list_feeds(ws)[0]
    assert info.url == f"upload:{feed_id}/my feed.xml" and info.is_local
    result = ingest.ingest_bytes(ws, feed_id, PODCAST)
    assert (result.status, result.new) == ("fetched", 2)
    assert feeds.list_feeds(ws)[0].title == "Test cast"
    skipped = outcome(ingest.refresh(ws), feed_id)
    assert skipped.status == "skipped" and "upload it again" in skipped.message
    assert ingest.ingest_bytes(ws, feed_id, PODCAST).status == "unchanged"


def test_uploads_with_the_same_name_never_collide(ws: Workspace) -> None:
    first = feeds.add_upload(ws, "feed.xml")
    second = feeds.add_upload(ws, "feed.xml")
    feeds.remove_feed(ws, first)
    third = feeds.add_upload(ws, "feed.xml")  # a count of feeds would reuse a URL here
    urls = [f.url for f in feeds.list_feeds(ws)]
    assert len(set(urls)) == 2 and {second, third} == {f.id for f in feeds.list_feeds(ws)}


def test_an_unreadable_upload_records_the_error(ws: Workspace) -> None:
    feed_id = feeds.add_upload(ws, "page.xml")
    result = ingest.ingest_bytes(ws, feed_id, b"<html><body>hello</body></html>")
    assert result.status == "failed" and "not a feed" in result.message
    assert feeds.list_feeds(ws)[0].last_error == result.message


def test_removing_a_feed_removes_its_entries(ws: Workspace, net: Loopback) -> None:
    feed_id = feeds.add_feed(ws, net.url("/feed.xml"))
    refresh(ws, net)
    assert feeds.remove_feed(ws, feed_id) == net.url("/feed.xml")
    with ws.read() as s:
        assert s.scalar(select(func.count()).select_from(EntryRow)) == 0


def test_a_feed_is_listed_once(ws: Workspace, net: Loopback) -> None:
    feeds.add_feed(ws, net.url("/feed.xml"))
    with pytest.raises(Conflict, match="already in the list"):
        feeds.add_feed(ws, net.url("/feed.xml"))


# --------------------------------------------------------------------------- OPML

NESTED_OPML = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>My reader</title></head><body>
  <outline text="Blogs">
    <outline text="Friends">
      <outline type="rss" text="Jane's blog" xmlUrl="https://janedoe.example/feed.xml"/>
      <outline type="rss" text="Bad one" xmlUrl="ftp://files.example/feed.xml"/>
    </outline>
    <outline type="rss" text="Industry news" xmlUrl="https://news.example/rss"/>
  </outline>
  <outline text="Podcasts">
    <outline type="rss" text="A show" xmlUrl="https://show.example/podcast.xml"/>
  </outline>
  <outline type="rss" text="Top level" xmlUrl="http://top.example/atom.xml"/>
</body></opml>
"""


def test_opml_import_reads_nested_outlines(ws: Workspace) -> None:
    result = feeds.import_opml(ws, NESTED_OPML, owner="industry")
    assert result.added == 4
    assert len(result.skipped) == 1 and "ftp://files.example/feed.xml" in result.skipped[0]
    listed = {f.url: f for f in feeds.list_feeds(ws)}
    assert listed["https://janedoe.example/feed.xml"].title == "Jane's blog"
    with ws.read() as s:
        categories = dict(s.execute(select(FeedRow.url, FeedRow.category)).all())
    assert categories == {
        "https://janedoe.example/feed.xml": "Blogs/Friends",
        "https://news.example/rss": "Blogs",
        "https://show.example/podcast.xml": "Podcasts",
        "http://top.example/atom.xml": "",
    }
    again = feeds.import_opml(ws, NESTED_OPML)
    assert again.added == 0 and sum("already in the list" in s for s in again.skipped) == 4


def test_opml_export_then_import_round_trips(ws: Workspace, tmp_path: Path) -> None:
    feeds.import_opml(ws, NESTED_OPML)
    feeds.add_upload(ws, "local.xml")  # local feeds are not exported
    exported = feeds.export_opml(ws)
    assert b"<dateCreated>Wed, 25 Nov 2026 12:00:00 +0000</dateCreated>" in exported  # ws clock
    other = open_workspace(f"sqlite:///{tmp_path / 'other.db'}", clock=fixed_clock())
    try:
        result = feeds.import_opml(other, exported)
        assert (result.added, result.skipped) == (4, [])

        def shape(w: Workspace) -> set[tuple[str, str, str]]:
            with w.read() as s:
                return {
                    tuple(r)
                    for r in s.execute(select(FeedRow.url, FeedRow.title, FeedRow.category))
                }

        assert shape(other) == shape(ws) - {
            (f.url, f.title, "") for f in feeds.list_feeds(ws) if f.is_local
        }
    finally:
        other.engine.dispose()


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "this OPML file is empty"),
        (b"name,url\nx,https://x.example/feed\n", "not an OPML file"),
        (FEED, "this is a feed, not an OPML list"),
        (b'<!DOCTYPE opml [<!ENTITY a "b">]><opml/>', "refused"),
    ],
)
def test_a_file_that_is_not_an_opml_list_is_refused_clearly(
    ws: Workspace, data: bytes, why: str
) -> None:
    with pytest.raises(InvalidInput, match=why):
        feeds.import_opml(ws, data)
    assert feeds.list_feeds(ws) == []


# --------------------------------------------------------------------------- CLI


def test_planner_ingest_lists_failures_and_exits_0(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, net: Loopback
) -> None:
    good = feeds.add_feed(ws, net.url("/feed.xml"))
    bad = feeds.add_feed(ws, net.url("/404"))
    html = feeds.add_feed(ws, net.url("/html"))
    code, out, err = cli(capsys, db_url, "ingest", "--allow-private")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "fetched 1, unchanged 0, failed 2, new entries 2, updated entries 0"
    assert f"  failed: feed {bad} {net.url('/404')}: HTTP 404 Not Found" in out
    assert f"  failed: feed {html} {net.url('/html')}: this is not a feed" in out
    assert len(entries(ws, good)) == 2

    code, out, _ = cli(capsys, db_url, "ingest", "--allow-private", "--feed", str(good))
    assert code == 0 and out.startswith("fetched 0, unchanged 1, failed 0")


def test_planner_ingest_without_allow_private_refuses_loopback(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, net: Loopback
) -> None:
    feeds.add_feed(ws, net.url("/feed.xml"))
    code, out, _ = cli(capsys, db_url, "ingest")
    assert code == 0
    assert out.startswith("fetched 0, unchanged 0, failed 1")
    assert "non-public address" in out and net.p.hits == []


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "'file:' URLs are not fetched"),
        ("/etc/passwd", "local paths are never read"),
        ("ftp://files.example/feed.xml", "'ftp:' URLs are not fetched"),
        ("http://user:pw@blog.example/feed", "user name or password in the URL"),
        ("javascript:alert(1)", "'javascript:' URLs are not fetched"),
        ("blog.example/feed", "did you mean https://blog.example/feed?"),
    ],
)
def test_planner_feeds_add_refuses_what_is_not_a_web_feed(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, url: str, why: str
) -> None:
    code, out, err = cli(capsys, db_url, "feeds", "add", url)
    assert code == 2 and out == ""
    assert err.startswith("planner: error: scheme/host not allowed") and why in err
    assert feeds.list_feeds(ws) == []


def test_planner_feeds_add_fetches_at_once(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, net: Loopback
) -> None:
    contacts.add(ws, ContactInput(name="Jane Doe"))
    code, out, _ = cli(
        capsys,
        db_url,
        "feeds",
        "add",
        net.url("/podcast.xml"),
        "--owner",
        "Jane Doe",
        "--allow-private",
    )
    assert code == 0
    assert out.splitlines()[:2] == [
        f"added feed 1: {net.url('/podcast.xml')}",
        "fetched 1, unchanged 0, failed 0, new entries 2, updated entries 0",
    ]
    info = feeds.list_feeds(ws)[0]
    assert (info.kind, info.owner, info.owner_name) == ("podcast", "contact", "Jane Doe")

    code, _, err = cli(capsys, db_url, "feeds", "add", net.url("/feed.xml"), "--owner", "Nobody")
    assert code == 2 and "no contact named 'Nobody'" in err
    assert len(feeds.list_feeds(ws)) == 1


def test_planner_feeds_add_file_list_remove(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, tmp_path: Path
) -> None:
    blog, cast = tmp_path / "blog.xml", tmp_path / "cast.rss"
    blog.write_bytes(FEED)
    cast.write_bytes(PODCAST)
    code, out, _ = cli(capsys, db_url, "feeds", "add-file", str(blog), str(cast), "--owner", "me")
    assert code == 0
    assert f"added feed 1: {blog}" in out and f"added feed 2: {cast}" in out
    assert "fetched 2, unchanged 0, failed 0, new entries 4" in out
    code, out, _ = cli(capsys, db_url, "feeds", "list")
    listed = list(csv.DictReader(io.StringIO(out)))
    assert [(r["title"], r["kind"], r["owner"], r["entries"]) for r in listed] == [
        ("Test blog", "blog", "me", "2"),
        ("Test cast", "podcast", "me", "2"),
    ]
    code, out, _ = cli(capsys, db_url, "feeds", "remove", "1")
    assert code == 0 and out == f"removed feed 1: {blog.as_uri()}\n"
    code, _, err = cli(capsys, db_url, "feeds", "remove", "1")
    assert code == 2 and "no feed with id 1" in err
    code, _, err = cli(capsys, db_url, "feeds", "add-file", str(tmp_path / "nope.xml"))
    assert code == 2 and "not a readable file" in err


def test_planner_export_entries_for_one_feed(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, tmp_path: Path
) -> None:
    blog, cast = tmp_path / "blog.xml", tmp_path / "cast.xml"
    blog.write_bytes(FEED)
    cast.write_bytes(PODCAST)
    feeds.add_file(ws, blog)
    cast_id = feeds.add_file(ws, cast)
    ingest.refresh(ws)
    code, out, _ = cli(capsys, db_url, "export", "entries", "--feed", str(cast_id))
    assert code == 0
    reader = csv.DictReader(io.StringIO(out))
    assert reader.fieldnames == ["id", "feed_id", "guid", "title", "link", "published", "people"]
    rows = {r["guid"]: r for r in reader}
    assert set(rows) == {"ep-1", "ep-2"}
    assert {r["feed_id"] for r in rows.values()} == {str(cast_id)}
    assert rows["ep-1"]["people"] == "Jane Doe (guest)|John Smith (guest)"
    code, out, _ = cli(capsys, db_url, "export", "entries")
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == 4
    code, _, err = cli(capsys, db_url, "export", "entries", "--feed", "99")
    assert code == 2 and "no feed with id 99" in err


def test_planner_opml_import_and_export(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, tmp_path: Path
) -> None:
    source = tmp_path / "reader.opml"
    source.write_bytes(NESTED_OPML)
    code, out, _ = cli(capsys, db_url, "feeds", "import-opml", str(source))
    assert code == 0 and out.startswith("added 4 feed(s); skipped 1: ftp://files.example")
    target = tmp_path / "out.opml"
    code, _, _ = cli(capsys, db_url, "feeds", "export-opml", "--out", str(target))
    assert code == 0
    assert feeds.import_opml(ws, target.read_bytes()).added == 0  # all already listed
    code, _, err = cli(capsys, db_url, "feeds", "import-opml", str(tmp_path / "missing.opml"))
    assert code == 2 and "cannot read" in err
