"""Uploading a feed file is one service call; a failed new upload leaves no feed behind."""

from __future__ import annotations

import pytest

from planner.errors import Busy, ErrorCode
from planner.services import Workspace, feeds, ingest
from planner.services.feed_uploads import read_upload
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
