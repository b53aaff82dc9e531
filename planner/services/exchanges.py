"""Exchanges: the messages between me and a contact, learned from the mailbox (IMAP, an
mbox file, a Maildir folder) or sent by the app. Each is a date, a direction and a subject
on the contact's timeline (the body is never stored); it counts for keeping in touch
(merged into the balances' ``last_on`` by :mod:`planner.services.balances`) and carries no goodwill.

Who is who:

* **My addresses** are the profile's e-mail and the mail account's IMAP and SMTP user
  names when they are addresses (``me@example.org``; a bare login like ``me`` is not).
  Addresses at my profile's domains are *not* mine: a colleague at my company is not me.
* **A contact's addresses** are the ``email`` of every contact neither archived nor merged
  (split on commas, semicolons and spaces, lower-cased). An address that is mine is never
  a contact's; an address two contacts share goes to the older contact.

Reading is idempotent: an exchange is stored once per (Message-ID, contact), a message
without a Message-ID under a digest of its headers (:func:`planner.domain.mail.synthetic_id`).

Replies: a received message whose In-Reply-To or References names a message the app sent
(an outbox Message-ID) or an exchange with an ask, request or give, *from the same contact*,
gets that exchange's "about"; a sent ask becomes replied. A message I sent from another
mail app is matched to a queued or sent draft of the same contact by its subject
(:func:`planner.domain.mail.matching_draft`, within the mail settings' ``match_days``): it
gets the draft's about, a queued draft becomes sent on that date and an ask still an idea
or planned becomes sent. Its reply then matches through its real Message-ID.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice

import pandas as pd
from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import Session

from planner.domain.mail import (
    DraftRef,
    ExchangeDirection,
    ExchangeSource,
    MailHeaders,
    OutboxStatus,
    answered_ids,
    exchanges_of,
    matching_draft,
    message_key,
)
from planner.domain.model import AskStatus
from planner.errors import NotFound
from planner.services import asks as asks_service
from planner.services import mail_settings
from planner.services.workspace import Workspace
from planner.storage.schema import AskRow, ContactRow, ExchangeRow, OutboxRow

_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
_SPLIT = re.compile(r"[,;\s]+")
#: Ids per IN (…) list: well under SQLite's and PostgreSQL's parameter limits.
_IN_CHUNK = 500


@dataclass(slots=True)
class RecordSummary:
    """What one reading did. ``added`` and ``known`` count exchanges (a message to three
    contacts is three); ``read``, ``not_about_contact`` and ``unreadable`` count messages;
    ``replies`` counts received exchanges matched to what they answer."""

    read: int = 0
    added: int = 0
    known: int = 0
    not_about_contact: int = 0
    replies: int = 0
    #: Messages with neither a sender nor a recipient that could be read.
    unreadable: int = 0

    def line(self) -> str:
        """``read 200, exchanges added 180, already known 0, not about a contact 20``; the
        replies matched and the unreadable messages are added only when there are some."""
        out = (
            f"read {self.read}, exchanges added {self.added}, already known {self.known}, "
            f"not about a contact {self.not_about_contact}"
        )
        if self.replies:
            out += f", replies matched {self.replies}"
        if self.unreadable:
            out += f", unreadable {self.unreadable}"
        return out


@dataclass(frozen=True, slots=True)
class About:
    """What an exchange is about: the ask, request or give of a draft, and the draft."""

    ask_id: int | None = None
    request_id: int | None = None
    give_id: int | None = None
    outbox_id: int | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.ask_id, self.request_id, self.give_id))

    def label(self) -> str:
        """``"ask 3"``, ``"request 5"``, ``"give 7"`` or ``""``."""
        for word, value in (
            ("ask", self.ask_id),
            ("request", self.request_id),
            ("give", self.give_id),
        ):
            if value is not None:
                return f"{word} {value}"
        return ""

    def columns(self) -> dict[str, int | None]:
        return {
            "ask_id": self.ask_id,
            "request_id": self.request_id,
            "give_id": self.give_id,
            "outbox_id": self.outbox_id,
        }


NOTHING = About()


def _about_of(row: OutboxRow | ExchangeRow) -> About:
    outbox_id = row.id if isinstance(row, OutboxRow) else row.outbox_id
    return About(row.ask_id, row.request_id, row.give_id, outbox_id)


@dataclass(frozen=True, slots=True)
class People:
    """Whose addresses are whose, for one reading."""

    mine: frozenset[str]
    by_address: dict[str, int]
    match_days: int


def _addresses(value: str) -> list[str]:
    return [a for a in _SPLIT.split(value.strip().lower()) if _ADDRESS.match(a)]


def people(ws: Workspace) -> People:
    """My addresses and every active contact's (see the module docstring)."""
    config = mail_settings.load(ws)
    with ws.read() as s:
        mine = set(_addresses(ws.profile(s).email))
        for server in (config.imap, config.smtp):
            mine.update(_addresses(server.username))
        by_address: dict[str, int] = {}
        rows = s.execute(
            select(ContactRow.id, ContactRow.email)
            .where(ContactRow.archived.is_(False), ContactRow.merged_into_id.is_(None))
            .where(ContactRow.email != "")
            .order_by(ContactRow.id)
        )
        for cid, email in rows:
            for address in _addresses(email or ""):
                if address not in mine:
                    by_address.setdefault(address, cid)
    return People(frozenset(mine), by_address, config.match_days)


@dataclass(slots=True)
class _Item:
    """One exchange to store: a message and one contact it is with."""

    key: str
    contact_id: int
    direction: ExchangeDirection
    headers: MailHeaders
    when: datetime
    about: About = field(default=NOTHING)


def _chunks(values: Iterable[MailHeaders | None], size: int) -> Iterator[list[MailHeaders | None]]:
    it = iter(values)
    while chunk := list(islice(it, size)):
        yield chunk


def _in_chunks(values: Iterable[object]) -> Iterator[list[object]]:
    ordered = list(dict.fromkeys(values))
    for start in range(0, len(ordered), _IN_CHUNK):
        yield ordered[start : start + _IN_CHUNK]


def record(
    ws: Workspace,
    messages: Iterable[MailHeaders | None],
    *,
    source: ExchangeSource | str,
    progress: Callable[[int], None] | None = None,
    batch: int = 1000,
) -> RecordSummary:
    """Store the exchanges of ``messages`` (None: a message that could not be read).

    One transaction per ``batch`` messages, so memory stays bounded and a failure keeps
    the batches before it. ``progress`` is called after each batch with the messages read
    so far. Reading the same messages again adds nothing (they count as already known).
    """
    kind = ExchangeSource(source)
    who = people(ws)
    summary = RecordSummary()
    for chunk in _chunks(messages, max(1, batch)):
        with ws.write() as s:
            record_batch(s, ws, chunk, who, kind, summary)
        if progress is not None:
            progress(summary.read)
    return summary


def _items(
    ws: Workspace, chunk: Sequence[MailHeaders | None], who: People, summary: RecordSummary
) -> list[_Item]:
    items: list[_Item] = []
    for headers in chunk:
        summary.read += 1
        if headers is None:
            summary.unreadable += 1
            continue
        pairs = exchanges_of(headers, who.mine, who.by_address)
        if not pairs:
            summary.not_about_contact += 1
            continue
        key = message_key(headers)
        when = headers.when or ws.now()
        items.extend(_Item(key, cid, way, headers, when) for cid, way in pairs)
    return items


def record_batch(
    s: Session,
    ws: Workspace,
    chunk: Sequence[MailHeaders | None],
    who: People,
    source: ExchangeSource,
    summary: RecordSummary,
) -> None:
    """Record one batch in the caller's transaction ``s`` (which may write more with it,
    as the IMAP read writes the folder's last UID), adding to ``summary``."""
    items = _items(ws, chunk, who, summary)
    if not items:
        return
    seen = _existing(s, [i.key for i in items])
    new: list[_Item] = []
    for item in items:
        if (item.key, item.contact_id) in seen:
            summary.known += 1
            continue
        seen.add((item.key, item.contact_id))
        new.append(item)
    sent = [i for i in new if i.direction is ExchangeDirection.SENT]
    received = [i for i in new if i.direction is ExchangeDirection.RECEIVED]
    linked = _about_sent(s, ws, sent, who.match_days)
    _about_received(s, ws, received, linked, summary)
    if new:
        s.execute(insert(ExchangeRow), [_values(i, source, ws.now()) for i in new])
        summary.added += len(new)
    if linked:
        _link_earlier_replies(s, ws, linked, summary)


def _values(item: _Item, source: ExchangeSource, now: datetime) -> dict[str, object]:
    return {
        "contact_id": item.contact_id,
        "occurred_at": item.when,
        "direction": item.direction.value,
        "subject": item.headers.subject,
        "message_id": item.key,
        "in_reply_to": item.headers.in_reply_to,
        "source": source.value,
        "created_at": now,
        **item.about.columns(),
    }


def _existing(s: Session, keys: Iterable[str]) -> set[tuple[str, int]]:
    out: set[tuple[str, int]] = set()
    for part in _in_chunks(keys):
        query = select(ExchangeRow.message_id, ExchangeRow.contact_id).where(
            ExchangeRow.message_id.in_(part)
        )
        out.update((mid, cid) for mid, cid in s.execute(query))
    return out


def _outbox_by_message_id(s: Session, ids: Iterable[str]) -> dict[str, OutboxRow]:
    out: dict[str, OutboxRow] = {}
    for part in _in_chunks(ids):
        out.update(
            (r.message_id, r)
            for r in s.scalars(select(OutboxRow).where(OutboxRow.message_id.in_(part)))
        )
    return out


def _drafts(s: Session, contact_ids: Iterable[int]) -> dict[int, list[OutboxRow]]:
    out: dict[int, list[OutboxRow]] = {}
    wanted = (OutboxStatus.QUEUED.value, OutboxStatus.SENT.value)
    for part in _in_chunks(contact_ids):
        query = select(OutboxRow).where(
            OutboxRow.contact_id.in_(part), OutboxRow.status.in_(wanted)
        )
        for row in s.scalars(query):
            out.setdefault(row.contact_id, []).append(row)
    return out


def _day(ws: Workspace, when: datetime) -> date:
    """The day of a message for an ask's status: never after today (a Date header from a
    clock ahead of ours)."""
    return min(when.date(), ws.today())


def _about_sent(
    s: Session, ws: Workspace, sent: list[_Item], match_days: int
) -> dict[tuple[str, int], About]:
    """Set the about of my sent messages: the app's own (its outbox Message-ID) or one sent
    from another app that matches a draft by subject. Returns the linked ones by key."""
    linked: dict[tuple[str, int], About] = {}
    if not sent:
        return linked
    own = _outbox_by_message_id(s, [i.key for i in sent])
    others = [i for i in sent if i.key not in own]
    drafts = _drafts(s, [i.contact_id for i in others]) if others else {}
    for item in sent:
        row = own.get(item.key)
        if row is not None:
            _settle(s, ws, row, item)
        elif item.contact_id in drafts:
            row = _match_draft(s, ws, item, drafts[item.contact_id], match_days)
        if row is not None and row.contact_id == item.contact_id:
            item.about = _about_of(row)
            linked[(item.key, item.contact_id)] = item.about
    return linked


def _match_draft(
    s: Session, ws: Workspace, item: _Item, rows: list[OutboxRow], match_days: int
) -> OutboxRow | None:
    refs = [DraftRef(r.id, r.contact_id, r.subject, r.created_at) for r in rows]
    found = matching_draft(item.headers.subject, item.when, refs, days=match_days)
    if found is None:
        return None
    row = next(r for r in rows if r.id == found.outbox_id)
    _settle(s, ws, row, item)
    return row


def _settle(s: Session, ws: Workspace, row: OutboxRow, item: _Item) -> None:
    """A draft of the outbox is in my sent mail: it went (sent from another app, or by a
    send that was stopped before it could record it), and so did its ask."""
    if row.status in (OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value):
        row.status = OutboxStatus.SENT.value
        row.sent_at = item.when
    if row.ask_id is not None:
        ask = s.get(AskRow, row.ask_id)
        if ask is not None and ask.status in (AskStatus.IDEA.value, AskStatus.PLANNED.value):
            asks_service.set_status_in(ws, s, ask, AskStatus.SENT, _day(ws, item.when))


def _answered(
    s: Session, refs: Iterable[str], linked: dict[tuple[str, int], About]
) -> dict[tuple[str, int], About]:
    """(Message-ID, contact) → about, for every referenced message with an about: outbox
    messages, stored exchanges and this batch's linked sent messages."""
    ids = list(dict.fromkeys(refs))
    out: dict[tuple[str, int], About] = {}
    for row in _outbox_by_message_id(s, ids).values():
        out[(row.message_id, row.contact_id)] = _about_of(row)
    has_about = or_(
        ExchangeRow.ask_id.is_not(None),
        ExchangeRow.request_id.is_not(None),
        ExchangeRow.give_id.is_not(None),
        ExchangeRow.outbox_id.is_not(None),
    )
    for part in _in_chunks(ids):
        query = select(ExchangeRow).where(ExchangeRow.message_id.in_(part), has_about)
        for ex in s.scalars(query):
            out.setdefault((ex.message_id, ex.contact_id), _about_of(ex))
    out.update(linked)
    return out


def _about_received(
    s: Session,
    ws: Workspace,
    received: list[_Item],
    linked: dict[tuple[str, int], About],
    summary: RecordSummary,
) -> None:
    """Match received messages to what they answer (same contact) and mark asks replied."""
    refs = {i.key: answered_ids(i.headers) for i in received}
    wanted = [r for ids in refs.values() for r in ids]
    if not wanted:
        return
    known = _answered(s, wanted, linked)
    for item in received:
        for ref in refs[item.key]:
            about = known.get((ref, item.contact_id))
            if about is not None:
                item.about = about
                summary.replies += 1
                _mark_replied(s, ws, about, item.when)
                break


def _mark_replied(s: Session, ws: Workspace, about: About, when: datetime) -> None:
    if about.ask_id is None:
        return
    ask = s.get(AskRow, about.ask_id)
    if ask is not None and ask.status == AskStatus.SENT.value:
        asks_service.set_status_in(ws, s, ask, AskStatus.REPLIED, _day(ws, when))


def _link_earlier_replies(
    s: Session, ws: Workspace, linked: dict[tuple[str, int], About], summary: RecordSummary
) -> None:
    """Replies read before the message they answer (the Inbox imported before Sent): a
    stored received exchange whose In-Reply-To is a message just linked gets its about."""
    keys = [key for key, _cid in linked]
    bare = and_(
        ExchangeRow.ask_id.is_(None),
        ExchangeRow.request_id.is_(None),
        ExchangeRow.give_id.is_(None),
        ExchangeRow.outbox_id.is_(None),
    )
    for part in _in_chunks(keys):
        query = select(ExchangeRow).where(
            ExchangeRow.in_reply_to.in_(part),
            ExchangeRow.direction == ExchangeDirection.RECEIVED.value,
            bare,
        )
        for ex in s.scalars(query):
            about = linked.get((ex.in_reply_to, ex.contact_id))
            if about is None:
                continue
            for name, value in about.columns().items():
                setattr(ex, name, value)
            summary.replies += 1
            _mark_replied(s, ws, about, ex.occurred_at)


def record_sent(session: Session, ws: Workspace, *, outbox_id: int, when: datetime) -> None:
    """The app's own sent message (outbox row ``outbox_id``) as a sent exchange at ``when``
    (naive UTC), about what the draft is about, source app. Idempotent: a second call, or
    reading the message back from the Sent folder, adds nothing (an exchange already there
    without an about gets the draft's)."""
    row = session.get(OutboxRow, outbox_id)
    if row is None:
        raise NotFound(f"no outbox message with id {outbox_id}")
    about = _about_of(row)
    existing = session.scalars(
        select(ExchangeRow).where(
            ExchangeRow.message_id == row.message_id, ExchangeRow.contact_id == row.contact_id
        )
    ).first()
    if existing is not None:
        if existing.outbox_id is None:
            for name, value in about.columns().items():
                setattr(existing, name, value)
        return
    session.add(
        ExchangeRow(
            contact_id=row.contact_id,
            occurred_at=when,
            direction=ExchangeDirection.SENT.value,
            subject=row.subject,
            message_id=row.message_id,
            in_reply_to="",
            source=ExchangeSource.APP.value,
            created_at=ws.now(),
            **about.columns(),
        )
    )
    session.flush()


@dataclass(frozen=True, slots=True)
class ExchangeView:
    """One exchange as a page shows it (the subject is mail text: data, never markup)."""

    id: int
    contact_id: int
    contact: str
    when: datetime
    direction: ExchangeDirection
    subject: str
    about: str
    ask_id: int | None
    request_id: int | None
    give_id: int | None
    outbox_id: int | None
    source: str
    message_id: str


def _views(ws: Workspace, *where: object) -> list[ExchangeView]:
    query = (
        select(ExchangeRow, ContactRow.name)
        .join(ContactRow, ContactRow.id == ExchangeRow.contact_id)
        .where(*where)  # type: ignore[arg-type]
        .order_by(ExchangeRow.occurred_at.desc(), ExchangeRow.id.desc())
    )
    with ws.read() as s:
        return [
            ExchangeView(
                id=ex.id,
                contact_id=ex.contact_id,
                contact=name,
                when=ex.occurred_at,
                direction=ExchangeDirection(ex.direction),
                subject=ex.subject,
                about=_about_of(ex).label(),
                ask_id=ex.ask_id,
                request_id=ex.request_id,
                give_id=ex.give_id,
                outbox_id=ex.outbox_id,
                source=ex.source,
                message_id=ex.message_id,
            )
            for ex, name in s.execute(query)
        ]


def for_contact(ws: Workspace, contact_id: int) -> list[ExchangeView]:
    """A contact's exchanges, newest first."""
    return _views(ws, ExchangeRow.contact_id == contact_id)


def for_ask(ws: Workspace, ask_id: int) -> list[ExchangeView]:
    """The exchanges about an ask (its draft sent, the replies), newest first."""
    return _views(ws, ExchangeRow.ask_id == ask_id)


def for_request(ws: Workspace, request_id: int) -> list[ExchangeView]:
    """The exchanges about a request, newest first."""
    return _views(ws, ExchangeRow.request_id == request_id)


def replied_asks(ws: Workspace) -> dict[int, datetime]:
    """Ask id → the time of the first reply received about it."""
    query = (
        select(ExchangeRow.ask_id, func.min(ExchangeRow.occurred_at))
        .where(
            ExchangeRow.ask_id.is_not(None),
            ExchangeRow.direction == ExchangeDirection.RECEIVED.value,
        )
        .group_by(ExchangeRow.ask_id)
    )
    with ws.read() as s:
        return {aid: when for aid, when in s.execute(query) if aid is not None}


EXPORT_COLUMNS = ["contact", "date", "direction", "subject", "message_id", "in_reply_to", "about"]


def export_frame(ws: Workspace, **_: object) -> pd.DataFrame:
    """Every exchange, oldest first: ``contact, date`` (ISO, UTC, to the second),
    ``direction`` (sent, received), ``subject, message_id, in_reply_to, about`` ("ask 3",
    "request 5", "give 7" or empty)."""
    query = (
        select(ExchangeRow, ContactRow.name)
        .join(ContactRow, ContactRow.id == ExchangeRow.contact_id)
        .order_by(ExchangeRow.occurred_at, ExchangeRow.id)
    )
    with ws.read() as s:
        rows = [
            {
                "contact": name,
                "date": ex.occurred_at.isoformat(sep=" ", timespec="seconds"),
                "direction": ex.direction,
                "subject": ex.subject,
                "message_id": ex.message_id,
                "in_reply_to": ex.in_reply_to,
                "about": _about_of(ex).label(),
            }
            for ex, name in s.execute(query)
        ]
    return pd.DataFrame(rows, columns=EXPORT_COLUMNS)
