"""One table of the settings a form edits field by field: key, label, help, bounds, section.

The Settings page renders each group of this table as a row of inputs and hands the
entered values back to :func:`apply_inputs`, which turns them into new :class:`Settings`.
Adding a tunable means adding a row here (and the attribute to Settings); the page does
not change. Settings edited as tables (weights, trust, tiers) stay with the page's editors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from planner.domain import values
from planner.domain.model import Settings

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

#: How a field is entered: a whole number, a decimal, a slider, an on/off switch, or a
#: list typed as ``a|b|c``.
InputKind = Literal["int", "float", "slider", "toggle", "list"]
#: What an input holds.
InputValue = int | float | bool | str

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class SettingGroup:
    """Inputs shown together: under an optional bold heading, in ``columns`` columns
    (0: one below the other at full width), inside the form of ``section``."""

    name: str
    section: Literal["model", "capacity", "feeds"]
    heading: str = ""
    columns: int = 0


@dataclass(frozen=True, slots=True)
class SettingField:
    """One input: its widget ``key`` and ``label``, the Settings attribute it edits
    (``attr``, dotted for a part of a nested value) and how it is entered."""

    key: str
    label: str
    attr: str
    group: str
    kind: InputKind
    min: float | None = None
    max: float | None = None
    step: float | None = None
    help: str = ""
    #: Stored = shown × scale (the feed size cap is entered in MB, stored in bytes).
    scale: int = 1


GROUPS: tuple[SettingGroup, ...] = (
    SettingGroup("model", "model", columns=3),
    SettingGroup("one_sided", "model", "One-sided relationships", columns=4),
    SettingGroup("trust", "model", "Trust", columns=2),
    SettingGroup("promo_budget", "capacity", "Audience promotion budget", columns=2),
    SettingGroup("weekly_capacity", "capacity", "Weekly capacity for the planner", columns=5),
    SettingGroup("plan_ahead", "capacity"),
    SettingGroup("fetching", "feeds", columns=2),
    SettingGroup("feed_rules", "feeds"),
)

# Kept in the order the forms show them; a group's fields fill its columns left to right.
FIELDS: tuple[SettingField, ...] = (
    SettingField(
        "half_life", "Half-life (days)", "half_life_days", "model", "float",
        min=values.MIN_HALF_LIFE_DAYS, max=values.MAX_HALF_LIFE_DAYS,
    ),
    SettingField("exp_min", "Exposure minimum", "exposure_min", "model", "float", 0.01, 1.0),
    SettingField("exp_max", "Exposure maximum", "exposure_max", "model", "float", 1.0),
    SettingField(
        "os_given", "Given at least (points)", "one_sided_min_given", "one_sided", "float", 0.0
    ),
    SettingField("os_age", "Older than (days)", "one_sided_min_age_days", "one_sided", "int", 0),
    SettingField("os_ratio", "Ratio below", "one_sided_max_ratio", "one_sided", "float", 0.0, 1.0),
    SettingField(
        "os_requests", "Or requests with no give", "one_sided_min_requests", "one_sided", "int", 1
    ),
    SettingField(
        "trusted_gives", "Trusted after gives from them", "trusted_min_gives", "trust", "int", 1
    ),
    SettingField(
        "trusted_quarters", "… across quarters", "trusted_min_quarters", "trust", "int", 1
    ),
    SettingField(
        "promo_max", "Promotions per 30 days at most", "promo_max_per_30_days",
        "promo_budget", "int", 0,
    ),
    SettingField(
        "promo_ratio", "Give:ask ratio over 90 days at least",
        "promo_min_give_ask_ratio_90_days", "promo_budget", "float", 0.0,
    ),
    SettingField(
        "wc_posts", "Blog posts", "weekly_capacity.blog_posts", "weekly_capacity", "int", 0
    ),
    SettingField(
        "wc_per_post", "Mentions per post", "weekly_capacity.mentions_per_post",
        "weekly_capacity", "int", 0,
    ),
    SettingField(
        "wc_interviews", "Interviews", "weekly_capacity.interviews", "weekly_capacity", "int", 0
    ),
    SettingField("wc_rewards", "Rewards", "weekly_capacity.rewards", "weekly_capacity", "int", 0),
    SettingField("wc_other", "Other gives", "weekly_capacity.other", "weekly_capacity", "int", 0),
    SettingField("plan_weeks", "Plan ahead (weeks)", "plan_weeks", "plan_ahead", "int", 1, 52),
    SettingField(
        "detect_threshold", "Auto-confirm detections at confidence", "detection_auto_confirm",
        "fetching", "slider", 0.0, 1.0, step=0.05,
    ),
    SettingField(
        "fetch_max_mb", "Feed size cap (MB)", "fetch_max_bytes", "fetching", "int", 1, scale=MIB
    ),
    SettingField(
        "fetch_timeout", "Fetch deadline per feed (seconds)", "fetch_timeout_seconds",
        "fetching", "float", 1.0,
    ),
    SettingField(
        "max_entries", "Entries kept per feed", "max_entries_per_feed", "fetching", "int", 10
    ),
    SettingField(
        "allow_private", "Allow private network addresses (self-hosted feeds)",
        "allow_private_addresses", "feed_rules", "toggle",
    ),
    SettingField(
        "promo_categories", "Categories that mark a promotion in my feeds (|)",
        "promo_categories", "feed_rules", "list",
    ),
    SettingField(
        "affiliate_domains", "Affiliate link domains (|)", "affiliate_domains",
        "feed_rules", "list",
    ),
)  # fmt: skip


def group(name: str) -> SettingGroup:
    """The group called ``name``."""
    return next(g for g in GROUPS if g.name == name)


def fields_of(group_name: str) -> list[SettingField]:
    """The fields of one group, in the table's order."""
    return [f for f in FIELDS if f.group == group_name]


def _stored(settings: Settings, attr: str) -> object:
    value: object = settings
    for part in attr.split("."):
        value = getattr(value, part)
    return value


def shown_value(settings: Settings, field: SettingField) -> InputValue:
    """What the input shows for the stored setting (in the input's unit and type)."""
    stored = _stored(settings, field.attr)
    if field.kind == "list":
        assert isinstance(stored, tuple)
        return "|".join(stored)
    if field.kind == "toggle":
        return bool(stored)
    if field.kind == "int":
        assert isinstance(stored, int)
        # Never below the input's minimum: a cap under 1 MB is shown as 1.
        return max(int(field.min or 0), stored // field.scale) if field.scale > 1 else stored
    assert isinstance(stored, int | float)
    return float(stored)


def _parsed(field: SettingField, entered: InputValue) -> object:
    if field.kind == "list":
        return tuple(v.strip() for v in str(entered).split("|") if v.strip())
    if field.kind == "toggle":
        return bool(entered)
    if field.kind == "int":
        return int(entered) * field.scale
    return float(entered)


def _replaced(value: DataclassInstance, path: list[str], new: object) -> DataclassInstance:
    """``value`` with the attribute at ``path`` (a dotted name, split) set to ``new``."""
    if len(path) > 1:
        new = _replaced(getattr(value, path[0]), path[1:], new)
    return dataclasses.replace(value, **{path[0]: new})


def apply_inputs(settings: Settings, entered: Mapping[str, InputValue]) -> Settings:
    """New settings with the entered values (by widget key) in their stored unit and type.

    Keys not in the table are refused (a programming error: the page and table disagree);
    settings not entered keep their value. Nothing is checked here: save_settings does.
    """
    by_key = {f.key: f for f in FIELDS}
    new: DataclassInstance = settings
    for key, value in entered.items():
        field = by_key[key]
        new = _replaced(new, field.attr.split("."), _parsed(field, value))
    assert isinstance(new, Settings)
    return new
