"""Incoming requests: should I say yes to what a contact asks of me?

The rules, first match wins:

1. **A one-sided taker I owe nothing** (see :func:`~planner.domain.goodwill.is_one_sided`
   and a balance ≥ 0): decline, gracefully.
2. **Promotion-like requests** (promotion, affiliate promo, JV: they spend my audience's
   goodwill, not just mine) must fit the audience budget on the day:

   * they fit today → yes;
   * they do not, but a later day within a year fits (a promotion leaves the 30-day
     window, or planned audience gives restore the 90-day ratio) → later, with that week;
   * nothing fits without new audience gives → later if the relationship deserves it (I
     owe them or reciprocity is healthy), else decline.

3. **Everything else** → yes: when I owe them it is reciprocity, when reciprocity is
   healthy it is the relationship working, and when nothing has been exchanged yet it is
   the point of the whole app: give first.

"Healthy reciprocity": they have given back at least once and the lifetime ratio is not
below the one-sided threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from planner.domain.audience import BudgetState, first_promotion_day, promotion_blocker
from planner.domain.goodwill import BalanceSummary
from planner.domain.model import AUDIENCE_ASK_KINDS, Kind, Request, Settings
from planner.domain.weeks import short_date, week_start

Recommendation = Literal["yes", "later", "decline"]


@dataclass(frozen=True, slots=True)
class RequestDecision:
    """What to answer an incoming request, and why."""

    request_id: int
    recommendation: Recommendation
    #: Why, with the numbers that decided it.
    reason: str
    #: Monday of the week to do it in (yes: this week; later: the first week it fits).
    suggested_week: date | None
    #: Outreach draft that goes with the decision.
    template: str


def _standing(
    summary: BalanceSummary, balance: float, one_sided: bool, settings: Settings
) -> tuple[str, bool]:
    """A sentence about the relationship, and whether reciprocity is healthy."""
    ratio = summary.reciprocity_ratio
    healthy = (
        not one_sided
        and summary.receives_count > 0
        and (ratio is None or ratio >= settings.one_sided_max_ratio)
    )
    if balance < 0:
        return f"you owe them {-balance:.1f} points", healthy
    if summary.receives_count == 0 and summary.gives_count == 0:
        return "nothing exchanged yet", False
    if one_sided:
        back = f"{ratio:.0%}" if ratio is not None else "nothing"
        return (
            f"one-sided: they returned {back} of the {summary.lifetime_given:.1f} points "
            f"you gave (balance {balance:+.1f})",
            False,
        )
    if ratio is None:
        return f"they gave {summary.receives_count} times and you have not given yet", healthy
    return (
        f"reciprocity: they returned {ratio:.0%} of what you gave "
        f"({summary.receives_count} gives back, balance {balance:+.1f})",
        healthy,
    )


def decide_request(
    request: Request,
    *,
    summary: BalanceSummary,
    balance: float | None = None,
    one_sided: bool,
    budget: BudgetState,
    today: date,
    settings: Settings,
) -> RequestDecision:
    """Recommend yes, later or decline for an incoming request, with the reason in numbers.

    Args:
        summary: their balance summary as of ``today``.
        balance: the balance to weigh (e.g. after my pending asks to them); default
            ``summary.balance``.
        one_sided: whether the relationship is one-sided (computed by the caller, who knows
            how many requests they made).
        budget: the audience budget as of ``today``, plans included.
    """
    bal = summary.balance if balance is None else balance
    owed = bal < 0
    text, healthy = _standing(summary, bal, one_sided, settings)
    if one_sided and not owed:
        why = f"decline gracefully — {text}; you owe them nothing"
        return RequestDecision(request.id, "decline", why, None, "decline_request")
    kind = Kind(request.kind)
    if kind not in AUDIENCE_ASK_KINDS:
        why = text if (owed or healthy) else f"give first — {text}"
        template = "reciprocate" if owed else "help_offer"
        return RequestDecision(request.id, "yes", why, week_start(today), template)
    return _promotion_decision(request.id, kind, text, owed or healthy, owed, budget, today)


def _promotion_decision(
    request_id: int,
    kind: Kind,
    standing: str,
    deserving: bool,
    owed: bool,
    budget: BudgetState,
    today: date,
) -> RequestDecision:
    """A request to promote them to my audience: yes when the budget has room, later when
    it will, else later (they deserve it: I owe them, or it is healthy) or decline."""
    label = kind.value.replace("_", " ")
    blocker = promotion_blocker(budget, today)
    if blocker is None:
        why = f"{standing}; a {label} fits the audience budget ({budget.explanation})"
        template = "reciprocate" if owed else "help_offer"
        return RequestDecision(request_id, "yes", why, week_start(today), template)
    later = first_promotion_day(budget, today)
    if later is not None:
        why = f"{standing}; but {blocker} — it fits from {short_date(later, today)}"
        return RequestDecision(request_id, "later", why, week_start(later), "decline_request")
    needed = budget.gives_needed
    fix = f"give your audience {needed} more posts, reports or rewards first" if needed else ""
    if deserving:
        why = f"{standing}; but {blocker}" + (f" — {fix}" if fix else "")
        return RequestDecision(request_id, "later", why, None, "decline_request")
    why = f"{standing}; and {blocker}" + (f" — {fix}" if fix else "")
    return RequestDecision(request_id, "decline", why, None, "decline_request")
