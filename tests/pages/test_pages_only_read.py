"""Showing a page writes nothing: the data version (the key of every cached view) stays,
so a second visit recomputes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from planner.services import Workspace
from planner.services.view_cache import view_cache
from tests.conftest import ROOT

PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES)
def test_showing_a_page_twice_writes_nothing(
    page: str, demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page(page)
    version = demo_app_ws.data_version()
    at.run()
    assert not at.exception, at.exception
    assert demo_app_ws.data_version() == version


def test_the_dashboard_computes_its_views_once(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    from planner.ui import _workspace

    at = open_page("dashboard")
    cache = view_cache(_workspace())
    misses = cache.misses
    at.run()
    assert cache.misses == misses
