"""The Feeds page via AppTest: list, add (URL, upload, OPML), refresh with progress,
entries browser, remove. Feed text is shown as text, never as markdown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from planner.services import Workspace, feeds, ingest
from planner.ui import feed_entries
from tests.feeds.httpserver import FEED, PODCAST
from tests.pages.downloads import Downloads, csv_table

HOSTILE_TITLE = "![x](http://evil.example/p.gif) **bold** <img src=x>"
HOSTILE = f"""<?xml version="1.0"?><rss version="2.0"><channel>
<title>{HOSTILE_TITLE.replace("<", "&lt;")}</title><link>https://ok.example/</link>
<item><guid>h1</guid><title>[click](javascript:alert(1)) entry</title>
<link>javascript:alert(1)</link>
<description>Body with ![img](http://evil.example/e.gif) inside</description></item>
</channel></rss>""".encode()

OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
<outline text="Blogs"><outline type="rss" text="One" xmlUrl="https://one.example/feed"/>
<outline type="rss" text="Two" xmlUrl="https://two.example/feed"/></outline>
</body></opml>"""


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    """The dataframe that has ``column`` (dataframes carry no key in AppTest)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def feeds_table(at: AppTest) -> pd.DataFrame:
    return _frame(at, "Errors in a row")


def entries_table(at: AppTest) -> pd.DataFrame:
    return _frame(at, "People found")


def markdown_like(at: AppTest) -> list[str]:
    """Everything Streamlit renders as markdown: where feed text must never appear."""
    out = [m.value for m in at.markdown] + [c.value for c in at.caption]
    out += [e.value for e in at.error] + [w.value for w in at.warning]
    out += [i.value for i in at.info] + [s.value for s in at.success]
    return out


def test_the_empty_feeds_page_shows_zero_counts_and_invites_to_add_a_feed(
    open_page: Callable[[str], AppTest],
) -> None:
    at = open_page("feeds")
    assert not at.error
    assert [t.value for t in at.title] == ["Feeds"]
    assert [t.label for t in at.tabs] == ["By URL", "Upload a feed file", "Import OPML"]
    assert at.button(key="feed_add_submit").label == "Add feed"
    assert not at.dataframe and not at.download_button
    assert metrics(at) == {"Feeds": "0", "Entries": "0", "With errors": "0", "With warnings": "0"}
    assert any("No feeds yet" in i.value for i in at.info)
    assert at.button(key="feed_refresh_all").disabled


def test_the_demo_feeds_are_listed_unfetched_then_ok_with_their_entries(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    demo_feeds = feeds.list_feeds(demo_app_ws)
    n = len(demo_feeds)
    at = open_page("feeds")
    assert not at.error
    table = feeds_table(at)
    assert table["Title"].tolist() == [f.title for f in demo_feeds]
    assert list(table["Status"]) == ["Not fetched yet"] * n
    assert metrics(at)["Feeds"] == str(n) and metrics(at)["Entries"] == "0"

    ingest.refresh(demo_app_ws)
    at = open_page("feeds")
    assert not at.error and not at.exception
    total = sum(f.entries for f in feeds.list_feeds(demo_app_ws))
    assert metrics(at)["Entries"] == str(total) and total > 0
    table = feeds_table(at)
    assert list(table["Status"]) == ["OK"] * n
    assert table["Entries"].tolist() == [f.entries for f in feeds.list_feeds(demo_app_ws)]
    assert set(table["Owner"]) == {"Mine", "Industry", "Maya Lindqvist"} | {
        f.owner_name for f in demo_feeds if f.owner == "contact"
    }
    assert "Maya Lindqvist" in set(table["Owner"])
    assert list(table["Open"]) == [""] * n  # local files: nothing clickable
    assert {
        "Title",
        "Address",
        "Kind",
        "Status",
        "Last error",
        "Errors in a row",
        "Entries",
    } <= set(table.columns)
    assert all(kind in ("Blog", "Podcast") for kind in table["Kind"])
    assert all("T" not in shown and shown for shown in table["Last fetched"])


def test_adding_a_file_url_is_refused_and_stores_nothing(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("feeds")
    at.text_input(key="feed_add_url").input("file:///etc/passwd")
    at.button(key="feed_add_submit").click().run()
    assert not at.exception
    assert any("'file:' URLs are not fetched" in e.value.replace("\\", "") for e in at.error)
    assert feeds.list_feeds(app_ws) == []
    assert not at.status  # nothing was fetched


def test_refresh_all_on_the_demo_shows_a_complete_status(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    n = len(feeds.list_feeds(demo_app_ws))
    at = open_page("feeds")
    at.button(key="feed_refresh_all").click().run()
    assert not at.exception and not at.error
    [status] = at.status
    assert (status.state, status.label) == ("complete", f"Refreshed {n} feed(s)")
    lines = texts(at)
    new = sum(f.entries for f in feeds.list_feeds(demo_app_ws))
    assert new > 0
    assert f"fetched {n}, unchanged 0, failed 0, new entries {new}, updated entries 0" in lines
    assert sum(line.startswith("✓ Read: ") for line in lines) == n
    assert feeds_table(at)["Status"].tolist() == ["OK"] * n
    assert metrics(at)["Entries"] == str(new)

    at.button(key="feed_refresh_all").click().run()  # again: nothing changed
    assert at.status[0].state == "complete"
    assert any(line.startswith(f"fetched 0, unchanged {n}") for line in texts(at))


def test_refreshing_one_feed_fetches_only_that_feed(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    podcast = next(f for f in feeds.list_feeds(demo_app_ws) if f.kind == "podcast")
    at = open_page("feeds")
    at.selectbox(key="feed_refresh_pick").select(podcast.id).run()
    at.button(key="feed_refresh_one").click().run()
    assert at.status[0].label == "Refreshed 1 feed(s)"
    assert {f.id for f in feeds.list_feeds(demo_app_ws) if f.entries} == {podcast.id}


def test_failures_are_listed_with_their_message_and_the_private_hint(
    app_ws: Workspace, open_page: Callable[[str], AppTest], tmp_path: Path
) -> None:
    gone = tmp_path / "gone.xml"
    gone.write_bytes(FEED)
    feeds.add_file(app_ws, gone)
    gone.unlink()
    feeds.add_feed(app_ws, "http://127.0.0.1:9/feed.xml")  # refused before connecting
    at = open_page("feeds")
    at.button(key="feed_refresh_all").click().run()
    assert not at.exception
    [status] = at.status
    assert (status.state, status.label) == ("error", "Refreshed 2 feed(s): 2 failed")
    lines = texts(at)
    assert any(line.startswith("Failed: ") and "cannot read" in line for line in lines)
    assert any(line.startswith("Failed: ") and "non-public address" in line for line in lines)
    assert any("not public" in i.value for i in at.info)  # the hint, in the status box
    table = feeds_table(at)
    assert table["Status"].tolist() == ["Error", "Error"]
    assert table["Errors in a row"].tolist() == [1, 1]
    assert metrics(at)["With errors"] == "2"


def test_the_entries_browser_shows_entry_text_and_downloads_the_feed_s_entries(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    ingest.refresh(demo_app_ws)
    podcast = next(f for f in feeds.list_feeds(demo_app_ws) if f.kind == "podcast")
    episodes = feeds.list_entries(demo_app_ws, podcast.id)
    at = open_page("feeds")
    at.selectbox(key="entries_feed").select(podcast.id).run()
    table = entries_table(at)
    assert table["Title"].tolist() == [e.title for e in episodes]
    assert any(table["People found"])  # podcast:person credits
    assert all(link.startswith("https://") for link in table["Link"] if link)
    chosen = episodes[1]
    at.selectbox(key="entries_pick").select(chosen.id).run()
    assert not at.exception
    lines = texts(at)
    assert chosen.title in lines
    assert (chosen.text or "(no text)") in lines
    assert "Text of the entry" in [e.label for e in at.expander]
    got = downloads(at, "dl_entries")
    assert got.file_name == "entries.csv"
    header, rows = csv_table(got.data)
    assert header == list(feeds.entries_frame(demo_app_ws, feed_id=podcast.id).columns)
    assert [r["title"] for r in rows] == [e.title for e in episodes]
    assert {r["feed_id"] for r in rows} == {str(podcast.id)}


def test_feed_text_is_never_rendered_as_markdown(
    app_ws: Workspace, open_page: Callable[[str], AppTest], tmp_path: Path
) -> None:
    path = tmp_path / "hostile.xml"
    path.write_bytes(HOSTILE)
    feed_id = feeds.add_file(app_ws, path)
    at = open_page("feeds")
    at.button(key="feed_refresh_all").click().run()
    assert not at.exception
    assert feeds.list_feeds(app_ws)[0].title.startswith("![x]")
    at.selectbox(key="entries_feed").select(feed_id).run()
    lines = texts(at)
    assert any("![img](http://evil.example/e.gif)" in line for line in lines)
    assert any(line.startswith("[click](javascript:alert(1))") for line in lines)
    assert entries_table(at)["Link"].tolist() == [""]  # javascript: is never a link
    for shown in markdown_like(at):
        assert "evil.example" not in shown and "javascript" not in shown, shown


def test_uploading_a_feed_file_stores_it_and_a_new_version_updates_it(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("feeds")
    at.file_uploader(key="feed_upload_file").set_value(("cast.xml", PODCAST, "application/rss+xml"))
    at.run()
    at.button(key="feed_upload_button").click().run()
    assert not at.exception and not at.error
    assert any("2 new and 0 updated" in s.value for s in at.success)
    [info] = feeds.list_feeds(app_ws)
    assert (info.title, info.kind, info.entries) == ("Test cast", "podcast", 2)
    assert info.url == f"upload:{info.id}/cast.xml"

    # the same feed, updated: read into the existing upload, not a new feed
    at.run()
    at.selectbox(key="feed_upload_target").select(info.id).run()
    at.file_uploader(key="feed_upload_file").set_value(
        ("cast.xml", PODCAST.replace(b"Ep 2", b"Episode 2"), "application/rss+xml")
    )
    at.run()
    at.button(key="feed_upload_button").click().run()
    assert any("0 new and 1 updated" in s.value for s in at.success)
    assert len(feeds.list_feeds(app_ws)) == 1


def test_uploading_a_file_that_is_not_a_feed_keeps_nothing(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("feeds")
    at.file_uploader(key="feed_upload_file").set_value(
        ("page.xml", b"<html><body>hi</body></html>", "text/xml")
    )
    at.run()
    at.button(key="feed_upload_button").click().run()
    assert not at.exception
    assert at.error and "not a feed" in " ".join(texts(at))
    assert feeds.list_feeds(app_ws) == []


def test_opml_import_then_the_opml_and_csv_downloads_list_the_feeds(
    app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("feeds")
    at.file_uploader(key="feed_opml_file").set_value(("reader.opml", OPML, "text/x-opml"))
    at.run()
    at.button(key="feed_opml_import").click().run()
    assert not at.exception and not at.error
    assert any("Added 2 feed(s)" in s.value for s in at.success)
    assert {f.url for f in feeds.list_feeds(app_ws)} == {
        "https://one.example/feed",
        "https://two.example/feed",
    }
    table = feeds_table(at)
    assert table["Open"].tolist() == ["https://one.example/feed", "https://two.example/feed"]
    opml = downloads(at, "dl_feeds_opml")
    assert (opml.label, opml.file_name, opml.mimetype) == (
        "Download OPML",
        "feeds.opml",
        "text/x-opml",
    )
    root = ElementTree.fromstring(opml.data)
    assert (root.tag, root.get("version")) == ("opml", "2.0")
    assert sorted(o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")) == [
        "https://one.example/feed",
        "https://two.example/feed",
    ]
    header, rows = csv_table(downloads(at, "dl_feeds").data)
    assert header == list(feeds.feeds_frame(app_ws).columns)
    assert [r["url"] for r in rows] == table["Address"].tolist()
    assert [int(r["id"]) for r in rows] == table["Id"].tolist()


def test_removing_a_feed_needs_the_confirmation(
    app_ws: Workspace, open_page: Callable[[str], AppTest], tmp_path: Path
) -> None:
    path = tmp_path / "blog.xml"
    path.write_bytes(FEED)
    feed_id = feeds.add_file(app_ws, path)
    ingest.refresh(app_ws)
    at = open_page("feeds")
    assert at.button(key="feed_remove").disabled
    at.checkbox(key=f"feed_remove_sure_{feed_id}").check().run()
    assert not at.button(key="feed_remove").disabled
    at.button(key="feed_remove").click().run()
    assert not at.exception and not at.error
    assert feeds.list_feeds(app_ws) == []
    assert metrics(at)["Feeds"] == "0"


def test_changing_a_feed_s_kind_and_owner_is_saved(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    digest = next(f for f in feeds.list_feeds(demo_app_ws) if f.owner == "industry")
    maya = next(f for f in feeds.list_feeds(demo_app_ws) if f.owner == "contact")
    at = open_page("feeds")
    at.selectbox(key="feed_manage_pick").select(digest.id).run()
    at.selectbox(key=f"feed_edit_kind_{digest.id}").select("podcast").run()
    at.selectbox(key=f"feed_edit_owner_{digest.id}").select("contact").run()
    at.selectbox(key=f"feed_edit_owner_{digest.id}_contact").select(maya.contact_id).run()
    at.button(key="feed_edit_save").click().run()
    assert not at.exception and not at.error
    changed = next(f for f in feeds.list_feeds(demo_app_ws) if f.id == digest.id)
    assert (changed.kind, changed.owner_name) == ("podcast", "Maya Lindqvist")
    row = feeds_table(at).set_index("Id").loc[digest.id]
    assert (row["Kind"], row["Owner"]) == ("Podcast", "Maya Lindqvist")


@pytest.mark.parametrize("kind", ["blog", "podcast"])
def test_adding_a_url_with_a_kind_and_owner_without_fetching(
    app_ws: Workspace, open_page: Callable[[str], AppTest], kind: str
) -> None:
    at = open_page("feeds")
    at.text_input(key="feed_add_url").input("https://blog.example/feed.xml")
    at.selectbox(key="feed_add_kind").select(kind)
    at.selectbox(key="feed_add_owner").select("me")
    at.checkbox(key="feed_add_fetch").uncheck()
    at.button(key="feed_add_submit").click().run()
    assert not at.exception and not at.error
    [info] = feeds.list_feeds(app_ws)
    assert (info.url, info.kind, info.owner) == ("https://blog.example/feed.xml", kind, "me")
    assert not at.status


def test_the_entries_table_shows_one_page_and_the_download_every_entry(
    demo_app_ws: Workspace,
    open_page: Callable[[str], AppTest],
    downloads: Downloads,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(feed_entries, "PAGE_ROWS", 2)
    ingest.refresh(demo_app_ws)
    podcast = next(f for f in feeds.list_feeds(demo_app_ws) if f.kind == "podcast")
    episodes = feeds.list_entries(demo_app_ws, podcast.id)
    assert len(episodes) > 2
    at = open_page("feeds")
    at.selectbox(key="entries_feed").select(podcast.id).run()
    assert entries_table(at)["Title"].tolist() == [e.title for e in episodes[:2]]
    at.number_input(key="entries_page").set_value(2).run()
    assert entries_table(at)["Title"].tolist() == [e.title for e in episodes[2:4]]
    _, rows = csv_table(downloads(at, "dl_entries").data)
    assert [r["title"] for r in rows] == [e.title for e in episodes]
    assert not at.exception and not at.error


def test_reading_the_same_upload_twice_reads_it_into_the_same_feed(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("feeds")
    at.file_uploader(key="feed_upload_file").set_value(("cast.xml", PODCAST, "application/rss+xml"))
    at.run()
    assert at.selectbox(key="feed_upload_target").value == 0  # a new feed
    at.button(key="feed_upload_button").click().run()
    assert not at.exception and not at.error
    [info] = feeds.list_feeds(app_ws)
    # the form switched to the feed just made: the next click reads into it
    assert at.selectbox(key="feed_upload_target").value == info.id
    assert "a new feed" not in at.selectbox(key="feed_upload_target").options
    assert any("2 new and 0 updated" in s.value for s in at.success)
    assert any("read before" in i.value and "same content" in i.value for i in at.info)
    at.button(key="feed_upload_button").click().run()
    assert not at.exception and not at.error
    assert [f.id for f in feeds.list_feeds(app_ws)] == [info.id]
    assert any("0 new and 0 updated" in s.value for s in at.success)


def test_an_upload_recognised_by_name_is_offered_into_its_feed_on_a_fresh_page(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    from planner.services.feed_uploads import read_upload

    first = read_upload(app_ws, "cast.xml", PODCAST)
    at = open_page("feeds")
    newer = PODCAST.replace(b"Ep 2", b"Episode 2")
    at.file_uploader(key="feed_upload_file").set_value(("cast.xml", newer, "application/rss+xml"))
    at.run()
    assert at.selectbox(key="feed_upload_target").value == first.feed_id
    assert any("same file name" in i.value for i in at.info)
    at.button(key="feed_upload_button").click().run()
    assert any("0 new and 1 updated" in s.value for s in at.success)
    assert len(feeds.list_feeds(app_ws)) == 1


def test_a_feed_s_title_is_edited_and_an_empty_title_refused(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    digest = next(f for f in feeds.list_feeds(demo_app_ws) if f.owner == "industry")
    at = open_page("feeds")
    at.selectbox(key="feed_manage_pick").select(digest.id).run()
    assert at.selectbox(key=f"feed_edit_kind_{digest.id}").options == ["Blog", "Podcast"]
    at.text_input(key=f"feed_edit_title_{digest.id}").input("   ").run()
    at.button(key="feed_edit_save").click().run()
    assert any("title must not be empty" in e.value for e in at.error)
    assert next(f for f in feeds.list_feeds(demo_app_ws) if f.id == digest.id).title == digest.title
    at.text_input(key=f"feed_edit_title_{digest.id}").input("  My   industry digest ").run()
    at.button(key="feed_edit_save").click().run()
    assert not at.exception and not at.error
    changed = next(f for f in feeds.list_feeds(demo_app_ws) if f.id == digest.id)
    assert changed.title == "My industry digest"
    assert "My industry digest" in feeds_table(at)["Title"].tolist()
