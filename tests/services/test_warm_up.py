"""The app's warm-up computes today's shared views, so the first page finds them ready."""

from __future__ import annotations

import logging

import pytest

from planner.services import Workspace, asks, exports, plan
from planner.services.view_cache import view_cache
from planner.services.warm_up import warm_up_in_background


def test_the_warm_up_leaves_every_first_page_view_cached(demo_ws: Workspace) -> None:
    warm_up_in_background(demo_ws).join(timeout=60)
    misses = view_cache(demo_ws).misses
    assert misses >= 5  # balances, snapshot, moves, the balances frame, the asks
    plan.moves(demo_ws)
    exports.balances_frame(demo_ws)
    asks.assess(demo_ws)
    plan.snapshot(demo_ws)
    assert view_cache(demo_ws).misses == misses


def test_a_failing_warm_up_stays_quiet(ws: Workspace, caplog: pytest.LogCaptureFixture) -> None:
    broken = Workspace(ws.engine, ws.sessions, clock=lambda: 1 / 0)  # type: ignore[arg-type,return-value]
    with caplog.at_level(logging.DEBUG, logger="planner.services.warm_up"):
        thread = warm_up_in_background(broken)
        thread.join(timeout=60)
    assert not thread.is_alive()  # no exception escaped the thread (pytest would fail on one)
    assert [r.getMessage() for r in caplog.records] == ["warm-up failed"]
    assert not view_cache(broken).entries  # nothing half-computed was kept
