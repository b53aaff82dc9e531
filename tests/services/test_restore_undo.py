"""A restore keeps the database as it was, so that it can be undone."""

from __future__ import annotations

from planner.services import Workspace, backup, contacts
from planner.services.restore_undo import restore_with_undo, undo_restore


def test_a_restore_can_be_undone(ws: Workspace) -> None:
    contacts.add(ws, contacts.ContactInput("Ada Lovelace"))
    empty = backup.create_backup(ws)
    contacts.add(ws, contacts.ContactInput("Grace Hopper"))
    restored = restore_with_undo(ws, empty)
    assert "restored" in restored.message.lower()
    assert [c.name for c in contacts.list_contacts(ws)] == ["Ada Lovelace"]
    undo_restore(ws, restored)
    assert sorted(c.name for c in contacts.list_contacts(ws)) == ["Ada Lovelace", "Grace Hopper"]
