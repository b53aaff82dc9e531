"""A message's headers into :class:`~planner.domain.mail.MailHeaders` (stdlib email only).

Mail is hostile input: broken encodings, impossible dates, ten thousand recipients, NUL
bytes, lines of a megabyte. Every header is read inside its own ``try``: a header that
cannot be read is left out and :func:`parse_headers` never raises; it answers None only
when nothing usable is left (no sender and no recipient).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from planner.domain.mail import MAX_REFERENCES, MailHeaders, synthetic_id
from planner.domain.values import EARLIEST_DATE, LATEST_DATE

__all__ = ["MAX_ADDRESSES", "MAX_SUBJECT", "parse_headers", "synthetic_id"]

#: RFC 5322's line limit; a longer subject is cut there.
MAX_SUBJECT = 998
#: Recipients kept per message (To, Cc and Bcc together); the rest are dropped.
MAX_ADDRESSES = 5_000
_ID = re.compile(r"<[^<>\s]{1,990}>")
_BARE_ID = re.compile(r"^[^<>\s]{1,990}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_ADDRESS = re.compile(r"^[^@\s<>,;\"()\[\]\\]{1,200}@[^@\s<>,;\"()\[\]\\]{1,255}$")
# compat32: the default policy parses Content-Type into header objects on every message
# (a third of the time) for nothing: only raw values are read here.
_PARSER = BytesHeaderParser(policy=compat32)


def _text(value: object) -> str:
    """A raw header value as text: undecodable bytes (kept by the parser as surrogates)
    become U+FFFD, control characters spaces."""
    raw = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return _CONTROL.sub(" ", raw)


def _raw(message: Message, name: str) -> list[str]:
    """Every raw value of header ``name`` (undecoded, as in the message)."""
    wanted = name.lower()
    try:
        return [_text(v) for k, v in message.raw_items() if k.lower() == wanted]
    except Exception:  # hostile input: a header we cannot read is absent
        return []


def _addresses(message: Message, names: tuple[str, ...], limit: int) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for name in names:
        for value in _raw(message, name):
            try:
                pairs = getaddresses([value])
            except Exception:  # a broken address list is skipped
                continue
            for _, addr in pairs:
                addr = addr.strip().lower()
                if _ADDRESS.match(addr):
                    out[addr] = None
                if len(out) >= limit:
                    return tuple(out)
    return tuple(out)


def _first_id(value: str) -> str:
    found = _ID.search(value)
    if found:
        return found.group(0)
    bare = value.strip()
    return f"<{bare}>" if _BARE_ID.match(bare) else ""


def _message_id(message: Message, name: str) -> str:
    for value in _raw(message, name):
        found = _first_id(value)
        if found:
            return found
    return ""


def _references(message: Message) -> tuple[str, ...]:
    ids: list[str] = []
    for value in _raw(message, "References"):
        ids.extend(_ID.findall(value))
    return tuple(ids[-MAX_REFERENCES:])


def _when(message: Message) -> datetime | None:
    for value in _raw(message, "Date"):
        try:
            when = parsedate_to_datetime(value.strip())
        except Exception:  # ValueError, TypeError, IndexError, OverflowError
            continue
        try:
            if when.tzinfo is not None:
                when = when.astimezone(UTC).replace(tzinfo=None)
        except (OverflowError, ValueError):
            continue
        if EARLIEST_DATE <= when.date() <= LATEST_DATE:
            return when
    return None


def _subject(message: Message) -> str:
    values = _raw(message, "Subject")
    if not values:
        return ""
    raw = values[0]
    try:
        decoded = str(make_header(decode_header(raw)))
    except Exception:  # a broken encoded word: keep the raw text
        decoded = raw
    return " ".join(_text(decoded).split())[:MAX_SUBJECT]


def parse_headers(raw: bytes) -> MailHeaders | None:
    """The headers of a message (its header block, or the whole message).

    Addresses are lower-cased addr-specs (display names dropped); To, Cc and Bcc go into
    ``to_addrs`` (at most :data:`MAX_ADDRESSES`). The Date is naive UTC (a date without a
    zone is taken as UTC; a year outside the stored-date window is no date). Message-ID,
    In-Reply-To and References keep their angle brackets. The subject is decoded, unfolded
    and cut at :data:`MAX_SUBJECT` characters. None when there is neither a sender nor a
    recipient; never an exception.
    """
    try:
        message = _PARSER.parsebytes(bytes(raw))
    except Exception:  # the stdlib parser is lenient; this is belt and braces
        return None
    from_addrs = _addresses(message, ("From",), 10)
    to_addrs = _addresses(message, ("To", "Cc", "Bcc"), MAX_ADDRESSES)
    if not from_addrs and not to_addrs:
        return None
    return MailHeaders(
        message_id=_message_id(message, "Message-ID"),
        subject=_subject(message),
        when=_when(message),
        from_addrs=from_addrs,
        to_addrs=to_addrs,
        in_reply_to=_message_id(message, "In-Reply-To"),
        references=_references(message),
    )
