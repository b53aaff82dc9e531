"""The Ledger page's rows: edited, deleted and the delete undone; a refused value keeps
what was typed in the add form and in the edit form."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from planner.services import Workspace, contacts, ledger
from tests.conftest import TODAY


def _table(at: AppTest) -> list[int]:
    return next(d.value for d in at.dataframe if "Points today" in d.value.columns)["Id"].tolist()


def test_a_refused_interaction_keeps_what_was_typed_and_a_good_one_empties_the_form(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    before = len(ledger.list_interactions(demo_app_ws))
    at = open_page("ledger")
    at.selectbox(key="ledger_kind").select("guest_post")
    at.text_input(key="ledger_title").input("On compilers")
    at.text_input(key="ledger_link").input("ftp://old.example/post")
    at.text_input(key="ledger_note").input("their blog")
    at.button(key="ledger_submit").click().run()
    assert "link" in at.error[0].value
    assert len(ledger.list_interactions(demo_app_ws)) == before
    assert at.selectbox(key="ledger_kind").value == "guest_post"
    assert at.text_input(key="ledger_title").value == "On compilers"
    assert at.text_input(key="ledger_note").value == "their blog"
    at.text_input(key="ledger_link").input("https://blog.example/post")
    at.button(key="ledger_submit").click().run()
    assert not at.error and not at.exception
    assert len(ledger.list_interactions(demo_app_ws)) == before + 1
    assert [t.value for t in at.toast] == ["Interaction added"]  # survives the rerun
    assert at.text_input(key="ledger_title").value == ""
    assert at.selectbox(key="ledger_kind").value == "mention"


def test_a_row_is_edited_from_the_ledger(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("ledger")
    target = _table(at)[0]
    assert at.selectbox(key="delete_pick").value == target
    row = ledger.get(demo_app_ws, target)
    assert at.text_input(key="ledger_edit_title").value == row.title
    other = next(c for c in contacts.list_contacts(demo_app_ws) if c.id != row.contact_id)
    at.selectbox(key="ledger_edit_contact").select(other.id)
    at.text_input(key="ledger_edit_note").input("edited by hand")
    at.number_input(key="ledger_edit_magnitude").set_value(3.0)
    at.date_input(key="ledger_edit_date").set_value(TODAY)
    at.text_input(key="ledger_edit_link").input("not a link")
    at.button(key="ledger_edit_save").click().run()
    assert "link" in at.error[0].value
    assert ledger.get(demo_app_ws, target) == row  # nothing stored
    assert at.text_input(key="ledger_edit_note").value == "edited by hand"  # kept
    at.text_input(key="ledger_edit_link").input("")
    at.button(key="ledger_edit_save").click().run()
    assert not at.error and not at.exception
    edited = ledger.get(demo_app_ws, target)
    assert (edited.contact_id, edited.note, edited.magnitude, edited.link) == (
        other.id,
        "edited by hand",
        3.0,
        "",
    )
    assert at.text_input(key="ledger_edit_note").value == "edited by hand"


def test_a_deleted_row_is_confirmed_and_can_be_undone(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("ledger")
    target = _table(at)[0]
    row = ledger.get(demo_app_ws, target)
    assert at.button(key="delete_button").disabled
    at.checkbox(key="delete_confirm").check().run()
    at.button(key="delete_button").click().run()
    assert not at.exception and not at.error
    assert target not in _table(at)
    assert not at.checkbox(key="delete_confirm").value  # the next row needs its own yes
    assert any(f"Interaction #{target} deleted." in i.value for i in at.info)
    at.button(key="ledger_undo_button").click().run()
    assert not at.exception
    back = ledger.list_interactions(demo_app_ws, contact_id=row.contact_id)
    assert any(
        (i.title, i.occurred_on, i.kind) == (row.title, row.occurred_on, row.kind) for i in back
    )
    assert not any("deleted." in i.value for i in at.info)  # the undo offer is gone
