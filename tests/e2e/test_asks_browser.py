"""Asks in a real browser, clicked and typed as a user would on the demo: a double click
on "Save ask" adds one ask, the ask is deleted after its confirmation, and the
dashboard's "Open the ask" opens the Asks page with that ask picked."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from planner.services import asks, open_workspace, plan
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium, serving_demo

pytestmark = pytest.mark.e2e

TITLE = "Browser double-click ask"
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with serving_demo(tmp_path_factory.mktemp("e2e-asks")) as served:
        yield served


def _asks_titled(url: str, title: str) -> list[int]:
    ws = open_workspace(url, upgrade=False)
    try:
        return [v.id for v in asks.assess(ws) if v.ask.title == title]
    finally:
        ws.engine.dispose()


def test_a_double_click_on_save_ask_adds_one_ask_and_it_can_be_deleted(
    app_url: tuple[str, str],
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, url = app_url
    assert _asks_titled(url, TITLE) == []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/asks", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Asks", exact=True)).to_be_visible(timeout=WAIT_MS)
        form = page.locator('[data-testid="stForm"]')
        title = form.get_by_label("Title", exact=True)
        expect(title).to_be_visible(timeout=WAIT_MS)
        title.fill(TITLE)
        title.press("Tab")  # the value reaches the form before the click
        form.get_by_role("button", name="Save ask").dblclick()
        # the page switches to the saved ask: its deletion is offered
        sure = page.get_by_text(re.compile(r"^Yes, delete ask #\d+$"))
        expect(sure).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=WAIT_MS)
        expect(form.get_by_label("Title", exact=True)).to_have_value(TITLE, timeout=WAIT_MS)
        (ask_id,) = _asks_titled(url, TITLE)  # exactly one, after both clicks
        expect(sure).to_have_text(f"Yes, delete ask #{ask_id}")

        sure.click()
        delete = page.get_by_role("button", name="Delete ask")
        expect(delete).to_be_enabled(timeout=WAIT_MS)
        delete.click()
        expect(sure).to_be_hidden(timeout=WAIT_MS)
        expect(page.get_by_role("button", name="Delete ask")).to_have_count(0, timeout=WAIT_MS)
        expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=WAIT_MS)
        assert _asks_titled(url, TITLE) == []
        browser.close()


def test_open_the_ask_on_the_dashboard_picks_it_on_the_asks_page(
    app_url: tuple[str, str],
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, url = app_url
    ws = open_workspace(url, upgrade=False)
    try:
        shown = plan.moves(ws)[:8]
    finally:
        ws.engine.dispose()
    opens = [m for m in shown if m.move.action == "open_ask" and not m.template]
    assert opens, "the demo has an ask to open among the dashboard's next moves"
    ask_id = opens[0].move.ask_id
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(base, wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Next moves", exact=True)).to_be_visible(
            timeout=WAIT_MS
        )
        button = page.get_by_role("button", name="Open the ask", exact=True).first
        expect(button).to_be_visible(timeout=WAIT_MS)
        button.click()
        expect(page.get_by_role("heading", name="Asks", exact=True)).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_text(f"Yes, delete ask #{ask_id}", exact=False)).to_be_visible(
            timeout=WAIT_MS
        )
        expect(page).to_have_url(re.compile(r"/asks$"), timeout=WAIT_MS)  # taken once
        browser.close()
