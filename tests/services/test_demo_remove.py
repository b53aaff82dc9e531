"""Removing the demo: every record it brought goes, what the user added stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from planner.services import contacts, demo, ingest, ledger, settings
from planner.services.workspace import Workspace
from planner.storage import schema


def count(ws: Workspace, row_type: type[schema.Base], *where: object) -> int:
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(row_type).where(*where)) or 0  # type: ignore[arg-type]


def test_a_fresh_workspace_is_not_the_demo(ws: Workspace) -> None:
    assert not demo.is_loaded(ws)


def test_the_demo_is_marked_when_loaded(demo_ws: Workspace) -> None:
    assert demo.is_loaded(demo_ws)
    with demo_ws.read() as s:
        marker = s.get(schema.SettingRow, demo.MARKER)
        assert marker is not None
        assert marker.value["loaded_on"] == demo_ws.today().isoformat()
        assert len(marker.value["feeds"]) == count(demo_ws, schema.FeedRow) > 0
        assert len(marker.value["asks"]) == count(demo_ws, schema.AskRow) > 0


def test_removing_the_demo_keeps_nothing_of_it_and_everything_of_mine(
    demo_ws: Workspace,
) -> None:
    ws = demo_ws
    ingest.refresh(ws)  # the demo's feeds read: entries, detections, feed ledger rows
    assert count(ws, schema.InteractionRow, schema.InteractionRow.source == "feed") > 0
    mine = contacts.add(ws, contacts.ContactInput(name="Pat Mine", tier="active"))
    ledger.add(
        ws,
        ledger.LedgerInput(
            contact=mine.id,
            direction="gave",
            kind="share",
            occurred_on=ws.today() - timedelta(days=1),
        ),
    )
    ledger.add(  # an audience give of mine
        ws,
        ledger.LedgerInput(
            contact=None, direction="gave", kind="content", occurred_on=ws.today(), title="Mine"
        ),
    )
    settings.update_settings(ws, half_life_days=60.0)

    assert demo.remove(ws) == "demo removed (25 contacts)"

    assert not demo.is_loaded(ws)
    with ws.read() as s:
        assert list(s.scalars(select(schema.ContactRow.name))) == ["Pat Mine"]
        rows = list(s.scalars(select(schema.InteractionRow)))
        assert sorted((r.contact_id or 0, r.title) for r in rows) == [(0, "Mine"), (mine.id, "")]
    for table in (
        schema.FeedRow,
        schema.EntryRow,
        schema.DetectionRow,
        schema.GuestSuggestionRow,
        schema.AskRow,
        schema.PlannedGiveRow,
        schema.RequestRow,
        schema.ProfileRow,
        schema.UndoRow,
    ):
        assert count(ws, table) == 0, table.__tablename__
    assert ws.profile().name == ""
    assert ws.settings().half_life_days == 60.0  # my setting stays


def test_removing_everything_empties_the_database(demo_ws: Workspace) -> None:
    contacts.add(demo_ws, contacts.ContactInput(name="Pat Mine"))
    assert demo.remove(demo_ws, keep_mine=False) == "everything removed (26 contacts)"
    assert demo.is_empty(demo_ws) and not demo.is_loaded(demo_ws)


def test_a_demo_loaded_before_the_marker_is_still_found_and_removed(demo_ws: Workspace) -> None:
    with demo_ws.write() as s:
        s.execute(schema.SettingRow.__table__.delete().where(schema.SettingRow.key == "demo"))
    assert demo.is_loaded(demo_ws)  # by its contacts
    demo.remove(demo_ws)
    assert demo.is_empty(demo_ws)
    for table in (schema.FeedRow, schema.AskRow, schema.PlannedGiveRow, schema.RequestRow):
        assert count(demo_ws, table) == 0, table.__tablename__


def test_a_profile_the_user_rewrote_is_kept(demo_ws: Workspace) -> None:
    settings.save_profile(demo_ws, name="Pat Mine", email="pat@mine.example")
    demo.remove(demo_ws)
    assert demo_ws.profile().name == "Pat Mine"
