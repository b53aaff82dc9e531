"""What can be done from one open contact: log an interaction with them (an inline form;
the timeline below shows it at once), and open Asks, Plan or Outreach with them chosen."""

from __future__ import annotations

import streamlit as st

from planner.domain.model import Contact, Direction, Kind
from planner.domain.words import word
from planner.services import ledger
from planner.services.ledger import LedgerInput
from planner.services.workspace import Workspace
from planner.ui import plain, run_action
from planner.ui.links import open_page

FLASH = "flash_message"
DIRECTIONS = [d.value for d in Direction]
KINDS = [k.value for k in Kind]


def flash(message: str) -> None:
    """A message for the next run (a toast made just before ``st.rerun`` is lost)."""
    st.session_state[FLASH] = message


def show_flash() -> None:
    """Show the message a form left before its rerun, once."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.toast(plain(message), icon=":material/check_circle:")


def contact_buttons(contact: Contact) -> None:
    """Add an ask of them, a give to them, or draft a message to them: the page opens with
    the contact chosen."""
    b1, b2, b3 = st.columns(3)
    if b1.button("Add an ask", key="contact_add_ask", icon=":material/front_hand:"):
        open_page("asks", contact=contact.id)
    if b2.button("Add a give", key="contact_add_give", icon=":material/redeem:"):
        open_page("plan", contact=contact.id)
    if b3.button("Draft a message", key="contact_draft", icon=":material/edit_note:"):
        open_page("outreach", contact=contact.id)


def _fresh(ws: Workspace) -> None:
    st.session_state["log_direction"] = "gave"
    st.session_state["log_kind"] = "mention"
    st.session_state["log_date"] = ws.today()
    st.session_state["log_title"] = ""
    st.session_state["log_link"] = ""
    st.session_state["log_note"] = ""


def log_interaction_form(ws: Workspace, contact: Contact) -> None:
    """Log an interaction with ``contact``; a refused value keeps everything typed."""
    if st.session_state.pop("log_done", False) or "log_kind" not in st.session_state:
        _fresh(ws)
    with (
        st.expander("Log an interaction", icon=":material/add_circle:"),
        st.form("log_interaction", clear_on_submit=False),
    ):
        l1, l2, l3 = st.columns(3)
        entered = LedgerInput(
            contact=contact.id,
            direction=str(
                l1.radio(
                    "Direction",
                    DIRECTIONS,
                    horizontal=True,
                    key="log_direction",
                    format_func=word,
                )
            ),
            kind=l2.selectbox("Kind", KINDS, key="log_kind", format_func=word),
            occurred_on=l3.date_input("Date", key="log_date", format="YYYY-MM-DD"),
            title=l1.text_input("Title", key="log_title"),
            link=l2.text_input("Link", key="log_link", placeholder="https://…"),
            note=l3.text_input("Note", key="log_note"),
        )
        if st.form_submit_button("Log it", type="primary", key="log_submit"):
            logged = run_action(lambda: ledger.add(ws, entered))
            if logged is not None:
                st.session_state["log_done"] = True
                flash(f"Logged: {word(logged.kind)} with {contact.name}")
                st.rerun()
