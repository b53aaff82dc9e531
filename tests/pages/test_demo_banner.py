"""The demo banner: shown on every page while the demo is loaded, and its way out."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from planner.services import Workspace, contacts, demo
from planner.ui import DEMO_CONFIRM, DEMO_NOTICE, plain

NOTICE = plain(DEMO_NOTICE)


def infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


def test_no_banner_without_the_demo(app_ws: Workspace, open_page: Callable[[str], AppTest]) -> None:
    at = open_page("dashboard")
    assert NOTICE not in infos(at)
    assert not [b for b in at.button if b.key == "demo_start_own"]


def test_every_page_says_it_is_the_demo(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    for name in ("dashboard", "settings", "contacts"):
        at = open_page(name)
        assert NOTICE in infos(at), name
        assert at.button(key="demo_start_own").label == "Start with my own data"


def test_starting_with_my_own_data_removes_the_demo_after_a_confirmation(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    contacts.add(demo_app_ws, contacts.ContactInput(name="Pat Mine"))
    at = open_page("dashboard")
    at.button(key="demo_start_own").click().run()
    assert plain(DEMO_CONFIRM) in [w.value for w in at.warning]
    assert demo.is_loaded(demo_app_ws)  # nothing removed before the confirmation
    at.button(key="demo_remove").click().run()
    assert not at.exception and not at.error
    assert not demo.is_loaded(demo_app_ws)
    assert NOTICE not in infos(at)
    assert [c.name for c in contacts.list_contacts(demo_app_ws)] == ["Pat Mine"]


def test_removing_everything_leaves_an_empty_dashboard_that_says_how_to_start(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    contacts.add(demo_app_ws, contacts.ContactInput(name="Pat Mine"))
    at = open_page("dashboard")
    at.button(key="demo_start_own").click().run()
    at.checkbox(key="demo_all").check().run()
    at.button(key="demo_remove").click().run()
    assert demo.is_empty(demo_app_ws)
    assert any(i.startswith("No contacts yet. To start:") for i in infos(at))
    assert NOTICE not in infos(at)


def test_keeping_the_demo_changes_nothing(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("dashboard")
    at.button(key="demo_start_own").click().run()
    at.button(key="demo_cancel").click().run()
    assert demo.is_loaded(demo_app_ws)
    assert NOTICE in infos(at)
    assert not [b for b in at.button if b.key == "demo_remove"]
