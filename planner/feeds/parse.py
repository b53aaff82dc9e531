"""Feed bytes → :class:`~planner.domain.entry.ParsedFeed`: feedparser plus our normalisation.

Policy (THREATS P1-P4, X1-X2):

* feedparser only ever gets ``io.BytesIO(body)``, never a string (a string may be opened
  as a path or URL), with the response headers that matter (``content-type`` for the
  charset, ``content-location`` as the base URI);
* ``sanitize_html=False`` and ``resolve_relative_uris=False``: both passes are slow and we
  never render HTML; :mod:`planner.feeds.html_text` turns HTML into text and resolves
  hrefs itself, keeping only http(s) URLs;
* a DTD internal subset or ``<!ENTITY`` in the prolog is refused first (:class:`FeedTooHostile`);
* "bozo" feeds that still yield entries are kept and the problem goes to ``warning``;
  an HTML page, JSON or non-feed XML raises :class:`NotAFeedError`;
* every text field is plain text, links are http(s) or empty, dates are aware UTC;
* an item's ``itunes:subtitle`` not already in its summary or content becomes the last
  line of ``summary_text`` (some shows name their guests only there);
* credits (``podcast:person``, Atom ``contributor``) come from :mod:`planner.feeds.people`;
* at most ``max_entries`` entries (the newest), and per-field length caps.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser

from planner.domain.entry import Enclosure, ParsedEntry, ParsedFeed, Person
from planner.feeds.errors import FeedTooHostile, NotAFeedError, ParseError
from planner.feeds.html_text import HtmlText, html_to_text, plain_text
from planner.feeds.people import ItemPeople, PodcastPeople, read_people
from planner.feeds.urls import http_url_or_empty
from planner.feeds.xmlguard import prolog_problem

__all__ = [
    "DEFAULT_MAX_ENTRIES",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "parse_duration",
    "parse_feed",
]

DEFAULT_MAX_ENTRIES = 10_000
MAX_TITLE_CHARS = 1_000
MAX_TEXT_CHARS = 100_000
_MAX_GUID_CHARS = 1_000
_MAX_LIST = 100
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})


def parse_feed(
    body: bytes,
    *,
    url: str = "",
    headers: Mapping[str, str] | None = None,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> ParsedFeed:
    """Parse and normalise a feed document, in this process.

    Args:
        body: the raw bytes as fetched (already content-decoded).
        url: the final URL it came from: base for relative links, named in errors.
        headers: response headers (any case); ``content-type`` decides the charset.
        max_entries: keep at most this many entries, the newest by date.

    Raises:
        FeedTooHostile: a DTD internal subset / entity declarations in the prolog.
        NotAFeedError: empty, an HTML page, JSON, or XML that is not RSS/Atom.
        ParseError: broken XML from which nothing could be read.
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError("parse_feed() takes the fetched bytes, never a str or a path")
    body = bytes(body)
    if not body.strip():
        raise NotAFeedError(url, "this is not a feed: the document is empty")
    problem = prolog_problem(body)
    if problem:
        raise FeedTooHostile(url, f"refused to parse: {problem}")
    response_headers = _feedparser_headers(url, headers)
    # People first: their element tree is freed before feedparser builds its result,
    # so peak memory is the larger of the two rather than their sum.
    people = read_people(body)
    try:
        result = feedparser.parse(
            io.BytesIO(body),
            response_headers=response_headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except MemoryError:
        raise  # the isolated worker reports it as such
    except RecursionError as e:
        raise ParseError(url, "the feed is nested too deeply to parse") from e
    except Exception as e:  # feedparser's own bugs on odd input: still one feed's problem
        raise ParseError(url, f"the feed parser failed: {type(e).__name__}: {e}"[:300]) from e
    if not result.get("version") and not result.entries:
        raise _not_a_feed(url, body, response_headers, result)
    return _normalise(result, url, people, max_entries)


def _feedparser_headers(url: str, headers: Mapping[str, str] | None) -> dict[str, str]:
    """The headers feedparser gets: the charset-bearing content type, and no base URI.

    No ``content-location``: with it, feedparser rewrites a relative ``<guid>`` into an
    absolute URL, so the same entry would change id when the feed moves. Relative links
    are resolved by us against the feed URL instead (and hrefs in HTML by html_text).
    Without any content type feedparser flags every feed as bozo, so a missing one
    becomes ``application/xml`` (charset then comes from the BOM or XML declaration).
    """
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    out = {k: lowered[k] for k in ("content-type", "content-language") if lowered.get(k)}
    out.setdefault("content-type", "application/xml")
    return out


# -- not a feed -----------------------------------------------------------------------


class _AlternateLinks(HTMLParser):
    """Feed autodiscovery: <link rel="alternate" type="application/rss+xml" href>."""

    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "a") or len(self.found) >= 10:
            return
        a = {k: (v or "") for k, v in attrs}
        rel = a.get("rel", "").lower().split()
        kind = a.get("type", "").lower()
        if "alternate" in rel and ("rss" in kind or "atom" in kind or kind.endswith("+xml")):
            href = http_url_or_empty(a.get("href", ""), self.base)
            if href and href not in self.found:
                self.found.append(href)


def _not_a_feed(url: str, body: bytes, headers: Mapping[str, str], result: Any) -> ParseError:
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    ctype = headers.get("content-type", "").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or "html" in ctype:
        finder = _AlternateLinks(url)
        with contextlib.suppress(AssertionError, ValueError):
            finder.feed(body[:262_144].decode("utf-8", "replace"))
        hint = f"; it links to {len(finder.found)} feed(s)" if finder.found else ""
        return NotAFeedError(
            url,
            f"this is not a feed: looks like an HTML page{hint}",
            alternates=tuple(finder.found),
        )
    if head[:1] in (b"{", b"[") or "json" in ctype:
        return NotAFeedError(
            url, "this is not a feed: looks like JSON (JSON Feed is not supported)"
        )
    if result.get("bozo") and re.match(
        rb"(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:rdf)\b", head, re.S
    ):
        return ParseError(
            url, f"the feed's XML is broken and nothing could be read: {_bozo_text(result)}"
        )
    root = re.search(rb"<([A-Za-z_][\w:.-]*)", re.sub(rb"<[!?][^>]*>", b"", head))
    what = f"XML whose root is <{root.group(1).decode('ascii', 'replace')}>" if root else "no XML"
    return NotAFeedError(url, f"this is not a feed: {what}, not RSS or Atom")


def _bozo_text(result: Any) -> str:
    exc = result.get("bozo_exception")
    if exc is None:
        return "malformed feed"
    name = type(exc).__name__
    if name == "SAXParseException":
        line = getattr(exc, "getLineNumber", lambda: None)()
        col = getattr(exc, "getColumnNumber", lambda: None)()
        where = f" (line {line}, column {col})" if line else ""
        return f"not well-formed XML{where}: {exc.getMessage()}"
    if name == "CharacterEncodingOverride":
        return f"the declared character encoding was wrong; read as {result.get('encoding')}"
    if name == "NonXMLContentType":
        return "served with a non-XML content type"
    if name == "CharacterEncodingUnknown":
        return "unknown character encoding"
    return f"{name}: {str(exc)[:200]}"


# -- normalisation --------------------------------------------------------------------


def _normalise(result: Any, url: str, people: PodcastPeople, max_entries: int) -> ParsedFeed:
    fd = result.feed
    feed_link = http_url_or_empty(fd.get("link", ""), url)
    base = feed_link or url
    raw_entries = list(result.entries)
    order = _newest_first_indices(raw_entries, max_entries)
    entries = _unique_entries(raw_entries, order, base, people)
    podcast = (
        bool(people.channel)
        or _has_itunes(fd)
        or any(_is_media(e.enclosure) or e.itunes_duration_seconds for e in entries)
    )
    return ParsedFeed(
        title=_text_field(fd, "title")[:MAX_TITLE_CHARS],
        link=feed_link,
        description=_text_field(fd, "subtitle")[:MAX_TEXT_CHARS],
        kind_guess="podcast" if podcast else "blog",
        entries=tuple(entries),
        people=people.feed_people,
        warning=_read_warning(result, len(entries), len(raw_entries) - len(order), max_entries),
        version=str(result.get("version") or ""),
        extra=_feed_extra(fd, result, base),
    )


def _unique_entries(
    raw_entries: list[Any], order: list[int], base: str, people: PodcastPeople
) -> list[ParsedEntry]:
    """The readable entries in ``order``; of a guid repeated in one document, the first."""
    entry_people = _match_people(people, raw_entries)
    entries: list[ParsedEntry] = []
    seen_guids: set[str] = set()
    for i in order:
        entry = _entry(raw_entries[i], base, people.for_item(entry_people.get(i)))
        if entry is None or entry.guid in seen_guids:
            continue
        seen_guids.add(entry.guid)
        entries.append(entry)
    return entries


def _read_warning(result: Any, kept: int, dropped: int, max_entries: int) -> str:
    """What the reader should know: the parser's complaint, and entries over the limit."""
    warning = ""
    if result.get("bozo"):
        warning = f"{_bozo_text(result)}; {kept} entries read anyway"
    if dropped > 0:
        note = f"{dropped} older entries skipped (more than {max_entries})"
        warning = f"{warning}; {note}" if warning else note
    return warning


def _feed_extra(fd: Mapping[str, Any], result: Any, base: str) -> dict[str, str]:
    """Feed-level facts worth keeping (language, encoding, generator, image, iTunes author)."""
    return {
        k: str(v)[:500]
        for k, v in (
            ("language", fd.get("language")),
            ("encoding", result.get("encoding")),
            ("generator", fd.get("generator")),
            ("image", http_url_or_empty(fd.get("image", {}).get("href", ""), base)),
            ("itunes_author", fd.get("author") if _has_itunes(fd) else None),
        )
        if v
    }


def _has_itunes(fd: Mapping[str, Any]) -> bool:
    return any(k.startswith("itunes_") for k in fd)


_MEDIA_SUFFIXES = (".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wav", ".mp4", ".m4v")


def _is_media(enclosure: Enclosure | None) -> bool:
    if enclosure is None:
        return False
    if enclosure.type:
        return enclosure.type.startswith(("audio/", "video/"))
    return enclosure.url.split("?", 1)[0].lower().endswith(_MEDIA_SUFFIXES)


def _newest_first_indices(entries: list[Any], limit: int) -> list[int]:
    """Indices of the entries to keep (document order), the newest when over the limit."""
    if len(entries) <= limit:
        return list(range(len(entries)))

    def key(i: int) -> tuple[int, tuple[int, ...]]:
        t = entries[i].get("published_parsed") or entries[i].get("updated_parsed")
        return (1, tuple(t[:6])) if t else (0, ())

    # Undated entries rank below dated ones; among equals, earlier in the document wins
    # (feeds list newest first).
    ranked = sorted(range(len(entries)), key=lambda i: (key(i), -i), reverse=True)
    return sorted(ranked[: max(0, limit)])


def _match_people(people: PodcastPeople, entries: list[Any]) -> dict[int, ItemPeople]:
    """Entry index → its own credits (by order when the counts agree)."""
    if not people.items:
        return {}
    by_index = {item.index: item for item in people.items}
    max_index = max(by_index)
    if max_index < len(entries) and all(
        not item.guid or _same_id(item.guid, entries[item.index]) for item in people.items
    ):
        return by_index
    matched: dict[int, ItemPeople] = {}
    ids: dict[str, int] = {}
    links: dict[str, int] = {}
    for index, e in enumerate(entries):
        ids.setdefault(str(e.get("id", "")).strip(), index)
        links.setdefault(str(e.get("link", "")).strip(), index)
    for item in people.items:
        i = ids.get(item.guid) if item.guid else None
        if i is None and item.link:
            i = links.get(item.link)
        if i is None and item.index < len(entries):
            i = item.index
        if i is not None:
            matched.setdefault(i, item)
    return matched


def _same_id(guid: str, entry: Mapping[str, Any]) -> bool:
    eid = str(entry.get("id", "")).strip()
    # feedparser may have made a permalink guid absolute against the base.
    return not eid or eid == guid or eid.endswith(guid)


def _text_field(container: Mapping[str, Any], key: str) -> str:
    value = container.get(key)
    if not value or not isinstance(value, str):
        return ""
    detail = container.get(f"{key}_detail") or {}
    if str(detail.get("type", "")).lower() in _HTML_TYPES:
        return html_to_text(value).text
    return plain_text(value)


def _name_text(value: str) -> str:
    """Author names and categories: tags in them are markup noise (or an e-mail in <>)."""
    return html_to_text(value).text.replace("\n", " ") if "<" in value else plain_text(value)


def _html_or_text(value: str, kind: str, base: str) -> HtmlText:
    if kind.lower() in _HTML_TYPES:
        return html_to_text(value, base)
    return HtmlText(plain_text(value))


def _published(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            try:
                return datetime(*t[:6]).replace(tzinfo=UTC)  # feedparser gives UTC struct_time
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def parse_duration(value: object) -> int | None:
    """Seconds from an iTunes duration: ``"1:02:03"``, ``"62:03"``, ``"3723"``, ``"3723.5"``."""
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        parts = text.split(":")
        if len(parts) > 3:
            return None
        try:
            numbers = [float(p) if p.strip() else 0.0 for p in parts]
        except ValueError:
            return None
        seconds = 0.0
        for n in numbers:
            seconds = seconds * 60 + n
    else:
        return None
    if seconds != seconds or seconds < 0 or seconds > 30 * 24 * 3600:  # NaN, negative, absurd
        return None
    return int(seconds)


def _int_or_none(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


def _enclosure(entry: Mapping[str, Any], base: str, duration: int | None) -> Enclosure | None:
    for link in entry.get("enclosures") or ():
        href = http_url_or_empty(link.get("href", ""), base)
        if href:
            return Enclosure(
                url=href,
                type=str(link.get("type", "") or "").strip().lower()[:100],
                length=_int_or_none(link.get("length")),
                duration_seconds=duration,
            )
    return None


def _dedupe(values: list[str], limit: int = _MAX_LIST) -> tuple[str, ...]:
    out: list[str] = []
    seen: set[str] = set()
    for v in values:
        if v and v not in seen:
            seen.add(v)
            out.append(v)
            if len(out) >= limit:
                break
    return tuple(out)


def _entry(
    raw: Mapping[str, Any], feed_base: str, people: tuple[Person, ...]
) -> ParsedEntry | None:
    link = _entry_link(raw, feed_base)
    title = _text_field(raw, "title")[:MAX_TITLE_CHARS]
    summary_text, content_text, anchors = _entry_texts(raw, link or feed_base)
    published = _published(raw)
    duration = parse_duration(raw.get("itunes_duration"))
    enclosure = _enclosure(raw, link or feed_base, duration)
    guid = _guid(raw, link, title, published, enclosure, summary_text or content_text)
    if guid is None:
        return None
    # After the guid: a guid-less entry's id hashes its text, and must not change
    # because the subtitle is now part of it.
    summary_text = _with_subtitle(_text_field(raw, "subtitle"), summary_text, content_text)
    entry = ParsedEntry(
        guid=guid,
        title=title,
        link=link,
        published=published,
        authors=_authors(raw),
        summary_text=summary_text[:MAX_TEXT_CHARS],
        content_text=content_text[:MAX_TEXT_CHARS],
        links=_dedupe([href for _, href in anchors], limit=1000),
        anchors=anchors,
        categories=_categories(raw),
        enclosure=enclosure,
        itunes_episode=_short_field(raw, "itunes_episode"),
        itunes_season=_short_field(raw, "itunes_season"),
        itunes_episode_type=_short_field(raw, "itunes_episodetype").lower(),
        itunes_duration_seconds=duration,
        people=people,
    )
    # Frozen, but not yet shared with anyone: set the digest of the finished fields
    # instead of building the 19-field object twice (dataclasses.replace), 10k times.
    object.__setattr__(entry, "content_hash", _content_hash(entry))
    return entry


def _entry_link(raw: Mapping[str, Any], feed_base: str) -> str:
    """The entry's web address, or empty when it has none we can use."""
    link = http_url_or_empty(raw.get("link", ""), feed_base)
    raw_link = str(raw.get("link", "") or "")
    if raw_link == raw.get("id") and raw.get("guidislink") and not raw_link.startswith("http"):
        return ""  # feedparser copied a relative guid into link: it is no URL of ours
    return link


def _entry_texts(raw: Mapping[str, Any], base: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """(summary text, content text, anchors) with feedparser's copies of one into the other
    removed, so the same words are neither parsed nor stored twice."""
    raw_contents = [c for c in raw.get("content") or () if c.get("value")]
    raw_summary = str(raw.get("summary", "") or "")
    if any(c.get("value") == raw_summary for c in raw_contents):
        raw_summary = ""  # feedparser copies content into a missing summary: parse once
    summary_detail = raw.get("summary_detail") or {}
    summary = _html_or_text(
        raw_summary,
        str(summary_detail.get("type", "text/html")),
        _base_of(summary_detail, base),
    )
    contents = [
        _html_or_text(str(c.get("value")), str(c.get("type", "text/html")), _base_of(c, base))
        for c in raw_contents
    ]
    content_text = "\n".join(_dedupe([c.text for c in contents]))
    summary_text = summary.text
    if summary_text and summary_text == content_text:
        summary_text = ""  # feedparser copies content into summary when one is missing
    anchors = _dedupe_pairs([*summary.anchors, *(a for c in contents for a in c.anchors)])
    return summary_text, content_text, anchors


def _authors(raw: Mapping[str, Any]) -> tuple[str, ...]:
    return _dedupe(
        [
            _name_text(str(a.get("name") or a.get("email") or ""))[:200]
            for a in (raw.get("authors") or ())
            if isinstance(a, Mapping)
        ]
        or [_name_text(str(raw.get("author", "") or ""))[:200]]
    )


def _categories(raw: Mapping[str, Any]) -> tuple[str, ...]:
    return _dedupe(
        [
            _name_text(str(t.get("term") or t.get("label") or ""))[:200]
            for t in (raw.get("tags") or ())
            if isinstance(t, Mapping)
        ]
    )


def _short_field(raw: Mapping[str, Any], key: str) -> str:
    """A short iTunes field (episode, season, type) as trimmed text of at most 20 characters."""
    return str(raw.get(key, "") or "").strip()[:20]


_ELLIPSES = ("...", "…")


def _fold(text: str) -> str:
    """For "already contained" checks: case and whitespace do not make a text new."""
    return " ".join(text.split()).casefold()


def _with_subtitle(subtitle: str, summary_text: str, content_text: str) -> str:
    """``summary_text`` with ``subtitle`` (an item's itunes:subtitle) as its last line.

    feedparser keeps the subtitle apart from summary and content, yet some shows name
    their guests only there (Go Time: "with Jane Doe & John Roe"). Often it is just the
    start of the description, though: then it is left out, also when cut off with "...".
    """
    line = " ".join(subtitle.split())[:MAX_TITLE_CHARS]  # one line; a subtitle is short
    probe = line
    while probe.endswith(_ELLIPSES):
        probe = probe.removesuffix("...").removesuffix("…").rstrip()
    if not probe or probe in summary_text or probe in content_text:  # fast, exact path
        return summary_text
    folded = _fold(probe)
    if folded in _fold(summary_text) or folded in _fold(content_text):
        return summary_text
    if not summary_text:
        return line
    # Room is made in the summary so that the line, the point of this, survives the cap.
    return f"{summary_text[: MAX_TEXT_CHARS - len(line) - 1]}\n{line}"


def _base_of(detail: Mapping[str, Any], base: str) -> str:
    """xml:base of a content element when it is an absolute http(s) URL, else ``base``."""
    own = detail.get("base")
    return (http_url_or_empty(own) or base) if own and own != base else base


def _dedupe_pairs(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for pair in pairs:
        if pair not in seen:
            seen.add(pair)
            out.append(pair)
            if len(out) >= 1000:
                break
    return tuple(out)


def _guid(
    raw: Mapping[str, Any],
    link: str,
    title: str,
    published: datetime | None,
    enclosure: Enclosure | None,
    text: str,
) -> str | None:
    guid = " ".join(str(raw.get("id", "") or "").split())
    if guid:
        if len(guid) > _MAX_GUID_CHARS:
            return "sha1:" + hashlib.sha1(guid.encode("utf-8", "replace")).hexdigest()
        return guid
    if link:
        return link
    if not (title or published or enclosure or text):
        return None  # nothing to identify or keep
    key = "\x1f".join(
        (
            title,
            published.isoformat() if published else "",
            enclosure.url if enclosure else "",
            text[:1000],
        )
    )
    return "sha1:" + hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()


def _content_hash(entry: ParsedEntry) -> str:
    """sha256 over every normalised field: a changed entry gets a different hash."""
    enc = entry.enclosure
    parts = (
        entry.guid,
        entry.title,
        entry.link,
        entry.published.isoformat() if entry.published else "",
        "\x1e".join(entry.authors),
        entry.summary_text,
        entry.content_text,
        "\x1e".join(entry.categories),
        f"{enc.url}\x1e{enc.type}\x1e{enc.length}\x1e{enc.duration_seconds}" if enc else "",
        entry.itunes_episode,
        entry.itunes_season,
        entry.itunes_episode_type,
        "\x1e".join(f"{p.name}\x1d{p.role}\x1d{p.href}" for p in entry.people),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
