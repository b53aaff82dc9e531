"""The Feeds page in a real browser: the same feed file uploaded twice stays one feed and
logs its guest episode once (a second upload used to make a second feed and a second
ledger row, doubling the balance)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.services import feeds, ledger, open_workspace
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, choose, require_chromium, serving_demo

pytestmark = pytest.mark.e2e

EPISODE_LINK = "https://uploadcast.example/episodes/1"
#: A podcast of mine with one episode whose guest is a demo contact (her site as the href).
CAST = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Upload Cast</title><link>https://uploadcast.example/</link>
<item><title>Pricing courses with Maya Lindqvist</title><guid>upload-cast-1</guid>
<link>{EPISODE_LINK}</link><pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate>
<enclosure url="https://uploadcast.example/1.mp3" type="audio/mpeg" length="1234"/>
<podcast:person role="guest" href="https://maya-lindqvist.example/">Maya Lindqvist</podcast:person>
<description>Maya Lindqvist joins us to talk about course pricing.</description></item>
</channel></rss>
"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with serving_demo(tmp_path_factory.mktemp("e2e-feed-upload")) as served:
        yield served


def test_the_same_feed_file_uploaded_twice_is_one_feed_with_one_ledger_row(
    app_url: tuple[str, str], tmp_path: Path
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, url = app_url
    cast = tmp_path / "upload-cast.xml"
    cast.write_text(CAST, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(f"{base}/feeds", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Feeds", exact=True)).to_be_visible(timeout=60_000)
        page.get_by_text("Add feeds", exact=True).click()
        page.get_by_role("tab", name="Upload a feed file").click()
        panel = page.get_by_role("tabpanel").filter(visible=True)
        panel.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(cast)
        expect(panel.get_by_text("upload-cast.xml")).to_be_visible(timeout=30_000)
        owner = panel.get_by_role("combobox", name="Whose feed")
        choose(page, owner, page.get_by_role("option", name="Mine (my blog or podcast)"))
        expect(owner).to_have_value("Mine (my blog or podcast)", timeout=30_000)

        read = panel.get_by_role("button", name="Read this file", exact=True)
        expect(read).to_be_enabled(timeout=30_000)
        read.click()
        expect(page.get_by_text("Read: 1 new and 0 updated entries.")).to_be_visible(timeout=60_000)
        # the form now names the feed just read: the next click reads into it
        into = panel.get_by_role("combobox", name="Into")
        expect(into).to_have_value("Upload Cast", timeout=30_000)
        expect(panel.get_by_text("This file was read before")).to_be_visible(timeout=30_000)

        again = panel.get_by_role("button", name="Read this file again", exact=True)
        expect(again).to_be_enabled(timeout=30_000)
        again.click()
        expect(page.get_by_text("Read: 0 new and 0 updated entries.")).to_be_visible(timeout=60_000)
        browser.close()

    ws = open_workspace(url, upgrade=False)
    try:
        uploads = [f for f in feeds.list_feeds(ws) if f.url.startswith(feeds.UPLOAD_PREFIX)]
        assert [(f.title, f.entries, f.owner) for f in uploads] == [("Upload Cast", 1, "me")]
        logged = [i for i in ledger.list_interactions(ws) if i.link == EPISODE_LINK]
        assert len(logged) == 1 and logged[0].kind == "interview"
    finally:
        ws.engine.dispose()
