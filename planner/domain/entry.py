"""A feed entry as parsed and normalised: what ingestion hands to detection and storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Person:
    """A podcast:person (or similar credit) attached to an entry or its channel."""

    name: str
    role: str = "host"  # podcast namespace roles, lower-cased: host, guest, ...
    href: str = ""


@dataclass(frozen=True, slots=True)
class Enclosure:
    """An entry's media file (a podcast episode's audio)."""

    url: str
    type: str = ""
    length: int | None = None
    duration_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One post or episode, reduced to plain data. Text fields never hold HTML."""

    #: Stable id: the guid, else the link, else a hash of title and date.
    guid: str
    title: str = ""
    link: str = ""
    #: UTC, naive datetimes are never produced.
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    summary_text: str = ""
    content_text: str = ""
    #: Absolute http(s) hrefs found in the summary and content, in document order.
    links: tuple[str, ...] = ()
    #: (anchor text, href) pairs, for link evidence.
    anchors: tuple[tuple[str, str], ...] = ()
    categories: tuple[str, ...] = ()
    enclosure: Enclosure | None = None
    itunes_episode: str = ""
    itunes_season: str = ""
    itunes_episode_type: str = ""
    itunes_duration_seconds: int | None = None
    people: tuple[Person, ...] = ()
    #: A digest of the normalised fields: a changed entry has a different hash.
    content_hash: str = ""

    @property
    def text(self) -> str:
        """Summary and content as one plain text (content repeats summary often)."""
        if self.content_text and self.summary_text and self.summary_text in self.content_text:
            return self.content_text
        return "\n".join(t for t in (self.summary_text, self.content_text) if t)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed as parsed: its own facts and its entries."""

    title: str = ""
    link: str = ""
    description: str = ""
    #: "podcast" when enclosures or iTunes tags are present, else "blog".
    kind_guess: str = "blog"
    entries: tuple[ParsedEntry, ...] = ()
    #: Channel-level podcast:person list (hosts usually).
    people: tuple[Person, ...] = ()
    #: Set when the XML was not well-formed but entries could still be read.
    warning: str = ""
    version: str = ""
    extra: dict[str, str] = field(default_factory=dict)
