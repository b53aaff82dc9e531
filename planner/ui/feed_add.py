"""The Feeds page's "Add feeds" panel: by URL, by uploading a feed file, from OPML."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from planner.errors import ErrorCode
from planner.services import feed_uploads, feeds
from planner.services.workspace import Workspace
from planner.ui import plain, run_action
from planner.ui.feed_owner import owner_picker
from planner.ui.feed_refresh import feed_name, refresh_with_progress

KINDS = ["auto", "blog", "podcast"]
KIND_LABELS = {"auto": "Guess from the feed", "blog": "Blog", "podcast": "Podcast"}


def _kind(choice: str) -> str | None:
    return None if choice == "auto" else choice


def _add_url(ws: Workspace, url: str, kind: str | None, owner: str) -> int | None:
    """Add a feed by URL, checked like its fetch would be: an address the settings do not
    allow is refused (by its code, not its wording) and nothing is stored."""
    try:
        return feeds.add_feed(ws, url, kind=kind, owner=owner, vet_address=True)
    except feeds.FeedAddressRefused as refused:
        st.error(plain(refused), icon=":material/error:")
        if refused.code == ErrorCode.PRIVATE_ADDRESS_REFUSED:
            st.info(
                "If this feed is self-hosted on your network, turn on *Allow private network "
                "addresses* in Settings → Feeds & detection, then add it again.",
                icon=":material/lan:",
            )
        return None


def _by_url(ws: Workspace, owner_default: str) -> None:
    added = None
    owner = owner_picker(ws, "Whose feed", key="feed_add_owner", default=owner_default)
    with st.form("feed_add_form"):
        url = st.text_input(
            "Feed URL", key="feed_add_url", placeholder="https://example.com/feed.xml"
        )
        kind = st.selectbox("Kind", KINDS, format_func=KIND_LABELS.__getitem__, key="feed_add_kind")
        fetch_now = st.checkbox("Fetch it now", value=True, key="feed_add_fetch")
        if st.form_submit_button("Add feed", type="primary", key="feed_add_submit"):
            added = run_action(lambda: _add_url(ws, url, _kind(kind), owner))
            if added is not None:
                st.toast("Feed added", icon=":material/check_circle:")
    if added is not None and fetch_now:
        refresh_with_progress(ws, [added])


#: The feed the upload form switches to on its next run (the feed just made or read).
NEXT_TARGET = "feed_upload_next_target"
#: What the last read did, shown after that switch.
LAST_READ = "feed_upload_last_read"


def _upload_target(targets: dict[int, str], match: feed_uploads.UploadMatch | None) -> list[int]:
    """The "Into" choices, with the form's choice set before the box is drawn: the feed just
    read, else the earlier upload this file is recognised as (never "a new feed" then)."""
    pending = st.session_state.pop(NEXT_TARGET, None)
    if pending in targets:
        st.session_state["feed_upload_target"] = pending
    if match is None:
        return list(targets)
    options = [i for i in targets if i]
    if st.session_state.get("feed_upload_target") not in options:
        st.session_state["feed_upload_target"] = match.feed_id
    return options


def _show_last_read() -> None:
    last = st.session_state.pop(LAST_READ, None)
    if last is None:
        return
    n_new, n_updated, message = last
    st.success(
        f"Read: {n_new:d} new and {n_updated:d} updated entries.",
        icon=":material/check_circle:",
    )
    if message:
        st.text(message)


def _read(ws: Workspace, upload: UploadedFile, target: int, kind: str, owner: str) -> None:
    outcome = run_action(
        lambda: feed_uploads.read_upload(
            ws, upload.name, upload.getvalue(), into=target or None, kind=_kind(kind), owner=owner
        )
    )
    if outcome is not None and outcome.status == "failed":
        st.error("This file could not be read as a feed:", icon=":material/error:")
        st.text(outcome.message)
    elif outcome is not None:
        # the form now names the feed read: a second click reads into it, never a new feed
        st.session_state[NEXT_TARGET] = outcome.feed_id
        st.session_state[LAST_READ] = (outcome.new, outcome.updated, outcome.message)
        st.rerun()


def _by_upload(ws: Workspace, owner_default: str) -> None:
    st.caption(
        "An RSS or Atom file saved from a feed. To update it, upload the new file: a file "
        "read before (the same content, or the same file name) is read again into its feed."
    )
    upload = st.file_uploader("Feed file", type=["xml", "rss", "atom"], key="feed_upload_file")
    uploaded = [f for f in feeds.list_feeds(ws) if f.url.startswith(feeds.UPLOAD_PREFIX)]
    targets: dict[int, str] = {0: "a new feed", **{f.id: feed_name(f) for f in uploaded}}
    match = feed_uploads.match_upload(ws, upload.name, upload.getvalue()) if upload else None
    options = _upload_target(targets, match)
    if match is not None:
        why = "the same content" if match.by == "content" else "the same file name"
        st.info(
            plain(
                f"This file was read before into “{targets[match.feed_id]}” ({why}): "
                "reading it again updates that feed."
            ),
            icon=":material/sync:",
        )
    f1, f2, f3 = st.columns(3)
    target = f1.selectbox(
        "Into", options, format_func=targets.__getitem__, key="feed_upload_target"
    )
    kind = f2.selectbox("Kind", KINDS, format_func=KIND_LABELS.__getitem__, key="feed_upload_kind")
    with f3:
        owner = owner_picker(ws, "Whose feed", key="feed_upload_owner", default=owner_default)
    label = "Read this file again" if target else "Read this file"
    clicked = st.button(label, key="feed_upload_button", disabled=upload is None, type="primary")
    _show_last_read()
    if clicked and upload is not None:
        _read(ws, upload, target or 0, kind, owner)


def _by_opml(ws: Workspace) -> None:
    st.caption(
        "An OPML file exported from a feed reader or podcast app: every feed in it is "
        "added (nested folders become categories); feeds already listed are skipped."
    )
    opml_file = st.file_uploader("OPML file", type=["opml", "xml"], key="feed_opml_file")
    owner = owner_picker(ws, "Whose feeds", key="opml_owner", default="industry")
    if st.button("Import feeds", key="feed_opml_import", disabled=opml_file is None):
        assert opml_file is not None
        result = run_action(lambda: feeds.import_opml(ws, opml_file.getvalue(), owner=owner))
        if result is not None:
            n_added = result.added
            st.success(
                f"Added {n_added} feed(s). Refresh to read them.",
                icon=":material/check_circle:",
            )
            if result.skipped:
                st.text(result.describe())


def add_feeds_panel(ws: Workspace, *, expanded: bool) -> None:
    """The "Add feeds" expander with its three tabs."""
    # "me" first while none of my feeds is listed, then "industry": a feed wrongly marked as
    # mine would log every contact it names as a give.
    owner_default = "industry" if any(f.owner == "me" for f in feeds.list_feeds(ws)) else "me"
    with st.expander("Add feeds", icon=":material/add_circle:", expanded=expanded):
        tab_url, tab_file, tab_opml = st.tabs(["By URL", "Upload a feed file", "Import OPML"])
        with tab_url:
            _by_url(ws, owner_default)
        with tab_file:
            _by_upload(ws, owner_default)
        with tab_opml:
            _by_opml(ws)
