"""The show profile of one podcast feed on the Feeds page: what was learned, in words, and
the user's corrections (interview or solo show, who is a host).

Names come from feeds: they are shown with st.text and in widget labels only as plain
text (escaped), never as markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from planner.domain.show_profile import ShowKind
from planner.services import Workspace, shows
from planner.ui import plain, run_action

KIND_CHOICES = {"learned": None, "interview": ShowKind.INTERVIEW, "solo": ShowKind.SOLO}
LEARNED_WORDS = {
    ShowKind.INTERVIEW: "interview show",
    ShowKind.SOLO: "solo show",
    ShowKind.UNKNOWN: "not known yet",
}
_DONE = "show_profile_done"


def _apply(action: Callable[[], shows.ShowChange]) -> None:
    """Run a correction; on success remember its message and show the page again."""
    change = run_action(action)
    if change is not None:
        st.session_state[_DONE] = change.describe()
        st.rerun()


def show_profile_panel(ws: Workspace, feed_id: int) -> None:
    """The feed's show profile in words and, for a podcast, the form to correct it."""
    view = run_action(lambda: shows.show(ws, feed_id))
    if view is None:
        return
    with st.expander("Show profile", expanded=True, icon=":material/podcasts:"):
        done = st.session_state.pop(_DONE, None)
        if done:
            st.success(plain(done), icon=":material/check_circle:")
        st.text(view.text)
        if not view.is_podcast:
            return
        labels = {
            "learned": f"Learned: {LEARNED_WORDS[view.learned_kind]}",
            "interview": "Interview show",
            "solo": "Solo show — no guests",
        }
        current = view.kind_correction.value if view.kind_correction else "learned"
        k1, k2 = st.columns([3, 1], vertical_alignment="bottom")
        picked = k1.selectbox(
            "This show is",
            list(labels),
            index=list(labels).index(current),
            format_func=labels.__getitem__,
            key=f"show_kind_{feed_id}",
        )
        if k2.button("Save", key=f"show_kind_save_{feed_id}", disabled=picked == current):
            _apply(lambda: shows.set_kind(ws, feed_id, KIND_CHOICES[picked]))

        h1, h2 = st.columns([3, 1], vertical_alignment="bottom")
        name = h1.text_input(
            "Mark as host",
            key=f"show_host_name_{feed_id}",
            placeholder="A name the episodes give, e.g. a co-host",
            max_chars=200,
        )
        if h2.button("Mark as host", key=f"show_host_add_{feed_id}", disabled=not name.strip()):
            _apply(lambda: shows.mark_host(ws, feed_id, name, True))

        for i, host in enumerate(view.hosts):
            r1, r2 = st.columns([3, 1], vertical_alignment="center")
            r1.text(f"Host: {host}")
            if r2.button("Not a host", key=f"show_not_host_{feed_id}_{i}"):
                _apply(partial(shows.mark_host, ws, feed_id, host, False))
        for i, other in enumerate(view.profile.corrections.not_hosts):
            r1, r2 = st.columns([3, 1], vertical_alignment="center")
            r1.text(f"Not a host (as you said): {other}")
            if r2.button("A host after all", key=f"show_host_again_{feed_id}_{i}"):
                _apply(partial(shows.mark_host, ws, feed_id, other, True))
