"""The Contacts page's forms: add a contact, edit one (and archive or restore it)."""

from __future__ import annotations

import streamlit as st

from planner.domain.model import Contact, Tier
from planner.services import contacts
from planner.services.contacts import ContactInput
from planner.services.workspace import Workspace
from planner.ui import plain, run_action

TIERS = [t.value for t in Tier]


def add_contact_form(ws: Workspace) -> None:
    """An expander with the add form; the new contact becomes the one opened below."""
    with (
        st.expander("Add a contact", icon=":material/person_add:"),
        st.form("add_contact", clear_on_submit=True),
    ):
        c1, c2, c3 = st.columns(3)
        entered = ContactInput(
            name=c1.text_input("Name", key="new_name"),
            tier=c2.selectbox("Tier", TIERS, index=TIERS.index("network"), key="new_tier"),
            reach=c3.text_input("Reach (audience size)", key="new_reach"),
            email=c1.text_input("Email", key="new_email"),
            domains=c2.text_input("Website domains (separate with |)", key="new_domains"),
            handles=c3.text_input("Handles (@name, separate with |)", key="new_handles"),
            aliases=c1.text_input("Aliases (separate with |)", key="new_aliases"),
            tags=c2.text_input("Tags (separate with |)", key="new_tags"),
            notes=st.text_area("Notes", key="new_notes"),
        )
        if st.form_submit_button("Add contact", type="primary", key="add_contact_submit"):
            added = run_action(lambda: contacts.add(ws, entered))
            if added:
                st.session_state["selected_contact"] = added.id
                st.toast(plain(f"Added {added.name}"), icon=":material/check_circle:")


def edit_contact_tab(ws: Workspace, contact: Contact) -> None:
    """The edit form filled with the contact, and the archive/restore button."""
    with st.form("edit_contact"):
        e1, e2, e3 = st.columns(3)
        entered = ContactInput(
            name=e1.text_input("Name", contact.name, key="edit_name"),
            tier=e2.selectbox(
                "Tier", TIERS, index=TIERS.index(contact.tier.value), key="edit_tier"
            ),
            reach=e3.text_input(
                "Reach", "" if contact.reach is None else str(contact.reach), key="edit_reach"
            ),
            email=e1.text_input("Email", contact.email, key="edit_email"),
            domains=e2.text_input("Domains", "|".join(contact.domains), key="edit_domains"),
            handles=e3.text_input("Handles", "|".join(contact.handles), key="edit_handles"),
            aliases=e1.text_input("Aliases", "|".join(contact.aliases), key="edit_aliases"),
            tags=e2.text_input("Tags", "|".join(contact.tags), key="edit_tags"),
            notes=st.text_area("Notes", contact.notes, key="edit_notes"),
        )
        if st.form_submit_button("Save", type="primary", key="edit_save"):
            saved = run_action(lambda: contacts.update(ws, contact.id, entered), success="Saved")
            if saved:
                st.rerun()
    label = "Restore" if contact.archived else "Archive"
    if st.button(label, key="archive_toggle", icon=":material/archive:"):
        run_action(
            lambda: contacts.set_archived(ws, contact.id, not contact.archived),
            success=f"{label}d {contact.name}",
        )
        st.rerun()
