"""Refreshing feeds: fetch, parse, store entries idempotently, hand new ones to detection.

* Unchanged feeds cost almost nothing: a 304, or the same bytes as last time (digest),
  means no parsing and no entry writes.
* Entries are keyed by (feed, guid); a changed entry (different content hash) is updated,
  never duplicated. The same article in two feeds (same link) is marked as a duplicate of
  the first so it is detected once.
* One feed's failure never stops the others: the error, the count of consecutive failures
  and when are stored on the feed, with a backoff before the next try (or the server's
  Retry-After). That holds for a failure of any kind — an exception while parsing, storing
  or detecting (a bug, a bad entry) is that feed's error too, never the run's.
* Each feed is stored in its own transaction: a feed that fails half-way stores nothing.
* An entry dated outside the stored-date window, or more than two days after it was
  fetched, is kept without its date (as an undated entry is) and the feed gets a warning
  naming it (planner.domain.values.published_problem).
* Every new or changed entry is handed to the workspace's entry hooks
  (:attr:`Workspace.entry_hooks`: detection, installed when the workspace is opened).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urlsplit

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from planner.domain import values
from planner.domain.entry import ParsedEntry, ParsedFeed
from planner.domain.model import FeedKind, Settings
from planner.domain.words import moment
from planner.errors import ErrorCode, NotFound
from planner.feeds.errors import FeedError, FetchTooLarge, HTTPStatusError, PrivateAddressRefused
from planner.feeds.fetch import FetchOptions, FetchRequest, FetchResult, fetch_many
from planner.feeds.isolate import parse_feed_auto
from planner.services.feeds import FILE_PREFIX, UPLOAD_PREFIX
from planner.services.workspace import STORED_ENTRIES, Workspace
from planner.storage.convert import entry_values
from planner.storage.schema import EntryRow, FeedRow

log = logging.getLogger(__name__)

# Declarative tables are Tables; SQLAlchemy types ``__table__`` as the wider FromClause.
_ENTRIES = cast(Table, EntryRow.__table__)

#: Backoff after consecutive failures: 15 min, 30 min, 1 h, … capped at a day.
BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_CAP = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What refreshing one feed did: its status, new and updated entries, a message."""

    feed_id: int
    url: str
    status: str  # fetched | unchanged | failed | skipped
    new: int = 0
    updated: int = 0
    message: str = ""
    #: Why it failed, for callers to branch on (None: succeeded, or nothing to tell apart).
    code: ErrorCode | None = None
    #: Why it was skipped: one of SKIP_WORDS' keys ("" when it was not).
    skipped_for: str = ""


#: Why a feed was not fetched, as the summary says it.
SKIP_WORDS = {
    "backoff": "backing off",
    "upload": "uploaded file",
    "host_wait": "host asked to wait",
}


@dataclass
class IngestSummary:
    """The outcomes of a refresh, one per feed, with totals."""

    outcomes: list[FeedOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many feeds ended with ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def new_entries(self) -> int:
        """Entries stored for the first time, over all feeds."""
        return sum(o.new for o in self.outcomes)

    @property
    def updated_entries(self) -> int:
        """Stored entries whose content changed, over all feeds."""
        return sum(o.updated for o in self.outcomes)

    @property
    def failures(self) -> list[FeedOutcome]:
        """The feeds that failed."""
        return [o for o in self.outcomes if o.status == "failed"]

    def describe(self) -> str:
        """The summary in words, for the CLI and the pages."""
        text = (
            f"fetched {self.count('fetched')}, unchanged {self.count('unchanged')}, "
            f"failed {self.count('failed')}, new entries {self.new_entries}, "
            f"updated entries {self.updated_entries}"
        )
        skipped = [o.skipped_for for o in self.outcomes if o.status == "skipped"]
        if not skipped:
            return text
        reasons = [
            f"{skipped.count(key)} {shown}" if len(set(skipped)) > 1 else shown
            for key, shown in SKIP_WORDS.items()
            if key in skipped
        ]
        return text + f", skipped {len(skipped)} ({', '.join(reasons)})"


Progress = Callable[[int, int, FeedOutcome], None]


def fetch_options(settings: Settings, *, allow_private: bool | None = None) -> FetchOptions:
    """The fetch limits from the settings (``allow_private`` overrides them)."""
    return FetchOptions(
        total_deadline=settings.fetch_timeout_seconds,
        max_bytes=settings.fetch_max_bytes,
        allow_private=settings.allow_private_addresses if allow_private is None else allow_private,
    )


def refresh(
    ws: Workspace,
    *,
    feed_ids: Sequence[int] | None = None,
    allow_private: bool | None = None,
    force: bool = False,
    on_progress: Progress | None = None,
    options: FetchOptions | None = None,
    max_workers: int = 4,
) -> IngestSummary:
    """Refresh all feeds (or some): fetch in parallel, then store each feed's entries.

    Feeds backing off after errors are skipped unless ``force`` or named in ``feed_ids``.
    """
    opts = options or fetch_options(ws.settings(), allow_private=allow_private)
    now = ws.now()
    feeds = _feeds_to_refresh(ws, feed_ids)
    summary = IngestSummary()
    total = len(feeds)

    def report(outcome: FeedOutcome) -> None:
        summary.outcomes.append(outcome)
        if on_progress:
            on_progress(len(summary.outcomes), total, outcome)

    host_waits = _rate_limited_hosts(feeds, now)
    remote: list[FeedRow] = []
    for feed in feeds:
        outcome = _without_fetching(ws, feed, opts, now, host_waits, forced=force or bool(feed_ids))
        if outcome is None:
            remote.append(feed)
        else:
            report(outcome)

    by_url = {f.url: f for f in remote}

    def fetched(
        _done: int, _total: int, request: FetchRequest, outcome: FetchResult | FeedError
    ) -> None:
        feed = by_url[request.url]
        if isinstance(outcome, FeedError):
            report(_guarded(ws, feed.id, feed.url, lambda: _record_failure(ws, feed.id, outcome)))
        else:
            report(_guarded(ws, feed.id, feed.url, lambda: _store_fetch(ws, feed.id, outcome)))

    fetch_many(
        [FetchRequest(f.url, f.etag, f.last_modified) for f in remote],
        opts,
        max_workers=max_workers,
        on_progress=fetched,
    )
    return summary


def _feeds_to_refresh(ws: Workspace, feed_ids: Sequence[int] | None) -> list[FeedRow]:
    """The feeds named (every one must exist), or all of them, in id order."""
    with ws.read() as s:
        query = select(FeedRow).order_by(FeedRow.id)
        if feed_ids:
            query = query.where(FeedRow.id.in_(list(feed_ids)))
        feeds = list(s.scalars(query))
    if feed_ids and len(feeds) != len(set(feed_ids)):
        missing = sorted(set(feed_ids) - {f.id for f in feeds})
        raise NotFound(f"no feed with id {', '.join(map(str, missing))}")
    return feeds


def _without_fetching(
    ws: Workspace,
    feed: FeedRow,
    opts: FetchOptions,
    now: datetime,
    host_waits: dict[str, datetime],
    *,
    forced: bool,
) -> FeedOutcome | None:
    """The outcome of a feed refreshed without the network (an uploaded or local file, or
    one that waits), or None for a feed to fetch."""
    if feed.url.startswith(UPLOAD_PREFIX):
        message = "uploaded file: upload it again to refresh"
        return FeedOutcome(feed.id, feed.url, "skipped", message=message, skipped_for="upload")
    if feed.url.startswith(FILE_PREFIX):
        return _guarded(ws, feed.id, feed.url, functools.partial(_ingest_file, ws, feed))
    if forced:
        return None
    if (
        feed.next_fetch_after
        and feed.next_fetch_after > now
        and not _refusal_now_allowed(feed, opts)
    ):
        message = f"backing off until {moment(feed.next_fetch_after)}"
        return FeedOutcome(feed.id, feed.url, "skipped", message=message, skipped_for="backoff")
    host = _netloc(feed.url)
    if host in host_waits:
        message = f"{host} asked to wait (Retry-After) until {moment(host_waits[host])}"
        return FeedOutcome(feed.id, feed.url, "skipped", message=message, skipped_for="host_wait")
    return None


def _ingest_file(ws: Workspace, feed: FeedRow) -> FeedOutcome:
    # A file:// feed comes from `planner feeds add-file`, or from a restored backup, which
    # may name anything: read regular files only (never /dev/zero, a FIFO or a socket) and
    # no more than the fetch size cap (THREATS F1, F5).
    path = Path(unquote(urlsplit(feed.url).path))
    limit = ws.settings().fetch_max_bytes
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat decides on what
        # was opened, not on what the path named a moment before.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                failure = FeedError(feed.url, f"cannot read {path}: not a regular file")
                return _record_failure(ws, feed.id, failure)
            body = handle.read(limit + 1)
    except OSError as error:
        failure = FeedError(feed.url, f"cannot read {path}: {error.strerror}")
        return _record_failure(ws, feed.id, failure)
    if len(body) > limit:
        failure = FetchTooLarge(feed.url, f"too large: {path} exceeds {limit} bytes", limit=limit)
        return _record_failure(ws, feed.id, failure)
    return store_body(ws, feed.id, body)


def ingest_bytes(ws: Workspace, feed_id: int, body: bytes) -> FeedOutcome:
    """Parse and store a feed's bytes that came from an upload."""
    with ws.read() as s:
        url = _feed(s, feed_id).url
    return _guarded(ws, feed_id, url, lambda: store_body(ws, feed_id, body))


def _guarded(ws: Workspace, feed_id: int, url: str, work: Callable[[], FeedOutcome]) -> FeedOutcome:
    """Run one feed's work; whatever it raises becomes that feed's stored failure.

    The work's own transaction has rolled back by then (nothing of it is stored), so the
    failure is recorded in a fresh one, with the usual backoff. Only when even that cannot
    be written is the failure reported without being stored; the run still goes on.
    """
    try:
        return work()
    except Exception as error:  # a bug or a bad entry in one feed must not sink the others
        log.exception("unexpected error ingesting %s", url)
        failure = FeedError(url, f"unexpected error: {type(error).__name__}: {error}"[:2000])
        failure.__cause__ = error
        try:
            return _record_failure(ws, feed_id, failure)
        except Exception as again:  # e.g. the database is gone or the feed was removed
            log.exception("could not store the failure of %s", url)
            message = f"{failure} (not stored: {type(again).__name__}: {again})"
            return FeedOutcome(feed_id, url, "failed", message=message[:2000])


def _store_fetch(ws: Workspace, feed_id: int, result: FetchResult) -> FeedOutcome:
    if result.not_modified:
        with ws.write() as s:
            feed = _feed(s, feed_id)
            _mark_ok(ws, feed)
            _catch_up_show_profile(ws, s, feed)
            return FeedOutcome(feed.id, feed.url, "unchanged", message="not modified (304)")
    return store_body(
        ws,
        feed_id,
        result.body,
        headers=result.headers,
        etag=result.etag,
        last_modified=result.last_modified,
    )


def store_body(
    ws: Workspace,
    feed_id: int,
    body: bytes,
    *,
    headers: dict[str, str] | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FeedOutcome:
    """Parse ``body`` unless it is the same as last time, then store its entries."""
    digest = hashlib.sha256(body).hexdigest()
    with ws.read() as s:
        feed = _feed(s, feed_id)
        unchanged = feed.body_hash == digest and feed.last_error is None
        url = feed.url
    if unchanged:
        with ws.write() as s:
            feed = _feed(s, feed_id)
            feed.etag, feed.last_modified = etag or feed.etag, last_modified or feed.last_modified
            _mark_ok(ws, feed)
            _catch_up_show_profile(ws, s, feed)
        return FeedOutcome(feed_id, url, "unchanged", message="same content as last time")
    settings = ws.settings()
    try:
        parsed = parse_feed_auto(
            body, url=url, headers=headers or {}, max_entries=settings.max_entries_per_feed
        )
    except FeedError as error:
        return _record_failure(ws, feed_id, error)
    parsed, dates_note = undate_impossible_entries(parsed, ws.now())
    warning = "; ".join(w for w in (parsed.warning, dates_note) if w)
    with ws.write() as s:
        feed = _feed(s, feed_id)
        new_ids, updated_ids = _store_entries(ws, s, feed, parsed)
        _apply_feed_fields(feed, parsed)
        feed.body_hash = digest
        feed.etag, feed.last_modified = etag, last_modified
        feed.warning = warning or None
        _mark_ok(ws, feed)
        changed = new_ids + updated_ids
        try:
            if changed:
                _run_entry_hooks(ws, s, feed, changed)
        finally:
            s.info.pop(STORED_ENTRIES, None)
        message = f"warning: {warning}" if warning else ""
        return FeedOutcome(feed.id, feed.url, "fetched", len(new_ids), len(updated_ids), message)


def _catch_up_show_profile(ws: Workspace, session: Session, feed: FeedRow) -> None:
    """A podcast stored before show profiles existed has none until it brings a new
    episode: its unchanged refresh hands all its entries to the hooks once instead, so
    its profile is learned and its guests read with it."""
    if feed.kind != FeedKind.PODCAST.value or feed.show_profile is not None:
        return
    ids = list(
        session.scalars(
            select(EntryRow.id)
            .where(EntryRow.feed_id == feed.id, EntryRow.duplicate_of_id.is_(None))
            .order_by(EntryRow.id)
        )
    )
    if ids:
        _run_entry_hooks(ws, session, feed, ids)


def _run_entry_hooks(ws: Workspace, session: Session, feed: FeedRow, entry_ids: list[int]) -> None:
    """Hand new or changed entries to the workspace's hooks (detection), in the feed's
    transaction: a hook that fails fails the feed."""
    for hook in ws.entry_hooks:
        hook(ws, session, feed, entry_ids)


#: How many entries a dropped-dates warning names before it only counts the rest.
NAMED_UNDATED = 3


def undate_impossible_entries(parsed: ParsedFeed, fetched_at: datetime) -> tuple[ParsedFeed, str]:
    """Drop dates no published entry can have; return the feed and a warning naming them.

    An entry dated outside planner.domain.values' window (``<pubDate>`` in 9999) or more
    than two days after ``fetched_at`` is kept, undated: detection then dates its ledger
    row like any undated entry's, instead of refusing it or crashing the goodwill maths.
    Its content hash changes with the date, so when a later fetch brings a sane date the
    entry is updated with it.
    """
    kept: list[ParsedEntry] = []
    notes: list[str] = []
    for entry in parsed.entries:
        problem = values.published_problem(entry.published, fetched_at) if entry.published else None
        if problem is None:
            kept.append(entry)
            continue
        name = entry.title or entry.link or entry.guid
        notes.append(f"date dropped from entry {name[:80]!r}: {problem}")
        digest = hashlib.sha256(f"{entry.content_hash}\x1fundated".encode()).hexdigest()
        kept.append(dataclasses.replace(entry, published=None, content_hash=digest))
    if not notes:
        return parsed, ""
    note = "; ".join(notes[:NAMED_UNDATED])
    if len(notes) > NAMED_UNDATED:
        note += f"; dates dropped from {len(notes) - NAMED_UNDATED} more entries"
    return dataclasses.replace(parsed, entries=tuple(kept)), note


def _apply_feed_fields(feed: FeedRow, parsed: ParsedFeed) -> None:
    if parsed.title and not feed.title:
        feed.title = parsed.title[:500]
    if parsed.link:
        feed.site_link = parsed.link[:2000]
    if not feed.kind:
        feed.kind = parsed.kind_guess if parsed.kind_guess in ("blog", "podcast") else "blog"
    # what learning the show's profile reads (planner.services.shows): set only when it
    # differs, so an unchanged channel writes nothing
    language = (parsed.extra.get("language") or "").strip()[:20]
    author = (parsed.extra.get("itunes_author") or "").strip()[:500]
    people = [{"name": p.name, "role": p.role, "href": p.href} for p in parsed.people]
    if feed.language != language:
        feed.language = language
    if feed.itunes_author != author:
        feed.itunes_author = author
    if (feed.feed_people or []) != people:
        feed.feed_people = people


def _store_entries(
    ws: Workspace, session: Session, feed: FeedRow, parsed: ParsedFeed
) -> tuple[list[int], list[int]]:
    """Insert new entries, update changed ones; return their ids (new, updated).

    What was written is left in ``session.info[STORED_ENTRIES]`` for the entry hooks."""
    existing = {
        guid: (eid, digest)
        for eid, guid, digest in session.execute(
            select(EntryRow.id, EntryRow.guid, EntryRow.content_hash).where(
                EntryRow.feed_id == feed.id
            )
        ).all()
    }
    now = ws.now()
    inserts: list[dict[str, object]] = []
    updates: list[dict[str, object]] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        guid = entry.guid[:2000]
        if guid in seen:  # a feed repeating a guid: the first occurrence wins
            continue
        seen.add(guid)
        values = entry_values(entry, feed.id, now)
        if guid not in existing:
            inserts.append({**values, "first_seen_at": now})
        elif existing[guid][1] != entry.content_hash:
            updates.append({**values, "id": existing[guid][0]})
    session.info[STORED_ENTRIES] = (
        feed.id,
        {str(v["guid"]): v for rows in (inserts, updates) for v in rows},
    )
    new_ids: list[int] = []
    if inserts:
        # a Core insert of the plain dicts (one executemany): the ORM's bulk insert
        # gathered each row's parameters again in Python, and nothing loads these rows
        table = _ENTRIES
        new_ids = list(session.scalars(insert(table).returning(table.c.id), inserts))
        _mark_duplicates(session, feed.id, new_ids)
    if updates:
        session.execute(update(EntryRow), updates)
    return new_ids, [int(u["id"]) for u in updates]  # type: ignore[call-overload]


def _mark_duplicates(session: Session, feed_id: int, entry_ids: list[int]) -> None:
    """Point entries whose link another feed already stored at that first entry."""
    links = dict(
        session.execute(
            select(EntryRow.id, EntryRow.link).where(
                EntryRow.id.in_(entry_ids), EntryRow.link != ""
            )
        ).all()
    )
    if not links:
        return
    firsts = dict(
        session.execute(
            select(EntryRow.link, EntryRow.id)
            .where(
                EntryRow.link.in_(set(links.values())),
                EntryRow.feed_id != feed_id,
                EntryRow.duplicate_of_id.is_(None),
            )
            .order_by(EntryRow.id.desc())
        ).all()
    )
    dupes = [
        {"id": eid, "duplicate_of_id": firsts[link]}
        for eid, link in links.items()
        if link in firsts
    ]
    if dupes:
        session.execute(update(EntryRow), dupes)


def _feed(session: Session, feed_id: int) -> FeedRow:
    feed = session.get(FeedRow, feed_id)
    if feed is None:
        raise NotFound(f"no feed with id {feed_id}")
    return feed


def _mark_ok(ws: Workspace, feed: FeedRow) -> None:
    feed.last_fetched_at = ws.now()
    feed.last_error = None
    feed.last_error_code = None
    feed.last_error_at = None
    feed.error_count = 0
    feed.next_fetch_after = None
    feed.host_wait_until = None


def _netloc(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _rate_limited_hosts(feeds: Sequence[FeedRow], now: datetime) -> dict[str, datetime]:
    """Hosts (host:port) whose last 429/503 asked us, with Retry-After, to wait past ``now``.

    A rate limit is the server's, not one feed's: the other feeds on that host wait too
    (THREATS F6). The wait is the Retry-After itself (capped when fetched), counted from
    the answer, not the feed's own backoff.
    """
    waits: dict[str, datetime] = {}
    for feed in feeds:
        until, host = feed.host_wait_until, _netloc(feed.url)
        if until is not None and until > now and host:
            waits[host] = max(until, waits.get(host, until))
    return waits


def _refusal_now_allowed(feed: FeedRow, opts: FetchOptions) -> bool:
    """A feed that backs off because the settings refused its private address (stored by
    a version that still backed such feeds off) is fetched at once when they now allow it."""
    return opts.allow_private and feed.last_error_code == ErrorCode.PRIVATE_ADDRESS_REFUSED


def refused_by_settings(error: FeedError, feed_url: str) -> bool:
    """True for a fetch the user's own settings refused rather than a server failing it:
    the feed's own host is private and private addresses are not allowed, or the body is
    larger than the size cap. Such a refusal is stored (and shown) but never backed off
    from. A public feed that redirects into a private network is the server's doing and
    backs off like any failure."""
    if isinstance(error, PrivateAddressRefused):
        return error.is_first_hop(feed_url)
    return isinstance(error, FetchTooLarge)


def _record_failure(ws: Workspace, feed_id: int, error: FeedError) -> FeedOutcome:
    """Store ``error`` on the feed with the next backoff (a fresh transaction)."""
    now = ws.now()
    with ws.write() as s:
        feed = _feed(s, feed_id)
        feed.error_count = (feed.error_count or 0) + 1
        if refused_by_settings(error, feed.url):
            # The user's own settings refused it: not a server failure, so no back-off:
            # changing the setting (Settings, --allow-private) fetches it at once.
            _store_error(feed, error, now)
            feed.last_fetched_at = now
            feed.next_fetch_after = None
            feed.host_wait_until = None
            return FeedOutcome(feed.id, feed.url, "failed", message=str(error), code=error.code)
        _store_error(feed, error, now)
        feed.last_fetched_at = now
        wait = min(BACKOFF_BASE * 2 ** (feed.error_count - 1), BACKOFF_CAP)
        retry_after = getattr(error, "retry_after", None)
        if isinstance(error, HTTPStatusError) and retry_after:
            feed.host_wait_until = now + timedelta(seconds=float(retry_after))
            wait = max(wait, timedelta(seconds=float(retry_after)))
        else:
            feed.host_wait_until = None
        feed.next_fetch_after = now + wait
        return FeedOutcome(feed.id, feed.url, "failed", message=str(error), code=error.code)


def _store_error(feed: FeedRow, error: FeedError, now: datetime) -> None:
    feed.last_error = str(error)[:2000]
    feed.last_error_code = error.code.value if error.code else None
    feed.last_error_at = now
