"""Fixtures for the feed adapter tests: the P and I loopback servers and fast options."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.feeds.fetch import FetchOptions
from tests.feeds.httpserver import TestServer, start_server

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


@pytest.fixture(scope="session")
def _p_server() -> Iterator[TestServer]:
    server = start_server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _i_server() -> Iterator[TestServer]:
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def public_server(_p_server: TestServer) -> TestServer:
    """P: the "public" feed host (allow-listed by (127.0.0.1, port) in ``opts``)."""
    _p_server.reset()
    return _p_server


@pytest.fixture
def internal_server(_i_server: TestServer) -> TestServer:
    """I: an internal service. Tests assert it received 0 requests."""
    _i_server.reset()
    return _i_server


@pytest.fixture
def opts(public_server: TestServer) -> FetchOptions:
    """Fast limits, with only P's exact (ip, port) let through the address guard."""
    return FetchOptions(
        connect_timeout=1.0,
        read_timeout=2.0,
        total_deadline=5.0,
        max_bytes=1024 * 1024,
        retries=2,
        backoff=0.01,
        allow_addresses=frozenset({("127.0.0.1", public_server.port)}),
    )
