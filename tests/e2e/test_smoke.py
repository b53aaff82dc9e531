"""One real browser: Debian's chromium, driven by Playwright, against `streamlit run`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.services import exports, open_workspace
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium, serving_demo

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with serving_demo(tmp_path_factory.mktemp("e2e")) as served:
        yield served


def test_dashboard_shows_the_demo_figures_in_a_real_browser(
    app_url: tuple[str, str], tmp_path: Path
) -> None:
    require_chromium()
    from playwright.sync_api import Locator, expect, sync_playwright

    base, url = app_url
    ws = open_workspace(url, upgrade=False)
    frame = exports.balances_frame(ws)  # what the dashboard shows, on the same clock
    ws.engine.dispose()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(base, wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible(timeout=60_000)

        def metric(label: str) -> Locator:
            label_box = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
            return page.get_by_test_id("stMetric").filter(has=label_box)

        expect(metric("Contacts")).to_contain_text(str(len(frame)), timeout=30_000)
        owe = int((frame["balance"] < -0.5).sum())
        expect(metric("I owe").get_by_test_id("stMetricValue")).to_have_text(str(owe))
        expect(page.get_by_role("heading", name="They owe me")).to_be_visible()
        expect(page.get_by_role("heading", name="I owe them")).to_be_visible()
        expect(page.get_by_test_id("stVegaLiteChart")).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("stDataFrame").last).to_be_visible(timeout=30_000)
        page.wait_for_timeout(1500)  # let the grid and chart finish painting for the picture
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        shots = os.environ.get("PLANNER_SCREENSHOT_DIR")
        if shots:
            page.screenshot(path=str(Path(shots) / "dashboard.png"), full_page=False)
        page.get_by_role("link", name="Contacts").click()
        expect(page.get_by_role("heading", name="Contacts")).to_be_visible(timeout=30_000)
        browser.close()
