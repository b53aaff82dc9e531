"""Fixtures for the THREATS.md hardening tests.

The loopback servers P ("public", allow-listed by its exact (127.0.0.1, port)) and I
("internal", must see 0 requests) are the feed tests' own, imported rather than copied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from planner.services import Workspace
from tests.conftest import TODAY
from tests.feeds.conftest import (  # noqa: F401  (fixtures, registered by import)
    _i_server,
    _p_server,
    internal_server,
    opts,
    public_server,
)
from tests.pages.conftest import (  # noqa: F401  (fixtures, registered by import)
    app_db,
    app_ws,
    demo_app_ws,
    open_page,
)


@dataclass
class Clock:
    """A clock the test moves by hand: ``ws.clock = clock``; ``clock.advance(minutes=5)``."""

    moment: datetime

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)

    @property
    def naive(self) -> datetime:
        """What the workspace stores: naive UTC."""
        return self.moment.astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def clock(ws: Workspace) -> Callable[[], datetime]:
    c = Clock(datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC))
    ws.clock = c
    return c
