"""The SQLAlchemy schema for every entity of DESIGN.md.

Portable on purpose: no SQLite-only SQL, lists stored as JSON, enums as short strings with
check constraints left to the services (so adding a kind needs no migration). Schema
changes go through Alembic (planner/storage/migrations).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SettingRow(Base):
    """Key/value settings; the model's tunables live under key "model" as one JSON doc."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class ProfileRow(Base):
    __tablename__ = "profile"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    brand: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    domains: Mapped[list[Any]] = mapped_column(JSON, default=list)
    handles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reach: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ContactRow(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        # Resolving a typed name (contacts.find_row: lower(name) = ?) on every write by name.
        Index("ix_contacts_name_lower", func.lower(text("name"))),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    email: Mapped[str] = mapped_column(String(320), default="")
    domains: Mapped[list[Any]] = mapped_column(JSON, default=list)
    handles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    tier: Mapped[str] = mapped_column(String(16), default="network")
    reach: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Set when this contact was merged into another (kept for undo).
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True
    )
    import_batch_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: Where the contact came from: manual, import, guest (a suggested podcast guest), demo.
    source: Mapped[str] = mapped_column(String(16), default="manual", server_default="manual")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class FeedRow(Base):
    __tablename__ = "feeds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="blog")
    owner: Mapped[str] = mapped_column(String(16), default="industry")
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    title: Mapped[str] = mapped_column(String(500), default="")
    site_link: Mapped[str] = mapped_column(String(2000), default="")
    category: Mapped[str] = mapped_column(String(500), default="")
    etag: Mapped[str | None] = mapped_column(String(500), nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(100), nullable=True)
    #: Digest of the last body parsed: the same bytes again skip parsing and writes.
    body_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_fetched_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: The stopping error's :class:`~planner.errors.ErrorCode` (None: none, or one no caller
    #: needs to tell apart), so that callers never read the message.
    last_error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: Backoff after errors / Retry-After: don't fetch before this time.
    next_fetch_after: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: A 429/503 Retry-After from this feed's host: no feed of that host is fetched before.
    host_wait_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: What the feed says about itself, as learning a show profile needs it: its language,
    #: its iTunes author and its channel-level credits ({name, role, href}, like
    #: EntryRow.people).
    language: Mapped[str] = mapped_column(String(20), default="", server_default="")
    itunes_author: Mapped[str] = mapped_column(String(500), default="", server_default="")
    feed_people: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    #: The show profile learned from the feed's entries (ShowProfile.to_json(), the learned
    #: part only) and the user's corrections (ShowCorrections.to_json()), applied on load.
    show_profile: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    show_corrections: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class EntryRow(Base):
    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("feed_id", "guid", name="uq_entries_feed_guid"),
        # Removing a feed deletes its entries, each setting NULL the duplicates that point
        # at it. Partial (NOT NULL only): "duplicate_of_id IS NULL", which ingest and
        # detection ask of nearly every entry, cannot use it, so SQLite never prefers it.
        Index(
            "ix_entries_duplicate_of_id",
            "duplicate_of_id",
            sqlite_where=text("duplicate_of_id IS NOT NULL"),
            postgresql_where=text("duplicate_of_id IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str] = mapped_column(String(2000))
    link: Mapped[str] = mapped_column(String(2000), default="", index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    authors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    summary_text: Mapped[str] = mapped_column(Text, default="")
    content_text: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    anchors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    categories: Mapped[list[Any]] = mapped_column(JSON, default=list)
    enclosure_url: Mapped[str] = mapped_column(String(2000), default="")
    enclosure_type: Mapped[str] = mapped_column(String(200), default="")
    duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    itunes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    people: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    #: The same article already stored from another feed (same link).
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("entries.id", ondelete="SET NULL"), nullable=True
    )
    first_seen_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class InteractionRow(Base):
    """The ledger. ``contact_id`` NULL means the audience."""

    __tablename__ = "interactions"
    __table_args__ = (
        # Covering index for the balances aggregate (see planner.domain.goodwill.growth).
        Index(
            "ix_interactions_balance",
            "contact_id",
            "direction",
            "occurred_on",
            "base",
            "growth",
            "quarter",
        ),
        # The Ledger page: rows from a day on, by direction and kind, counted and paged
        # newest first without reading the rows themselves.
        Index("ix_interactions_listing", "occurred_on", "direction", "kind"),
        # Detection's look-up of the rows typed by hand for an entry chunk's links
        # (link IN (…) AND entry_id IS NULL): with entry_id in it, SQLite prefers it to
        # ix_interactions_entry_id, which matches nearly every row for "IS NULL".
        Index("ix_interactions_link", "link", "entry_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True
    )
    direction: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    occurred_on: Mapped[date] = mapped_column(Date)
    magnitude: Mapped[float] = mapped_column(Float, default=1.0)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    title: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(2000), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    #: weight × magnitude × exposure, undecayed (recomputed when settings or reach change).
    base: Mapped[float] = mapped_column(Float, default=0.0)
    #: base × 2^(days since epoch / half-life): summable into a balance at any date.
    growth: Mapped[float] = mapped_column(Float, default=0.0)
    #: year*4 + quarter index, for the trust rule "gives across quarters".
    quarter: Mapped[int] = mapped_column(Integer, default=0)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("entries.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: ask_id, give_id, request_id are indexed: a give, ask or request deletes or unlinks
    #: its ledger rows when it leaves ``done`` or is deleted.
    ask_id: Mapped[int | None] = mapped_column(
        ForeignKey("asks.id", ondelete="SET NULL"), nullable=True, index=True
    )
    give_id: Mapped[int | None] = mapped_column(
        ForeignKey("planned_gives.id", ondelete="SET NULL"), nullable=True, index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL"), nullable=True, index=True
    )
    import_batch_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class DetectionRow(Base):
    """A contact found in an entry. Direction decides what it means for the ledger."""

    __tablename__ = "detections"
    __table_args__ = (
        UniqueConstraint("entry_id", "contact_id", name="uq_detections_entry_contact"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    #: gave (my feed), received (their feed names me) or context (industry feed).
    direction: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    matched: Mapped[str] = mapped_column(String(500), default="")
    field: Mapped[str] = mapped_column(String(32), default="")
    snippet: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    #: Indexed: deleting a ledger row sets this NULL (ON DELETE SET NULL searches it).
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class GuestSuggestionRow(Base):
    """A guest found in an episode who is not a contact yet."""

    __tablename__ = "guest_suggestions"
    __table_args__ = (UniqueConstraint("entry_id", "name", name="uq_guest_suggestions_entry_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    href: Mapped[str] = mapped_column(String(2000), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    similar_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class PlannedGiveRow(Base):
    __tablename__ = "planned_gives"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    channel: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="idea")
    note: Mapped[str] = mapped_column(Text, default="")
    ask_id: Mapped[int | None] = mapped_column(
        ForeignKey("asks.id", ondelete="SET NULL"), nullable=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL"), nullable=True
    )
    #: When it was marked done (the ledger row carries the same date).
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AskRow(Base):
    __tablename__ = "asks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    cost: Mapped[float] = mapped_column(Float)
    target_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    priority: Mapped[int] = mapped_column(Integer, default=2)
    status: Mapped[str] = mapped_column(String(16), default="idea")
    title: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    #: When the ask went out (for follow-ups).
    sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class RequestRow(Base):
    __tablename__ = "requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    received_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    title: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class OutboxRow(Base):
    """A message to send through the mail account: queued until it goes (the daily limit,
    a failed attempt), then sent. ``message`` is the whole rendered draft; its Message-ID
    is fixed when queued, so a reply names it whichever attempt delivered it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    template: Mapped[str] = mapped_column(String(100), default="")
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text, default="")
    #: The draft's bytes (RFC 5322, as the .eml download), without the X-Unsent marker.
    message: Mapped[bytes] = mapped_column(LargeBinary)
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    #: queued (waits for the next send: the daily limit, or a failed attempt), sent,
    #: cancelled (the user took it back before it went).
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    ask_id: Mapped[int | None] = mapped_column(
        ForeignKey("asks.id", ondelete="SET NULL"), nullable=True, index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL"), nullable=True, index=True
    )
    give_id: Mapped[int | None] = mapped_column(
        ForeignKey("planned_gives.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: The user confirmed sending it although its ask is not ready ("Draft anyway",
    #: ``--anyway``): the confirmation holds for every later attempt.
    anyway: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: The server's answer to the last failed attempt (never a password).
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)


class ExchangeRow(Base):
    """A message between me and a contact, from the mailbox or sent by the app: when,
    which way and its subject (never the body). It counts for keeping in touch and
    carries no goodwill: the ledger is where favours are."""

    __tablename__ = "exchanges"
    __table_args__ = (
        # Reading the same message twice (two folders, two imports) makes one exchange.
        UniqueConstraint("message_id", "contact_id", name="uq_exchanges_message_contact"),
        Index("ix_exchanges_contact_when", "contact_id", "occurred_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    #: sent (from me to them) or received (from them to me).
    direction: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(Text, default="")
    #: The message's Message-ID (angle brackets kept), or a digest of its headers when it
    #: has none, so that it is still recognised when read again.
    message_id: Mapped[str] = mapped_column(String(998), index=True)
    in_reply_to: Mapped[str] = mapped_column(String(998), default="")
    #: What the message is about: the ask, request or give of the draft it is (or answers).
    ask_id: Mapped[int | None] = mapped_column(
        ForeignKey("asks.id", ondelete="SET NULL"), nullable=True, index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL"), nullable=True, index=True
    )
    give_id: Mapped[int | None] = mapped_column(
        ForeignKey("planned_gives.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: The outbox message this is (sent by the app) or answers (a reply to it).
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: app (sent from here), imap, mbox, maildir.
    source: Mapped[str] = mapped_column(String(16), default="imap")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class MailFolderRow(Base):
    """How far a mailbox folder has been read: its UIDVALIDITY and the last UID read, so
    the next read fetches only what is new (a changed UIDVALIDITY reads it all again)."""

    __tablename__ = "mail_folders"
    __table_args__ = (UniqueConstraint("account", "folder", name="uq_mail_folders_account_folder"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: user@host of the IMAP account.
    account: Mapped[str] = mapped_column(String(500))
    folder: Mapped[str] = mapped_column(String(500))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    read_at: Mapped[datetime] = mapped_column(DateTime)


class TemplateRow(Base):
    """A user's outreach template; overrides the built-in of the same name."""

    __tablename__ = "templates"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class UndoRow(Base):
    """What it takes to undo the last import or merge: a JSON snapshot."""

    __tablename__ = "undo_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


#: Tables that describe the database rather than hold the user's data: not backed up,
#: restored, wiped by the demo or exported (all of which walk ``Base.metadata``).
BOOKKEEPING = MetaData(naming_convention=NAMING)

#: One row whose ``version`` every write transaction increments (in the same transaction),
#: whatever process makes it: what a cache of computed views is keyed on, so that nothing
#: is computed twice for the same data and nothing stale survives a write.
DATA_VERSION = Table(
    "data_version",
    BOOKKEEPING,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False, default=0),
)
