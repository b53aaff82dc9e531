"""A feed whose address the settings refuse is refused when added, and is not a failure.

* ``planner feeds add http://127.0.0.1:PORT/feed.xml`` without the opt-in stores nothing,
  fetches nothing and exits 2 with a message telling how to allow it (it used to store the
  feed with its error and exit 0);
* with ``--allow-private`` or the setting it is added and fetched;
* a feed already stored (added before, or from OPML) and refused for its private address
  is not put into back-off: once private addresses are allowed it is fetched at once;
* a public feed that redirects into a private network still backs off (that is the
  server's doing, not a setting).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from planner.errors import ErrorCode
from planner.feeds.errors import FetchRefused, PrivateAddressRefused
from planner.feeds.netguard import AddressPolicy, vet_addresses
from planner.services import Workspace, feeds, ingest, open_workspace
from planner.services.settings import update_settings
from planner.storage.schema import EntryRow, FeedRow
from tests.conftest import ROOT, fixed_clock
from tests.conftest import run_cli as cli
from tests.feeds.httpserver import TestServer, start_server


@pytest.fixture(scope="module")
def server() -> Iterator[TestServer]:
    s = start_server()
    yield s
    s.stop()


@pytest.fixture
def loopback(server: TestServer) -> TestServer:
    server.reset()
    return server


def feed_row(ws: Workspace, feed_id: int) -> FeedRow:
    with ws.read() as s:
        row = s.get(FeedRow, feed_id)
        assert row is not None
        return row


def entry_count(ws: Workspace) -> int:
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(EntryRow)) or 0


# --------------------------------------------------------------------------- the guard's type


def test_a_private_address_is_refused_with_its_own_type_and_metadata_is_not() -> None:
    import ipaddress

    with pytest.raises(PrivateAddressRefused) as info:
        vet_addresses("http://h/", "h", 80, [ipaddress.ip_address("10.0.0.5")], AddressPolicy())
    assert info.value.host == "h" and "non-public address 10.0.0.5" in str(info.value)
    metadata = [ipaddress.ip_address("169.254.169.254")]
    with pytest.raises(FetchRefused) as never:
        vet_addresses("http://m/", "m", 80, metadata, AddressPolicy(allow_private=True))
    assert not isinstance(never.value, PrivateAddressRefused)
    assert never.value.code == ErrorCode.ADDRESS_REFUSED
    assert info.value.code == ErrorCode.PRIVATE_ADDRESS_REFUSED


# --------------------------------------------------------------------------- planner feeds add


def test_feeds_add_of_a_loopback_url_stores_nothing_and_exits_2(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, loopback: TestServer
) -> None:
    url = loopback.url("/feed.xml")
    code, out, err = cli(capsys, db_url, "feeds", "add", url)
    assert code == 2 and out == ""
    assert err.startswith("planner: error: feed not added: refused: 127.0.0.1")
    assert "loopback" in err and "nothing was stored" in err
    assert f"planner feeds add --allow-private {url}" in err  # how to allow it
    assert len(err.strip().splitlines()) == 1
    assert feeds.list_feeds(ws) == []
    assert loopback.hits == []  # refused before any request

    code, out, err = cli(capsys, db_url, "feeds", "add", url, "--no-fetch")
    assert code == 2 and feeds.list_feeds(ws) == []


def test_a_never_allowed_address_is_refused_even_with_allow_private(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    code, _out, err = cli(
        capsys, db_url, "feeds", "add", "http://169.254.169.254/feed.xml", "--allow-private"
    )
    assert code == 2 and "cloud metadata; never allowed" in err
    assert "--allow-private" not in err  # no advice that would not help
    assert feeds.list_feeds(ws) == []


def test_feeds_add_with_allow_private_adds_and_fetches(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, loopback: TestServer
) -> None:
    url = loopback.url("/feed.xml")
    code, out, err = cli(capsys, db_url, "feeds", "add", url, "--allow-private")
    assert code == 0, err
    assert out.splitlines()[:2] == [
        f"added feed 1: {url}",
        "fetched 1, unchanged 0, failed 0, new entries 2, updated entries 0",
    ]
    assert [f.url for f in feeds.list_feeds(ws)] == [url]
    assert loopback.paths() == ["/feed.xml"]


def test_feeds_add_with_the_setting_on_adds_and_fetches(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, loopback: TestServer
) -> None:
    update_settings(ws, allow_private_addresses=True)
    code, out, err = cli(capsys, db_url, "feeds", "add", loopback.url("/feed.xml"))
    assert code == 0, err
    assert "fetched 1, unchanged 0, failed 0, new entries 2" in out
    assert entry_count(ws) == 2


# --------------------------------------------------------------------------- no back-off


def test_a_stored_feed_refused_by_the_setting_is_fetched_once_allowed(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, loopback: TestServer
) -> None:
    # Stored without the add-time check, as an OPML import or an older version did.
    feed_id = feeds.add_feed(ws, loopback.url("/feed.xml"))
    code, out, _ = cli(capsys, db_url, "ingest")
    assert code == 0 and out.startswith("fetched 0, unchanged 0, failed 1")
    row = feed_row(ws, feed_id)
    assert row.last_error is not None and "non-public address" in row.last_error
    assert row.last_error_code == "private_address_refused"
    assert row.next_fetch_after is None  # a setting refused it: nothing to back off from
    assert row.error_count == 1  # it did fail (shown on the Feeds page), just no back-off
    assert loopback.hits == []

    # A plain cron run later on: still refused, still not backing off ("skipped").
    code, out, _ = cli(capsys, db_url, "ingest")
    assert out.startswith("fetched 0, unchanged 0, failed 1") and "skipped" not in out
    assert feed_row(ws, feed_id).next_fetch_after is None

    # Allowed: the next run of all feeds (no --feed, no --force) fetches it at once.
    code, out, err = cli(capsys, db_url, "ingest", "--allow-private")
    assert code == 0, err
    assert out.startswith("fetched 1, unchanged 0, failed 0, new entries 2")
    row = feed_row(ws, feed_id)
    assert row.last_error is None and row.next_fetch_after is None and row.error_count == 0


def test_the_settings_switch_fetches_a_refused_feed_at_once(
    ws: Workspace, loopback: TestServer
) -> None:
    feed_id = feeds.add_feed(ws, loopback.url("/feed.xml"))
    [refused] = ingest.refresh(ws).outcomes
    assert refused.status == "failed" and refused.code == ErrorCode.PRIVATE_ADDRESS_REFUSED
    [listed] = feeds.list_feeds(ws)
    assert listed.failure_code == ErrorCode.PRIVATE_ADDRESS_REFUSED
    update_settings(ws, allow_private_addresses=True)
    [fetched] = ingest.refresh(ws).outcomes
    assert (fetched.feed_id, fetched.status, fetched.new) == (feed_id, "fetched", 2)


def test_a_public_feed_redirecting_into_a_private_network_still_backs_off(
    ws: Workspace, server: TestServer
) -> None:
    from dataclasses import replace
    from urllib.parse import quote

    internal = start_server()
    try:
        target = internal.url("/internal-secret")
        feed_id = feeds.add_feed(ws, server.url("/redirect-to?u=" + quote(target, safe="")))
        options = replace(
            ingest.fetch_options(ws.settings()),
            allow_addresses=frozenset({("127.0.0.1", server.port)}),
        )
        [failed] = ingest.refresh(ws, options=options).outcomes
        assert failed.status == "failed" and internal.hits == []
        row = feed_row(ws, feed_id)
        assert row.error_count == 1 and row.next_fetch_after is not None
    finally:
        internal.stop()


# --------------------------------------------------------------------------- the Feeds page


@pytest.fixture
def page_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("PLANNER_DATABASE_URL", url)
    ws = open_workspace(url, clock=fixed_clock())
    yield ws
    ws.engine.dispose()


def _feeds_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.switch_page("pages/feeds.py").run()
    assert not at.exception, at.exception
    return at


def test_the_feeds_page_refuses_a_loopback_feed_and_says_how_to_allow_it(
    page_db: Workspace, loopback: TestServer
) -> None:
    at: AppTest = _feeds_page()
    at.text_input(key="feed_add_url").input(loopback.url("/feed.xml"))
    at.button(key="feed_add_submit").click().run()
    assert not at.exception
    assert any("feed not added" in e.value for e in at.error)
    assert any("Allow private network addresses" in i.value for i in at.info)
    assert not at.status  # nothing fetched
    assert feeds.list_feeds(page_db) == [] and loopback.hits == []


def test_a_feed_backed_off_by_an_older_version_for_a_refusal_is_fetched_once_allowed(
    ws: Workspace, loopback: TestServer
) -> None:
    """Before this fix a settings refusal backed the feed off like a server failure; such
    a stored back-off must not keep the feed waiting once private addresses are allowed."""
    from datetime import timedelta

    feed_id = feeds.add_feed(ws, loopback.url("/feed.xml"))
    [refused] = ingest.refresh(ws).outcomes
    with ws.write() as s:
        s.get(FeedRow, feed_id).next_fetch_after = ws.now() + timedelta(hours=8)
    [still] = ingest.refresh(ws).outcomes
    assert still.status == "skipped" and "backing off" in still.message
    update_settings(ws, allow_private_addresses=True)
    [fetched] = ingest.refresh(ws).outcomes
    assert refused.status == "failed"
    assert (fetched.feed_id, fetched.status, fetched.new) == (feed_id, "fetched", 2)


# --------------------------------------------------------------------------- too large


def test_a_feed_too_large_for_the_size_setting_is_not_backed_off(
    ws: Workspace, server: TestServer
) -> None:
    """The size cap is the user's setting: a body over it is a refusal, stored and shown,
    but the next refresh tries again, and raising the cap reads it at once."""
    from dataclasses import replace

    server.reset()
    feed_id = feeds.add_feed(ws, server.url("/feed.xml"))
    loopback_only = replace(
        ingest.fetch_options(ws.settings()),
        allow_addresses=frozenset({("127.0.0.1", server.port)}),
    )
    small = replace(loopback_only, max_bytes=100)
    [refused] = ingest.refresh(ws, options=small).outcomes
    assert refused.status == "failed" and "too large" in refused.message
    row = feed_row(ws, feed_id)
    assert row.last_error is not None and row.next_fetch_after is None
    assert ingest.refused_by_settings(
        ingest.FetchTooLarge(row.url, "too large", limit=100), row.url
    )

    [again] = ingest.refresh(ws, options=small).outcomes  # a cron run: tried, not skipped
    assert again.status == "failed" and feed_row(ws, feed_id).next_fetch_after is None

    [fetched] = ingest.refresh(ws, options=loopback_only).outcomes  # the cap raised
    assert (fetched.feed_id, fetched.status, fetched.new) == (feed_id, "fetched", 2)
    assert len(server.paths()) == 3


def test_a_server_error_still_backs_off(ws: Workspace, server: TestServer) -> None:
    from dataclasses import replace

    server.reset()
    feed_id = feeds.add_feed(ws, server.url("/500"))
    options = replace(
        ingest.fetch_options(ws.settings()),
        allow_addresses=frozenset({("127.0.0.1", server.port)}),
        total_deadline=2.0,
    )
    [failed] = ingest.refresh(ws, options=options).outcomes
    assert failed.status == "failed"
    assert feed_row(ws, feed_id).next_fetch_after is not None
    [skipped] = ingest.refresh(ws, options=options).outcomes
    assert skipped.status == "skipped" and "backing off" in skipped.message


def test_the_feeds_page_refresh_reads_a_refused_feed_once_the_setting_is_on(
    page_db: Workspace, loopback: TestServer
) -> None:
    feed_id = feeds.add_feed(page_db, loopback.url("/feed.xml"))  # as an OPML import stores it
    [refused] = ingest.refresh(page_db).outcomes
    assert refused.status == "failed" and feed_row(page_db, feed_id).next_fetch_after is None
    update_settings(page_db, allow_private_addresses=True)
    at = _feeds_page()
    assert not at.checkbox(key="feed_refresh_force").value  # no "ignore backoff" needed
    at.button(key="feed_refresh_all").click().run()
    assert not at.exception
    lines = [t.value for t in at.text]
    assert any(line.startswith("✓ Read: ") for line in lines), lines
    assert entry_count(page_db) == 2 and loopback.paths() == ["/feed.xml"]
    assert feed_row(page_db, feed_id).last_error is None
