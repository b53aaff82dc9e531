"""The user's word on detections: confirm (a ledger row), dismiss (never again), reopen."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.errors import NotFound
from planner.services.detections.ledger import log_to_ledger, unlog, write_queued
from planner.services.detections.run_state import start_run
from planner.services.detections.statuses import CONFIRMED, CONTEXT, DISMISSED, PENDING
from planner.services.workspace import Workspace
from planner.storage.schema import DetectionRow, EntryRow


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
        run = start_run(ws, s, with_index=False)
        for row in _detection_rows(s, detection_ids):
            if row.status == CONFIRMED:
                continue
            row.status = CONFIRMED
            row.decided_at = run.now
            if row.direction != CONTEXT and row.interaction_id is None:
                entry = s.get(EntryRow, row.entry_id)
                if entry is not None:
                    log_to_ledger(run, row, entry, strict=True)
            changed += 1
        write_queued(run)
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
                unlog(s, row)
            row.status = status
            row.decided_at = now if status != PENDING else None
            changed += 1
    return changed
