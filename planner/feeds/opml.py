"""OPML import and export: the feed list format every feed reader speaks.

Reading goes through listparser (which recovers from the raw ``&`` and stray quotes that
real exports contain) after our own checks:

* the bytes are refused when they declare entities or a DTD internal subset (the same
  guard as for feeds, THREATS P2); listparser itself never fetches: it only gets bytes;
* the text is decoded by BOM / XML declaration (listparser would assume UTF-8) and handed
  over re-encoded as UTF-8;
* every feed URL must pass :func:`planner.feeds.urls.validate_feed_url`; the rest are
  reported in :attr:`OpmlReadResult.skipped`, never silently imported;
* outlines linking to *other* OPML lists (``type="link"``) are not feeds and are skipped;
* any parser failure becomes :class:`OpmlError` ("this OPML file is malformed: ...").

Writing uses ElementTree (escaping is its job) and nests outlines by category.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import listparser

from planner.feeds.errors import FeedError, FeedURLError
from planner.feeds.urls import validate_feed_url
from planner.feeds.xmlguard import prolog_problem

__all__ = [
    "MAX_OPML_BYTES",
    "OpmlError",
    "OpmlFeed",
    "OpmlReadResult",
    "read_opml",
    "read_opml_report",
    "write_opml",
]

MAX_OPML_BYTES = 10 * 1024 * 1024
_MAX_FEEDS = 10_000
_DECLARED = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class OpmlError(FeedError, ValueError):
    """The uploaded file is not a usable OPML list; the message says why.

    A :class:`FeedError` (with ``url`` = the file's name when known, else ``""``) so that
    callers handling feed problems catch it with the rest.
    """

    def __init__(self, message: str, url: str = "") -> None:
        super().__init__(url, message)


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One feed of an OPML list."""

    url: str
    title: str = ""
    #: Folder names from the outermost in, e.g. ("Podcasts", "Tech").
    category_path: tuple[str, ...] = ()
    #: "podcast" when the list or the folder says so, else "" (unknown).
    kind_hint: str = ""


@dataclass(frozen=True, slots=True)
class OpmlReadResult:
    title: str
    feeds: tuple[OpmlFeed, ...]
    #: (url as written, why it was not imported)
    skipped: tuple[tuple[str, str], ...] = ()
    #: Set when listparser complained but the outlines could be read.
    warning: str = ""


def _decode(data: bytes) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace")
    if data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        return data.decode("utf-16-le" if data[0] else "utf-16-be", "replace")
    declared = _DECLARED.match(data.lstrip())
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def read_opml_report(data: bytes) -> OpmlReadResult:
    """Read an OPML subscription list; see the module docstring for the rules.

    Raises:
        OpmlError: empty, too big, hostile (entities/DTD), malformed, or not OPML at all.
    """
    text = _decode(_checked_bytes(data))
    result = _parse_outlines(text)
    list_title = " ".join(str(result.get("meta", {}).get("title", "") or "").split())
    feeds, skipped = _collect_feeds(result.get("feeds", []), "podcast" in list_title.lower())
    if not feeds and not skipped and result.get("lists"):
        raise OpmlError("this OPML file only links to other OPML lists; import those lists instead")
    return OpmlReadResult(list_title, tuple(feeds), tuple(skipped), _defects(result))


def _checked_bytes(data: bytes) -> bytes:
    """The file's bytes, refused when empty, too big, or declaring a DTD or entities."""
    if not isinstance(data, bytes | bytearray):
        raise TypeError("read_opml() takes the file's bytes")
    data = bytes(data)
    if not data.strip():
        raise OpmlError("this OPML file is empty")
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"this OPML file is larger than {MAX_OPML_BYTES // 2**20} MB")
    problem = prolog_problem(data)
    if problem or re.search(rb"<!ENTITY", data, re.I):
        raise OpmlError(f"this OPML file was refused: {problem or 'it declares entities'}")
    return data


def _parse_outlines(text: str) -> Mapping[str, Any]:
    """listparser's reading of the file, refused when it is malformed or no OPML at all."""
    try:
        # Bytes, never str: listparser fetches a str that starts with "http".
        result: Mapping[str, Any] = listparser.parse(text.encode("utf-8"))
    except Exception as e:  # listparser 0.19/0.20 raise IndexError etc. on broken files
        raise OpmlError(f"this OPML file is malformed: {type(e).__name__}: {e}") from e
    head = text[:4096].lower()
    if not result.get("version") and not result.get("feeds"):
        if "<rss" in head or "<feed" in head or "<rdf:rdf" in head:
            raise OpmlError("this is a feed, not an OPML list: add its URL as a feed instead")
        if "<opml" not in head:
            raise OpmlError("this is not an OPML file: no <opml> element found")
    return result


def _defects(result: Mapping[str, Any]) -> str:
    # listparser flags small defects (a bad dateModified...) as "bozo" and still reads
    # the outlines: keep them and pass the complaint on.
    if result.get("bozo"):
        return f"the file has defects: {result.get('bozo_exception')}"
    return ""


def _collect_feeds(
    outlines: Iterable[Mapping[str, Any]], podcast_list: bool
) -> tuple[list[OpmlFeed], list[tuple[str, str]]]:
    """(feeds kept, (written URL, reason) skipped): invalid, repeated, or over the limit."""
    feeds: list[OpmlFeed] = []
    skipped: list[tuple[str, str]] = []
    seen: set[str] = set()
    for raw in outlines:
        written = str(raw.get("url", "") or "").strip()
        try:
            url = validate_feed_url(written)
        except FeedURLError as e:
            skipped.append((written, str(e)))
            continue
        if url in seen:
            skipped.append((written, "listed twice"))
            continue
        if len(feeds) >= _MAX_FEEDS:
            skipped.append((written, f"more than {_MAX_FEEDS} feeds in one file"))
            continue
        seen.add(url)
        feeds.append(_feed_of(raw, url, podcast_list))
    return feeds, skipped


def _feed_of(raw: Mapping[str, Any], url: str, podcast_list: bool) -> OpmlFeed:
    """One outline as a feed: its folder path, title, and whether it is a podcast."""
    categories = raw.get("categories") or [[]]
    path = tuple(" ".join(str(c).split()) for c in categories[0] if str(c).strip())
    podcast = podcast_list or any("podcast" in c.lower() for c in path)
    title = " ".join(str(raw.get("title", "") or "").split())
    return OpmlFeed(url, title or url, path, "podcast" if podcast else "")


def read_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds of an OPML list (invalid URLs left out; see :func:`read_opml_report`).

    Raises:
        OpmlError: the file is not a usable OPML list.
    """
    return list(read_opml_report(data).feeds)


def write_opml(
    feeds: Iterable[OpmlFeed], *, title: str = "Give First feeds", now: datetime | None = None
) -> bytes:
    """An OPML 2.0 document with one outline per feed, nested by category path.

    Args:
        feeds: what to export; feeds with the same category path share a folder.
        title: the list's ``<head><title>``.
        now: timestamp for ``dateCreated`` (injected for reproducible output).
    """
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC))
    body = ET.SubElement(root, "body")
    folders: dict[tuple[str, ...], ET.Element] = {(): body}
    for feed in feeds:
        parent = body
        for depth in range(1, len(feed.category_path) + 1):
            key = feed.category_path[:depth]
            folder = folders.get(key)
            if folder is None:
                folder = ET.SubElement(parent, "outline", text=key[-1], title=key[-1])
                folders[key] = folder
            parent = folder
        name = feed.title or feed.url
        ET.SubElement(parent, "outline", type="rss", text=name, title=name, xmlUrl=feed.url)
    ET.indent(root)
    # typeshed types tostring with a named encoding as Any; any encoding but "unicode" is bytes.
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
