"""The .ics export: all-day events that parse back, with text that cannot inject."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from planner.files.ics import DEFAULT_PRODID, CalendarError, CalendarEvent, calendar_ics

EVENTS = [
    CalendarEvent(
        uid="give-1@givefirst",
        title="Interview Jane Doe",
        day=date(2026, 12, 3),
        description="Ep 43 recording.\nSend questions first; bring coffee, cake",
        url="https://givefirst.example/ep43",
    ),
    CalendarEvent(uid="ask-7@givefirst", title="Ask: share the Kit", day=date(2026, 12, 31)),
]


def test_calendar_parses_back_with_all_day_events() -> None:
    data = calendar_ics(EVENTS)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    calendar = Calendar.from_ical(data)
    assert str(calendar["PRODID"]) == DEFAULT_PRODID
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["give-1@givefirst", "ask-7@givefirst"]
    first = events[0]
    assert first.start == date(2026, 12, 3) and first.end == date(2026, 12, 4)
    assert not isinstance(first.start, datetime)  # all-day: a DATE, no time zone
    assert str(first["SUMMARY"]) == "Interview Jane Doe"
    assert str(first["DESCRIPTION"]) == EVENTS[0].description
    assert str(first["URL"]) == "https://givefirst.example/ep43"
    assert "URL" not in events[1] and "DESCRIPTION" not in events[1]


def test_output_is_reproducible_unless_stamped() -> None:
    assert calendar_ics(EVENTS) == calendar_ics(EVENTS)
    stamped = Calendar.from_ical(calendar_ics(EVENTS, stamp=datetime(2026, 11, 25, tzinfo=UTC)))
    assert stamped.walk("VEVENT")[0]["DTSTAMP"].dt == datetime(2026, 11, 25, tzinfo=UTC)


def test_text_cannot_inject_properties_or_components() -> None:
    evil = CalendarEvent(
        uid="x@givefirst",
        title="Hi\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected",
        day=date(2026, 12, 1),
        description="a\r\nATTENDEE:mailto:victim@evil.example",
    )
    calendar = Calendar.from_ical(calendar_ics([evil]))
    events = calendar.walk("VEVENT")
    assert len(events) == 1 and "ATTENDEE" not in events[0]
    assert "injected" in str(events[0]["SUMMARY"])  # kept as text, on one line


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (CalendarEvent(uid="", title="t", day=date(2026, 1, 1)), "uid"),
        (CalendarEvent(uid="a\nb", title="t", day=date(2026, 1, 1)), "uid"),
        (CalendarEvent(uid="a", title="  ", day=date(2026, 1, 1)), "no title"),
        (CalendarEvent(uid="a", title="t", day=date(2026, 1, 1), url="javascript:x"), "http"),
    ],
)
def test_bad_events_are_refused(event: CalendarEvent, message: str) -> None:
    with pytest.raises(CalendarError, match=message):
        calendar_ics([event])


def test_duplicate_uids_are_refused() -> None:
    with pytest.raises(CalendarError, match="twice"):
        calendar_ics([EVENTS[0], EVENTS[0]])


def test_empty_calendar_is_valid() -> None:
    assert Calendar.from_ical(calendar_ics([])).walk("VEVENT") == []
