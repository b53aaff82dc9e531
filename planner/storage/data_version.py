"""The data version: a counter every write transaction bumps (see ``DATA_VERSION``)."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from planner.storage.schema import DATA_VERSION

_ROW = DATA_VERSION.c.id == 1


def bump(target: Session | Connection) -> None:
    """Increment the version inside the caller's transaction (it commits or rolls back
    with the change it marks). Recreates the row if something removed it."""
    step = update(DATA_VERSION).where(_ROW).values(version=DATA_VERSION.c.version + 1)
    if not target.execute(step.returning(DATA_VERSION.c.id)).first():
        target.execute(insert(DATA_VERSION).values(id=1, version=1))


def current(target: Session | Connection) -> int:
    """The version as this transaction sees it (0 before the first write)."""
    return int(target.execute(select(DATA_VERSION.c.version).where(_ROW)).scalar() or 0)
