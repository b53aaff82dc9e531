"""Detection run again over stored entries: after contacts, settings or a show changed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from planner.domain.detection import DetectionIndex
from planner.services.detections.run import detect_entries, feed_context, process_entries
from planner.services.detections.run_state import DetectStats, chunks, start_run
from planner.services.workspace import Workspace
from planner.storage.convert import contact_from_row, parsed_entry
from planner.storage.schema import ContactRow, DetectionRow, EntryRow, FeedRow, GuestSuggestionRow


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
    contact_rows = session.scalars(select(ContactRow).where(ContactRow.id.in_(ids)))
    contacts = [contact_from_row(r) for r in contact_rows]
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
    run = start_run(ws, session)
    for chunk in chunks(all_ids):
        for entry in session.scalars(select(EntryRow).where(EntryRow.id.in_(chunk))):
            feed = feeds.get(entry.feed_id)
            if feed is None:
                continue
            # the probe only finds candidates: no show profile, but the same own sites
            # (a link blog's post counts through its own link)
            _show, own_sites = feed_context(run, feed)
            found = probe.analyse(parsed_entry(entry), feed.kind or None, own_sites=own_sites)
            if found.detections:
                wanted.setdefault(entry.feed_id, set()).add(entry.id)
    for feed_id, entry_ids in sorted(wanted.items()):
        for chunk in chunks(sorted(entry_ids)):
            rows = list(
                session.scalars(
                    select(EntryRow).where(EntryRow.id.in_(chunk)).order_by(EntryRow.id)
                )
            )
            process_entries(run, feeds[feed_id], rows)
    return run.stats
