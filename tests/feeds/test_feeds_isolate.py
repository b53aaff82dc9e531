"""Parsing in a worker process with CPU, memory and wall-clock limits (THREATS P2/P4)."""

from __future__ import annotations

import signal
from typing import Any

import pytest

from benchmarks.bench_feeds import blog_rss
from planner.feeds import isolate
from planner.feeds.errors import FeedTooHostile, NotAFeedError, ParseError
from planner.feeds.isolate import parse_feed_auto, parse_feed_isolated
from planner.feeds.parse import parse_feed
from tests.feeds.httpserver import FEED, HTML_PAGE, PODCAST
from tests.feeds.payloads import quad_payload


@pytest.fixture(scope="module")
def pathological() -> bytes:
    """Legal but CPU-heavy: 12,000 entries (10 MB) cost several seconds of CPU to parse."""
    return blog_rss(12_000)


def test_isolated_result_equals_the_in_process_one() -> None:
    for body in (FEED, PODCAST):
        assert parse_feed_isolated(body, "https://x.example/feed") == parse_feed(
            body, url="https://x.example/feed"
        )


def test_our_errors_cross_the_process_boundary_intact() -> None:
    with pytest.raises(NotAFeedError) as info:
        parse_feed_isolated(HTML_PAGE, "https://blog.example/", {"Content-Type": "text/html"})
    assert info.value.url == "https://blog.example/"
    assert info.value.alternates == ("https://blog.example/feed.xml",)
    with pytest.raises(FeedTooHostile, match="DTD internal subset not allowed"):
        parse_feed_isolated(quad_payload(), "https://q.example/")


def test_cpu_limit_stops_a_pathological_parse(pathological: bytes) -> None:
    # The message comes from the worker's SIGXCPU exit: the CPU limit stopped it, not
    # the 20 s wall clock ("took longer than 20 s"), however slowly a loaded machine ran it.
    with pytest.raises(ParseError) as info:
        parse_feed_isolated(pathological, "https://big.example/", cpu_s=1, timeout_s=20)
    assert str(info.value) == "parsing used more than 1 s of CPU and was stopped"
    assert parse_feed_isolated(FEED).title == "Test blog"  # a fresh worker takes over


def _spy_on_workers(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The workers parse_feed_isolated takes from the pool, in order."""
    taken: list[Any] = []
    take = isolate._pool.take

    def spy(memory_bytes: int) -> Any:
        worker = take(memory_bytes)
        taken.append(worker)
        return worker

    monkeypatch.setattr(isolate._pool, "take", spy)
    return taken


def test_wall_clock_limit_kills_the_worker(
    pathological: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = _spy_on_workers(monkeypatch)
    with pytest.raises(ParseError) as info:  # a CPU limit far away: only the clock can stop it
        parse_feed_isolated(pathological, "https://big.example/", timeout_s=0.3, cpu_s=60)
    # The parse needs seconds of CPU: it was cut off by the wall clock, not finished...
    assert str(info.value) == "parsing took longer than 0.3 s and was stopped"
    assert info.value.url == "https://big.example/"
    # ...and the worker doing it was killed, not left running or put back in the pool.
    [worker] = taken
    assert worker.process.poll() == -signal.SIGKILL
    assert parse_feed_isolated(FEED).title == "Test blog"
    assert taken[1] is not worker


def test_memory_limit_is_reported_not_fatal() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        b"<title>x</title><description>" + b"A" * (20 * 1024 * 1024) + b"</description>"
        b"</item></channel></rss>"
    )
    with pytest.raises(ParseError, match="parsing needed more than 100 MB of memory"):
        parse_feed_isolated(body, memory_mb=100)
    assert parse_feed_isolated(FEED, memory_mb=100).title == "Test blog"


def test_warm_workers_are_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    """After the first parse, the next ones are served by the same warm process: no
    interpreter start per parse. (How fast that is belongs in a benchmark, not here.)"""
    parse_feed_isolated(FEED)
    taken = _spy_on_workers(monkeypatch)
    started: list[int] = []
    real_worker = isolate._Worker

    def counting_worker(memory_bytes: int) -> Any:
        started.append(memory_bytes)
        return real_worker(memory_bytes)

    monkeypatch.setattr(isolate, "_Worker", counting_worker)
    results = [parse_feed_isolated(FEED) for _ in range(5)]
    assert all(r == parse_feed(FEED) for r in results)
    assert started == []  # no new worker process
    assert len({w.process.pid for w in taken}) == 1 and taken[0].alive()


def test_a_str_is_refused() -> None:
    with pytest.raises(TypeError):
        parse_feed_isolated("/etc/passwd")  # type: ignore[arg-type]


def test_auto_parses_small_bodies_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def fake_isolated(body: bytes, *args: Any, **kwargs: Any) -> Any:
        calls.append(len(body))
        return parse_feed(body)

    monkeypatch.setattr(isolate, "parse_feed_isolated", fake_isolated)
    assert parse_feed_auto(FEED).title == "Test blog"
    assert calls == []
    big = blog_rss(300)
    assert len(parse_feed_auto(big, inline_max_bytes=1024, timeout_s=5).entries) == 300
    assert calls == [len(big)]


def test_shutdown_workers_then_parse_again() -> None:
    parse_feed_isolated(FEED)
    isolate.shutdown_workers()
    assert parse_feed_isolated(FEED).title == "Test blog"
