"""Feeds: add (URL, file, upload, OPML), list, remove, export as OPML.

A feed has a kind (blog, podcast; guessed from the feed when not given) and an owner: me,
a contact, or industry. URLs are checked before anything is stored: only http(s) with a
host. Feeds from disk are added explicitly with :func:`add_file`; a URL is never read as a
path.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planner.domain.model import FeedKind, FeedOwner
from planner.domain.words import moment
from planner.errors import Conflict, ErrorCode, InvalidInput, NotFound
from planner.feeds import netguard, opml
from planner.feeds.errors import FeedError, FetchRefused, PrivateAddressRefused
from planner.feeds.urls import normalize_url
from planner.services.contacts import resolve
from planner.services.workspace import Workspace
from planner.storage.schema import ContactRow, EntryRow, FeedRow

#: Feeds read from disk or an upload carry these pseudo-schemes; only add_file and
#: add_upload create them, never a user-typed URL.
FILE_PREFIX = "file://"
UPLOAD_PREFIX = "upload:"


@dataclass(frozen=True, slots=True)
class FeedInfo:
    id: int
    url: str
    kind: str
    owner: str
    owner_name: str
    contact_id: int | None
    title: str
    entries: int
    last_fetched: str
    last_error: str
    #: The stored error's code (None: no error, or none a caller tells apart).
    failure_code: ErrorCode | None
    error_count: int
    warning: str
    #: When it was last fetched (or read), for the screen (``last_fetched`` is its ISO text).
    fetched_at: datetime | None = None

    @property
    def is_local(self) -> bool:
        """True for a feed read from a file or an upload (never fetched over HTTP)."""
        return self.url.startswith((FILE_PREFIX, UPLOAD_PREFIX))


def _owner(session: Session, owner: str | None) -> tuple[str, int | None]:
    """``me``, ``industry`` or a contact's name → (owner kind, contact id)."""
    raw = (owner or FeedOwner.INDUSTRY).strip()
    if raw.lower() in (FeedOwner.ME, FeedOwner.INDUSTRY):
        return raw.lower(), None
    contact = resolve(session, raw)
    return FeedOwner.CONTACT.value, contact.id


def _kind(kind: str | None) -> str:
    if not kind:
        return ""  # guessed at the first successful parse
    try:
        return FeedKind(kind.strip().lower()).value
    except ValueError:
        raise InvalidInput(f"unknown feed kind {kind!r} (blog or podcast)", field="kind") from None


def _insert(
    ws: Workspace,
    session: Session,
    *,
    url: str,
    kind: str | None,
    owner: str | None,
    title: str = "",
    category: str = "",
) -> FeedRow:
    if session.scalar(select(FeedRow.id).where(FeedRow.url == url)) is not None:
        raise Conflict(f"feed {url} is already in the list")
    owner_kind, contact_id = _owner(session, owner)
    row = FeedRow(
        url=url,
        kind=_kind(kind),
        owner=owner_kind,
        contact_id=contact_id,
        title=title[:500],
        category=category[:500],
        error_count=0,
        created_at=ws.now(),
    )
    session.add(row)
    session.flush()
    return row


class FeedAddressRefused(InvalidInput):
    """A feed URL refused when added because of where its host points; nothing is stored.

    ``private`` is True when the user's settings could allow it (a self-hosted feed on
    loopback or a private network), False for addresses never allowed (cloud metadata…).
    Pages and the CLI tell the user how to allow the first kind, each in its own terms.
    """

    def __init__(self, message: str, *, private: bool) -> None:
        super().__init__(message, field="url")
        self.private = private
        self.code = ErrorCode.PRIVATE_ADDRESS_REFUSED if private else ErrorCode.ADDRESS_REFUSED


def vet_feed_address(url: str, *, allow_private: bool) -> None:
    """Refuse a feed whose host resolves to an address the fetch would refuse anyway.

    The same guard as at connect time (planner.feeds.netguard), run once when the feed is
    added so that a feed that can never be fetched under these settings is not stored
    with an error. A host that does not resolve now is accepted: DNS may be down for a
    moment, and the fetch reports it. The connect-time check stays the real guard (a
    name may resolve elsewhere later).
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = [ip for _family, ip in netguard.resolve(host, port)]
    except (OSError, UnicodeError, ValueError):
        return
    if not addresses:
        return
    try:
        policy = netguard.AddressPolicy(allow_private=allow_private)
        netguard.vet_addresses(url, host, port, addresses, policy)
    except PrivateAddressRefused as error:
        raise FeedAddressRefused(
            f"feed not added: {error}; nothing was stored", private=True
        ) from None
    except FetchRefused as error:
        raise FeedAddressRefused(
            f"feed not added: {error}; nothing was stored", private=False
        ) from None


def add_feed(
    ws: Workspace,
    url: str,
    *,
    kind: str | None = None,
    owner: str | None = None,
    title: str = "",
    vet_address: bool = False,
    allow_private: bool | None = None,
) -> int:
    """Store a feed URL (checked: http/https, a host, no credentials). Returns its id.

    With ``vet_address`` (the Feeds page and ``planner feeds add``), a host that resolves
    to a non-public address is refused with :class:`FeedAddressRefused` and nothing is
    stored, unless ``allow_private`` (default: the allow-private-addresses setting) lets
    self-hosted feeds through. Callers that fetch with their own address policy (the
    tests' allow-list of one loopback port) leave it off.
    """
    try:
        clean = normalize_url(url)
    except FeedError as error:
        raise InvalidInput(str(error), field="url") from None
    if vet_address:
        # The user's other mistakes (kind, owner) first: they are cheaper to find than a
        # DNS lookup, and fixing them does not depend on a setting.
        _kind(kind)
        with ws.read() as s:
            _owner(s, owner)
        allowed = ws.settings().allow_private_addresses if allow_private is None else allow_private
        vet_feed_address(clean, allow_private=allowed)
    with ws.write() as s:
        return _insert(ws, s, url=clean, kind=kind, owner=owner, title=title).id


def stored_code(value: str | None) -> ErrorCode | None:
    """A stored error code back as an :class:`ErrorCode` (None: none, or one this version
    does not know)."""
    try:
        return ErrorCode(value) if value else None
    except ValueError:
        return None


def add_file(
    ws: Workspace, path: str | Path, *, kind: str | None = None, owner: str | None = None
) -> int:
    """Store a feed saved on disk; refreshing it re-reads the file."""
    file = Path(path).expanduser().resolve()
    if not file.is_file():
        raise InvalidInput(f"{path} is not a readable file", field="path")
    with ws.write() as s:
        return _insert(ws, s, url=file.as_uri(), kind=kind, owner=owner).id


def upload_file_name(name: str) -> str:
    """An uploaded file's name as its feed's URL keeps it (printable, at most 200 chars)."""
    return "".join(c for c in Path(name).name if c.isprintable())[:200] or "feed.xml"


def uploaded_file_name(url: str) -> str:
    """``upload:12/cast.xml`` → ``cast.xml`` (the name the file was uploaded with)."""
    return url[len(UPLOAD_PREFIX) :].split("/", 1)[-1]


def add_upload(
    ws: Workspace, name: str, *, kind: str | None = None, owner: str | None = None
) -> int:
    """Store a feed uploaded in the app (its bytes are ingested once, by the caller)."""
    safe = upload_file_name(name)
    with ws.write() as s:
        # Named after its own id, so two uploads never share a URL (a count of feeds
        # would repeat after a removal). The title comes from the feed when it is read.
        row = _insert(ws, s, url=f"{UPLOAD_PREFIX}new/{uuid.uuid4().hex}", kind=kind, owner=owner)
        row.url = f"{UPLOAD_PREFIX}{row.id}/{safe}"
        return row.id


def remove_feed(ws: Workspace, feed_id: int) -> str:
    """Delete a feed and its entries; ledger rows it created stay (history is kept)."""
    with ws.write() as s:
        row = s.get(FeedRow, feed_id)
        if row is None:
            raise NotFound(f"no feed with id {feed_id}")
        url = row.url
        s.delete(row)
    return url


def update_feed(
    ws: Workspace,
    feed_id: int,
    *,
    kind: str | None = None,
    owner: str | None = None,
    title: str | None = None,
) -> None:
    """Change a feed's kind, owner or title (None keeps it). An empty title is refused: a
    feed is named by it in every list (the title a feed gives is kept when it is read)."""
    with ws.write() as s:
        row = s.get(FeedRow, feed_id)
        if row is None:
            raise NotFound(f"no feed with id {feed_id}")
        if title is not None:
            clean = " ".join(title.split())
            if not clean:
                raise InvalidInput("the feed's title must not be empty", field="title")
            if len(clean) > 500:
                raise InvalidInput(
                    "the feed's title is too long (500 characters at most)", field="title"
                )
            row.title = clean
        if kind is not None:
            row.kind = _kind(kind)
        if owner is not None:
            row.owner, row.contact_id = _owner(s, owner)


def list_feeds(ws: Workspace) -> list[FeedInfo]:
    with ws.read() as s:
        counts = dict(
            s.execute(select(EntryRow.feed_id, func.count()).group_by(EntryRow.feed_id)).all()
        )
        names = dict(s.execute(select(ContactRow.id, ContactRow.name)).all())
        out = []
        for r in s.scalars(select(FeedRow).order_by(FeedRow.id)):
            owner_name = r.owner
            if r.owner == FeedOwner.CONTACT:
                owner_name = names.get(r.contact_id, "") if r.contact_id is not None else ""
            out.append(
                FeedInfo(
                    id=r.id,
                    url=r.url,
                    kind=r.kind or "?",
                    owner=r.owner,
                    owner_name=owner_name,
                    contact_id=r.contact_id,
                    title=r.title,
                    entries=counts.get(r.id, 0),
                    last_fetched=r.last_fetched_at.isoformat(timespec="seconds")
                    if r.last_fetched_at
                    else "",
                    last_error=r.last_error or "",
                    failure_code=stored_code(r.last_error_code),
                    error_count=r.error_count,
                    warning=r.warning or "",
                    fetched_at=r.last_fetched_at,
                )
            )
    return out


def feeds_frame(ws: Workspace, **_: object) -> pd.DataFrame:
    """id, url, kind, owner, title, entries, last_fetched, last_error."""
    rows = [
        {
            "id": f.id,
            "url": f.url,
            "kind": f.kind,
            "owner": f.owner_name,
            "title": f.title,
            "entries": f.entries,
            "last_fetched": f.last_fetched,
            "last_error": f.last_error,
        }
        for f in list_feeds(ws)
    ]
    return pd.DataFrame(
        rows,
        columns=["id", "url", "kind", "owner", "title", "entries", "last_fetched", "last_error"],
    )


def entries_frame(ws: Workspace, *, feed_id: int | None = None, **_: object) -> pd.DataFrame:
    """id, feed_id, guid, title, link, published, people (names joined with |)."""
    with ws.read() as s:
        query = select(
            EntryRow.id,
            EntryRow.feed_id,
            EntryRow.guid,
            EntryRow.title,
            EntryRow.link,
            EntryRow.published,
            EntryRow.people,
        )
        if feed_id is not None:
            if s.get(FeedRow, feed_id) is None:
                raise NotFound(f"no feed with id {feed_id}")
            query = query.where(EntryRow.feed_id == feed_id)
        rows = [
            {
                "id": eid,
                "feed_id": fid,
                "guid": guid,
                "title": title,
                "link": link,
                "published": published.isoformat() if published else "",
                "people": _people(people),
            }
            for eid, fid, guid, title, link, published, people in s.execute(
                query.order_by(EntryRow.feed_id, EntryRow.published.desc(), EntryRow.id)
            )
        ]
    return pd.DataFrame(
        rows, columns=["id", "feed_id", "guid", "title", "link", "published", "people"]
    )


def _people(people: object) -> str:
    """podcast:person credits as "Name (role)" joined with |."""
    return "|".join(
        f"{p.get('name', '')} ({p.get('role', '')})"
        for p in (people if isinstance(people, list) else [])
        if isinstance(p, dict)
    )


@dataclass(frozen=True, slots=True)
class EntryInfo:
    id: int
    title: str
    published: str
    link: str
    people: str
    text: str
    duplicate_of_id: int | None


def list_entries(
    ws: Workspace, feed_id: int, *, limit: int = 500, offset: int = 0
) -> list[EntryInfo]:
    """A feed's entries, newest first, with their plain text (content, else summary);
    ``limit`` and ``offset`` page them in the database."""
    with ws.read() as s:
        if s.get(FeedRow, feed_id) is None:
            raise NotFound(f"no feed with id {feed_id}")
        rows = s.execute(
            select(
                EntryRow.id,
                EntryRow.title,
                EntryRow.published,
                EntryRow.link,
                EntryRow.people,
                EntryRow.content_text,
                EntryRow.summary_text,
                EntryRow.duplicate_of_id,
            )
            .where(EntryRow.feed_id == feed_id)
            .order_by(EntryRow.published.desc().nulls_last(), EntryRow.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
    return [
        EntryInfo(
            id=eid,
            title=title or "",
            published=moment(published),
            link=link or "",
            people=_people(people),
            text=content or summary or "",
            duplicate_of_id=duplicate_of,
        )
        for eid, title, published, link, people, content, summary, duplicate_of in rows
    ]


@dataclass(frozen=True, slots=True)
class OpmlImport:
    added: int
    skipped: list[str]

    def describe(self) -> str:
        text = f"added {self.added} feed(s)"
        if self.skipped:
            text += f"; skipped {len(self.skipped)}: " + "; ".join(self.skipped[:10])
        return text


def import_opml(ws: Workspace, data: bytes, *, owner: str | None = None) -> OpmlImport:
    """Add every feed of an OPML file; already-listed and invalid URLs are skipped, named."""
    try:
        report = opml.read_opml_report(data)
    except FeedError as error:
        raise InvalidInput(str(error)) from None
    items = report.feeds
    added = 0
    # Outlines the reader refused (not http(s), credentials, listed twice) are named too.
    skipped: list[str] = [f"{url or '(no URL)'}: {why}" for url, why in report.skipped]
    with ws.write() as s:
        for item in items:
            try:
                url = normalize_url(item.url)
            except FeedError as error:
                skipped.append(f"{item.url}: {error}")
                continue
            if s.scalar(select(FeedRow.id).where(FeedRow.url == url)) is not None:
                skipped.append(f"{url}: already in the list")
                continue
            kind = item.kind_hint if item.kind_hint in ("blog", "podcast") else None
            _insert(
                ws,
                s,
                url=url,
                kind=kind,
                owner=owner,
                title=item.title,
                category="/".join(item.category_path),
            )
            added += 1
    return OpmlImport(added, skipped)


def export_opml(ws: Workspace) -> bytes:
    """Every http(s) feed as OPML 2.0, nested by category."""
    feeds = [f for f in list_feeds(ws) if not f.is_local]
    with ws.read() as s:
        categories = dict(s.execute(select(FeedRow.id, FeedRow.category)).all())
    items = [
        opml.OpmlFeed(
            url=f.url,
            title=f.title or f.url,
            category_path=tuple(p for p in (categories.get(f.id) or "").split("/") if p),
            kind_hint=f.kind if f.kind in ("blog", "podcast") else "",
        )
        for f in feeds
    ]
    return opml.write_opml(items, title="Give First feeds", now=ws.clock())
