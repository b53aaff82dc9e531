"""The show profile on the Feeds page (AppTest): the learned profile in words, and the
corrections — interview or solo show, who is a host — with detection following at once."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from planner.services import Workspace, contacts, detections, feeds, ingest, shows
from planner.services.contacts import ContactInput
from tests.services.test_shows import DESCRIBED, HOST, cast_rss


def _cast(ws: Workspace) -> int:
    contacts.add(ws, ContactInput(name="Jane Doe"))
    feed_id = feeds.add_upload(ws, "castwise.xml", owner="me")
    assert ingest.ingest_bytes(ws, feed_id, cast_rss()).new == 8
    return feed_id


def _jane_role(ws: Workspace) -> str:
    [found] = [d for d in detections.list_detections(ws) if d.contact == "Jane Doe"]
    return found.role


def _open(open_page: Callable[[str], AppTest], feed_id: int) -> AppTest:
    at = open_page("feeds")
    at.selectbox(key="entries_feed").select(feed_id).run()
    assert not at.exception
    return at


def test_the_feeds_page_shows_the_learned_profile_in_words(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    feed_id = _cast(app_ws)
    at = _open(open_page, feed_id)
    assert "Show profile" in [e.label for e in at.expander]
    lines = [t.value for t in at.text]
    assert DESCRIBED in lines
    assert f"Host: {HOST}" in lines
    kind = at.selectbox(key=f"show_kind_{feed_id}")
    assert kind.label == "This show is"
    assert kind.options == ["Learned: interview show", "Interview show", "Solo show — no guests"]
    assert kind.value == "learned"
    assert at.button(key=f"show_kind_save_{feed_id}").disabled
    assert at.button(key=f"show_host_add_{feed_id}").disabled  # no name typed yet


def test_marking_a_host_and_unmarking_one_on_the_page(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    feed_id = _cast(app_ws)
    assert _jane_role(app_ws) == "guest"
    at = _open(open_page, feed_id)
    at.text_input(key=f"show_host_name_{feed_id}").input("Jane Doe").run()
    at.button(key=f"show_host_add_{feed_id}").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [
        "Jane Doe is marked as a host; its 8 episode\\(s\\) were read again\\."
    ]
    assert _jane_role(app_ws) != "guest"
    lines = [t.value for t in at.text]
    assert "Host: Jane Doe" in lines
    assert any("hosts: Maria Lopez, Jane Doe;" in line for line in lines)

    # the learned host is no host after all
    at.button(key=f"show_not_host_{feed_id}_0").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Maria Lopez is marked as not a host; its 8 episode\\(s\\) were read again\\."
    ]
    assert shows.show(app_ws, feed_id).hosts == ("Jane Doe",)
    assert "Not a host (as you said): Maria Lopez" in [t.value for t in at.text]


def test_setting_a_solo_show_on_the_page_removes_the_guests(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    feed_id = _cast(app_ws)
    at = _open(open_page, feed_id)
    at.selectbox(key=f"show_kind_{feed_id}").select("solo").run()
    at.button(key=f"show_kind_save_{feed_id}").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [
        "This show is set as a solo show \\(no guests\\); its 8 episode\\(s\\) were read again\\."
    ]
    assert _jane_role(app_ws) != "guest"
    assert any(t.value.startswith("Solo show — no guests (as you set it)") for t in at.text)
    assert at.selectbox(key=f"show_kind_{feed_id}").value == "solo"


def test_a_blog_feed_says_profiles_are_for_podcasts(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    feed_id = feeds.add_upload(app_ws, "blog.xml", kind="blog", owner="me")
    at = _open(open_page, feed_id)
    assert "Not a podcast feed: show profiles are learned for podcast feeds." in [
        t.value for t in at.text
    ]
    assert not [s for s in at.selectbox if s.key == f"show_kind_{feed_id}"]
