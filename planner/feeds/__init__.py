"""The feed adapter: fetching feeds over HTTP with limits, parsing them into plain data.

No database, no Streamlit. The services layer calls these and nothing below them:

* :func:`validate_feed_url` / :func:`normalize_url` — which URLs are feeds we fetch;
* :func:`fetch.fetch <planner.feeds.fetch.fetch>` / :func:`fetch_many` with
  :class:`FetchOptions` → :class:`FetchResult`;
* :func:`parse_feed` (in-process), :func:`parse_feed_isolated` (child process with
  CPU/memory/time limits), :func:`parse_feed_auto` (picks by body size) →
  :class:`~planner.domain.entry.ParsedFeed`;
* :func:`read_opml` / :func:`read_opml_report` / :func:`write_opml` for feed lists;
* the error tree in :mod:`planner.feeds.errors` (every error has ``url`` and a message
  written for the user).

The cheap modules (errors, URLs) are imported with the package; the
others (requests, feedparser, listparser …) when one of their names is first used
(``__getattr__``), so a caller that needs only :mod:`.urls` does not pay for them.
``planner.feeds.fetch`` is the module (the function is ``planner.feeds.fetch.fetch``):
loading a submodule binds its name on the package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from planner.feeds.urls import normalize_url, validate_feed_url

if TYPE_CHECKING:  # loaded on first use, see __getattr__
    from planner.feeds.fetch import (
        USER_AGENT,
        FetchOptions,
        FetchRequest,
        FetchResult,
        fetch_many,
        make_session,
    )
    from planner.feeds.html_text import HtmlText, html_to_text
    from planner.feeds.isolate import parse_feed_auto, parse_feed_isolated
    from planner.feeds.netguard import classify_address, is_public_address
    from planner.feeds.opml import (
        OpmlError,
        OpmlFeed,
        OpmlReadResult,
        read_opml,
        read_opml_report,
        write_opml,
    )
    from planner.feeds.parse import parse_duration, parse_feed

__all__ = [
    "USER_AGENT",
    "FeedError",
    "FeedTooHostile",
    "FeedURLError",
    "FetchError",
    "FetchOptions",
    "FetchRefused",
    "FetchRequest",
    "FetchResult",
    "FetchTimeout",
    "FetchTooLarge",
    "HTTPStatusError",
    "HtmlText",
    "NotAFeedError",
    "OpmlError",
    "OpmlFeed",
    "OpmlReadResult",
    "ParseError",
    "classify_address",
    "fetch_many",
    "html_to_text",
    "is_public_address",
    "make_session",
    "normalize_url",
    "parse_duration",
    "parse_feed",
    "parse_feed_auto",
    "parse_feed_isolated",
    "read_opml",
    "read_opml_report",
    "validate_feed_url",
    "write_opml",
]


def __getattr__(name: str) -> Any:
    """A re-exported name of a heavier module, loaded on first use."""
    if name in {
        "USER_AGENT",
        "FetchOptions",
        "FetchRequest",
        "FetchResult",
        "fetch_many",
        "make_session",
    }:
        from planner.feeds import fetch

        return getattr(fetch, name)
    if name in {"HtmlText", "html_to_text"}:
        from planner.feeds import html_text

        return getattr(html_text, name)
    if name in {"parse_feed_auto", "parse_feed_isolated"}:
        from planner.feeds import isolate

        return getattr(isolate, name)
    if name in {"classify_address", "is_public_address"}:
        from planner.feeds import netguard

        return getattr(netguard, name)
    if name in {
        "OpmlError",
        "OpmlFeed",
        "OpmlReadResult",
        "read_opml",
        "read_opml_report",
        "write_opml",
    }:
        from planner.feeds import opml

        return getattr(opml, name)
    if name in {"parse_duration", "parse_feed"}:
        from planner.feeds import parse

        return getattr(parse, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
