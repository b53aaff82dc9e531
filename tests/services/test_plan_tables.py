"""The Plan page's tables: a week's gives and ask targets, tiers, losing touch."""

from __future__ import annotations

from datetime import timedelta

from planner.services import Workspace, contacts, gives, plan, plan_tables
from planner.services.contacts import ContactInput
from planner.services.gives import GiveInput
from tests.conftest import TODAY


def test_a_week_lists_its_gives_and_an_overdue_one_says_so(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Ada Lovelace"))
    late = gives.add(
        ws,
        GiveInput(
            kind="mention", contact="Ada Lovelace", due=TODAY - timedelta(days=10), title="late"
        ),
    )
    on_time = gives.add(ws, GiveInput(kind="share", due=TODAY, title="now"))
    table = plan_tables.week_table(plan.calendar(ws, weeks=1)[0])
    assert table.columns.tolist() == plan_tables.WEEK_COLUMNS
    by_id = {row["id"]: row for row in table.to_dict("records")}
    assert by_id[late.id]["status"] == "overdue" and by_id[late.id]["contact"] == "Ada Lovelace"
    assert by_id[on_time.id]["contact"] == "audience" and by_id[on_time.id]["what"] == "give"


def test_tiers_and_losing_touch_tables_keep_their_columns(ws: Workspace) -> None:
    cap = plan.capacity(ws)
    tiers = plan_tables.tiers_table(cap)
    assert tiers.columns.tolist() == plan_tables.TIER_COLUMNS and len(tiers) == len(cap.tiers)
    touch = plan_tables.losing_touch_table(cap)
    assert touch.columns.tolist() == plan_tables.TOUCH_COLUMNS and touch.empty
