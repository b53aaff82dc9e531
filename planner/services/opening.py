"""Opening a workspace the way every caller wants it: the database, with detection installed.

Ingest runs the workspace's :attr:`~planner.services.workspace.Workspace.entry_hooks`;
detection is put there (and its index cache on the workspace's sessions) here, once,
instead of by importing a module.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from planner.services import detection_hook
from planner.services.workspace import Workspace, open_database
from planner.storage.db import release_database


def open_workspace(
    url: str | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    upgrade: bool = True,
    check: bool | None = True,
) -> Workspace:
    """Open (and by default migrate and check) the database at ``url`` /
    $PLANNER_DATABASE_URL, with detection installed (see :func:`open_database`, and its
    ``check``: None checks only after an unclean end, as the CLI's commands do)."""
    ws = open_database(url, clock=clock, upgrade=upgrade, check=check)
    detection_hook.install(ws)
    return ws


def close_workspace(ws: Workspace) -> None:
    """Close the workspace's connections and record that its session ended cleanly (its
    open marker goes: the next open need not check the database, see :func:`open_database`)."""
    release_database(ws.engine)
