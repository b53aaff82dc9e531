"""The feed adapter: fetching feeds over HTTP with limits, parsing them into plain data.

No database, no Streamlit. The services layer calls these and nothing below them:

* :func:`validate_feed_url` / :func:`normalize_url` — which URLs are feeds we fetch;
* :func:`fetch` / :func:`fetch_many` with :class:`FetchOptions` → :class:`FetchResult`;
* :func:`parse_feed` (in-process), :func:`parse_feed_isolated` (child process with
  CPU/memory/time limits), :func:`parse_feed_auto` (picks by body size) →
  :class:`~planner.domain.entry.ParsedFeed`;
* :func:`read_opml` / :func:`read_opml_report` / :func:`write_opml` for feed lists;
* the error tree in :mod:`planner.feeds.errors` (every error has ``url`` and a message
  written for the user).
"""

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
from planner.feeds.fetch import (
    USER_AGENT,
    FetchOptions,
    FetchRequest,
    FetchResult,
    fetch,
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
from planner.feeds.urls import normalize_url, validate_feed_url

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
    "fetch",
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
