"""Sample ledgers and contexts shared by the outreach tests (imported, not a conftest)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
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

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
DAY = date(2026, 11, 25)

PAT = Profile(
    name="Pat Planner",
    brand="The Give First Show",
    email="pat@givefirst.example",
    domains=("givefirst.example",),
    reach=12000,
)
JANE = Contact(
    id=1,
    name="Jane Doe",
    email="jane@janedoe.example",
    tier=Tier.ACTIVE,
    domains=("janedoe.example",),
)

#: The ask each template is about (kind, title, note with its link).
TEMPLATE_ASKS: dict[str, tuple[Kind, str, str]] = {
    "ask_share": (Kind.FREE_REPORT, "The Weekly Planning Kit", "https://givefirst.example/kit"),
    "ask_link": (Kind.LINK, "How I plan a podcast season", "https://givefirst.example/season"),
    "ask_guest_post": (Kind.GUEST_POST, "Five planning mistakes", ""),
    "ask_affiliate_promo": (
        Kind.AFFILIATE_PROMO,
        "The Planning Course",
        "https://givefirst.example/course",
    ),
    "ask_intro": (Kind.INTRO, "Sam Lee at Acme Podcasts", ""),
    "follow_up": (Kind.SHARE, "The Weekly Planning Kit", "https://givefirst.example/kit"),
}
#: The planned give each template is about.
TEMPLATE_PLANS: dict[str, tuple[Kind, str]] = {
    "interview_invite": (Kind.INTERVIEW, "Planning for creative people"),
    "reward_offer": (Kind.FREE_PRODUCT, "The Planning Course"),
    "reciprocate": (Kind.FEATURE, "Your new book in my Friday roundup"),
}
REASON = "It goes live in two weeks, and a few early readers would help me a lot."


def gave(kind: Kind, days_ago: int, title: str = "", link: str = "", id_: int = 1) -> Interaction:
    return Interaction(
        id=id_,
        contact_id=1,
        direction=Direction.GAVE,
        kind=kind,
        occurred_on=DAY - timedelta(days=days_ago),
        source=Source.FEED,
        title=title,
        link=link,
    )


def got(kind: Kind, days_ago: int, title: str = "", link: str = "", id_: int = 100) -> Interaction:
    return Interaction(
        id=id_,
        contact_id=1,
        direction=Direction.RECEIVED,
        kind=kind,
        occurred_on=DAY - timedelta(days=days_ago),
        title=title,
        link=link,
    )


GIVES = [
    gave(Kind.INTERVIEW, 12, "Ep 42: Deep work with Jane Doe", "https://givefirst.example/ep42"),
    gave(Kind.LINK, 70, "10 books that changed how I work", "https://givefirst.example/books", 2),
]
RECEIVED = [got(Kind.SHARE, 9, "Jane's newsletter #12", "https://janedoe.example/n12")]


def context_for(
    template: str,
    *,
    contact: Contact = JANE,
    profile: Profile = PAT,
    gives: list[Interaction] | None = None,
    received: list[Interaction] | None = None,
    with_ask: bool = True,
) -> dict[str, Any]:
    """A context shaped like what the services pass for ``template``."""
    ask = request = planned = None
    if with_ask and template in TEMPLATE_ASKS:
        kind, title, link = TEMPLATE_ASKS[template]
        ask = Ask(
            id=1,
            contact_id=contact.id,
            kind=kind,
            cost=1.0,
            target_date=DAY + timedelta(days=14),
            status=AskStatus.PLANNED,
            title=title,
            note=f"page: {link}" if link else "",
        )
    if with_ask and template == "decline_request":
        request = Request(
            id=1,
            contact_id=contact.id,
            kind=Kind.PROMOTION,
            received_on=DAY - timedelta(days=2),
            title="my spring course launch",
        )
    if with_ask and template in TEMPLATE_PLANS:
        kind, title = TEMPLATE_PLANS[template]
        planned = PlannedGive(
            id=1,
            contact_id=contact.id,
            kind=kind,
            due_date=DAY + timedelta(days=21),
            status=GiveStatus.PLANNED,
            title=title,
        )
    return build_context(
        profile=profile,
        contact=contact,
        today=DAY,
        gives=GIVES if gives is None else gives,
        received=RECEIVED if received is None else received,
        ask=ask,
        ask_reason=REASON if ask else "",
        request=request,
        planned=planned,
        balance=6.5,
    )
