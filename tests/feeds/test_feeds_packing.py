"""The parsed feed the worker sends as tuples comes back equal (planner.feeds.packing)."""

from __future__ import annotations

import pickle

from benchmarks.bench_feeds import FEEDS
from planner.feeds.packing import pack_feed, unpack_feed
from planner.feeds.parse import parse_feed


def test_every_generated_feed_comes_back_equal_through_pickle() -> None:
    for name, make in FEEDS.items():
        feed = parse_feed(make(20), url="https://cast.example/feed")
        assert feed.entries, name
        data = pickle.dumps(pack_feed(feed), protocol=pickle.HIGHEST_PROTOCOL)
        again = unpack_feed(pickle.loads(data))
        assert again == feed, name
        assert type(again.entries) is tuple and type(again.people) is tuple


def test_credits_and_enclosures_are_rebuilt() -> None:
    feed = parse_feed(FEEDS["podcast-rss"](3), url="https://cast.example/feed")
    again = unpack_feed(pack_feed(feed))
    first = again.entries[0]
    assert first.enclosure is not None and first.enclosure == feed.entries[0].enclosure
    assert [p.role for p in first.people] == ["guest", "host"]
    assert again.people == feed.people and again.people
