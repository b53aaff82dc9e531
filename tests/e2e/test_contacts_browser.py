"""The Contacts page in a real browser, on the demo: a new contact opens at once, a
contact's page logs an interview that shows in its timeline and moves its balance, and a
refused value keeps everything typed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from planner.services import balances, contacts, ledger, open_workspace
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, choose, require_chromium, serving_demo

pytestmark = pytest.mark.e2e
NOTES = "Met at the meetup; wants a guest post."


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with serving_demo(tmp_path_factory.mktemp("e2e-contacts")) as served:
        yield served


def _open_contacts(page: Any, base: str, query: str = "") -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/contacts{query}", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Contacts", exact=True)).to_be_visible(timeout=60_000)


def _add_form(page: Any, name: str, reach: str) -> Any:
    """Open the add form and type a contact (not submitted); returns the form."""
    from playwright.sync_api import expect

    page.get_by_text("Add a contact", exact=True).click()
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Add contact"))
    expect(form.get_by_role("textbox", name="Name", exact=True)).to_be_visible(timeout=30_000)
    form.get_by_role("textbox", name="Name", exact=True).fill(name)
    form.get_by_role("textbox", name="Reach (audience size)", exact=True).fill(reach)
    form.get_by_role("textbox", name="Email", exact=True).fill("grace@navy.example")
    form.get_by_role("textbox", name="Notes", exact=True).fill(NOTES)
    return form


def test_a_new_contact_opens_at_once(app_url: tuple[str, str]) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, url = app_url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open_contacts(page, base)
        form = _add_form(page, "Grace Hopper", "12k")
        form.get_by_role("button", name="Add contact").click()
        header = page.get_by_role("heading", name="Grace Hopper", exact=True)
        expect(header).to_be_visible(timeout=30_000)
        expect(page.get_by_role("textbox", name="Search", exact=True)).to_have_value("Grace Hopper")
        expect(form.get_by_role("textbox", name="Name", exact=True)).to_have_value(
            ""
        )  # ready for the next
        header.scroll_into_view_if_needed()
        expect(header).to_be_in_viewport()
        browser.close()
    ws = open_workspace(url, upgrade=False)
    [grace] = contacts.list_contacts(ws, search="Grace Hopper")
    ws.engine.dispose()
    assert (grace.reach, grace.notes) == (12_000, NOTES)


def test_a_refused_reach_keeps_what_was_typed(app_url: tuple[str, str]) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, url = app_url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open_contacts(page, base)
        form = _add_form(page, "Ada Byron", "lots")
        form.get_by_role("button", name="Add contact").click()
        expect(page.get_by_test_id("stAlert").filter(has_text="lots")).to_contain_text(
            "reach", timeout=30_000
        )
        expect(form.get_by_role("textbox", name="Name", exact=True)).to_have_value("Ada Byron")
        expect(form.get_by_role("textbox", name="Reach (audience size)", exact=True)).to_have_value(
            "lots"
        )
        expect(form.get_by_role("textbox", name="Email", exact=True)).to_have_value(
            "grace@navy.example"
        )
        expect(form.get_by_role("textbox", name="Notes", exact=True)).to_have_value(NOTES)
        browser.close()
    ws = open_workspace(url, upgrade=False)
    assert contacts.list_contacts(ws, search="Ada Byron") == []
    ws.engine.dispose()


def test_an_interview_logged_on_a_contact_shows_in_its_timeline(
    app_url: tuple[str, str],
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, url = app_url
    ws = open_workspace(url, upgrade=False)
    someone = contacts.list_contacts(ws)[-1]
    before = balances.balance_of(ws, someone.id).balance
    ws.engine.dispose()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open_contacts(page, base, f"?contact={someone.id}")
        expect(page.get_by_role("heading", name=someone.name, exact=True)).to_be_visible(
            timeout=30_000
        )
        balance = page.get_by_test_id("stMetric").filter(has_text="Balance").first
        expect(balance).to_contain_text(f"{before:+.1f}", timeout=30_000)
        page.get_by_text("Log an interaction", exact=True).click()
        form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Log it"))
        choose(
            page,
            form.get_by_test_id("stSelectbox"),
            page.get_by_role("option", name="Interview", exact=True),
        )
        form.get_by_role("textbox", name="Title", exact=True).fill("Episode e2e")
        form.get_by_role("button", name="Log it").click()
        expect(page.get_by_text(f"Logged: Interview with {someone.name}")).to_be_visible(
            timeout=30_000
        )
        # the timeline: the table drawn with Direction and Title columns (the contacts
        # table has neither; the other tabs' tables are hidden, so not drawn)
        page.get_by_role("tab", name="Timeline").scroll_into_view_if_needed()
        timeline = (
            page.get_by_test_id("stDataFrame").filter(has_text="Direction").filter(has_text="Title")
        )
        expect(timeline).to_contain_text("Episode e2e", timeout=30_000)
        ws = open_workspace(url, upgrade=False)
        [row] = [
            i
            for i in ledger.list_interactions(ws, contact_id=someone.id)
            if i.title == "Episode e2e"
        ]
        after = balances.balance_of(ws, someone.id).balance
        ws.engine.dispose()
        assert (row.kind, row.direction) == ("interview", "gave") and after > before
        expect(balance).to_contain_text(f"{after:+.1f}", timeout=30_000)
        browser.close()
