"""The Feeds page's "Change or remove a feed" panel: title, kind and owner; removal after
a confirmation."""

from __future__ import annotations

import streamlit as st

from planner.services import feeds
from planner.services.workspace import Workspace
from planner.ui import plain, run_action
from planner.ui.feed_entries import kind_word
from planner.ui.feed_owner import owner_picker
from planner.ui.feed_refresh import feed_name

FEED_KINDS = ["blog", "podcast"]


def _edit(ws: Workspace, current: feeds.FeedInfo) -> None:
    fid = current.id
    new_title = st.text_input("Title", current.title, key=f"feed_edit_title_{fid}", max_chars=500)
    e1, e2, e3 = st.columns([1, 2, 1])
    new_kind = e1.selectbox(
        "Kind",
        FEED_KINDS,
        index=1 if current.kind == "podcast" else 0,
        format_func=kind_word,
        key=f"feed_edit_kind_{fid}",
    )
    with e2:
        new_owner = owner_picker(
            ws,
            "Whose feed",
            key=f"feed_edit_owner_{fid}",
            default=current.owner,
            contact_id=current.contact_id,
        )
    if e3.button("Save", key="feed_edit_save"):

        def save() -> bool:
            feeds.update_feed(ws, fid, kind=new_kind, owner=new_owner, title=new_title)
            return True

        if run_action(save, success="Feed updated"):
            st.rerun()


def _remove(ws: Workspace, current: feeds.FeedInfo) -> None:
    n_entries = current.entries
    sure = st.checkbox(
        f"Yes, remove this feed and its {n_entries:d} entries (ledger rows stay)",
        key=f"feed_remove_sure_{current.id}",
    )
    if st.button("Remove feed", key="feed_remove", disabled=not sure, icon=":material/delete:"):
        removed = run_action(lambda: feeds.remove_feed(ws, current.id))
        if removed is not None:
            st.toast(plain(f"Removed {feed_name(current)}"), icon=":material/check_circle:")
            st.rerun()


def manage_panel(ws: Workspace, listed: list[feeds.FeedInfo]) -> None:
    """Pick a feed; change its title, kind or owner; or remove it (after ticking a box)."""
    with st.expander("Change or remove a feed", icon=":material/edit:"):
        names = {f.id: feed_name(f) for f in listed}
        target_id = st.selectbox(
            "Feed",
            list(names),
            format_func=lambda i: names.get(i, str(i)),
            key="feed_manage_pick",
        )
        current = next(f for f in listed if f.id == target_id)
        _edit(ws, current)
        st.divider()
        _remove(ws, current)
