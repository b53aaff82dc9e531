"""A mail message as the planner sees it: who wrote to whom, when, about what, and which
message it answers. The body is never read.

Pure: the adapters in :mod:`planner.mail` parse bytes into :class:`MailHeaders`; the
services decide which contact a message is an exchange with and what it answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ExchangeDirection(StrEnum):
    """Which way a message went between me and a contact."""

    SENT = "sent"  # from me to them
    RECEIVED = "received"  # from them to me


class ExchangeSource(StrEnum):
    """Where an exchange was learned from."""

    APP = "app"  # sent from the Outreach page or `planner send`
    IMAP = "imap"
    MBOX = "mbox"
    MAILDIR = "maildir"


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class MailHeaders:
    """The headers of one message that the mail loop uses.

    Addresses are lower-cased ``local@domain`` (display names dropped); ``message_id``,
    ``in_reply_to`` and ``references`` keep their angle brackets. ``when`` is naive UTC,
    None when the Date header is missing or unreadable.
    """

    message_id: str
    subject: str
    when: datetime | None
    from_addrs: tuple[str, ...]
    #: To and Cc (Bcc too, on a copy of my own sent message).
    to_addrs: tuple[str, ...]
    in_reply_to: str = ""
    references: tuple[str, ...] = field(default_factory=tuple)
