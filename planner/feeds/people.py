"""``podcast:person`` and ``atom:contributor`` credits, read from the bytes feedparser parsed.

feedparser keeps only the attributes of the *last* ``podcast:person`` of an item and
drops the names (kurtmckee/feedparser#301, #435), so guests are read in a second pass:

* with defusedxml (no entities, no external references), any namespace prefix, both the
  current namespace URI and the legacy GitHub one;
* name from the element text, or from the old ``name=""`` attribute;
* ``role`` lower-cased, default ``"host"``; ``href`` kept only when it is http(s);
* an item's own list replaces the channel list for that item.

The same pass reads Atom ``<contributor>`` credits (``<name>``, optional ``<uri>``), as
Podlove puts them into RSS ``<channel>``/``<item>`` and as plain Atom feeds have them
under ``<feed>``/``<entry>``. They become role ``"contributor"`` and are kept apart
(:attr:`PodcastPeople.channel_contributors`, :attr:`ItemPeople.contributors`) because,
unlike ``podcast:person``, a channel's contributors are *not* inherited by its items: a
Podlove channel lists every regular of the show, not who is in a given episode.
``<author>`` is not read here: feedparser already gives authors (``ParsedEntry.authors``).

The pass is skipped at once when the bytes mention neither the podcast namespace nor an
Atom ``contributor`` element, so blogs pay nothing. When the XML is not well-formed
(feedparser still reads such feeds loosely), a small regex fallback reads
``<podcast:person>`` elements item by item; contributors in such feeds are skipped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from planner.domain.entry import Person
from planner.feeds.urls import http_url_or_empty

__all__ = ["ItemPeople", "PodcastPeople", "read_people"]

_NAMESPACES = frozenset(
    {
        "podcastindex.org/namespace/1.0",
        "github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
    }
)
_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTRIBUTOR = f"{_ATOM}contributor"
_MAX_PEOPLE = 200  # per item or channel: credits, not a phone book


@dataclass(frozen=True, slots=True)
class ItemPeople:
    """The credits of one ``<item>``/``<entry>``, with what identifies it."""

    index: int
    guid: str
    link: str
    #: The item's own ``podcast:person`` credits (may be empty when it has contributors).
    people: tuple[Person, ...]
    #: The item's own Atom contributors, role ``"contributor"``.
    contributors: tuple[Person, ...] = ()


@dataclass(frozen=True, slots=True)
class PodcastPeople:
    #: Channel ``podcast:person`` credits: inherited by items without their own.
    channel: tuple[Person, ...] = ()
    items: tuple[ItemPeople, ...] = ()
    #: Channel Atom contributors: the feed's credits only, never copied onto items.
    channel_contributors: tuple[Person, ...] = ()

    @property
    def feed_people(self) -> tuple[Person, ...]:
        """The feed-level list: ``podcast:person`` credits first, then contributors."""
        return (self.channel + self.channel_contributors)[:_MAX_PEOPLE]

    def for_item(self, own: ItemPeople | None) -> tuple[Person, ...]:
        """An item's list: its own ``podcast:person`` credits, else the channel's, then
        its own contributors (the channel's contributors are not inherited)."""
        if own is None:
            return self.channel
        persons = own.people or self.channel
        return (persons + own.contributors)[:_MAX_PEOPLE]


def _is_podcast_ns(uri: str) -> bool:
    uri = uri.strip().lower().rstrip("/")
    for prefix in ("https://", "http://"):
        if uri.startswith(prefix):
            uri = uri[len(prefix) :]
            break
    return uri in _NAMESPACES


def _person(name: str, role: str | None, href: str | None) -> Person | None:
    name = " ".join(name.split())
    if not name:
        return None
    role = " ".join((role or "").split()).lower() or "host"
    return Person(name=name[:200], role=role[:50], href=http_url_or_empty(href or ""))


def _might_have_persons(body: bytes) -> bool:
    """ "odcastindex" matches both namespace URIs; "odcast:person" an undeclared prefix."""
    return b"person" in body and (b"odcastindex" in body or b"odcast:person" in body)


def _might_have_contributors(body: bytes) -> bool:
    """An Atom namespace and a ``contributor`` element, prefixed or not.

    "<contributor"/":contributor" rather than the bare word: Podlove's HTML show notes
    say "podlove-contributors-table" in every item, which alone must not cost a parse.
    """
    return (
        b"contributor" in body
        and b"w3.org/2005/Atom" in body
        and (b"<contributor" in body or b":contributor" in body)
    )


def might_have_people(body: bytes) -> bool:
    """Cheap pre-check on raw bytes: could there be any credit worth a second parse?"""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or body[:1] == b"\x00":
        return True  # UTF-16/32: the ASCII byte searches below cannot see anything
    return _might_have_persons(body) or _might_have_contributors(body)


def read_people(body: bytes) -> PodcastPeople:
    """All podcast:person and Atom contributor credits of a feed.

    Empty when there are none or none readable. For XML that is not well-formed only
    podcast:person credits are recovered (by regex); contributors are skipped there.
    """
    if not might_have_people(body):
        return PodcastPeople()
    try:
        root = DET.fromstring(body)
    except (ParseError, DefusedXmlException, ValueError):
        return _read_people_loosely(body)
    return _from_tree(root)


def _contributor(element: Element) -> Person | None:
    """An Atom ``<contributor>``: ``<name>`` required, ``<uri>`` kept when http(s)."""
    # Children are in the Atom namespace; an unprefixed child in an RSS document (no
    # default namespace) is the same mistake in every reader, so accept it too.
    name = element.find(f"{_ATOM}name")
    if name is None:
        name = element.find("name")
    uri = element.find(f"{_ATOM}uri")
    if uri is None:
        uri = element.find("uri")
    if name is None:
        return None
    href = "".join(uri.itertext()).strip() if uri is not None else ""
    return _person("".join(name.itertext()), "contributor", href)


def _from_tree(root: Element) -> PodcastPeople:
    person_tags: dict[str, bool] = {}

    def credits_of(parent: Element) -> tuple[tuple[Person, ...], tuple[Person, ...]]:
        """(podcast:person credits, Atom contributors) among the direct children."""
        found: list[Person] = []
        contributors: list[Person] = []
        for child in parent:
            tag = child.tag
            if not isinstance(tag, str):
                continue  # comments and processing instructions
            if tag == _CONTRIBUTOR:
                c = _contributor(child)
                if c is not None and len(contributors) < _MAX_PEOPLE:
                    contributors.append(c)
                continue
            if not tag.endswith("}person"):
                continue
            ok = person_tags.get(tag)
            if ok is None:
                ok = person_tags[tag] = _is_podcast_ns(tag[1 : tag.index("}")])
            if ok:
                text = "".join(child.itertext()) or child.get("name") or ""
                p = _person(text, child.get("role"), child.get("href"))
                if p is not None and len(found) < _MAX_PEOPLE:
                    found.append(p)
        return tuple(found), tuple(contributors)

    # RSS 2.0: items inside <channel>; Atom: entries inside <feed>; RSS 1.0: items
    # beside the channel, under <rdf:RDF>.
    channel = root.find("channel")
    if channel is None:
        channel = next((e for e in root if _local(e.tag) == "channel"), root)
    container = channel if len([e for e in channel if _is_item(e)]) else root
    items: list[ItemPeople] = []
    for index, item in enumerate(e for e in container if _is_item(e)):
        people, contributors = credits_of(item)
        if people or contributors:
            guid, link = _guid_of(item), _link_of(item)
            items.append(ItemPeople(index, guid, link, people, contributors))
    channel_people, channel_contributors = credits_of(channel)
    return PodcastPeople(channel_people, tuple(items), channel_contributors)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _is_item(element: Element) -> bool:
    return _local(element.tag) in ("item", "entry")


def _guid_of(item: Element) -> str:
    for tag in ("guid", f"{_ATOM}id", "id"):
        el = item.find(tag)
        if el is not None and el.text:
            return el.text.strip()
    return ""


def _link_of(item: Element) -> str:
    el = item.find("link")
    if el is not None and el.text:
        return el.text.strip()
    for el in item.findall(f"{_ATOM}link"):
        if el.get("rel", "alternate") == "alternate" and el.get("href"):
            return el.get("href", "").strip()
    return ""


# -- fallback for feeds that are not well-formed XML -----------------------------------

_XMLNS = re.compile(r"""xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']""")
_ITEM = re.compile(r"<item\b.*?(?:</item\s*>|(?=<item\b)|$)", re.S | re.I)


def _read_people_loosely(body: bytes) -> PodcastPeople:
    if not _might_have_persons(body):
        return PodcastPeople()  # only contributors were hinted at: not read loosely
    text = body.decode("utf-8", "replace")
    prefixes = {p for p, uri in _XMLNS.findall(text) if _is_podcast_ns(uri)} or {"podcast"}
    alternation = "|".join(re.escape(p) for p in sorted(prefixes))
    person = re.compile(
        rf"<(?:{alternation}):person\b([^>]*?)(?:/>|>(.*?)</(?:{alternation}):person\s*>)",
        re.S,
    )

    def persons_in(chunk: str) -> tuple[Person, ...]:
        found: list[Person] = []
        for attrs, inner in person.findall(chunk):
            attr = dict(
                (k, html.unescape(v))
                for k, v in re.findall(r"""([\w:-]+)\s*=\s*["']([^"']*)["']""", attrs)
            )
            name = html.unescape(re.sub(r"<[^>]*>", "", inner or "")) or attr.get("name", "")
            p = _person(name, attr.get("role"), attr.get("href"))
            if p is not None and len(found) < _MAX_PEOPLE:
                found.append(p)
        return tuple(found)

    first_item = re.search(r"<item\b", text, re.I)
    channel = persons_in(text[: first_item.start()] if first_item else text)
    items = []
    for index, match in enumerate(_ITEM.finditer(text)):
        chunk = match.group()
        people = persons_in(chunk)
        if people:
            guid = _first(chunk, "guid")
            link = _first(chunk, "link")
            items.append(ItemPeople(index, guid, link, people))
    return PodcastPeople(channel, tuple(items))


def _first(chunk: str, tag: str) -> str:
    match = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}\s*>", chunk, re.S)
    return html.unescape(match.group(1)).strip() if match else ""
