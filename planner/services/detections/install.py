"""Detection installed on a workspace: its index cache, and its hook on ingest."""

from __future__ import annotations

from planner.services.detections.index import watch_contacts
from planner.services.detections.run import detect_entries
from planner.services.workspace import Workspace


def install(ws: Workspace) -> None:
    """Make ingest hand every new or changed entry to detection, with the workspace's
    contact index cached per version of its contact list. Installing twice is harmless."""
    watch_contacts(ws)
    if detect_entries not in ws.entry_hooks:
        ws.entry_hooks.append(detect_entries)
