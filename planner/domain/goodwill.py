"""The goodwill model: what each interaction is worth, balances, trust and ask readiness.

Value of one interaction, as of a date::

    value = weight(kind) × magnitude × exposure × decay

* ``weight(kind)`` comes from :class:`~planner.domain.model.Settings` (mention 1, link 2,
  interview 5, …).
* ``exposure`` applies to exposure kinds only (mention, link, feature, interview, share,
  promotion): ``clamp(sqrt(giver_reach / receiver_reach), 0.25, 2)`` when both reaches are
  known, else 1. Interviewing someone far bigger than you is partly a favour they do you.
* ``decay = 0.5 ** (age_days / half_life_days)``; events after the as-of date count 0.

Balance with a contact = decayed value given − decayed value received: positive means I
may ask, negative means I owe them. Reciprocity ratio = lifetime (undecayed) received /
lifetime given. Trust is not balance: it grows with the number of times they gave back,
spread over quarters.

Exponential decay factors as ``0.5 ** (t_event/H) / 0.5 ** (t_asof/H)``, so a per-row
"growth" ``base × 2 ** (days_since_epoch/H)`` can be summed once per contact and turned into
a balance at any date by one multiplication (see :func:`growth` and
:func:`balance_from_growth`). Storage keeps that column so a million rows aggregate in SQL.

No fixed epoch keeps ``2^(days/H)`` inside a float for every allowed date and half-life
(1970..2199 at H = 14 spans exponents from about −1300 to +4700), so :func:`growth` clamps
its exponent to ±``GROWTH_LIMIT``; it never overflows, for any date. The clamp makes the
sum exact only where no row it counts was clamped in a way that matters:
:func:`growth_is_exact` says when (always at the default half-life; at H = 14 from 1985 to
2056), and elsewhere a balance is summed row by row with :func:`decayed_sum`.

Nothing here reads the clock or does I/O; ``as_of`` is always an argument.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from planner.domain.model import (
    EXPOSURE_KINDS,
    PENDING_ASK_STATUSES,
    Ask,
    Direction,
    Interaction,
    Kind,
    Settings,
    Trust,
    trust_rank,
)
from planner.domain.values import MIN_HALF_LIFE_DAYS

#: Day zero of the growth column.
GROWTH_EPOCH = date(2020, 1, 1)
#: The exponent of 2 in a stored growth value stays within ±GROWTH_LIMIT. Headroom: a sum of
#: a billion rows of base 10^4 each (about 2^43) times 2^960 is still far below the float
#: maximum (about 2^1024), so the SQL sum cannot overflow either.
GROWTH_LIMIT = 960.0
#: A row clamped at −GROWTH_LIMIT is worth less than 2^-GROWTH_MARGIN of its base, both as
#: stored and truly, when the as-of exponent is at least −GROWTH_LIMIT + GROWTH_MARGIN: far
#: below anything shown (balances show one decimal).
GROWTH_MARGIN = 64.0


def exposure(
    kind: Kind | str, giver_reach: int | None, receiver_reach: int | None, settings: Settings
) -> float:
    """Relative-reach multiplier for exposure kinds; 1 for everything else or when unknown."""
    if Kind(kind) not in EXPOSURE_KINDS:
        return 1.0
    if not giver_reach or not receiver_reach or giver_reach <= 0 or receiver_reach <= 0:
        return 1.0
    raw = math.sqrt(giver_reach / receiver_reach)
    return min(max(raw, settings.exposure_min), settings.exposure_max)


def decay(age_days: float, half_life_days: float) -> float:
    """Weight left after ``age_days``; 0 for events in the future of the as-of date.

    The half-life is floored at ``MIN_HALF_LIFE_DAYS`` exactly as in :func:`growth`, so a
    balance decayed row by row always equals the one aggregated from growth values (and a
    zero half-life cannot divide by zero).
    """
    if age_days < 0:
        return 0.0
    weight: float = 0.5 ** (age_days / max(half_life_days, MIN_HALF_LIFE_DAYS))
    return weight


def reaches(
    direction: Direction | str, my_reach: int | None, their_reach: int | None
) -> tuple[int | None, int | None]:
    """(giver_reach, receiver_reach) for an interaction seen from me."""
    if Direction(direction) is Direction.GAVE:
        return my_reach, their_reach
    return their_reach, my_reach


def base_value(
    interaction: Interaction, *, my_reach: int | None, their_reach: int | None, settings: Settings
) -> float:
    """Undecayed value: weight × magnitude × exposure."""
    giver, receiver = reaches(interaction.direction, my_reach, their_reach)
    return (
        settings.weight(interaction.kind)
        * interaction.magnitude
        * exposure(interaction.kind, giver, receiver, settings)
    )


def value(
    interaction: Interaction,
    *,
    as_of: date,
    my_reach: int | None,
    their_reach: int | None,
    settings: Settings,
) -> float:
    """Decayed value of one interaction as of ``as_of`` (always ≥ 0)."""
    age = (as_of - interaction.occurred_on).days
    base = base_value(interaction, my_reach=my_reach, their_reach=their_reach, settings=settings)
    return base * decay(age, settings.half_life_days)


def growth_exponent(day: date, half_life_days: float) -> float:
    """Half-lives from GROWTH_EPOCH to ``day`` (unclamped; negative before the epoch)."""
    return (day - GROWTH_EPOCH).days / max(half_life_days, MIN_HALF_LIFE_DAYS)


def growth(base: float, occurred_on: date, half_life_days: float) -> float:
    """``base × 2^(days since GROWTH_EPOCH / H)``: summable, see the module docstring.

    The exponent is clamped to ±GROWTH_LIMIT, so any date at any half-life gives a finite
    value (a 9999-12-31 row from an old database included).
    """
    exponent = growth_exponent(occurred_on, half_life_days)
    scale: float = 2.0 ** min(max(exponent, -GROWTH_LIMIT), GROWTH_LIMIT)
    return base * scale


def growth_is_exact(as_of: date, half_life_days: float) -> bool:
    """Whether a sum of stored :func:`growth` values of the rows dated ≤ ``as_of`` gives
    their balance as of ``as_of`` through :func:`balance_from_growth`.

    True when the as-of exponent ``a`` is within [−GROWTH_LIMIT + GROWTH_MARGIN,
    GROWTH_LIMIT]: then no counted row (exponent ≤ a) was clamped at the top, and a row
    clamped at the bottom is worth < 2^-GROWTH_MARGIN of its base both truly and as stored.
    """
    exponent = growth_exponent(as_of, half_life_days)
    return -GROWTH_LIMIT + GROWTH_MARGIN <= exponent <= GROWTH_LIMIT


def balance_from_growth(growth_sum: float, as_of: date, half_life_days: float) -> float:
    """Turn a sum of :func:`growth` values into decayed points as of ``as_of``.

    Meaningful where :func:`growth_is_exact`; never raises, whatever the date.
    """
    return _scale_by_power_of_two(growth_sum, -growth_exponent(as_of, half_life_days))


def _scale_by_power_of_two(value: float, exponent: float) -> float:
    """``value × 2^exponent`` without OverflowError (``2.0 ** 1100`` raises; the product
    may still be representable): ±inf when it truly overflows, 0 when it underflows."""
    if exponent < 1000:  # the plain formula: the numbers every balance has always had
        scale: float = 2.0**exponent
        return value * scale
    if value == 0 or not math.isfinite(value):
        return value
    whole = math.floor(exponent)
    try:
        return math.ldexp(value * 2.0 ** (exponent - whole), whole)
    except OverflowError:
        return math.copysign(math.inf, value)


def decayed_sum(rows: Iterable[tuple[date, float]], as_of: date, half_life_days: float) -> float:
    """Σ base × decay(age) of (day, base) rows dated ≤ ``as_of``: the exact balance
    where :func:`growth_is_exact` is false (slower: every row, or every row's day, is read)."""
    return sum(
        base * decay((as_of - day).days, half_life_days) for day, base in rows if day <= as_of
    )


@dataclass(frozen=True, slots=True)
class ValuedInteraction:
    """An interaction with the numbers that explain its share of a balance."""

    interaction: Interaction
    weight: float
    exposure: float
    decay: float
    value: float  # signed: + for gave, − for received


@dataclass(frozen=True, slots=True)
class BalanceSummary:
    """Everything the app says about one relationship, as of a date."""

    contact_id: int | None
    given: float  # decayed
    received: float  # decayed
    lifetime_given: float  # undecayed
    lifetime_received: float  # undecayed
    gives_count: int
    receives_count: int
    first_on: date | None
    last_on: date | None

    @property
    def balance(self) -> float:
        """Given minus received (decayed): positive when they owe me."""
        return self.given - self.received

    @property
    def reciprocity_ratio(self) -> float | None:
        """Lifetime received / lifetime given; None when I never gave."""
        if self.lifetime_given <= 0:
            return None
        return self.lifetime_received / self.lifetime_given


def explain(
    interactions: Iterable[Interaction],
    *,
    as_of: date,
    my_reach: int | None,
    their_reach: int | None,
    settings: Settings,
) -> list[ValuedInteraction]:
    """Each interaction up to ``as_of`` with its weight, exposure, decay and signed value."""
    rows: list[ValuedInteraction] = []
    for it in interactions:
        if it.occurred_on > as_of:
            continue
        giver, receiver = reaches(it.direction, my_reach, their_reach)
        exp = exposure(it.kind, giver, receiver, settings)
        dec = decay((as_of - it.occurred_on).days, settings.half_life_days)
        w = settings.weight(it.kind)
        v = w * it.magnitude * exp * dec
        sign = 1.0 if Direction(it.direction) is Direction.GAVE else -1.0
        rows.append(ValuedInteraction(it, w, exp, dec, sign * v))
    rows.sort(key=lambda r: (r.interaction.occurred_on, r.interaction.id), reverse=True)
    return rows


def summarize(
    interactions: Iterable[Interaction],
    *,
    contact_id: int | None,
    as_of: date,
    my_reach: int | None,
    their_reach: int | None,
    settings: Settings,
) -> BalanceSummary:
    """Balance, lifetime totals and counts of one contact's interactions up to ``as_of``."""
    given = received = life_given = life_received = 0.0
    gives = receives = 0
    first: date | None = None
    last: date | None = None
    for it in interactions:
        if it.occurred_on > as_of:
            continue
        base = base_value(it, my_reach=my_reach, their_reach=their_reach, settings=settings)
        decayed = base * decay((as_of - it.occurred_on).days, settings.half_life_days)
        if Direction(it.direction) is Direction.GAVE:
            given += decayed
            life_given += base
            gives += 1
        else:
            received += decayed
            life_received += base
            receives += 1
        first = it.occurred_on if first is None else min(first, it.occurred_on)
        last = it.occurred_on if last is None else max(last, it.occurred_on)
    return BalanceSummary(
        contact_id, given, received, life_given, life_received, gives, receives, first, last
    )


def is_one_sided(
    summary: BalanceSummary, *, as_of: date, requests_count: int, settings: Settings
) -> bool:
    """A taker: much given over a long time and little back, or many requests and no give.

    * given ≥ ``one_sided_min_given`` lifetime points, the relationship is older than
      ``one_sided_min_age_days`` and the reciprocity ratio is below
      ``one_sided_max_ratio``; or
    * they made ``one_sided_min_requests`` or more requests and never gave anything.
    """
    if requests_count >= settings.one_sided_min_requests and summary.receives_count == 0:
        return True
    if summary.lifetime_given < settings.one_sided_min_given or summary.first_on is None:
        return False
    if (as_of - summary.first_on).days < settings.one_sided_min_age_days:
        return False
    ratio = summary.reciprocity_ratio
    return ratio is not None and ratio < settings.one_sided_max_ratio


def quarter(day: date) -> tuple[int, int]:
    """(year, quarter index 0–3) of ``day``."""
    return day.year, (day.month - 1) // 3


def trust_level(received_dates: Sequence[date], *, gave_any: bool, settings: Settings) -> Trust:
    """Trust from completed two-way exchanges.

    new → acquainted after their first give → trusted after ``trusted_min_gives`` gives
    spread over at least ``trusted_min_quarters`` calendar quarters, provided I gave too
    (trust is two-way: a stream of gifts I never returned is not a relationship yet).
    """
    quarters = {quarter(d) for d in received_dates}
    return trust_from_counts(
        len(received_dates), len(quarters), gave_any=gave_any, settings=settings
    )


def quarter_index(day: date) -> int:
    """A sortable integer per calendar quarter (stored with each ledger row)."""
    return day.year * 4 + (day.month - 1) // 3


def trust_from_counts(
    received_count: int, received_quarters: int, *, gave_any: bool, settings: Settings
) -> Trust:
    """:func:`trust_level` from aggregates (how many gives, over how many quarters)."""
    if received_count <= 0:
        return Trust.NEW
    if (
        gave_any
        and received_count >= settings.trusted_min_gives
        and received_quarters >= settings.trusted_min_quarters
    ):
        return Trust.TRUSTED
    return Trust.ACQUAINTED


class Readiness(StrEnum):
    """Whether an ask can be made now, and if not, what stands in the way."""

    READY = "ready"
    SHORT = "short"
    NEEDS_TRUST = "needs_trust"
    OVER_COMMITTED = "over_committed"
    CLOSED = "closed"  # done, declined: nothing to assess


@dataclass(frozen=True, slots=True)
class AskAssessment:
    """Whether one ask is ready, with the numbers behind the verdict."""

    ask_id: int
    state: Readiness
    #: Points still missing to make the ask (0 when ready or only trust is missing).
    gap: float
    balance: float
    #: Cost of the other pending asks to the same contact that come first.
    committed: float
    trust: Trust
    trust_required: Trust
    reason: str

    @property
    def ready(self) -> bool:
        """Can the ask be made now?"""
        return self.state is Readiness.READY


def gap_at_target(
    ask: Ask, *, balance: float, committed: float, days: int, half_life_days: float
) -> float:
    """The points ``ask`` will still lack ``days`` from now, on its target date: the
    balance keeps decaying until then, while its cost and the asks queued before it
    (``committed``) do not."""
    return ask.cost + committed - balance * decay(days, half_life_days)


def _ask_order(ask: Ask) -> tuple[date, int, int]:
    return (ask.target_date or date.max, ask.priority, ask.id)


def assess_ask(
    ask: Ask, *, balance: float, trust: Trust, other_asks: Iterable[Ask], settings: Settings
) -> AskAssessment:
    """Is ``ask`` ready? Within the help given, after the asks queued before it, trusted enough.

    The balance must cover this ask's cost plus the costs of the other pending asks to the
    same contact that come before it (earlier target date, then higher priority). Trust is
    checked first: some asks need trust whatever the balance. ``other_asks`` may hold asks
    to anyone: only those to the same contact claim this balance.
    """
    needed_trust = settings.required_trust(ask.kind)
    if ask.status not in PENDING_ASK_STATUSES and ask.status != "idea":
        return AskAssessment(
            ask.id, Readiness.CLOSED, 0.0, balance, 0.0, trust, needed_trust, f"ask is {ask.status}"
        )
    committed = _committed_before(ask, other_asks)
    gap = max(0.0, ask.cost + committed - balance)
    if trust_rank(trust) < trust_rank(needed_trust):
        reason = f"needs trust level {needed_trust} (now {trust})"
        if gap > 0:
            reason += f" and {gap:.1f} more points"
        return AskAssessment(
            ask.id, Readiness.NEEDS_TRUST, gap, balance, committed, trust, needed_trust, reason
        )
    state, reason = _balance_verdict(ask, balance, committed, gap)
    shown_gap = 0.0 if state is Readiness.READY else gap
    return AskAssessment(ask.id, state, shown_gap, balance, committed, trust, needed_trust, reason)


def _committed_before(ask: Ask, other_asks: Iterable[Ask]) -> float:
    """The cost of the pending asks to the same contact queued before ``ask``."""
    mine = _ask_order(ask)
    return sum(
        other.cost
        for other in other_asks
        if other.id != ask.id
        and other.contact_id == ask.contact_id
        and other.status in PENDING_ASK_STATUSES
        and _ask_order(other) < mine
    )


def _balance_verdict(
    ask: Ask, balance: float, committed: float, gap: float
) -> tuple[Readiness, str]:
    """Ready, over-committed (other asks use the balance) or short, and why."""
    if gap <= 0:
        return Readiness.READY, (
            f"ready: balance {balance:.1f} covers cost "
            f"{ask.cost:.1f}" + (f" plus {committed:.1f} already asked" if committed else "")
        )
    if committed > 0 and balance >= ask.cost:
        return Readiness.OVER_COMMITTED, (
            f"over-committed: other pending asks use "
            f"{committed:.1f} of the {balance:.1f} balance; short by {gap:.1f}"
        )
    return Readiness.SHORT, (
        f"short by {gap:.1f} points (balance {balance:.1f}, cost "
        f"{ask.cost:.1f}" + (f", {committed:.1f} already asked)" if committed else ")")
    )
