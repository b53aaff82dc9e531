"""The Review page's guest suggestions: people found in episodes who are not contacts yet,
to add as a contact, as an alias of one, or to dismiss. Names and evidence come from
feeds: shown with st.text only."""

from __future__ import annotations

import streamlit as st

from planner.domain.words import day
from planner.services import contacts, detections
from planner.services.workspace import Workspace
from planner.ui import plain, run_action, run_and_rerun
from planner.ui.contact_picker import contact_picker


def _alias_button(ws: Workspace, g: detections.SuggestionView) -> None:
    """Alias of the similar contact when there is one, else of a contact picked here."""
    if g.similar_contact_id is not None:
        alias_label = plain(f"Add as alias of {g.similar_contact}")
        if st.button(alias_label, key=f"sugg_alias_{g.id}", icon=":material/link:"):
            run_and_rerun(lambda: detections.alias_suggestion(ws, g.id), success="Added")
    else:
        target = contact_picker(ws, "Or an alias of", key=f"sugg_alias_pick_{g.id}", allow_none="—")
        if target is not None and st.button(
            "Add as alias", key=f"sugg_alias_{g.id}", icon=":material/link:"
        ):
            run_and_rerun(lambda: detections.alias_suggestion(ws, g.id, target), success="Added")


def _suggestion_box(ws: Workspace, g: detections.SuggestionView, any_contact: bool) -> None:
    with st.container(border=True):
        site = g.site
        st.text(
            f"{g.name}\n"
            f"{g.entry_title} ({g.feed_title}, {day(g.published) or 'no date'})\n"
            f"{g.evidence}" + (f"\nwebsite: {site}" if site else "")
        )
        s1, s2, s3 = st.columns([1, 2, 1])
        if s1.button("Add as contact", key=f"sugg_accept_{g.id}", icon=":material/person_add:"):
            added = run_action(lambda: detections.accept_suggestion(ws, g.id))
            if added:
                st.toast(plain(f"Added {added.name}"), icon=":material/check_circle:")
                st.rerun()
        if any_contact or g.similar_contact_id is not None:
            with s2:
                _alias_button(ws, g)
        if s3.button("Dismiss", key=f"sugg_dismiss_{g.id}", icon=":material/close:"):
            run_and_rerun(lambda: detections.dismiss_suggestions(ws, [g.id]))


def suggestions_section(ws: Workspace) -> None:
    """Every open suggestion in its own box with its three actions."""
    st.subheader("Suggested new contacts")
    suggestions = detections.list_suggestions(ws)
    if not suggestions:
        st.caption("No guest suggestions: every guest found in your episodes is a contact.")
    any_contact = contacts.count_active(ws) > 0
    for g in suggestions:
        _suggestion_box(ws, g, any_contact)
