"""The tabs of one open contact: timeline, balance explained, found in feeds, merge."""

from __future__ import annotations

import streamlit as st

from planner.domain.model import Contact
from planner.services import contact_tables, contacts, detections, merge
from planner.services.workspace import Workspace
from planner.ui import plain, run_action, safe_link
from planner.ui.contact_picker import contact_picker
from planner.ui.detection_table import CONTACT_COLUMNS, detection_table
from planner.ui.mail_history import contact_exchanges

LINK = {"link": st.column_config.LinkColumn("link")}
TIMELINE_LINK = {"Link": st.column_config.LinkColumn("Link")}


def timeline_tab(ws: Workspace, contact: Contact) -> None:
    """Every interaction with the contact (a link is clickable only when it is http(s)),
    then the e-mails exchanged with them."""
    table = contact_tables.timeline_table(ws, contact.id)
    table["Link"] = table["Link"].map(safe_link)
    if table.empty:
        st.caption("Nothing logged with them yet: log an interaction above.")
    st.dataframe(table, hide_index=True, key="contact_timeline", column_config=TIMELINE_LINK)
    contact_exchanges(ws, contact.id)


def explain_tab(ws: Workspace, contact: Contact, balance: float) -> None:
    """The terms that add up to the balance (each to one decimal), and their sum."""
    st.caption("value = weight × magnitude × exposure × decay; gives count +, receipts −.")
    explained = contact_tables.explain_table(ws, contact.id)
    st.dataframe(explained, hide_index=True, key="contact_explain")
    st.caption(f"Sum of the values: balance {balance:+.1f}")


def found_tab(ws: Workspace, contact: Contact) -> None:
    """Every detection that names the contact, in any feed."""
    st.caption(
        "Every entry of your feeds, their feeds and industry feeds that names this contact. "
        "Gives and receipts reach the ledger when auto-confirmed or confirmed (Review page); "
        "context never does."
    )
    found = detections.list_detections(ws, contact_id=contact.id)
    st.dataframe(
        detection_table(found, CONTACT_COLUMNS),
        hide_index=True,
        key="contact_found",
        column_config=LINK,
    )


def _merge_other(ws: Workspace, contact: Contact) -> None:
    if contact.archived or contacts.count_active(ws) < 2:
        return
    other_id = contact_picker(
        ws, "Contact to merge into this one", key="merge_other", exclude=[contact.id]
    )
    if other_id is None:
        return
    sure = st.checkbox(
        "Yes, they are the same person: merge them", key="merge_confirm", value=False
    )
    if st.button(
        "Merge", key="merge_submit", type="primary", disabled=not sure, icon=":material/merge:"
    ):
        result = run_action(lambda: merge.merge_contacts(ws, contact.id, other_id))
        if result is not None:
            st.session_state["selected_contact"] = contact.id
            st.toast(plain(result.describe()), icon=":material/check_circle:")
            st.rerun()


def merge_tab(ws: Workspace, contact: Contact) -> None:
    """Merge another record of the same person into this one; undo the last merge."""
    st.caption(
        "Two records of the same person? Merge the other one into this contact: its names "
        "become aliases, its ledger rows, detections, asks, gives, requests and feeds move "
        "here (balances add up) and it is archived. The last merge can be undone."
    )
    _merge_other(ws, contact)
    last = merge.last_merge(ws)
    if last is not None:
        st.text(f"Last merge: {last[1]}")
        if st.button("Undo the last merge", key="merge_undo", icon=":material/undo:"):
            undone = run_action(lambda: merge.undo_last_merge(ws))
            if undone is not None:
                st.toast(plain(undone.describe()), icon=":material/check_circle:")
                st.rerun()
