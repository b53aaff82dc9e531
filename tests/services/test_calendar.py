"""The .ics export: parses back with icalendar and holds the demo's open gives and asks."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from planner.cli import main
from planner.services import Workspace, calendar
from planner.storage.schema import AskRow, ContactRow, PlannedGiveRow

OPEN_GIVES = {"idea", "planned"}
OPEN_ASKS = {"idea", "planned", "sent", "accepted"}


def events(data: bytes) -> dict[str, dict[str, object]]:
    cal = Calendar.from_ical(data)
    out = {}
    for event in cal.walk("VEVENT"):
        out[str(event["UID"])] = {
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "description": str(event.get("DESCRIPTION", "")),
        }
    return out


def expected_uids(ws: Workspace, *, include_done: bool = False) -> set[str]:
    with ws.read() as s:
        gives = {
            f"give-{g.id}@give-first"
            for g in s.scalars(select(PlannedGiveRow))
            if g.due_date is not None and (include_done or g.status in OPEN_GIVES)
        }
        asks = {
            f"ask-{a.id}@give-first"
            for a in s.scalars(select(AskRow))
            if a.target_date is not None and (include_done or a.status in OPEN_ASKS)
        }
    return gives | asks


def test_demo_calendar_has_open_gives_and_asks(demo_ws: Workspace) -> None:
    data = calendar.calendar_ics(demo_ws)
    found = events(data)
    assert set(found) == expected_uids(demo_ws)
    # The demo plans 8 open gives and 7 open asks (one ask and two gives are done).
    assert sum(u.startswith("give-") for u in found) == 8
    assert sum(u.startswith("ask-") for u in found) == 7
    for event in found.values():
        start = event["start"]
        assert type(start) is date  # all-day: a DATE, not a DATE-TIME
        assert event["end"] == start + timedelta(days=1)


def test_demo_events_read_like_the_plan(demo_ws: Workspace) -> None:
    found = events(calendar.calendar_ics(demo_ws))
    by_summary = {e["summary"]: e for e in found.values()}
    today = demo_ws.today()

    interview = by_summary["Give: interview — Marcus Webb"]
    assert interview["start"] == today + timedelta(days=20)
    assert "technical SEO" in str(interview["description"])

    report = by_summary["Give: free report — my audience"]
    assert report["start"] == today + timedelta(days=14)

    maya = by_summary["Ask target: promotion — Maya Lindqvist"]
    assert maya["start"] == today + timedelta(days=21)
    assert "Readiness today: ready" in str(maya["description"])

    assert "Ask target: guest post — Marcus Webb" in by_summary
    marcus_post = by_summary["Ask target: guest post — Marcus Webb"]
    assert "over-committed" in str(marcus_post["description"])
    jose = by_summary["Ask target: referral — José Núñez"]
    assert "needs trust level trusted" in str(jose["description"])
    # The audience ask has no contact balance to judge.
    audience = by_summary["Ask target: promotion — my audience"]
    assert "Readiness" not in str(audience["description"])
    # Done items stay out by default.
    assert not any("Theo Brandt" in s for s in by_summary)
    assert not any("Priya Raman" in s for s in by_summary)


def test_include_done_adds_closed_items(demo_ws: Workspace) -> None:
    found = events(calendar.calendar_ics(demo_ws, include_done=True))
    assert set(found) == expected_uids(demo_ws, include_done=True)
    summaries = {e["summary"] for e in found.values()}
    assert "Give: share — Theo Brandt" in summaries
    assert "Ask target: testimonial — Priya Raman" in summaries


def test_uids_are_stable_and_the_file_is_reproducible(demo_ws: Workspace) -> None:
    first = calendar.calendar_ics(demo_ws)
    assert calendar.calendar_ics(demo_ws) == first
    with demo_ws.write() as s:
        give = s.scalars(select(PlannedGiveRow).where(PlannedGiveRow.kind == "interview")).one()
        give.due_date = give.due_date + timedelta(days=3)
        give_uid = f"give-{give.id}@give-first"
    again = events(calendar.calendar_ics(demo_ws))
    assert set(again) == set(events(first))
    assert again[give_uid]["start"] == demo_ws.today() + timedelta(days=23)


def test_hostile_titles_cannot_inject_properties(demo_ws: Workspace) -> None:
    with demo_ws.write() as s:
        contact = s.scalars(select(ContactRow).where(ContactRow.name == "Maya Lindqvist")).one()
        contact.name = "Maya\r\nATTENDEE:mailto:evil@example.com"
        ask = s.scalars(select(AskRow).where(AskRow.contact_id == contact.id)).first()
        assert ask is not None
        ask.title = "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil"
    data = calendar.calendar_ics(demo_ws)
    assert b"\r\nATTENDEE" not in data and b"\r\nUID:evil" not in data
    assert set(events(data)) == expected_uids(demo_ws)


def test_empty_database_gives_an_empty_calendar(ws: Workspace) -> None:
    data = calendar.calendar_ics(ws)
    assert Calendar.from_ical(data).walk("VEVENT") == []
    assert calendar.ics_file_name(ws) == "give-first-plan-2026-11-25.ics"


def test_cli_export_ics(capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path) -> None:
    assert main(["--database", db_url, "demo"]) == 0
    out = tmp_path / "plan.ics"
    assert main(["--database", db_url, "export-ics", "--out", str(out)]) == 0
    capsys.readouterr()
    found = events(out.read_bytes())
    assert len(found) == 15
    assert main(["--database", db_url, "export-ics", "--include-done"]) == 0
    stdout = capsys.readouterr().out
    assert stdout.startswith("BEGIN:VCALENDAR") and len(events(stdout.encode())) == 18
