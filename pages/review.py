"""Review: what the feeds found. Confirm or dismiss detections, one by one or in bulk; add
suggested guests as contacts or as aliases.

Everything here comes from feeds, so it is shown with st.text / dataframes only; matched
words are marked «like this» in the evidence, as text.
"""

import pandas as pd
import streamlit as st

from planner.services import contacts, detections
from planner.ui import download_csv, plain, run_action, safe_link, workspace

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


def _act(action, success: str = "") -> None:
    """Run a service call; on success rerun so the page shows the new state."""
    if run_action(action, success=success) is not None:
        st.rerun()


GROUPS = {
    "gave": ("Gives found in my feeds", "review_gave"),
    "received": ("Goodwill received: contacts' feeds that name me", "review_received"),
}


def _table(items: list[detections.DetectionView]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "select": False,
                "id": d.id,
                "date": d.published,
                "entry": d.entry_title,
                "feed": d.feed_title,
                "contact": d.contact,
                "role": d.role,
                "kind": d.kind,
                "confidence": round(d.confidence, 2),
                "evidence": d.marked_snippet,
                "link": safe_link(d.entry_link),
            }
            for d in items
        ],
        columns=[
            "select",
            "id",
            "date",
            "entry",
            "feed",
            "contact",
            "role",
            "kind",
            "confidence",
            "evidence",
            "link",
        ],
    )


queue = detections.review_queue(ws)
st.subheader("Detections to review")
if not queue:
    st.info("Nothing to review. Refresh your feeds (Feeds page or `planner ingest`) to find more.")

for direction, (label, key) in GROUPS.items():
    items = [d for d in queue if d.direction == direction]
    if not items:
        continue
    n_items = len(items)
    st.markdown(f"**{label}** ({n_items})")
    table = _table(items)
    edited = st.data_editor(
        table,
        key=key,
        hide_index=True,
        disabled=[c for c in table.columns if c != "select"],
        column_config={
            "select": st.column_config.CheckboxColumn("✓", help="select for a bulk action"),
            "id": st.column_config.NumberColumn("id", width="small"),
            "confidence": st.column_config.ProgressColumn(
                "confidence", min_value=0.0, max_value=1.0, format="%.2f"
            ),
            "evidence": st.column_config.TextColumn("evidence (matches «marked»)", width="large"),
            "link": st.column_config.LinkColumn("link"),
        },
    )
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
            d.id: f"#{d.id} · {d.contact} · {d.role} · {d.confidence:.2f} · {d.entry_title[:80]}"
            for d in queue
        }
        picked = st.selectbox(
            "Detection",
            list(labels),
            format_func=lambda i: labels.get(i, str(i)),
            key="review_pick",
        )
        current = next(d for d in queue if d.id == picked)
        st.text(f"{current.entry_title}\n{current.feed_title} · {current.published or 'no date'}")
        st.text(current.evidence_text())
        url = safe_link(current.entry_link)
        if url:
            st.link_button("Open the entry", url, icon=":material/open_in_new:")
        c1, c2, _ = st.columns([1, 1, 3])
        if c1.button("Confirm", key="review_one_confirm", type="primary", icon=":material/check:"):
            _act(lambda: detections.confirm(ws, [current.id]), success="Confirmed")
        if c2.button("Dismiss", key="review_one_dismiss", icon=":material/close:"):
            _act(lambda: detections.dismiss(ws, [current.id]), success="Dismissed")

st.subheader("Suggested new contacts")
suggestions = detections.list_suggestions(ws)
if not suggestions:
    st.caption("No guest suggestions: every guest found in your episodes is a contact.")
people = {c.id: c.name for c in contacts.list_contacts(ws)}
for g in suggestions:
    with st.container(border=True):
        site = g.site
        st.text(
            f"{g.name}\n"
            f"{g.entry_title} ({g.feed_title}, {g.published or 'no date'})\n"
            f"{g.evidence}" + (f"\nwebsite: {site}" if site else "")
        )
        s1, s2, s3 = st.columns([1, 2, 1])
        if s1.button("Add as contact", key=f"sugg_accept_{g.id}", icon=":material/person_add:"):
            added = run_action(lambda g=g: detections.accept_suggestion(ws, g.id))
            if added:
                st.toast(plain(f"Added {added.name}"), icon=":material/check_circle:")
                st.rerun()
        if g.similar_contact_id is not None:
            alias_label = plain(f"Add as alias of {g.similar_contact}")
            if s2.button(alias_label, key=f"sugg_alias_{g.id}", icon=":material/link:"):
                _act(lambda g=g: detections.alias_suggestion(ws, g.id), success="Added")
        elif people:
            target = s2.selectbox(
                "Or an alias of",
                [None, *people],
                format_func=lambda i: "—" if i is None else people.get(i, str(i)),
                key=f"sugg_alias_pick_{g.id}",
            )
            if target is not None and s2.button(
                "Add as alias", key=f"sugg_alias_{g.id}", icon=":material/link:"
            ):
                _act(
                    lambda g=g, t=target: detections.alias_suggestion(ws, g.id, t),
                    success="Added",
                )
        if s3.button("Dismiss", key=f"sugg_dismiss_{g.id}", icon=":material/close:"):
            _act(lambda g=g: detections.dismiss_suggestions(ws, [g.id]))

with st.expander("Auto-confirmed and decided", icon=":material/history:"):
    decided = detections.list_detections(
        ws, statuses=["auto", "confirmed", "dismissed"], directions=["gave", "received"]
    )
    frame = pd.DataFrame(
        [
            {
                "id": d.id,
                "status": d.status,
                "date": d.published,
                "entry": d.entry_title,
                "contact": d.contact,
                "direction": d.direction,
                "role": d.role,
                "confidence": round(d.confidence, 2),
                "evidence": d.marked_snippet,
            }
            for d in decided
        ],
        columns=[
            "id",
            "status",
            "date",
            "entry",
            "contact",
            "direction",
            "role",
            "confidence",
            "evidence",
        ],
    )
    st.dataframe(frame, hide_index=True, key="review_decided")
    names = {d.id: f"#{d.id} · {d.status} · {d.contact} · {d.entry_title[:60]}" for d in decided}
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
    download_csv(detections.detections_frame(ws), "detections.csv", key="dl_detections")
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
