"""Contacts page without dead ends: a new contact opens, a contact's page logs an
interaction and opens Asks, Plan and Outreach with them, a deep link opens a contact, and
every form keeps what was typed when a value is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from planner.domain import words
from planner.services import Workspace, balances, contacts, ledger
from planner.services.contacts import ContactInput
from tests.conftest import TODAY

TYPED = {
    "new_name": "Grace Hopper",
    "new_email": "grace@navy.example",
    "new_domains": "grace.example",
    "new_tags": "compilers",
    "new_notes": "Met at the COBOL meetup; wants a guest post.",
}


def _type(at: AppTest, fields: dict[str, str]) -> None:
    for key, value in fields.items():
        if key.endswith("notes"):
            at.text_area(key=key).input(value)
        else:
            at.text_input(key=key).input(value)


def test_adding_a_contact_opens_it_and_empties_the_form(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("contacts")
    _type(at, {**TYPED, "new_reach": "12k"})
    at.selectbox(key="new_tier").select("deep")
    at.button(key="add_contact_submit").click().run()
    assert not at.exception and not at.error
    [grace] = contacts.list_contacts(demo_app_ws, search="Grace Hopper")
    assert (grace.reach, grace.tier, grace.notes) == (12_000, "deep", TYPED["new_notes"])
    assert [h.value for h in at.header] == ["Grace Hopper"]  # opened at once
    assert [t.value for t in at.toast] == ["Added Grace Hopper"]
    assert at.text_input(key="contact_search").value == "Grace Hopper"  # the list: just her
    assert at.dataframe[0].value["Name"].tolist() == ["Grace Hopper"]
    assert at.text_input(key="new_name").value == "" and at.text_area(key="new_notes").value == ""
    assert at.text_input(key="edit_name").value == "Grace Hopper"


def test_a_refused_reach_names_the_value_and_keeps_every_field(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("contacts")
    _type(at, {**TYPED, "new_reach": "lots"})
    at.selectbox(key="new_tier").select("cell")
    at.button(key="add_contact_submit").click().run()
    assert not at.exception
    [error] = at.error
    assert "reach" in error.value and "lots" in error.value
    assert contacts.list_contacts(app_ws) == []
    for key, value in TYPED.items():
        field = at.text_area(key=key) if key.endswith("notes") else at.text_input(key=key)
        assert field.value == value, key
    assert at.text_input(key="new_reach").value == "lots"
    assert at.selectbox(key="new_tier").value == "cell"
    at.text_input(key="new_reach").input("1.2M")  # fixed: it goes through
    at.button(key="add_contact_submit").click().run()
    assert not at.error
    [grace] = contacts.list_contacts(app_ws)
    assert (grace.name, grace.reach) == ("Grace Hopper", 1_200_000)


def test_the_edit_form_keeps_a_refused_edit_and_follows_the_contact_opened(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    first, second = contacts.list_contacts(demo_app_ws)[:2]
    at = open_page("contacts")
    at.text_area(key="edit_notes").input("A new note")
    at.text_input(key="edit_reach").input("12x")
    at.button(key="edit_save").click().run()
    assert "12x" in at.error[0].value
    assert at.text_input(key="edit_reach").value == "12x"
    assert at.text_area(key="edit_notes").value == "A new note"
    assert contacts.get(demo_app_ws, first.id).notes == first.notes  # nothing stored
    at.selectbox(key="contact_pick").select(second.id).run()
    assert at.text_input(key="edit_name").value == second.name  # the other contact's values
    assert at.text_area(key="edit_notes").value == second.notes


def test_a_contact_logs_an_interaction_and_the_timeline_shows_it(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    first = contacts.list_contacts(demo_app_ws)[0]
    before = balances.balance_of(demo_app_ws, first.id).balance
    at = open_page("contacts")
    at.selectbox(key="log_kind").select("interview")
    at.text_input(key="log_title").input("Episode 42")
    at.text_input(key="log_link").input("javascript:alert(1)")
    at.text_input(key="log_note").input("They had me on")
    at.button(key="log_submit").click().run()
    assert "link" in at.error[0].value  # refused: everything typed stays
    assert at.text_input(key="log_title").value == "Episode 42"
    assert at.text_input(key="log_note").value == "They had me on"
    assert at.selectbox(key="log_kind").value == "interview"
    at.text_input(key="log_link").input("https://pod.example/42")
    at.button(key="log_submit").click().run()
    assert not at.exception and not at.error
    [row] = [
        i
        for i in ledger.list_interactions(demo_app_ws, contact_id=first.id)
        if i.title == "Episode 42"
    ]
    assert (row.direction, row.kind, row.occurred_on) == ("gave", "interview", TODAY)
    timeline = next(d.value for d in at.dataframe if "Source" in d.value.columns)
    top = timeline.iloc[0]
    assert (top["Date"], top["Kind"], top["Title"]) == (words.day(TODAY), "Interview", "Episode 42")
    after = balances.balance_of(demo_app_ws, first.id).balance
    assert after > before
    assert {m.label: m.value for m in at.metric}["Balance"] == f"{after:+.1f}"
    assert at.text_input(key="log_title").value == ""  # a fresh form for the next one


def test_a_deep_link_opens_the_contact(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    last = contacts.list_contacts(demo_app_ws)[-1]
    at = open_page("contacts")
    at.query_params["contact"] = str(last.id)
    at.run()
    assert not at.exception
    assert [h.value for h in at.header] == [last.name]
    at.query_params["contact"] = "99999"
    at.run()
    assert "No contact with id 99999" in at.warning[0].value
    assert not at.exception


def test_the_contact_buttons_open_asks_plan_and_outreach_with_the_contact(
    demo_app_ws: Workspace,
    open_page: Callable[[str], AppTest],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = contacts.list_contacts(demo_app_ws)[0]
    at = open_page("contacts")
    at.button(key="contact_add_ask").click().run()  # really switches
    assert not at.exception
    assert "Asks" in [t.value for t in at.title]
    opened: list[tuple[str, dict[str, str]]] = []
    monkeypatch.setattr(
        st, "switch_page", lambda page, query_params: opened.append((page, dict(query_params)))
    )
    for key in ["contact_add_ask", "contact_add_give", "contact_draft"]:
        at = open_page("contacts")
        at.button(key=key).click().run()
        assert not at.exception, key
    wanted = {"contact": str(first.id)}
    assert opened == [
        ("pages/asks.py", wanted),
        ("pages/plan.py", wanted),
        ("pages/outreach.py", wanted),
    ]


def test_an_archived_contact_can_be_opened_and_restored(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    gone = contacts.add(demo_app_ws, ContactInput(name="Zed Archived"))
    contacts.set_archived(demo_app_ws, gone.id)
    at = open_page("contacts")
    at.query_params["contact"] = str(gone.id)
    at.run()
    assert [h.value for h in at.header] == ["Zed Archived"]
    at.button(key="archive_toggle").click().run()
    assert not contacts.get(demo_app_ws, gone.id).archived
