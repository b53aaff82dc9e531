"""Which gives close a goodwill gap before a date, and at what effort.

A give's worth *on the target date* is its ledger value decayed from the day it is given::

    weight(kind) × exposure(my reach → their reach) × decay(target − give day)

Gives are ranked by effort (rough relative hours, configurable): share < mention < link <
reward < free report < feature < help < intro < interview. "The cheapest gives" is the set
of distinct kinds with the least total effort whose values add up to the gap — one of each
kind at most, because a plan that links to the same person five times in a week is not a
relationship, it is spam. Ties go to fewer gives, then to the cheaper kinds.

Nothing here reads the clock: ``today`` is always an argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType

from planner.domain.goodwill import decay, exposure
from planner.domain.model import Contact, Kind, Settings
from planner.domain.weeks import give_day, short_date, week_start, when

#: Relative effort of each give kind, in rough hours. Only these kinds are proposed.
DEFAULT_EFFORT: Mapping[Kind, float] = MappingProxyType(
    {
        Kind.SHARE: 1.0,
        Kind.MENTION: 2.0,
        Kind.LINK: 3.0,
        Kind.REWARD: 4.0,
        Kind.FREE_REPORT: 5.0,
        Kind.FEATURE: 6.0,
        Kind.HELP: 7.0,
        Kind.INTRO: 8.0,
        Kind.INTERVIEW: 9.0,
    }
)

#: Combinations are enumerated exhaustively (2^n of them): keep the menu short.
MAX_GIVE_KINDS = 12

#: Float slack when comparing a projected value with a gap.
EPSILON = 1e-9

_PHRASES: Mapping[Kind, str] = MappingProxyType(
    {
        Kind.SHARE: "a share",
        Kind.MENTION: "a mention",
        Kind.LINK: "a link",
        Kind.REWARD: "a reward",
        Kind.FREE_REPORT: "a free report",
        Kind.FEATURE: "a feature",
        Kind.HELP: "some help",
        Kind.INTRO: "an intro",
        Kind.INTERVIEW: "an interview",
    }
)


def kind_phrase(kind: Kind | str) -> str:
    """``a link``, ``an interview``: how a give reads in an explanation."""
    k = Kind(kind)
    if k in _PHRASES:
        return _PHRASES[k]
    words = k.value.replace("_", " ")
    return ("an " if words[0] in "aeiou" else "a ") + words


@dataclass(frozen=True, slots=True)
class EffortTable:
    """The give menu: kinds cheapest first and every combination of them, cheapest first."""

    kinds: tuple[Kind, ...]
    efforts: tuple[float, ...]
    #: Index tuples into ``kinds``, ordered by (total effort, size, indices).
    combos: tuple[tuple[int, ...], ...]


def effort_table(effort: Mapping[Kind, float] | Mapping[str, float] | None = None) -> EffortTable:
    """The menu for an effort mapping (default :data:`DEFAULT_EFFORT`); cached per mapping."""
    source = DEFAULT_EFFORT if effort is None else effort
    items = tuple(sorted((Kind(k).value, float(v)) for k, v in source.items()))
    return _effort_table(items)


@lru_cache(maxsize=16)
def _effort_table(items: tuple[tuple[str, float], ...]) -> EffortTable:
    if len(items) > MAX_GIVE_KINDS:
        raise ValueError(f"at most {MAX_GIVE_KINDS} give kinds can be planned, got {len(items)}")
    if any(v < 0 for _, v in items):
        raise ValueError("give efforts must not be negative")
    ordered = sorted(items, key=lambda kv: (kv[1], kv[0]))
    kinds = tuple(Kind(k) for k, _ in ordered)
    efforts = tuple(v for _, v in ordered)
    n = len(kinds)
    combos = [tuple(i for i in range(n) if mask >> i & 1) for mask in range(1, 1 << n)]
    combos.sort(key=lambda c: (sum(efforts[i] for i in c), len(c), c))
    return EffortTable(kinds, efforts, tuple(combos))


def give_value(
    kind: Kind | str,
    *,
    give_on: date,
    target: date | None,
    my_reach: int | None,
    their_reach: int | None,
    settings: Settings,
) -> float:
    """What one give (magnitude 1) from me will be worth on ``target`` (undecayed if None)."""
    base = settings.weight(kind) * exposure(kind, my_reach, their_reach, settings)
    if target is None:
        return base
    return base * decay((target - give_on).days, settings.half_life_days)


@dataclass(frozen=True, slots=True)
class GiveOption:
    """One proposed give and what it adds to the balance by the target date."""

    kind: Kind
    week_start: date
    give_on: date
    target: date | None
    value_on_target: float
    effort: float
    #: e.g. "a link this week: +1.9 by Jun 3"
    explanation: str


def explain_give(
    kind: Kind, value_on_target: float, week: date, target: date | None, today: date
) -> str:
    """``a link this week: +1.9 by Jun 3``."""
    text = f"{kind_phrase(kind)} {when(week, today)}: +{value_on_target:.1f}"
    if target is not None:
        text += f" by {short_date(target, today)}"
    return text


def cheapest_gives(
    gap: float,
    *,
    contact: Contact,
    target: date | None,
    today: date,
    my_reach: int | None,
    settings: Settings,
    effort: Mapping[Kind, float] | Mapping[str, float] | None = None,
) -> list[GiveOption]:
    """The least-effort set of gives, all made this week, that closes ``gap`` by ``target``.

    Each give happens today (as early as possible: give first) and its value decays until
    the target date; exposure follows my reach and the contact's. ``target`` None means no
    deadline: values are counted undecayed.

    Returns the gives cheapest first, or an empty list when there is nothing to close
    (``gap`` ≤ 0), when the target has passed, or when even one give of every kind would
    not close the gap (the caller can tell these apart from ``gap`` and ``target``).
    """
    if gap <= EPSILON or (target is not None and target < today):
        return []
    table = effort_table(effort)
    week = week_start(today)
    on = give_day(week, today)
    values = [
        give_value(
            k,
            give_on=on,
            target=target,
            my_reach=my_reach,
            their_reach=contact.reach,
            settings=settings,
        )
        for k in table.kinds
    ]
    if sum(values) < gap - EPSILON:
        return []
    for combo in table.combos:
        if sum(values[i] for i in combo) >= gap - EPSILON:
            return [
                GiveOption(
                    kind=table.kinds[i],
                    week_start=week,
                    give_on=on,
                    target=target,
                    value_on_target=values[i],
                    effort=table.efforts[i],
                    explanation=explain_give(table.kinds[i], values[i], week, target, today),
                )
                for i in combo
            ]
    return []  # unreachable: the full combination was checked above
