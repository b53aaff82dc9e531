"""Every page of the navigation opens in a real browser on the demo: its heading shows and
no exception box (Streamlit's ``stException``). One app, one browser, a loop over the pages;
each page is opened from the sidebar and waited for (its heading visible, its run ended),
never slept on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scripts.screenshots import navigation, wait_rendered
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium, serving_demo

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with serving_demo(tmp_path_factory.mktemp("e2e-pages"), read_feeds=True) as served:
        yield served


def test_every_page_opens_with_its_heading_and_no_exception(app_url: tuple[str, str]) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, _ = app_url
    pages = navigation()
    assert len(pages) >= 11, pages
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base, wait_until="domcontentloaded")
        for i, nav in enumerate(pages):  # through the sidebar, as a user moves between pages
            if i > 0 or not nav.default:
                sidebar = page.get_by_test_id("stSidebarNav")
                sidebar.get_by_role("link", name=nav.title, exact=True).click()
                expect(page).to_have_url(f"{base}/{nav.path}")
            wait_rendered(page, nav.title)
            heading = page.get_by_role("heading", name=nav.title, exact=True)
            expect(heading.first, nav.name).to_be_visible()
            expect(page.get_by_test_id("stException"), nav.name).to_have_count(0)
            expect(page.get_by_test_id("stMain"), nav.name).not_to_contain_text("Traceback")
        browser.close()
    assert not errors, errors
