"""THREATS P1 edges the parse tests leave open: DTDs and entities that point at local files.

tests/feeds/test_feeds_parse.py refuses every internal subset (XXE file/parameter entities,
billion laughs, QUAD) and shows a remote external DTD is never fetched. The external-DTD
form passes our prolog guard on purpose (feedparser drops it), so prove that naming a
local file there neither reads it nor blocks on it: a FIFO would hang any open(), and a
secret file's text must not reach the parsed feed. Both through the in-process parser and
the isolated worker the ingest service uses for big bodies.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from planner.domain.entry import ParsedFeed
from planner.feeds.errors import FeedError
from planner.feeds.isolate import parse_feed_isolated
from planner.feeds.parse import parse_feed

SECRET = "top-secret-4c1d"
PARSERS: dict[str, Callable[[bytes], ParsedFeed]] = {
    "in-process": lambda body: parse_feed(body, url="https://x.example/feed"),
    "isolated": lambda body: parse_feed_isolated(body, "https://x.example/feed"),
}


def _with_external_dtd(target: Path) -> bytes:
    doctype = f'<!DOCTYPE rss SYSTEM "{target.as_uri()}">'
    return (
        f'<?xml version="1.0"?>{doctype}'
        '<rss version="2.0"><channel><title>ext</title>'
        "<item><guid>e</guid><title>one &amp; only</title></item></channel></rss>"
    ).encode()


def _parse_with_deadline(parse: Callable[[bytes], ParsedFeed], body: bytes, fifo: Path | None):
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["feed"] = parse(body)
        except FeedError as error:
            result["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive() and fifo is not None:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # release a blocked open()
        worker.join(timeout=5)
        pytest.fail("the parser opened the FIFO named by the DTD and blocked")
    assert not worker.is_alive()
    return result


@pytest.mark.parametrize("how", sorted(PARSERS))
def test_external_dtd_naming_a_fifo_does_not_block(tmp_path: Path, how: str) -> None:
    fifo = tmp_path / "probe.fifo"
    os.mkfifo(fifo)
    result = _parse_with_deadline(PARSERS[how], _with_external_dtd(fifo), fifo)
    feed = result.get("feed")
    assert isinstance(feed, ParsedFeed) and feed.title == "ext" and len(feed.entries) == 1


@pytest.mark.parametrize("how", sorted(PARSERS))
def test_external_dtd_naming_a_local_file_reads_nothing(tmp_path: Path, how: str) -> None:
    secret = tmp_path / "secret.dtd"
    secret.write_text(f'<!ENTITY leak "{SECRET}"><!ENTITY % p "{SECRET}">')
    body = _with_external_dtd(secret).replace(b"one &amp; only", b"one &leak; only")
    result = _parse_with_deadline(PARSERS[how], body, None)
    feed = result.get("feed")
    if feed is None:  # refusing it is fine too; leaking is not
        assert SECRET not in str(result["error"])
        return
    assert isinstance(feed, ParsedFeed)
    assert SECRET not in repr(feed)


# -- X1/X2: what the ingest service stores from the §2.3 payloads --------------------------


def test_x1_x2_stored_entries_hold_no_live_markup_or_bad_urls(tmp_path: Path) -> None:
    """THREATS X1: every §2.3 payload as an item description; X2: javascript: in link,
    guid, enclosure and a markup title. After ingest, no stored text or URL column holds
    ``javascript:`` (with \\t\\n\\r stripped, any case), ``<svg``, ``<form``, an ``on…=``
    handler or the 1×1 tracker's URL; links and enclosures are http(s) or empty; the
    markup title is kept literally, as text."""
    import re
    from html import escape

    from sqlalchemy import select

    from planner.services import feeds, ingest, open_workspace
    from planner.storage.schema import EntryRow, FeedRow
    from tests.feeds.test_feeds_html_text import HOSTILE

    items = "".join(
        f"<item><guid>h{i}</guid><title>payload {i}</title>"
        f"<link>https://blog.example/{i}</link><description>{escape(html)}</description></item>"
        for i, (html, _) in enumerate(HOSTILE)
    )
    x2 = (
        "<item><title>&lt;img src=x onerror=alert(1)&gt;</title>"
        "<link>javascript:alert(document.cookie)</link><guid>javascript:alert(2)</guid>"
        "<author>&lt;b onmouseover=alert(1)&gt;me&lt;/b&gt;</author>"
        '<enclosure url="javascript:alert(3)" type="audio/mpeg" length="1"/></item>'
    )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>&lt;script&gt;alert('feedtitle')&lt;/script&gt;</title>"
        f"<link>https://blog.example/</link>{items}{x2}</channel></rss>"
    )
    path = tmp_path / "hostile.xml"
    path.write_text(body, encoding="utf-8")
    ws = open_workspace(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        feed_id = feeds.add_file(ws, path)
        assert ingest.refresh(ws).count("fetched") == 1
        with ws.read() as s:
            entries = s.scalars(select(EntryRow).where(EntryRow.feed_id == feed_id)).all()
            feed = s.get(FeedRow, feed_id)
            assert feed is not None
            feed_title = feed.title
    finally:
        ws.engine.dispose()
    assert len(entries) == len(HOSTILE) + 1
    # Text from HTML (X1) must hold no markup; plain-text fields (X2: titles, authors) are
    # kept literally and only ever shown as text, so only URLs are checked there.
    from_html: list[str] = []
    everything = [feed_title]
    for e in entries:
        from_html += [e.summary_text, e.content_text, repr(e.links), repr(e.anchors)]
        # The guid is an opaque key (dedupe), kept verbatim and never made a link.
        everything += [e.title, e.link, e.enclosure_url, repr(e.authors)]
        for url in (e.link, e.enclosure_url, *(a[-1] for a in e.anchors)):
            assert url == "" or url.startswith(("http://", "https://")), url
    for text in from_html + everything:
        flat = re.sub(r"[\t\n\r]", "", text or "").lower()
        assert "javascript:" not in flat, text
    for text in from_html:
        flat = re.sub(r"[\t\n\r]", "", text or "").lower()
        assert "<svg" not in flat and "<form" not in flat, text
        assert "tracker.example" not in flat, text  # the 1×1 pixel left nothing behind
        assert not re.search(r"<[a-z]|\bon\w+\s*=", flat), text  # no tag, no handler
    [x2_entry] = [e for e in entries if e.title.startswith("<img")]
    assert x2_entry.title == "<img src=x onerror=alert(1)>"  # literal text (shown by st.text)
    assert x2_entry.link == "" and x2_entry.enclosure_url == ""
    assert feed_title == "<script>alert('feedtitle')</script>"
