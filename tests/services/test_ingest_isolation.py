"""One feed's failure of any kind never stops a refresh (issue 13).

An exception while parsing, storing or detecting one feed — a bug, or an entry nobody
foresaw — is stored on that feed with its message and backoff, that feed's transaction is
rolled back (no half-stored entries), the other feeds are ingested, and ``planner ingest``
exits 0 and prints the failure. An entry with an impossible date (``<pubDate>`` in 9999, or
days after the fetch) is kept without its date and named in a warning on its feed.

Feeds come from the loopback server of tests/feeds/httpserver.py, with the ``/doc/NAME``
route of tests/services/test_ingest.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from planner.feeds.errors import FeedError
from planner.services import Workspace, contacts, detections, feeds, ingest, ledger
from planner.services import settings as settings_service
from planner.services.contacts import ContactInput
from planner.services.detections import run as detection_run
from planner.storage.schema import EntryRow, FeedRow
from tests.conftest import TODAY, fixed_clock
from tests.conftest import run_cli as cli
from tests.services.test_ingest import Loopback, Servers, doc_servers, fresh_loopback

#: The clock of every workspace here (tests.conftest): noon UTC of TODAY, stored naive.
NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 12)


@pytest.fixture(scope="module")
def _server() -> Iterator[Servers]:
    with doc_servers() as servers:
        yield servers


@pytest.fixture
def net(_server: Servers) -> Loopback:
    return fresh_loopback(_server)


def rss(*items: tuple[str, str, str], title: str = "Doc feed") -> bytes:
    """RSS with (guid, pubDate, description) items; an empty pubDate leaves it out."""
    body = "".join(
        f"<item><guid>{g}</guid><title>Post {g}</title><link>https://doc.example/{g}</link>"
        + (f"<pubDate>{when}</pubDate>" if when else "")
        + f"<description>{text}</description></item>"
        for g, when, text in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://doc.example/</link>{body}</channel></rss>"
    ).encode()


DAY = "Tue, 17 Nov 2026 09:30:00 GMT"


def feed_row(ws: Workspace, feed_id: int) -> FeedRow:
    with ws.read() as s:
        row = s.get(FeedRow, feed_id)
        assert row is not None
        return row


def guids(ws: Workspace, feed_id: int) -> list[str]:
    with ws.read() as s:
        query = select(EntryRow.guid).where(EntryRow.feed_id == feed_id).order_by(EntryRow.guid)
        return list(s.scalars(query))


def entry(ws: Workspace, guid: str) -> EntryRow:
    with ws.read() as s:
        row = s.scalars(select(EntryRow).where(EntryRow.guid == guid)).one()
        return row


def _crash_in(where: str, monkeypatch: pytest.MonkeyPatch, crashing_url: str) -> None:
    """Make one feed fail at ``where``: its parse, the storing of its entry "boom", or the
    detection of that entry (after the feed's entries were inserted: they must roll back)."""
    if where == "parse":
        real_parse = ingest.parse_feed_auto

        def parse(body: bytes, url: str = "", *args: Any, **kwargs: Any) -> Any:
            if url == crashing_url:
                raise ValueError("boom in the parser")
            return real_parse(body, url, *args, **kwargs)

        monkeypatch.setattr(ingest, "parse_feed_auto", parse)
    elif where == "store":
        real_values = ingest.entry_values

        def values(entry: Any, feed_id: int, now: datetime) -> dict[str, object]:
            if entry.guid == "boom":
                raise KeyError("boom in storage")
            return real_values(entry, feed_id, now)

        monkeypatch.setattr(ingest, "entry_values", values)
    else:
        real_parsed = detection_run.parsed_entry

        def parsed(row: EntryRow) -> Any:
            if row.guid == "boom":
                raise RuntimeError("boom in detection")
            return real_parsed(row)

        monkeypatch.setattr(detection_run, "parsed_entry", parsed)


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("parse", "unexpected error: ValueError: boom in the parser"),
        ("store", "unexpected error: KeyError: 'boom in storage'"),
        ("detect", "unexpected error: RuntimeError: boom in detection"),
    ],
)
def test_a_crashing_feed_among_several_fails_alone_and_ingest_exits_0(
    capsys: pytest.CaptureFixture[str],
    db_url: str,
    ws: Workspace,
    net: Loopback,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    message: str,
) -> None:
    contacts.add(ws, ContactInput(name="Jane Doe"))
    first = feeds.add_feed(ws, net.serve("first", rss(("a1", DAY, "Jane Doe on pricing"))))
    crashing_url = net.serve(
        "crashing", rss(("b1", DAY, "fine"), ("boom", DAY, "Jane Doe"), ("b3", DAY, "fine"))
    )
    crashing = feeds.add_feed(ws, crashing_url, owner="me")
    third = feeds.add_feed(ws, net.serve("third", rss(("c1", DAY, "one"), ("c2", "", "two"))))
    missing = feeds.add_feed(ws, net.url("/404"))
    _crash_in(where, monkeypatch, crashing_url)

    code, out, err = cli(capsys, db_url, "ingest", "--allow-private")

    assert code == 0, err
    assert out.splitlines()[0] == (
        "fetched 2, unchanged 0, failed 2, new entries 3, updated entries 0"
    )
    assert f"  failed: feed {crashing} {crashing_url}: {message}" in out
    assert f"  failed: feed {missing} {net.url('/404')}: HTTP 404 Not Found" in out
    # the others are all in; the crashing feed stored nothing (its transaction rolled back)
    assert guids(ws, first) == ["a1"]
    assert guids(ws, third) == ["c1", "c2"]
    assert guids(ws, crashing) == []
    row = feed_row(ws, crashing)
    assert (row.last_error, row.error_count) == (message, 1)
    assert row.last_error_at == NOW
    assert row.next_fetch_after == NOW + ingest.BACKOFF_BASE  # rests 15 minutes
    assert row.body_hash is None  # so the next try parses it again
    assert feed_row(ws, first).last_error is None
    info = {f.id: f for f in feeds.list_feeds(ws)}
    assert info[crashing].last_error == message  # what the Feeds page shows

    # the next run skips it while it backs off and succeeds once the bug is gone
    code, out, _ = cli(capsys, db_url, "ingest", "--allow-private")
    assert code == 0 and ", skipped 2 (backing off)" in out.splitlines()[0]
    monkeypatch.undo()
    code, out, _ = cli(capsys, db_url, "ingest", "--allow-private", "--force")
    assert code == 0
    assert guids(ws, crashing) == ["b1", "b3", "boom"]
    assert (feed_row(ws, crashing).last_error, feed_row(ws, crashing).error_count) == (None, 0)


def test_a_failure_that_cannot_even_be_stored_is_still_reported(
    ws: Workspace, net: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = feeds.add_feed(ws, net.serve("good", rss(("g1", DAY, "fine"))))
    bad_url = net.serve("bad", rss(("boom", DAY, "x")))
    bad = feeds.add_feed(ws, bad_url)
    _crash_in("store", monkeypatch, bad_url)
    real_record = ingest._record_failure

    def record(ws: Workspace, feed_id: int, error: FeedError) -> ingest.FeedOutcome:
        if feed_id == bad:
            raise OSError("database went away")
        return real_record(ws, feed_id, error)

    monkeypatch.setattr(ingest, "_record_failure", record)
    summary = ingest.refresh(ws, options=net.options())
    failed = [o for o in summary.outcomes if o.status == "failed"]
    assert [(o.feed_id, o.message) for o in failed] == [
        (
            bad,
            "unexpected error: KeyError: 'boom in storage' "
            "(not stored: OSError: database went away)",
        )
    ]
    assert guids(ws, good) == ["g1"]


def test_an_uploaded_feed_that_crashes_is_a_failed_outcome_not_an_exception(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_id = feeds.add_upload(ws, "upload.xml")
    _crash_in("store", monkeypatch, "")
    outcome = ingest.ingest_bytes(ws, feed_id, rss(("boom", DAY, "x")))
    assert (outcome.status, outcome.message) == (
        "failed",
        "unexpected error: KeyError: 'boom in storage'",
    )
    assert guids(ws, feed_id) == []


# --------------------------------------------------------------------------- dates


def test_an_entry_dated_9999_in_a_contacts_feed_is_kept_undated_with_a_warning(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, net: Loopback
) -> None:
    settings_service.save_profile(ws, name="Sam Sender", domains=["sam.example"])
    jane = contacts.add(ws, ContactInput(name="Jane Doe"))
    janes = net.serve(
        "janes",
        rss(
            ("far", "Fri, 31 Dec 9999 10:00:00 GMT", "My interview with Sam Sender"),
            ("ok", DAY, "a post"),
        ),
    )
    janes_id = feeds.add_feed(ws, janes, owner="Jane Doe")
    other = feeds.add_feed(ws, net.serve("other", rss(("o1", DAY, "one"))))
    after = feeds.add_feed(ws, net.serve("after", rss(("z1", DAY, "last"))))

    code, out, err = cli(capsys, db_url, "ingest", "--allow-private")

    assert code == 0, err
    assert out.splitlines()[0] == (
        "fetched 3, unchanged 0, failed 0, new entries 4, updated entries 0"
    )
    warning = "date dropped from entry 'Post far': 9999-12-31 is after 2199-12-31"
    assert f"  {janes}: warning: {warning}" in out
    assert feed_row(ws, janes_id).warning == warning
    assert {f.id: f.warning for f in feeds.list_feeds(ws)}[janes_id] == warning
    assert entry(ws, "far").published is None  # kept, undated
    assert entry(ws, "ok").published == datetime(2026, 11, 17, 9, 30)
    assert (guids(ws, other), guids(ws, after)) == (["o1"], ["z1"])
    # Jane named me: goodwill received, dated like an undated entry (the day it came in)
    rows = ledger.list_interactions(ws, contact_id=jane.id)
    assert [(r.direction, r.source, r.occurred_on, r.link) for r in rows] == [
        ("received", "feed", TODAY, "https://doc.example/far")
    ]


def test_an_entry_dated_days_after_the_fetch_loses_its_date_until_it_makes_sense(
    ws: Workspace, net: Loopback
) -> None:
    # fetched at noon of 2026-11-25: 2 days later is fine, 3 days is not
    soon = "Fri, 27 Nov 2026 11:00:00 GMT"
    later = "Sat, 28 Nov 2026 13:00:00 GMT"
    url = net.serve("future", rss(("soon", soon, "x"), ("later", later, "y"), ("none", "", "z")))
    feed_id = feeds.add_feed(ws, url)
    summary = ingest.refresh(ws, options=net.options())
    warning = (
        "date dropped from entry 'Post later': 2026-11-28 is more than 2 days after it was "
        "fetched (2026-11-25)"
    )
    assert summary.outcomes[0].message == f"warning: {warning}"
    assert feed_row(ws, feed_id).warning == warning
    assert entry(ws, "soon").published == datetime(2026, 11, 27, 11)
    assert entry(ws, "later").published is None
    assert entry(ws, "none").published is None

    # three days on the feed changes (a new post); the entry's date now makes sense and
    # it is updated with it, and the warning is gone
    ws.clock = fixed_clock(date(2026, 11, 28))
    net.serve(
        "future", rss(("soon", soon, "x"), ("later", later, "y"), ("none", "", "z"), ("n", "", "w"))
    )
    summary = ingest.refresh(ws, options=net.options())
    assert (summary.new_entries, summary.updated_entries) == (1, 1)
    assert entry(ws, "later").published == datetime(2026, 11, 28, 13)
    assert feed_row(ws, feed_id).warning is None


def test_many_impossible_dates_are_named_three_then_counted(ws: Workspace) -> None:
    far = "Fri, 31 Dec 9999 10:00:00 GMT"
    early = "Mon, 01 Jan 1968 10:00:00 GMT"
    items = [(f"e{i}", far if i % 2 else early, "x") for i in range(5)]
    feed_id = feeds.add_upload(ws, "many.xml")
    outcome = ingest.ingest_bytes(ws, feed_id, rss(*items))
    assert outcome.status == "fetched"
    assert outcome.message == (
        "warning: date dropped from entry 'Post e0': 1968-01-01 is before 1970-01-01; "
        "date dropped from entry 'Post e1': 9999-12-31 is after 2199-12-31; "
        "date dropped from entry 'Post e2': 1968-01-01 is before 1970-01-01; "
        "dates dropped from 2 more entries"
    )
    assert [entry(ws, f"e{i}").published for i in range(5)] == [None] * 5


def test_an_entry_stored_with_a_9999_date_before_the_fix_is_logged_on_rescan(
    ws: Workspace,
) -> None:
    # an older version stored the date as given; the ledger refuses 9999-12-31, so the
    # detection would wait for review forever: it is dated like an undated entry instead
    settings_service.save_profile(ws, name="Sam Sender", domains=["sam.example"])
    jane = contacts.add(ws, ContactInput(name="Jane Doe"))
    feed_id = feeds.add_upload(ws, "janes.xml", owner="Jane Doe")
    with ws.write() as s:
        s.add(
            EntryRow(
                feed_id=feed_id,
                guid="old",
                link="https://doc.example/old",
                title="Old post",
                published=datetime(9999, 12, 31, 10),
                summary_text="My interview with Sam Sender",
                content_hash="x",
                first_seen_at=NOW,
                updated_at=NOW,
            )
        )
    detections.rescan(ws, feed_ids=[feed_id])
    rows = ledger.list_interactions(ws, contact_id=jane.id)
    assert [(r.direction, r.occurred_on, r.title) for r in rows] == [
        ("received", TODAY, "Old post")
    ]
