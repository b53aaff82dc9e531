"""Feed URL rules (THREATS F1) and the http(s)-only filter for URLs found in feed data."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.feeds.errors import FeedURLError, FetchRefused
from planner.feeds.urls import http_url_or_empty, normalize_url, validate_feed_url


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "/etc/passwd",
        "/dev/zero",
        "ftp://x/",
        "feed:file:///etc/passwd",
        "feed://example.com/rss",
        "http://user:pw@host/",
        "https://user@host.example/feed",
        "javascript:alert(1)",
        "data:text/xml,<rss/>",
        "http:///path-only",
        "http://",
        "",
        "   ",
        "http://exa mple.com/",
        "http://example.com/\tfeed",
        "http://example.com:0/",
        "http://example.com:99999/",
        "gopher://example.com/",
        "etc/passwd",
        "C:\\Windows\\win.ini",
    ],
)
def test_rejected_urls_name_the_problem(url: str) -> None:
    with pytest.raises(FeedURLError) as info:
        validate_feed_url(url)
    assert str(info.value).startswith("scheme/host not allowed")
    assert isinstance(info.value, FetchRefused)  # one except clause catches both


def test_no_scheme_hint_suggests_https() -> None:
    with pytest.raises(FeedURLError, match=r"did you mean https://blog\.example\.com/feed"):
        validate_feed_url("blog.example.com/feed")
    with pytest.raises(FeedURLError, match="local paths are never read"):
        validate_feed_url("/etc/passwd")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM/Feed.xml", "https://example.com/Feed.xml"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:80/a?b=1&a=2", "http://example.com/a?b=1&a=2"),
        ("https://example.com:443/x#frag", "https://example.com/x"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("  https://example.com/feed  ", "https://example.com/feed"),
        ("https://bücher.example/feed", "https://xn--bcher-kva.example/feed"),
        ("http://[::1]:8080/feed", "http://[::1]:8080/feed"),
        ("https://example.com./feed", "https://example.com/feed"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected
    assert normalize_url(expected) == expected  # idempotent


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        ("https://a.example/x", "", "https://a.example/x"),
        ("/rel", "https://b.example/dir/", "https://b.example/rel"),
        ("rel", "https://b.example/dir/", "https://b.example/dir/rel"),
        ("rel", "", ""),
        ("javascript:alert(1)", "https://b.example/", ""),
        ("JAVASCRIPT:alert(1)", "", ""),
        ("jav\tascript:alert(1)", "https://b.example/", ""),
        ("java\nscript:alert(1)", "", ""),
        (" \x01javascript:alert(1)", "", ""),
        ("data:text/html;base64,PHNjcmlwdD4=", "", ""),
        ("vbscript:msgbox", "", ""),
        ("mailto:a@b.example", "", ""),
        ("https://user:pw@evil.example/", "", ""),
        ("https://a.example/a b", "", "https://a.example/a%20b"),
        ("//cdn.example/x.mp3", "https://b.example/", "https://cdn.example/x.mp3"),
        (None, "", ""),
    ],
)
def test_http_url_or_empty(value: object, base: str, expected: str) -> None:
    assert http_url_or_empty(value, base) == expected


@given(st.text(max_size=60), st.sampled_from(["", "https://base.example/d/"]))
def test_http_url_or_empty_only_ever_returns_http(value: str, base: str) -> None:
    out = http_url_or_empty(value, base)
    if out:
        assert out.lower().startswith(("http://", "https://"))
        assert not any(ord(c) < 0x21 or ord(c) == 0x7F for c in out)
