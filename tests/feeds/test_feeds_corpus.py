"""Every copied corpus file: a result or one of our errors, never anything else.

feedparser's and podcastparser's own test feeds (2,177 documents: every RSS/Atom/RDF/CDF
dialect, every named entity, UTF-16/32 and legacy charsets, ill-formed XML, a JSON Feed)
go through parse_feed; a sample goes through the worker process too; every OPML fixture
goes through read_opml_report. See tests/data/corpus/README.md for provenance.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from planner.domain.entry import ParsedFeed, Person
from planner.feeds.errors import FeedError, FeedTooHostile
from planner.feeds.isolate import parse_feed_isolated
from planner.feeds.opml import OpmlError, OpmlReadResult, read_opml_report
from planner.feeds.parse import parse_feed
from tests.feeds.conftest import CORPUS

FEED_FILES = sorted(
    p
    for p in (CORPUS / "feedparser-tests").rglob("*")
    if p.suffix in (".xml", ".json") and p.is_file()
) + sorted((CORPUS / "podcastparser-tests").glob("*.rss"))
OPML_FILES = sorted(
    p for p in (CORPUS / "opml").rglob("*") if p.suffix in (".xml", ".opml") and p.is_file()
)


def _outcome(path: Path) -> str:
    try:
        feed = parse_feed(path.read_bytes(), url="https://corpus.example/" + path.name)
    except FeedError as e:
        return type(e).__name__
    assert isinstance(feed, ParsedFeed)
    for entry in feed.entries:  # the normalisation promises hold for every entry
        assert entry.guid
        assert not entry.link or entry.link.startswith(("http://", "https://"))
        assert entry.published is None or entry.published.utcoffset() is not None
        assert all(h.startswith(("http://", "https://")) for h in entry.links)
        assert entry.enclosure is None or entry.enclosure.url.startswith(("http://", "https://"))
    return "ok"


def test_corpus_is_complete() -> None:
    assert len(FEED_FILES) == 2_177
    assert len(OPML_FILES) == 129


def test_every_feed_file_parses_or_fails_with_our_error() -> None:
    outcomes: Counter[str] = Counter()
    crashes: list[str] = []
    for path in FEED_FILES:
        try:
            outcomes[_outcome(path)] += 1
        except Exception as e:  # anything not ours is a bug: collect them all, then fail
            crashes.append(f"{path.relative_to(CORPUS)}: {type(e).__name__}: {e}")
    assert crashes == []
    assert outcomes["ok"] >= 2_160, outcomes
    assert set(outcomes) <= {"ok", "NotAFeedError", "FeedTooHostile", "ParseError"}


def test_the_known_refusals_are_what_we_expect() -> None:
    # The corpus's two documents with entity declarations in an internal subset are
    # refused by the guard, by design (THREATS P2); nothing else declares entities.
    declaring = [p for p in FEED_FILES if b"<!ENTITY" in p.read_bytes()]
    assert [p.name for p in declaring] == [
        "doctype_contains_entity_decl.xml",
        "entity_in_doctype.xml",
    ]
    for path in declaring:
        with pytest.raises(FeedTooHostile):
            parse_feed(path.read_bytes())
    json_feed = CORPUS / "feedparser-tests/json/example.json"
    with pytest.raises(FeedError, match="JSON Feed is not supported"):
        parse_feed(json_feed.read_bytes())


def test_a_sample_parses_the_same_in_the_worker_process() -> None:
    sample = FEED_FILES[::97]
    assert len(sample) > 20
    for path in sample:
        body = path.read_bytes()
        try:
            expected: object = parse_feed(body)
        except FeedError as e:
            expected = (type(e), str(e))
        try:
            got: object = parse_feed_isolated(body, timeout_s=20)
        except FeedError as e:
            got = (type(e), str(e))
        assert got == expected, path


def test_podcastparser_person_fixture_matches_its_expected_people() -> None:
    rss = CORPUS / "podcastparser-tests/episode_podcast_person.rss"
    expected = json.loads(rss.with_suffix(".json").read_text())["episodes"][0]["persons"]
    feed = parse_feed(rss.read_bytes())
    assert feed.entries[0].people == tuple(
        Person(p["name"], p.get("role", "host").lower(), p.get("href", "")) for p in expected
    )


def test_every_opml_file_reads_or_fails_with_opml_error() -> None:
    outcomes: Counter[str] = Counter()
    crashes: list[str] = []
    for path in OPML_FILES:
        try:
            result = read_opml_report(path.read_bytes())
            assert isinstance(result, OpmlReadResult)
            outcomes["ok"] += 1
        except OpmlError:
            outcomes["OpmlError"] += 1
        except Exception as e:
            crashes.append(f"{path.relative_to(CORPUS)}: {type(e).__name__}: {e}")
    assert crashes == []
    assert outcomes["ok"] >= 100, outcomes
