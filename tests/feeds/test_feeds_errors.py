"""The error tree: one base class, context on every error, and errors that pickle
(they cross the parse worker's process boundary)."""

from __future__ import annotations

import pickle

import pytest

from planner.feeds import errors
from planner.feeds.errors import (
    FeedError,
    FeedTooHostile,
    FeedURLError,
    FetchError,
    FetchRefused,
    FetchTimeout,
    FetchTooLarge,
    HTTPStatusError,
    NotAFeedError,
    ParseError,
)
from planner.feeds.opml import OpmlError

SAMPLES: list[FeedError] = [
    FeedError("u", "m"),
    FetchError("u", "fetch"),
    FetchRefused("u", "refused: x"),
    FeedURLError("u", "scheme/host not allowed: x"),
    FetchTooLarge("u", "too large", limit=5),
    FetchTimeout("u", "timed out"),
    HTTPStatusError("u", "HTTP 429", status=429, retry_after=120.0),
    ParseError("u", "parse"),
    NotAFeedError("u", "not a feed", alternates=("https://a.example/feed",)),
    FeedTooHostile("u", "DTD internal subset not allowed"),
    OpmlError("this OPML file is malformed", "list.opml"),
]


@pytest.mark.parametrize("error", SAMPLES, ids=lambda e: type(e).__name__)
def test_errors_pickle_with_their_context(error: FeedError) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert back.__dict__ == error.__dict__
    assert str(back) == str(error) == error.message


def test_hierarchy() -> None:
    assert issubclass(FeedURLError, FetchRefused) and issubclass(FeedURLError, ValueError)
    for cls in (FetchRefused, FetchTooLarge, FetchTimeout, HTTPStatusError):
        assert issubclass(cls, FetchError)
    for cls in (NotAFeedError, FeedTooHostile):
        assert issubclass(cls, ParseError)
    assert issubclass(OpmlError, FeedError)
    assert all(issubclass(getattr(errors, name), FeedError) for name in errors.__all__)
