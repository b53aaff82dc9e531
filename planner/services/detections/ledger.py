"""The ledger side of detection: the ledger rows of auto or confirmed gives and receipts.

A detection's ledger row is checked as a typed one is (``ledger.add``) and valued as
``valuation.fill_values`` does, but with what it reads taken from the run (settings,
reaches), queued and inserted in bulk; a give completes the planned give it fulfils.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from planner.domain import goodwill
from planner.domain.model import (
    ROLE_STRENGTH,
    ROLE_TO_KIND,
    Direction,
    GiveStatus,
    Kind,
    Role,
    Source,
)
from planner.domain.values import published_problem
from planner.errors import InvalidInput, NotFound, PlannerError
from planner.feeds.urls import http_url_or_empty
from planner.services import validate
from planner.services.detections.run_state import NewDetection, Run
from planner.services.detections.statuses import GAVE, PENDING
from planner.services.gives import mark_matching_give_done
from planner.services.valuation import base_of, fill_values
from planner.services.workspace import Workspace
from planner.storage.schema import (
    ContactRow,
    DetectionRow,
    EntryRow,
    GuestSuggestionRow,
    InteractionRow,
    PlannedGiveRow,
)

# Declarative tables are Tables; SQLAlchemy types ``__table__`` as the wider FromClause.
_DETECTIONS = cast(Table, DetectionRow.__table__)
_SUGGESTIONS = cast(Table, GuestSuggestionRow.__table__)
_INTERACTIONS = cast(Table, InteractionRow.__table__)


def _entry_day(run: Run, entry: EntryRow) -> date:
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


def web_link(url: str) -> str:
    """The entry's address when it is a plain http(s) URL the ledger accepts, else ""."""
    link = http_url_or_empty(url)
    return link if link and len(link) <= 2_000 and http_url_or_empty(link) == link else ""


def _note(row: DetectionRow | NewDetection) -> str:
    return f"found in a feed: {row.role}, confidence {row.confidence:.2f}"


def _reach(run: Run, contact_id: int) -> int | None:
    """A contact's reach (read per chunk by the run; one query for a contact not read)."""
    if contact_id not in run.reaches:
        found = run.session.execute(
            select(ContactRow.reach).where(ContactRow.id == contact_id)
        ).first()
        if found is None:
            raise NotFound(f"no contact named {str(contact_id)!r}")
        run.reaches[contact_id] = found[0]
    return run.reaches[contact_id]


def _ledger_values(
    run: Run, row: DetectionRow | NewDetection, entry: EntryRow, *, day: date, link: str
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


def log_to_ledger(
    run: Run, row: DetectionRow | NewDetection, entry: EntryRow, *, strict: bool = False
) -> None:
    """The ledger row of an auto/confirmed give or receipt (one per detection).

    The row is queued on the run and inserted with the others by :func:`write_queued`, which
    also links it to the detection and completes a planned give it fulfils.

    An entry the ledger refuses (``strict`` False, during ingest) leaves the detection
    pending for review instead of failing the whole feed; a user's confirm shows why.
    """
    s = run.session
    day = _entry_day(run, entry)
    link = web_link(entry.link)
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


def write_queued(run: Run) -> None:
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
        s.execute(insert(_DETECTIONS), [d.values() for d in new])
    suggestions, run.new_suggestions = run.new_suggestions, []
    if suggestions:
        # the same for guest suggestions (as ORM objects, each was one INSERT at flush)
        s.execute(insert(_SUGGESTIONS), suggestions)
    gave = [
        (row, values, i)
        for (row, values), i in zip(logs, ids, strict=True)
        if values["direction"] == GAVE
    ]
    if gave:
        _complete_planned_gives(run, gave)


def _complete_planned_gives(
    run: Run, gave: list[tuple[DetectionRow | NewDetection, dict[str, Any], int]]
) -> None:
    """Complete the planned gives that new gives fulfil, in the order they were found
    (only for contacts with an open planned give: read once per run)."""
    s = run.session
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
    table = _INTERACTIONS
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


def refresh_interaction(run: Run, row: DetectionRow, entry: EntryRow) -> None:
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
        "link": web_link(entry.link),
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


def unlog(session: Session, row: DetectionRow) -> None:
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
    """Mark the planned give a detected give fulfils as done
    (:func:`planner.services.gives.mark_matching_give_done`). A detected role fulfils a
    plan of that kind or of a lighter one: an interview completes a planned mention too."""
    kinds = [ROLE_TO_KIND[r] for r in Role if ROLE_STRENGTH[r] <= ROLE_STRENGTH[role]]
    return mark_matching_give_done(
        ws, session, contact_id=contact_id, kinds=kinds, day=day, interaction_id=interaction_id
    )
