"""The demo in a real browser: the banner says it is the demo, and "Start with my own data"
(confirmed) leaves an empty workspace whose Dashboard says how to start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.services import demo, open_workspace
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium, serving_demo

pytestmark = pytest.mark.e2e

BANNER = "You are exploring the demo workspace"


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with serving_demo(tmp_path) as served:  # each run its own demo: the test removes it
        yield served


def test_starting_with_my_own_data_removes_the_demo_and_the_banner(
    app_url: tuple[str, str],
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, url = app_url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/settings", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible(
            timeout=60_000
        )
        expect(page.get_by_text(BANNER)).to_be_visible(timeout=30_000)
        page.goto(base, wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible(
            timeout=60_000
        )
        expect(page.get_by_text(BANNER)).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Start with my own data").click()
        expect(page.get_by_text("This removes every record the demo brought")).to_be_visible(
            timeout=30_000
        )
        page.get_by_role("button", name="Remove the demo").click()
        expect(page.get_by_text("No contacts yet. To start:")).to_be_visible(timeout=30_000)
        expect(page.get_by_text(BANNER)).to_have_count(0, timeout=30_000)
        expect(page.get_by_role("button", name="Start with my own data")).to_have_count(0)
        browser.close()
    ws = open_workspace(url, upgrade=False)
    try:
        assert demo.is_empty(ws) and not demo.is_loaded(ws)
    finally:
        ws.engine.dispose()
