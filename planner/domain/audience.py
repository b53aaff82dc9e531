"""The audience as a relationship: the promotion budget.

Gives to the audience are ledger rows with no contact and direction ``gave`` (published
content, free reports, rewards). Asks of it are rows with no contact, direction
``received`` and an audience-ask kind (promotion, affiliate promo, JV): the audience's
attention spent on selling. Planned items count too, on their dates:

* a planned :class:`~planner.domain.model.Ask` with no contact and an audience-ask kind
  (status planned, sent or accepted) is an audience ask on its target date;
* a planned :class:`~planner.domain.model.PlannedGive` of an audience-ask kind is an
  audience ask on its due date even when it is for a contact — promoting someone's launch
  spends my audience's goodwill whoever it helps;
* any other planned give with no contact is an audience give.

Done or dropped plans are not counted: what was done is in the ledger already.

The budget (settings): at most ``promo_max_per_30_days`` asks in any rolling 30 days, and
at least ``promo_min_give_ask_ratio_90_days`` gives per ask over the 90 days ending on the
day of an ask. Both are counts (a post is a give, a launch email is an ask), because that is
how a reader experiences them.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from planner.domain.model import (
    AUDIENCE_ASK_KINDS,
    PENDING_ASK_STATUSES,
    Ask,
    AskStatus,
    Direction,
    GiveStatus,
    Interaction,
    Kind,
    PlannedGive,
    Settings,
)
from planner.domain.weeks import short_date

PROMO_WINDOW_DAYS = 30
RATIO_WINDOW_DAYS = 90
#: How far ahead to look for a day the budget allows.
SEARCH_DAYS = 366

PlanItem = PlannedGive | Ask


@dataclass(frozen=True, slots=True)
class BudgetState:
    """The audience budget as of a day, with the dated events that make it."""

    as_of: date
    #: Audience asks in the 30 days ending ``as_of`` (ledger and plans dated by then).
    promotions_30d: int
    max_promotions_30d: int
    #: Audience gives and asks in the 90 days ending ``as_of``.
    gives_90d: int
    asks_90d: int
    #: gives / asks over 90 days; None when there was no ask.
    ratio_90d: float | None
    min_ratio: float
    #: The budget holds today: the 30-day count and the 90-day ratio are within limits.
    ok: bool
    #: First day from ``as_of`` when one more promotion fits the 30-day rule.
    next_free_day: date
    #: Audience gives still needed before one more ask keeps the 90-day ratio.
    gives_needed: int
    explanation: str
    #: Every dated audience ask and give (past and planned), sorted.
    ask_days: tuple[date, ...] = ()
    give_days: tuple[date, ...] = ()


def _count(days: tuple[date, ...] | list[date], first: date, last: date) -> int:
    return bisect_right(days, last) - bisect_left(days, first)


def _event(item: PlanItem, *, proposed: bool) -> tuple[str, date] | None:
    """("ask" | "give", day) for a plan item that touches the audience, else None."""
    if isinstance(item, Ask):
        live = item.status not in (AskStatus.DONE, AskStatus.DECLINED) and (
            proposed or item.status in PENDING_ASK_STATUSES
        )
        if live and item.contact_id is None and item.kind in AUDIENCE_ASK_KINDS:
            return ("ask", item.target_date) if item.target_date else None
        return None
    live = item.status not in (GiveStatus.DONE, GiveStatus.DROPPED) and (
        proposed or item.status is GiveStatus.PLANNED
    )
    if not live or item.due_date is None:
        return None
    if item.kind in AUDIENCE_ASK_KINDS:
        return "ask", item.due_date
    if item.contact_id is None:
        return "give", item.due_date
    return None


def audience_budget(
    audience_interactions: Iterable[Interaction],
    planned: Iterable[PlanItem] = (),
    *,
    today: date,
    settings: Settings,
) -> BudgetState:
    """The promotion budget as of ``today`` from the audience ledger and the plans."""
    asks, gives = _audience_days(audience_interactions, planned)
    limit = settings.promo_max_per_30_days
    min_ratio = settings.promo_min_give_ask_ratio_90_days
    promos = _count(asks, today - timedelta(days=PROMO_WINDOW_DAYS - 1), today)
    start90 = today - timedelta(days=RATIO_WINDOW_DAYS - 1)
    g90, a90 = _count(gives, start90, today), _count(asks, start90, today)
    ratio = g90 / a90 if a90 else None
    ok = promos <= limit and (ratio is None or ratio >= min_ratio)
    needed = max(0, math.ceil(min_ratio * (a90 + 1) - g90 - 1e-9))
    free = _next_free_day(asks, today, limit)
    explanation = (
        f"{promos} of {limit} promotions in the last {PROMO_WINDOW_DAYS} days; "
        f"{g90} gives to {a90} asks over {RATIO_WINDOW_DAYS} days "
        + (f"(ratio {ratio:.1f}:1, " if ratio is not None else "(no ask, ")
        + f"minimum {min_ratio:g}:1)"
        + ("" if free == today else f"; next promotion fits from {short_date(free, today)}")
        + (f"; {needed} more audience gives before the next ask" if needed else "")
    )
    return BudgetState(
        as_of=today,
        promotions_30d=promos,
        max_promotions_30d=limit,
        gives_90d=g90,
        asks_90d=a90,
        ratio_90d=ratio,
        min_ratio=min_ratio,
        ok=ok,
        next_free_day=free,
        gives_needed=needed,
        explanation=explanation,
        ask_days=tuple(asks),
        give_days=tuple(gives),
    )


#: ok: room for another promotion; full: at the limit (the next one would break a rule);
#: over: a rule is broken now.
BudgetLevel = Literal["ok", "full", "over"]

#: How each level reads after "Audience promotion budget: ".
LEVEL_WORDS: dict[str, str] = {"ok": "room left", "full": "at the limit", "over": "over the limit"}


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """The audience budget in its one wording, with its level (what colours it)."""

    level: BudgetLevel
    text: str


def budget_level(budget: BudgetState) -> BudgetLevel:
    """over when a rule is broken today; full when one more promotion today would break one
    (30-day count reached, or the ratio needs more gives first); else ok."""
    if not budget.ok:
        return "over"
    if budget.promotions_30d >= budget.max_promotions_30d or budget.gives_needed:
        return "full"
    return "ok"


def budget_line(budget: BudgetState) -> BudgetLine:
    """The one sentence every page, export and move uses for the audience budget:
    ``Audience promotion budget: at the limit — 2 of 2 promotions in the last 30 days; …``.
    """
    level = budget_level(budget)
    room = budget.max_promotions_30d - budget.promotions_30d
    state = LEVEL_WORDS[level]
    if level == "ok":
        state += f" ({room} more promotion{'' if room == 1 else 's'} fit now)"
    return BudgetLine(level, f"Audience promotion budget: {state} — {budget.explanation}")


def _audience_days(
    audience_interactions: Iterable[Interaction], planned: Iterable[PlanItem]
) -> tuple[list[date], list[date]]:
    """The days of audience asks and of audience gives, done and planned, each sorted."""
    asks: list[date] = []
    gives: list[date] = []
    for it in audience_interactions:
        if it.contact_id is not None:
            continue
        if it.direction is Direction.GAVE:
            gives.append(it.occurred_on)
        elif Kind(it.kind) in AUDIENCE_ASK_KINDS:
            asks.append(it.occurred_on)
    for item in planned:
        ev = _event(item, proposed=False)
        if ev is not None:
            (asks if ev[0] == "ask" else gives).append(ev[1])
    asks.sort()
    gives.sort()
    return asks, gives


def _next_free_day(asks: list[date], today: date, limit: int) -> date:
    """The first day from ``today`` with room in its promotion window for one more ask."""
    free = today
    for offset in range(SEARCH_DAYS + PROMO_WINDOW_DAYS):
        free = today + timedelta(days=offset)
        if _window_room(asks, free, limit):
            break
    return free


def _worst_window(asks: list[date] | tuple[date, ...], day: date) -> tuple[int, date]:
    """The busiest 30-day window containing ``day``: (asks already in it, its first day)."""
    worst = (-1, day)
    for shift in range(PROMO_WINDOW_DAYS):
        first = day - timedelta(days=PROMO_WINDOW_DAYS - 1 - shift)
        n = _count(asks, first, first + timedelta(days=PROMO_WINDOW_DAYS - 1))
        if n > worst[0]:
            worst = (n, first)
    return worst


def _window_room(asks: list[date] | tuple[date, ...], day: date, limit: int) -> bool:
    """Would one more ask on ``day`` keep every 30-day window around it within ``limit``?"""
    return _worst_window(asks, day)[0] + 1 <= limit


def _blocker(
    asks: list[date] | tuple[date, ...],
    gives: list[date] | tuple[date, ...],
    day: date,
    budget: BudgetState,
) -> str | None:
    limit = budget.max_promotions_30d
    on = short_date(day, budget.as_of)
    n, first = _worst_window(asks, day)
    if n + 1 > limit:
        last = first + timedelta(days=PROMO_WINDOW_DAYS - 1)
        return (
            f"a promotion on {on} would be number {n + 1} in the 30 days "
            f"{short_date(first, budget.as_of)}–{short_date(last, budget.as_of)} "
            f"(at most {limit})"
        )
    start = day - timedelta(days=RATIO_WINDOW_DAYS - 1)
    g, a = _count(gives, start, day), _count(asks, start, day) + 1
    if g < budget.min_ratio * a - 1e-9:
        return (
            f"a promotion on {on} would bring the 90-day give:ask ratio to "
            f"{g}:{a} = {g / a:.1f}:1, below {budget.min_ratio:g}:1"
        )
    return None


def promotion_blocker(
    budget: BudgetState,
    day: date,
    *,
    extra_asks: Iterable[date] = (),
    extra_gives: Iterable[date] = (),
) -> str | None:
    """Why one more audience ask on ``day`` would break the budget, or None if it fits.

    The 30-day rule looks at every 30-day window containing ``day`` (a promotion already
    planned three weeks later counts); the ratio rule at the 90 days ending on ``day``,
    planned audience gives included. ``extra_*`` are dates of other new items considered
    together with this one.
    """
    asks = sorted([*budget.ask_days, *extra_asks])
    gives = sorted([*budget.give_days, *extra_gives])
    return _blocker(asks, gives, day, budget)


def first_promotion_day(budget: BudgetState, start: date) -> date | None:
    """The first day from ``start`` when one more audience ask fits both rules, or None
    when none does within a year (the ratio needs new audience gives first)."""
    for offset in range(SEARCH_DAYS):
        day = start + timedelta(days=offset)
        if _blocker(budget.ask_days, budget.give_days, day, budget) is None:
            return day
    return None


def check_plan_against_budget(new_items: Iterable[PlanItem], budget: BudgetState) -> list[str]:
    """Warnings for new plan items that would break the audience budget (empty: fine).

    Items are considered together, in date order: the second of two new promotions in the
    same month is flagged even if each alone would fit. New audience gives count toward
    the ratio of later asks.
    """
    events = sorted(
        (ev[1], ev[0], i)
        for i, item in enumerate(new_items)
        if (ev := _event(item, proposed=True)) is not None
    )
    warnings: list[str] = []
    asks: list[date] = []
    gives = [day for day, kind, _ in events if kind == "give"]
    for day, kind, _ in events:
        if kind != "ask":
            continue
        why = promotion_blocker(budget, day, extra_asks=asks, extra_gives=gives)
        if why is not None:
            warnings.append(why)
        insort(asks, day)
    return warnings
