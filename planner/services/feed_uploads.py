"""Read an uploaded feed file: into a new feed or an earlier upload, in one call.

A new feed is created for the upload only to hold what the file gives; when the file
cannot be read the feed is removed again, so a failed upload leaves nothing behind.
"""

from __future__ import annotations

from planner.services import feeds, ingest
from planner.services.ingest import FeedOutcome
from planner.services.workspace import Workspace


def read_upload(
    ws: Workspace,
    name: str,
    data: bytes,
    *,
    into: int | None = None,
    kind: str | None = None,
    owner: str | None = None,
) -> FeedOutcome:
    """Store the entries of an uploaded feed file and return how it went.

    ``into`` is an earlier upload's feed id to read the new file into; None makes a new
    feed named after ``name`` (with ``kind`` and ``owner``). A new feed whose file fails
    (status "failed", or an error raised) is removed again before returning or raising.
    """
    if into is not None:
        return ingest.ingest_bytes(ws, into, data)
    feed_id = feeds.add_upload(ws, name, kind=kind, owner=owner)
    try:
        outcome = ingest.ingest_bytes(ws, feed_id, data)
    except Exception:  # the error is the caller's; the empty feed is ours to remove
        feeds.remove_feed(ws, feed_id)
        raise
    if outcome.status == "failed":  # nothing readable: do not keep an empty feed
        feeds.remove_feed(ws, feed_id)
    return outcome
