"""Balances, reciprocity, trust and one-sidedness for every contact, as of a date.

The heavy part is one SQL aggregate over the stored ``growth`` column, so a million ledger
rows are summed by the database instead of loaded into Python (see
planner.domain.goodwill.growth for why a sum of growth values is a decayed balance).

Where that sum is not exact (:func:`~planner.domain.goodwill.growth_is_exact`: an as-of
date far from 2020 at a short half-life, or a sum that overflowed), the decayed parts are
summed again from the rows' days and bases, exactly and more slowly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import NamedTuple

import pandas as pd
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from planner.domain import goodwill
from planner.domain.goodwill import BalanceSummary
from planner.domain.model import Contact, Settings, Trust
from planner.errors import NotFound
from planner.services.view_cache import cached
from planner.services.workspace import Workspace
from planner.storage.convert import contact_from_row, interaction_from_row
from planner.storage.schema import ContactRow, ExchangeRow, InteractionRow, RequestRow

#: A balance within this many points of zero is even: neither side owes the other. Half a
#: point is less than one share given, so rounding and decay never make someone owe.
OWE_THRESHOLD = 0.5


def they_owe_me(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a balances frame (column ``balance``) where the contact owes me, highest first."""
    owed = frame[frame["balance"] > OWE_THRESHOLD]
    return owed.sort_values("balance", ascending=False)


def i_owe_them(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a balances frame where I owe the contact, the most owed first."""
    return frame[frame["balance"] < -OWE_THRESHOLD].sort_values("balance")


@dataclass(frozen=True, slots=True)
class ContactBalance:
    contact: Contact
    summary: BalanceSummary
    trust: Trust
    one_sided: bool
    requests_count: int

    @property
    def balance(self) -> float:
        return self.summary.balance


class _Side(NamedTuple):
    """One direction of one contact's ledger, as the aggregate query sums it."""

    growth: float
    base: float
    rows: int
    first: date | None
    last: date | None
    quarters: int


_NONE = _Side(0.0, 0.0, 0, None, None, 0)


def _aggregate(
    as_of: date, settings: Settings, contact_ids: list[int] | None
) -> Select[int | None, str, float, float, int, date, date, int]:
    """Per contact and direction: growth and base sums, count, first and last day, quarters."""
    # "Gave in at least k quarters" needs COUNT(DISTINCT quarter), which costs a temporary
    # B-tree per group; for the usual k ≤ 2 it is the same as max(quarter) > min(quarter),
    # which the covering index answers directly.
    distinct_quarters = (
        func.count(func.distinct(InteractionRow.quarter))
        if settings.trusted_min_quarters > 2
        else case((func.max(InteractionRow.quarter) > func.min(InteractionRow.quarter), 2), else_=1)
    )
    agg = (
        select(
            InteractionRow.contact_id,
            InteractionRow.direction,
            func.sum(InteractionRow.growth),
            func.sum(InteractionRow.base),
            func.count(),
            func.min(InteractionRow.occurred_on),
            func.max(InteractionRow.occurred_on),
            distinct_quarters,
        )
        .where(InteractionRow.occurred_on <= as_of)
        .group_by(InteractionRow.contact_id, InteractionRow.direction)
    )
    if contact_ids is not None:
        agg = agg.where(InteractionRow.contact_id.in_(contact_ids))
    return agg


def _summary(
    cid: int | None,
    gave: _Side,
    recv: _Side,
    given: float,
    received: float,
) -> BalanceSummary:
    firsts = [d for d in (gave.first, recv.first) if d is not None]
    lasts = [d for d in (gave.last, recv.last) if d is not None]
    return BalanceSummary(
        contact_id=cid,
        given=given,
        received=received,
        lifetime_given=gave.base,
        lifetime_received=recv.base,
        gives_count=gave.rows,
        receives_count=recv.rows,
        first_on=min(firsts) if firsts else None,
        last_on=max(lasts) if lasts else None,
    )


def summaries(
    session: Session, *, as_of: date, settings: Settings, contact_ids: list[int] | None = None
) -> dict[int | None, tuple[BalanceSummary, int]]:
    """Per contact (None = audience): the summary and the number of quarters they gave in."""
    acc: dict[int | None, dict[str, _Side]] = {}
    half_life = settings.half_life_days
    exact = goodwill.growth_is_exact(as_of, half_life)
    for cid, direction, g, b, n, first, last, quarters in session.execute(
        _aggregate(as_of, settings, contact_ids)
    ):
        g = g or 0.0
        exact = exact and math.isfinite(g)
        acc.setdefault(cid, {})[direction] = _Side(g, b or 0.0, n, first, last, quarters)
    decayed = (
        None if exact else _decayed_from_rows(session, as_of, half_life, contact_ids=contact_ids)
    )
    out: dict[int | None, tuple[BalanceSummary, int]] = {}
    for cid, parts in acc.items():
        gave = parts.get("gave", _NONE)
        recv = parts.get("received", _NONE)
        if decayed is None:
            given = goodwill.balance_from_growth(gave.growth, as_of, half_life)
            received = goodwill.balance_from_growth(recv.growth, as_of, half_life)
        else:
            given = decayed.get((cid, "gave"), 0.0)
            received = decayed.get((cid, "received"), 0.0)
        out[cid] = (_summary(cid, gave, recv, given, received), recv.quarters)
    _merge_exchanges(out, last_exchanges(session, as_of=as_of, contact_ids=contact_ids))
    return out


def last_exchanges(
    session: Session, *, as_of: date, contact_ids: list[int] | None = None
) -> dict[int, date]:
    """Contact id → the day of their latest mail exchange on or before ``as_of``: one GROUP
    BY over the (contact, time) index of the exchanges, apart from the ledger's aggregate."""
    # The end of as_of's day (not the next midnight: as_of may be date.max).
    until = datetime.combine(as_of, time.max)
    query = (
        select(ExchangeRow.contact_id, func.max(ExchangeRow.occurred_at))
        .where(ExchangeRow.occurred_at <= until)
        .group_by(ExchangeRow.contact_id)
    )
    if contact_ids is not None:
        query = query.where(ExchangeRow.contact_id.in_(contact_ids))
    return {cid: last.date() for cid, last in session.execute(query) if last is not None}


def _merge_exchanges(
    out: dict[int | None, tuple[BalanceSummary, int]], last: dict[int, date]
) -> None:
    """Mail exchanges count for keeping in touch and carry no goodwill: they move only a
    summary's ``last_on`` (a contact with exchanges and no ledger rows gets an empty
    summary with it)."""
    for cid, day in last.items():
        summary, quarters = out.get(cid, (_empty(cid), 0))
        if summary.last_on is None or day > summary.last_on:
            out[cid] = (replace(summary, last_on=day), quarters)


def _decayed_from_rows(
    session: Session, as_of: date, half_life: float, *, contact_ids: list[int] | None
) -> dict[tuple[int | None, str], float]:
    """(contact, direction) → decayed points as of ``as_of``, summed row by row (per day).

    The exact path for when the stored growth sum is not (see the module docstring): one
    pass over the rows grouped by day, each day's bases decayed in Python.
    """
    query = (
        select(
            InteractionRow.contact_id,
            InteractionRow.direction,
            InteractionRow.occurred_on,
            func.sum(InteractionRow.base),
        )
        .where(InteractionRow.occurred_on <= as_of)
        .group_by(InteractionRow.contact_id, InteractionRow.direction, InteractionRow.occurred_on)
    )
    if contact_ids is not None:
        query = query.where(InteractionRow.contact_id.in_(contact_ids))
    rows: dict[tuple[int | None, str], list[tuple[date, float]]] = {}
    for cid, direction, day, base in session.execute(query):
        rows.setdefault((cid, direction), []).append((day, base or 0.0))
    return {key: goodwill.decayed_sum(days, as_of, half_life) for key, days in rows.items()}


def _empty(contact_id: int | None) -> BalanceSummary:
    return BalanceSummary(contact_id, 0.0, 0.0, 0.0, 0.0, 0, 0, None, None)


def request_counts(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(RequestRow.contact_id, func.count()).group_by(RequestRow.contact_id)
    )
    return {cid: n for cid, n in rows}


def all_balances(
    ws: Workspace, *, as_of: date | None = None, include_archived: bool = False
) -> list[ContactBalance]:
    """Every contact's balance as of ``as_of`` (default today), biggest balance first.

    Computed once per data version and day (:mod:`planner.services.view_cache`); the list
    is the caller's own.
    """
    as_of = as_of or ws.today()
    every = cached(ws, ("all_balances", as_of), lambda: _compute_all(ws, as_of))
    if include_archived:
        return list(every)
    return [b for b in every if not b.contact.archived]


def _compute_all(ws: Workspace, as_of: date) -> tuple[ContactBalance, ...]:
    with ws.read() as s:
        settings = ws.settings(s)
        sums = summaries(s, as_of=as_of, settings=settings)
        requests = request_counts(s)
        out = []
        for row in s.scalars(select(ContactRow)):
            summary, quarters = sums.get(row.id, (_empty(row.id), 0))
            out.append(
                _contact_balance(
                    contact_from_row(row),
                    summary,
                    quarters,
                    requests.get(row.id, 0),
                    as_of,
                    settings,
                )
            )
    out.sort(key=lambda b: (-b.balance, b.contact.name.lower()))
    return tuple(out)


def _contact_balance(
    contact: Contact,
    summary: BalanceSummary,
    quarters: int,
    requests: int,
    as_of: date,
    settings: Settings,
) -> ContactBalance:
    trust = goodwill.trust_from_counts(
        summary.receives_count, quarters, gave_any=summary.gives_count > 0, settings=settings
    )
    one_sided = goodwill.is_one_sided(
        summary, as_of=as_of, requests_count=requests, settings=settings
    )
    return ContactBalance(contact, summary, trust, one_sided, requests)


def balance_of(
    ws: Workspace, contact_id: int, *, as_of: date | None = None, session: Session | None = None
) -> ContactBalance:
    as_of = as_of or ws.today()
    if session is None:
        with ws.read() as s:
            return balance_of(ws, contact_id, as_of=as_of, session=s)
    settings = ws.settings(session)
    row = session.get(ContactRow, contact_id)
    if row is None:
        raise NotFound(f"no contact with id {contact_id}")
    sums = summaries(session, as_of=as_of, settings=settings, contact_ids=[contact_id])
    summary, quarters = sums.get(contact_id, (_empty(contact_id), 0))
    requests = request_counts(session).get(contact_id, 0)
    return _contact_balance(contact_from_row(row), summary, quarters, requests, as_of, settings)


def explain_balance(
    ws: Workspace, contact_id: int, *, as_of: date | None = None
) -> list[goodwill.ValuedInteraction]:
    """The interactions that make a contact's balance, each with its share."""
    as_of = as_of or ws.today()
    with ws.read() as s:
        settings = ws.settings(s)
        contact = s.get(ContactRow, contact_id)
        rows = s.scalars(select(InteractionRow).where(InteractionRow.contact_id == contact_id))
        interactions = [interaction_from_row(r) for r in rows]
        return goodwill.explain(
            interactions,
            as_of=as_of,
            my_reach=ws.profile(s).reach,
            their_reach=contact.reach if contact else None,
            settings=settings,
        )
