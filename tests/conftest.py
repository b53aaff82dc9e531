"""Shared fixtures: a throwaway database per test, a fixed clock, Streamlit caches cleared."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from planner.services import Workspace, open_workspace

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 25)

#: Set to a PostgreSQL URL (e.g. by .ci/run) to run the database tests there as well.
POSTGRES_URL = os.environ.get("PLANNER_TEST_POSTGRES_URL", "")


def fixed_clock(day: date = TODAY):
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return lambda: moment


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
