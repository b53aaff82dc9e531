"""Dashboard, Contacts, Ledger and Settings through AppTest, empty and with the demo."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from planner.services import Workspace, balances, contacts, ledger

CORE_PAGES = ["dashboard", "contacts", "ledger", "settings"]


@pytest.mark.parametrize("page", CORE_PAGES)
def test_pages_render_on_an_empty_database(open_page: Callable[[str], AppTest], page: str) -> None:
    at = open_page(page)
    assert not at.error


@pytest.mark.parametrize("page", CORE_PAGES)
def test_pages_render_on_the_demo(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], page: str
) -> None:
    at = open_page(page)
    assert not at.error


def test_dashboard_shows_the_demo_figures(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("dashboard")
    metrics = {m.label: m.value for m in at.metric}
    expected = balances.all_balances(demo_app_ws)
    assert metrics["Contacts"] == str(len(expected))
    assert metrics["One-sided"] == str(sum(b.one_sided for b in expected))


def test_adding_a_contact_through_the_form_persists(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("contacts")
    at.text_input(key="new_name").input("Ada Lovelace")
    at.text_input(key="new_reach").input("1200")
    at.text_input(key="new_domains").input("ada.example")
    at.button(key="add_contact_submit").click().run()
    assert not at.exception
    assert not at.error
    found = contacts.list_contacts(app_ws, search="Ada")
    assert [(c.name, c.reach, c.domains) for c in found] == [
        ("Ada Lovelace", 1200, ("ada.example",))
    ]


def test_a_bad_contact_shows_a_clear_error_and_stores_nothing(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("contacts")
    at.text_input(key="new_name").input("Bad Reach")
    at.text_input(key="new_reach").input("a lot")
    at.button(key="add_contact_submit").click().run()
    assert not at.exception
    assert "reach" in at.error[0].value
    assert contacts.list_contacts(app_ws) == []


def test_adding_an_interaction_through_the_form_persists(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    target = contacts.list_contacts(demo_app_ws)[0]
    before = len(ledger.list_interactions(demo_app_ws, contact_id=target.id))
    at = open_page("ledger")
    at.selectbox(key="ledger_contact").select(target.name)
    at.selectbox(key="ledger_kind").select("interview")
    at.text_input(key="ledger_title").input("Episode 99")
    at.button(key="ledger_submit").click().run()
    assert not at.exception
    rows = ledger.list_interactions(demo_app_ws, contact_id=target.id)
    assert len(rows) == before + 1
    assert any(r.title == "Episode 99" and r.kind == "interview" for r in rows)


def test_contact_detail_explains_the_balance(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("contacts")
    captions = " ".join(c.value for c in at.caption)
    assert "Sum of values" in captions


def test_settings_change_half_life(app_ws: Workspace, open_page: Callable[[str], AppTest]) -> None:
    at = open_page("settings")
    at.number_input(key="half_life").set_value(90.0)
    at.button(key="model_save").click().run()
    assert not at.exception
    assert app_ws.settings().half_life_days == 90.0
