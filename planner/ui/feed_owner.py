"""Whose feed it is: me, industry, or a contact chosen with the contact picker (which
searches, so the Feeds page never lists every contact)."""

from __future__ import annotations

import streamlit as st

from planner.services import contacts
from planner.services.workspace import Workspace
from planner.ui.contact_picker import contact_picker

OWNER_LABELS = {
    "me": "Mine (my blog or podcast)",
    "industry": "Industry (news and peers I follow)",
    "contact": "A contact's",
}


def owner_picker(
    ws: Workspace, label: str, *, key: str, default: str = "me", contact_id: int | None = None
) -> str:
    """The owner value a feed service takes: ``me``, ``industry`` or a contact's id (text).

    ``st.session_state[key]`` is the kind of owner; the contact is ``key + "_contact"``.
    Outside a form: choosing "a contact" shows the picker at once.
    """
    kinds = ["me", "industry"] + (["contact"] if contacts.count_active(ws) else [])
    kind = st.selectbox(
        label,
        kinds,
        index=kinds.index(default) if default in kinds else 0,
        format_func=OWNER_LABELS.__getitem__,
        key=key,
    )
    if kind != "contact":
        return str(kind)
    chosen = contact_picker(ws, "Contact", key=f"{key}_contact", default=contact_id)
    return "industry" if chosen is None else str(chosen)
