"""Feeds: add (URL, file upload, OPML), refresh with live progress, see what each feed
holds and why one failed; change (title, kind, owner) or remove a feed; export the list
as OPML.

Titles, links, people and text come from feeds: they are shown with st.text, dataframes
and widget options only; a link is clickable only when it is http(s).
"""

import streamlit as st

from planner.errors import ErrorCode
from planner.services import feeds
from planner.ui import download_csv, workspace
from planner.ui.feed_add import add_feeds_panel
from planner.ui.feed_entries import entries_section, feeds_table
from planner.ui.feed_manage import manage_panel
from planner.ui.feed_refresh import feed_name, private_network_hint, refresh_with_progress

ws = workspace()
st.title("Feeds")
st.caption(
    "Your blog and podcast feeds, your contacts' feeds and industry feeds. Each refresh "
    "stores new and changed entries and detects who is in them (see Review)."
)
figures = st.container()

add_feeds_panel(ws, expanded=not feeds.list_feeds(ws))

# -- refresh ---------------------------------------------------------------------------

listed = feeds.list_feeds(ws)
st.subheader("Refresh")
r1, r2, r3, r4 = st.columns([1, 1, 2, 1])
force = r2.checkbox(
    "Ignore backoff",
    key="feed_refresh_force",
    help="Feeds that failed are retried later (15 min, then longer); tick to try them now.",
)
refresh_all = r1.button(
    "Refresh all",
    key="feed_refresh_all",
    type="primary",
    disabled=not listed,
    icon=":material/refresh:",
)
refresh_names = {f.id: feed_name(f) for f in listed}
one = r3.selectbox(
    "Feed",
    list(refresh_names),
    format_func=lambda i, d=refresh_names: d.get(i, str(i)),
    key="feed_refresh_pick",
    label_visibility="collapsed",
    placeholder="Choose a feed",
)
refresh_one = r4.button("Refresh this feed", key="feed_refresh_one", disabled=one is None)
if refresh_all:
    refresh_with_progress(ws, force=force)
elif refresh_one and one is not None:
    refresh_with_progress(ws, [one])

# -- the list --------------------------------------------------------------------------

listed = feeds.list_feeds(ws)
st.subheader("Your feeds")
if not listed:
    st.info("No feeds yet. Add your blog or podcast feed above, then your contacts' feeds.")
else:
    feeds_table(listed)
    if any(f.failure_code == ErrorCode.PRIVATE_ADDRESS_REFUSED for f in listed):
        private_network_hint()
    d1, d2 = st.columns(2)
    with d1:
        download_csv(lambda: feeds.feeds_frame(ws), "feeds.csv", key="dl_feeds")
    d2.download_button(
        "Download OPML",
        data=lambda: feeds.export_opml(ws),  # built on click
        file_name="feeds.opml",
        mime="text/x-opml",
        key="dl_feeds_opml",
        icon=":material/download:",
        help="Every http(s) feed, nested by category, for a feed reader or another app.",
    )

with figures:
    m = st.columns(4)
    m[0].metric("Feeds", len(listed))
    m[1].metric("Entries", sum(f.entries for f in listed))
    m[2].metric("With errors", sum(1 for f in listed if f.last_error))
    m[3].metric("With warnings", sum(1 for f in listed if f.warning and not f.last_error))

# -- entries ---------------------------------------------------------------------------

if listed:
    entries_section(ws, listed)

# -- manage ----------------------------------------------------------------------------

if listed:
    manage_panel(ws, listed)
