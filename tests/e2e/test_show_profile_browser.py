"""Correcting a show profile in a real browser: the demo podcast on the Feeds page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from planner.services import detections, open_workspace
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, choose, require_chromium, serving_demo

pytestmark = pytest.mark.e2e
PODCAST = "The Indie Creator Lab Podcast"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The demo with its feeds read, as `make run` leaves a newcomer's workspace."""
    with serving_demo(tmp_path_factory.mktemp("e2e-show"), read_feeds=True) as served:
        yield served


def _role_of(url: str, name: str) -> str:
    ws = open_workspace(url, upgrade=False)
    try:
        found = [d for d in detections.list_detections(ws) if d.contact == name]
        return ",".join(sorted({d.role for d in found if d.entry_title.startswith("Ep ")}))
    finally:
        ws.engine.dispose()


def test_marking_a_guest_as_host_on_the_feeds_page(app_url: tuple[str, str]) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, url = app_url
    assert _role_of(url, "Ben Carver") == "guest"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(base, wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible(timeout=60_000)
        page.get_by_role("link", name="Feeds").click()
        expect(page.get_by_role("heading", name="Feeds", exact=True)).to_be_visible(timeout=30_000)

        choose(
            page,
            page.locator(".st-key-entries_feed").get_by_test_id("stSelectbox"),
            page.get_by_role("option", name=re.compile(f"^{re.escape(PODCAST)}")),
        )
        panel = page.get_by_test_id("stExpander").filter(has_text="Show profile")
        expect(panel).to_contain_text(
            "Interview show — guests appear as 'Ep N: {guest} on {topic}'; hosts: Nora Ellison",
            timeout=30_000,
        )
        panel.get_by_label("Mark as host").fill("Ben Carver")
        panel.get_by_label("Mark as host").press("Enter")
        panel.get_by_role("button", name="Mark as host").click()
        expect(panel.get_by_test_id("stAlert")).to_contain_text(
            "Ben Carver is marked as a host", timeout=30_000
        )
        expect(panel).to_contain_text("Host: Ben Carver")
        browser.close()
    assert _role_of(url, "Ben Carver") == "feature"
