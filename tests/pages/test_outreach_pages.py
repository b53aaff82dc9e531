"""Outreach and Import & export through AppTest, empty and with the demo."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from planner.services import Workspace, contacts, imports, outreach

PAGES = ["outreach", "data"]

GOOD_CONTACTS = (
    b"name,email,domains,tier,reach\r\n"
    b"Ada Lovelace,ada@engine.example,engine.example,active,1200\r\n"
    b"Grace Hopper,grace@cobol.example,,deep,\r\n"
)
BAD_CONTACTS = (
    b"name,email,tier,reach\r\n"
    b"Ada Lovelace,not-an-address,active,1200\r\n"
    b",grace@cobol.example,deep,\r\n"
    b"Linus,linus@kernel.example,galaxy,lots\r\n"
)


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_on_an_empty_database(open_page: Callable[[str], AppTest], page: str) -> None:
    at = open_page(page)
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_on_the_demo(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], page: str
) -> None:
    at = open_page(page)
    assert not at.error


def test_previewing_a_draft_shows_its_subject(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    target = next(
        c for c in contacts.list_contacts(demo_app_ws) if outreach.asks_for(demo_app_ws, c.id)
    )
    expected = outreach.render_draft(demo_app_ws, "thank_you", target.id)
    at = open_page("outreach")
    at.selectbox(key="draft_template").select("thank_you")
    at.selectbox(key="draft_contact").select(target.id).run()
    assert not at.exception and not at.error
    shown = [c.value for c in at.code]
    assert expected.subject in shown
    assert expected.text.rstrip() in [s.rstrip() for s in shown]
    assert at.get("download_button")  # the .eml download is offered


def test_the_template_editor_shows_the_line_of_a_problem_and_saves_nothing(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("outreach")
    at.selectbox(key="tpl_pick").select("featured_you").run()
    at.text_area(key="tpl_body_featured_you").input("Hello\n\n{{ contact.nmae }}\n").run()
    assert not at.exception
    assert any("body line 3" in e.value and "nmae" in e.value for e in at.error)
    assert at.button(key="tpl_save").disabled
    assert not outreach.get_template(demo_app_ws, "featured_you").stored


def test_saving_then_reverting_a_template(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("outreach")
    at.selectbox(key="tpl_pick").select("thank_you").run()
    at.text_input(key="tpl_subject_thank_you").input("Thanks, {{ contact.first_name }}!")
    at.text_area(key="tpl_body_thank_you").input("You are great.\n").run()
    at.button(key="tpl_save").click().run()
    assert not at.exception and not at.error
    stored = outreach.get_template(demo_app_ws, "thank_you")
    assert stored.stored and stored.subject == "Thanks, {{ contact.first_name }}!"
    at.button(key="tpl_revert").click().run()
    assert not at.exception and not at.error
    assert not outreach.get_template(demo_app_ws, "thank_you").stored


def _upload(at: AppTest, data: bytes) -> AppTest:
    at.file_uploader(key="import_file_contacts").set_value(("contacts.csv", data, "text/csv"))
    return at.run()


def test_a_bad_contacts_file_shows_every_problem_and_changes_nothing(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = _upload(open_page("data"), BAD_CONTACTS)
    assert not at.exception
    assert at.error, "the page says the file has problems"
    problems = at.dataframe[0].value  # the problems table comes first
    found = {(int(r.line), r.column) for r in problems.itertuples()}
    assert {(2, "email"), (3, "name"), (4, "tier"), (4, "reach")} <= found
    assert at.button(key="import_go").disabled
    assert contacts.count(app_ws) == 0
    assert imports.last_import(app_ws) is None


def test_a_good_contacts_file_imports_and_undo_removes_it(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = _upload(open_page("data"), GOOD_CONTACTS)
    assert not at.exception and not at.error
    assert [len(d.value) for d in at.dataframe] == [2]  # the rows; no problems table
    assert contacts.count(app_ws) == 0, "the preview writes nothing"
    at.button(key="import_go").click().run()
    assert not at.exception and not at.error
    assert sorted(c.name for c in contacts.list_contacts(app_ws)) == [
        "Ada Lovelace",
        "Grace Hopper",
    ]
    assert any("added 2" in t.value for t in at.text)
    assert at.button(key="undo_import").disabled, "undo asks for confirmation first"
    at.checkbox(key="undo_confirm").check().run()
    at.button(key="undo_import").click().run()
    assert not at.exception and not at.error
    assert contacts.count(app_ws) == 0
    assert imports.last_import(app_ws) is None


def test_every_table_can_be_downloaded(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("data")
    for table in ("ledger", "templates", "asks"):
        at.selectbox(key="export_table").select(table).run()
        assert not at.exception and not at.error


def test_a_draft_button_elsewhere_preselects_template_and_contact(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    target = contacts.list_contacts(demo_app_ws)[3]
    at = open_page("outreach")
    at.session_state["outreach_template"] = "reciprocate"
    at.session_state["outreach_contact_id"] = target.id
    at.run()
    assert not at.exception
    assert at.selectbox(key="draft_template").value == "reciprocate"
    assert at.selectbox(key="draft_contact").value == target.id
