"""An iCalendar (.ics) file of all-day events: planned gives and ask dates in a calendar.

All-day events (``DTSTART;VALUE=DATE``, ``DTEND`` the next day) carry no time zone, so
a deadline is the same day wherever the calendar is opened. icalendar escapes text
values (a newline in a title becomes ``\\n``), so titles cannot inject properties.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event

__all__ = ["DEFAULT_PRODID", "CalendarError", "CalendarEvent", "calendar_ics"]

DEFAULT_PRODID = "-//Give First//Planner//EN"


class CalendarError(ValueError):
    """A calendar event has a missing or unsafe value."""


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """An all-day event of the plan: a give's due date or an ask's target date."""

    #: Stable across exports (e.g. ``give-12@givefirst``) so re-imports update, not duplicate.
    uid: str
    title: str
    day: date
    description: str = ""
    #: http(s) only; anything else is refused.
    url: str = ""


def calendar_ics(
    events: Iterable[CalendarEvent],
    prodid: str = DEFAULT_PRODID,
    *,
    name: str = "Give First plan",
    stamp: datetime | None = None,
) -> bytes:
    """The events as an .ics file.

    Args:
        stamp: DTSTAMP of every event (when the file was made); default 1970-01-01 UTC
            keeps the output reproducible, pass ``now`` for real exports.

    Raises:
        CalendarError: an empty or duplicate uid, an empty title, or a non-http(s) url.
    """
    stamp = stamp or datetime(1970, 1, 1, tzinfo=UTC)
    seen: set[str] = set()
    components = []
    for event in events:
        uid = event.uid.strip()
        if not uid or any(ord(ch) < 32 for ch in uid):
            raise CalendarError(
                f"event {event.title!r}: the uid is empty or has control characters"
            )
        if uid in seen:
            raise CalendarError(f"event uid {uid!r} appears twice")
        seen.add(uid)
        if not event.title.strip():
            raise CalendarError(f"event {uid!r} has no title")
        if event.url and not _is_http(event.url):
            raise CalendarError(f"event {uid!r}: {event.url!r} is not an http(s) address")
        components.append(
            Event.new(
                uid=uid,
                summary=" ".join(event.title.split()),
                start=event.day,
                end=event.day + timedelta(days=1),
                description=event.description or None,
                url=event.url or None,
                stamp=stamp,
            )
        )
    # A fixed calendar UID (derived from its names) keeps the file reproducible.
    calendar_uid = uuid.uuid5(uuid.NAMESPACE_URL, f"{prodid}/{name}")
    calendar = Calendar.new(prodid=prodid, name=name, uid=calendar_uid, subcomponents=components)
    # icalendar's to_ical() is untyped; it returns the file's bytes.
    ical: bytes = calendar.to_ical()
    return ical


def _is_http(url: str) -> bool:
    if any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
