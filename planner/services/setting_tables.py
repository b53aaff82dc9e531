"""The settings edited as tables on the Settings page: kind weights, the trust each ask
kind needs, and tier capacity with keep-in-touch days. Each has a frame to show (its
first column and its choices in words) and a function that reads the edited frame back
into :class:`Settings`. The rows keep the order of :class:`Kind` and :class:`Tier`, so an
edited table is read back by position, never by parsing its words."""

from __future__ import annotations

import dataclasses

import pandas as pd

from planner.domain.model import Kind, Settings, Tier, Trust
from planner.domain.words import KIND_WORDS, TRUST_WORDS, tier_line

#: The trust choices as the table shows them, in order (new, acquainted, trusted).
TRUST_CHOICES: list[str] = [TRUST_WORDS[t] for t in Trust]
_TRUST_BY_WORD = {TRUST_WORDS[t]: t for t in Trust}


def weights_table(settings: Settings) -> pd.DataFrame:
    """Kind, Weight: one row per give kind."""
    return pd.DataFrame(
        {"Kind": [KIND_WORDS[k] for k in Kind], "Weight": [settings.weight(k) for k in Kind]}
    )


def with_weights(settings: Settings, edited: pd.DataFrame) -> Settings:
    """Settings with the weights of an edited :func:`weights_table`."""
    pairs = zip(Kind, edited["Weight"], strict=True)
    weights = {kind.value: float(weight) for kind, weight in pairs}
    return dataclasses.replace(settings, weights=weights)


def trust_table(settings: Settings) -> pd.DataFrame:
    """Ask kind, Trust needed: one row per kind, in words."""
    return pd.DataFrame(
        {
            "Ask kind": [KIND_WORDS[k] for k in Kind],
            "Trust needed": [TRUST_WORDS[settings.required_trust(k)] for k in Kind],
        }
    )


def with_trust(settings: Settings, edited: pd.DataFrame) -> Settings:
    """Settings with the trust needs of an edited :func:`trust_table`; a kind that needs
    no more than a new contact's trust is not stored (that is the default)."""
    needed = {
        kind.value: _TRUST_BY_WORD.get(str(shown), Trust(str(shown).lower())).value
        for kind, shown in zip(Kind, edited["Trust needed"], strict=True)
    }
    return dataclasses.replace(
        settings, trust_required={k: v for k, v in needed.items() if v != Trust.NEW}
    )


def tiers_table(settings: Settings) -> pd.DataFrame:
    """Tier (its words, who belongs and the saved cadence), Capacity, Keep in touch (days)."""
    return pd.DataFrame(
        {
            "Tier": [tier_line(t, int(settings.keep_in_touch_days.get(t, 0))) for t in Tier],
            "Capacity": [int(settings.tier_capacity.get(t, 0)) for t in Tier],
            "Keep in touch (days)": [int(settings.keep_in_touch_days.get(t, 0)) for t in Tier],
        }
    )


def with_tiers(settings: Settings, edited: pd.DataFrame) -> Settings:
    """Settings with the capacity and keep-in-touch days of an edited :func:`tiers_table`."""
    rows = list(zip(Tier, edited["Capacity"], edited["Keep in touch (days)"], strict=True))
    return dataclasses.replace(
        settings,
        tier_capacity={tier.value: int(cap) for tier, cap, _ in rows},
        keep_in_touch_days={tier.value: int(days) for tier, _, days in rows},
    )
