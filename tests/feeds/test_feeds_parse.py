"""parse_feed: bytes in, plain normalised data out (THREATS P1-P3, X1-X2)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain.entry import Enclosure, ParsedFeed, Person
from planner.feeds.errors import FeedError, FeedTooHostile, NotAFeedError, ParseError
from planner.feeds.parse import parse_duration, parse_feed
from tests.feeds.httpserver import FEED, HTML_PAGE, MALFORMED, PODCAST, TestServer
from tests.feeds.payloads import billion_laughs, quad_payload

PI_NS = "https://podcastindex.org/namespace/1.0"
LEGACY_NS = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"


def rss(items: str, channel: str = "", ns: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {ns}><channel>'
        f"<title>T</title><link>https://site.example/</link>{channel}{items}</channel></rss>"
    ).encode()


# -- the basics ------------------------------------------------------------------------


def test_blog_feed_is_normalised() -> None:
    feed = parse_feed(FEED, url="https://blog.example/feed.xml")
    assert isinstance(feed, ParsedFeed)
    assert (feed.title, feed.link, feed.description) == (
        "Test blog",
        "https://blog.example/",
        "A test feed",
    )
    assert feed.kind_guess == "blog" and feed.version == "rss20" and feed.warning == ""
    first, second = feed.entries
    assert first.guid == "post-1"  # a relative guid stays as written (stable ids)
    assert first.title == "First post" and first.link == "https://blog.example/1"
    assert first.published == datetime(2026, 11, 17, 8, 30, tzinfo=UTC)
    assert first.published.tzinfo is UTC
    assert first.summary_text == "Hello Jane Doe"
    assert second.published == datetime(2026, 11, 18, 9, 30, tzinfo=UTC)
    assert len(first.content_hash) == 64 and first.content_hash != second.content_hash


def test_same_bytes_same_hashes_and_a_changed_entry_changes_its_hash() -> None:
    a = parse_feed(FEED)
    b = parse_feed(FEED.replace(b"First post", b"First post (updated)"))
    assert a.entries[1].content_hash == b.entries[1].content_hash
    assert a.entries[0].content_hash != b.entries[0].content_hash
    assert a == parse_feed(FEED)


def test_atom_feed_with_html_content_and_relative_links() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">My &lt;b&gt;Atom&lt;/b&gt;</title>
<link href="https://atom.example/"/><id>urn:feed</id><updated>2026-11-01T00:00:00Z</updated>
<entry><title>E1</title><id>urn:e1</id><link href="/posts/e1"/>
<updated>2026-11-01T10:00:00+02:00</updated>
<author><name>Pat &lt;pat@atom.example&gt;</name></author>
<category term="giving"/><category term="giving"/><category term="links"/>
<summary>Short</summary>
<content type="html">&lt;p&gt;Thanks &lt;a href="../about"&gt;Jane&lt;/a&gt; and
&lt;a href="https://john.example/"&gt;John &lt;i&gt;Smith&lt;/i&gt;&lt;/a&gt;&lt;/p&gt;</content>
</entry></feed>"""
    feed = parse_feed(body, url="https://atom.example/feed.atom")
    assert feed.title == "My Atom" and feed.version == "atom10"
    (entry,) = feed.entries
    assert entry.guid == "urn:e1"
    assert entry.link == "https://atom.example/posts/e1"
    assert entry.published == datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    assert entry.authors == ("Pat",)
    assert entry.categories == ("giving", "links")
    assert entry.summary_text == "Short"
    assert entry.content_text == "Thanks Jane and John Smith"
    assert entry.anchors == (
        ("Jane", "https://atom.example/about"),
        ("John Smith", "https://john.example/"),
    )
    assert entry.links == ("https://atom.example/about", "https://john.example/")


def test_relative_entry_link_resolves_against_the_feed_url() -> None:
    feed = parse_feed(
        rss("<item><title>x</title><link>/p/1</link></item>").replace(
            b"<link>https://site.example/</link>", b""
        ),
        url="https://feeds.example/rss",
    )
    assert feed.entries[0].link == "https://feeds.example/p/1"


def test_guid_falls_back_to_link_then_a_stable_hash() -> None:
    feed = parse_feed(
        rss(
            "<item><title>Has link</title><link>https://site.example/a</link></item>"
            "<item><title>Nothing else</title><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>"
            "</item>"
        )
    )
    with_link, bare = feed.entries
    assert with_link.guid == "https://site.example/a"
    assert bare.guid.startswith("sha1:") and len(bare.guid) == 45
    assert (
        parse_feed(
            rss(
                "<item><title>Nothing else</title><pubDate>Mon, 02 Nov 2026 "
                "10:00:00 GMT</pubDate></item>"
            )
        )
        .entries[0]
        .guid
        == bare.guid
    )


def test_content_duplicated_into_summary_is_kept_once() -> None:
    feed = parse_feed(
        rss(
            "<item><guid>g</guid><content:encoded>&lt;p&gt;Body&lt;/p&gt;</content:encoded></item>",
            ns='xmlns:content="http://purl.org/rss/1.0/modules/content/"',
        )
    )
    entry = feed.entries[0]
    assert entry.content_text == "Body" and entry.summary_text == ""
    assert entry.text == "Body"


# -- untrusted fields (X2) -------------------------------------------------------------


def test_unsanitised_fields_become_plain_text_and_bad_urls_are_dropped() -> None:
    feed = parse_feed(
        rss(
            "<item><title>&lt;script&gt;alert('feedtitle')&lt;/script&gt;Real title</title>"
            "<link>javascript:alert(document.cookie)</link><guid>javascript:alert(2)</guid>"
            "<author>&lt;b onmouseover=alert(1)&gt;me&lt;/b&gt;</author>"
            '<enclosure url="javascript:alert(3)" type="audio/mpeg" length="1"/>'
            "<description>&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;"
            "&lt;img src=x onerror=alert(1)&gt;</description></item>",
            channel="<image><url>javascript:alert(4)</url></image>",
        )
    )
    entry = feed.entries[0]
    # feedparser does not call this title HTML (<script> is not a tag it allows), so it
    # stays the literal characters: plain text the page escapes, never markup.
    assert entry.title == "<script>alert('feedtitle')</script>Real title"
    assert entry.link == ""
    assert entry.guid == "javascript:alert(2)"  # an opaque id, never used as a URL
    assert entry.authors == ("me",)
    assert entry.enclosure is None
    assert entry.summary_text == "x" and entry.anchors == () and entry.links == ()
    assert feed.kind_guess == "blog"
    assert "image" not in feed.extra


def test_literal_markup_in_a_plain_text_title_stays_literal() -> None:
    # Not HTML by feedparser's test (no end tag): shown as the characters it is.
    feed = parse_feed(
        rss("<item><guid>g</guid><title>&lt;img src=x onerror=alert(1)&gt;</title></item>")
    )
    assert feed.entries[0].title == "<img src=x onerror=alert(1)>"


# -- podcasts and podcast:person ------------------------------------------------------


def test_podcast_people_in_both_namespaces_with_item_override() -> None:
    feed = parse_feed(PODCAST)
    assert feed.kind_guess == "podcast"
    assert feed.people == (Person("Hanna Host", "host", "https://host.example/"),)
    ep1, ep2 = feed.entries
    assert ep1.people == (
        Person("Jane Doe", "guest", "https://jane.example/"),
        Person("John Smith", "guest", ""),  # legacy namespace, any prefix, role lower-cased
    )
    assert ep2.people == feed.people  # no item list: the channel's applies
    assert ep1.enclosure == Enclosure("https://cast.example/1.mp3", "audio/mpeg", 1234, 3723)
    assert ep1.itunes_duration_seconds == 3723


@pytest.mark.parametrize("namespace", [PI_NS, LEGACY_NS, "http://podcastindex.org/namespace/1.0/"])
def test_name_attribute_form_default_role_and_any_prefix(namespace: str) -> None:
    feed = parse_feed(
        rss(
            '<item><guid>a</guid><x:person name="Old Form" role="Guest"/>'
            "<x:person>  Spaced \n Name </x:person>"
            '<x:person href="javascript:alert(1)">Bad Href</x:person></item>',
            ns=f'xmlns:x="{namespace}"',
        )
    )
    assert feed.entries[0].people == (
        Person("Old Form", "guest"),
        Person("Spaced Name", "host"),
        Person("Bad Href", "host", ""),
    )


def test_person_in_another_namespace_is_ignored() -> None:
    feed = parse_feed(
        rss(
            "<item><guid>a</guid><o:person>Not A Credit</o:person></item>",
            ns='xmlns:o="https://example.org/other"',
        )
    )
    assert feed.entries[0].people == ()


def test_people_match_entries_by_order_even_with_duplicate_or_missing_guids() -> None:
    items = "".join(
        f"<item><title>E{i}</title>{'<guid>same</guid>' if i < 2 else ''}"
        f'<p:person role="guest">Guest {i}</p:person></item>'
        for i in range(4)
    )
    feed = parse_feed(rss(items, ns=f'xmlns:p="{PI_NS}"'))
    # feedparser keeps every item; we drop the second "same" guid but not its neighbours'
    by_title = {e.title: e.people for e in feed.entries}
    assert by_title == {
        "E0": (Person("Guest 0", "guest"),),
        "E2": (Person("Guest 2", "guest"),),
        "E3": (Person("Guest 3", "guest"),),
    }


def test_people_in_atom_entries() -> None:
    body = f"""<feed xmlns="http://www.w3.org/2005/Atom" xmlns:podcast="{PI_NS}">
<title>A</title><id>urn:a</id><podcast:person>Atom Host</podcast:person>
<entry><id>urn:1</id><title>One</title><podcast:person role="guest">Atom Guest</podcast:person>
</entry><entry><id>urn:2</id><title>Two</title></entry></feed>""".encode()
    feed = parse_feed(body)
    assert feed.people == (Person("Atom Host"),)
    assert [e.people for e in feed.entries] == [(Person("Atom Guest", "guest"),), feed.people]


def test_people_recovered_from_a_feed_without_namespace_declarations() -> None:
    body = b"""<rss><channel><title>Podcast</title><item><title>Episode</title>
<enclosure url="http://example.org/example.mp3"/>
<podcast:person role="host" href="http://www.example.com">John Doe</podcast:person>
<podcast:person role="guest" href="http://amazingsite.com">Stephanie Smith</podcast:person>
</item></channel></rss>"""
    feed = parse_feed(body)
    assert "not well-formed" in feed.warning
    assert feed.kind_guess == "podcast"  # an .mp3 enclosure, even without a type
    assert feed.entries[0].people == (
        Person("John Doe", "host", "http://www.example.com"),
        Person("Stephanie Smith", "guest", "http://amazingsite.com"),
    )


def test_itunes_fields() -> None:
    feed = parse_feed(
        rss(
            "<item><guid>e</guid><itunes:episode>12</itunes:episode>"
            "<itunes:season>2</itunes:season><itunes:episodeType>Bonus</itunes:episodeType>"
            "<itunes:duration>62:03</itunes:duration></item>",
            ns='xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"',
        )
    )
    entry = feed.entries[0]
    assert (entry.itunes_episode, entry.itunes_season, entry.itunes_episode_type) == (
        "12",
        "2",
        "bonus",
    )
    assert entry.itunes_duration_seconds == 3723
    assert feed.kind_guess == "podcast"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1:02:03", 3723),
        ("3723", 3723),
        ("62:03", 3723),
        ("00:45", 45),
        ("3723.9", 3723),
        (" 1:00:00 ", 3600),
        (125, 125),
        ("", None),
        ("abc", None),
        ("1:2:3:4", None),
        ("-5", None),
        ("nan", None),
        (None, None),
        ("99999999", None),
    ],
)
def test_parse_duration(value: object, seconds: int | None) -> None:
    assert parse_duration(value) == seconds


# -- bozo, not-a-feed, hostile documents (P1-P3) ---------------------------------------


def test_bozo_feed_keeps_its_entries_with_a_warning() -> None:
    feed = parse_feed(MALFORMED)
    assert [e.title for e in feed.entries] == ["One", "Two"]
    assert feed.warning.startswith("not well-formed XML (line 4, column 15): undefined entity")
    assert feed.warning.endswith("2 entries read anyway")


def test_xml_served_as_text_plain_is_read_with_a_warning() -> None:
    feed = parse_feed(FEED, headers={"Content-Type": "text/plain"})
    assert len(feed.entries) == 2
    assert "non-XML content type" in feed.warning


def test_latin1_bytes_declared_utf8_are_read() -> None:
    body = rss("<item><guid>g</guid><title>Caf\u00e9</title></item>").replace(
        "Café".encode(), "Café".encode("latin-1")
    )
    feed = parse_feed(body)
    assert len(feed.entries) == 1 and feed.entries[0].title.startswith("Caf")


def test_utf16_feed_is_parsed() -> None:
    body = FEED.decode().replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
    assert [e.guid for e in parse_feed(body).entries] == ["post-1", "post-2"]


def test_html_page_is_not_a_feed_and_offers_its_feed_links() -> None:
    with pytest.raises(NotAFeedError) as info:
        parse_feed(HTML_PAGE, url="https://blog.example/", headers={"content-type": "text/html"})
    assert str(info.value).startswith("this is not a feed: looks like an HTML page")
    assert info.value.alternates == ("https://blog.example/feed.xml",)
    assert info.value.url == "https://blog.example/"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "this is not a feed: the document is empty"),
        (b"  \n ", "this is not a feed: the document is empty"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": []}', "looks like JSON"),
        (b'<?xml version="1.0"?><catalog><book/></catalog>', "XML whose root is <catalog>"),
        (b"just some text", "not RSS or Atom"),
    ],
)
def test_not_a_feed(body: bytes, message: str) -> None:
    with pytest.raises(NotAFeedError, match=message):
        parse_feed(body)


def test_truncated_feed_is_a_feed_with_a_warning_and_no_entries() -> None:
    feed = parse_feed(b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Cut')
    assert feed.version == "rss20" and feed.entries == ()
    assert feed.warning.startswith("not well-formed XML")


def test_broken_xml_with_a_feed_root_but_no_feed_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="the feed's XML is broken"):
        parse_feed(b'<?xml version="1.0"?>\n<rss')


def test_a_str_is_never_parsed() -> None:
    with pytest.raises(TypeError, match="never a str"):
        parse_feed("/etc/passwd")  # type: ignore[arg-type]


HOSTILE_PROLOGS = {
    "quad": quad_payload(),
    "lol-multiline": billion_laughs(),
    "lol-oneline": billion_laughs(oneline=True),
    "xxe-file": b'<!DOCTYPE rss [\n <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
    b'<rss version="2.0"><channel><title>XXE:&xxe;</title></channel></rss>',
    "xxe-param": b'<!DOCTYPE rss [\n <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
    b' %remote; %all;\n]>\n<rss version="2.0"><channel><title>OOB:&leak;</title></channel></rss>',
    "after-comment": b'<?xml version="1.0"?><!-- <rss> in a comment -->'
    b'<!DOCTYPE rss [<!ENTITY a "b">]><rss/>',
    "utf16": '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss [<!ENTITY a "b">]><rss/>'.encode(
        "utf-16"
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PROLOGS))
def test_dtd_internal_subsets_are_refused_before_parsing(name: str) -> None:
    with pytest.raises(FeedTooHostile, match="DTD internal subset not allowed"):
        parse_feed(HOSTILE_PROLOGS[name])


def test_entity_text_inside_cdata_passes_the_guard() -> None:
    feed = parse_feed(
        rss(
            '<item><guid>c</guid><description><![CDATA[How to write <!ENTITY x "y"> '
            "in XML]]></description></item>"
        )
    )
    assert feed.entries[0].summary_text == "How to write in XML"


def test_external_dtd_is_neither_fetched_nor_a_problem(public_server: TestServer) -> None:
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{public_server.url("/evil.dtd")}">'
        '<rss version="2.0"><channel><title>ext</title><item><guid>e</guid></item>'
        "</channel></rss>"
    ).encode()
    feed = parse_feed(body)
    assert feed.title == "ext" and len(feed.entries) == 1
    assert public_server.hits == []


# -- limits ----------------------------------------------------------------------------


def test_max_entries_keeps_the_newest_in_document_order() -> None:
    items = "".join(
        f"<item><guid>g{d}</guid><pubDate>{d:02d} Nov 2026 10:00:00 GMT</pubDate></item>"
        for d in (5, 9, 1, 7, 3)
    )
    feed = parse_feed(rss(items), max_entries=2)
    assert [e.guid for e in feed.entries] == ["g9", "g7"]
    assert "3 older entries skipped (more than 2)" in feed.warning


def test_long_fields_are_capped() -> None:
    feed = parse_feed(
        rss(
            f"<item><guid>g</guid><title>{'T' * 5000}</title><description>{'d ' * 80_000}"
            "</description></item>"
        )
    )
    entry = feed.entries[0]
    assert len(entry.title) == 1000
    assert len(entry.summary_text) == 100_000


_XMLISH = st.sampled_from(
    ["<rss>", "</rss>", "<channel>", "<item>", "</item>", "<title>", "</title>", "<link>",
     "https://x.example/", "<guid>", "&amp;", "&bogus;", "<![CDATA[", "]]>", "<!--", "-->",
     "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "<p>", "\u00e9", "\x00", " ",
     "<?xml version='1.0' encoding='utf-16'?>", "<podcast:person>", "<a href='javascript:x'>",
     "<!DOCTYPE rss>", "<enclosure url='http://e.example/a.mp3'/>", "<pubDate>", "2026"]
)  # fmt: skip


@given(st.lists(_XMLISH, max_size=40).map("".join), st.sampled_from(["utf-8", "latin-1"]))
def test_arbitrary_xmlish_input_gives_a_feed_or_our_error(text: str, encoding: str) -> None:
    try:
        feed = parse_feed(text.encode(encoding, "replace"))
    except FeedError:
        return
    assert all(not e.link or e.link.startswith("http") for e in feed.entries)
