"""Detections and guest suggestions as the pages, the CLI and exports show them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Select, func, select

from planner.domain.detection import highlight_spans
from planner.domain.model import ROLE_TO_KIND, Role
from planner.domain.words import ROLE_WORDS, word
from planner.services.detections.statuses import (
    AUTO,
    CONFIRMED,
    CONTEXT,
    DISMISSED,
    GAVE,
    PENDING,
    RECEIVED,
    SUGGESTION_PENDING,
)
from planner.services.detections.suggestions import site_domain
from planner.services.workspace import Workspace
from planner.storage.schema import ContactRow, DetectionRow, EntryRow, FeedRow, GuestSuggestionRow

MARK_OPEN = "«"
MARK_CLOSE = "»"


def role_words(role: str) -> str:
    """A detection role in words ("Guest", "Linked"); an unknown one spaced, never raw."""
    known = {r.value: r for r in Role}
    return ROLE_WORDS[known[role]] if role in known else word(role)


def mark(snippet: str, matched: str) -> str:
    """The snippet as plain text with the matched words wrapped in «»."""
    return "".join(
        f"{MARK_OPEN}{text}{MARK_CLOSE}" if hit else text
        for text, hit in highlight_spans(snippet, matched)
    )


@dataclass(frozen=True, slots=True)
class DetectionView:
    """A detection with its entry, feed and contact, as the Review page and the CLI show it."""

    id: int
    entry_id: int
    entry_guid: str
    entry_title: str
    entry_link: str
    published: date | None
    feed_id: int
    feed_title: str
    feed_url: str
    contact_id: int
    contact: str
    direction: str
    role: str
    confidence: float
    status: str
    matched: str
    field: str
    snippet: str
    evidence: tuple[dict[str, Any], ...]
    interaction_id: int | None

    @property
    def kind(self) -> str:
        """The ledger kind of a give or receipt ("" for context)."""
        return "" if self.direction == CONTEXT else ROLE_TO_KIND[Role(self.role)].value

    @property
    def marked_snippet(self) -> str:
        """The snippet with the matched words marked (see :func:`mark`)."""
        return mark(self.snippet, self.matched)

    def evidence_text(self) -> str:
        """Every piece of evidence on its own line, matches marked."""
        return "\n".join(
            f"{role_words(str(e.get('role', '')))} · {e.get('field', '')} · "
            f"{float(e.get('confidence', 0)):.2f}: "
            f"{mark(str(e.get('snippet', '')), str(e.get('matched', '')))}"
            for e in self.evidence
        )


def list_detections(
    ws: Workspace,
    *,
    statuses: Iterable[str] = (),
    directions: Iterable[str] = (),
    contact_id: int | None = None,
    entry_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[DetectionView]:
    """Detections with their entry, feed and contact; newest entries first (``limit`` and
    ``offset`` page them in the database)."""
    with ws.read() as s:
        query = _joined(
            select(DetectionRow, EntryRow, FeedRow, ContactRow.name),
            statuses=statuses,
            directions=directions,
            contact_id=contact_id,
            entry_id=entry_id,
        ).order_by(EntryRow.published.desc().nulls_last(), EntryRow.id.desc(), DetectionRow.id)
        if limit:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        return [
            DetectionView(
                id=d.id,
                entry_id=e.id,
                entry_guid=e.guid,
                entry_title=e.title,
                entry_link=e.link,
                published=e.published.date() if e.published else None,
                feed_id=f.id,
                feed_title=f.title or f.url,
                feed_url=f.url,
                contact_id=d.contact_id,
                contact=name,
                direction=d.direction,
                role=d.role,
                confidence=d.confidence,
                status=d.status,
                matched=d.matched,
                field=d.field,
                snippet=d.snippet,
                evidence=tuple(x for x in d.evidence or () if isinstance(x, dict)),
                interaction_id=d.interaction_id,
            )
            for d, e, f, name in s.execute(query)
        ]


_Query = TypeVar("_Query", bound=Select)  # type: ignore[type-arg]  # any columns


def _joined(
    query: _Query,
    *,
    statuses: Iterable[str] = (),
    directions: Iterable[str] = (),
    contact_id: int | None = None,
    entry_id: int | None = None,
) -> _Query:
    """``query`` over detections joined to their entry, feed and contact, filtered."""
    query = (
        query.join(EntryRow, EntryRow.id == DetectionRow.entry_id)
        .join(FeedRow, FeedRow.id == EntryRow.feed_id)
        .join(ContactRow, ContactRow.id == DetectionRow.contact_id)
    )
    wanted = [str(x) for x in statuses]
    if wanted:
        query = query.where(DetectionRow.status.in_(wanted))
    ways = [str(x) for x in directions]
    if ways:
        query = query.where(DetectionRow.direction.in_(ways))
    if contact_id is not None:
        query = query.where(DetectionRow.contact_id == contact_id)
    if entry_id is not None:
        query = query.where(DetectionRow.entry_id == entry_id)
    return query


def count_detections(
    ws: Workspace,
    *,
    statuses: Iterable[str] = (),
    directions: Iterable[str] = (),
    contact_id: int | None = None,
) -> int:
    """How many detections :func:`list_detections` would list with these filters."""
    query = _joined(
        select(func.count()).select_from(DetectionRow),
        statuses=statuses,
        directions=directions,
        contact_id=contact_id,
    )
    with ws.read() as s:
        return int(s.scalar(query) or 0)


def review_queue(ws: Workspace) -> list[DetectionView]:
    """Pending gives and receipts, for the Review page."""
    return list_detections(ws, statuses=[PENDING], directions=[GAVE, RECEIVED])


@dataclass(frozen=True, slots=True)
class SuggestionView:
    """A guest suggestion with its entry and the similar contact, for the Review page."""

    id: int
    entry_id: int
    entry_title: str
    entry_link: str
    published: date | None
    feed_title: str
    name: str
    href: str
    evidence: str
    similar_contact_id: int | None
    similar_contact: str
    status: str

    @property
    def site(self) -> str:
        """The guest's own website domain, "" for a shared platform."""
        return site_domain(self.href)


def list_suggestions(
    ws: Workspace, *, statuses: Iterable[str] = (SUGGESTION_PENDING,)
) -> list[SuggestionView]:
    """Guest suggestions in these states (all when empty), newest entries first."""
    with ws.read() as s:
        names = dict(s.execute(select(ContactRow.id, ContactRow.name)).all())
        query = (
            select(GuestSuggestionRow, EntryRow, FeedRow)
            .join(EntryRow, EntryRow.id == GuestSuggestionRow.entry_id)
            .join(FeedRow, FeedRow.id == EntryRow.feed_id)
        )
        wanted = [str(x) for x in statuses]
        if wanted:
            query = query.where(GuestSuggestionRow.status.in_(wanted))
        query = query.order_by(EntryRow.published.desc().nulls_last(), GuestSuggestionRow.id)
        return [
            SuggestionView(
                id=g.id,
                entry_id=e.id,
                entry_title=e.title,
                entry_link=e.link,
                published=e.published.date() if e.published else None,
                feed_title=f.title or f.url,
                name=g.name,
                href=g.href,
                evidence=g.evidence,
                similar_contact_id=g.similar_contact_id,
                similar_contact=names.get(g.similar_contact_id, "") if g.similar_contact_id else "",
                status=g.status,
            )
            for g, e, f in s.execute(query)
        ]


@dataclass(frozen=True, slots=True)
class ReviewCounts:
    """How many detections are in each state, and the pending guest suggestions."""

    pending: int  # gives and receipts waiting for review
    auto: int  # confirmed automatically
    confirmed: int  # confirmed by the user
    dismissed: int
    context: int  # industry / third-party detections (never in the ledger)
    suggestions: int  # pending guest suggestions

    def describe(self) -> str:
        """The counts in words, for the CLI and the pages."""
        return (
            f"detections: {self.auto} auto-confirmed, {self.pending} to review, "
            f"{self.confirmed} confirmed, {self.dismissed} dismissed, {self.context} context; "
            f"{self.suggestions} guest suggestion(s)"
        )


def counts(ws: Workspace) -> ReviewCounts:
    """The review counts of the workspace (one grouped query)."""
    with ws.read() as s:
        by: dict[tuple[bool, str], int] = {}
        for direction, status, n in s.execute(
            select(DetectionRow.direction, DetectionRow.status, func.count()).group_by(
                DetectionRow.direction, DetectionRow.status
            )
        ):
            key = (direction == CONTEXT, status)
            by[key] = by.get(key, 0) + n
        suggestions = s.scalar(
            select(func.count())
            .select_from(GuestSuggestionRow)
            .where(GuestSuggestionRow.status == SUGGESTION_PENDING)
        )
    return ReviewCounts(
        pending=by.get((False, PENDING), 0),
        auto=by.get((False, AUTO), 0),
        confirmed=by.get((False, CONFIRMED), 0),
        dismissed=by.get((False, DISMISSED), 0),
        context=sum(n for (ctx, _), n in by.items() if ctx),
        suggestions=int(suggestions or 0),
    )


DETECTION_COLUMNS = [
    "id",
    "entry_id",
    "entry_guid",
    "entry_title",
    "entry_link",
    "published",
    "feed_url",
    "feed_title",
    "contact_id",
    "contact",
    "direction",
    "role",
    "kind",
    "confidence",
    "status",
    "matched",
    "snippet",
    "evidence",
    "interaction_id",
]


def detections_frame(ws: Workspace, **_: object) -> pd.DataFrame:
    """Every detection with its entry, feed, contact, role, confidence, status, evidence."""
    rows = [
        {
            "id": d.id,
            "entry_id": d.entry_id,
            "entry_guid": d.entry_guid,
            "entry_title": d.entry_title,
            "entry_link": d.entry_link,
            "published": d.published.isoformat() if d.published else "",
            "feed_url": d.feed_url,
            "feed_title": d.feed_title,
            "contact_id": d.contact_id,
            "contact": d.contact,
            "direction": d.direction,
            "role": d.role,
            "kind": d.kind,
            "confidence": round(d.confidence, 4),
            "status": d.status,
            "matched": d.matched,
            "snippet": d.snippet,
            "evidence": json.dumps(list(d.evidence), ensure_ascii=False),
            "interaction_id": d.interaction_id,
        }
        for d in list_detections(ws)
    ]
    return pd.DataFrame(rows, columns=DETECTION_COLUMNS).astype({"interaction_id": "Int64"})


def suggestions_frame(ws: Workspace, **_: object) -> pd.DataFrame:
    """Guests found in episodes who are not contacts, and what became of them."""
    columns = ["id", "name", "href", "similar_contact", "status", "entry_title", "entry_link"]
    rows = [
        {
            "id": g.id,
            "name": g.name,
            "href": g.href,
            "similar_contact": g.similar_contact,
            "status": g.status,
            "entry_title": g.entry_title,
            "entry_link": g.entry_link,
        }
        for g in list_suggestions(ws, statuses=())
    ]
    return pd.DataFrame(rows, columns=columns)
