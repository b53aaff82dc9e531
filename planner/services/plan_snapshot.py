"""What the planner reads, once per page: the :class:`Snapshot`, and the audience budget.

A snapshot holds contacts, balances, asks, gives, requests and the audience budget as of a
day, read once; the plan, the asks' readiness and the requests' recommendations are
computed from it by the pure planner core (planner.domain).

**The audience budget** counts the ledger's audience rows (no contact) and, when I have
feeds of my own (owner ``me``), their entries: each published post or episode is an
audience give of kind content, except an entry whose categories match
``settings.promo_categories`` or whose links point at one of ``settings.affiliate_domains``:
that one is an audience ask (a sales pitch is not a gift). An entry already linked to an
audience ledger row is not counted twice. Planned gives and asks count on their dates (see
planner.domain.audience).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planner.domain.audience import (
    RATIO_WINDOW_DAYS,
    BudgetState,
    audience_budget,
)
from planner.domain.goodwill import BalanceSummary
from planner.domain.model import (
    Ask,
    Contact,
    Direction,
    FeedOwner,
    Interaction,
    Kind,
    PlannedGive,
    Request,
    Settings,
    Source,
    Trust,
)
from planner.services import balances as balances_service
from planner.services.balances import ContactBalance
from planner.services.view_cache import cached
from planner.services.workspace import Workspace
from planner.storage.convert import (
    ask_from_row,
    give_from_row,
    interaction_from_row,
    request_from_row,
)
from planner.storage.schema import (
    AskRow,
    EntryRow,
    FeedRow,
    InteractionRow,
    PlannedGiveRow,
    RequestRow,
)

#: Audience events older than this before the as-of day no longer affect the budget.
BUDGET_LOOKBACK_DAYS = RATIO_WINDOW_DAYS + 30


# --- the snapshot ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the planner reads, as of ``today``."""

    today: date
    settings: Settings
    my_reach: int | None
    #: Every contact, archived ones included (their asks still need a name).
    contacts: dict[int, Contact]
    balances: dict[int, ContactBalance]
    asks: list[Ask]
    #: Ask id → the day it was sent.
    sent_on: dict[int, date | None]
    gives: list[PlannedGive]
    requests: list[Request]
    #: Audience ledger rows and my feeds' entries in the budget's look-back window.
    audience: list[Interaction]
    budget: BudgetState

    def summary(self, contact_id: int) -> BalanceSummary:
        """The contact's balance summary (all zero for a contact with no ledger rows)."""
        b = self.balances.get(contact_id)
        if b is not None:
            return b.summary
        return BalanceSummary(contact_id, 0.0, 0.0, 0.0, 0.0, 0, 0, None, None)

    def trust(self, contact_id: int) -> Trust:
        """The contact's trust level (NEW without a balance)."""
        b = self.balances.get(contact_id)
        return b.trust if b is not None else Trust.NEW

    def name(self, contact_id: int | None) -> str:
        """The contact's name, "" for the audience, ``#id`` for an unknown id."""
        if contact_id is None:
            return ""
        c = self.contacts.get(contact_id)
        return c.name if c else f"#{contact_id}"

    def budget_without(self, ask_id: int) -> BudgetState:
        """The budget with one planned ask left out (to judge that ask against the rest)."""
        items: list[PlannedGive | Ask] = [*self.gives, *(a for a in self.asks if a.id != ask_id)]
        return audience_budget(self.audience, items, today=self.today, settings=self.settings)


def snapshot(ws: Workspace, *, as_of: date | None = None) -> Snapshot:
    """Read everything the planner needs as of ``as_of`` (default today); read once per
    data version and day (:mod:`planner.services.view_cache`) and shared: read-only."""
    today = as_of or ws.today()
    return cached(ws, ("snapshot", today), lambda: _read_snapshot(ws, today))


def _read_snapshot(ws: Workspace, today: date) -> Snapshot:
    rows = balances_service.all_balances(ws, as_of=today, include_archived=True)
    with ws.read() as s:
        settings = ws.settings(s)
        my_reach = ws.profile(s).reach
        ask_rows = s.scalars(select(AskRow).order_by(AskRow.id)).all()
        asks = [ask_from_row(r) for r in ask_rows]
        sent_on = {r.id: r.sent_on for r in ask_rows}
        gives = [
            give_from_row(r) for r in s.scalars(select(PlannedGiveRow).order_by(PlannedGiveRow.id))
        ]
        requests = [
            request_from_row(r) for r in s.scalars(select(RequestRow).order_by(RequestRow.id))
        ]
        audience = audience_events(s, as_of=today, settings=settings)
    budget = audience_budget(audience, [*gives, *asks], today=today, settings=settings)
    return Snapshot(
        today=today,
        settings=settings,
        my_reach=my_reach,
        contacts={b.contact.id: b.contact for b in rows},
        balances={b.contact.id: b for b in rows},
        asks=asks,
        sent_on=sent_on,
        gives=gives,
        requests=requests,
        audience=audience,
        budget=budget,
    )


# --- the audience budget ---------------------------------------------------------------


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def is_promotion_entry(
    categories: Iterable[object], links: Iterable[object], settings: Settings
) -> bool:
    """An entry of my feed that sells: a promo category, or a link to an affiliate domain."""
    return _has_promo_category(categories, settings) or _links_to_affiliate(links, settings)


def _has_promo_category(categories: Iterable[object], settings: Settings) -> bool:
    promo = {c.strip().lower() for c in settings.promo_categories if c.strip()}
    return any(str(c).strip().lower() in promo for c in categories or ())


def _links_to_affiliate(links: Iterable[object], settings: Settings) -> bool:
    """A link whose host is an affiliate domain or one of its subdomains."""
    domains = [d.strip().lower().removeprefix("www.") for d in settings.affiliate_domains]
    domains = [d for d in domains if d]
    if not domains:
        return False
    for link in links or ():
        host = _host(str(link))
        if host and any(host == d or host.endswith("." + d) for d in domains):
            return True
    return False


def audience_events(session: Session, *, as_of: date, settings: Settings) -> list[Interaction]:
    """Audience gives and asks in the budget's look-back window ending ``as_of``: the
    ledger's audience rows, then my feeds' entries not already in the ledger."""
    start = as_of - timedelta(days=BUDGET_LOOKBACK_DAYS)
    rows = session.scalars(
        select(InteractionRow).where(
            InteractionRow.contact_id.is_(None),
            InteractionRow.occurred_on > start,
            InteractionRow.occurred_on <= as_of,
        )
    ).all()
    events = [interaction_from_row(r) for r in rows]
    logged = {r.entry_id for r in rows if r.entry_id is not None}
    day_of = func.coalesce(EntryRow.published, EntryRow.first_seen_at)
    entries = session.execute(
        select(
            EntryRow.id,
            EntryRow.published,
            EntryRow.first_seen_at,
            EntryRow.categories,
            EntryRow.links,
        )
        .join(FeedRow, FeedRow.id == EntryRow.feed_id)
        .where(
            FeedRow.owner == FeedOwner.ME.value,
            EntryRow.duplicate_of_id.is_(None),
            day_of >= datetime.combine(start + timedelta(days=1), time.min),
            day_of < datetime.combine(as_of + timedelta(days=1), time.min),
        )
    )
    for eid, published, first_seen, categories, links in entries:
        if eid in logged:
            continue
        promo = is_promotion_entry(categories, links, settings)
        events.append(
            Interaction(
                id=-eid,  # not a ledger row: a negative id keeps it apart
                contact_id=None,
                direction=Direction.RECEIVED if promo else Direction.GAVE,
                kind=Kind.PROMOTION if promo else Kind.CONTENT,
                occurred_on=(published or first_seen).date(),
                source=Source.FEED,
            )
        )
    return events


def budget_state(ws: Workspace, *, as_of: date | None = None) -> BudgetState:
    """The audience promotion budget as of a day, plans included."""
    return snapshot(ws, as_of=as_of).budget
