"""Shared fixtures: a throwaway database per test, one fixed clock, Streamlit caches cleared.

One clock for everything under test: TODAY, at noon UTC. Services opened by a test get it
through ``fixed_clock``; everything that opens a workspace by itself (the app under AppTest,
`streamlit run` for the browser tests, the CLI in a subprocess) gets it through
$PLANNER_CLOCK, set here for the whole run. Expectations are computed from the same clock.

$PLANNER_TEST_TRAVEL_DAYS moves the wall clock of the test process (time-machine) by that
many days, so `make test-time-travel` can show that no test depends on the real date.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from planner.services import Workspace, open_workspace
from planner.services.workspace import CLOCK_ENV, noon_utc

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 25)
TRAVEL_ENV = "PLANNER_TEST_TRAVEL_DAYS"
_TRAVELLER = pytest.StashKey[object]()

#: The real mail servers (Dovecot, aiosmtpd) as fixtures for every folder of tests.
pytest_plugins = ["tests.mail.fixtures"]

os.environ[CLOCK_ENV] = TODAY.isoformat()

#: Set to a PostgreSQL URL (e.g. by .ci/run) to run the database tests there as well.
POSTGRES_URL = os.environ.get("PLANNER_TEST_POSTGRES_URL", "")


def fixed_clock(day: date = TODAY) -> Callable[[], datetime]:
    return noon_utc(day)


def pytest_configure(config: pytest.Config) -> None:
    days = os.environ.get(TRAVEL_ENV, "").strip()
    if not days:
        return
    import time_machine

    # tick=True: time goes on from the new moment, so timeouts and back-offs still pass
    traveller = time_machine.travel(datetime.now(UTC) + timedelta(days=int(days)), tick=True)
    traveller.start()
    config.stash[_TRAVELLER] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str:
    header = f"test clock: {TODAY.isoformat()} 12:00 UTC (${CLOCK_ENV})"
    if _TRAVELLER in config.stash:
        header += f", wall clock moved to {datetime.now(UTC):%Y-%m-%d}"
    return header


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgres",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not POSTGRES_URL, reason="PLANNER_TEST_POSTGRES_URL not set"),
            ],
        ),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database: SQLite in a temp folder, and PostgreSQL when configured."""
    if request.param == "postgres":
        _reset_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / 'planner.db'}"


@pytest.fixture
def ws(db_url: str) -> Iterator[Workspace]:
    workspace = open_workspace(db_url, clock=fixed_clock())
    yield workspace
    workspace.engine.dispose()


@pytest.fixture
def demo_ws(ws: Workspace) -> Workspace:
    from planner.services import demo

    demo.load(ws)
    return ws


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    yield
    try:
        import streamlit as st
    except ImportError:  # pragma: no cover
        return
    st.cache_data.clear()
    st.cache_resource.clear()


def run_cli(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    """``planner --database DB_URL ARGS…`` in this process: (exit code, stdout, stderr)."""
    from planner.cli import main

    code = main(["--database", db_url, *args])
    out, err = capsys.readouterr()
    return code, out, err
