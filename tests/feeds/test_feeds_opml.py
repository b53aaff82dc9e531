"""OPML import (listparser behind our guards) and export (round-trip through listparser)."""

from __future__ import annotations

from datetime import UTC, datetime

import listparser
import pytest

from planner.feeds.opml import OpmlError, OpmlFeed, read_opml, read_opml_report, write_opml
from tests.feeds.conftest import CORPUS

OPML = CORPUS / "opml"
REAL = OPML / "real-world"
PLENARY = REAL / "awesome-rss-feeds"


def test_write_then_read_round_trips() -> None:
    feeds = [
        OpmlFeed("https://a.example/feed?x=1&y=2", 'A & <B> "quoted"', ("Podcasts", "Tech")),
        OpmlFeed("https://b.example/rss", "B", ("Podcasts", "Tech")),
        OpmlFeed("https://c.example/atom", "C", ("Podcasts",)),
        OpmlFeed("https://d.example/", "Dé — ünïcode", ()),
        OpmlFeed("https://e.example/feed", "", ("Blogs", "People", "Friends")),
    ]
    data = write_opml(feeds, title="My & feeds", now=datetime(2026, 11, 25, 12, tzinfo=UTC))
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<opml version=\"2.0\">")
    assert b"Wed, 25 Nov 2026 12:00:00 +0000" in data
    assert b"x=1&amp;y=2" in data and b"A &amp; &lt;B&gt;" in data
    parsed = listparser.parse(data)
    assert not parsed["bozo"] and parsed["meta"]["title"] == "My & feeds"
    back = read_opml(data)
    assert [(f.url, f.title, f.category_path) for f in back] == [
        (f.url, f.title or f.url, f.category_path) for f in feeds
    ]
    assert [f.kind_hint for f in back] == ["podcast", "podcast", "podcast", "", ""]


def test_write_nests_outlines_by_category() -> None:
    data = write_opml(
        [
            OpmlFeed("https://a.example/", "A", ("X", "Y")),
            OpmlFeed("https://b.example/", "B", ("X",)),
        ]
    ).decode()
    assert data.count('<outline text="X" title="X">') == 1
    assert data.count('<outline text="Y" title="Y">') == 1


@pytest.mark.parametrize(
    ("name", "feeds", "skipped"),
    [
        ("german-tech-podcasts.opml", 111, 0),  # 112 outlines; listparser drops the repeat
        ("netnewswire-subs.opml", 206, 1),
        ("netnewswire-subs-no-title-attributes.opml", 206, 1),
        ("engineering-blogs.opml", 420, 0),
    ],
)
def test_real_world_lists(name: str, feeds: int, skipped: int) -> None:
    report = read_opml_report((REAL / name).read_bytes())
    assert len(report.feeds) == feeds
    assert len(report.skipped) == skipped
    assert all(f.url.startswith(("http://", "https://")) for f in report.feeds)
    assert len({f.url for f in report.feeds}) == feeds


def test_podcast_list_hints_podcasts_and_keeps_folders() -> None:
    podcasts = read_opml((REAL / "german-tech-podcasts.opml").read_bytes())
    assert {f.kind_hint for f in podcasts} == {"podcast"}
    blogs = read_opml((REAL / "engineering-blogs.opml").read_bytes())
    assert blogs[0].category_path == ("Engineering Blogs",) and blogs[0].kind_hint == ""


def test_titles_fall_back_to_text_attribute() -> None:
    with_titles = read_opml((REAL / "netnewswire-subs.opml").read_bytes())
    without = read_opml((REAL / "netnewswire-subs-no-title-attributes.opml").read_bytes())
    assert [f.title for f in without] == [f.title for f in with_titles]


@pytest.mark.parametrize(
    "path",
    [
        "recommended/with_category/Programming.opml",
        "recommended/with_category/Business & Economy.opml",
    ],
)
def test_malformed_real_exports_give_a_clear_error(path: str) -> None:
    with pytest.raises(OpmlError, match=r"^this OPML file is malformed"):
        read_opml((PLENARY / path).read_bytes())


def test_recoverable_malformed_export_still_imports() -> None:
    feeds = read_opml((PLENARY / "countries/with_category/Russia.opml").read_bytes())
    assert len(feeds) == 13 and "Вести.Ru" in {f.title for f in feeds}


def test_links_to_other_lists_are_not_feeds() -> None:
    with pytest.raises(OpmlError, match="only links to other OPML lists"):
        read_opml((OPML / "edge-cases/rome/opml_1.0_links.xml").read_bytes())


def test_invalid_urls_are_reported_not_imported() -> None:
    data = b"""<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
<outline type="rss" text="ok" xmlUrl="https://ok.example/feed"/>
<outline type="rss" text="local" xmlUrl="file:///etc/passwd"/>
<outline type="rss" text="creds" xmlUrl="https://u:p@host.example/feed"/>
<outline type="rss" text="dup" xmlUrl="HTTPS://OK.example/feed"/>
</body></opml>"""
    report = read_opml_report(data)
    assert [f.url for f in report.feeds] == ["https://ok.example/feed"]
    reasons = dict(report.skipped)
    assert reasons["file:///etc/passwd"].startswith("scheme/host not allowed")
    assert "user name or password" in reasons["https://u:p@host.example/feed"]
    assert reasons["HTTPS://OK.example/feed"] == "listed twice"


def test_entities_and_internal_subsets_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "AAAA"><!ENTITY b "&a;&a;">]>'
        b'<opml version="2.0"><body><outline text="&b;" xmlUrl="https://x.example/"/></body></opml>'
    )
    with pytest.raises(OpmlError, match="refused: DTD internal subset not allowed"):
        read_opml(bomb)


def test_a_feed_is_not_an_opml_list() -> None:
    with pytest.raises(OpmlError, match="this is a feed, not an OPML list"):
        read_opml(
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"hello", "not an OPML file"),
        (b"http://example.com/list.opml", "not an OPML file"),  # bytes are never fetched
        (b"<html><body>hi</body></html>", "not an OPML file"),
    ],
)
def test_not_opml(data: bytes, message: str) -> None:
    with pytest.raises(OpmlError, match=message):
        read_opml(data)


def test_latin1_opml_is_decoded_by_its_declaration() -> None:
    data = (
        '<?xml version="1.0" encoding="iso-8859-1"?><opml version="1.0"><body>'
        '<outline text="Caf\u00e9" xmlUrl="https://cafe.example/rss"/></body></opml>'
    ).encode("latin-1")
    assert read_opml(data)[0].title == "Café"


def test_a_str_is_refused() -> None:
    with pytest.raises(TypeError):
        read_opml("https://example.com/list.opml")  # type: ignore[arg-type]
