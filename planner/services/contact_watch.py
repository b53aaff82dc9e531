"""The cache of a workspace's detection index, and the listeners that keep it current.

:func:`watch_contacts` puts an :class:`IndexCache` on a workspace and listens to its
sessions: a session that writes contacts or the profile must not use the cached index
(it sees its own changes), and the version moves on when that session's transaction
ends, committed or rolled back. Light on purpose (no detection code): every opened
workspace gets it (:mod:`planner.services.detection_hook`).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from planner.services.workspace import Workspace
from planner.storage.schema import ContactRow, ProfileRow

if TYPE_CHECKING:
    from planner.domain.detection import DetectionIndex

#: Marks, in ``Session.info``, a session that wrote contacts or the profile.
CHANGED = "planner.contacts_changed"


class IndexCache:
    """One workspace's detection index and the version it was built for.

    The version is cheap to read: the number of contacts, the highest id and
    ``updated_at``, the profile, and a counter every write to contacts through the
    workspace's sessions moves on.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation = 0
        self._entry: tuple[tuple[Any, ...], DetectionIndex] | None = None

    def generation(self) -> int:
        """How many times contacts were written through the workspace's sessions."""
        with self._lock:
            return self._generation

    def get(self, version: tuple[Any, ...]) -> DetectionIndex | None:
        """The index built for ``version``, or None."""
        with self._lock:
            entry = self._entry
        return entry[1] if entry is not None and entry[0] == version else None

    def put(self, version: tuple[Any, ...], index: DetectionIndex) -> None:
        """Keep ``index`` as the one of ``version`` (the only one kept)."""
        with self._lock:
            self._entry = (version, index)

    def clear(self) -> None:
        """Forget the index (the next one is built afresh)."""
        with self._lock:
            self._entry = None

    def bump(self) -> None:
        """The contact list changed: no index built before is current."""
        with self._lock:
            self._generation += 1

    def note_flush(self, session: Session, _context: object, _instances: object) -> None:
        """Listener: a session flushing contacts or the profile."""
        touched = (*session.new, *session.dirty, *session.deleted)
        if any(isinstance(obj, ContactRow | ProfileRow) for obj in touched):
            session.info[CHANGED] = True
            self.bump()

    def note_bulk_write(self, state: ORMExecuteState) -> None:
        """Listener: an ORM insert, update or delete statement on contacts or the profile."""
        if (state.is_update or state.is_delete or state.is_insert) and any(
            m.class_ in (ContactRow, ProfileRow) for m in state.all_mappers
        ):
            state.session.info[CHANGED] = True
            self.bump()

    def note_end(self, session: Session) -> None:
        """Listener: a transaction that wrote contacts ended (committed or rolled back)."""
        if session.info.pop(CHANGED, False):
            self.bump()


def watch_contacts(ws: Workspace) -> IndexCache:
    """Give the workspace its index cache, kept current by listeners on its sessions."""
    found = ws.attached(IndexCache)
    if found is not None:
        return found
    cache = IndexCache()
    event.listen(ws.sessions, "before_flush", cache.note_flush)
    event.listen(ws.sessions, "do_orm_execute", cache.note_bulk_write)
    event.listen(ws.sessions, "after_commit", cache.note_end)
    event.listen(ws.sessions, "after_rollback", cache.note_end)
    ws.attach(cache)
    return cache
