"""Read an uploaded feed file: into a new feed or an earlier upload, in one call.

The same upload is recognised as the same feed, never a second one (a second feed would
log every guest episode in it again):

* the same bytes (the digest of the last file read into an uploaded feed, ``body_hash``)
  are that feed, whatever the file is called now;
* otherwise a file of the same name as an earlier upload's is a newer version of that
  file and is read into its feed: its entries are updated by guid, not added again;
* only a file matching neither makes a new feed.

A new feed is created for the upload only to hold what the file gives; when the file
cannot be read the feed is removed again, so a failed upload leaves nothing behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from planner.services import feeds, ingest
from planner.services.ingest import FeedOutcome
from planner.services.workspace import Workspace
from planner.storage.schema import FeedRow


@dataclass(frozen=True, slots=True)
class UploadMatch:
    """An earlier upload the file is recognised as: its feed and why (content or name)."""

    feed_id: int
    by: str  # "content" | "name"


def match_upload(ws: Workspace, name: str, data: bytes) -> UploadMatch | None:
    """The earlier uploaded feed this file is, by content first, then by name; or None."""
    digest = hashlib.sha256(data).hexdigest()
    wanted = feeds.upload_file_name(name)
    with ws.read() as s:
        rows = s.execute(
            select(FeedRow.id, FeedRow.url, FeedRow.body_hash)
            .where(FeedRow.url.startswith(feeds.UPLOAD_PREFIX, autoescape=True))
            .order_by(FeedRow.id)
        ).all()
    for feed_id, _url, body_hash in rows:
        if body_hash == digest:
            return UploadMatch(feed_id, "content")
    for feed_id, url, _hash in rows:
        if feeds.uploaded_file_name(url) == wanted:
            return UploadMatch(feed_id, "name")
    return None


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

    ``into`` is an earlier upload's feed id to read the new file into; None reads it into
    the earlier upload it is recognised as (:func:`match_upload`), else makes a new feed
    named after ``name`` (with ``kind`` and ``owner``). A new feed whose file fails
    (status "failed", or an error raised) is removed again before returning or raising.
    """
    if into is None:
        match = match_upload(ws, name, data)
        into = match.feed_id if match else None
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
