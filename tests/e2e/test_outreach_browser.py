"""The Outreach page in a real browser: a link to an ask that is not ready shows why and
makes no draft; "Draft anyway" makes it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium, serving_demo

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with serving_demo(tmp_path_factory.mktemp("e2e-outreach")) as served:
        yield served


def test_a_not_ready_ask_is_drafted_only_anyway(app_url: tuple[str, str]) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, _ = app_url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        # demo ask 5: José, a referral that needs more trust than there is
        page.goto(f"{base}/outreach?ask=5&template=ask_intro", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Outreach", exact=True)).to_be_visible(
            timeout=60_000
        )
        warning = page.get_by_text("This ask is not ready")
        expect(warning).to_be_visible(timeout=30_000)
        expect(warning).to_contain_text("needs trust level trusted (now acquainted)")
        anyway = page.get_by_text("Draft anyway", exact=True)
        expect(anyway).to_be_visible(timeout=30_000)
        # the run that drew the warning stopped before any draft
        expect(page.get_by_text("Could you introduce me to someone?")).to_have_count(0)
        expect(page.get_by_role("button", name="Download .eml draft")).to_have_count(0)

        anyway.click()
        expect(page.get_by_text("Could you introduce me to someone?")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("button", name="Download .eml draft")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Hi José,")).to_be_visible(timeout=30_000)
        browser.close()
