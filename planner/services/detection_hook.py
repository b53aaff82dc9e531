"""Detection's hook on ingest, light to install on every workspace that is opened.

Opening a workspace (every CLI command, the app's start) installs detection. Installing
needs only the contact index's cache and the listeners that keep it current
(:mod:`planner.services.contact_watch`); the hook loads detection itself (the matching
automata, show profiles, the ledger writer: :mod:`planner.services.detections`) when
ingest first hands it entries, so a command that never ingests never imports it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from planner.services.contact_watch import watch_contacts
from planner.services.workspace import Workspace
from planner.storage.schema import FeedRow


def detect_new_entries(
    ws: Workspace, session: Session, feed: FeedRow, entry_ids: Sequence[int]
) -> object:
    """The ingest hook: :func:`planner.services.detections.run.detect_entries`."""
    from planner.services.detections.run import detect_entries

    return detect_entries(ws, session, feed, entry_ids)


def install(ws: Workspace) -> None:
    """Make ingest hand every new or changed entry to detection, with the workspace's
    contact index cached per version of its contact list. Installing twice is harmless."""
    watch_contacts(ws)
    if detect_new_entries not in ws.entry_hooks:
        ws.entry_hooks.append(detect_new_entries)
