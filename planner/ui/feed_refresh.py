"""Refreshing feeds with a live status box, and the hint shown when a private address was
refused (the Feeds page's two uses of the refresh)."""

from __future__ import annotations

import streamlit as st

from planner.errors import ErrorCode
from planner.services import feeds, ingest
from planner.services.ingest import FeedOutcome, IngestSummary
from planner.services.workspace import Workspace
from planner.ui import run_action

STATUS_MARK = {"fetched": "✓", "unchanged": "=", "failed": "✗", "skipped": "…"}
#: A refresh outcome's status in words.
STATUS_WORDS = {
    "fetched": "Read",
    "unchanged": "Unchanged",
    "failed": "Failed",
    "skipped": "Skipped",
}


def feed_name(feed: feeds.FeedInfo) -> str:
    """How a feed is named in choices and progress lines: its title, else its URL."""
    return feed.title or feed.url


def private_network_hint() -> None:
    """Tell how to allow a self-hosted feed that failed for its private address."""
    st.info(
        "A feed failed because its address is not public (loopback or a private network). "
        "If it is self-hosted on your network, turn on *Allow private network addresses* in "
        "Settings → Feeds & detection, then refresh it.",
        icon=":material/lan:",
    )


def _progress_line(outcome: FeedOutcome, names: dict[int, str]) -> str:
    shown = STATUS_WORDS.get(outcome.status, outcome.status)
    line = f"{STATUS_MARK.get(outcome.status, '?')} {shown}: "
    line += names.get(outcome.feed_id, outcome.url)
    if outcome.new or outcome.updated:
        line += f" ({outcome.new} new, {outcome.updated} updated)"
    if outcome.message and outcome.status != "failed":  # failures: listed at the end
        line += f" — {outcome.message}"
    return line


def refresh_with_progress(
    ws: Workspace, feed_ids: list[int] | None = None, *, force: bool = False
) -> IngestSummary | None:
    """Refresh with a live status box: one line per feed as it finishes, then the summary."""
    names = {f.id: feed_name(f) for f in feeds.list_feeds(ws)}
    with st.status("Refreshing feeds…", expanded=True) as box:
        bar = st.progress(0.0, text="Starting")

        def progress(done: int, total: int, outcome: FeedOutcome) -> None:
            bar.progress(done / max(total, 1), text=f"{done} of {total} feed(s)")
            st.text(_progress_line(outcome, names))

        summary: IngestSummary | None = run_action(
            lambda: ingest.refresh(ws, feed_ids=feed_ids, force=force, on_progress=progress)
        )
        if summary is None:
            box.update(label="Refresh stopped", state="error", expanded=True)
            return None
        bar.progress(1.0, text="Done")
        st.text(summary.describe())
        failures = summary.failures
        for failure in failures:
            st.text(f"Failed: {names.get(failure.feed_id, failure.url)}: {failure.message}")
        private = ErrorCode.PRIVATE_ADDRESS_REFUSED
        if any(f.code == private for f in failures):
            private_network_hint()
        n_done, n_failed = len(summary.outcomes), len(failures)
        if n_failed:
            box.update(
                label=f"Refreshed {n_done} feed(s): {n_failed} failed", state="error", expanded=True
            )
        else:
            box.update(label=f"Refreshed {n_done} feed(s)", state="complete", expanded=False)
    return summary
