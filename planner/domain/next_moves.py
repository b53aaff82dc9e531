"""Next moves: the short list of what to do now, most urgent first.

Each move names a contact and/or an ask, says why in numbers and suggests an action:
``plan_give``, ``open_ask``, ``draft:<template>`` (an outreach template) or
``review_tier``. The kinds, with their default priority (1 is most urgent):

======================  ==  =============================================================
ask_at_risk              1  a planned or sent ask due within 30 days (or overdue) that is
                            not ready today; the cheapest gives that close it are named
ask_ready                2  an idea or planned ask the balance and trust cover now
needs_trust              3  an idea or planned ask that waits for trust: the move names
                            the step that earns it (a small first give, a first small
                            ask, a thank-you)
owe                      2  they gave at least a point more than I did (decayed)
budget                   2  the audience promotion budget is broken (4 when only full)
losing_touch             2  cell or deep contact past its keep-in-touch cadence (3 for
                            active and network)
one_sided                3  a taker: much given, little back (or many requests, no give)
tier_over                3  a tier holds more contacts than its capacity
first_transaction        4  a contact with no exchange at all: start with something small
======================  ==  =============================================================

Moves sort by priority, then by the kind order above, then by urgency within the kind
(nearest target, largest debt, longest silence …), then by contact and ask id.

**One contact, one story.** The moves about one contact never contradict each other.
When two would, the stronger one decides (:data:`SUPPRESSES`):

==================  ==========================================  ===========================
the contact has     it drops                                    why
==================  ==========================================  ===========================
owe                 one_sided, ask_ready, losing_touch          reciprocate before asking;
                                                                the reciprocating draft is
                                                                the contact; recent gives
                                                                outweigh an old imbalance
one_sided           losing_touch; an at-risk or needs-trust     pause giving: no "get back
                    ask's "plan a give" becomes "open the       in touch", no give to close
                    ask" (reconsider it, do not give more)      an ask
first_transaction   losing_touch                                never in touch: start, not
                                                                "get back"
needs_trust,        first_transaction                           its step (or its gives) is
ask_at_risk                                                     the small start
==================  ==========================================  ===========================

Moves that agree stay together (an at-risk ask and "get back in touch"; "you owe" and
an at-risk ask's give).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from planner.domain.audience import LEVEL_WORDS, BudgetState, budget_line
from planner.domain.capacity import losing_touch, tier_report
from planner.domain.give_options import cheapest_gives, kind_phrase
from planner.domain.goodwill import (
    AskAssessment,
    BalanceSummary,
    Readiness,
    assess_ask,
    gap_at_target,
    is_one_sided,
)
from planner.domain.model import (
    Ask,
    AskStatus,
    Contact,
    Kind,
    Settings,
    Tier,
    Trust,
)
from planner.domain.weeks import short_date
from planner.domain.words import TIER_WORDS

MoveKind = Literal[
    "ask_at_risk",
    "ask_ready",
    "owe",
    "budget",
    "losing_touch",
    "needs_trust",
    "one_sided",
    "tier_over",
    "first_transaction",
]

KIND_ORDER: tuple[MoveKind, ...] = (
    "ask_at_risk",
    "ask_ready",
    "owe",
    "budget",
    "losing_touch",
    "needs_trust",
    "one_sided",
    "tier_over",
    "first_transaction",
)

#: Per contact: a move of the key's kind drops that contact's moves of these kinds.
SUPPRESSES: Mapping[str, frozenset[str]] = {
    "owe": frozenset({"one_sided", "ask_ready", "losing_touch"}),
    "one_sided": frozenset({"losing_touch"}),
    "first_transaction": frozenset({"losing_touch"}),
    "needs_trust": frozenset({"first_transaction"}),
    "ask_at_risk": frozenset({"first_transaction"}),
}
#: Kinds whose "plan a give" a one-sided contact turns into "open the ask".
_GIVING_KINDS = frozenset({"ask_at_risk", "needs_trust"})

#: An ask is at risk when its target is this close and it is not ready.
AT_RISK_DAYS = 30
#: Owing less than a mention is noise, not a debt.
OWE_THRESHOLD = 1.0

#: Outreach template for asking each kind of favour; other kinds open the ask instead.
ASK_TEMPLATES: Mapping[Kind, str] = {
    Kind.SHARE: "ask_share",
    Kind.LINK: "ask_link",
    Kind.GUEST_POST: "ask_guest_post",
    Kind.AFFILIATE_PROMO: "ask_affiliate_promo",
    Kind.INTRO: "ask_intro",
    Kind.REFERRAL: "ask_intro",
}

_CLOSE_TIERS = frozenset({Tier.CELL, Tier.DEEP})

#: What a move's button says, by action.
ACTION_WORDS: Mapping[str, str] = {
    "plan_give": "Plan a give",
    "open_ask": "Open the ask",
    "review_tier": "Review the tier",
}
#: What a draft move's button says, by template (asks: "Draft the ask").
DRAFT_WORDS: Mapping[str, str] = {
    "follow_up": "Draft a follow-up",
    "reciprocate": "Draft a give back",
    "first_transaction": "Draft a first hello",
    "thank_you": "Draft a thank-you",
    **{template: "Draft the ask" for template in ASK_TEMPLATES.values()},
}

#: What each kind of move is, in words (a table's "Move" column).
KIND_WORDS: Mapping[str, str] = {
    "ask_at_risk": "Ask at risk",
    "ask_ready": "Ask ready",
    "owe": "You owe",
    "budget": "Audience budget",
    "losing_touch": "Losing touch",
    "needs_trust": "Build trust",
    "one_sided": "One-sided",
    "tier_over": "Tier over capacity",
    "first_transaction": "First exchange",
}


def action_words(action: str) -> str:
    """A move's action as its button says it: ``draft:follow_up`` → "Draft a follow-up"."""
    if action.startswith("draft:"):
        template = action.split(":", 1)[1]
        return DRAFT_WORDS.get(template, "Draft: " + template.replace("_", " "))
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())


@dataclass(frozen=True, slots=True)
class Move:
    """One thing worth doing now: about whom, why, what to do, how urgent."""

    kind: MoveKind
    contact_id: int | None
    ask_id: int | None
    title: str
    reason: str
    #: "plan_give" | "open_ask" | "draft:<template_name>" | "review_tier"
    action: str
    #: 1 is most urgent.
    priority: int


@dataclass(frozen=True, slots=True)
class _Ranked:
    move: Move
    urgency: tuple[float, ...]

    def key(self) -> tuple[int, int, tuple[float, ...], int, int]:
        """Sort key: priority, kind order, urgency, then contact and ask id."""
        m = self.move
        return (
            m.priority,
            KIND_ORDER.index(m.kind),
            self.urgency,
            -1 if m.contact_id is None else m.contact_id,
            -1 if m.ask_id is None else m.ask_id,
        )


def _empty(contact_id: int) -> BalanceSummary:
    return BalanceSummary(contact_id, 0.0, 0.0, 0.0, 0.0, 0, 0, None, None)


def next_moves(
    *,
    contacts: Iterable[Contact],
    summaries: Mapping[int, BalanceSummary],
    asks: Iterable[Ask] = (),
    trust: Mapping[int, Trust | str] | None = None,
    requests_count: Mapping[int, int] | None = None,
    last_interaction: Mapping[int, date | None] | None = None,
    budget: BudgetState | None = None,
    today: date,
    my_reach: int | None,
    settings: Settings,
    limit_per_kind: int | None = 20,
) -> list[Move]:
    """Every move worth making now, most urgent first (see the module docstring).

    Args:
        summaries: contact id → balance summary as of ``today`` (missing: no exchange).
        trust: contact id → trust level (default new).
        requests_count: contact id → incoming requests made (for the one-sided rule).
        last_interaction: contact id → last interaction day; default each summary's
            ``last_on``.
        budget: the audience budget; no budget move without it.
        limit_per_kind: keep at most this many moves of each kind (None: all).
    """
    people = [c for c in contacts if not c.archived]
    by_id = {c.id: c for c in people}
    ranked: list[_Ranked] = []
    ranked += _ask_moves(list(asks), by_id, summaries, trust or {}, today, my_reach, settings)
    ranked += _balance_moves(people, summaries, requests_count or {}, today, settings)
    last = last_interaction
    if last is None:
        last = {cid: s.last_on for cid, s in summaries.items() if cid is not None}
    ranked += _losing_touch_moves(people, by_id, last, today, settings)
    ranked += _tier_moves(people, by_id, summaries, today, settings)
    if budget is not None:
        ranked += _budget_move(budget, today)
    ranked = _agreeing(ranked)
    ranked.sort(key=_Ranked.key)
    return _limited(ranked, limit_per_kind)


def _agreeing(ranked: list[_Ranked]) -> list[_Ranked]:
    """The moves with each contact's contradictions settled (module docstring's table)."""
    kinds: dict[int, set[str]] = {}
    for r in ranked:
        if r.move.contact_id is not None:
            kinds.setdefault(r.move.contact_id, set()).add(r.move.kind)
    out: list[_Ranked] = []
    for r in ranked:
        cid = r.move.contact_id
        mine = kinds.get(cid, set()) if cid is not None else set()
        if any(r.move.kind in SUPPRESSES.get(k, frozenset()) for k in mine):
            continue
        if "one_sided" in mine and r.move.kind in _GIVING_KINDS and r.move.action == "plan_give":
            r = _Ranked(
                replace(
                    r.move,
                    action="open_ask",
                    reason=r.move.reason + "; they take more than they give: reconsider the "
                    "ask rather than giving more",
                ),
                r.urgency,
            )
        out.append(r)
    return out


def _limited(ranked: list[_Ranked], limit_per_kind: int | None) -> list[Move]:
    """The moves in order, at most ``limit_per_kind`` of each kind (None: all)."""
    out: list[Move] = []
    per_kind: dict[str, int] = {}
    for r in ranked:
        n = per_kind.get(r.move.kind, 0)
        if limit_per_kind is None or n < limit_per_kind:
            out.append(r.move)
            per_kind[r.move.kind] = n + 1
    return out


def _balance_moves(
    people: list[Contact],
    summaries: Mapping[int, BalanceSummary],
    requests: Mapping[int, int],
    today: date,
    settings: Settings,
) -> list[_Ranked]:
    """What each contact's balance says: I owe them, they take more than they give, or
    nothing was exchanged yet."""
    out: list[_Ranked] = []
    for c in people:
        s = summaries.get(c.id) or _empty(c.id)
        if s.balance <= -OWE_THRESHOLD:
            out.append(_owe(c, s, today))
        if is_one_sided(s, as_of=today, requests_count=requests.get(c.id, 0), settings=settings):
            out.append(_one_sided(c, s, requests.get(c.id, 0)))
        # Nothing given or received, and no message either (an e-mail moves last_on).
        if s.gives_count + s.receives_count == 0 and s.last_on is None:
            out.append(_first_transaction(c))
    return out


def _first_transaction(c: Contact) -> _Ranked:
    """No exchange with ``c`` at all: start with something small."""
    return _Ranked(
        Move(
            "first_transaction",
            c.id,
            None,
            f"Start with {c.name}",
            "no exchange yet: start small — buy their product, hire their "
            "service or donate to their cause",
            "draft:first_transaction",
            4,
        ),
        (float(list(Tier).index(Tier(c.tier))),),
    )


def _losing_touch_moves(
    people: list[Contact],
    by_id: Mapping[int, Contact],
    last: Mapping[int, date | None],
    today: date,
    settings: Settings,
) -> list[_Ranked]:
    """Contacts past their tier's keep-in-touch cadence (close tiers more urgent)."""
    out: list[_Ranked] = []
    for gap in losing_touch(people, last, today=today, settings=settings):
        c = by_id[gap.contact_id]
        close = Tier(c.tier) in _CLOSE_TIERS
        out.append(
            _Ranked(
                Move(
                    "losing_touch",
                    c.id,
                    None,
                    f"Get back in touch with {c.name}",
                    f"{gap.days_since} days since the last exchange; "
                    f"{TIER_WORDS[Tier(c.tier)].lower()} contacts every {gap.cadence} days",
                    "draft:follow_up",
                    2 if close else 3,
                ),
                (-gap.days_since / gap.cadence,),
            )
        )
    return out


def _tier_moves(
    people: list[Contact],
    by_id: Mapping[int, Contact],
    summaries: Mapping[int, BalanceSummary],
    today: date,
    settings: Settings,
) -> list[_Ranked]:
    """Tiers holding more contacts than their capacity, with whom to move down."""
    out: list[_Ranked] = []
    for state in tier_report(people, summaries, today=today, settings=settings):
        if state.over:
            names = ", ".join(by_id[i].name for i in state.move_down_suggestions)
            out.append(
                _Ranked(
                    Move(
                        "tier_over",
                        None,
                        None,
                        f"{TIER_WORDS[state.tier]} tier is over capacity",
                        f"{state.count} contacts for {state.capacity} places: move down "
                        f"{names} (least reciprocated, least recent)",
                        "review_tier",
                        3,
                    ),
                    (float(list(Tier).index(state.tier)),),
                )
            )
    return out


def _ask_moves(
    asks: list[Ask],
    by_id: Mapping[int, Contact],
    summaries: Mapping[int, BalanceSummary],
    trust_of: Mapping[int, Trust | str],
    today: date,
    my_reach: int | None,
    settings: Settings,
) -> list[_Ranked]:
    """Ready asks and asks at risk (audience asks belong to the budget, not here)."""
    out: list[_Ranked] = []
    for a in asks:
        contact = by_id.get(a.contact_id) if a.contact_id is not None else None
        if contact is None:
            continue  # audience ask, or an archived/unknown contact
        s = summaries.get(contact.id) or _empty(contact.id)
        have = Trust(trust_of.get(contact.id, Trust.NEW))
        verdict = assess_ask(a, balance=s.balance, trust=have, other_asks=asks, settings=settings)
        if verdict.state is Readiness.CLOSED:
            continue
        days = (a.target_date - today).days if a.target_date else None
        if verdict.ready and a.status in (AskStatus.IDEA, AskStatus.PLANNED):
            out.append(_ready_move(a, contact, verdict, days))
        elif _at_risk(a, verdict, days):
            assert days is not None
            out.append(_at_risk_move(a, contact, verdict, s, days, today, my_reach, settings))
        elif verdict.state is Readiness.NEEDS_TRUST and a.status in _WAITING:
            out.append(_needs_trust_move(a, contact, verdict, s, days, settings))
    return out


_WAITING = frozenset({AskStatus.IDEA, AskStatus.PLANNED})


def _at_risk_move(
    a: Ask,
    contact: Contact,
    verdict: AskAssessment,
    s: BalanceSummary,
    days: int,
    today: date,
    my_reach: int | None,
    settings: Settings,
) -> _Ranked:
    """An ask due soon (or overdue) and not ready: why, and the gives or the trust step
    that close it while there is time (else: open the ask and reconsider it)."""
    reason = _at_risk_reason(a, contact, verdict, s.balance, days, today, my_reach, settings)
    action = "plan_give" if _closable(verdict, days) else "open_ask"
    if verdict.state is Readiness.NEEDS_TRUST:
        step, step_action = trust_step(s, settings)
        reason += f"; {step}"
        action = step_action if days >= 0 else "open_ask"  # overdue: reconsider the ask
    return _Ranked(
        Move(
            "ask_at_risk",
            contact.id,
            a.id,
            f"Ask {contact.name} for {kind_phrase(a.kind)} is at risk",
            reason,
            action,
            1,
        ),
        (float(days), float(a.priority)),
    )


def trust_step(s: BalanceSummary, settings: Settings) -> tuple[str, str]:
    """(what earns the trust an ask waits for, the action that takes the first step).

    Trust grows when they give: acquainted after their first give, trusted after
    ``trusted_min_gives`` of them over ``trusted_min_quarters`` quarters, with a give of
    mine among them (:func:`planner.domain.goodwill.trust_level`).
    """
    if s.receives_count == 0 and s.gives_count == 0:
        return (
            "trust comes when they give back: start with a small first give (a share or "
            "a mention), then make a first small ask",
            "plan_give",
        )
    if s.receives_count == 0:
        return (
            "trust comes when they give back: make a first small ask (a share) before this one",
            "draft:ask_share",
        )
    if s.gives_count == 0:
        return (
            f"they gave {s.receives_count} times and you never gave back: a small give earns trust",
            "plan_give",
        )
    return (
        f"they gave {s.receives_count} times; trust needs {settings.trusted_min_gives} gives "
        f"over {settings.trusted_min_quarters} quarters: thank them for their last one and "
        "keep exchanging",
        "draft:thank_you",
    )


def _needs_trust_move(
    a: Ask,
    contact: Contact,
    verdict: AskAssessment,
    s: BalanceSummary,
    days: int | None,
    settings: Settings,
) -> _Ranked:
    """An idea or planned ask that waits for trust: the step that earns it."""
    step, action = trust_step(s, settings)
    return _Ranked(
        Move(
            "needs_trust",
            contact.id,
            a.id,
            f"Build trust with {contact.name} before asking for {kind_phrase(a.kind)}",
            f"{verdict.reason}; {step}",
            action,
            3,
        ),
        (float(days if days is not None else 10**6), float(a.priority)),
    )


def _ready_move(a: Ask, contact: Contact, verdict: AskAssessment, days: int | None) -> _Ranked:
    """An idea or planned ask the balance and trust cover now: draft it."""
    template = ASK_TEMPLATES.get(Kind(a.kind))
    return _Ranked(
        Move(
            "ask_ready",
            contact.id,
            a.id,
            f"Ask {contact.name} for {kind_phrase(a.kind)}",
            verdict.reason,
            f"draft:{template}" if template else "open_ask",
            2,
        ),
        (float(a.priority), float(days if days is not None else 10**6)),
    )


def _at_risk(a: Ask, verdict: AskAssessment, days: int | None) -> bool:
    """A planned or sent ask, not ready, due within :data:`AT_RISK_DAYS` (or overdue)."""
    return (
        not verdict.ready
        and a.status in (AskStatus.PLANNED, AskStatus.SENT, AskStatus.REPLIED)
        and days is not None
        and days <= AT_RISK_DAYS
    )


def _closable(verdict: AskAssessment, days: int) -> bool:
    """Can gives still close the ask's gap (short of points, and not overdue)?"""
    return verdict.state in (Readiness.SHORT, Readiness.OVER_COMMITTED) and days >= 0


def _at_risk_reason(
    a: Ask,
    contact: Contact,
    verdict: AskAssessment,
    balance: float,
    days: int,
    today: date,
    my_reach: int | None,
    settings: Settings,
) -> str:
    """When the ask is due and why it is not ready, with the cheapest gives that close it."""
    assert a.target_date is not None
    when = (
        f"due {short_date(a.target_date, today)} (in {days} days)"
        if days >= 0
        else f"was due {short_date(a.target_date, today)} ({-days} days ago)"
    )
    reason = f"{when}: {verdict.reason}"
    if not _closable(verdict, days):
        return reason
    gap = gap_at_target(
        a,
        balance=balance,
        committed=verdict.committed,
        days=days,
        half_life_days=settings.half_life_days,
    )
    options = cheapest_gives(
        gap,
        contact=contact,
        target=a.target_date,
        today=today,
        my_reach=my_reach,
        settings=settings,
    )
    return reason + (
        "; close it with " + ", ".join(o.explanation for o in options)
        if options
        else "; no set of gives this week closes it in time"
    )


def _owe(c: Contact, s: BalanceSummary, today: date) -> _Ranked:
    last = f", last on {short_date(s.last_on, today)}" if s.last_on else ""
    return _Ranked(
        Move(
            "owe",
            c.id,
            None,
            f"You owe {c.name}",
            f"they gave {-s.balance:.1f} points more than you (decayed: {s.received:.1f} "
            f"received, {s.given:.1f} given{last})",
            "draft:reciprocate",
            2,
        ),
        (s.balance,),
    )


def _one_sided(c: Contact, s: BalanceSummary, requests: int) -> _Ranked:
    ratio = s.reciprocity_ratio
    if s.receives_count == 0 and requests:
        why = f"{requests} requests and nothing given back"
    else:
        why = (
            f"you gave {s.lifetime_given:.1f} points, they returned "
            f"{s.lifetime_received:.1f} ({(ratio or 0.0):.0%})"
        )
    return _Ranked(
        Move(
            "one_sided",
            c.id,
            None,
            f"{c.name} takes more than they give",
            f"{why}: pause giving and consider a lower tier",
            "review_tier",
            3,
        ),
        (ratio if ratio is not None else 0.0,),
    )


def _budget_move(budget: BudgetState, today: date) -> list[_Ranked]:
    """The budget at or over its limit, in the budget's one wording (:func:`budget_line`)."""
    line = budget_line(budget)
    if line.level == "ok":
        return []
    title = f"Audience promotion budget: {LEVEL_WORDS[line.level]}"
    reason = budget.explanation
    if budget.promotions_30d >= budget.max_promotions_30d and budget.next_free_day > today:
        reason += f"; hold promotions until {short_date(budget.next_free_day, today)}"
    return [
        _Ranked(
            Move("budget", None, None, title, reason, "plan_give", 2 if not budget.ok else 4),
            (0.0,),
        )
    ]
