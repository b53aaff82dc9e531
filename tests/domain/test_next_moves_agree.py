"""Next moves about one contact never contradict each other (next_moves' precedence table),
and an ask that waits for trust names the step that earns it."""

from __future__ import annotations

from datetime import date, timedelta

from planner.domain.goodwill import BalanceSummary
from planner.domain.model import Ask, AskStatus, Contact, Kind, Settings, Tier, Trust
from planner.domain.next_moves import Move, action_words, next_moves

TODAY = date(2026, 6, 1)
CONF = Settings()


def summary(
    cid: int,
    *,
    given: float = 0.0,
    received: float = 0.0,
    life_given: float | None = None,
    life_received: float | None = None,
    gives: int = 0,
    receives: int = 0,
    first: date | None = None,
    last: date | None = None,
) -> BalanceSummary:
    return BalanceSummary(
        cid,
        given,
        received,
        given if life_given is None else life_given,
        received if life_received is None else life_received,
        gives,
        receives,
        first,
        last,
    )


def taker(cid: int, *, last: date) -> BalanceSummary:
    """12 lifetime points given over a year and more, 1 back (8% < 20%): one-sided."""
    return summary(
        cid,
        given=8.0,
        received=0.5,
        life_given=12.0,
        life_received=1.0,
        gives=4,
        receives=1,
        first=TODAY - timedelta(days=400),
        last=last,
    )


def moves_for(
    contact: Contact,
    s: BalanceSummary | None,
    *,
    asks: tuple[Ask, ...] = (),
    trust: Trust = Trust.ACQUAINTED,
    requests: int = 0,
) -> list[Move]:
    return next_moves(
        contacts=[contact],
        summaries={} if s is None else {contact.id: s},
        asks=asks,
        trust={contact.id: trust},
        requests_count={contact.id: requests},
        today=TODAY,
        my_reach=None,
        settings=CONF,
    )


def kinds(moves: list[Move]) -> list[str]:
    return [m.kind for m in moves]


def test_a_one_sided_cell_contact_is_not_told_to_get_back_in_touch() -> None:
    # cell cadence 14 days; 60 days quiet would say "get back in touch" on its own
    dan = Contact(1, "Dan", tier=Tier.CELL)
    moves = moves_for(dan, taker(1, last=TODAY - timedelta(days=60)))
    assert kinds(moves) == ["one_sided"]
    assert "pause giving" in moves[0].reason


def test_a_quiet_balanced_cell_contact_is_told_to_get_back_in_touch() -> None:
    # the same silence without the imbalance: the losing-touch move stays
    ann = Contact(1, "Ann", tier=Tier.CELL)
    s = summary(1, given=2.0, received=2.0, gives=2, receives=2, last=TODAY - timedelta(days=60))
    (move,) = moves_for(ann, s)
    assert move.kind == "losing_touch" and move.action == "draft:follow_up"
    assert move.reason == "60 days since the last exchange; inner circle contacts every 14 days"


def test_a_one_sided_contact_s_at_risk_ask_is_reconsidered_not_given_to() -> None:
    dan = Contact(1, "Dan", tier=Tier.ACTIVE)
    # balance 7.5 decayed; a guest post costs 10 here: short by 2.5, due in 20 days
    link = Ask(7, 1, Kind.GUEST_POST, 10.0, TODAY + timedelta(days=20), status=AskStatus.PLANNED)
    moves = moves_for(dan, taker(1, last=TODAY - timedelta(days=5)), asks=(link,))
    assert kinds(moves) == ["ask_at_risk", "one_sided"]
    at_risk = moves[0]
    assert at_risk.action == "open_ask"
    assert at_risk.reason.endswith(
        "they take more than they give: reconsider the ask rather than giving more"
    )


def test_owing_a_contact_drops_the_one_sided_flag_and_the_ready_ask() -> None:
    # lifetime 12 given, 1 back over a year (one-sided), but lately they gave 5 to my 1
    cat = Contact(1, "Cat", tier=Tier.CELL)
    s = summary(
        1,
        given=1.0,
        received=5.0,
        life_given=12.0,
        life_received=1.0,
        gives=4,
        receives=1,
        first=TODAY - timedelta(days=400),
        last=TODAY - timedelta(days=60),
    )
    share = Ask(3, 1, Kind.SHARE, 0.0, TODAY + timedelta(days=60), status=AskStatus.IDEA)
    moves = moves_for(cat, s, asks=(share,))
    assert kinds(moves) == ["owe"]
    assert moves[0].action == "draft:reciprocate"
    assert moves[0].reason.startswith("they gave 4.0 points more than you")


def test_a_ready_ask_stays_when_nothing_is_owed() -> None:
    bob = Contact(1, "Bob", tier=Tier.ACTIVE)
    s = summary(1, given=5.0, gives=2, receives=1, last=TODAY - timedelta(days=3))
    share = Ask(3, 1, Kind.SHARE, 1.0, TODAY + timedelta(days=60), status=AskStatus.IDEA)
    (move,) = moves_for(bob, s, asks=(share,))
    assert (move.kind, move.action) == ("ask_ready", "draft:ask_share")


def test_a_new_contact_s_ask_waiting_for_trust_suggests_a_small_first_give() -> None:
    # no exchange at all: "start with …" would repeat the trust step, so it is dropped
    eve = Contact(1, "Eve", tier=Tier.NETWORK)
    intro = Ask(5, 1, Kind.REFERRAL, 3.0, TODAY + timedelta(days=90), status=AskStatus.IDEA)
    moves = moves_for(eve, None, asks=(intro,), trust=Trust.NEW)
    assert kinds(moves) == ["needs_trust"]
    (move,) = moves
    assert move.title == "Build trust with Eve before asking for a referral"
    assert move.action == "plan_give"
    assert move.reason == (
        "needs trust level trusted (now new) and 3.0 more points; trust comes when they give "
        "back: start with a small first give (a share or a mention), then make a first small ask"
    )


def test_a_contact_who_never_gave_is_asked_for_something_small_first() -> None:
    eve = Contact(1, "Eve", tier=Tier.NETWORK)
    s = summary(1, given=3.0, gives=2, last=TODAY - timedelta(days=10))
    intro = Ask(5, 1, Kind.REFERRAL, 1.0, TODAY + timedelta(days=90), status=AskStatus.IDEA)
    (move,) = moves_for(eve, s, asks=(intro,), trust=Trust.NEW)
    assert (move.kind, move.action) == ("needs_trust", "draft:ask_share")
    assert move.reason.endswith("make a first small ask (a share) before this one")


def test_an_acquainted_contact_is_thanked_toward_trust() -> None:
    fay = Contact(1, "Fay", tier=Tier.ACTIVE)
    s = summary(1, given=3.0, received=1.0, gives=2, receives=1, last=TODAY - timedelta(days=10))
    intro = Ask(5, 1, Kind.REFERRAL, 1.0, TODAY + timedelta(days=90), status=AskStatus.IDEA)
    (move,) = moves_for(fay, s, asks=(intro,), trust=Trust.ACQUAINTED)
    assert (move.kind, move.action) == ("needs_trust", "draft:thank_you")
    assert "trust needs 3 gives over 2 quarters: thank them for their last one" in move.reason


def test_an_unreturned_contact_is_given_to_toward_trust() -> None:
    gus = Contact(1, "Gus", tier=Tier.ACTIVE)
    s = summary(1, received=2.0, receives=2, last=TODAY - timedelta(days=10))
    intro = Ask(5, 1, Kind.REFERRAL, 0.0, TODAY + timedelta(days=90), status=AskStatus.IDEA)
    moves = moves_for(gus, s, asks=(intro,), trust=Trust.ACQUAINTED)
    trust_move = next(m for m in moves if m.kind == "needs_trust")
    assert trust_move.action == "plan_give"
    assert "they gave 2 times and you never gave back" in trust_move.reason


def test_a_one_sided_contact_s_trust_step_is_not_a_give() -> None:
    # five requests and nothing ever given back: a taker, and no exchange to trust yet
    dan = Contact(1, "Dan", tier=Tier.ACTIVE)
    intro = Ask(5, 1, Kind.REFERRAL, 1.0, TODAY + timedelta(days=90), status=AskStatus.IDEA)
    moves = moves_for(dan, None, asks=(intro,), trust=Trust.NEW, requests=5)
    assert kinds(moves) == ["needs_trust", "one_sided"]
    assert moves[0].action == "open_ask"
    assert moves[0].reason.endswith("reconsider the ask rather than giving more")
    assert (
        moves[1].reason
        == "5 requests and nothing given back: pause giving and consider a lower tier"
    )


def test_an_at_risk_ask_waiting_for_trust_names_the_step_and_takes_it_while_there_is_time() -> None:
    eve = Contact(1, "Eve", tier=Tier.NETWORK)
    soon = Ask(5, 1, Kind.REFERRAL, 1.0, TODAY + timedelta(days=10), status=AskStatus.PLANNED)
    (move,) = moves_for(eve, None, asks=(soon,), trust=Trust.NEW)
    assert (move.kind, move.action) == ("ask_at_risk", "plan_give")
    assert move.reason.startswith("due Jun 11 (in 10 days): needs trust level trusted (now new)")
    assert move.reason.endswith(
        "start with a small first give (a share or a mention), then make a first small ask"
    )
    late = Ask(5, 1, Kind.REFERRAL, 1.0, TODAY - timedelta(days=2), status=AskStatus.SENT)
    (move,) = moves_for(eve, None, asks=(late,), trust=Trust.NEW)
    assert (move.kind, move.action) == ("ask_at_risk", "open_ask")


def test_actions_read_as_words() -> None:
    assert action_words("draft:follow_up") == "Draft a follow-up"
    assert action_words("draft:ask_link") == "Draft the ask"
    assert action_words("draft:my_own") == "Draft: my own"
    assert action_words("plan_give") == "Plan a give"
    assert action_words("review_tier") == "Review the tier"
