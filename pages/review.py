"""Review: what the feeds found. Confirm or dismiss detections, one by one or in bulk; add
suggested guests as contacts or as aliases.

Everything here comes from feeds, so it is shown with st.text / dataframes only; matched
words are marked «like this» in the evidence, as text.
"""

import streamlit as st

from planner.domain.model import Role
from planner.domain.words import ROLE_WORDS, day, word
from planner.services import detections
from planner.ui import download_csv, plain, run_action, run_and_rerun, safe_link, workspace
from planner.ui.detection_table import (
    DECIDED_COLUMNS,
    REVIEW_COLUMNS,
    column_config,
    detection_page,
    detection_table,
    page_number,
    paged_detections,
)
from planner.ui.guest_suggestions import suggestions_section

ws = workspace()
st.title("Review")
st.caption(
    "Detections at or above the auto-confirm threshold (Settings) are logged in the ledger "
    "at once; the rest wait here. Dismissed ones are never suggested again."
)

totals = detections.counts(ws)
m = st.columns(5)
m[0].metric("To review", totals.pending)
m[1].metric("Auto-confirmed", totals.auto)
m[2].metric("Confirmed by you", totals.confirmed)
m[3].metric("Dismissed", totals.dismissed)
m[4].metric("Guest suggestions", totals.suggestions)
context = totals.context
st.caption(f"{context} context detection(s) from industry feeds: shown on contacts, not counted.")


_act = run_and_rerun
GROUPS = {
    "gave": ("Gives found in my feeds", "review_gave"),
    "received": ("Goodwill received: contacts' feeds that name me", "review_received"),
}


queue: list[detections.DetectionView] = []  # the pending detections shown (a page a group)
st.subheader("Detections to review")
if not totals.pending:
    st.info("Nothing to review. Refresh your feeds (Feeds page or `planner ingest`) to find more.")

for direction, (label, key) in GROUPS.items():
    shown = detection_page(ws, key=key, statuses=["pending"], directions=[direction])
    items = shown.items
    if not items:
        continue
    queue += items
    n_items = shown.total
    st.markdown(f"**{label}** ({n_items})")
    table = detection_table(items, REVIEW_COLUMNS)
    edited = st.data_editor(
        table,
        key=key,
        hide_index=True,
        disabled=[c for c in table.columns if c != "select"],
        column_config=column_config(REVIEW_COLUMNS),
    )
    page_number(shown)
    chosen = [int(i) for i in edited.loc[edited["select"].astype(bool), "id"]]
    b1, b2, b3 = st.columns([1, 1, 3])
    if b1.button(
        "Confirm selected",
        key=f"{key}_confirm",
        type="primary",
        disabled=not chosen,
        icon=":material/check:",
    ):
        _act(lambda ids=chosen: detections.confirm(ws, ids), success="Confirmed")
    if b2.button(
        "Dismiss selected", key=f"{key}_dismiss", disabled=not chosen, icon=":material/close:"
    ):
        _act(lambda ids=chosen: detections.dismiss(ws, ids), success="Dismissed")
    n_chosen = len(chosen)
    b3.caption(f"{n_chosen} selected")

if queue:
    with st.container(border=True):
        st.markdown("**Look closer at one detection**")
        labels = {
            d.id: f"#{d.id} · {d.contact} · {ROLE_WORDS[Role(d.role)]} · {d.confidence:.2f} · "
            f"{d.entry_title[:80]}"
            for d in queue
        }
        picked = st.selectbox(
            "Detection",
            list(labels),
            format_func=lambda i: labels.get(i, str(i)),
            key="review_pick",
        )
        current = next(d for d in queue if d.id == picked)
        when = day(current.published) or "no date"
        st.text(f"{current.entry_title}\n{current.feed_title} · {when}")
        st.text(current.evidence_text())
        url = safe_link(current.entry_link)
        if url:
            st.link_button("Open the entry", url, icon=":material/open_in_new:")
        c1, c2, _ = st.columns([1, 1, 3])
        if c1.button("Confirm", key="review_one_confirm", type="primary", icon=":material/check:"):
            _act(lambda: detections.confirm(ws, [current.id]), success="Confirmed")
        if c2.button("Dismiss", key="review_one_dismiss", icon=":material/close:"):
            _act(lambda: detections.dismiss(ws, [current.id]), success="Dismissed")

suggestions_section(ws)

with st.expander("Auto-confirmed and decided", icon=":material/history:"):
    decided = paged_detections(
        ws,
        key="review_decided",
        columns=DECIDED_COLUMNS,
        statuses=["auto", "confirmed", "dismissed"],
        directions=["gave", "received"],
    )
    names = {
        d.id: f"#{d.id} · {word(d.status)} · {d.contact} · {d.entry_title[:60]}" for d in decided
    }
    again = st.multiselect(
        "Change your mind",
        list(names),
        format_func=lambda i: names.get(i, str(i)),
        key="review_again",
    )
    r1, r2, _ = st.columns([1, 1, 3])
    if r1.button("Back to review", key="review_reopen", disabled=not again):
        _act(lambda: detections.reopen(ws, again), success="Back in the queue")
    if r2.button("Dismiss", key="review_dismiss_decided", disabled=not again):
        _act(lambda: detections.dismiss(ws, again), success="Dismissed")

st.divider()
d1, d2 = st.columns(2)
with d1:
    download_csv(lambda: detections.detections_frame(ws), "detections.csv", key="dl_detections")
if d2.button(
    "Detect again in every stored entry",
    key="review_rescan",
    help="After you changed contacts: decisions you made are kept.",
    icon=":material/refresh:",
):
    stats = run_action(lambda: detections.rescan(ws))
    if stats is not None:
        st.toast(plain(stats.describe()), icon=":material/check_circle:")
        st.rerun()
