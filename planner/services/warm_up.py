"""Compute the views every first page needs while the user is still on their way to it.

The app calls :func:`warm_up` in a background thread right after opening the workspace:
the balances, the plan snapshot, the next moves and the asks' readiness as of today land
in the view cache (:mod:`planner.services.view_cache`), and a page that asks for them
meanwhile waits for that one computation instead of starting its own.
"""

from __future__ import annotations

import logging
import threading

from planner.services import asks, exports, plan
from planner.services.workspace import Workspace

log = logging.getLogger(__name__)


def warm_up(ws: Workspace) -> None:
    """Compute today's shared views now (for a page: the same calls, cached)."""
    plan.moves(ws)
    exports.balances_frame(ws)
    asks.assess(ws)


def warm_up_in_background(ws: Workspace) -> threading.Thread:
    """:func:`warm_up` in a daemon thread; returns the thread (tests join it)."""
    thread = threading.Thread(target=_quietly, args=(ws,), name="planner-warm-up", daemon=True)
    thread.start()
    return thread


def _quietly(ws: Workspace) -> None:
    # Best effort: whatever fails here fails again, with its message, on the page that
    # needs the view; a background thread has no one to show it to.
    try:
        warm_up(ws)
    except Exception:
        log.debug("warm-up failed", exc_info=True)
