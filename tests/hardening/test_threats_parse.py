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
