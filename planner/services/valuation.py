"""Keeps each ledger row's stored value columns (base, growth, quarter) in step with the model.

The columns exist so balances aggregate in SQL (see planner.domain.goodwill.growth); they
must be recomputed whenever what they derive from changes: weights, half-life, exposure
bounds, my reach or a contact's reach. Callers recompute inside the transaction that makes
the change, so the columns never disagree with the stored settings.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from planner.domain import goodwill
from planner.domain.model import Direction, Kind, Settings
from planner.storage.schema import ContactRow, InteractionRow

BATCH = 5_000


def base_of(
    *,
    kind: str,
    direction: str,
    magnitude: float,
    my_reach: int | None,
    their_reach: int | None,
    settings: Settings,
) -> float:
    giver, receiver = goodwill.reaches(Direction(direction), my_reach, their_reach)
    return (
        settings.weight(kind) * magnitude * goodwill.exposure(Kind(kind), giver, receiver, settings)
    )


def fill_values(
    row: InteractionRow, *, settings: Settings, my_reach: int | None, their_reach: int | None
) -> None:
    """Set the derived columns of a new or edited row before it is flushed."""
    row.base = base_of(
        kind=row.kind,
        direction=row.direction,
        magnitude=row.magnitude,
        my_reach=my_reach,
        their_reach=their_reach,
        settings=settings,
    )
    row.growth = goodwill.growth(row.base, row.occurred_on, settings.half_life_days)
    row.quarter = goodwill.quarter_index(row.occurred_on)


def recompute(
    session: Session,
    *,
    settings: Settings,
    my_reach: int | None,
    contact_ids: Iterable[int | None] | None = None,
) -> int:
    """Recompute the derived columns of every row (or of some contacts' rows)."""
    reach_by_contact = dict(session.execute(select(ContactRow.id, ContactRow.reach)).all())
    query = select(
        InteractionRow.id,
        InteractionRow.contact_id,
        InteractionRow.kind,
        InteractionRow.direction,
        InteractionRow.magnitude,
        InteractionRow.occurred_on,
    )
    if contact_ids is not None:
        ids = list(contact_ids)
        real = [i for i in ids if i is not None]
        cond: ColumnElement[bool] = InteractionRow.contact_id.in_(real)
        if None in ids:
            cond = cond | InteractionRow.contact_id.is_(None)
        query = query.where(cond)
    changed = 0
    batch: list[dict[str, object]] = []
    for rid, cid, kind, direction, magnitude, day in session.execute(query):
        base = base_of(
            kind=kind,
            direction=direction,
            magnitude=magnitude,
            my_reach=my_reach,
            their_reach=reach_by_contact.get(cid) if cid is not None else None,
            settings=settings,
        )
        batch.append(
            {
                "id": rid,
                "base": base,
                "growth": goodwill.growth(base, day, settings.half_life_days),
                "quarter": goodwill.quarter_index(day),
            }
        )
        if len(batch) >= BATCH:
            session.execute(update(InteractionRow), batch)
            changed += len(batch)
            batch = []
    if batch:
        session.execute(update(InteractionRow), batch)
        changed += len(batch)
    return changed
