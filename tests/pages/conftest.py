"""AppTest fixtures: the app pointed at a throwaway database through the environment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner.services import Workspace, demo, open_workspace
from tests.conftest import ROOT, fixed_clock
from tests.pages.downloads import downloads_fixture

__all__ = ["downloads_fixture"]  # the ``downloads`` fixture: the bytes behind a button

APP = str(ROOT / "streamlit_app.py")


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("PLANNER_DATABASE_URL", url)
    yield url


@pytest.fixture
def app_ws(app_db: str) -> Iterator[Workspace]:
    ws = open_workspace(app_db, clock=fixed_clock())
    yield ws
    ws.engine.dispose()


@pytest.fixture
def demo_app_ws(app_ws: Workspace) -> Workspace:
    demo.load(app_ws)
    return app_ws


@pytest.fixture
def open_page(app_db: str) -> Callable[[str], AppTest]:
    """Run the app, switch to ``pages/NAME.py``, assert no exception, return the AppTest."""

    def _open(name: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception, at.exception
        if name != "dashboard":
            at.switch_page(f"pages/{name}.py").run()
        assert not at.exception, at.exception
        return at

    return _open
