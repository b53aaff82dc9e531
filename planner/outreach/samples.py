"""A made-up but complete context, for template previews and checks in the app."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from planner.domain.model import (
    Ask,
    AskStatus,
    Contact,
    Direction,
    GiveStatus,
    Interaction,
    Kind,
    PlannedGive,
    Profile,
    Request,
    Source,
    Tier,
)
from planner.outreach.context import build_context

__all__ = ["sample_context"]

#: Plausible ask titles for :func:`sample_context`, so a preview reads naturally.
_SAMPLE_ASKS: dict[Kind, tuple[str, str]] = {
    Kind.SHARE: ("The Weekly Planning Kit", "https://givefirst.example/kit"),
    Kind.FREE_REPORT: ("The Weekly Planning Kit", "https://givefirst.example/kit"),
    Kind.LINK: ("How I plan a podcast season", "https://givefirst.example/season"),
    Kind.GUEST_POST: ("Five planning mistakes I made so you don't have to", ""),
    Kind.AFFILIATE_PROMO: ("The Planning Course", "https://givefirst.example/course"),
    Kind.INTRO: ("Sam Lee at Acme Podcasts", ""),
}


def sample_context(today: date, *, ask_kind: Kind = Kind.SHARE) -> dict[str, Any]:
    """A filled-in context for previews and template checks (a made-up contact)."""
    profile = Profile(
        name="Pat Planner",
        brand="The Give First Show",
        email="pat@givefirst.example",
        domains=("givefirst.example",),
        reach=12000,
    )
    contact = Contact(
        id=1,
        name="Jane Doe",
        email="jane@janedoe.example",
        tier=Tier.ACTIVE,
        domains=("janedoe.example",),
        handles=("@janedoe",),
        tags=("productivity",),
    )
    gives = [
        Interaction(
            id=1,
            contact_id=1,
            direction=Direction.GAVE,
            kind=Kind.INTERVIEW,
            occurred_on=today - timedelta(days=12),
            source=Source.FEED,
            title="Ep 42: Deep work with Jane Doe",
            link="https://givefirst.example/ep42",
        ),
        Interaction(
            id=2,
            contact_id=1,
            direction=Direction.GAVE,
            kind=Kind.LINK,
            occurred_on=today - timedelta(days=70),
            source=Source.FEED,
            title="10 books that changed how I work",
            link="https://givefirst.example/books",
        ),
    ]
    received = [
        Interaction(
            id=3,
            contact_id=1,
            direction=Direction.RECEIVED,
            kind=Kind.SHARE,
            occurred_on=today - timedelta(days=10),
            title="Ep 42: Deep work with Jane Doe",
            link="https://janedoe.example/notes",
        )
    ]
    title, link = _SAMPLE_ASKS.get(Kind(ask_kind), ("a small favour", ""))
    ask = Ask(
        id=1,
        contact_id=1,
        kind=Kind(ask_kind),
        cost=0.5,
        target_date=today + timedelta(days=14),
        status=AskStatus.PLANNED,
        title=title,
        note=f"Landing page: {link}" if link else "",
    )
    request = Request(
        id=1,
        contact_id=1,
        kind=Kind.PROMOTION,
        received_on=today - timedelta(days=3),
        title="my spring course launch",
    )
    planned = PlannedGive(
        id=1,
        contact_id=1,
        kind=Kind.INTERVIEW,
        due_date=today + timedelta(days=21),
        status=GiveStatus.PLANNED,
        title="Planning for creative people",
        channel="the podcast",
    )
    return build_context(
        profile=profile,
        contact=contact,
        today=today,
        gives=gives,
        received=received,
        ask=ask,
        ask_reason="It goes live in two weeks, and a few early readers would help me a lot.",
        request=request,
        planned=planned,
        balance=6.5,
    )
