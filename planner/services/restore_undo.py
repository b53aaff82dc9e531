"""Restore a backup so that it can be undone: keep what was there before, then restore."""

from __future__ import annotations

from dataclasses import dataclass

from planner.services import backup
from planner.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class UndoableRestore:
    """What a restore said, and a backup of the database as it was just before it."""

    message: str
    before: bytes


def restore_with_undo(ws: Workspace, data: bytes) -> UndoableRestore:
    """Replace everything with the backup ``data``; the result holds the way back.

    The backup of the current state is taken first, so a restore that fails leaves the
    database as it was and nothing to undo (the error is raised).
    """
    before = backup.create_backup(ws)
    message = backup.restore_backup(ws, data, replace=True)
    return UndoableRestore(message, before)


def undo_restore(ws: Workspace, undo: UndoableRestore) -> str:
    """Put the database back as it was before ``undo``'s restore."""
    return backup.restore_backup(ws, undo.before, replace=True)
