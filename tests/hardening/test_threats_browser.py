"""THREATS X3 in a real browser: the hostile feed's Markdown images are never fetched.

The row's own test: feed titles, guest names and descriptions carry
``![x](http://127.0.0.1:I/pixel-….gif)``; Chromium loads the pages of a served app that
has read that feed; the internal server I must get 0 requests. A control at the end
proves the browser could reach I (so 0 means "never asked", not "could not ask").
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.services import demo, open_workspace
from tests.app_server import running_app
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS
from tests.feeds.httpserver import TestServer, start_server
from tests.hardening.hostile import PENDING_TITLE, ingest_hostile

pytestmark = pytest.mark.e2e

PAGES = [
    ("", "Dashboard"),
    ("review", "Review"),
    ("contacts", "Contacts"),
    ("ledger", "Ledger"),
    ("feeds", "Feeds"),
    ("plan", "Plan"),
    ("outreach", "Outreach"),
    ("data", "Import & export"),
]


@pytest.fixture(scope="module")
def pixel_server() -> Iterator[TestServer]:
    server = start_server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def hostile_app(
    tmp_path_factory: pytest.TempPathFactory, pixel_server: TestServer
) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("x3")
    url = f"sqlite:///{folder / 'planner.db'}"
    ws = open_workspace(url)
    demo.load(ws)
    ingest_hostile(ws, folder, pixel_server.url("/pixel"))
    ws.engine.dispose()
    with running_app(url) as app:
        yield app.base


def test_x3_no_markdown_image_from_feed_text_is_fetched(
    hostile_app: str, pixel_server: TestServer
) -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"chromium missing at {CHROMIUM}")
        pytest.skip(f"chromium missing at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    px = pixel_server.url("/pixel")
    pixel_server.reset()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for path, heading in PAGES:
            page.goto(f"{hostile_app}/{path}", wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name=heading).first).to_be_visible(timeout=60_000)
            page.wait_for_timeout(2500)  # images, grids and lazy elements settle
        # The hostile text is on the page, as text (else 0 hits would prove nothing):
        page.goto(f"{hostile_app}/review", wait_until="domcontentloaded")
        pending = PENDING_TITLE.format(px=px)
        # Pick the hostile detection in "Look closer" as a user would (not the first text
        # match, which can be a hidden data-grid cell), then see its title as plain text.
        page.get_by_role("combobox", name="Detection").click()
        page.get_by_role("option").filter(has_text=pending[:40]).click()
        shown = page.get_by_test_id("stText").filter(has_text=pending)
        expect(shown).to_be_visible(timeout=60_000)
        page.wait_for_timeout(1500)
        hits = pixel_server.paths()
        # Control: this browser can reach I, so 0 above means nothing asked.
        page.evaluate(f"() => {{ const i = new Image(); i.src = {px + '-control.gif'!r}; }}")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not pixel_server.hits:
            time.sleep(0.1)
        browser.close()
    assert hits == [], f"the browser fetched feed-supplied URLs: {hits}"
    assert pixel_server.paths() == ["/pixel-control.gif"]
