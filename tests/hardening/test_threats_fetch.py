"""THREATS F1-F6 and P3 through the ingest service, not just the fetcher.

tests/feeds/ proves fetch() itself (refusals, redirects, deadlines, caps, Retry-After
parsing). These tests prove what the *product* does with it: feeds stored by the services
and refreshed by :func:`planner.services.ingest.refresh`, the way `planner ingest` and the
app do it, against the loopback servers P (allow-listed) and I (must see 0 requests).
"""

from __future__ import annotations

import dataclasses
import os
import resource
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.errors import InvalidInput
from planner.feeds.fetch import FetchOptions
from planner.services import Workspace, feeds, ingest, settings
from planner.storage.schema import EntryRow, FeedRow
from tests.conftest import ROOT
from tests.feeds.httpserver import ETAG, SECRET, TestServer
from tests.feeds.payloads import F1_REFUSED_URLS
from tests.hardening.conftest import Clock


@pytest.fixture
def quick(opts: FetchOptions) -> FetchOptions:
    """The feed tests' options without retries inside one fetch: one request per refresh."""
    return dataclasses.replace(opts, retries=0, max_inline_retry_after=0.0)


def _feed(ws: Workspace, feed_id: int) -> FeedRow:
    with ws.read() as s:
        row = s.get(FeedRow, feed_id)
        assert row is not None
        return row


def _entries(ws: Workspace, feed_id: int) -> list[tuple[int, str, object]]:
    with ws.read() as s:
        return list(
            s.execute(
                select(EntryRow.id, EntryRow.guid, EntryRow.updated_at)
                .where(EntryRow.feed_id == feed_id)
                .order_by(EntryRow.id)
            )
        )


# -- F6: failure counter, exponential backoff, Retry-After, conditional GET ---------------


def test_a_failing_feed_is_counted_backed_off_and_not_hammered(
    ws: Workspace, clock: Clock, public_server: TestServer, quick: FetchOptions
) -> None:
    """THREATS F6: 500 three times → error_count 3, each next poll ≥ the backoff, and no
    request at all while backing off (the "dead feed hammered every minute" case)."""
    feed_id = feeds.add_feed(ws, public_server.url("/500"))
    for attempt in (1, 2, 3):
        public_server.reset()
        summary = ingest.refresh(ws, options=quick)
        assert summary.count("failed") == 1 and public_server.paths() == ["/500"]
        row = _feed(ws, feed_id)
        wait = ingest.BACKOFF_BASE * 2 ** (attempt - 1)
        assert row.error_count == attempt
        assert row.next_fetch_after == clock.naive + wait
        assert row.last_error is not None and "HTTP 500" in row.last_error
        # Polled again a minute before the backoff ends: skipped, and not one request.
        public_server.reset()
        clock.advance(seconds=wait.total_seconds() - 60)
        summary = ingest.refresh(ws, options=quick)
        assert summary.count("skipped") == 1 and "backing off" in summary.outcomes[0].message
        assert public_server.hits == []
        clock.advance(seconds=60)
    [info] = feeds.list_feeds(ws)
    assert info.error_count == 3 and "HTTP 500" in info.last_error  # what the user sees


def test_backoff_is_capped_and_a_success_clears_the_failure(
    ws: Workspace, clock: Clock, public_server: TestServer, quick: FetchOptions
) -> None:
    feed_id = feeds.add_feed(ws, public_server.url("/flaky?key=hardening-f6&fail=12"))
    for _ in range(12):
        ingest.refresh(ws, options=quick, force=True)
    row = _feed(ws, feed_id)
    assert row.error_count == 12
    assert row.next_fetch_after == clock.naive + ingest.BACKOFF_CAP  # a day, not 2**11 × 15 min
    assert ingest.refresh(ws, options=quick, force=True).count("fetched") == 1
    row = _feed(ws, feed_id)
    assert (row.error_count, row.last_error, row.next_fetch_after) == (0, None, None)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured_between_refreshes(
    ws: Workspace, clock: Clock, public_server: TestServer, quick: FetchOptions, status: int
) -> None:
    """THREATS F6: a 429/503 with Retry-After: 2400 → no request to that feed for 40 min
    (longer than the 15 min backoff of a first failure, shorter than the 1 h cap)."""
    feed_id = feeds.add_feed(ws, public_server.url(f"/{status}?after=2400"))
    assert ingest.refresh(ws, options=quick).count("failed") == 1
    assert len(public_server.hits) == 1  # not retried inside the fetch either
    row = _feed(ws, feed_id)
    assert row.next_fetch_after == clock.naive + timedelta(seconds=2400)
    assert "retry after 2400 s" in (row.last_error or "")
    public_server.reset()
    answered = clock.moment
    for minutes in (1, 16, 39):
        clock.moment = answered + timedelta(minutes=minutes)
        assert ingest.refresh(ws, options=quick).count("skipped") == 1
    assert public_server.hits == []
    clock.moment = answered + timedelta(minutes=40)  # when the server said: asked again
    ingest.refresh(ws, options=quick)
    assert len(public_server.hits) == 1


def test_retry_after_is_capped(
    ws: Workspace, clock: Clock, public_server: TestServer, quick: FetchOptions
) -> None:
    feed_id = feeds.add_feed(ws, public_server.url("/503?after=99999999"))
    ingest.refresh(ws, options=quick)
    wait = _feed(ws, feed_id).next_fetch_after - clock.naive  # type: ignore[operator]
    assert wait == timedelta(seconds=quick.max_retry_after)


def test_a_matching_etag_is_a_304_and_no_entry_is_rewritten(
    ws: Workspace, clock: Clock, public_server: TestServer, opts: FetchOptions
) -> None:
    """THREATS F6: the second refresh sends the validators, gets a 304 and writes nothing."""
    feed_id = feeds.add_feed(ws, public_server.url("/feed.xml"))
    first = ingest.refresh(ws, options=opts)
    assert first.count("fetched") == 1 and first.new_entries == 2
    before = _entries(ws, feed_id)
    assert _feed(ws, feed_id).etag == ETAG
    public_server.reset()
    clock.advance(hours=1)
    again = ingest.refresh(ws, options=opts)
    assert again.count("unchanged") == 1 and again.new_entries == again.updated_entries == 0
    assert again.outcomes[0].message == "not modified (304)"
    assert public_server.hits[0].headers["if-none-match"] == ETAG
    assert _entries(ws, feed_id) == before  # same ids, same updated_at


# -- F2/F3: the guard holds for feeds stored by the services ------------------------------


def test_stored_feeds_pointing_inside_are_refused_with_zero_hits(
    ws: Workspace, public_server: TestServer, internal_server: TestServer, opts: FetchOptions
) -> None:
    direct = feeds.add_feed(ws, internal_server.url("/internal-secret"))
    hop = feeds.add_feed(
        ws, public_server.url(f"/redirect-to?u={internal_server.url('/internal-secret')}")
    )
    good = feeds.add_feed(ws, public_server.url("/feed.xml"))
    summary = ingest.refresh(ws, options=opts)
    by_id = {o.feed_id: o for o in summary.outcomes}
    assert by_id[good].status == "fetched"  # one refused feed does not stop the others
    for feed_id in (direct, hop):
        assert by_id[feed_id].status == "failed"
        assert "non-public address" in (_feed(ws, feed_id).last_error or "")
    assert "reached by a redirect" in (_feed(ws, hop).last_error or "")
    assert internal_server.hits == []
    with ws.read() as s:
        texts = s.scalars(select(EntryRow.title)).all() + s.scalars(select(FeedRow.title)).all()
    assert not any(SECRET.decode() in (t or "") for t in texts)


def test_the_default_settings_refuse_private_addresses(
    ws: Workspace, internal_server: TestServer
) -> None:
    """No options passed: what `planner ingest` and the app use (Settings defaults)."""
    feed_id = feeds.add_feed(ws, internal_server.url("/feed.xml"))
    summary = ingest.refresh(ws)
    assert summary.count("failed") == 1
    assert "non-public address" in (_feed(ws, feed_id).last_error or "")
    assert internal_server.hits == []


# -- F1: no user-typed URL ever becomes a file read ---------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "/etc/passwd",
        "/dev/zero",
        "feed:file:///etc/passwd",
        "ftp://x.example/",
        "http://user:pw@host.example/",
        "FILE:///etc/passwd",
        " file:///etc/passwd",
    ],
)
def test_user_urls_never_become_file_feeds(ws: Workspace, url: str) -> None:
    with pytest.raises(InvalidInput, match="scheme/host not allowed"):
        feeds.add_feed(ws, url)
    assert feeds.list_feeds(ws) == []


def test_opml_cannot_smuggle_a_file_feed(ws: Workspace) -> None:
    opml = (
        b'<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        b'<outline type="rss" text="a" xmlUrl="file:///etc/passwd"/>'
        b'<outline type="rss" text="b" xmlUrl="/dev/zero"/>'
        b'<outline type="rss" text="c" xmlUrl="https://ok.example/feed.xml"/>'
        b"</body></opml>"
    )
    result = feeds.import_opml(ws, opml)
    assert result.added == 1  # the two local ones are dropped by the OPML reader
    assert [f.url for f in feeds.list_feeds(ws)] == ["https://ok.example/feed.xml"]


def test_add_file_takes_regular_files_only(ws: Workspace) -> None:
    for path in ("/dev/zero", "/etc", "/no/such/file.xml"):
        with pytest.raises(InvalidInput, match="not a readable file"):
            feeds.add_file(ws, path)
    assert feeds.list_feeds(ws) == []


def _plant_file_feed(ws: Workspace, url: str) -> int:
    """A file:// feed row as a restored backup (or an old database) could hold it."""
    with ws.write() as s:
        row = FeedRow(url=url, kind="blog", owner="industry", error_count=0, created_at=ws.now())
        s.add(row)
        s.flush()
        return row.id


def test_a_file_feed_naming_a_fifo_is_refused_without_blocking(
    ws: Workspace, tmp_path: Path
) -> None:
    fifo = tmp_path / "probe.fifo"
    os.mkfifo(fifo)
    feed_id = _plant_file_feed(ws, fifo.as_uri())
    done: dict[str, ingest.IngestSummary] = {}
    worker = threading.Thread(target=lambda: done.update(s=ingest.refresh(ws)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # release a reader stuck in open(): a writer comes and goes
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=5)
        pytest.fail("reading a file:// feed that names a FIFO blocked the refresh")
    assert done["s"].count("failed") == 1
    assert "not a regular file" in (_feed(ws, feed_id).last_error or "")


def test_a_file_feed_is_read_up_to_the_size_cap_only(ws: Workspace, tmp_path: Path) -> None:
    settings.update_settings(ws, fetch_max_bytes=1024 * 1024)
    big = tmp_path / "big.xml"
    big.write_bytes(b'<?xml version="1.0"?><rss><channel><title>' + b"A" * 2_000_000)
    feed_id = _plant_file_feed(ws, big.as_uri())
    assert ingest.refresh(ws).count("failed") == 1
    assert "exceeds 1048576 bytes" in (_feed(ws, feed_id).last_error or "")


_DEV_ZERO_SCRIPT = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))
from planner.services import open_workspace, ingest
from planner.storage.schema import FeedRow
ws = open_workspace(sys.argv[1])
with ws.write() as s:
    s.add(FeedRow(url="file:///dev/zero", kind="blog", owner="industry", error_count=0,
                  created_at=ws.now()))
summary = ingest.refresh(ws)
from sqlalchemy import select
with ws.read() as s:
    print(summary.count("failed"), s.scalars(select(FeedRow.last_error)).one())
"""


def test_a_file_feed_naming_dev_zero_fails_at_once(ws: Workspace, db_url: str) -> None:
    """A restored backup saying file:///dev/zero: refused, not read until memory runs out.
    Run in a child with a 1 GiB address-space cap, so a regression cannot hurt the suite."""
    if ws.engine.dialect.name != "sqlite":
        pytest.skip("one database is enough for this check")
    ws.engine.dispose()
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _DEV_ZERO_SCRIPT, db_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0)),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("1 ") and "not a regular file" in done.stdout
    assert time.monotonic() - started < 60


# -- P3: malformed feeds keep their entries; a bad feed never stops the batch -------------


def test_bozo_feed_entries_are_stored_with_a_readable_warning(
    ws: Workspace, public_server: TestServer, opts: FetchOptions
) -> None:
    broken = feeds.add_feed(ws, public_server.url("/malformed"))
    page = feeds.add_feed(ws, public_server.url("/html"))
    good = feeds.add_feed(ws, public_server.url("/feed.xml"))
    summary = ingest.refresh(ws, options=opts)
    by_id = {o.feed_id: o for o in summary.outcomes}
    assert by_id[broken].status == "fetched" and by_id[broken].new == 2
    assert by_id[good].status == "fetched" and by_id[good].new == 2
    assert by_id[page].status == "failed"
    shown = {f.id: f for f in feeds.list_feeds(ws)}
    assert shown[broken].warning and "Traceback" not in shown[broken].warning
    assert shown[page].last_error and "feed" in shown[page].last_error.lower()
    with ws.read() as s:
        n = s.scalar(select(func.count()).select_from(EntryRow).where(EntryRow.feed_id == broken))
    assert n == 2


# -- F1 as written: a spy on open() and on the fetcher sees 0 calls ------------------------


@pytest.mark.parametrize("url", F1_REFUSED_URLS)
def test_f1_rejected_feed_urls_cause_no_open_and_no_fetch(
    ws: Workspace, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """THREATS F1: adding the URL is refused before any I/O: builtins.open, the fetcher
    (fetch/fetch_many) and the resolver are spied on and see nothing."""
    import builtins
    import importlib
    import socket

    fetch_module = importlib.import_module("planner.feeds.fetch")

    calls: list[str] = []
    real_open = builtins.open

    def spy(name: str, real: object = None) -> object:
        def record(*args: object, **kwargs: object) -> object:
            calls.append(f"{name}{args[:1]!r}")
            if real is None:
                raise AssertionError(f"{name} must not be called")
            return real(*args, **kwargs)  # type: ignore[operator]

        return record

    monkeypatch.setattr(builtins, "open", spy("open", real_open))
    monkeypatch.setattr(socket, "getaddrinfo", spy("getaddrinfo"))
    monkeypatch.setattr(fetch_module, "fetch", spy("fetch"))
    monkeypatch.setattr(fetch_module, "fetch_many", spy("fetch_many"))
    monkeypatch.setattr(ingest, "fetch_many", spy("ingest.fetch_many"))
    with pytest.raises(InvalidInput, match="scheme/host not allowed"):
        feeds.add_feed(ws, url)
    assert calls == []
    monkeypatch.setattr(builtins, "open", real_open)
    assert feeds.list_feeds(ws) == []


# -- P4: entries-per-feed cap, field-length caps, a CPU-heavy feed through ingest ------------


def _rss_items(n: int, *, title: str = "") -> bytes:
    items = "".join(
        f"<item><guid>g{i}</guid><title>item {i}</title><link>https://blog.example/{i}</link>"
        f"<pubDate>{(i % 28) + 1:02d} Nov 2026 {i // 28 % 24:02d}:{i % 60:02d}:00 GMT</pubDate>"
        "</item>"
        for i in range(n)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Big</title><link>https://blog.example/</link>"
        + (f"<item><guid>long</guid><title>{title}</title></item>" if title else "")
        + items
        + "</channel></rss>"
    ).encode()


def test_p4_a_600_item_feed_stores_the_500_newest(ws: Workspace, tmp_path: Path) -> None:
    """THREATS P4: "A 600-item feed → 500 stored." The cap is the max_entries_per_feed
    setting (default 10,000); set to the row's 500 here."""
    settings.update_settings(ws, max_entries_per_feed=500)
    path = tmp_path / "big.xml"
    path.write_bytes(_rss_items(600))
    feed_id = feeds.add_file(ws, path)
    summary = ingest.refresh(ws)
    assert summary.count("fetched") == 1 and summary.new_entries == 500
    guids = {g for _, g, _ in _entries(ws, feed_id)}
    assert len(guids) == 500
    # The 100 skipped are the oldest by date: every kept one is at least as new as them.
    from planner.feeds.parse import parse_feed

    full = parse_feed(path.read_bytes(), max_entries=600)
    by_guid = {e.guid: e.published for e in full.entries}
    oldest_kept = min(by_guid[g] for g in guids)
    assert all(by_guid[g] <= oldest_kept for g in set(by_guid) - guids)
    assert "100 older entries skipped (more than 500)" in (_feed(ws, feed_id).warning or "")


def test_p4_a_1_mb_title_is_stored_as_1000_characters(ws: Workspace, tmp_path: Path) -> None:
    """THREATS P4: "A 1 MB <title> → truncated to 1 KB" (1,000 characters here)."""
    path = tmp_path / "long.xml"
    path.write_bytes(_rss_items(1, title="T" * 1024 * 1024))
    feed_id = feeds.add_file(ws, path)
    assert ingest.refresh(ws).count("fetched") == 1
    with ws.read() as s:
        titles = s.scalars(select(EntryRow.title).where(EntryRow.feed_id == feed_id)).all()
    assert sorted(len(t) for t in titles) == [len("item 0"), 1000]


def test_p4_a_cpu_heavy_feed_fails_in_the_worker_and_the_app_goes_on(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """THREATS P4: a legal but huge feed is stopped by the parse worker's CPU limit (1 s
    here instead of the default), the feed is marked failed with a readable reason, and
    the next refresh and reads still work."""
    from planner.feeds import isolate

    real = isolate.parse_feed_auto
    monkeypatch.setattr(
        ingest,
        "parse_feed_auto",
        lambda body, **kw: real(body, **kw, cpu_s=1, timeout_s=20),
    )
    path = tmp_path / "huge.xml"
    path.write_bytes(_rss_items(40_000))
    feed_id = feeds.add_file(ws, path)
    started = time.monotonic()
    summary = ingest.refresh(ws)
    assert time.monotonic() - started < 15
    assert summary.count("failed") == 1
    row = _feed(ws, feed_id)
    assert "more than 1 s of CPU" in (row.last_error or "") and row.error_count == 1
    assert _entries(ws, feed_id) == []
    assert [f.id for f in feeds.list_feeds(ws)] == [feed_id]


def test_f6_retry_after_holds_every_feed_on_that_host(
    ws: Workspace, clock: Clock, public_server: TestServer, quick: FetchOptions
) -> None:
    """THREATS F6: "429 with Retry-After: 120 → no request to that host for 120 s", not
    only to the feed that got the 429: the other feed on the same host waits too, for the
    Retry-After (not the first feed's 15 min backoff), then is fetched again."""
    limited = feeds.add_feed(ws, public_server.url("/429?after=120"))
    other = feeds.add_feed(ws, public_server.url("/feed.xml"))
    first = {o.feed_id: o.status for o in ingest.refresh(ws, options=quick).outcomes}
    assert first == {limited: "failed", other: "fetched"}
    answered = clock.moment
    for seconds in (1, 60, 119):
        public_server.reset()
        clock.moment = answered + timedelta(seconds=seconds)
        summary = ingest.refresh(ws, options=quick)
        by_id = {o.feed_id: o for o in summary.outcomes}
        assert by_id[limited].status == by_id[other].status == "skipped"
        assert "asked to wait (Retry-After)" in by_id[other].message
        assert public_server.hits == []
    clock.moment = answered + timedelta(seconds=121)
    by_id = {o.feed_id: o.status for o in ingest.refresh(ws, options=quick).outcomes}
    assert by_id == {limited: "skipped", other: "unchanged"}  # its own backoff: 15 min
    assert public_server.paths() == ["/feed.xml"]
    # Asked by name ("Refresh this feed"), a feed is fetched whatever the host said.
    public_server.reset()
    clock.moment = answered + timedelta(seconds=2)
    ingest.refresh(ws, options=quick, feed_ids=[limited])  # 429 again: a new Retry-After
    ingest.refresh(ws, options=quick, feed_ids=[other])
    assert sorted(public_server.paths()) == ["/429?after=120", "/feed.xml"]
