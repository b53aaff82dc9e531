"""The Contacts page's forms: add a contact, edit one (and archive or restore it).

Both keep what was typed when the input is refused (stable widget keys, no
``clear_on_submit``): the error names the field, the user fixes it and submits again. The
add form empties itself only after a contact was added; the edit form is refilled from the
record only when another contact is opened or after a save.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from planner.domain.model import Contact, Tier
from planner.domain.words import word
from planner.services import contacts
from planner.services.contacts import ContactInput
from planner.services.workspace import Workspace
from planner.ui import run_action
from planner.ui.contact_actions import flash

TIERS = [t.value for t in Tier]
#: The add form's widgets and the value each starts with.
ADD_FIELDS: dict[str, str] = {
    "new_name": "",
    "new_tier": "network",
    "new_reach": "",
    "new_email": "",
    "new_domains": "",
    "new_handles": "",
    "new_aliases": "",
    "new_tags": "",
    "new_notes": "",
}
REACH_HELP = "How many people they reach: 12000, 12,000, 12k or 1.2M."


def fill(fields: Mapping[str, object]) -> None:
    """Set widgets' values before they are drawn (a fresh form, or a record's values)."""
    for key, value in fields.items():
        st.session_state[key] = value


def add_contact_form(ws: Workspace, tier_help: str) -> None:
    """An expander with the add form; the new contact becomes the one opened below, and the
    list is narrowed to it so its page is right under the form."""
    done = st.session_state.pop("add_contact_done", False)
    if done or "new_name" not in st.session_state:  # first shown, or left and come back
        fill(ADD_FIELDS)
    with (
        st.expander("Add a contact", icon=":material/person_add:"),
        st.form("add_contact", clear_on_submit=False),
    ):
        c1, c2, c3 = st.columns(3)
        entered = ContactInput(
            name=c1.text_input("Name", key="new_name"),
            tier=c2.selectbox(
                "Tier",
                TIERS,
                key="new_tier",
                format_func=word,
                help=tier_help,
            ),
            reach=c3.text_input("Reach (audience size)", key="new_reach", help=REACH_HELP),
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
                st.session_state["add_contact_done"] = True
                st.session_state["selected_contact"] = added.id
                st.session_state["contact_search"] = added.name  # not drawn yet this run
                st.session_state["contact_page"] = 1
                flash(f"Added {added.name}")
                st.rerun()


def _edit_values(contact: Contact) -> dict[str, object]:
    return {
        "edit_name": contact.name,
        "edit_tier": contact.tier.value,
        "edit_reach": "" if contact.reach is None else str(contact.reach),
        "edit_email": contact.email,
        "edit_domains": "|".join(contact.domains),
        "edit_handles": "|".join(contact.handles),
        "edit_aliases": "|".join(contact.aliases),
        "edit_tags": "|".join(contact.tags),
        "edit_notes": contact.notes,
    }


def edit_contact_tab(ws: Workspace, contact: Contact, tier_help: str) -> None:
    """The edit form filled with the contact, and the archive/restore button."""
    if st.session_state.get("edit_for") != contact.id or "edit_name" not in st.session_state:
        fill(_edit_values(contact))
        st.session_state["edit_for"] = contact.id
    with st.form("edit_contact", clear_on_submit=False):
        e1, e2, e3 = st.columns(3)
        entered = ContactInput(
            name=e1.text_input("Name", key="edit_name"),
            tier=e2.selectbox("Tier", TIERS, key="edit_tier", format_func=word, help=tier_help),
            reach=e3.text_input("Reach", key="edit_reach", help=REACH_HELP),
            email=e1.text_input("Email", key="edit_email"),
            domains=e2.text_input("Domains", key="edit_domains"),
            handles=e3.text_input("Handles", key="edit_handles"),
            aliases=e1.text_input("Aliases", key="edit_aliases"),
            tags=e2.text_input("Tags", key="edit_tags"),
            notes=st.text_area("Notes", key="edit_notes"),
        )
        if st.form_submit_button("Save", type="primary", key="edit_save"):
            saved = run_action(lambda: contacts.update(ws, contact.id, entered))
            if saved:
                st.session_state["edit_for"] = None  # refilled from the record as stored
                flash(f"Saved {saved.name}")
                st.rerun()
    label = "Restore" if contact.archived else "Archive"
    if st.button(label, key="archive_toggle", icon=":material/archive:"):
        if run_action(lambda: contacts.set_archived(ws, contact.id, not contact.archived)):
            flash(f"{label}d {contact.name}")
        st.rerun()
