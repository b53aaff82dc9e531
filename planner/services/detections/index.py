"""The detection index of a workspace, built once per version of its contact list.

:func:`watch_contacts` (:mod:`planner.services.contact_watch`) puts an
:class:`IndexCache` on a workspace and listens to its sessions: a session that writes
contacts or the profile does not use the cached index (it sees its own changes), and the
version moves on when that session's transaction ends, committed or rolled back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planner.domain.detection import DetectionIndex
from planner.services.contact_watch import CHANGED, IndexCache, watch_contacts
from planner.services.workspace import Workspace
from planner.storage.convert import contact_from_row
from planner.storage.schema import ContactRow

__all__ = ["IndexCache", "clear_index_cache", "index_for", "watch_contacts"]


def index_for(ws: Workspace, session: Session) -> DetectionIndex:
    """The detection index of the workspace's active contacts and profile.

    Cached on the workspace (see :class:`IndexCache`) when detection is installed on it.
    A session that changed contacts itself gets a fresh, uncached index that sees its own
    changes.
    """
    profile = ws.profile(session)
    cache = ws.attached(IndexCache)
    cacheable = cache is not None and not session.info.get(CHANGED)
    version: tuple[Any, ...] = ()
    if cache is not None and cacheable:
        generation = cache.generation()
        count, max_id, max_updated = session.execute(
            select(func.count(), func.max(ContactRow.id), func.max(ContactRow.updated_at))
        ).one()
        version = (count, max_id, max_updated, generation, profile)
        hit = cache.get(version)
        if hit is not None:
            return hit
    rows = session.scalars(select(ContactRow).where(ContactRow.archived.is_(False)))
    index = DetectionIndex.build([contact_from_row(r) for r in rows], profile)
    if cache is not None and cacheable:
        cache.put(version, index)
    return index


def clear_index_cache(ws: Workspace) -> None:
    """Forget the workspace's cached index (benchmarks time a cold build with it)."""
    cache = ws.attached(IndexCache)
    if cache is not None:
        cache.clear()
