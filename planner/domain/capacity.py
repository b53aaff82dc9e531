"""Relationship capacity (Dunbar's layers) and keeping in touch.

* **Tiers** hold at most ``settings.tier_capacity[tier]`` active (not archived) contacts:
  cell 5, deep 15, active 50, network 150 by default. When a tier is over, the contacts
  to move down are the least reciprocated (least lifetime value received from them), then
  the least recent (oldest last interaction; never is oldest), then the lowest id — just
  enough of them to bring the tier back to its capacity.
* **Losing touch**: a contact whose last interaction (either direction) is at least
  ``settings.keep_in_touch_days[tier]`` days old. Any interaction resets the clock.
  Contacts with no interaction at all are new rather than neglected: the next moves
  suggest a first transaction for them instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from planner.domain.goodwill import BalanceSummary
from planner.domain.model import Contact, Settings, Tier


@dataclass(frozen=True, slots=True)
class TierState:
    """How full one tier is against its capacity."""

    tier: Tier
    count: int
    capacity: int
    over_by: int
    #: Contact ids to move to the next tier down, most obvious first (empty unless over).
    move_down_suggestions: tuple[int, ...] = ()

    @property
    def over(self) -> bool:
        """Does the tier hold more contacts than its capacity?"""
        return self.over_by > 0


def _move_down_key(contact: Contact, summary: BalanceSummary | None) -> tuple[float, date, int]:
    received = summary.lifetime_received if summary else 0.0
    last = (summary.last_on if summary else None) or date.min
    return (received, last, contact.id)


def tier_report(
    contacts: Iterable[Contact],
    summaries: Mapping[int, BalanceSummary],
    *,
    today: date,
    settings: Settings,
) -> list[TierState]:
    """Count, capacity and overflow of every tier, closest tier first.

    ``summaries`` are as of ``today`` (the caller's as-of date); the rule itself reads
    only them, so ``today`` is kept for a uniform signature across the reports.
    """
    members: dict[Tier, list[Contact]] = {t: [] for t in Tier}
    for c in contacts:
        if not c.archived:
            members[Tier(c.tier)].append(c)
    out = []
    for tier in Tier:
        group = members[tier]
        capacity = int(settings.tier_capacity.get(tier, 0))
        over = max(0, len(group) - capacity)
        suggestions: tuple[int, ...] = ()
        if over:
            ranked = sorted(group, key=lambda c: _move_down_key(c, summaries.get(c.id)))
            suggestions = tuple(c.id for c in ranked[:over])
        out.append(TierState(tier, len(group), capacity, over, suggestions))
    return out


class TouchGap(NamedTuple):
    """A contact drifting away: days since the last interaction against the tier cadence."""

    contact_id: int
    days_since: int
    cadence: int


def losing_touch(
    contacts: Iterable[Contact],
    last_interaction_by_contact: Mapping[int, date | None],
    *,
    today: date,
    settings: Settings,
) -> list[TouchGap]:
    """Contacts past their tier's keep-in-touch cadence, most overdue (relative) first."""
    gaps = []
    for c in contacts:
        last = last_interaction_by_contact.get(c.id)
        if c.archived or last is None:
            continue
        cadence = int(settings.keep_in_touch_days.get(Tier(c.tier), 0))
        days = (today - last).days
        if cadence > 0 and days >= cadence:
            gaps.append(TouchGap(c.id, days, cadence))
    gaps.sort(key=lambda g: (-g.days_since / g.cadence, g.contact_id))
    return gaps
