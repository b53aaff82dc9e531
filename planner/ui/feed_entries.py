"""The Feeds page's tables: the list of feeds and the entries of one feed with its text."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from planner.domain.model import FeedKind, FeedOwner
from planner.domain.words import FEED_KIND_WORDS, FEED_OWNER_WORDS, moment
from planner.services import feeds
from planner.services.workspace import Workspace
from planner.ui import download_csv, run_action, safe_link
from planner.ui.feed_refresh import feed_name
from planner.ui.show_profile import show_profile_panel

#: Entries a page of the entries table shows.
PAGE_ROWS = 100


def kind_word(code: str) -> str:
    """``podcast`` → ``Podcast``; a kind not guessed yet says so."""
    try:
        return FEED_KIND_WORDS[FeedKind(code)]
    except ValueError:
        return "Not known yet"


def _owner_word(f: feeds.FeedInfo) -> str:
    """The contact's name for a contact's feed, else "Mine" or "Industry"."""
    if f.owner == FeedOwner.CONTACT:
        return f.owner_name
    try:
        return FEED_OWNER_WORDS[FeedOwner(f.owner)]
    except ValueError:
        return f.owner_name


def _status(f: feeds.FeedInfo) -> str:
    if f.last_error:
        return "Error"
    if f.warning:
        return "Warning"
    return "OK" if f.last_fetched else "Not fetched yet"


def feeds_table(listed: list[feeds.FeedInfo]) -> None:
    """One row per feed, in words: status, counts, the last error and a link when it is
    http(s)."""
    rows = [
        {
            "Id": f.id,
            "Title": f.title,
            "Status": _status(f),
            "Kind": kind_word(f.kind),
            "Owner": _owner_word(f),
            "Entries": f.entries,
            "Last fetched": moment(f.fetched_at),
            "Errors in a row": f.error_count,
            "Last error": f.last_error,
            "Warning": f.warning,
            "Address": f.url,
            "Open": safe_link(f.url),
        }
        for f in listed
    ]
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        key="feeds_table",
        column_config={
            "Id": st.column_config.NumberColumn("Id", width="small"),
            "Address": st.column_config.TextColumn("Address"),
            "Open": st.column_config.LinkColumn("Open", display_text="open", width="small"),
            "Last error": st.column_config.TextColumn("Last error", width="large"),
            "Errors in a row": st.column_config.NumberColumn("Errors in a row", width="small"),
        },
    )


def _entry_text(entry: feeds.EntryInfo) -> None:
    with st.expander("Text of the entry", expanded=True, icon=":material/article:"):
        st.text(entry.title or "(no title)")
        st.text(f"{entry.published or 'no date'}  {entry.link}")
        if entry.people:
            st.text("People: " + entry.people.replace("|", ", "))
        st.text(entry.text or "(no text)")


def _entries_table(items: list[feeds.EntryInfo]) -> None:
    rows = [
        {
            "Id": e.id,
            "Published": e.published,
            "Title": e.title,
            "People found": e.people.replace("|", ", "),
            "Link": safe_link(e.link),
            "Duplicate of": e.duplicate_of_id,
        }
        for e in items
    ]
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        key="entries_table",
        column_config={
            "Id": st.column_config.NumberColumn("Id", width="small"),
            "Link": st.column_config.LinkColumn("Link"),
            "Duplicate of": st.column_config.NumberColumn(
                "Duplicate of", help="the same article stored first in another feed"
            ),
        },
    )


def entries_section(ws: Workspace, listed: list[feeds.FeedInfo]) -> None:
    """Pick a feed, see its show profile and entries, read one entry's text."""
    st.subheader("Entries")
    with_entries = [f.id for f in listed if f.entries]
    titles = {f.id: f"{feed_name(f)} ({f.entries})" for f in listed}
    chosen = st.selectbox(
        "Feed",
        list(titles),
        index=list(titles).index(with_entries[0]) if with_entries else 0,
        format_func=lambda i: titles.get(i, str(i)),
        key="entries_feed",
    )
    assert chosen is not None  # listed is not empty, and the box has no empty choice
    show_profile_panel(ws, chosen)
    total = next((f.entries for f in listed if f.id == chosen), 0)
    pages = max(1, -(-total // PAGE_ROWS))
    page = min(max(1, int(st.session_state.get("entries_page", 1))), pages)
    st.session_state["entries_page"] = page
    items: list[feeds.EntryInfo] = (
        run_action(
            lambda: feeds.list_entries(ws, chosen, limit=PAGE_ROWS, offset=(page - 1) * PAGE_ROWS)
        )
        or []
    )
    if not items:
        st.caption("No entries stored for this feed yet.")
        return
    _entries_table(items)
    if pages > 1:
        p1, p2 = st.columns([1, 3])
        p1.number_input("Page", min_value=1, max_value=pages, step=1, key="entries_page")
        first = (page - 1) * PAGE_ROWS + 1
        last = first + len(items) - 1
        p2.caption(f"Entries {first}–{last} of {total}")
    labels = {e.id: f"{e.published or 'no date'} · {e.title or '(no title)'}" for e in items}
    picked = st.selectbox(
        "Read an entry",
        list(labels),
        format_func=lambda i: labels.get(i, str(i)),
        key="entries_pick",
    )
    _entry_text(next(e for e in items if e.id == picked))
    download_csv(
        lambda: feeds.entries_frame(ws, feed_id=chosen),
        "entries.csv",
        key="dl_entries",
        help="Every entry of this feed, not only this page.",
    )
