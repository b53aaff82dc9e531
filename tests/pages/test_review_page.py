"""The Review page and the detection parts of Contacts (Found in feeds, Merge) via AppTest."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from planner.services import Workspace, contacts, detections, ingest, ledger, merge
from planner.ui import detection_table
from tests.pages.downloads import Downloads, csv_table


@pytest.fixture
def fed_app_ws(demo_app_ws: Workspace) -> Workspace:
    ingest.refresh(demo_app_ws)
    return demo_app_ws


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_empty_review_page_shows_zero_counts_and_how_to_find_detections(
    open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("review")
    assert not at.error
    assert [t.value for t in at.title] == ["Review"]
    assert metrics(at) == {
        "To review": "0",
        "Auto-confirmed": "0",
        "Confirmed by you": "0",
        "Dismissed": "0",
        "Guest suggestions": "0",
    }
    assert [i.value for i in at.info] == [
        "Nothing to review. Refresh your feeds (Feeds page or `planner ingest`) to find more."
    ]
    assert "No guest suggestions: every guest found in your episodes is a contact." in [
        c.value for c in at.caption
    ]
    assert not at.data_editor
    header, rows = csv_table(downloads(at, "dl_detections").data)
    assert header == detections.DETECTION_COLUMNS and rows == []


def test_the_review_queue_of_the_demo_fills_once_its_feeds_are_read(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("review")
    assert not at.error and metrics(at)["To review"] == "0"
    ingest.refresh(demo_app_ws)
    at = open_page("review")
    assert not at.error
    totals = detections.counts(demo_app_ws)
    assert totals.pending > 0 and totals.auto > 0 and totals.suggestions > 0
    assert metrics(at) == {
        "To review": str(totals.pending),
        "Auto-confirmed": str(totals.auto),
        "Confirmed by you": str(totals.confirmed),
        "Dismissed": str(totals.dismissed),
        "Guest suggestions": str(totals.suggestions),
    }
    editor = at.data_editor(key="review_gave")
    queue = [d for d in detections.review_queue(demo_app_ws) if d.direction == "gave"]
    assert editor.value["id"].tolist() == [d.id for d in queue]
    assert set(editor.value["contact"]) == {"Sunita Vasquez", "Oliver Pratt"}
    assert any("«Sunny»" in e for e in editor.value["evidence"])
    labels = {b.label for b in at.button}
    assert {"Add as contact", "Dismiss"} <= labels
    assert any(label.startswith("Add as alias of Priya Raman") for label in labels)


def test_confirming_a_pending_detection_creates_the_interaction(
    fed_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    sunny = next(d for d in detections.review_queue(fed_app_ws) if d.contact == "Sunita Vasquez")
    confirmed_before = detections.counts(fed_app_ws).confirmed
    at = open_page("review")
    at.selectbox(key="review_pick").select(sunny.id).run()
    at.button(key="review_one_confirm").click().run()
    assert not at.exception and not at.error
    confirmed = detections.list_detections(fed_app_ws, contact_id=sunny.contact_id)[0]
    assert confirmed.status == "confirmed" and confirmed.interaction_id is not None
    rows = ledger.list_interactions(fed_app_ws, contact_id=sunny.contact_id)
    assert [(r.kind.value, r.source.value) for r in rows] == [("feature", "feed")]
    assert metrics(at)["To review"] == str(detections.counts(fed_app_ws).pending)
    assert metrics(at)["Confirmed by you"] == str(detections.counts(fed_app_ws).confirmed)
    assert detections.counts(fed_app_ws).confirmed == confirmed_before + 1


def test_bulk_dismiss_through_the_checkbox_column(
    fed_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("review")
    editor = at.data_editor(key="review_gave")
    rows = list(editor.value["id"])
    at.session_state["review_gave"] = {
        "edited_rows": {i: {"select": True} for i in range(len(rows))},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="review_gave_dismiss").click().run()
    assert not at.exception and not at.error
    assert detections.review_queue(fed_app_ws) == []
    assert detections.counts(fed_app_ws).dismissed == len(rows) > 0
    assert metrics(at)["Dismissed"] == str(len(rows)) and metrics(at)["To review"] == "0"


def test_accepting_a_suggested_guest_adds_the_contact(
    fed_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    iris = next(g for g in detections.list_suggestions(fed_app_ws) if g.name == "Iris Calloway")
    before = detections.counts(fed_app_ws).suggestions
    at = open_page("review")
    at.button(key=f"sugg_accept_{iris.id}").click().run()
    assert not at.exception and not at.error
    added = [c for c in contacts.list_contacts(fed_app_ws) if c.name == "Iris Calloway"]
    assert [c.domains for c in added] == [("iriscalloway.example",)]
    assert metrics(at)["Guest suggestions"] == str(before - 1)


def test_contact_detail_lists_what_the_feeds_found(
    fed_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    grant = next(c for c in contacts.list_contacts(fed_app_ws) if c.name == "Grant Holloway")
    at = open_page("contacts")
    at.selectbox(key="contact_pick").select(grant.id).run()
    assert not at.exception and not at.error
    found = next(
        d.value for d in at.dataframe if {"feed", "status", "evidence"} <= set(d.value.columns)
    )
    assert set(found["direction"]) == {"I gave", "Context"}  # in words, never codes
    assert "Guest" in set(found["role"]) and "Confirmed automatically" in set(found["status"])
    assert all(d == "" or "-" not in d for d in found["date"])  # "6 Dec 2026", not ISO
    assert any(str(t).startswith("Ep 50") for t in found["entry"])


def test_merging_and_undoing_from_the_contacts_page(
    fed_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    by_name = {c.name: c for c in contacts.list_contacts(fed_app_ws)}
    hannah, daniel = by_name["Hannah Reyes"], by_name["Daniel Reyes"]
    at = open_page("contacts")
    at.selectbox(key="contact_pick").select(hannah.id).run()
    assert at.button(key="merge_submit").disabled
    at.selectbox(key="merge_other").select(daniel.id).run()
    at.checkbox(key="merge_confirm").check().run()
    at.button(key="merge_submit").click().run()
    assert not at.exception and not at.error
    assert contacts.get(fed_app_ws, daniel.id).archived
    assert "Daniel Reyes" in contacts.get(fed_app_ws, hannah.id).aliases
    at.button(key="merge_undo").click().run()
    assert not at.exception and not at.error
    assert not contacts.get(fed_app_ws, daniel.id).archived
    assert merge.last_merge(fed_app_ws) is None


def test_the_detections_download_is_every_detection_with_its_status(
    fed_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("review")
    got = downloads(at, "dl_detections")
    assert (got.file_name, got.mimetype) == ("detections.csv", "text/csv")
    header, rows = csv_table(got.data)
    every = detections.list_detections(fed_app_ws)
    assert header == detections.DETECTION_COLUMNS
    assert [int(r["id"]) for r in rows] == [d.id for d in every] and len(every) > 0
    pending = detections.review_queue(fed_app_ws)[0]
    row = next(r for r in rows if r["id"] == str(pending.id))
    assert (row["contact"], row["status"], row["direction"]) == (
        pending.contact,
        "pending",
        pending.direction,
    )
    assert row["entry_title"] == pending.entry_title


def test_decided_detections_are_shown_a_page_at_a_time(
    fed_app_ws: Workspace, open_page: Callable[[str], AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(detection_table, "PAGE_ROWS", 2)
    filters = {"statuses": ["auto", "confirmed", "dismissed"], "directions": ["gave", "received"]}
    decided = detections.list_detections(fed_app_ws, **filters)
    assert len(decided) > 2
    at = open_page("review")

    def shown() -> list[int]:
        frame = next(d.value for d in at.dataframe if "status" in d.value.columns)
        return [int(i) for i in frame["id"]]

    assert shown() == [d.id for d in decided[:2]]
    at.number_input(key="review_decided_page").set_value(2).run()
    assert shown() == [d.id for d in decided[2:4]]
    assert not at.exception and not at.error


def test_the_review_queue_is_shown_a_page_at_a_time(
    fed_app_ws: Workspace, open_page: Callable[[str], AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(detection_table, "PAGE_ROWS", 1)
    queue = detections.review_queue(fed_app_ws)
    direction = max(("gave", "received"), key=lambda w: sum(d.direction == w for d in queue))
    pending = [d for d in queue if d.direction == direction]
    assert len(pending) > 1
    at = open_page("review")
    key = f"review_{direction}"
    assert at.data_editor(key=key).value["id"].tolist() == [pending[0].id]
    at.number_input(key=f"{key}_page").set_value(2).run()
    assert at.data_editor(key=key).value["id"].tolist() == [pending[1].id]
    assert not at.exception and not at.error
