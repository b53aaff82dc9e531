"""THREATS X1-X4 on the rendered pages: a hostile feed read into the demo, every page run.

tests/test_ui_safety.py checks the page *source* (no st.html, no unsafe_allow_html,
markdown-like calls only take app text or plain(...)); tests/feeds/ checks what parsing
keeps. These run the pages on a database that has read the §2.3 payloads
(tests/hardening/hostile.py) and inspect what Streamlit would send to the browser:

* no element that renders Markdown (markdown, captions, headings, alerts, toasts, widget
  labels and help, radio options, tabs, expanders, metrics) carries feed text unescaped:
  no ``![…](…)`` image, no ``[…](…)`` link, no raw ``<img``;
* feed text does reach the page, as plain text (st.text, dataframe cells);
* every LinkColumn cell and link button is empty or http(s) (or the draft's mailto:).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from planner.errors import InvalidInput
from planner.services import Workspace, ledger
from planner.services.ledger import LedgerInput
from planner.storage.schema import InteractionRow
from tests.hardening.hostile import GUEST, PENDING_TITLE, TITLE, Hostile, ingest_hostile
from tests.pages.conftest import APP

PX = "http://127.0.0.1:9/pixel"  # port 9 (discard): nothing listens, nothing may ask

#: Unescaped Markdown or HTML built from feed text. plain() puts a backslash before each
#: of ! [ ] ( ) < > :, so escaped feed text never matches.
RAW = re.compile(
    r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\(|(?<!\\)<(?:img|b |script|svg|a )|javascript:", re.I
)
#: Node types whose ``body`` is plain text, and widgets whose options are plain text.
PLAIN_BODY = {"text", "code"}
PLAIN_OPTIONS = {"selectbox", "multiselect"}
MARKDOWN_KEYS = {"label", "help", "body", "caption", "captions", "placeholder"}


@dataclass
class Rendered:
    markdown: list[tuple[str, str]] = field(default_factory=list)  # (node type, text)
    plain: list[str] = field(default_factory=list)
    frames: list[tuple[pd.DataFrame, set[str]]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)


def _strings(value: Any, keys: set[str]) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in keys and isinstance(v, str):
                yield v
            elif k in keys and isinstance(v, list):
                yield from (x for x in v if isinstance(x, str))
            else:
                yield from _strings(v, keys)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, keys)


def rendered(at: AppTest) -> Rendered:
    out = Rendered()

    def walk(node: Any) -> None:
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if kind == "dataframe":
            config = json.loads(node.proto.columns or "{}")
            links = {
                name
                for name, c in config.items()
                if (c.get("type_config") or {}).get("type") == "link"
            }
            out.frames.append((node.value, links))
        elif proto is not None and hasattr(proto, "DESCRIPTOR"):
            data = MessageToDict(proto)
            keys = set(MARKDOWN_KEYS)
            if kind in PLAIN_BODY:
                keys.discard("body")
                out.plain.append(data.get("body", ""))
            if kind == "radio":
                keys.add("options")
            elif kind in PLAIN_OPTIONS:
                out.plain.extend(data.get("options", []))
            out.markdown.extend((kind, s) for s in _strings(data, keys))
            if kind == "link_button":
                out.urls.append(data.get("url", ""))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return out


def _is_http_or_empty(value: object) -> bool:
    return value in ("", None) or str(value).lower().startswith(("http://", "https://"))


def assert_safe(at: AppTest) -> Rendered:
    assert not at.exception, at.exception
    shown = rendered(at)
    leaks = [(kind, text) for kind, text in shown.markdown if RAW.search(text)]
    assert leaks == [], f"feed text rendered as Markdown/HTML: {leaks[:5]}"
    for frame, links in shown.frames:
        for column in links:  # LinkColumns: what the browser makes clickable
            bad = [v for v in frame[column] if not _is_http_or_empty(v)]
            assert bad == [], f"column {column!r} would make these clickable: {bad[:5]}"
    # Link buttons: http(s), or the outreach draft's mailto: (quoted by outreach.mailto).
    assert all(_is_http_or_empty(u) or u.startswith("mailto:") for u in shown.urls), shown.urls
    return shown


def _cells(shown: Rendered) -> list[str]:
    return [str(v) for frame, _ in shown.frames for col in frame.columns for v in frame[col]]


@pytest.fixture
def hostile(demo_app_ws: Workspace, tmp_path: Path) -> Hostile:
    return ingest_hostile(demo_app_ws, tmp_path, PX)


def _run(page: str, query: dict[str, str] | None = None, **state: Any) -> AppTest:
    """The page after the app's start, with ``state`` in the session and ``query`` in the
    URL (a deep link)."""
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, at.exception
    for key, value in state.items():
        at.session_state[key] = value
    for name, text in (query or {}).items():
        at.query_params[name] = text
    if page != "dashboard":
        at.switch_page(f"pages/{page}.py")
    return at.run()


# -- the data really is hostile (else the page checks below prove nothing) ---------------


def test_the_hostile_feed_reached_the_ledger_review_and_contacts(
    hostile: Hostile, demo_app_ws: Workspace
) -> None:
    from planner.services import contacts, detections

    titles = {i.title for i in ledger.list_interactions(demo_app_ws, contact_id=hostile.maya_id)}
    assert hostile.text(TITLE) in titles  # auto-confirmed give, titled by the feed
    queue = {d.entry_title for d in detections.review_queue(demo_app_ws)}
    assert hostile.text(PENDING_TITLE) in queue
    assert contacts.get(demo_app_ws, hostile.guest_contact_id).name == hostile.text(GUEST)


# -- every page ---------------------------------------------------------------------------

PAGES = ["dashboard", "ledger", "feeds", "review", "plan", "asks", "requests", "data", "settings"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_show_feed_text_only_as_text(hostile: Hostile, page: str) -> None:
    assert_safe(_run(page))


def test_review_shows_the_hostile_titles_literally(hostile: Hostile) -> None:
    shown = assert_safe(_run("review"))
    pending = hostile.text(PENDING_TITLE)
    assert pending in _cells(shown)  # in the review table, as a cell
    assert any(pending in t for t in shown.plain)  # "look closer": st.text, literally


@pytest.mark.parametrize("who", ["maya", "guest"])
def test_contact_pages_show_feed_text_only_as_text(hostile: Hostile, who: str) -> None:
    contact_id = hostile.maya_id if who == "maya" else hostile.guest_contact_id
    shown = assert_safe(_run("contacts", selected_contact=contact_id))
    if who == "maya":
        assert hostile.text(TITLE) in _cells(shown)  # timeline and "Found in feeds"
    else:
        assert hostile.text(GUEST) in shown.plain  # the contact picker: a plain option


@pytest.mark.parametrize("template", ["featured_you", "thank_you"])
def test_outreach_drafts_about_hostile_data_are_text(hostile: Hostile, template: str) -> None:
    for contact_id in (hostile.maya_id, hostile.guest_contact_id):
        at = _run("outreach", query={"template": template, "contact": str(contact_id)})
        assert_safe(at)
        assert at.code, "the draft is shown in st.code"


# -- links: only http(s) may become clickable ----------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "jav\tascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "https://user:pw@evil.example/",
    ],
)
def test_the_ledger_refuses_links_that_are_not_http(demo_app_ws: Workspace, link: str) -> None:
    """A ledger link becomes a clickable LinkColumn cell: typed by hand, from the CLI or a
    teammate, anything but a plain http(s) address is refused."""
    with pytest.raises(InvalidInput, match="not an http"):
        ledger.add(
            demo_app_ws,
            LedgerInput(
                contact="Maya Lindqvist",
                direction="gave",
                kind="link",
                occurred_on="2026-11-01",
                link=link,
            ),
        )


def test_the_ledger_form_refuses_a_javascript_link(demo_app_ws: Workspace) -> None:
    before = len(ledger.list_interactions(demo_app_ws))
    at = _run("ledger")
    at.text_input(key="ledger_link").input("javascript:alert(document.cookie)")
    at.button(key="ledger_submit").click().run()
    assert not at.exception
    assert any("not an http" in e.value for e in at.error)
    assert len(ledger.list_interactions(demo_app_ws)) == before


def _plant_link(ws: Workspace, contact_id: int, link: str) -> None:
    """An interaction whose link was never validated: an old database or a restored
    backup (restore copies rows as they are)."""
    with ws.write() as s:
        # the newest: the ledger page shows the last 18 months by default
        first = s.scalars(
            select(InteractionRow.id)
            .where(InteractionRow.contact_id == contact_id)
            .order_by(InteractionRow.occurred_on.desc())
        ).first()
        assert first is not None
        s.execute(update(InteractionRow).where(InteractionRow.id == first).values(link=link))


def test_a_stored_javascript_link_is_not_clickable_on_the_contact_timeline(
    hostile: Hostile, demo_app_ws: Workspace
) -> None:
    _plant_link(demo_app_ws, hostile.maya_id, "javascript:alert(document.cookie)")
    assert_safe(_run("contacts", selected_contact=hostile.maya_id))


def test_a_stored_javascript_link_is_not_clickable_on_the_ledger_page(
    hostile: Hostile, demo_app_ws: Workspace
) -> None:
    _plant_link(demo_app_ws, hostile.maya_id, "javascript:alert(document.cookie)")
    assert_safe(_run("ledger"))
