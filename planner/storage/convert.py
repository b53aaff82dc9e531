"""Rows to domain records and back. The domain never sees an ORM object."""

from __future__ import annotations

from datetime import UTC, datetime

from planner.domain.entry import Enclosure, ParsedEntry, Person
from planner.domain.model import (
    Ask,
    AskStatus,
    Contact,
    Direction,
    GiveStatus,
    Interaction,
    Kind,
    PlannedGive,
    Profile,
    Request,
    RequestStatus,
    Source,
    Tier,
)
from planner.storage.schema import (
    AskRow,
    ContactRow,
    EntryRow,
    InteractionRow,
    PlannedGiveRow,
    ProfileRow,
    RequestRow,
)


def _strs(values: object) -> tuple[str, ...]:
    return tuple(str(v) for v in values) if isinstance(values, list | tuple) else ()


def profile_from_row(row: ProfileRow) -> Profile:
    """My profile as the domain reads it."""
    return Profile(
        name=row.name,
        brand=row.brand,
        email=row.email,
        domains=_strs(row.domains),
        handles=_strs(row.handles),
        aliases=_strs(row.aliases),
        reach=row.reach,
    )


def contact_from_row(row: ContactRow) -> Contact:
    """A contact as the domain reads it."""
    return Contact(
        id=row.id,
        name=row.name,
        tier=Tier(row.tier),
        reach=row.reach,
        email=row.email,
        aliases=_strs(row.aliases),
        domains=_strs(row.domains),
        handles=_strs(row.handles),
        tags=_strs(row.tags),
        notes=row.notes,
        archived=row.archived,
    )


def interaction_from_row(row: InteractionRow) -> Interaction:
    """A ledger row as the domain reads it."""
    return Interaction(
        id=row.id,
        contact_id=row.contact_id,
        direction=Direction(row.direction),
        kind=Kind(row.kind),
        occurred_on=row.occurred_on,
        magnitude=row.magnitude,
        source=Source(row.source),
        note=row.note,
        title=row.title,
        link=row.link,
    )


def ask_from_row(row: AskRow) -> Ask:
    """An ask as the domain reads it."""
    return Ask(
        id=row.id,
        contact_id=row.contact_id,
        kind=Kind(row.kind),
        cost=row.cost,
        target_date=row.target_date,
        status=AskStatus(row.status),
        priority=row.priority,
        title=row.title,
        note=row.note,
    )


def give_from_row(row: PlannedGiveRow) -> PlannedGive:
    """A planned give as the domain reads it."""
    return PlannedGive(
        id=row.id,
        contact_id=row.contact_id,
        kind=Kind(row.kind),
        due_date=row.due_date,
        status=GiveStatus(row.status),
        title=row.title,
        channel=row.channel,
        note=row.note,
        ask_id=row.ask_id,
    )


def request_from_row(row: RequestRow) -> Request:
    """A request as the domain reads it."""
    return Request(
        id=row.id,
        contact_id=row.contact_id,
        kind=Kind(row.kind),
        received_on=row.received_on,
        status=RequestStatus(row.status),
        title=row.title,
        decision=row.decision,
        note=row.note,
    )


def people_from_json(values: object) -> tuple[Person, ...]:
    """Stored credits (a JSON list of {name, role, href}) as :class:`Person` records;
    anything that is not such an object is skipped."""
    if not isinstance(values, list | tuple):
        return ()
    return tuple(
        Person(str(p.get("name") or ""), str(p.get("role") or "host"), str(p.get("href") or ""))
        for p in values
        if isinstance(p, dict)
    )


def parsed_entry(row: EntryRow) -> ParsedEntry:
    """A stored entry back as the parser produced it, for the detector.

    ``row`` may also be a plain result row of the entry table's columns (detection reads
    those: cheaper than ORM objects nobody changes).
    """
    itunes = row.itunes if isinstance(row.itunes, dict) else {}
    return ParsedEntry(
        guid=row.guid,
        title=row.title or "",
        link=row.link or "",
        published=row.published.replace(tzinfo=UTC) if row.published else None,
        authors=_strs(row.authors),
        summary_text=row.summary_text or "",
        content_text=row.content_text or "",
        links=_strs(row.links),
        anchors=_anchor_pairs(row.anchors),
        categories=_strs(row.categories),
        enclosure=_enclosure(row),
        itunes_episode=str(itunes.get("episode") or ""),
        itunes_season=str(itunes.get("season") or ""),
        itunes_episode_type=str(itunes.get("episode_type") or ""),
        itunes_duration_seconds=row.duration_seconds,
        people=people_from_json(row.people),
        content_hash=row.content_hash or "",
    )


def _anchor_pairs(values: object) -> tuple[tuple[str, str], ...]:
    """Stored (href, text) pairs; anything else stored there is skipped."""
    if not isinstance(values, list | tuple):
        return ()
    return tuple(
        (str(a[0]), str(a[1])) for a in values if isinstance(a, list | tuple) and len(a) == 2
    )


def _enclosure(row: EntryRow) -> Enclosure | None:
    if not row.enclosure_url:
        return None
    return Enclosure(row.enclosure_url, row.enclosure_type or "", None, row.duration_seconds)


def entry_values(entry: ParsedEntry, feed_id: int, now: datetime) -> dict[str, object]:
    """The entry table's columns for a parsed entry of feed ``feed_id``, stored at ``now``."""
    enclosure = entry.enclosure
    published = entry.published.replace(tzinfo=None) if entry.published else None
    return {
        "feed_id": feed_id,
        "guid": entry.guid[:2000],
        "link": entry.link[:2000],
        "title": entry.title,
        "published": published,
        "authors": list(entry.authors),
        "summary_text": entry.summary_text,
        "content_text": entry.content_text,
        "links": list(entry.links),
        "anchors": [list(a) for a in entry.anchors],
        "categories": list(entry.categories),
        "enclosure_url": enclosure.url[:2000] if enclosure else "",
        "enclosure_type": enclosure.type[:200] if enclosure else "",
        "duration_seconds": entry.itunes_duration_seconds
        or (enclosure.duration_seconds if enclosure else None),
        "itunes": {
            "episode": entry.itunes_episode,
            "season": entry.itunes_season,
            "episode_type": entry.itunes_episode_type,
        },
        "people": [{"name": p.name, "role": p.role, "href": p.href} for p in entry.people],
        "content_hash": entry.content_hash,
        "updated_at": now,
    }
