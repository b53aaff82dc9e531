"""Detection runs: entries analysed with the index, stored as detections and suggestions.

What a detection means depends on whose feed it is (see :func:`_found`): a contact in my
feed is a give, me in a contact's feed is goodwill received, anyone else is context.
Re-analysing an entry updates its detections in place; a dismissed one stays dismissed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.domain.detection import Detection, EntryAnalysis
from planner.domain.entry import ParsedEntry
from planner.domain.model import FeedOwner, Source
from planner.domain.names import clean_person_name
from planner.domain.show_profile import ShowProfile
from planner.services import show_profiles
from planner.services.detections.ledger import (
    log_to_ledger,
    refresh_interaction,
    unlog,
    write_queued,
)
from planner.services.detections.run_state import (
    DetectStats,
    NewDetection,
    Run,
    chunks,
    collector_paused,
    start_run,
)
from planner.services.detections.statuses import (
    AUTO,
    CONFIRMED,
    CONTEXT,
    DISMISSED,
    GAVE,
    PENDING,
    RECEIVED,
    SUGGESTION_DISMISSED,
    SUGGESTION_PENDING,
)
from planner.services.workspace import STORED_ENTRIES, Workspace
from planner.storage.convert import parsed_entry
from planner.storage.schema import (
    ContactRow,
    DetectionRow,
    EntryRow,
    FeedRow,
    GuestSuggestionRow,
    InteractionRow,
)

#: The columns a stored detection takes again from a new analysis of its entry.
_ANALYSED_FIELDS = ("direction", "role", "matched", "field", "snippet", "evidence", "confidence")

#: One entry's analysis: the entry, what the index found, and contact id → (direction,
#: detection) by whose feed it is.
_Analysed = tuple[EntryRow, EntryAnalysis, dict[int, tuple[str, Detection]]]


def detect_entries(
    ws: Workspace, session: Session, feed: FeedRow, entry_ids: Sequence[int]
) -> DetectStats:
    """The ingest hook: analyse new or changed entries of ``feed`` in its transaction.

    A podcast feed's show profile is learned again first (:func:`show_profiles.relearn`):
    when what it says changed (other hosts, another title slot, guests or none), every
    entry of the feed is analysed again, as the profile changes what older episodes mean.
    """
    run = start_run(ws, session)
    columns = EntryRow.__table__.c
    ids = list(entry_ids)
    if ids and show_profiles.is_podcast(feed):
        before = feed.show_profile
        profile, changed = show_profiles.relearn(ws, session, feed)
        if changed and (
            before is None or show_profiles.reads_differently(before, feed.show_profile)
        ):
            ids = list(
                session.scalars(
                    select(columns.id)
                    .where(columns.feed_id == feed.id, columns.duplicate_of_id.is_(None))
                    .order_by(columns.id)
                )
            )
        run.feed_context[feed.id] = (profile, _own_sites(run, feed))
    stored = _just_stored(session, feed)
    with collector_paused:
        for chunk in chunks(ids):
            rows, parsed = _read_entries(session, chunk, stored)
            process_entries(run, feed, rows, parsed)  # rows read like EntryRow
    return run.stats


#: The entry columns the ledger side reads (with ``guid`` to find what ingest wrote).
_LEDGER_COLUMNS = ("id", "guid", "link", "title", "published", "first_seen_at")


def _just_stored(session: Session, feed: FeedRow) -> dict[str, dict[str, Any]]:
    """guid → the values ingest has just written for the feed's new or changed entries,
    or nothing when not called by ingest (see :data:`.workspace.STORED_ENTRIES`)."""
    found = session.info.get(STORED_ENTRIES)
    if found is None or found[0] != feed.id:
        return {}
    return found[1]  # type: ignore[no-any-return]


def _read_entries(
    session: Session, ids: list[int], stored: dict[str, dict[str, Any]]
) -> tuple[Sequence[Any], dict[int, ParsedEntry] | None]:
    """The chunk's entries as stored now (plain rows: cheaper than ORM objects nobody
    changes), and their parsed form when ingest has just written them all.

    Then only the columns the ledger reads are read: the entries are taken from the
    values written (as :func:`parsed_entry` reads them back from the database, without
    reading and decoding them again). Otherwise every column is read.
    """
    columns = EntryRow.__table__.c
    wanted = columns.id.in_(ids), columns.duplicate_of_id.is_(None)
    if stored:
        light = [columns[name] for name in _LEDGER_COLUMNS]
        rows = session.execute(select(*light).where(*wanted).order_by(columns.id)).all()
        if all(r.guid in stored for r in rows):
            # values read like a row of the entry table (what parsed_entry takes)
            made = {r.id: parsed_entry(_Stored(stored[r.guid])) for r in rows}  # type: ignore[arg-type]
            return rows, made
    return session.execute(select(*columns).where(*wanted).order_by(columns.id)).all(), None


class _Stored:
    """An entry's column values read as a row (what :func:`parsed_entry` takes)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


def _own_sites(run: Run, feed: FeedRow) -> tuple[str, ...] | None:
    """The feed's own sites, or None when none is known (then the detector takes each
    entry's own host as the feed's site)."""
    return show_profiles.own_sites(run.session, feed, run.my_domains) or None


def feed_context(run: Run, feed: FeedRow) -> tuple[ShowProfile | None, tuple[str, ...] | None]:
    """The show profile (podcast feeds that have one) and own sites of a feed, once per run."""
    found = run.feed_context.get(feed.id)
    if found is None:
        has_profile = feed.show_profile is not None or bool(feed.show_corrections)
        show = (
            show_profiles.profile_for(run.session, feed)
            if show_profiles.is_podcast(feed) and has_profile
            else None
        )
        found = run.feed_context[feed.id] = (show, _own_sites(run, feed))
    return found


def process_entries(
    run: Run,
    feed: FeedRow,
    entries: Sequence[EntryRow],
    parsed: dict[int, ParsedEntry] | None = None,
) -> None:
    """Analyse a chunk of one feed's entries and store what was found, in the run's session.

    What the chunk needs from the database (its stored detections and suggestions, the
    reach of the contacts found, the ledger rows of stored detections) is read once per
    chunk, never per entry. ``parsed`` (entry id → its parsed form) spares converting the
    stored rows again when the caller has them.
    """
    if not entries:
        return
    s = run.session
    ids = [e.id for e in entries]
    existing = _stored_detections(s, ids)
    suggested = _stored_suggestions(s, ids)
    if run.manual_links_of != feed.id:
        run.manual_links, run.manual_links_of = _manual_links(s, feed.id), feed.id
    analysed = _analyse(run, feed, entries, parsed)
    _read_reaches(run, analysed)
    _read_active(run, existing)
    # the ledger rows of stored detections, in the session once (not one query each)
    # (held here: the session's identity map only keeps rows something refers to)
    held = _ledger_rows_of(s, existing)
    with s.no_autoflush:
        for entry, analysis, found in analysed:
            mine = existing.get(entry.id, {})
            for contact_id, (direction, detection) in found.items():
                _upsert(run, entry, contact_id, direction, detection, mine.get(contact_id))
            for contact_id, row in mine.items():
                if contact_id not in found:
                    _stale(run, row)
            if feed.owner == FeedOwner.ME:
                _suggestions(run, entry, analysis, suggested.get(entry.id, []))
            run.stats.entries += 1
        write_queued(run)
    s.flush()
    del held


def _stored_detections(s: Session, ids: list[int]) -> dict[int, dict[int, DetectionRow]]:
    """entry id → contact id → the detection stored for them."""
    existing: dict[int, dict[int, DetectionRow]] = {}
    for d in s.scalars(select(DetectionRow).where(DetectionRow.entry_id.in_(ids))):
        existing.setdefault(d.entry_id, {})[d.contact_id] = d
    return existing


def _stored_suggestions(s: Session, ids: list[int]) -> dict[int, list[GuestSuggestionRow]]:
    """entry id → the guest suggestions stored for it."""
    suggested: dict[int, list[GuestSuggestionRow]] = {}
    for g in s.scalars(select(GuestSuggestionRow).where(GuestSuggestionRow.entry_id.in_(ids))):
        suggested.setdefault(g.entry_id, []).append(g)
    return suggested


#: Links per look-up of typed ledger rows: one query for any usual feed, bounded for both
#: databases' limits on bound parameters.
LINKS_PER_QUERY = 5000


def _manual_links(s: Session, feed_id: int) -> set[tuple[int | None, str, str]]:
    """(contact, direction, link) of ledger rows typed by hand that name an entry of the
    feed: one query per feed and run (per 5,000 links), never per entry or chunk.

    The links of all the feed's entries, not only those analysed: a wider set is harmless
    (it only tells :func:`~planner.services.detections.ledger.log_to_ledger` where to look
    for a typed row) and one query serves every chunk of the feed. The links are sent as
    a list, not a subquery: then both SQLite and PostgreSQL look each one up in
    ``ix_interactions_link`` (with a subquery PostgreSQL hashes every row whose
    ``entry_id`` is NULL, nearly the whole ledger).
    """
    links = sorted(
        set(
            s.scalars(select(EntryRow.link).where(EntryRow.feed_id == feed_id, EntryRow.link != ""))
        )
    )
    query = select(InteractionRow.contact_id, InteractionRow.direction, InteractionRow.link)
    found: set[tuple[int | None, str, str]] = set()
    for start in range(0, len(links), LINKS_PER_QUERY):
        found.update(
            s.execute(
                query.where(
                    InteractionRow.link.in_(links[start : start + LINKS_PER_QUERY]),
                    InteractionRow.entry_id.is_(None),
                    InteractionRow.source != Source.FEED.value,
                )
            ).all()
        )
    return found


def _analyse(
    run: Run, feed: FeedRow, entries: Sequence[EntryRow], parsed: dict[int, ParsedEntry] | None
) -> list[_Analysed]:
    assert run.index is not None
    owner = feed.owner
    feed_contact = feed.contact_id if owner == FeedOwner.CONTACT else None
    show, own_sites = feed_context(run, feed)
    analysed = []
    for entry in entries:
        analysis = run.index.analyse(
            parsed[entry.id] if parsed is not None else parsed_entry(entry),
            feed.kind or None,
            show=show,
            own_sites=own_sites,
            suggest_from_text=owner == FeedOwner.ME,  # only my shows' suggestions are kept
        )
        analysed.append((entry, analysis, _found(analysis, owner, feed_contact)))
    return analysed


def _read_reaches(run: Run, analysed: list[_Analysed]) -> None:
    """The reach of the contacts the chunk's ledger rows may name: one query per chunk."""
    wanted = {
        cid
        for _, _, found in analysed
        for cid, (direction, _) in found.items()
        if direction != CONTEXT and cid not in run.reaches
    }
    for chunk in chunks(sorted(wanted)):
        run.reaches.update(
            run.session.execute(
                select(ContactRow.id, ContactRow.reach).where(ContactRow.id.in_(chunk))
            ).all()
        )


def _read_active(run: Run, existing: dict[int, dict[int, DetectionRow]]) -> None:
    """Which contacts of the chunk's stored detections are still active (not archived)."""
    run.active = set()
    for chunk in chunks(sorted({cid for m in existing.values() for cid in m})):
        run.active.update(
            run.session.scalars(
                select(ContactRow.id).where(
                    ContactRow.id.in_(chunk), ContactRow.archived.is_(False)
                )
            )
        )


def _ledger_rows_of(s: Session, existing: dict[int, dict[int, DetectionRow]]) -> list[object]:
    held: list[object] = []
    logged = sorted(
        d.interaction_id for m in existing.values() for d in m.values() if d.interaction_id
    )
    for chunk in chunks(logged):
        held.extend(s.scalars(select(InteractionRow).where(InteractionRow.id.in_(chunk))))
    return held


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
    run: Run,
    entry: EntryRow,
    contact_id: int,
    direction: str,
    detection: Detection,
    row: DetectionRow | None,
) -> None:
    """Store a detection found in an entry: a new one, or the stored one brought up to date."""
    found = NewDetection(
        entry_id=entry.id,
        contact_id=contact_id,
        direction=direction,
        role=detection.role.value,
        matched=detection.matched[:500],
        field=detection.field[:32],
        snippet=detection.snippet,
        evidence=_evidence_json(detection),
        confidence=detection.confidence,
        status=AUTO if detection.confidence >= run.threshold else PENDING,
        created_at=run.now,
    )
    if row is None:
        _add(run, found, entry)
    elif row.status != DISMISSED:  # the user said no: never suggested again
        _update(run, row, found, entry)


def _add(run: Run, new: NewDetection, entry: EntryRow) -> None:
    run.new_detections.append(new)
    if new.direction == CONTEXT:
        run.stats.context += 1
        return
    if new.status == AUTO:
        log_to_ledger(run, new, entry)
    # (a row the ledger refuses leaves the detection pending)
    if new.status == AUTO:
        run.stats.auto += 1
    else:
        run.stats.pending += 1


def _update(run: Run, row: DetectionRow, found: NewDetection, entry: EntryRow) -> None:
    old_status, old_direction = row.status, row.direction
    changed = False
    for key in _ANALYSED_FIELDS:
        value = getattr(found, key)
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    if row.status in (AUTO, PENDING):
        row.status = found.status
    if changed or row.status != old_status:
        run.stats.updated += 1
    if row.direction != CONTEXT and row.status in (AUTO, CONFIRMED):
        if row.interaction_id is not None:
            refresh_interaction(run, row, entry)
        elif old_status == PENDING or old_direction == CONTEXT:
            log_to_ledger(run, row, entry)
        # else: the user deleted the ledger row of an automatic detection; leave it so
    elif row.interaction_id is not None:
        write_queued(run)  # what was found before goes first, as it came first
        unlog(run.session, row)


def _stale(run: Run, row: DetectionRow) -> None:
    """A detection the entry no longer supports (the entry changed, contacts changed)."""
    assert run.active is not None
    if row.contact_id not in run.active:
        return  # an archived or merged contact: history is kept
    if row.status in (PENDING, AUTO):
        if row.interaction_id is not None:
            write_queued(run)
            unlog(run.session, row)
        run.session.delete(row)
        run.stats.removed += 1


def _suggestions(
    run: Run, entry: EntryRow, analysis: EntryAnalysis, rows: list[GuestSuggestionRow]
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
