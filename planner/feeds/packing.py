"""A parsed feed as plain tuples, for the trip from the parse worker to the app.

Unpickling frozen dataclasses with slots goes through ``dataclasses._dataclass_setstate``,
which looks the fields up again for every object: for a 5,000-episode podcast (an entry,
an enclosure and two credits each) that was most of the time the app spent receiving the
parse. Tuples unpickle at C speed and the objects are built again with their own
constructors, equal to the ones the worker made.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from planner.domain.entry import Enclosure, ParsedEntry, ParsedFeed, Person

_ENTRY_FIELDS = tuple(f.name for f in fields(ParsedEntry))
_FEED_FIELDS = tuple(f.name for f in fields(ParsedFeed))
_ENCLOSURE = _ENTRY_FIELDS.index("enclosure")
_ENTRY_PEOPLE = _ENTRY_FIELDS.index("people")
_ENTRIES = _FEED_FIELDS.index("entries")
_FEED_PEOPLE = _FEED_FIELDS.index("people")


def _person(p: Person) -> tuple[str, str, str]:
    return (p.name, p.role, p.href)


def _pack_entry(entry: ParsedEntry) -> list[Any]:
    values = [getattr(entry, name) for name in _ENTRY_FIELDS]
    enclosure = entry.enclosure
    if enclosure is not None:
        values[_ENCLOSURE] = (
            enclosure.url,
            enclosure.type,
            enclosure.length,
            enclosure.duration_seconds,
        )
    values[_ENTRY_PEOPLE] = tuple(_person(p) for p in entry.people)
    return values


def _unpack_entry(values: list[Any]) -> ParsedEntry:
    enclosure = values[_ENCLOSURE]
    if enclosure is not None:
        values[_ENCLOSURE] = Enclosure(*enclosure)
    values[_ENTRY_PEOPLE] = tuple(Person(*p) for p in values[_ENTRY_PEOPLE])
    return ParsedEntry(*values)


def pack_feed(feed: ParsedFeed) -> list[Any]:
    """``feed`` as nested lists and tuples of its fields' values (see :func:`unpack_feed`)."""
    values = [getattr(feed, name) for name in _FEED_FIELDS]
    values[_ENTRIES] = [_pack_entry(e) for e in feed.entries]
    values[_FEED_PEOPLE] = tuple(_person(p) for p in feed.people)
    return values


def unpack_feed(values: list[Any]) -> ParsedFeed:
    """The feed :func:`pack_feed` packed, equal to it."""
    values[_ENTRIES] = tuple(_unpack_entry(e) for e in values[_ENTRIES])
    values[_FEED_PEOPLE] = tuple(Person(*p) for p in values[_FEED_PEOPLE])
    return ParsedFeed(*values)
