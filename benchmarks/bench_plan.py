"""Auto-plan speed: 2,000 contacts, 300 asks, 12 weeks (the design's budget: under 2 s).

Generates a seeded workload in memory — contacts with reaches, balances and trust, 300
asks of mixed kinds and statuses with targets over the next four months, 40 gives already
planned — and measures, in the same run:

* ``plan``: :func:`planner.domain.planning.auto_plan` over 12 weeks, default capacity;
* ``readiness``: :func:`planner.domain.goodwill.assess_ask` for every ask (what the
  dashboard does without planning), the baseline the plan is compared with;
* ``next_moves``: the dashboard's next-moves list over all 2,000 contacts.

Timings are the best of ``repeat`` runs; ratios are measured against the readiness baseline
and against the 2-second budget.

Run: ``.venv/bin/python -m benchmarks.bench_plan [CONTACTS ASKS WEEKS]``.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

from planner.domain.goodwill import BalanceSummary, assess_ask
from planner.domain.model import (
    Ask,
    AskStatus,
    Contact,
    GiveStatus,
    Kind,
    PlannedGive,
    Settings,
    Tier,
    Trust,
)
from planner.domain.next_moves import next_moves
from planner.domain.planning import auto_plan

TODAY = date(2026, 11, 25)
BUDGET_SECONDS = 2.0
ASK_KINDS = (
    Kind.LINK,
    Kind.SHARE,
    Kind.GUEST_POST,
    Kind.AFFILIATE_PROMO,
    Kind.INTERVIEW,
    Kind.TESTIMONIAL,
    Kind.REFERRAL,
    Kind.INTRO,
)
GIVE_KINDS = (Kind.MENTION, Kind.LINK, Kind.INTERVIEW, Kind.FEATURE, Kind.SHARE, Kind.HELP)


def workload(contacts: int = 2_000, asks: int = 300, seed: int = 11) -> dict[str, object]:
    """A seeded, realistic-looking planning problem."""
    rng = random.Random(seed)
    settings = Settings()
    tiers = [Tier.CELL] * 1 + [Tier.DEEP] * 3 + [Tier.ACTIVE] * 10 + [Tier.NETWORK] * 30
    people = [
        Contact(
            i,
            f"Contact {i}",
            tier=rng.choice(tiers),
            reach=rng.choice([None, rng.randint(200, 200_000)]),
        )
        for i in range(1, contacts + 1)
    ]
    summaries: dict[int, BalanceSummary] = {}
    for c in people:
        given = rng.uniform(0, 12) if rng.random() < 0.7 else 0.0
        received = rng.uniform(0, 8) if rng.random() < 0.5 else 0.0
        gives, receives = rng.randint(0, 12) * (given > 0), rng.randint(0, 8) * (received > 0)
        last = TODAY - timedelta(days=rng.randint(0, 400)) if gives + receives else None
        summaries[c.id] = BalanceSummary(
            c.id,
            given,
            received,
            given * 1.6,
            received * 1.4,
            gives,
            receives,
            (last - timedelta(days=rng.randint(0, 500))) if last else None,
            last,
        )
    trust = {
        c.id: rng.choice([Trust.NEW, Trust.ACQUAINTED, Trust.ACQUAINTED, Trust.TRUSTED])
        for c in people
    }
    askers = rng.sample([c.id for c in people], k=min(contacts, max(1, asks * 5 // 6)))
    statuses = [AskStatus.PLANNED] * 6 + [AskStatus.SENT] * 3 + [AskStatus.ACCEPTED, AskStatus.IDEA]
    ask_list = []
    for aid in range(1, asks + 1):
        kind = rng.choice(ASK_KINDS)
        ask_list.append(
            Ask(
                aid,
                rng.choice(askers),
                kind,
                settings.ask_cost(kind),
                TODAY + timedelta(days=rng.randint(-3, 120)) if rng.random() < 0.95 else None,
                status=rng.choice(statuses),
                priority=rng.randint(1, 3),
            )
        )
    planned = [
        PlannedGive(
            gid,
            rng.choice(askers),
            rng.choice(GIVE_KINDS),
            TODAY + timedelta(days=rng.randint(-5, 80)),
            status=GiveStatus.PLANNED,
        )
        for gid in range(1, 41)
    ]
    return {
        "contacts": people,
        "summaries": summaries,
        "trust": trust,
        "asks": ask_list,
        "planned": planned,
        "settings": settings,
    }


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def run(contacts: int = 2_000, asks: int = 300, weeks: int = 12, repeat: int = 3) -> dict:
    data = workload(contacts, asks)
    settings: Settings = data["settings"]  # type: ignore[assignment]
    people: list[Contact] = data["contacts"]  # type: ignore[assignment]
    summaries: dict[int, BalanceSummary] = data["summaries"]  # type: ignore[assignment]
    trust: dict[int, Trust] = data["trust"]  # type: ignore[assignment]
    ask_list: list[Ask] = data["asks"]  # type: ignore[assignment]
    planned: list[PlannedGive] = data["planned"]  # type: ignore[assignment]

    def plan() -> object:
        return auto_plan(
            ask_list,
            summaries,
            people,
            planned,
            today=TODAY,
            my_reach=5_000,
            settings=settings,
            trust=trust,
            weeks=weeks,
        )

    def readiness() -> object:
        by_contact: dict[int | None, list[Ask]] = {}
        for a in ask_list:
            by_contact.setdefault(a.contact_id, []).append(a)
        return [
            assess_ask(
                a,
                balance=summaries[a.contact_id].balance if a.contact_id else 0.0,
                trust=trust.get(a.contact_id or 0, Trust.NEW),
                other_asks=by_contact[a.contact_id],
                settings=settings,
            )
            for a in ask_list
        ]

    def moves() -> object:
        return next_moves(
            contacts=people,
            summaries=summaries,
            asks=ask_list,
            trust=trust,
            today=TODAY,
            my_reach=5_000,
            settings=settings,
        )

    plan_s, result = _best(plan, repeat)
    ready_s, _ = _best(readiness, repeat)
    moves_s, move_list = _best(moves, repeat)
    return {
        "contacts": contacts,
        "asks": asks,
        "weeks": weeks,
        "plan_seconds": round(plan_s, 4),
        "readiness_seconds": round(ready_s, 4),
        "next_moves_seconds": round(moves_s, 4),
        "plan_vs_readiness": round(plan_s / ready_s, 1) if ready_s else None,
        "plan_vs_budget": round(plan_s / BUDGET_SECONDS, 3),
        "within_budget": plan_s < BUDGET_SECONDS,
        "proposals": len(result.proposals),  # type: ignore[attr-defined]
        "unreachable": len(result.unreachable),  # type: ignore[attr-defined]
        "already_ready": len(result.already_ready),  # type: ignore[attr-defined]
        "moves": len(move_list),  # type: ignore[arg-type]
    }


def main(argv: list[str]) -> int:
    args = [int(a) for a in argv[1:4]]
    result = run(*args)
    width = max(len(k) for k in result)
    for key, val in result.items():
        print(f"{key:<{width}}  {val}")
    return 0 if result["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
