"""The Requests page's editor: change a recorded request, or delete it once a checkbox
that says what goes with it is ticked."""

from __future__ import annotations

import streamlit as st

from planner.domain.model import Kind
from planner.domain.words import word
from planner.services import help_requests
from planner.services.help_requests import RequestInput, RequestView
from planner.services.workspace import Workspace
from planner.ui import plain, run_action
from planner.ui.contact_picker import contact_picker

KINDS = [k.value for k in Kind]
#: The pick to switch to on the next run (set after a save or a delete, before the rerun).
NEXT_PICK = "request_pick_next"


def request_editor(ws: Workspace, view: RequestView) -> None:
    """Edit or delete the picked request (in an expander, closed at first)."""
    rid = view.id
    with st.expander("Edit or delete this request", icon=":material/edit:"):
        who = contact_picker(
            ws, "From", key=f"request_edit_contact_{rid}", default=view.request.contact_id
        )
        with st.form(f"request_edit_{rid}"):
            e1, e2 = st.columns(2)
            kind = e1.selectbox(
                "They ask for",
                KINDS,
                index=KINDS.index(view.request.kind.value),
                format_func=word,
                key=f"request_edit_kind_{rid}",
            )
            received = e2.date_input(
                "Received",
                value=view.request.received_on,
                key=f"request_edit_date_{rid}",
                format="YYYY-MM-DD",
            )
            title = st.text_input(
                "What they ask", view.request.title, key=f"request_edit_title_{rid}"
            )
            note = st.text_input("Note", view.request.note, key=f"request_edit_note_{rid}")
            if st.form_submit_button("Save request", key=f"request_edit_save_{rid}"):
                data = RequestInput(who or "", kind, received, title, note)
                if run_action(lambda: help_requests.update(ws, rid, data), success="Saved"):
                    st.rerun()
        gone = help_requests.deletion(ws, rid)
        sure = st.checkbox(gone.sentence, key=f"request_delete_sure_{rid}")
        clicked = st.button(
            "Delete request", key="request_delete", disabled=not sure, icon=":material/delete:"
        )
        if clicked and run_action(lambda: help_requests.delete_request(ws, rid)) is not None:
            st.toast(plain(f"Request #{rid} deleted"), icon=":material/check_circle:")
            st.session_state.pop("request_pick", None)
            st.rerun()
