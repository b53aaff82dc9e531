"""Tables for the screen: balances and next moves in words; the CSVs keep their columns."""

from __future__ import annotations

from planner.services import exports, plan, plan_tables
from planner.services.workspace import Workspace


def test_balances_for_people_words_columns_tiers_trust_and_dates(demo_ws: Workspace) -> None:
    frame = exports.balances_frame(demo_ws)
    shown = exports.balances_for_people(
        frame, ["contact", "tier", "balance", "trust", "reciprocity_ratio", "last_interaction"]
    )
    assert list(shown.columns) == [
        "Contact",
        "Tier",
        "Balance",
        "Trust",
        "Reciprocity",
        "Last exchange",
    ]
    assert set(shown["Tier"]) <= {"Inner circle", "Close", "Active", "Network"}
    assert set(shown["Trust"]) <= {"New", "Acquainted", "Trusted"}
    assert all(d == "" or ("-" not in d and "T" not in d) for d in shown["Last exchange"])
    assert shown["Balance"].tolist() == frame["balance"].tolist()  # numbers stay numbers
    assert "reciprocity_ratio" in frame.columns  # the CSV's frame is untouched


def test_moves_for_people_in_words_and_the_csv_unchanged(demo_ws: Workspace) -> None:
    moves = plan.moves(demo_ws)
    csv = plan_tables.moves_table(moves)
    assert list(csv.columns) == plan_tables.MOVE_COLUMNS
    shown = plan_tables.moves_table(moves, for_people=True)
    assert list(shown.columns) == ["Priority", "Move", "Contact", "What", "Why", "Do"]
    assert not any("_" in v or ":" in v for v in shown["Do"])
    assert not any("_" in v for v in shown["Move"])
    assert shown["What"].tolist() == csv["title"].tolist()
