"""Atom contributor credits and item subtitles: what guest detection reads besides text."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.domain.entry import Person
from planner.feeds.parse import MAX_TEXT_CHARS, parse_feed
from planner.feeds.people import might_have_people

PI_NS = "https://podcastindex.org/namespace/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
FREAKSHOW = Path("/work/shared/detection-dev/real/feeds/freakshow.xml")


def rss(items: str, channel: str = "") -> bytes:
    """An RSS 2.0 feed declaring the podcast, Atom and iTunes namespaces."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<rss version="2.0" xmlns:podcast="{PI_NS}" xmlns:atom="{ATOM_NS}" '
        f'xmlns:itunes="{ITUNES_NS}"><channel><title>Show</title>'
        f"<link>https://show.example/</link>{channel}{items}</channel></rss>"
    ).encode()


def contributor(name: str, uri: str = "") -> str:
    uri_el = f"<atom:uri>{uri}</atom:uri>" if uri else ""
    return f"<atom:contributor><atom:name>{name}</atom:name>{uri_el}</atom:contributor>"


CHANNEL = (
    '<podcast:person role="host" href="https://host.example/">Hanna Host</podcast:person>'
    + contributor("Regular One", "https://one.example/")
    + contributor("Regular Two", "mailto:two@example.org")
)


# -- Atom contributors in RSS (Podlove) ------------------------------------------------


def test_channel_contributors_follow_channel_podcast_people_in_the_feed_list() -> None:
    feed = parse_feed(rss("<item><guid>a</guid><title>A</title></item>", CHANNEL))
    assert feed.people == (
        Person("Hanna Host", "host", "https://host.example/"),
        Person("Regular One", "contributor", "https://one.example/"),
        Person("Regular Two", "contributor", ""),  # not http(s): no href
    )


def test_item_contributors_are_its_own_and_channel_contributors_are_not_inherited() -> None:
    items = (
        "<item><guid>a</guid><title>With guest</title>"
        + contributor("Gina Guest", "https://gina.example/")
        + contributor("Relative Uri", "/people/relative")
        + "</item>"
        + "<item><guid>b</guid><title>Without credits</title></item>"
    )
    feed = parse_feed(rss(items, CHANNEL))
    by_title = {e.title: e.people for e in feed.entries}
    # The item has no podcast:person of its own: it inherits the channel's (as before),
    # then lists its own contributors.
    assert by_title["With guest"] == (
        Person("Hanna Host", "host", "https://host.example/"),
        Person("Gina Guest", "contributor", "https://gina.example/"),
        Person("Relative Uri", "contributor", ""),
    )
    # No contributors of its own: only the channel's podcast:person credits.
    assert by_title["Without credits"] == (Person("Hanna Host", "host", "https://host.example/"),)


def test_podcast_person_inheritance_is_unchanged_next_to_contributors() -> None:
    items = (
        '<item><guid>a</guid><title>Own</title><podcast:person role="guest">'
        "Paul Person</podcast:person>" + contributor("Carl Contrib") + "</item>"
        "<item><guid>b</guid><title>Inherits</title></item>"
    )
    feed = parse_feed(rss(items, CHANNEL))
    by_title = {e.title: e.people for e in feed.entries}
    assert by_title["Own"] == (  # its own list replaces the channel's podcast:person
        Person("Paul Person", "guest"),
        Person("Carl Contrib", "contributor"),
    )
    assert by_title["Inherits"] == (Person("Hanna Host", "host", "https://host.example/"),)
    assert feed.kind_guess == "podcast"  # channel podcast:person, as before


def test_contributors_without_a_name_or_in_another_namespace_are_ignored() -> None:
    body = rss(
        "<item><guid>a</guid><title>A</title>"
        "<atom:contributor><atom:uri>https://nameless.example/</atom:uri></atom:contributor>"
        '<o:contributor xmlns:o="https://other.example/ns"><o:name>Other</o:name>'
        "</o:contributor></item>",
        contributor("Only Channel"),
    )
    feed = parse_feed(body)
    assert feed.people == (Person("Only Channel", "contributor"),)
    assert feed.entries[0].people == ()


def test_contributors_change_the_content_hash() -> None:
    plain = parse_feed(rss("<item><guid>a</guid><title>A</title></item>"))
    credited = parse_feed(
        rss("<item><guid>a</guid><title>A</title>" + contributor("Gina Guest") + "</item>")
    )
    assert plain.entries[0].content_hash != credited.entries[0].content_hash
    again = parse_feed(
        rss("<item><guid>a</guid><title>A</title>" + contributor("Gina Guest") + "</item>")
    )
    assert again.entries[0].content_hash == credited.entries[0].content_hash


# -- plain Atom feeds --------------------------------------------------------------------


def test_atom_feed_contributors_at_feed_and_entry_level() -> None:
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="{ATOM_NS}"><title>Blog</title><id>urn:blog</id>
<author><name>Alice Author</name></author>
<contributor><name>Feed Helper</name><uri>https://helper.example/</uri></contributor>
<entry><id>urn:1</id><title>One</title><updated>2026-01-02T00:00:00Z</updated>
<author><name>Alice Author</name></author>
<contributor><name>Entry Guest</name></contributor></entry>
<entry><id>urn:2</id><title>Two</title><updated>2026-01-01T00:00:00Z</updated></entry>
</feed>""".encode()
    feed = parse_feed(body)
    assert feed.people == (Person("Feed Helper", "contributor", "https://helper.example/"),)
    one, two = feed.entries
    assert one.people == (Person("Entry Guest", "contributor"),)  # no <author> here
    assert one.authors == ("Alice Author",)
    assert two.people == ()  # the feed's contributors are not copied onto entries
    assert feed.kind_guess == "blog"  # contributors alone do not make a podcast


# -- the byte pre-check ----------------------------------------------------------------


def test_pre_check_passes_contributors_and_skips_feeds_without_credits() -> None:
    assert might_have_people(rss("", contributor("X")))
    assert might_have_people(f'<feed xmlns="{ATOM_NS}"><contributor>'.encode())
    # The Atom namespace alone (every atom:link) or the word in HTML costs nothing.
    assert not might_have_people(
        rss(
            '<item><description>&lt;table class="podlove-contributors-table"&gt;'
            "</description></item>"
        ).replace(PI_NS.encode(), b"urn:x")
    )
    assert not might_have_people(b"<rss><channel><contributor>x</contributor></channel></rss>")


def test_malformed_xml_still_reads_podcast_person_and_skips_contributors() -> None:
    body = rss(
        '<item><guid>a</guid><title>Broken &amp </title><podcast:person role="guest">'
        "Still Read</podcast:person>" + contributor("Skipped") + "</item>"
    ).replace(b"&amp ", b"& ")
    feed = parse_feed(body)
    assert "not well-formed" in feed.warning
    assert feed.entries[0].people == (Person("Still Read", "guest"),)


# -- itunes:subtitle ---------------------------------------------------------------------


def test_item_subtitle_not_in_the_summary_is_its_last_line() -> None:
    feed = parse_feed(
        rss(
            "<item><guid>a</guid><title>Episode 1</title>"
            "<description>&lt;p&gt;We talk about &lt;b&gt;Go&lt;/b&gt;.&lt;/p&gt;</description>"
            "<itunes:subtitle>with Jane Doe &amp;amp; John   Roe</itunes:subtitle></item>"
        )
    )
    entry = feed.entries[0]
    assert entry.summary_text == "We talk about Go.\nwith Jane Doe & John Roe"
    assert entry.summary_text.splitlines()[-1] == "with Jane Doe & John Roe"


def test_item_subtitle_already_in_summary_or_content_is_not_repeated() -> None:
    feed = parse_feed(
        rss(
            "<item><guid>a</guid><title>In summary</title>"
            "<description>Today: WITH Jane Doe and friends.</description>"
            "<itunes:subtitle>with  jane doe</itunes:subtitle></item>"
            "<item><guid>b</guid><title>Cut off</title>"
            "<description>A long description that goes on.</description>"
            "<itunes:subtitle>A long description…</itunes:subtitle></item>"
        )
    )
    by_title = {e.title: e.summary_text for e in feed.entries}
    assert by_title == {
        "In summary": "Today: WITH Jane Doe and friends.",
        "Cut off": "A long description that goes on.",
    }


def test_item_subtitle_in_content_only_is_not_repeated_and_alone_is_the_summary() -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<rss version="2.0" xmlns:itunes="{ITUNES_NS}" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>S</title>'
        "<item><guid>a</guid><title>A</title>"
        "<description>Short.</description>"
        "<content:encoded>&lt;p&gt;Guests: Ann Bee&lt;/p&gt;</content:encoded>"
        "<itunes:subtitle>Guests: Ann Bee</itunes:subtitle></item>"
        "<item><guid>b</guid><title>B</title>"
        "<itunes:subtitle>with Solo Guest</itunes:subtitle></item>"
        "</channel></rss>"
    ).encode()
    a, b = parse_feed(body).entries
    assert (a.summary_text, a.content_text) == ("Short.", "Guests: Ann Bee")
    assert b.summary_text == "with Solo Guest"


def test_item_subtitle_survives_the_text_cap() -> None:
    long_text = "word " * (MAX_TEXT_CHARS // 4)
    feed = parse_feed(
        rss(
            f"<item><guid>a</guid><description>{long_text}</description>"
            "<itunes:subtitle>with Capped Guest</itunes:subtitle></item>"
        )
    )
    text = feed.entries[0].summary_text
    assert len(text) <= MAX_TEXT_CHARS
    assert text.endswith("\nwith Capped Guest")


def test_subtitle_does_not_change_the_id_of_a_guidless_entry() -> None:
    plain = parse_feed(rss("<item><description>Just text</description></item>"))
    subtitled = parse_feed(
        rss(
            "<item><description>Just text</description>"
            "<itunes:subtitle>with Somebody</itunes:subtitle></item>"
        )
    )
    assert plain.entries[0].guid == subtitled.entries[0].guid
    assert plain.entries[0].content_hash != subtitled.entries[0].content_hash


# -- a real Podlove feed, read in place ---------------------------------------------------


def test_freakshow_contributors() -> None:
    if not FREAKSHOW.exists():
        pytest.skip(f"{FREAKSHOW} is not available here")
    feed = parse_feed(FREAKSHOW.read_bytes(), url="https://feeds.metaebene.me/freakshow/mp3")
    contributors = [p for p in feed.people if p.role == "contributor"]
    assert [p.name for p in contributors] == [
        "Tim Pritlove",
        "Clemens Schrimpe",
        "hukl",
        "Denis Ahrens",
        "roddi",
        "Letty",
    ]
    assert contributors[0].href == "http://tim.pritlove.org/"
    entry = next(e for e in feed.entries if e.title == "FS229 Telefonischturm")
    assert Person("Maria Reimer", "contributor") in entry.people
    assert "Letty" not in {p.name for p in entry.people}  # a channel regular, not in FS229
