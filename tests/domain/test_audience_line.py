"""The audience budget's one wording and its level (ok / full / over)."""

from __future__ import annotations

from datetime import date

from planner.domain.audience import audience_budget, budget_level, budget_line
from planner.domain.model import Direction, Interaction, Kind, Settings

TODAY = date(2026, 6, 1)


def row(kind: Kind, direction: Direction, day: date) -> Interaction:
    return Interaction(0, None, direction, kind, day)


def promo(day: date) -> Interaction:
    return row(Kind.PROMOTION, Direction.RECEIVED, day)


def posts(n: int) -> list[Interaction]:
    return [row(Kind.CONTENT, Direction.GAVE, date(2026, 5, 2 + i)) for i in range(n)]


def test_room_left_says_how_many_promotions_fit() -> None:
    # 1 of 2 promotions in 30 days; 8 posts to 1 ask (8:1 ≥ 4:1); one more ask needs 8 gives
    budget = audience_budget(
        [promo(date(2026, 5, 20)), *posts(8)], today=TODAY, settings=Settings()
    )
    line = budget_line(budget)
    assert line.level == "ok" == budget_level(budget)
    assert line.text == (
        "Audience promotion budget: room left (1 more promotion fit now) — 1 of 2 promotions "
        "in the last 30 days; 8 gives to 1 asks over 90 days (ratio 8.0:1, minimum 4:1)"
    )


def test_at_the_count_limit_the_budget_is_full() -> None:
    rows = [promo(date(2026, 5, 10)), promo(date(2026, 5, 25)), *posts(12)]
    line = budget_line(audience_budget(rows, today=TODAY, settings=Settings()))
    assert line.level == "full"
    assert line.text.startswith("Audience promotion budget: at the limit — 2 of 2 promotions")
    assert line.text.endswith("next promotion fits from Jun 9")


def test_a_ratio_needing_gives_first_is_full_too() -> None:
    # 1 promotion, 4 posts: 4:1 holds today, a second ask needs 8 gives → 4 more first
    line = budget_line(
        audience_budget([promo(date(2026, 5, 20)), *posts(4)], today=TODAY, settings=Settings())
    )
    assert line.level == "full"
    assert line.text.endswith("4 more audience gives before the next ask")


def test_a_broken_ratio_is_over() -> None:
    line = budget_line(
        audience_budget([promo(date(2026, 5, 20))], today=TODAY, settings=Settings())
    )
    assert line.level == "over"
    assert line.text.startswith("Audience promotion budget: over the limit — 1 of 2 promotions")
