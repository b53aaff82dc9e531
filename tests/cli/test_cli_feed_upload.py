"""planner feeds upload (the Feeds page's upload, recognising a file read before) and
planner feeds edit (title, kind, owner)."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.services import Workspace, feeds
from tests.conftest import run_cli as run
from tests.feeds.httpserver import PODCAST


def test_uploading_the_same_file_twice_reads_it_into_one_feed(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "cast.xml"
    path.write_bytes(PODCAST)
    code, out, err = run(capsys, db_url, "feeds", "upload", str(path), "--owner", "me")
    assert code == 0, err
    [info] = feeds.list_feeds(ws)
    assert out.startswith(f"read into feed {info.id}: fetched, 2 new and 0 updated entries")
    code, out, _ = run(capsys, db_url, "feeds", "upload", str(path))
    assert code == 0 and out.startswith(f"read into feed {info.id}: unchanged, 0 new")
    assert [f.id for f in feeds.list_feeds(ws)] == [info.id]
    assert feeds.list_feeds(ws)[0].owner == "me"  # kept: the feed was not made again


def test_uploading_a_file_that_is_not_a_feed_exits_2_and_keeps_nothing(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "page.xml"
    path.write_bytes(b"<html><body>hi</body></html>")
    code, out, err = run(capsys, db_url, "feeds", "upload", str(path))
    assert code == 2 and out == "" and "not a feed" in err
    assert feeds.list_feeds(ws) == []


def test_feeds_edit_changes_title_kind_and_owner(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    feed_id = feeds.add_feed(ws, "https://blog.example/feed.xml")
    code, out, err = run(
        capsys, db_url, "feeds", "edit", str(feed_id), "--title", "My blog", "--kind",
        "podcast", "--owner", "me",
    )  # fmt: skip
    assert code == 0, err
    assert out.strip() == f"feed {feed_id}: My blog (podcast, me)"
    [info] = feeds.list_feeds(ws)
    assert (info.title, info.kind, info.owner) == ("My blog", "podcast", "me")
    code, _, err = run(capsys, db_url, "feeds", "edit", str(feed_id), "--title", "  ")
    assert code == 2 and "title must not be empty" in err
    assert feeds.list_feeds(ws)[0].title == "My blog"
