"""The settings edited as tables on the Settings page: kind weights, the trust each ask
kind needs, and tier capacity with keep-in-touch days. Each has a frame to show and a
function that reads the edited frame back into :class:`Settings`."""

from __future__ import annotations

import dataclasses

import pandas as pd

from planner.domain.model import Kind, Settings, Tier, Trust


def weights_table(settings: Settings) -> pd.DataFrame:
    """kind, weight: one row per give kind."""
    return pd.DataFrame(
        {"kind": [k.value for k in Kind], "weight": [settings.weight(k) for k in Kind]}
    )


def with_weights(settings: Settings, edited: pd.DataFrame) -> Settings:
    """Settings with the weights of an edited :func:`weights_table`."""
    pairs = zip(edited["kind"], edited["weight"], strict=True)
    weights = {str(kind): float(weight) for kind, weight in pairs}
    return dataclasses.replace(settings, weights=weights)


def trust_table(settings: Settings) -> pd.DataFrame:
    """ask kind, trust needed: one row per kind."""
    return pd.DataFrame(
        {
            "ask kind": [k.value for k in Kind],
            "trust needed": [settings.required_trust(k).value for k in Kind],
        }
    )


def with_trust(settings: Settings, edited: pd.DataFrame) -> Settings:
    """Settings with the trust needs of an edited :func:`trust_table`; a kind that needs
    no more than a new contact's trust is not stored (that is the default)."""
    needed = {str(r[1]): str(r[2]) for r in edited.itertuples() if str(r[2]) != Trust.NEW}
    return dataclasses.replace(settings, trust_required=needed)


def tiers_table(settings: Settings) -> pd.DataFrame:
    """tier, capacity, keep in touch (days): one row per relationship tier."""
    return pd.DataFrame(
        {
            "tier": [t.value for t in Tier],
            "capacity": [int(settings.tier_capacity.get(t, 0)) for t in Tier],
            "keep in touch (days)": [int(settings.keep_in_touch_days.get(t, 0)) for t in Tier],
        }
    )


def with_tiers(settings: Settings, edited: pd.DataFrame) -> Settings:
    """Settings with the capacity and keep-in-touch days of an edited :func:`tiers_table`."""
    return dataclasses.replace(
        settings,
        tier_capacity={str(r[1]): int(r[2]) for r in edited.itertuples()},
        keep_in_touch_days={str(r[1]): int(r[3]) for r in edited.itertuples()},
    )
