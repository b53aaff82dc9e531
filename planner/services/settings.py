"""My profile and the model's settings; changing what values derive from recomputes them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from planner.domain import values
from planner.domain.model import Profile, Settings, settings_to_dict
from planner.errors import InvalidInput
from planner.services import validate
from planner.services.valuation import recompute
from planner.services.workspace import Workspace
from planner.storage.schema import ProfileRow, SettingRow

#: Settings whose change alters stored ledger values (and so needs a recompute).
VALUE_FIELDS = ("weights", "half_life_days", "exposure_min", "exposure_max")


def check(settings: Settings) -> None:
    """Refuse settings the model cannot work with, naming the field."""
    problem = values.half_life_problem(settings.half_life_days)
    if problem:
        raise InvalidInput(f"half-life {problem}", field="half_life_days")
    problem = values.exposure_problem(settings.exposure_min, settings.exposure_max)
    if problem:
        raise InvalidInput(f"exposure bounds {problem}", field="exposure")
    for kind, weight in settings.weights.items():
        problem = values.weight_problem(weight)
        if problem:
            raise InvalidInput(f"weight of {kind} {problem}", field="weights")
    for tier, cap in settings.tier_capacity.items():
        if cap < 0:
            raise InvalidInput(f"capacity of tier {tier} must not be negative", field="tiers")
    if not 0 <= settings.detection_auto_confirm <= 1:
        raise InvalidInput("auto-confirm threshold must be between 0 and 1", field="detection")
    if settings.fetch_max_bytes < 1024:
        raise InvalidInput("the feed size cap must be at least 1 KB", field="fetch_max_bytes")


def save_settings(ws: Workspace, settings: Settings) -> Settings:
    """Store settings; recompute ledger values when a value-shaping setting changed.

    The settings row and every recomputed ledger row are written in one transaction: a
    failure part-way (a bug, the disk) leaves the stored settings and rows as they were.
    The recompute itself cannot fail on a row's date (goodwill.growth never overflows).
    """
    check(settings)
    with ws.write() as s:
        old = ws.settings(s)
        row = s.get(SettingRow, "model")
        data = settings_to_dict(settings)
        if row is None:
            s.add(SettingRow(key="model", value=data))
        else:
            row.value = data
        s.flush()
        if any(getattr(old, f) != getattr(settings, f) for f in VALUE_FIELDS):
            recompute(s, settings=settings, my_reach=ws.profile(s).reach)
    return settings


def update_settings(ws: Workspace, **changes: Any) -> Settings:
    """Change some settings by name; dict settings (weights, tiers…) merge key by key."""
    current = ws.settings()
    unknown = set(changes) - set(Settings.__dataclass_fields__)
    if unknown:
        raise InvalidInput(f"unknown setting(s): {', '.join(sorted(unknown))}")
    # Values of any setting's type, by name: checked by save_settings, not here.
    merged: dict[str, Any] = {
        k: {**getattr(current, k), **v} if isinstance(v, dict) else v for k, v in changes.items()
    }
    return save_settings(ws, replace(current, **merged))


def save_profile(
    ws: Workspace,
    *,
    name: str,
    brand: str = "",
    email: str = "",
    domains: Any = (),
    handles: Any = (),
    aliases: Any = (),
    reach: Any = None,
) -> Profile:
    """Store my profile; a changed reach recomputes every exposure-weighted value."""
    new_reach = validate.reach(reach)
    values = {
        "name": validate.name(name, "your name"),
        "brand": validate.text(brand, "brand", max_len=200),
        "email": validate.email(email),
        "domains": validate.many(domains, validate.domain),
        "handles": validate.many(handles, validate.handle),
        "aliases": [validate.name(a, "alias") for a in validate.many(aliases)],
        "reach": new_reach,
    }
    with ws.write() as s:
        row = s.scalars(select(ProfileRow).limit(1)).first()
        old_reach = row.reach if row else None
        if row is None:
            row = ProfileRow(id=1, **values)
            s.add(row)
        else:
            for key, value in values.items():
                setattr(row, key, value)
        s.flush()
        if old_reach != new_reach:
            recompute(s, settings=ws.settings(s), my_reach=new_reach)
    return ws.profile()
