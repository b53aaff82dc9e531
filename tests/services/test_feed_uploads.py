"""Uploading a feed file is one service call; a failed new upload leaves no feed behind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from planner.errors import Busy, ErrorCode, InvalidInput
from planner.services import Workspace, contacts, feeds, ingest
from planner.services.contacts import ContactInput
from planner.services.feed_uploads import UploadMatch, match_upload, read_upload
from planner.storage.schema import InteractionRow
from tests.feeds.httpserver import PODCAST

NOT_A_FEED = b"<html><body>hello</body></html>"


def test_a_new_upload_makes_a_feed_and_reads_it(ws: Workspace) -> None:
    outcome = read_upload(ws, "cast.xml", PODCAST, kind="podcast", owner="me")
    assert (outcome.status, outcome.new) == ("fetched", 2)
    [info] = feeds.list_feeds(ws)
    assert info.id == outcome.feed_id and info.kind == "podcast" and info.owner == "me"


def test_a_failed_new_upload_removes_its_feed_again(ws: Workspace) -> None:
    outcome = read_upload(ws, "page.xml", NOT_A_FEED)
    assert outcome.status == "failed" and "not a feed" in outcome.message
    assert feeds.list_feeds(ws) == []


def test_a_failed_upload_into_an_earlier_feed_keeps_that_feed(ws: Workspace) -> None:
    first = read_upload(ws, "cast.xml", PODCAST)
    again = read_upload(ws, "page.xml", NOT_A_FEED, into=first.feed_id)
    assert again.status == "failed"
    assert [f.id for f in feeds.list_feeds(ws)] == [first.feed_id]


def test_stored_codes_read_back_and_unknown_ones_are_none() -> None:
    assert feeds.stored_code("private_address_refused") == ErrorCode.PRIVATE_ADDRESS_REFUSED
    assert feeds.stored_code("address_refused") == ErrorCode.ADDRESS_REFUSED
    assert feeds.stored_code(None) is None and feeds.stored_code("") is None
    assert feeds.stored_code("a_code_of_a_later_version") is None


def test_a_new_upload_whose_reading_raises_leaves_no_feed(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise Busy("the database stayed locked")

    monkeypatch.setattr(ingest, "ingest_bytes", broken)
    with pytest.raises(Busy):
        read_upload(ws, "cast.xml", PODCAST)
    assert feeds.list_feeds(ws) == []


def _ledger_rows(ws: Workspace) -> int:
    with ws.read() as s:
        return int(s.scalar(select(func.count()).select_from(InteractionRow)) or 0)


def test_the_same_file_read_twice_stays_one_feed_and_logs_each_episode_once(
    ws: Workspace,
) -> None:
    contacts.add(ws, ContactInput(name="Jane Doe", domains=("jane.example",)))
    first = read_upload(ws, "cast.xml", PODCAST, kind="podcast", owner="me")
    logged = _ledger_rows(ws)
    assert logged >= 1  # Jane Doe's guest episode
    again = read_upload(ws, "cast.xml", PODCAST, kind="podcast", owner="me")
    assert again.feed_id == first.feed_id and again.status == "unchanged"
    assert [f.id for f in feeds.list_feeds(ws)] == [first.feed_id]
    assert _ledger_rows(ws) == logged


def test_reading_the_same_feed_again_into_it_adds_no_entry_or_ledger_row(ws: Workspace) -> None:
    """Idempotence by entry guid within one feed, even when the bytes differ."""
    contacts.add(ws, ContactInput(name="Jane Doe", domains=("jane.example",)))
    first = read_upload(ws, "cast.xml", PODCAST, kind="podcast", owner="me")
    logged = _ledger_rows(ws)
    reformatted = PODCAST.replace(b"<channel>", b"<channel>\n  ")  # same entries, new bytes
    again = read_upload(ws, "cast.xml", reformatted, into=first.feed_id)
    assert (again.status, again.new, again.updated) == ("fetched", 0, 0)
    assert _ledger_rows(ws) == logged
    assert feeds.list_feeds(ws)[0].entries == 2


def test_the_same_content_under_another_name_is_the_same_feed(ws: Workspace) -> None:
    first = read_upload(ws, "cast.xml", PODCAST)
    match = match_upload(ws, "cast (1).xml", PODCAST)
    assert match == UploadMatch(first.feed_id, "content")
    again = read_upload(ws, "cast (1).xml", PODCAST)
    assert again.feed_id == first.feed_id and len(feeds.list_feeds(ws)) == 1


def test_a_new_version_under_the_same_name_is_read_into_that_feed(ws: Workspace) -> None:
    first = read_upload(ws, "cast.xml", PODCAST)
    newer = PODCAST.replace(
        b"</channel>", b"<item><title>Ep 3</title><guid>ep-3</guid></item></channel>"
    )
    assert match_upload(ws, "cast.xml", newer) == UploadMatch(first.feed_id, "name")
    again = read_upload(ws, "cast.xml", newer)
    assert (again.feed_id, again.new) == (first.feed_id, 1)
    assert len(feeds.list_feeds(ws)) == 1


def test_a_different_file_under_a_different_name_is_a_new_feed(ws: Workspace) -> None:
    read_upload(ws, "cast.xml", PODCAST)
    other = PODCAST.replace(b"ep-", b"other-").replace(b"Test cast", b"Other cast")
    assert match_upload(ws, "other.xml", other) is None
    read_upload(ws, "other.xml", other)
    assert len(feeds.list_feeds(ws)) == 2


def test_a_feed_s_title_set_by_the_user_stays_when_the_feed_is_read_again(ws: Workspace) -> None:
    first = read_upload(ws, "cast.xml", PODCAST)
    feeds.update_feed(ws, first.feed_id, title="  My  favourite cast ")
    read_upload(ws, "cast.xml", PODCAST.replace(b"Ep 2", b"Episode 2"))
    assert feeds.list_feeds(ws)[0].title == "My favourite cast"
    with pytest.raises(InvalidInput, match="must not be empty"):
        feeds.update_feed(ws, first.feed_id, title=" ")
    assert feeds.list_feeds(ws)[0].title == "My favourite cast"


def test_a_refresh_says_an_uploaded_feed_was_skipped_as_an_upload_not_backing_off(
    ws: Workspace,
) -> None:
    from datetime import timedelta

    from planner.storage.schema import FeedRow

    read_upload(ws, "cast.xml", PODCAST)
    summary = ingest.refresh(ws)
    assert summary.describe().endswith(", skipped 1 (uploaded file)")
    waiting = feeds.add_feed(ws, "https://blog.example/feed.xml")
    with ws.write() as s:
        row = s.get(FeedRow, waiting)
        assert row is not None
        row.next_fetch_after = ws.now() + timedelta(hours=1)
    summary = ingest.refresh(ws)
    assert summary.describe().endswith(", skipped 2 (1 backing off, 1 uploaded file)")
