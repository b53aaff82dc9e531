"""The goodwill maths, checked against numbers worked out by hand.

Every example writes its arithmetic next to the assertion so a reader can redo it; the
property tests at the end pin the invariants the rest of the app relies on (a give never
lowers a balance, growth aggregates equal row-by-row sums, settings survive storage).
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain import goodwill
from planner.domain.goodwill import (
    BalanceSummary,
    Readiness,
    assess_ask,
    balance_from_growth,
    base_value,
    decay,
    exposure,
    growth,
    is_one_sided,
    summarize,
    trust_from_counts,
    trust_level,
    value,
)
from planner.domain.model import (
    EXPOSURE_KINDS,
    Ask,
    AskStatus,
    Direction,
    Interaction,
    Kind,
    Settings,
    Trust,
    WeeklyCapacity,
    settings_from_dict,
    settings_to_dict,
)

TODAY = date(2026, 6, 1)
S = Settings()
ME = 1_000  # my reach


def gave(kind: Kind, days_ago: int, *, magnitude: float = 1.0, iid: int = 0) -> Interaction:
    return Interaction(
        iid, 7, Direction.GAVE, kind, TODAY - timedelta(days=days_ago), magnitude=magnitude
    )


def received(kind: Kind, days_ago: int, *, magnitude: float = 1.0, iid: int = 0) -> Interaction:
    return Interaction(
        iid, 7, Direction.RECEIVED, kind, TODAY - timedelta(days=days_ago), magnitude=magnitude
    )


def summary_of(*rows: Interaction, their_reach: int | None = None) -> BalanceSummary:
    return summarize(
        rows, contact_id=7, as_of=TODAY, my_reach=ME, their_reach=their_reach, settings=S
    )


# --- value of one interaction -------------------------------------------------------------


def test_interview_given_half_a_life_ago_to_someone_four_times_bigger() -> None:
    # weight 5 × exposure clamp(sqrt(1000/4000) = 0.5) × decay 0.5 ** (180/180) = 0.5
    # = 5 × 0.5 × 0.5 = 1.25
    it = gave(Kind.INTERVIEW, 180)
    assert value(it, as_of=TODAY, my_reach=ME, their_reach=4_000, settings=S) == pytest.approx(1.25)


def test_interview_received_from_someone_four_times_bigger_is_worth_double() -> None:
    # They give: giver 4000, receiver 1000 → sqrt(4) = 2 (at the clamp ceiling).
    # weight 5 × magnitude 1 × exposure 2 × decay 1 (today) = 10
    it = received(Kind.INTERVIEW, 0)
    assert value(it, as_of=TODAY, my_reach=ME, their_reach=4_000, settings=S) == 10.0


def test_magnitude_multiplies() -> None:
    # Two links in one post: 2 (weight) × 2 (magnitude) × 1 (no reach known) × 1 = 4
    it = gave(Kind.LINK, 0, magnitude=2.0)
    assert value(it, as_of=TODAY, my_reach=None, their_reach=None, settings=S) == 4.0


def test_exposure_clamps_both_ends() -> None:
    # sqrt(1000 / 100000) = 0.1 → raised to the floor 0.25
    assert exposure(Kind.MENTION, 1_000, 100_000, S) == 0.25
    # sqrt(100000 / 1000) = 10 → lowered to the ceiling 2
    assert exposure(Kind.MENTION, 100_000, 1_000, S) == 2.0
    # sqrt(1000 / 1690) = sqrt(0.5917…) = 0.769… is inside the bounds, kept as is
    assert exposure(Kind.LINK, 1_000, 1_690, S) == pytest.approx(math.sqrt(1_000 / 1_690))
    # configurable bounds
    wide = Settings(exposure_min=0.1, exposure_max=5.0)
    assert exposure(Kind.MENTION, 1_000, 100_000, wide) == pytest.approx(0.1)
    assert exposure(Kind.MENTION, 100_000, 1_000, wide) == 5.0


def test_exposure_is_one_for_other_kinds_or_unknown_reach() -> None:
    assert Kind.HELP not in EXPOSURE_KINDS
    assert exposure(Kind.HELP, 1_000, 100_000, S) == 1.0
    assert exposure(Kind.MENTION, None, 100_000, S) == 1.0
    assert exposure(Kind.MENTION, 1_000, None, S) == 1.0
    assert exposure(Kind.MENTION, 0, 1_000, S) == 1.0


def test_decay_at_zero_one_and_two_half_lives() -> None:
    assert decay(0, 180) == 1.0  # 0.5 ** 0
    assert decay(180, 180) == 0.5  # 0.5 ** 1
    assert decay(360, 180) == 0.25  # 0.5 ** 2
    assert decay(90, 180) == pytest.approx(math.sqrt(0.5))  # 0.5 ** 0.5 ≈ 0.7071


def test_future_events_count_zero() -> None:
    assert decay(-1, 180) == 0.0
    tomorrow = gave(Kind.INTERVIEW, -1)
    assert value(tomorrow, as_of=TODAY, my_reach=ME, their_reach=None, settings=S) == 0.0
    # and summarize leaves them out entirely (counts too)
    s = summary_of(tomorrow)
    assert (s.given, s.gives_count, s.first_on) == (0.0, 0, None)


def test_half_life_is_floored_like_growth() -> None:
    # A zero or tiny half-life behaves as MIN_HALF_LIFE_DAYS (14): 14 days → 0.5.
    assert decay(14, 0) == 0.5
    assert decay(14, 7) == 0.5


# --- balances -----------------------------------------------------------------------------


def test_balance_and_reciprocity_ratio() -> None:
    rows = (
        gave(Kind.LINK, 0, iid=1),  # 2 × 1 = 2
        gave(Kind.FEATURE, 180, iid=2),  # 3 × 0.5 = 1.5
        received(Kind.MENTION, 360, iid=3),  # 1 × 0.25 = 0.25
    )
    s = summary_of(*rows)
    assert s.given == pytest.approx(3.5)  # 2 + 1.5
    assert s.received == pytest.approx(0.25)
    assert s.balance == pytest.approx(3.25)  # 3.5 − 0.25: I may ask
    assert (s.lifetime_given, s.lifetime_received) == (5.0, 1.0)  # undecayed 2 + 3, 1
    assert s.reciprocity_ratio == pytest.approx(0.2)  # 1 / 5
    assert (s.gives_count, s.receives_count) == (2, 1)
    assert (s.first_on, s.last_on) == (TODAY - timedelta(days=360), TODAY)


def test_negative_balance_means_i_owe_them() -> None:
    # They interviewed me today (5), I mentioned them today (1): 1 − 5 = −4
    s = summary_of(gave(Kind.MENTION, 0), received(Kind.INTERVIEW, 0))
    assert s.balance == -4.0


def test_ratio_is_none_when_i_never_gave() -> None:
    assert summary_of(received(Kind.SHARE, 3)).reciprocity_ratio is None


def test_growth_sum_equals_the_direct_decayed_sum() -> None:
    rows = (
        gave(Kind.LINK, 0),
        gave(Kind.FEATURE, 180),
        received(Kind.MENTION, 360),
    )
    s = summary_of(*rows)
    given_growth = sum(
        growth(base_value(r, my_reach=ME, their_reach=None, settings=S), r.occurred_on, 180)
        for r in rows
        if r.direction is Direction.GAVE
    )
    received_growth = growth(1.0, TODAY - timedelta(days=360), 180)
    assert balance_from_growth(given_growth, TODAY, 180) == pytest.approx(s.given)  # 3.5
    assert balance_from_growth(received_growth, TODAY, 180) == pytest.approx(0.25)
    # growth itself: base × 2 ** (days since 2020-01-01 / H); on the epoch it is the base
    assert growth(3.0, goodwill.GROWTH_EPOCH, 180) == 3.0
    assert growth(3.0, goodwill.GROWTH_EPOCH + timedelta(days=180), 180) == 6.0


# --- far dates: the growth column never overflows ----------------------------------------

LATEST = date(2199, 12, 31)  # planner.domain.values.LATEST_DATE
EARLIEST = date(1970, 1, 1)  # planner.domain.values.EARLIEST_DATE


def test_growth_of_far_dates_is_finite_and_clamped() -> None:
    # 9999-12-31 is 2,913,718 days after 2020-01-01: 2^(2913718/14) would overflow (it
    # did: issue 13); the exponent is clamped to GROWTH_LIMIT = 960 instead.
    assert growth(1.0, date(9999, 12, 31), 14) == 2.0**960
    assert growth(1.0, date(9999, 12, 31), 180) == 2.0**960
    # 2199-12-31 at H = 14: 65,744 days / 14 = 4696 half-lives → clamped to 960 too
    assert growth(2.5, LATEST, 14) == 2.5 * 2.0**960
    # the far past underflows to the floor, never to an error
    assert growth(1.0, date(1, 1, 1), 14) == 2.0**-960
    assert growth(1.0, EARLIEST, 14) == 2.0**-960  # −18,262 / 14 = −1304 → −960
    # inside the clamp nothing changes: 2056-10-18 is 13,440 days = 960 × 14
    assert growth(1.0, goodwill.GROWTH_EPOCH + timedelta(days=13_440), 14) == 2.0**960
    assert growth(1.0, goodwill.GROWTH_EPOCH + timedelta(days=1_400), 14) == 2.0**100


def test_growth_is_exact_where_no_counted_row_is_clamped() -> None:
    # at the default half-life every allowed date is inside: 65,744 / 180 = 365 ≤ 960
    assert goodwill.growth_is_exact(LATEST, 180)
    assert goodwill.growth_is_exact(EARLIEST, 180)  # −18,262 / 180 = −101
    # at H = 14: up to 13,440 days after 2020-01-01 (2056-10-18), from −896 × 14 = −12,544
    # days (1985-08-28): below that, a clamped row would not be < 2^-64 of its base
    epoch = goodwill.GROWTH_EPOCH
    assert goodwill.growth_is_exact(date(2026, 11, 25), 14)
    assert goodwill.growth_is_exact(epoch + timedelta(days=13_440), 14)
    assert not goodwill.growth_is_exact(epoch + timedelta(days=13_441), 14)
    assert goodwill.growth_is_exact(epoch - timedelta(days=12_544), 14)
    assert not goodwill.growth_is_exact(epoch - timedelta(days=12_545), 14)
    assert not goodwill.growth_is_exact(LATEST, 14)
    assert not goodwill.growth_is_exact(EARLIEST, 14)


def test_balance_from_growth_never_raises() -> None:
    # as of 1900 at H = 14 the factor is 2^(43,829 / 14) = 2^3130.6: 1 × that overflows, so
    # the answer is inf rather than an OverflowError; a sum of floor values fits again.
    assert balance_from_growth(1.0, date(1900, 1, 1), 14) == math.inf
    assert balance_from_growth(-1.0, date(1900, 1, 1), 14) == -math.inf
    assert balance_from_growth(0.0, date(1900, 1, 1), 14) == 0.0
    # 2^-1000 × 2^1043.5 (1900-01-01 is −43,829 days; at H = 42 that is −1043.5 half-lives):
    # 2.0 ** 1043.5 alone would raise, the product is an ordinary number
    assert balance_from_growth(2.0**-1000, date(1900, 1, 1), 42) == pytest.approx(
        2.0 ** (43_829 / 42 - 1000)
    )
    # and the far future only underflows
    assert balance_from_growth(2.0**960, date(9999, 12, 31), 14) == 0.0


def test_decayed_sum_is_the_row_by_row_balance() -> None:
    rows = [
        (TODAY, 2.0),  # 2 × 1
        (TODAY - timedelta(days=180), 3.0),  # 3 × 0.5 = 1.5
        (TODAY + timedelta(days=1), 10.0),  # after the as-of date: 0
    ]
    assert goodwill.decayed_sum(rows, TODAY, 180) == pytest.approx(3.5)
    # where the growth column is clamped, the row-by-row sum is still right: a 5-point row
    # on 1972-01-01 at H = 14 seen the same day is 5; its clamped growth says 5 × 2^292.
    day = date(1972, 1, 1)
    assert goodwill.decayed_sum([(day, 5.0)], day, 14) == 5.0
    assert not goodwill.growth_is_exact(day, 14)
    assert balance_from_growth(growth(5.0, day, 14), day, 14) != pytest.approx(5.0)


window_days = st.dates(min_value=EARLIEST, max_value=LATEST)
half_lives = st.one_of(
    st.sampled_from([14.0, 180.0, 36_500.0]), st.floats(min_value=14.0, max_value=36_500.0)
)


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(window_days, st.floats(min_value=0.01, max_value=10_000.0)),
        min_size=1,
        max_size=12,
    ),
    window_days,
    half_lives,
)
def test_growth_balance_equals_the_row_by_row_sum_or_says_it_is_not_exact(
    rows: list[tuple[date, float]], as_of: date, half_life: float
) -> None:
    counted = [(day, base) for day, base in rows if day <= as_of]
    expected = sum(base * decay((as_of - day).days, half_life) for day, base in counted)
    growths = [growth(base, day, half_life) for day, base in counted]
    assert all(math.isfinite(g) for g in growths)  # never an overflow, never inf
    fast = balance_from_growth(sum(growths), as_of, half_life)  # never raises
    assert goodwill.decayed_sum(rows, as_of, half_life) == pytest.approx(expected)
    if goodwill.growth_is_exact(as_of, half_life):
        assert fast == pytest.approx(expected, rel=1e-9, abs=1e-12)


# --- one-sided relationships --------------------------------------------------------------


def _features(n: int, first_days_ago: int) -> list[Interaction]:
    return [gave(Kind.FEATURE, first_days_ago - 10 * i, iid=i) for i in range(n)]


def test_one_sided_by_ratio_when_old_enough() -> None:
    # 4 features = 12 lifetime points ≥ 10; first give 200 days ago ≥ 182;
    # they gave one mention back: ratio 1 / 12 = 0.083 < 0.2 → a taker.
    s = summary_of(*_features(4, 200), received(Kind.MENTION, 5, iid=99))
    assert s.reciprocity_ratio == pytest.approx(1 / 12)
    assert is_one_sided(s, as_of=TODAY, requests_count=0, settings=S)


def test_not_one_sided_when_young() -> None:
    # Same numbers but the relationship is 100 days old: too early to judge.
    s = summary_of(*_features(4, 100), received(Kind.MENTION, 5, iid=99))
    assert not is_one_sided(s, as_of=TODAY, requests_count=0, settings=S)


def test_not_one_sided_when_they_gave_back_enough_or_i_gave_little() -> None:
    # 12 given, 3 back (a feature): ratio 0.25 ≥ 0.2
    s = summary_of(*_features(4, 200), received(Kind.FEATURE, 5, iid=99))
    assert not is_one_sided(s, as_of=TODAY, requests_count=0, settings=S)
    # 3 features = 9 points < 10 given: not enough to call it
    s = summary_of(*_features(3, 200))
    assert not is_one_sided(s, as_of=TODAY, requests_count=0, settings=S)


def test_one_sided_by_requests_without_a_give_back() -> None:
    # Three requests and nothing ever received: flagged, even in a brand-new relationship.
    young = summary_of(gave(Kind.MENTION, 3))
    assert is_one_sided(young, as_of=TODAY, requests_count=3, settings=S)
    assert not is_one_sided(young, as_of=TODAY, requests_count=2, settings=S)
    # One give back is enough to clear the request rule.
    both = summary_of(gave(Kind.MENTION, 3), received(Kind.SHARE, 2))
    assert not is_one_sided(both, as_of=TODAY, requests_count=5, settings=S)


# --- trust --------------------------------------------------------------------------------


def test_trust_levels() -> None:
    assert trust_level([], gave_any=True, settings=S) is Trust.NEW
    # their first give → acquainted
    assert trust_level([date(2026, 1, 10)], gave_any=True, settings=S) is Trust.ACQUAINTED
    # 3 gives across 2 quarters (Q1: Jan, Feb; Q2: Apr) and I gave too → trusted
    spread = [date(2026, 1, 10), date(2026, 2, 10), date(2026, 4, 10)]
    assert trust_level(spread, gave_any=True, settings=S) is Trust.TRUSTED


def test_trust_quarters_rule() -> None:
    # 3 gives all in Q1 2026: many gives, but one burst is not trust over time
    burst = [date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 31)]
    assert trust_level(burst, gave_any=True, settings=S) is Trust.ACQUAINTED
    # the same days of the month in different years are different quarters
    years = [date(2025, 1, 10), date(2025, 2, 10), date(2026, 1, 10)]
    assert trust_level(years, gave_any=True, settings=S) is Trust.TRUSTED


def test_trust_two_way_rule() -> None:
    # 3 gives over 2 quarters that I never returned: still only acquainted
    spread = [date(2026, 1, 10), date(2026, 2, 10), date(2026, 4, 10)]
    assert trust_level(spread, gave_any=False, settings=S) is Trust.ACQUAINTED
    assert trust_from_counts(3, 2, gave_any=False, settings=S) is Trust.ACQUAINTED
    assert trust_from_counts(3, 2, gave_any=True, settings=S) is Trust.TRUSTED
    assert trust_from_counts(0, 0, gave_any=True, settings=S) is Trust.NEW


# --- ask readiness ------------------------------------------------------------------------


def ask(aid: int, kind: Kind, cost: float, target: date | None, **kw: object) -> Ask:
    status = kw.pop("status", AskStatus.PLANNED)
    contact = kw.pop("contact_id", 7)
    return Ask(aid, contact, kind, cost, target, status=status, **kw)  # type: ignore[arg-type]


def test_ask_ready() -> None:
    # balance 5 ≥ link cost 2, link needs no trust
    a = ask(1, Kind.LINK, 2.0, date(2026, 7, 1))
    r = assess_ask(a, balance=5.0, trust=Trust.NEW, other_asks=[], settings=S)
    assert r.state is Readiness.READY and r.ready and r.gap == 0.0
    assert "5.0 covers cost 2.0" in r.reason


def test_ask_short_by_n() -> None:
    # guest post costs 3; balance 1 → short by 3 − 1 = 2
    a = ask(1, Kind.GUEST_POST, 3.0, date(2026, 7, 1))
    r = assess_ask(a, balance=1.0, trust=Trust.ACQUAINTED, other_asks=[], settings=S)
    assert r.state is Readiness.SHORT
    assert r.gap == pytest.approx(2.0)
    assert "short by 2.0" in r.reason


def test_ask_needs_trust_despite_a_large_balance() -> None:
    # a referral needs "trusted" whatever the balance: 50 points do not buy it
    a = ask(1, Kind.REFERRAL, 4.0, date(2026, 7, 1))
    r = assess_ask(a, balance=50.0, trust=Trust.ACQUAINTED, other_asks=[], settings=S)
    assert r.state is Readiness.NEEDS_TRUST
    assert r.gap == 0.0
    assert r.trust_required is Trust.TRUSTED
    assert "needs trust level trusted" in r.reason


def test_ask_over_committed_by_an_earlier_pending_ask() -> None:
    # balance 4: the earlier ask (Jun 15, cost 3) takes 3, this one (Jul 1, cost 2) needs
    # 3 + 2 = 5 → short by 1 although 4 ≥ 2 on its own.
    earlier = ask(1, Kind.GUEST_POST, 3.0, date(2026, 6, 15), status=AskStatus.SENT)
    later = ask(2, Kind.LINK, 2.0, date(2026, 7, 1))
    r = assess_ask(later, balance=4.0, trust=Trust.ACQUAINTED, other_asks=[earlier], settings=S)
    assert r.state is Readiness.OVER_COMMITTED
    assert (r.committed, r.gap) == (3.0, pytest.approx(1.0))
    # the earlier ask itself is ready: the later one does not claim before it
    r1 = assess_ask(earlier, balance=4.0, trust=Trust.ACQUAINTED, other_asks=[later], settings=S)
    assert r1.state is Readiness.READY and r1.committed == 0.0


def test_only_pending_asks_to_the_same_contact_commit_the_balance() -> None:
    later = ask(2, Kind.LINK, 2.0, date(2026, 7, 1))
    idea = ask(3, Kind.GUEST_POST, 3.0, date(2026, 6, 10), status=AskStatus.IDEA)
    done = ask(4, Kind.GUEST_POST, 3.0, date(2026, 6, 10), status=AskStatus.DONE)
    elsewhere = ask(5, Kind.GUEST_POST, 3.0, date(2026, 6, 10), contact_id=8)
    r = assess_ask(
        later, balance=2.0, trust=Trust.NEW, other_asks=[idea, done, elsewhere], settings=S
    )
    assert r.state is Readiness.READY and r.committed == 0.0


def test_same_date_asks_queue_by_priority() -> None:
    high = ask(2, Kind.LINK, 2.0, date(2026, 7, 1), priority=1)
    normal = ask(1, Kind.LINK, 2.0, date(2026, 7, 1), priority=2)
    r = assess_ask(normal, balance=3.0, trust=Trust.NEW, other_asks=[high], settings=S)
    assert r.committed == 2.0 and r.gap == pytest.approx(1.0)


def test_closed_ask() -> None:
    for status in (AskStatus.DONE, AskStatus.DECLINED):
        a = ask(1, Kind.LINK, 2.0, date(2026, 7, 1), status=status)
        r = assess_ask(a, balance=0.0, trust=Trust.NEW, other_asks=[], settings=S)
        assert r.state is Readiness.CLOSED and r.gap == 0.0


# --- properties ---------------------------------------------------------------------------

kinds = st.sampled_from(list(Kind))
reaches = st.one_of(st.none(), st.integers(min_value=1, max_value=10_000_000))
magnitudes = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)
days_back = st.integers(min_value=0, max_value=3_000)


@st.composite
def interactions(draw: st.DrawFn) -> Interaction:
    return Interaction(
        0,
        7,
        draw(st.sampled_from(list(Direction))),
        draw(kinds),
        TODAY - timedelta(days=draw(st.integers(min_value=-30, max_value=3_000))),
        magnitude=draw(magnitudes),
    )


def _balance(rows: list[Interaction], their_reach: int | None) -> float:
    return summary_of(*rows, their_reach=their_reach).balance


@given(st.lists(interactions(), max_size=20), kinds, magnitudes, days_back, reaches)
def test_a_give_never_lowers_a_balance(
    rows: list[Interaction], kind: Kind, mag: float, ago: int, their: int | None
) -> None:
    before = _balance(rows, their)
    after = _balance([*rows, gave(kind, ago, magnitude=mag)], their)
    assert after >= before - 1e-9 * max(1.0, abs(before))


@given(st.lists(interactions(), max_size=20), kinds, magnitudes, days_back, reaches)
def test_a_receive_never_raises_a_balance(
    rows: list[Interaction], kind: Kind, mag: float, ago: int, their: int | None
) -> None:
    before = _balance(rows, their)
    after = _balance([*rows, received(kind, ago, magnitude=mag)], their)
    assert after <= before + 1e-9 * max(1.0, abs(before))


@given(kinds, st.sampled_from(list(Direction)), magnitudes, days_back, days_back, reaches)
def test_older_events_never_weigh_more(
    kind: Kind, direction: Direction, mag: float, a: int, b: int, their: int | None
) -> None:
    older_ago, newer_ago = max(a, b), min(a, b)
    older = Interaction(1, 7, direction, kind, TODAY - timedelta(days=older_ago), magnitude=mag)
    newer = Interaction(2, 7, direction, kind, TODAY - timedelta(days=newer_ago), magnitude=mag)
    kw = {"as_of": TODAY, "my_reach": ME, "their_reach": their, "settings": S}
    assert value(older, **kw) <= value(newer, **kw)  # type: ignore[arg-type]


@given(interactions(), reaches, reaches)
def test_value_is_never_negative(it: Interaction, mine: int | None, their: int | None) -> None:
    assert value(it, as_of=TODAY, my_reach=mine, their_reach=their, settings=S) >= 0.0


@given(kinds, reaches, reaches)
def test_exposure_stays_within_bounds(kind: Kind, giver: int | None, rec: int | None) -> None:
    e = exposure(kind, giver, rec, S)
    assert S.exposure_min <= e <= S.exposure_max
    if kind not in EXPOSURE_KINDS:
        assert e == 1.0


@given(
    st.lists(interactions(), max_size=30),
    st.floats(min_value=14.0, max_value=1_000.0),
    st.integers(min_value=0, max_value=4_000),
    reaches,
)
def test_growth_sums_equal_direct_decayed_sums(
    rows: list[Interaction], half_life: float, offset: int, their: int | None
) -> None:
    # as_of anywhere between 2020 and 2031; rows after as_of are left out, as storage does
    as_of = goodwill.GROWTH_EPOCH + timedelta(days=offset)
    conf = Settings(half_life_days=half_life)
    rows = [r for r in rows if r.occurred_on <= as_of]
    direct = summarize(
        rows, contact_id=7, as_of=as_of, my_reach=ME, their_reach=their, settings=conf
    )
    sums = {Direction.GAVE: 0.0, Direction.RECEIVED: 0.0}
    for r in rows:
        base = base_value(r, my_reach=ME, their_reach=their, settings=conf)
        sums[r.direction] += growth(base, r.occurred_on, half_life)
    via_growth_given = balance_from_growth(sums[Direction.GAVE], as_of, half_life)
    via_growth_received = balance_from_growth(sums[Direction.RECEIVED], as_of, half_life)
    assert math.isclose(via_growth_given, direct.given, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(via_growth_received, direct.received, rel_tol=1e-9, abs_tol=1e-9)


positive = st.floats(min_value=0.01, max_value=1_000.0, allow_nan=False)


@st.composite
def any_settings(draw: st.DrawFn) -> Settings:
    weights = draw(st.dictionaries(st.sampled_from([k.value for k in Kind]), positive))
    lo = draw(st.floats(min_value=0.01, max_value=1.0))
    return Settings(
        weights={**Settings().weights, **weights},
        half_life_days=draw(st.floats(min_value=14.0, max_value=2_000.0)),
        exposure_min=lo,
        exposure_max=lo + draw(st.floats(min_value=0.0, max_value=10.0)),
        one_sided_min_given=draw(positive),
        one_sided_min_age_days=draw(st.integers(min_value=0, max_value=1_000)),
        trusted_min_gives=draw(st.integers(min_value=1, max_value=20)),
        trust_required={
            **Settings().trust_required,
            **draw(
                st.dictionaries(
                    st.sampled_from([k.value for k in Kind]),
                    st.sampled_from([t.value for t in Trust]),
                )
            ),
        },
        tier_capacity=draw(
            st.fixed_dictionaries(
                {t: st.integers(min_value=0, max_value=500) for t in ("cell", "deep")}
            )
        ),
        promo_max_per_30_days=draw(st.integers(min_value=0, max_value=10)),
        promo_min_give_ask_ratio_90_days=draw(positive),
        promo_categories=tuple(draw(st.lists(st.text(max_size=10), max_size=4))),
        weekly_capacity=WeeklyCapacity(
            *draw(st.tuples(*[st.integers(min_value=0, max_value=20)] * 5))
        ),
        allow_private_addresses=draw(st.booleans()),
        plan_weeks=draw(st.integers(min_value=1, max_value=52)),
    )


@settings(max_examples=50)
@given(any_settings())
def test_settings_round_trip_through_json(conf: Settings) -> None:
    stored = json.loads(json.dumps(settings_to_dict(conf)))
    back = settings_from_dict(stored)
    # dict settings merge over the defaults, so a partial dict comes back completed
    expected_tiers = {**Settings().tier_capacity, **conf.tier_capacity}
    assert back.tier_capacity == expected_tiers
    assert settings_to_dict(back) == settings_to_dict(
        Settings(**{**_fields(conf), "tier_capacity": expected_tiers})
    )
    assert back.weight(Kind.INTERVIEW) == conf.weight(Kind.INTERVIEW)
    assert back.required_trust(Kind.REFERRAL) == conf.required_trust(Kind.REFERRAL)


def _fields(conf: Settings) -> dict[str, object]:
    return {name: getattr(conf, name) for name in Settings.__dataclass_fields__}


def test_default_settings_round_trip_exactly() -> None:
    assert settings_from_dict(json.loads(json.dumps(settings_to_dict(S)))) == S
    assert settings_from_dict({}) == S
