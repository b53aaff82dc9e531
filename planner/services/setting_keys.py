"""Every setting by a key, for the command line: list them with their meaning, set one.

Keys are the settings' own names, dotted for a part of a nested value
(``weekly_capacity.interviews``, ``weights.interview``, ``tier_capacity.deep``); the
feed size cap is ``fetch_max_mb``, in MB as the Settings page enters it. A value is
checked as the Settings page checks it: the input's bounds (planner.services.
setting_fields), then the model's rules (:func:`planner.services.settings.check`), so a
bad value raises :class:`InvalidInput` naming the key and nothing is stored.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from planner.domain.model import Kind, Settings, Tier, Trust
from planner.domain.words import word
from planner.errors import InvalidInput
from planner.services import setting_fields
from planner.services.setting_fields import InputValue, SettingField
from planner.services.settings import save_settings
from planner.services.workspace import Workspace

#: Settings kept as a table of one value per code: key prefix → (codes, value type, words).
TABLES: dict[str, tuple[tuple[str, ...], type, str]] = {
    "weights": (tuple(k.value for k in Kind), float, "Weight of a favour of kind"),
    "trust_required": (tuple(k.value for k in Kind), Trust, "Trust needed to ask for"),
    "tier_capacity": (tuple(t.value for t in Tier), int, "Most contacts in tier"),
    "keep_in_touch_days": (tuple(t.value for t in Tier), int, "Days before losing touch, tier"),
}

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True, slots=True)
class SettingLine:
    """One setting as the CLI lists it: its key, its value as typed, what it means."""

    key: str
    value: str
    meaning: str


def field_key(field: SettingField) -> str:
    """A form field's key on the command line: its attribute, or its own key when it is
    entered in another unit than stored (the size cap in MB)."""
    return field.key if field.scale > 1 else field.attr


def _shown(value: InputValue) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _table_lines(settings: Settings) -> list[SettingLine]:
    lines = []
    for prefix, (codes, _type, meaning) in TABLES.items():
        table: dict[str, object] = getattr(settings, prefix)
        for code in codes:
            if code in table:
                shown = str(table[code])
                lines.append(SettingLine(f"{prefix}.{code}", shown, f"{meaning} {word(code)}"))
    return lines


def setting_lines(settings: Settings) -> list[SettingLine]:
    """Every setting: the Settings page's fields in its order, then the tables."""
    lines = [
        SettingLine(field_key(f), _shown(setting_fields.shown_value(settings, f)), f.label)
        for f in setting_fields.FIELDS
    ]
    return lines + _table_lines(settings)


def _number(key: str, text: str, kind: type) -> float:
    try:
        number: float = kind(text.strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        noun = "a whole number" if kind is int else "a number"
        raise InvalidInput(f"{key}: {text!r} is not {noun}", field=key)
    return number


def _field_value(field: SettingField, key: str, text: str) -> InputValue:
    """The input's value for ``text``, within the bounds the page's input has."""
    if field.kind == "list":
        return text
    if field.kind == "toggle":
        lowered = text.strip().lower()
        if lowered not in _TRUE | _FALSE:
            raise InvalidInput(f"{key}: {text!r} is not on or off", field=key)
        return lowered in _TRUE
    number = _number(key, text, int if field.kind == "int" else float)
    if field.min is not None and number < field.min:
        raise InvalidInput(f"{key}: must be at least {field.min:g}", field=key)
    if field.max is not None and number > field.max:
        raise InvalidInput(f"{key}: must be at most {field.max:g}", field=key)
    return number


def _table_value(key: str, text: str) -> tuple[str, str, object]:
    prefix, _, code = key.partition(".")
    codes, kind, _meaning = TABLES[prefix]
    if code not in codes:
        raise InvalidInput(f"{key}: unknown {prefix} entry {code!r}", field=key)
    if kind is Trust:
        try:
            return prefix, code, Trust(text.strip().lower()).value
        except ValueError:
            known = ", ".join(t.value for t in Trust)
            raise InvalidInput(f"{key}: {text!r} is not one of {known}", field=key) from None
    number = _number(key, text, kind)
    if kind is int and number < 0:
        raise InvalidInput(f"{key}: must not be negative", field=key)
    return prefix, code, number


def changed(settings: Settings, key: str, text: str) -> Settings:
    """``settings`` with the setting ``key`` set from ``text`` (not checked by the model
    yet: :func:`set_setting` does that when storing)."""
    by_key = {field_key(f): f for f in setting_fields.FIELDS}
    if key in by_key:
        field = by_key[key]
        return setting_fields.apply_inputs(settings, {field.key: _field_value(field, key, text)})
    if key.partition(".")[0] in TABLES:
        prefix, code, value = _table_value(key, text)
        table: dict[str, Any] = {prefix: {**getattr(settings, prefix), code: value}}
        return dataclasses.replace(settings, **table)
    raise InvalidInput(f"unknown setting {key!r} (planner settings show lists them)", field=key)


def set_setting(ws: Workspace, key: str, text: str) -> Settings:
    """Store one setting typed as text; a bad value raises InvalidInput naming ``key``."""
    new = changed(ws.settings(), key, text)
    try:
        return save_settings(ws, new)
    except InvalidInput as error:
        raise InvalidInput(f"{key}: {error}", field=key) from None
