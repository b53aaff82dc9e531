"""A mail message as the planner sees it: who wrote to whom, when, about what, and which
message it answers. The body is never read.

Pure: the adapters in :mod:`planner.mail` parse bytes into :class:`MailHeaders`; the
services decide which contact a message is an exchange with and what it answers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime, timedelta
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


#: Reply and forward prefixes in the languages mail clients write them in (English, German
#: AW/WG, Nordic SV, Dutch Antw, French TR), with an optional counter ("Re[2]:", "Re(3):"),
#: behind optional list tags ("[team] Re: …").
_PREFIX = re.compile(
    r"^\s*(?:\[[^\[\]]{0,80}\]\s*)*(?:re|fwd?|aw|sv|wg|antw|tr)\s*(?:\[\d{1,3}\]|\(\d{1,3}\))?\s*[:：]",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: A message sent from another app may carry a Date a little before the draft was made here
#: (clocks differ; the draft's created_at has sub-second precision, a Date has none).
DRAFT_SLACK = timedelta(hours=1)
#: How many References a reply is matched by (the most recent ones: the last in the header).
MAX_REFERENCES = 50


def normalise_subject(subject: str) -> str:
    """A subject as two messages of one thread share it: reply and forward prefixes
    (repeated, and behind list tags) stripped, whitespace collapsed, case folded.

    ``"Re: AW: Fwd:  Guest  spot?"`` → ``"guest spot?"``; ``"[team] Re: Hello"`` →
    ``"hello"``; a tag with no prefix after it stays: ``"[team] Hello"`` → ``"[team] hello"``.
    """
    text = _CONTROL.sub(" ", subject)
    while True:
        found = _PREFIX.match(text)
        if found is None:
            break
        text = text[found.end() :]
    return " ".join(text.split()).casefold()


def synthetic_id(headers: MailHeaders) -> str:
    """A stable Message-ID for a message that has none: a digest of its date, sender,
    recipients and subject, so that reading it again finds the same exchange."""
    when = headers.when.isoformat() if headers.when else ""
    parts = (when, ",".join(headers.from_addrs), ",".join(headers.to_addrs), headers.subject)
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()
    return f"<{digest}@give-first>"


def message_key(headers: MailHeaders) -> str:
    """The id an exchange is stored under: the Message-ID, else :func:`synthetic_id`."""
    return headers.message_id or synthetic_id(headers)


def exchanges_of(
    headers: MailHeaders, mine: Set[str], contacts_by_address: Mapping[str, int]
) -> list[tuple[int, ExchangeDirection]]:
    """Which contacts a message is an exchange with, and which way.

    From one of my addresses: SENT to each contact among the recipients (To, Cc, Bcc), once
    per contact. Otherwise from a contact's address (to me or to anyone: a list, a Cc):
    RECEIVED from that contact. Neither: ``[]``. Addresses are lower-case addr-specs.
    """
    out: list[tuple[int, ExchangeDirection]] = []
    seen: set[int] = set()
    if any(a in mine for a in headers.from_addrs):
        addresses, direction = headers.to_addrs, ExchangeDirection.SENT
    else:
        addresses, direction = headers.from_addrs, ExchangeDirection.RECEIVED
    for address in addresses:
        cid = contacts_by_address.get(address)
        if cid is not None and cid not in seen:
            seen.add(cid)
            out.append((cid, direction))
    return out


def answered_ids(headers: MailHeaders) -> tuple[str, ...]:
    """The Message-IDs a message answers, nearest first: In-Reply-To, then References
    from the last (the parent) back, at most :data:`MAX_REFERENCES` of them, no repeats."""
    out: list[str] = []
    for ref in (headers.in_reply_to, *reversed(headers.references[-MAX_REFERENCES:])):
        if ref and ref not in out:
            out.append(ref)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class DraftRef:
    """A draft made here (an outbox message) as the subject match sees it."""

    outbox_id: int
    contact_id: int
    subject: str
    created_at: datetime


def matching_draft(
    subject: str, when: datetime, drafts: Iterable[DraftRef], *, days: int
) -> DraftRef | None:
    """The draft a message I sent from another app carries: the same normalised subject,
    sent between the draft's making (less :data:`DRAFT_SLACK`) and ``days`` days after it.
    The latest such draft wins (a second draft of the same subject replaces the first);
    None when no draft fits or the subject is empty."""
    wanted = normalise_subject(subject)
    if not wanted:
        return None
    best: DraftRef | None = None
    for draft in drafts:
        if normalise_subject(draft.subject) != wanted:
            continue
        if not draft.created_at - DRAFT_SLACK <= when <= draft.created_at + timedelta(days=days):
            continue
        if best is None or (draft.created_at, draft.outbox_id) > (best.created_at, best.outbox_id):
            best = draft
    return best
