"""Feeds: add (URL, file upload, OPML), refresh with live progress, see what each feed
holds and why one failed; remove a feed; export the list as OPML.

Titles, links, people and text come from feeds: they are shown with st.text, dataframes
and widget options only; a link is clickable only when it is http(s).
"""

import pandas as pd
import streamlit as st

from planner.services import contacts, feeds, ingest
from planner.services.ingest import FeedOutcome, IngestSummary
from planner.ui import download_csv, plain, run_action, safe_link, workspace
from planner.ui.show_profile import show_profile_panel

ws = workspace()
st.title("Feeds")
st.caption(
    "Your blog and podcast feeds, your contacts' feeds and industry feeds. Each refresh "
    "stores new and changed entries and detects who is in them (see Review)."
)
figures = st.container()

KINDS = ["auto", "blog", "podcast"]
KIND_LABELS = {"auto": "auto (guess from the feed)", "blog": "blog", "podcast": "podcast"}
STATUS_MARK = {"fetched": "✓", "unchanged": "=", "failed": "✗", "skipped": "…"}


def _owners() -> dict[str, str]:
    """Owner choices: the value passed to the service → its label."""
    people = {str(c.id): f"contact: {c.name}" for c in contacts.list_contacts(ws)}
    return {"me": "me (my blog or podcast)", "industry": "industry", **people}


def _private_hint() -> None:
    st.info(
        "A feed failed because its address is not public (loopback or a private network). "
        "If it is self-hosted on your network, turn on *Allow private network addresses* in "
        "Settings → Feeds & detection, then refresh it.",
        icon=":material/lan:",
    )


def _add_url(url: str, kind: str | None, owner: str) -> int | None:
    """Add a feed by URL, checked like its fetch would be: an address the settings do not
    allow is refused (by its type, not its wording) and nothing is stored."""
    try:
        return feeds.add_feed(ws, url, kind=kind, owner=owner, vet_address=True)
    except feeds.FeedAddressRefused as refused:
        st.error(plain(refused), icon=":material/error:")
        if refused.private:
            st.info(
                "If this feed is self-hosted on your network, turn on *Allow private network "
                "addresses* in Settings → Feeds & detection, then add it again.",
                icon=":material/lan:",
            )
        return None


def _status(f: feeds.FeedInfo) -> str:
    if f.last_error:
        return "error"
    if f.warning:
        return "warning"
    return "ok" if f.last_fetched else "not fetched yet"


def _name(f: feeds.FeedInfo) -> str:
    return f.title or f.url


def _refresh(feed_ids: list[int] | None = None, *, force: bool = False) -> IngestSummary | None:
    """Refresh with a live status box: one line per feed as it finishes, then the summary."""
    names = {f.id: _name(f) for f in feeds.list_feeds(ws)}
    with st.status("Refreshing feeds…", expanded=True) as box:
        bar = st.progress(0.0, text="Starting")

        def progress(done: int, total: int, outcome: FeedOutcome) -> None:
            bar.progress(done / max(total, 1), text=f"{done} of {total} feed(s)")
            line = f"{STATUS_MARK.get(outcome.status, '?')} {outcome.status}: "
            line += names.get(outcome.feed_id, outcome.url)
            if outcome.new or outcome.updated:
                line += f" ({outcome.new} new, {outcome.updated} updated)"
            if outcome.message and outcome.status != "failed":  # failures: listed at the end
                line += f" — {outcome.message}"
            st.text(line)

        summary = run_action(
            lambda: ingest.refresh(ws, feed_ids=feed_ids, force=force, on_progress=progress)
        )
        if summary is None:
            box.update(label="Refresh stopped", state="error", expanded=True)
            return None
        bar.progress(1.0, text="Done")
        st.text(summary.describe())
        failures = summary.failures
        n_failed = len(failures)
        for failure in failures:
            st.text(f"failed: {names.get(failure.feed_id, failure.url)}: {failure.message}")
        if any(feeds.is_private_refusal(f.message) for f in failures):
            _private_hint()
        n_done = len(summary.outcomes)
        if n_failed:
            box.update(
                label=f"Refreshed {n_done} feed(s): {n_failed} failed", state="error", expanded=True
            )
        else:
            box.update(label=f"Refreshed {n_done} feed(s)", state="complete", expanded=False)
    return summary


# -- add -------------------------------------------------------------------------------

owners = _owners()
# "me" first while none of my feeds is listed, then "industry": a feed wrongly marked as
# mine would log every contact it names as a give.
owner_default = 1 if any(f.owner == "me" for f in feeds.list_feeds(ws)) else 0
with st.expander("Add feeds", icon=":material/add_circle:", expanded=not feeds.list_feeds(ws)):
    tab_url, tab_file, tab_opml = st.tabs(["By URL", "Upload a feed file", "Import OPML"])

    with tab_url:
        added = None
        with st.form("feed_add_form"):
            url = st.text_input(
                "Feed URL", key="feed_add_url", placeholder="https://example.com/feed.xml"
            )
            u1, u2 = st.columns(2)
            kind = u1.selectbox(
                "Kind", KINDS, format_func=KIND_LABELS.__getitem__, key="feed_add_kind"
            )
            owner = u2.selectbox(
                "Whose feed",
                list(owners),
                index=owner_default,
                format_func=owners.__getitem__,
                key="feed_add_owner",
            )
            fetch_now = st.checkbox("Fetch it now", value=True, key="feed_add_fetch")
            if st.form_submit_button("Add feed", type="primary", key="feed_add_submit"):
                added = run_action(lambda: _add_url(url, None if kind == "auto" else kind, owner))
                if added is not None:
                    st.toast("Feed added", icon=":material/check_circle:")
        if added is not None and fetch_now:
            _refresh([added])

    with tab_file:
        st.caption(
            "An RSS or Atom file saved from a feed. It is read once; to update it, upload "
            "the new file into the same feed."
        )
        upload = st.file_uploader("Feed file", type=["xml", "rss", "atom"], key="feed_upload_file")
        uploaded = [f for f in feeds.list_feeds(ws) if f.url.startswith(feeds.UPLOAD_PREFIX)]
        targets: dict[int, str] = {0: "a new feed", **{f.id: _name(f) for f in uploaded}}
        f1, f2, f3 = st.columns(3)
        target = f1.selectbox(
            "Into", list(targets), format_func=targets.__getitem__, key="feed_upload_target"
        )
        up_kind = f2.selectbox(
            "Kind", KINDS, format_func=KIND_LABELS.__getitem__, key="feed_upload_kind"
        )
        up_owner = f3.selectbox(
            "Whose feed",
            list(owners),
            index=owner_default,
            format_func=owners.__getitem__,
            key="feed_upload_owner",
        )
        if st.button(
            "Read this file", key="feed_upload_button", disabled=upload is None, type="primary"
        ):
            assert upload is not None
            data = upload.getvalue()
            new_feed = target == 0
            feed_id = (
                run_action(
                    lambda: feeds.add_upload(
                        ws, upload.name, kind=None if up_kind == "auto" else up_kind, owner=up_owner
                    )
                )
                if new_feed
                else target
            )
            if feed_id is not None:
                outcome = run_action(lambda: ingest.ingest_bytes(ws, feed_id, data))
                if outcome is not None and outcome.status == "failed":
                    if new_feed:  # nothing readable: do not keep an empty feed
                        run_action(lambda: feeds.remove_feed(ws, feed_id))
                    st.error("This file could not be read as a feed:", icon=":material/error:")
                    st.text(outcome.message)
                elif outcome is not None:
                    n_new, n_updated = outcome.new, outcome.updated
                    st.success(
                        f"Read: {n_new} new and {n_updated} updated entries.",
                        icon=":material/check_circle:",
                    )
                    if outcome.message:
                        st.text(outcome.message)

    with tab_opml:
        st.caption(
            "An OPML file exported from a feed reader or podcast app: every feed in it is "
            "added (nested folders become categories); feeds already listed are skipped."
        )
        opml_file = st.file_uploader("OPML file", type=["opml", "xml"], key="feed_opml_file")
        opml_owner = st.selectbox(
            "Whose feeds", list(owners), index=1, format_func=owners.__getitem__, key="opml_owner"
        )
        if st.button("Import feeds", key="feed_opml_import", disabled=opml_file is None):
            assert opml_file is not None
            result = run_action(
                lambda: feeds.import_opml(ws, opml_file.getvalue(), owner=opml_owner)
            )
            if result is not None:
                n_added = result.added
                st.success(
                    f"Added {n_added} feed(s). Refresh to read them.",
                    icon=":material/check_circle:",
                )
                if result.skipped:
                    st.text(result.describe())

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
refresh_names = {f.id: _name(f) for f in listed}
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
    _refresh(force=force)
elif refresh_one and one is not None:
    _refresh([one])

# -- the list --------------------------------------------------------------------------

listed = feeds.list_feeds(ws)
st.subheader("Your feeds")
if not listed:
    st.info("No feeds yet. Add your blog or podcast feed above, then your contacts' feeds.")
else:
    table = pd.DataFrame(
        [
            {
                "id": f.id,
                "title": f.title,
                "status": _status(f),
                "kind": f.kind,
                "owner": f.owner_name,
                "entries": f.entries,
                "last fetched": f.last_fetched,
                "error count": f.error_count,
                "last error": f.last_error,
                "warning": f.warning,
                "url": f.url,
                "open": safe_link(f.url),
            }
            for f in listed
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        key="feeds_table",
        column_config={
            "id": st.column_config.NumberColumn("id", width="small"),
            "url": st.column_config.TextColumn("url"),
            "open": st.column_config.LinkColumn("open", display_text="open", width="small"),
            "last error": st.column_config.TextColumn("last error", width="large"),
            "error count": st.column_config.NumberColumn("errors", width="small"),
        },
    )
    if any(feeds.is_private_refusal(f.last_error) for f in listed):
        _private_hint()
    d1, d2 = st.columns(2)
    with d1:
        download_csv(feeds.feeds_frame(ws), "feeds.csv", key="dl_feeds")
    d2.download_button(
        "Download OPML",
        data=feeds.export_opml(ws),
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
    st.subheader("Entries")
    with_entries = [f.id for f in listed if f.entries]
    titles = {f.id: f"{_name(f)} ({f.entries})" for f in listed}
    chosen = st.selectbox(
        "Feed",
        list(titles),
        index=list(titles).index(with_entries[0]) if with_entries else 0,
        format_func=lambda i, d=titles: d.get(i, str(i)),
        key="entries_feed",
    )
    show_profile_panel(ws, chosen)
    items = run_action(lambda: feeds.list_entries(ws, chosen)) or []
    if not items:
        st.caption("No entries stored for this feed yet.")
    else:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "id": e.id,
                        "date": e.published,
                        "title": e.title,
                        "people found": e.people.replace("|", ", "),
                        "link": safe_link(e.link),
                        "duplicate of": e.duplicate_of_id,
                    }
                    for e in items
                ]
            ),
            hide_index=True,
            key="entries_table",
            column_config={
                "id": st.column_config.NumberColumn("id", width="small"),
                "link": st.column_config.LinkColumn("link"),
                "duplicate of": st.column_config.NumberColumn(
                    "duplicate of", help="the same article stored first in another feed"
                ),
            },
        )
        labels = {e.id: f"{e.published or 'no date'} · {e.title or '(no title)'}" for e in items}
        picked = st.selectbox(
            "Read an entry",
            list(labels),
            format_func=lambda i, d=labels: d.get(i, str(i)),
            key="entries_pick",
        )
        entry = next(e for e in items if e.id == picked)
        with st.expander("Text of the entry", expanded=True, icon=":material/article:"):
            st.text(entry.title or "(no title)")
            st.text(f"{entry.published or 'no date'}  {entry.link}")
            if entry.people:
                st.text("People: " + entry.people.replace("|", ", "))
            st.text(entry.text or "(no text)")
        download_csv(feeds.entries_frame(ws, feed_id=chosen), "entries.csv", key="dl_entries")

# -- manage ----------------------------------------------------------------------------

if listed:
    with st.expander("Change or remove a feed", icon=":material/edit:"):
        manage_names = {f.id: _name(f) for f in listed}
        target_id = st.selectbox(
            "Feed",
            list(manage_names),
            format_func=lambda i, d=manage_names: d.get(i, str(i)),
            key="feed_manage_pick",
        )
        current = next(f for f in listed if f.id == target_id)
        owner_now = str(current.contact_id) if current.contact_id is not None else current.owner
        owner_keys = list(owners)
        e1, e2, e3 = st.columns([1, 2, 1])
        new_kind = e1.selectbox(
            "Kind",
            ["blog", "podcast"],
            index=1 if current.kind == "podcast" else 0,
            key=f"feed_edit_kind_{target_id}",
        )
        new_owner = e2.selectbox(
            "Whose feed",
            owner_keys,
            index=owner_keys.index(owner_now) if owner_now in owner_keys else 0,
            format_func=owners.__getitem__,
            key=f"feed_edit_owner_{target_id}",
        )
        if e3.button("Save", key="feed_edit_save"):
            saved = run_action(
                lambda: feeds.update_feed(ws, target_id, kind=new_kind, owner=new_owner) or True,
                success="Feed updated",
            )
            if saved:
                st.rerun()
        st.divider()
        n_entries = current.entries
        sure = st.checkbox(
            f"Yes, remove this feed and its {n_entries} entries (ledger rows stay)",
            key=f"feed_remove_sure_{target_id}",
        )
        if st.button(
            "Remove feed",
            key="feed_remove",
            disabled=not sure,
            icon=":material/delete:",
        ):
            removed = run_action(lambda: feeds.remove_feed(ws, target_id))
            if removed is not None:
                st.toast(plain(f"Removed {removed}"), icon=":material/check_circle:")
                st.rerun()
