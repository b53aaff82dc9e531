"""Detection in the app: who the feeds show, turned into ledger rows and a review queue.

Registered as an ingest hook (:data:`planner.services.ingest.ENTRY_HOOKS`): every new or
changed entry that is not a duplicate of another feed's entry is analysed, inside the
feed's own transaction, with a :class:`~planner.domain.detection.DetectionIndex` built once
per version of the contact list (see :func:`index_for`).

What a detection means depends on whose feed it is:

* **my feeds** (owner ``me``): each contact found is a give — guest → interview, feature,
  link, mention (:data:`planner.domain.model.ROLE_TO_KIND`);
* **a contact's feed**: the user found in it (``detect_me``) is goodwill *received* from
  that contact, with the same role → kind mapping (their guest spot for me is an
  interview); other contacts found there are context;
* **industry feeds**: everyone found is context — stored and shown on the contact, never
  in the ledger.

One :class:`~planner.storage.schema.DetectionRow` per (entry, contact) holds the strongest
role and all the evidence. It is ``auto`` (confirmed automatically) when its confidence
reaches ``Settings.detection_auto_confirm``, else ``pending`` for review. An auto or
confirmed give/receipt has its ledger row (source ``feed``, linked by ``entry_id``).
Re-analysing an entry updates its detections and their ledger rows in place; a dismissed
detection stays dismissed and is never suggested again; a confirmed one stays confirmed.
Guests who are not contacts become :class:`~planner.storage.schema.GuestSuggestionRow`
rows: accept (a new contact), add as an alias of a similar contact, or dismiss.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import event, exists, func, insert, select
from sqlalchemy.orm import ORMExecuteState, Session

from planner.domain import goodwill
from planner.domain.detection import Detection, DetectionIndex, EntryAnalysis, highlight_spans
from planner.domain.detection_links import SHARED_PLATFORMS, parent_domains, split_url
from planner.domain.entry import Enclosure, ParsedEntry
from planner.domain.model import (
    ROLE_STRENGTH,
    ROLE_TO_KIND,
    Contact,
    DetectionStatus,
    Direction,
    FeedOwner,
    GiveStatus,
    Kind,
    Role,
    Settings,
    Source,
    Tier,
)
from planner.domain.names import clean_person_name
from planner.domain.show_profile import ShowProfile
from planner.domain.values import published_problem
from planner.errors import Conflict, InvalidInput, NotFound, PlannerError
from planner.feeds.urls import http_url_or_empty
from planner.services import contacts as contacts_service
from planner.services import ingest, shows, validate
from planner.services.valuation import base_of, fill_values
from planner.services.workspace import Workspace
from planner.storage.convert import contact_from_row, people_from_json
from planner.storage.schema import (
    ContactRow,
    DetectionRow,
    EntryRow,
    FeedRow,
    GuestSuggestionRow,
    InteractionRow,
    PlannedGiveRow,
    ProfileRow,
)

#: The direction of a detection that never reaches the ledger (industry feeds).
CONTEXT = "context"
GAVE = Direction.GAVE.value
RECEIVED = Direction.RECEIVED.value

AUTO = DetectionStatus.AUTO.value
PENDING = DetectionStatus.PENDING.value
CONFIRMED = DetectionStatus.CONFIRMED.value
DISMISSED = DetectionStatus.DISMISSED.value

#: Guest suggestion states.
SUGGESTION_PENDING = "pending"
SUGGESTION_ACCEPTED = "accepted"
SUGGESTION_DISMISSED = "dismissed"
SUGGESTION_ALIASED = "aliased"

#: Entries are loaded and analysed this many at a time.
CHUNK = 500
#: Workspaces (databases) whose index is kept in memory at once.
CACHE_WORKSPACES = 8
#: Modules that may offer ``mark_matching_give_done`` (the planning engine's).
GIVE_MATCHERS = ("planner.services.planning", "planner.services.gives")

MARK_OPEN = "«"
MARK_CLOSE = "»"


# --- the index, built once per version of the contact list ------------------------------

_lock = threading.Lock()
_generation = 0
_cache: dict[str, tuple[tuple[Any, ...], DetectionIndex]] = {}
_CHANGED = "planner.contacts_changed"


def _bump() -> None:
    global _generation
    with _lock:
        _generation += 1


@event.listens_for(Session, "before_flush")
def _note_contact_changes(session: Session, _context: object, _instances: object) -> None:
    """A session writing contacts or the profile: its index is not cached, and the
    version moves on when it ends (committed or not)."""
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, ContactRow | ProfileRow) for obj in touched):
        session.info[_CHANGED] = True
        _bump()


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_contact_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and any(
        m.class_ in (ContactRow, ProfileRow) for m in state.all_mappers
    ):
        state.session.info[_CHANGED] = True
        _bump()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        _bump()


def _cache_key(ws: Workspace) -> str:
    return ws.engine.url.render_as_string(hide_password=False)


def index_for(ws: Workspace, session: Session) -> DetectionIndex:
    """The detection index of the workspace's active contacts and profile.

    Cached per database, process-wide, keyed by a cheap version: the number of contacts,
    the highest id and ``updated_at``, the profile, and a counter every write to contacts
    in this process moves on. A session that changed contacts itself gets a fresh,
    uncached index that sees its own changes.
    """
    profile = ws.profile(session)
    with _lock:
        generation = _generation
    count, max_id, max_updated = session.execute(
        select(func.count(), func.max(ContactRow.id), func.max(ContactRow.updated_at))
    ).one()
    version = (count, max_id, max_updated, generation, profile)
    key = _cache_key(ws)
    cacheable = not session.info.get(_CHANGED)
    if cacheable:
        with _lock:
            hit = _cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
    rows = session.scalars(select(ContactRow).where(ContactRow.archived.is_(False)))
    index = DetectionIndex.build([contact_from_row(r) for r in rows], profile)
    if cacheable:
        with _lock:
            _cache.pop(key, None)
            while len(_cache) >= CACHE_WORKSPACES:
                _cache.pop(next(iter(_cache)))
            _cache[key] = (version, index)
    return index


def clear_index_cache() -> None:
    with _lock:
        _cache.clear()


# --- entries -----------------------------------------------------------------------------


def parsed_entry(row: EntryRow) -> ParsedEntry:
    """A stored entry back as the parser produced it, for the detector."""
    itunes = row.itunes if isinstance(row.itunes, dict) else {}
    anchors = tuple(
        (str(a[0]), str(a[1]))
        for a in row.anchors or ()
        if isinstance(a, list | tuple) and len(a) == 2
    )
    people = people_from_json(row.people)
    enclosure = (
        Enclosure(row.enclosure_url, row.enclosure_type or "", None, row.duration_seconds)
        if row.enclosure_url
        else None
    )
    return ParsedEntry(
        guid=row.guid,
        title=row.title or "",
        link=row.link or "",
        published=row.published.replace(tzinfo=UTC) if row.published else None,
        authors=tuple(str(a) for a in row.authors or ()),
        summary_text=row.summary_text or "",
        content_text=row.content_text or "",
        links=tuple(str(u) for u in row.links or ()),
        anchors=anchors,
        categories=tuple(str(c) for c in row.categories or ()),
        enclosure=enclosure,
        itunes_episode=str(itunes.get("episode") or ""),
        itunes_season=str(itunes.get("season") or ""),
        itunes_episode_type=str(itunes.get("episode_type") or ""),
        itunes_duration_seconds=row.duration_seconds,
        people=people,
        content_hash=row.content_hash or "",
    )


def _chunks(items: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


# --- one detection run -------------------------------------------------------------------


@dataclass
class DetectStats:
    """What a detection run did."""

    entries: int = 0
    auto: int = 0  # new detections confirmed automatically (gave/received)
    pending: int = 0  # new detections waiting for review
    context: int = 0  # new context detections (industry feeds, others in a contact's feed)
    updated: int = 0  # existing detections re-evaluated
    removed: int = 0  # detections no longer found
    suggestions: int = 0  # new guest suggestions

    def add(self, other: DetectStats) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def describe(self) -> str:
        return (
            f"scanned {self.entries} entries: {self.auto} auto-confirmed, "
            f"{self.pending} to review, {self.context} context, {self.updated} updated, "
            f"{self.removed} removed, {self.suggestions} new guest suggestion(s)"
        )


@dataclass(slots=True)
class _NewDetection:
    """A detection not stored yet: inserted with the others of its chunk (see _write)."""

    entry_id: int
    contact_id: int
    direction: str
    role: str
    matched: str
    field: str
    snippet: str
    evidence: list[dict[str, object]]
    confidence: float
    status: str
    created_at: datetime
    interaction_id: int | None = None

    def values(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in _NEW_DETECTION_FIELDS}


_NEW_DETECTION_FIELDS = tuple(f.name for f in fields(_NewDetection))


@dataclass
class _Run:
    """One detection run: what it reads once, and the rows it has yet to write.

    Settings, my reach, the contacts' reach (those the entries name), the detections and
    ledger rows the entries already have are read once per run or chunk, never per row;
    new ledger rows and detections are inserted in bulk by :func:`_write`.
    """

    ws: Workspace
    session: Session
    settings: Settings
    my_reach: int | None
    today: date
    now: datetime
    stats: DetectStats
    index: DetectionIndex | None = None
    #: My website domains: the own sites of my feeds.
    my_domains: tuple[str, ...] = ()
    #: feed id → (its show profile or None, its own sites or None): read once per run.
    feed_context: dict[int, tuple[ShowProfile | None, tuple[str, ...] | None]] = dataclasses.field(
        default_factory=dict
    )
    #: Of the contacts the chunk's stored detections name, the ones not archived.
    active: set[int] | None = None
    dismissed_names: set[str] | None = None
    #: contact id → reach, of the contacts the run's ledger rows name (filled per chunk).
    reaches: dict[int, int | None] = dataclasses.field(default_factory=dict)
    #: (direction, role) of a detection → the ledger's direction and kind, checked.
    checked: dict[tuple[str, str], tuple[str, str]] = dataclasses.field(default_factory=dict)
    #: (contact, direction, kind) → the base value of a ledger row (magnitude 1).
    bases: dict[tuple[int, str, str], float] = dataclasses.field(default_factory=dict)
    #: (contact, direction, link) of rows typed by hand that a detection may adopt.
    manual_links: set[tuple[int | None, str, str]] | None = None
    #: Contacts with an open planned give (only they can have one completed).
    planned_for: set[int | None] | None = None
    #: New detections and new ledger rows (with the detection they belong to), in the
    #: order they were found; written by _write.
    new_detections: list[_NewDetection] = dataclasses.field(default_factory=list)
    new_logs: list[tuple[DetectionRow | _NewDetection, dict[str, Any]]] = dataclasses.field(
        default_factory=list
    )
    #: New guest suggestions (column values), in the order found; written by _write.
    new_suggestions: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    @property
    def threshold(self) -> float:
        return self.settings.detection_auto_confirm


def _start(ws: Workspace, session: Session, *, with_index: bool = True) -> _Run:
    me = ws.profile(session)
    run = _Run(
        ws=ws,
        session=session,
        settings=ws.settings(session),
        my_reach=me.reach,
        today=ws.today(),
        now=ws.now(),
        stats=DetectStats(),
        my_domains=tuple(me.domains),
    )
    if with_index:
        run.index = index_for(ws, session)
        run.dismissed_names = {
            clean_person_name(n)
            for n in session.scalars(
                select(GuestSuggestionRow.name).where(
                    GuestSuggestionRow.status == SUGGESTION_DISMISSED
                )
            )
        }
    return run


def detect_entries(
    ws: Workspace, session: Session, feed: FeedRow, entry_ids: Sequence[int]
) -> DetectStats:
    """The ingest hook: analyse new or changed entries of ``feed`` in its transaction.

    A podcast feed's show profile is learned again first (:func:`shows.relearn`): when
    what it says changed (other hosts, another title slot, guests or none), every entry
    of the feed is analysed again, as the profile changes what older episodes mean.
    """
    run = _start(ws, session)
    columns = EntryRow.__table__.c
    ids = list(entry_ids)
    if ids and shows.is_podcast(feed):
        before = feed.show_profile
        profile, changed = shows.relearn(ws, session, feed)
        if changed and (before is None or shows.reads_differently(before, feed.show_profile)):
            ids = list(
                session.scalars(
                    select(columns.id)
                    .where(columns.feed_id == feed.id, columns.duplicate_of_id.is_(None))
                    .order_by(columns.id)
                )
            )
        run.feed_context[feed.id] = (profile, _own_sites(run, feed))
    for chunk in _chunks(ids):
        # plain rows of the entries' columns (what parsed_entry and the ledger read), as
        # stored now: cheaper than loading ORM objects nobody changes
        rows = session.execute(
            select(*columns)
            .where(columns.id.in_(chunk), columns.duplicate_of_id.is_(None))
            .order_by(columns.id)
        ).all()
        _process(run, feed, rows)  # type: ignore[arg-type]
    return run.stats


def _own_sites(run: _Run, feed: FeedRow) -> tuple[str, ...] | None:
    """The feed's own sites, or None when none is known (then the detector takes each
    entry's own host as the feed's site)."""
    return shows.own_sites(run.session, feed, run.my_domains) or None


def _feed_context(run: _Run, feed: FeedRow) -> tuple[ShowProfile | None, tuple[str, ...] | None]:
    """The show profile (podcast feeds that have one) and own sites of a feed, once per run."""
    found = run.feed_context.get(feed.id)
    if found is None:
        has_profile = feed.show_profile is not None or bool(feed.show_corrections)
        show = (
            shows.profile_for(run.session, feed) if shows.is_podcast(feed) and has_profile else None
        )
        found = run.feed_context[feed.id] = (show, _own_sites(run, feed))
    return found


def _process(run: _Run, feed: FeedRow, entries: Sequence[EntryRow]) -> None:
    if not entries:
        return
    assert run.index is not None
    s = run.session
    ids = [e.id for e in entries]
    existing: dict[int, dict[int, DetectionRow]] = {}
    for d in s.scalars(select(DetectionRow).where(DetectionRow.entry_id.in_(ids))):
        existing.setdefault(d.entry_id, {})[d.contact_id] = d
    suggested: dict[int, list[GuestSuggestionRow]] = {}
    for g in s.scalars(select(GuestSuggestionRow).where(GuestSuggestionRow.entry_id.in_(ids))):
        suggested.setdefault(g.entry_id, []).append(g)
    links = {_web_link(e.link) for e in entries} - {""}
    run.manual_links = (
        set(
            s.execute(
                select(
                    InteractionRow.contact_id, InteractionRow.direction, InteractionRow.link
                ).where(
                    InteractionRow.link.in_(links),
                    InteractionRow.entry_id.is_(None),
                    InteractionRow.source != Source.FEED.value,
                )
            ).all()  # type: ignore[arg-type]
        )
        if links
        else set()
    )
    owner = feed.owner
    feed_contact = feed.contact_id if owner == FeedOwner.CONTACT else None
    show, own_sites = _feed_context(run, feed)
    analysed = []
    for entry in entries:
        analysis = run.index.analyse(
            parsed_entry(entry),
            feed.kind or None,
            show=show,
            own_sites=own_sites,
            suggest_from_text=owner == FeedOwner.ME,  # only my shows' suggestions are kept
        )
        analysed.append((entry, analysis, _found(analysis, owner, feed_contact)))
    # the reach of the contacts ledger rows may name, and whether the contacts of stored
    # detections are still active: one query per chunk, not one per row
    wanted = {
        cid
        for _, _, found in analysed
        for cid, (direction, _) in found.items()
        if direction != CONTEXT and cid not in run.reaches
    }
    for chunk in _chunks(sorted(wanted)):
        run.reaches.update(
            s.execute(  # type: ignore[arg-type]
                select(ContactRow.id, ContactRow.reach).where(ContactRow.id.in_(chunk))
            ).all()
        )
    run.active = set()
    for chunk in _chunks(sorted({cid for m in existing.values() for cid in m})):
        run.active.update(
            s.scalars(
                select(ContactRow.id).where(
                    ContactRow.id.in_(chunk), ContactRow.archived.is_(False)
                )
            )
        )
    # the ledger rows of stored detections, in the session once (not one query each)
    # (held here: the session's identity map only keeps rows something refers to)
    held: list[object] = []
    logged = sorted(
        d.interaction_id for m in existing.values() for d in m.values() if d.interaction_id
    )
    for chunk in _chunks(logged):
        held.extend(s.scalars(select(InteractionRow).where(InteractionRow.id.in_(chunk))))
    with s.no_autoflush:
        for entry, analysis, found in analysed:
            mine = existing.get(entry.id, {})
            for contact_id, (direction, detection) in found.items():
                _upsert(run, entry, contact_id, direction, detection, mine.get(contact_id))
            for contact_id, row in mine.items():
                if contact_id not in found:
                    _stale(run, row)
            if owner == FeedOwner.ME:
                _suggestions(run, entry, analysis, suggested.get(entry.id, []))
            run.stats.entries += 1
        _write(run)
    s.flush()
    del held


def _found(
    analysis: EntryAnalysis, owner: str, feed_contact: int | None
) -> dict[int, tuple[str, Detection]]:
    """contact id → (direction, detection) for one entry, by whose feed it is."""
    if owner == FeedOwner.ME:
        return {d.contact_id: (GAVE, d) for d in analysis.detections if d.contact_id is not None}
    if owner == FeedOwner.CONTACT and feed_contact is not None:
        out = {
            d.contact_id: (CONTEXT, d)
            for d in analysis.detections
            if d.contact_id is not None and d.contact_id != feed_contact
        }
        if analysis.me is not None:
            out[feed_contact] = (RECEIVED, analysis.me)
        return out
    return {d.contact_id: (CONTEXT, d) for d in analysis.detections if d.contact_id is not None}


def _evidence_json(detection: Detection) -> list[dict[str, object]]:
    return [
        {
            "role": e.role.value,
            "field": e.field,
            "matched": e.matched,
            "snippet": e.snippet,
            "confidence": e.confidence,
        }
        for e in detection.evidence
    ]


def _upsert(
    run: _Run,
    entry: EntryRow,
    contact_id: int,
    direction: str,
    detection: Detection,
    row: DetectionRow | None,
) -> None:
    status = AUTO if detection.confidence >= run.threshold else PENDING
    values = {
        "direction": direction,
        "role": detection.role.value,
        "matched": detection.matched[:500],
        "field": detection.field[:32],
        "snippet": detection.snippet,
        "evidence": _evidence_json(detection),
        "confidence": detection.confidence,
    }
    if row is None:
        new = _NewDetection(
            entry_id=entry.id,
            contact_id=contact_id,
            status=status,
            created_at=run.now,
            **values,
        )
        run.new_detections.append(new)
        if direction == CONTEXT:
            run.stats.context += 1
        else:
            if status == AUTO:
                _log(run, new, entry)
            if new.status == AUTO:
                run.stats.auto += 1
            else:
                run.stats.pending += 1
        return
    if row.status == DISMISSED:
        return  # the user said no: never suggested again
    old_status, old_direction = row.status, row.direction
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    if row.status in (AUTO, PENDING):
        row.status = status
    if changed or row.status != old_status:
        run.stats.updated += 1
    if row.direction != CONTEXT and row.status in (AUTO, CONFIRMED):
        if row.interaction_id is not None:
            _refresh_interaction(run, row, entry)
        elif old_status == PENDING or old_direction == CONTEXT:
            _log(run, row, entry)
        # else: the user deleted the ledger row of an automatic detection; leave it so
    elif row.interaction_id is not None:
        _write(run)  # what was found before goes first, as it came first
        _unlog(run.session, row)


def _stale(run: _Run, row: DetectionRow) -> None:
    """A detection the entry no longer supports (the entry changed, contacts changed)."""
    assert run.active is not None
    if row.contact_id not in run.active:
        return  # an archived or merged contact: history is kept
    if row.status in (PENDING, AUTO):
        if row.interaction_id is not None:
            _write(run)
            _unlog(run.session, row)
        run.session.delete(row)
        run.stats.removed += 1


def _suggestions(
    run: _Run, entry: EntryRow, analysis: EntryAnalysis, rows: list[GuestSuggestionRow]
) -> None:
    assert run.dismissed_names is not None
    by_name = {r.name: r for r in rows}
    seen: set[str] = set()
    for suggestion in analysis.suggestions:
        name = suggestion.name[:200]
        if name in seen:
            continue
        seen.add(name)
        row = by_name.get(name)
        if row is None:
            dismissed = clean_person_name(name) in run.dismissed_names
            run.new_suggestions.append(
                {
                    "entry_id": entry.id,
                    "name": name,
                    "href": suggestion.href[:2000],
                    "evidence": suggestion.evidence,
                    "similar_contact_id": suggestion.similar_contact_id,
                    "status": SUGGESTION_DISMISSED if dismissed else SUGGESTION_PENDING,
                    "created_at": run.now,
                }
            )
            if not dismissed:
                run.stats.suggestions += 1
        elif row.status == SUGGESTION_PENDING:
            row.href = suggestion.href[:2000]
            row.evidence = suggestion.evidence
            row.similar_contact_id = suggestion.similar_contact_id
    for name, row in by_name.items():
        if name not in seen and row.status == SUGGESTION_PENDING:
            run.session.delete(row)


# --- the ledger side ---------------------------------------------------------------------


def _entry_day(run: _Run, entry: EntryRow) -> date:
    """The ledger date of an entry's detections: its publication day, else the run's day.

    Ingest drops impossible dates (planner.services.ingest.undate_impossible_entries), but
    an entry stored before it did may still say 9999-12-31: dated like an undated entry,
    its row is logged instead of refused by the ledger's date window.
    """
    published = entry.published
    if published is None:
        return run.today
    if published_problem(published, entry.first_seen_at or run.now) is not None:
        return run.today
    return published.date()


def _web_link(url: str) -> str:
    """The entry's address when it is a plain http(s) URL the ledger accepts, else ""."""
    link = http_url_or_empty(url)
    return link if link and len(link) <= 2_000 and http_url_or_empty(link) == link else ""


def _note(row: DetectionRow | _NewDetection) -> str:
    return f"found in a feed: {row.role}, confidence {row.confidence:.2f}"


def _reach(run: _Run, contact_id: int) -> int | None:
    """A contact's reach (read per chunk in _process; one query for a contact not read)."""
    if contact_id not in run.reaches:
        found = run.session.execute(
            select(ContactRow.reach).where(ContactRow.id == contact_id)
        ).first()
        if found is None:
            raise NotFound(f"no contact named {str(contact_id)!r}")
        run.reaches[contact_id] = found[0]
    return run.reaches[contact_id]


def _ledger_values(
    run: _Run, row: DetectionRow | _NewDetection, entry: EntryRow, *, day: date, link: str
) -> dict[str, Any]:
    """The ledger row of a detection, checked as ``ledger.add`` checks a typed one
    (without its per-row reads: settings, my reach and the contact's reach come from the
    run), with its value columns computed as ``valuation.fill_values`` does.

    Raises :class:`~planner.errors.PlannerError` for a row the ledger would refuse.
    """
    # checked and computed once per run for each (contact,) direction and role: settings
    # and reaches are read once per run
    checked = run.checked.get((row.direction, row.role))
    if checked is None:
        checked = run.checked[(row.direction, row.role)] = (
            validate.choice(row.direction, Direction, "direction").value,
            validate.choice(ROLE_TO_KIND[Role(row.role)], Kind, "kind").value,
        )
    direction, kind = checked
    occurred_on = validate.day(day, "date")
    link = validate.text(link, "link", max_len=2_000)
    if link and http_url_or_empty(link) != link:
        raise InvalidInput(f"link {link[:80]!r} is not an http(s) address", field="link")
    magnitude = 1.0
    base = run.bases.get((row.contact_id, direction, kind))
    if base is None:
        base = run.bases[(row.contact_id, direction, kind)] = base_of(
            kind=kind,
            direction=direction,
            magnitude=magnitude,
            my_reach=run.my_reach,
            their_reach=_reach(run, row.contact_id),
            settings=run.settings,
        )
    return {
        "contact_id": row.contact_id,
        "direction": direction,
        "kind": kind,
        "occurred_on": occurred_on,
        "magnitude": magnitude,
        "source": Source.FEED.value,
        "note": validate.text(_note(row), "note", max_len=10_000),
        "title": validate.text((entry.title or entry.link or "")[:2000], "title", max_len=2_000),
        "link": link,
        "created_at": run.ws.now(),
        "entry_id": entry.id,
        "base": base,
        "growth": goodwill.growth(base, occurred_on, run.settings.half_life_days),
        "quarter": goodwill.quarter_index(occurred_on),
    }


def _log(
    run: _Run, row: DetectionRow | _NewDetection, entry: EntryRow, *, strict: bool = False
) -> None:
    """The ledger row of an auto/confirmed give or receipt (one per detection).

    The row is queued on the run and inserted with the others by :func:`_write`, which
    also links it to the detection and completes a planned give it fulfils.

    An entry the ledger refuses (``strict`` False, during ingest) leaves the detection
    pending for review instead of failing the whole feed; a user's confirm shows why.
    """
    s = run.session
    day = _entry_day(run, entry)
    link = _web_link(entry.link)
    maybe_typed = run.manual_links is None or (row.contact_id, row.direction, link) in (
        run.manual_links
    )
    if link and maybe_typed:
        # the same post logged by hand before the feed was added: link it, don't repeat it
        manual = s.scalars(
            select(InteractionRow).where(
                InteractionRow.contact_id == row.contact_id,
                InteractionRow.direction == row.direction,
                InteractionRow.link == link,
                InteractionRow.entry_id.is_(None),
            )
        ).first()
        if manual is not None and manual.source != Source.FEED:
            manual.entry_id = entry.id
            row.interaction_id = manual.id
            return
    try:
        values = _ledger_values(run, row, entry, day=day, link=link)
    except PlannerError:
        if strict:
            raise
        row.status = PENDING
        return
    run.new_logs.append((row, values))


def _write(run: _Run) -> None:
    """Insert the run's queued ledger rows, then its new detections (linked to their
    ledger rows) and guest suggestions, in the order they were found: one multi-row
    INSERT each. Then complete
    the planned gives the new gives fulfil, in the same order (only for contacts with an
    open planned give)."""
    s = run.session
    logs, run.new_logs = run.new_logs, []
    new, run.new_detections = run.new_detections, []
    ids = _insert_logs(s, [values for _, values in logs]) if logs else []
    for (row, _), interaction_id in zip(logs, ids, strict=True):
        row.interaction_id = interaction_id
    if new:
        # Core insert of plain dicts into the table: one executemany, no ORM bulk
        # bookkeeping (nothing listens to detection inserts; the rows are not loaded)
        s.execute(insert(DetectionRow.__table__), [d.values() for d in new])
    suggestions, run.new_suggestions = run.new_suggestions, []
    if suggestions:
        # the same for guest suggestions (as ORM objects, each was one INSERT at flush)
        s.execute(insert(GuestSuggestionRow.__table__), suggestions)
    gave = [
        (row, values, i)
        for (row, values), i in zip(logs, ids, strict=True)
        if values["direction"] == GAVE
    ]
    if not gave:
        return
    if run.planned_for is None:
        run.planned_for = set(
            s.scalars(
                select(PlannedGiveRow.contact_id)
                .where(PlannedGiveRow.status.in_([GiveStatus.IDEA.value, GiveStatus.PLANNED.value]))
                .distinct()
            )
        )
    for row, values, interaction_id in gave:
        if row.contact_id in run.planned_for:
            complete_planned_give(
                run.ws,
                s,
                contact_id=row.contact_id,
                role=Role(row.role),
                day=values["occurred_on"],
                interaction_id=interaction_id,
            )


def _insert_logs(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ledger rows; their ids, in the order of ``rows``.

    Each row is told apart by its (entry, contact, direction), returned with its id, so
    the insert needs no ordered RETURNING: SQLite has no sentinel for that and SQLAlchemy
    would insert one row per statement. Rows a batch cannot tell apart take that slower
    ordered path.
    """
    keys = [(r["entry_id"], r["contact_id"], r["direction"]) for r in rows]
    table = InteractionRow.__table__
    if len(set(keys)) < len(keys):
        return list(
            session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        )
    returned = session.execute(
        insert(table).returning(
            table.c.id, table.c.entry_id, table.c.contact_id, table.c.direction
        ),
        rows,
    )
    by_key = {(e, c, d): i for i, e, c, d in returned}
    return [by_key[key] for key in keys]


def _refresh_interaction(run: _Run, row: DetectionRow, entry: EntryRow) -> None:
    """Keep a feed-made ledger row in step with its (changed) entry and detection."""
    s = run.session
    interaction = s.get(InteractionRow, row.interaction_id)
    if interaction is None:
        row.interaction_id = None
        return
    if interaction.source != Source.FEED:
        return  # a row typed by hand and linked to the entry: the user's words stay
    wanted = {
        "contact_id": row.contact_id,
        "direction": row.direction,
        "kind": ROLE_TO_KIND[Role(row.role)].value,
        "occurred_on": _entry_day(run, entry),
        "title": (entry.title or entry.link or "")[:2000],
        "link": _web_link(entry.link),
        "note": _note(row),
    }
    changed = {k for k, v in wanted.items() if getattr(interaction, k) != v}
    if not changed:
        return
    for key in changed:
        setattr(interaction, key, wanted[key])
    if changed & {"contact_id", "direction", "kind", "occurred_on"}:
        fill_values(
            interaction,
            settings=run.settings,
            my_reach=run.my_reach,
            their_reach=_reach(run, row.contact_id),
        )


def _unlog(session: Session, row: DetectionRow) -> None:
    """Remove the ledger row a detection made (a typed row it adopted is only unlinked)."""
    interaction = session.get(InteractionRow, row.interaction_id) if row.interaction_id else None
    row.interaction_id = None
    if interaction is None:
        return
    if interaction.source == Source.FEED:
        if interaction.give_id is not None:
            _reopen_give(session, interaction.give_id)
        session.delete(interaction)
    else:
        interaction.entry_id = None
    session.flush()


def _reopen_give(session: Session, give_id: int) -> None:
    """A planned give completed by a feed row that is going away is open again."""
    give = session.get(PlannedGiveRow, give_id)
    if give is not None and give.status == GiveStatus.DONE:
        give.status = GiveStatus.PLANNED.value
        give.done_on = None


def complete_planned_give(
    ws: Workspace, session: Session, *, contact_id: int, role: Role, day: date, interaction_id: int
) -> int | None:
    """Mark the planned give a detected give fulfils as done (the planning engine's
    ``mark_matching_give_done``, when it is installed). A detected role fulfils a plan of
    that kind or of a lighter one: an interview completes a planned mention too."""
    kinds = [ROLE_TO_KIND[r] for r in Role if ROLE_STRENGTH[r] <= ROLE_STRENGTH[role]]
    for name in GIVE_MATCHERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue
            raise
        matcher = getattr(module, "mark_matching_give_done", None)
        if matcher is not None:
            return matcher(
                ws,
                session,
                contact_id=contact_id,
                kinds=kinds,
                day=day,
                interaction_id=interaction_id,
            )
    return None


# --- rescans -----------------------------------------------------------------------------


def rescan(
    ws: Workspace, *, only_new: bool = False, feed_ids: Sequence[int] | None = None
) -> DetectStats:
    """Run detection again over stored entries (after contacts or settings changed).

    Decisions are kept: dismissed stays dismissed, confirmed stays confirmed. With
    ``only_new``, only entries that have no detection and no guest suggestion yet are
    analysed. One transaction per feed, as ingest does.
    """
    total = DetectStats()
    with ws.read() as s:
        query = select(FeedRow.id).order_by(FeedRow.id)
        if feed_ids:
            query = query.where(FeedRow.id.in_(list(feed_ids)))
        ids = list(s.scalars(query))
    for feed_id in ids:
        with ws.write() as s:
            feed = s.get(FeedRow, feed_id)
            if feed is None:
                continue
            query = select(EntryRow.id).where(
                EntryRow.feed_id == feed_id, EntryRow.duplicate_of_id.is_(None)
            )
            if only_new:
                query = query.where(
                    ~exists().where(DetectionRow.entry_id == EntryRow.id),
                    ~exists().where(GuestSuggestionRow.entry_id == EntryRow.id),
                )
            entry_ids = list(s.scalars(query.order_by(EntryRow.id)))
            total.add(detect_entries(ws, s, feed, entry_ids))
    return total


def rescan_contacts(ws: Workspace, session: Session, contact_ids: Iterable[int]) -> DetectStats:
    """Re-analyse, in ``session``, the entries that name these contacts (new or changed).

    A small index of just these contacts finds the entries cheaply; those entries (and
    any that already have detections of them) are then analysed with the full index.
    """
    ids = list(contact_ids)
    rows = session.scalars(select(ContactRow).where(ContactRow.id.in_(ids)))
    contacts = [contact_from_row(r) for r in rows]
    probe = DetectionIndex.build([c for c in contacts if not c.archived])
    feeds = {f.id: f for f in session.scalars(select(FeedRow))}
    wanted: dict[int, set[int]] = {}
    known = session.execute(
        select(EntryRow.feed_id, DetectionRow.entry_id)
        .join(EntryRow, EntryRow.id == DetectionRow.entry_id)
        .where(DetectionRow.contact_id.in_(ids))
    ).all()
    for feed_id, entry_id in known:
        wanted.setdefault(feed_id, set()).add(entry_id)
    all_ids = list(
        session.scalars(
            select(EntryRow.id).where(EntryRow.duplicate_of_id.is_(None)).order_by(EntryRow.id)
        )
    )
    run = _start(ws, session)
    for chunk in _chunks(all_ids):
        for entry in session.scalars(select(EntryRow).where(EntryRow.id.in_(chunk))):
            feed = feeds.get(entry.feed_id)
            if feed is None:
                continue
            # the probe only finds candidates: no show profile, but the same own sites
            # (a link blog's post counts through its own link)
            _show, own_sites = _feed_context(run, feed)
            found = probe.analyse(parsed_entry(entry), feed.kind or None, own_sites=own_sites)
            if found.detections:
                wanted.setdefault(entry.feed_id, set()).add(entry.id)
    for feed_id, entry_ids in sorted(wanted.items()):
        for chunk in _chunks(sorted(entry_ids)):
            rows = list(
                session.scalars(
                    select(EntryRow).where(EntryRow.id.in_(chunk)).order_by(EntryRow.id)
                )
            )
            _process(run, feeds[feed_id], rows)
    return run.stats


# --- review actions ----------------------------------------------------------------------


def _detection_rows(session: Session, ids: Iterable[int]) -> list[DetectionRow]:
    wanted = sorted({int(i) for i in ids})
    rows = list(session.scalars(select(DetectionRow).where(DetectionRow.id.in_(wanted))))
    missing = sorted(set(wanted) - {r.id for r in rows})
    if missing:
        raise NotFound(f"no detection with id {', '.join(map(str, missing))}")
    return rows


def confirm(ws: Workspace, detection_ids: Iterable[int]) -> int:
    """Confirm detections: a give or receipt gets its ledger row. Returns how many changed."""
    changed = 0
    with ws.write() as s:
        run = _start(ws, s, with_index=False)
        for row in _detection_rows(s, detection_ids):
            if row.status == CONFIRMED:
                continue
            row.status = CONFIRMED
            row.decided_at = run.now
            if row.direction != CONTEXT and row.interaction_id is None:
                entry = s.get(EntryRow, row.entry_id)
                if entry is not None:
                    _log(run, row, entry, strict=True)
            changed += 1
        _write(run)
    return changed


def dismiss(ws: Workspace, detection_ids: Iterable[int]) -> int:
    """Dismiss detections: their ledger rows go; they are never suggested again."""
    return _set_status(ws, detection_ids, DISMISSED)


def reopen(ws: Workspace, detection_ids: Iterable[int]) -> int:
    """Back to the review queue (pending), without a ledger row."""
    return _set_status(ws, detection_ids, PENDING)


def _set_status(ws: Workspace, detection_ids: Iterable[int], status: str) -> int:
    changed = 0
    with ws.write() as s:
        now = ws.now()
        for row in _detection_rows(s, detection_ids):
            if row.status == status:
                continue
            if row.interaction_id is not None:
                _unlog(s, row)
            row.status = status
            row.decided_at = now if status != PENDING else None
            changed += 1
    return changed


def _suggestion_row(session: Session, suggestion_id: int) -> GuestSuggestionRow:
    row = session.get(GuestSuggestionRow, suggestion_id)
    if row is None:
        raise NotFound(f"no guest suggestion with id {suggestion_id}")
    if row.status != SUGGESTION_PENDING:
        raise Conflict(f"guest suggestion {suggestion_id} is already {row.status}")
    return row


def _close_same_name(session: Session, row: GuestSuggestionRow, status: str) -> None:
    """The same guest suggested by other episodes is settled by the same answer."""
    key = clean_person_name(row.name)
    row.status = status
    for other in session.scalars(
        select(GuestSuggestionRow).where(GuestSuggestionRow.status == SUGGESTION_PENDING)
    ):
        if clean_person_name(other.name) == key:
            other.status = status


def site_domain(href: str) -> str:
    """A guest's own website domain from their link, or "" for a shared platform."""
    host, _segments = split_url(href)
    if not host or any(p in SHARED_PLATFORMS for p in parent_domains(host)):
        return ""
    try:
        return validate.domain(host)
    except InvalidInput:
        return ""


def accept_suggestion(
    ws: Workspace, suggestion_id: int, *, name: str | None = None, tier: str = Tier.NETWORK
) -> Contact:
    """Add a suggested guest as a contact (source "guest", their site as a domain) and
    detect them in every stored entry, in one transaction."""
    with ws.write() as s:
        row = _suggestion_row(s, suggestion_id)
        domain = site_domain(row.href)
        entry = s.get(EntryRow, row.entry_id)
        contact = contacts_service.add(
            ws,
            contacts_service.ContactInput(
                name=name or row.name,
                tier=tier,
                domains=(domain,) if domain else (),
                notes=f"Guest in: {entry.title}"[:2000] if entry is not None else "",
            ),
            session=s,
            source="guest",
        )
        _close_same_name(s, row, SUGGESTION_ACCEPTED)
        s.flush()
        rescan_contacts(ws, s, [contact.id])
        return contact


def alias_suggestion(ws: Workspace, suggestion_id: int, contact_id: int | None = None) -> Contact:
    """Add the suggested name as an alias of a contact (the similar one by default) and
    detect that contact again everywhere, in one transaction."""
    with ws.write() as s:
        row = _suggestion_row(s, suggestion_id)
        target_id = contact_id if contact_id is not None else row.similar_contact_id
        if target_id is None:
            raise InvalidInput("choose the contact this guest is an alias of", field="contact")
        contact = s.get(ContactRow, target_id)
        if contact is None:
            raise NotFound(f"no contact with id {target_id}")
        alias = validate.name(row.name, "alias")
        if alias.lower() != contact.name.lower():
            contact.aliases = validate.many([*(contact.aliases or []), alias])
        contact.updated_at = ws.now()
        _close_same_name(s, row, SUGGESTION_ALIASED)
        s.flush()
        rescan_contacts(ws, s, [contact.id])
        return contact_from_row(contact)


def dismiss_suggestions(ws: Workspace, suggestion_ids: Iterable[int]) -> int:
    """Dismiss guest suggestions; the same name is not suggested again."""
    n = 0
    with ws.write() as s:
        for suggestion_id in sorted(set(suggestion_ids)):
            _close_same_name(s, _suggestion_row(s, suggestion_id), SUGGESTION_DISMISSED)
            n += 1
    return n


# --- views -------------------------------------------------------------------------------


def mark(snippet: str, matched: str) -> str:
    """The snippet as plain text with the matched words wrapped in «»."""
    return "".join(
        f"{MARK_OPEN}{text}{MARK_CLOSE}" if hit else text
        for text, hit in highlight_spans(snippet, matched)
    )


@dataclass(frozen=True, slots=True)
class DetectionView:
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
        return "" if self.direction == CONTEXT else ROLE_TO_KIND[Role(self.role)].value

    @property
    def marked_snippet(self) -> str:
        return mark(self.snippet, self.matched)

    def evidence_text(self) -> str:
        """Every piece of evidence on its own line, matches marked."""
        return "\n".join(
            f"{e.get('role', '')} · {e.get('field', '')} · {float(e.get('confidence', 0)):.2f}: "
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
) -> list[DetectionView]:
    """Detections with their entry, feed and contact; newest entries first."""
    with ws.read() as s:
        query = (
            select(DetectionRow, EntryRow, FeedRow, ContactRow.name)
            .join(EntryRow, EntryRow.id == DetectionRow.entry_id)
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
        query = query.order_by(
            EntryRow.published.desc().nulls_last(), EntryRow.id.desc(), DetectionRow.id
        )
        if limit:
            query = query.limit(limit)
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


def review_queue(ws: Workspace) -> list[DetectionView]:
    """Pending gives and receipts, for the Review page."""
    return list_detections(ws, statuses=[PENDING], directions=[GAVE, RECEIVED])


@dataclass(frozen=True, slots=True)
class SuggestionView:
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
        return site_domain(self.href)


def list_suggestions(
    ws: Workspace, *, statuses: Iterable[str] = (SUGGESTION_PENDING,)
) -> list[SuggestionView]:
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
    pending: int  # gives and receipts waiting for review
    auto: int  # confirmed automatically
    confirmed: int  # confirmed by the user
    dismissed: int
    context: int  # industry / third-party detections (never in the ledger)
    suggestions: int  # pending guest suggestions

    def describe(self) -> str:
        return (
            f"detections: {self.auto} auto-confirmed, {self.pending} to review, "
            f"{self.confirmed} confirmed, {self.dismissed} dismissed, {self.context} context; "
            f"{self.suggestions} guest suggestion(s)"
        )


def counts(ws: Workspace) -> ReviewCounts:
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


if detect_entries not in ingest.ENTRY_HOOKS:
    ingest.ENTRY_HOOKS.append(detect_entries)
