"""How an import writes: short batches, a pending undo entry, and the undo on failure.

An import (planner.services.imports) plans inside a read, then hands its operations here.
Each batch is one short write transaction, so other writers get the lock in between; a
pending entry in the undo log records every batch in the batch's own transaction, so a
failure — or a process that died, found by its stopped heartbeat — is rolled back and the
import stays all or nothing.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from planner.errors import Conflict, InvalidInput
from planner.services.valuation import recompute
from planner.services.workspace import Workspace
from planner.storage.schema import ContactRow, InteractionRow, UndoRow

#: The undo-log action of an import still being written: invisible to last_import and undo.
PENDING = {"import_contacts": "import_contacts_open", "import_ledger": "import_ledger_open"}
#: Undo-log rows holding one batch's snapshots of the contacts it updated.
PART = "import_part"
#: A pending import whose heartbeat is older than this belongs to a process that died.
STALE_AFTER_S = 600.0
#: Each write transaction aims at this duration; the batch size adapts to the machine.
TARGET_BATCH_S = 0.25
FIRST_BATCH = 2_000
MIN_BATCH, MAX_BATCH = 200, 50_000
#: Pause between batches on SQLite. A waiting writer polls the lock (its busy handler
#: sleeps up to 100 ms between tries), and SQLite does not queue writers: without a gap at
#: least that long the importer would take the lock back before the waiter woke up.
YIELD_S = 0.11

#: Writes one batch of operations in the given transaction, under the pending entry's id.
BatchWriter = Callable[[Session, Sequence[Any], int], None]


def run(ws: Workspace, action: str, ops: Sequence[Any], summary: str, write: BatchWriter) -> None:
    """Write ``ops`` in short transactions; on any failure remove what was written."""
    _recover_abandoned(ws)
    with ws.write() as s:
        undo = UndoRow(
            action=PENDING[action],
            summary=f"{summary} (being written)",
            payload={"heartbeat": time.time()},
            created_at=ws.now(),
        )
        s.add(undo)
        s.flush()
        undo_id = undo.id
    try:
        for batch in _batches(ops, sqlite=ws.engine.dialect.name == "sqlite"):
            with ws.write() as s:
                write(s, batch, undo_id)
                _beat(s, undo_id)
        with ws.write() as s:
            s.execute(
                update(UndoRow)
                .where(UndoRow.id == undo_id)
                .values(action=action, summary=summary, payload={"batched": True})
            )
    except BaseException as error:
        # Should the undo itself fail, the entry stays pending; its heartbeat has stopped,
        # so the next import rolls the rows back (_recover_abandoned). The first error is
        # the one to report.
        with contextlib.suppress(Exception):
            _roll_back(ws, undo_id)
        if isinstance(error, Conflict):
            raise InvalidInput(
                f"{action.removeprefix('import_')} import refused at {error}; nothing was changed"
            ) from None
        raise


def _batches(ops: Sequence[Any], *, sqlite: bool) -> Iterator[Sequence[Any]]:
    """Slices sized so that each transaction takes about TARGET_BATCH_S on this machine."""
    size, start = FIRST_BATCH, 0
    while start < len(ops):
        batch = ops[start : start + size]
        started = time.perf_counter()
        yield batch  # the caller writes and commits it before the next slice is asked for
        took = time.perf_counter() - started
        start += len(batch)
        if took > 0:
            size = int(min(MAX_BATCH, max(MIN_BATCH, size * TARGET_BATCH_S / took)))
        if start < len(ops):
            _yield_lock(YIELD_S if sqlite else 0.0)


def _yield_lock(seconds: float) -> None:
    """Between two batches: leave the write lock free long enough for a waiting writer to
    take it (SQLite; PostgreSQL locks rows, so its writers never wait for the import)."""
    if seconds > 0:
        time.sleep(seconds)


def _beat(s: Session, undo_id: int) -> None:
    # Wall-clock time, not ws.now(): it tells live processes from dead ones, whatever
    # day --as-of or $PLANNER_CLOCK make the planner believe it is.
    s.execute(
        update(UndoRow).where(UndoRow.id == undo_id).values(payload={"heartbeat": time.time()})
    )


def _recover_abandoned(ws: Workspace) -> None:
    """Roll back imports whose process died mid-way (their heartbeat stopped)."""
    with ws.read() as s:
        pending = s.execute(
            select(UndoRow.id, UndoRow.payload).where(UndoRow.action.in_(list(PENDING.values())))
        ).all()
    for undo_id, payload in pending:
        beat = float(dict(payload or {}).get("heartbeat", 0))
        if time.time() - beat > STALE_AFTER_S:
            _roll_back(ws, undo_id)


def _roll_back(ws: Workspace, undo_id: int) -> None:
    """Remove what a pending import wrote, a batch at a time, then the entry itself.

    The deletions go in batches like the writes, so a big import that fails late does not
    hold the lock for long either; the entry stays pending (and a later import finishes the
    job) until the last step restores the updated contacts and deletes it.
    """
    for table in (InteractionRow, ContactRow):
        while True:
            with ws.write() as s:
                ids = list(
                    s.scalars(
                        select(table.id).where(table.import_batch_id == undo_id).limit(20_000)
                    )
                )
                if not ids:
                    break
                s.execute(delete(table).where(table.id.in_(ids)))
    with ws.write() as s:
        restore_previous(ws, s, undo_id, {})
        s.execute(delete(UndoRow).where(UndoRow.id == undo_id))


def restore_previous(
    ws: Workspace, s: Session, undo_id: int, previous: dict[str, dict[str, object]]
) -> None:
    """Put back the values the import's updates replaced (in ``previous`` and its parts)."""
    snapshots = dict(previous)
    parts = s.execute(
        select(UndoRow.id, UndoRow.payload).where(UndoRow.action == PART).order_by(UndoRow.id)
    ).all()
    mine = [(pid, payload) for pid, payload in parts if dict(payload).get("of") == undo_id]
    for _, payload in mine:
        for cid, values in dict(payload.get("previous", {})).items():
            snapshots.setdefault(str(cid), dict(values))
    restored = []
    for cid, values in snapshots.items():
        row = s.get(ContactRow, int(cid))
        if row is not None:
            for key, value in dict(values).items():
                setattr(row, key, value)
            restored.append(row.id)
    if mine:
        s.execute(delete(UndoRow).where(UndoRow.id.in_([pid for pid, _ in mine])))
    if restored:
        s.flush()
        recompute(s, settings=ws.settings(s), my_reach=ws.profile(s).reach, contact_ids=restored)
