"""The Ledger page's row actions: edit a row of the page shown, delete it (confirmed), and
undo the last deletion. A refused edit keeps what was typed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from planner.domain.model import Direction, Interaction, Kind
from planner.domain.words import word
from planner.errors import NotFound
from planner.services import ledger
from planner.services.ledger import LedgerInput
from planner.services.ledger_tables import row_label
from planner.services.workspace import Workspace
from planner.ui import run_action
from planner.ui.contact_actions import flash
from planner.ui.contact_picker import contact_picker

DIRECTIONS = [d.value for d in Direction]
KINDS = [k.value for k in Kind]
UNDO = "ledger_undo"


def _fill(item: Interaction) -> None:
    st.session_state.update(
        {
            "ledger_edit_for": item.id,
            "ledger_edit_contact": item.contact_id,
            "ledger_edit_direction": item.direction.value,
            "ledger_edit_kind": item.kind.value,
            "ledger_edit_date": item.occurred_on,
            "ledger_edit_magnitude": float(item.magnitude),
            "ledger_edit_title": item.title,
            "ledger_edit_link": item.link,
            "ledger_edit_note": item.note,
        }
    )


def _edit_form(ws: Workspace, item: Interaction, audience: str) -> None:
    if st.session_state.get("ledger_edit_for") != item.id or (
        "ledger_edit_kind" not in st.session_state
    ):
        _fill(item)
    who = contact_picker(ws, "Contact", key="ledger_edit_contact", allow_none=audience)
    with st.form("edit_interaction", clear_on_submit=False):
        e1, e2, e3 = st.columns(3)
        entered = LedgerInput(
            contact=who,
            direction=str(
                e1.radio(
                    "Direction",
                    DIRECTIONS,
                    horizontal=True,
                    key="ledger_edit_direction",
                    format_func=word,
                )
            ),
            kind=e2.selectbox("Kind", KINDS, key="ledger_edit_kind", format_func=word),
            occurred_on=e3.date_input("Date", key="ledger_edit_date", format="YYYY-MM-DD"),
            magnitude=e1.number_input(
                "Weight (magnitude)",
                min_value=0.0,
                step=0.5,
                key="ledger_edit_magnitude",
                help="How big it was: 1 is an ordinary one, 2 counts twice.",
            ),
            title=e2.text_input("Title", key="ledger_edit_title"),
            link=e3.text_input("Link", key="ledger_edit_link"),
            note=e1.text_input("Note", key="ledger_edit_note"),
        )
        if st.form_submit_button("Save changes", type="primary", key="ledger_edit_save"):
            saved = run_action(lambda: ledger.update(ws, item.id, entered))
            if saved is not None:
                st.session_state["ledger_edit_for"] = None  # refilled as stored
                flash(f"Saved #{item.id}")
                st.rerun()


def _delete(ws: Workspace, item: Interaction) -> None:
    sure = st.checkbox("Yes, delete it", key="delete_confirm")
    if st.button("Delete", disabled=not sure, key="delete_button", icon=":material/delete:"):
        gone = run_action(lambda: ledger.delete(ws, item.id))
        if gone is not None:
            st.session_state[UNDO] = gone
            st.session_state["ledger_deleted"] = True  # untick before it is drawn again
            st.rerun()


def undo_delete(ws: Workspace) -> None:
    """After a deletion: a button that adds the row back as it was."""
    gone: Interaction | None = st.session_state.get(UNDO)
    if gone is None:
        return
    st.info(f"Interaction #{gone.id:d} deleted.", icon=":material/delete:")
    if st.button("Undo the delete", key="ledger_undo_button", icon=":material/undo:"):
        back = run_action(lambda: ledger.add(ws, ledger.as_input(gone)))
        if back is not None:
            flash("The interaction is back")
            st.session_state.pop(UNDO, None)
            st.rerun()


def edit_or_delete(ws: Workspace, rows: pd.DataFrame, audience: str) -> None:
    """Pick a row of the page shown (``rows``: the table in words); edit or delete it."""
    if st.session_state.pop("ledger_deleted", False):
        st.session_state["delete_confirm"] = False
    undo_delete(ws)
    if rows.empty:
        return
    with st.expander("Edit or delete an interaction", icon=":material/edit:"):
        labels = {int(r["Id"]): row_label(r) for _, r in rows.iterrows()}
        target: int | None = st.selectbox(
            "Interaction (on this page)",
            list[int](labels),
            format_func=lambda i: labels.get(i, str(i)),
            key="delete_pick",
        )
        if target is None:
            return
        try:
            item = ledger.get(ws, int(target))
        except NotFound:
            st.session_state.pop("delete_pick", None)
            return
        _edit_form(ws, item, audience)
        _delete(ws, item)
