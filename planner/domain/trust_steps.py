"""What earns the trust an ask needs, and the small steps that earn it.

Trust grows from favours both ways (:func:`planner.domain.goodwill.trust_level`): a
contact becomes *acquainted* once they have given me something, and *trusted* after
``trusted_min_gives`` gives over ``trusted_min_quarters`` quarters, with mine given back.
An ask that needs more trust than there is gets three ways forward, the seeds' answer to
a cold relationship: an early small transaction and giving first — a small first give,
a thank-you (the ``first_transaction`` draft), or a first small ask they can say yes to.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain.model import AUDIENCE_ASK_KINDS, Kind, Settings, Trust, trust_rank
from planner.domain.words import KIND_WORDS, TRUST_WORDS

#: The give offered as a first step: the least effort there is (see give_options).
FIRST_GIVE = Kind.SHARE
#: The outreach template of the thank-you / first-transaction message.
FIRST_MESSAGE_TEMPLATE = "first_transaction"


@dataclass(frozen=True, slots=True)
class TrustStep:
    """Why an ask waits for trust, and the small steps that earn it."""

    required: Trust
    now: Trust
    #: A sentence for the page: what is missing, and what earns it.
    explanation: str
    first_give: Kind
    small_ask: Kind
    template: str = FIRST_MESSAGE_TEMPLATE


def small_ask_kind(settings: Settings) -> Kind:
    """The cheapest kind of ask that needs no trust (not an audience ask): a first small ask."""
    free = [
        k
        for k in Kind
        if trust_rank(settings.required_trust(k)) == trust_rank(Trust.NEW)
        and k not in AUDIENCE_ASK_KINDS
        and k is not Kind.CONTENT
    ]
    return min(free, key=lambda k: (settings.ask_cost(k), list(Kind).index(k)))


def trust_step(
    name: str,
    *,
    required: Trust,
    now: Trust,
    received: int,
    given: int,
    settings: Settings,
) -> TrustStep:
    """The explanation and the steps for an ask to ``name`` that needs ``required`` trust
    while there is ``now``; ``received``/``given`` count the favours each way so far."""
    small = small_ask_kind(settings)
    so_far = f"so far they gave you {_times(received)} and you gave them {_times(given)}"
    if trust_rank(required) <= trust_rank(Trust.ACQUAINTED):
        text = (
            f"Needs trust level {TRUST_WORDS[Trust(required)]}: {name} and you have not "
            f"exchanged favours both ways yet ({so_far}). Earn it with a small first give, "
            f"a thank-you, or a first small ask ({KIND_WORDS[small].lower()})."
        )
    else:
        text = (
            f"Needs trust level {TRUST_WORDS[Trust(required)]} (now "
            f"{TRUST_WORDS[Trust(now)]}): it takes {settings.trusted_min_gives} favours from "
            f"{name} over {settings.trusted_min_quarters} quarters, with yours given back "
            f"({so_far}). Earn it by giving first, a thank-you, and small asks they can say "
            "yes to."
        )
    return TrustStep(Trust(required), Trust(now), text, FIRST_GIVE, small)


def _times(n: int) -> str:
    return "nothing" if n <= 0 else ("once" if n == 1 else f"{n} times")
