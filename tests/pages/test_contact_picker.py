"""The Contacts page at scale: the contact picker (planner/ui/contact_picker.py) shows a
search box and the first matches once there are many contacts, the choice kept while the
search changes; the table shows a page of the contacts the filters match."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from planner.services import Workspace, contact_tables, contacts
from planner.services.contacts import ContactInput
from planner.ui import contact_picker
from tests.pages.downloads import Downloads, csv_table

NAMES = ["Ada Lovelace", "Adam Smith", "Grace Hopper", "Katherine Johnson", "Maya Lindqvist"]


@pytest.fixture
def people(app_ws: Workspace) -> dict[str, int]:
    return {n: contacts.add(app_ws, ContactInput(name=n)).id for n in NAMES}


def _options(at: AppTest) -> list[str]:
    return list(at.selectbox(key="contact_pick").options)


def test_with_few_contacts_the_picker_lists_them_all_without_a_search_box(
    people: dict[str, int], open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("contacts")
    assert _options(at) == NAMES
    assert not [t for t in at.text_input if t.key == "contact_pick_find"]
    at.selectbox(key="contact_pick").select(people["Grace Hopper"]).run()
    assert [h.value for h in at.header] == ["Grace Hopper"]
    assert at.session_state["contact_pick"] == people["Grace Hopper"]


def test_with_many_contacts_the_picker_searches_and_keeps_the_choice(
    people: dict[str, int], open_page: Callable[[str], AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contact_picker, "ALL_UP_TO", 3)
    monkeypatch.setattr(contact_picker, "MATCHES", 2)
    at = open_page("contacts")
    assert _options(at) == ["Ada Lovelace", "Adam Smith"]  # the first matches only
    assert any("first 2 matches" in c.value for c in at.caption)
    assert [h.value for h in at.header] == ["Ada Lovelace"]

    at.text_input(key="contact_pick_find").input("HOPPER").run()
    assert _options(at) == ["Ada Lovelace", "Grace Hopper"]  # the choice stays offered
    assert [h.value for h in at.header] == ["Ada Lovelace"]

    at.selectbox(key="contact_pick").select(people["Grace Hopper"]).run()
    assert [h.value for h in at.header] == ["Grace Hopper"]
    at.text_input(key="contact_pick_find").input("nobody at all").run()
    assert _options(at) == ["Grace Hopper"]
    assert [h.value for h in at.header] == ["Grace Hopper"]
    assert not at.exception and not at.error


def test_a_contact_handed_over_is_opened(
    people: dict[str, int], open_page: Callable[[str], AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contact_picker, "ALL_UP_TO", 3)
    monkeypatch.setattr(contact_picker, "MATCHES", 2)
    at = open_page("contacts")
    at.session_state["selected_contact"] = people["Maya Lindqvist"]
    at.run()
    assert [h.value for h in at.header] == ["Maya Lindqvist"]
    assert "Maya Lindqvist" in _options(at)


def test_the_contacts_table_shows_one_page_at_a_time(
    people: dict[str, int],
    open_page: Callable[[str], AppTest],
    monkeypatch: pytest.MonkeyPatch,
    downloads: Downloads,
) -> None:
    monkeypatch.setattr(contact_tables, "PAGE_ROWS", 2)
    at = open_page("contacts")
    assert at.caption[0].value == "5 contact(s)"
    assert at.dataframe[0].value["Name"].tolist() == NAMES[:2]
    at.number_input(key="contact_page").set_value(2).run()
    assert at.dataframe[0].value["Name"].tolist() == NAMES[2:4]
    assert "Rows 3–4 of 5" in [c.value for c in at.caption]
    _, rows = csv_table(downloads(at, "dl_contacts").data)  # the download: every match
    assert [r["name"] for r in rows] == NAMES
    at.text_input(key="contact_search").input("maya").run()  # filtered first, then paged
    assert at.caption[0].value == "1 contact(s)"
    assert at.dataframe[0].value["Name"].tolist() == ["Maya Lindqvist"]
    assert not at.exception and not at.error
