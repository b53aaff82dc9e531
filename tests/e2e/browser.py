"""What the real-browser tests share: Debian's chromium and the demo served by the app."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from planner.services import Workspace, demo, ingest, open_workspace
from tests.app_server import running_app

CHROMIUM = os.environ.get("PLANNER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip without chromium on a developer's machine; fail in CI, where make installs it."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"chromium missing at {CHROMIUM}: make test installs it (.ci/ensure-chromium)")
    pytest.skip(f"chromium missing at {CHROMIUM}")


@contextmanager
def serving_demo(
    folder: Path,
    *,
    read_feeds: bool = False,
    prepare: Callable[[Workspace], None] | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of the app serving a fresh demo workspace in ``folder``;
    with ``read_feeds`` its feeds are read first, as `make run` leaves a newcomer's.
    ``prepare`` changes the workspace before the app starts (a mail account); ``env``
    adds to the app's environment (its passwords)."""
    url = f"sqlite:///{folder / 'planner.db'}"
    ws = open_workspace(url)
    demo.load(ws)
    if read_feeds:
        assert not ingest.refresh(ws).failures
    if prepare is not None:
        prepare(ws)
    ws.engine.dispose()
    with running_app(url, env=env) as app:
        yield app.base, url


#: The app when its script has run to the end (no rerun on the way).
SETTLED = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def click_settled(page: Any, target: Any, *, timeout: float = 30_000) -> None:
    """Click ``target`` as a user does: once the page has finished running and the target
    is in view. Playwright's own scroll inside Streamlit's scrolling main area, on a page
    still laying out below the fold, can leave a click on the spot the target just left."""
    from playwright.sync_api import expect

    expect(page.locator(SETTLED)).to_have_count(1, timeout=timeout)
    target.scroll_into_view_if_needed(timeout=timeout)
    target.click(timeout=timeout)


def choose(page: Any, box: Any, option: Any, *, timeout: float = 30_000) -> None:
    """Open the select box ``box`` and click ``option`` in its list, as a user does: the
    box is clicked once the page has settled and it is in view; when the list did not
    open (the click landed while the box was still moving, e.g. inside an expander that
    was opening), it is clicked again, as a person would."""
    from playwright.sync_api import expect

    for attempt in range(3):
        click_settled(page, box, timeout=timeout)
        try:
            expect(option).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
    option.click(timeout=timeout)
