"""The Ledger page in a real browser: one page of rows at a time, and a download made
only when it is clicked (Streamlit's deferred download) that holds every filtered row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from planner.services import ledger, open_workspace
from planner.services.ledger_tables import PAGE_SIZE
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, click_settled, require_chromium, serving_demo

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with serving_demo(tmp_path_factory.mktemp("e2e-ledger")) as served:
        yield served


def test_the_ledger_pages_its_rows_and_downloads_them_all_when_clicked(
    app_url: tuple[str, str], tmp_path: Path
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, url = app_url
    ws = open_workspace(url, upgrade=False)
    expected = ledger.list_interactions(ws, since=ws.today() - timedelta(days=548))
    ws.engine.dispose()
    assert len(expected) > PAGE_SIZE
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(f"{base}/ledger", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Ledger")).to_be_visible(timeout=60_000)
        shown = f"{len(expected)} interaction(s), 1–{PAGE_SIZE} shown"
        expect(page.get_by_text(shown)).to_be_visible(timeout=30_000)
        with page.expect_download(timeout=30_000) as info:
            click_settled(page, page.get_by_role("button", name="Download CSV"))
        saved = tmp_path / "ledger.csv"
        info.value.save_as(saved)
        assert info.value.suggested_filename == "ledger.csv"
        rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
        assert [int(r["id"]) for r in rows] == [i.id for i in expected]  # every page's rows
        browser.close()
