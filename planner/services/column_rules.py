"""What each stored column may hold, for values that arrive from outside a form (restore).

A backup is a file anyone can edit (the checksums are no seal: they are recomputed in a
minute). So every cell is checked against the same rules a form applies
(planner.domain.values): restore refuses exactly what a form refuses, naming the table,
line and column, and nothing is restored. Without this, `direction=stolen` or a date of
9999-12-31 went in and broke every page, or the older-schema path's recompute crashed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Date, Table

from planner.domain import values
from planner.domain.model import (
    AskStatus,
    DetectionStatus,
    Direction,
    FeedKind,
    FeedOwner,
    GiveStatus,
    Kind,
    RequestStatus,
    Role,
    Source,
    Tier,
    Trust,
    settings_from_dict,
)
from planner.domain.show_profile import ShowKind
from planner.errors import InvalidInput
from planner.services import settings as settings_service

Rule = Callable[[Any], str | None]


def _choice(enum: type[Any], *, blank: bool = False) -> Rule:
    """One of ``enum``'s values (``blank``: or "", e.g. a feed kind not guessed yet)."""

    def rule(value: Any) -> str | None:
        if blank and value == "":
            return None
        return values.choice_problem(str(value), enum)

    return rule


def _length(max_len: int) -> Rule:
    return lambda value: values.length_problem(str(value), max_len)


def _magnitude(value: Any) -> str | None:
    return values.magnitude_problem(float(value))


def _reach(value: Any) -> str | None:
    return values.reach_problem(float(value))


def _date(value: Any) -> str | None:
    return values.date_problem(value)


def _json_object(subject: str, check: Callable[[dict[str, Any]], str | None] | None = None) -> Rule:
    """JSON text holding an object (or JSON null), e.g. a feed's learned show profile.
    ``subject`` names it with its verb ("the show profile is")."""

    def rule(value: Any) -> str | None:
        try:
            data = json.loads(value)
        except (TypeError, ValueError) as error:
            return f"{subject} not valid JSON ({error})"
        if data is None:
            return None
        if not isinstance(data, dict):
            return f"{subject} not a JSON object"
        return check(data) if check else None

    return rule


def _strings_problem(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return f"{key} is not a list of texts"
    return None


def _corrections_problem(data: dict[str, Any]) -> str | None:
    for key in ("hosts", "not_hosts"):
        if problem := _strings_problem(data, key):
            return problem
    kind = data.get("kind")
    if kind is not None and kind not in (ShowKind.INTERVIEW.value, ShowKind.SOLO.value):
        return f"kind {kind!r} is not one of: interview, solo, null"
    return None


def _profile_problem(data: dict[str, Any]) -> str | None:
    kind = data.get("kind", ShowKind.UNKNOWN.value)
    if kind not in {k.value for k in ShowKind}:
        return f"kind {kind!r} is not one of: {', '.join(k.value for k in ShowKind)}"
    for key in ("hosts", "slots", "show_names"):
        if problem := _strings_problem(data, key):
            return problem
    return None


def _people(value: Any) -> str | None:
    """JSON text holding a list of credits ({name, role, href} texts), or JSON null."""
    try:
        data = json.loads(value)
    except (TypeError, ValueError) as error:
        return f"the feed's people are not valid JSON ({error})"
    if data is None:
        return None
    if not isinstance(data, list):
        return "the feed's people are not a JSON list"
    for item in data:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k, ""), str) for k in ("name", "role", "href")
        ):
            return "the feed's people are not a list of {name, role, href} objects"
    return None


#: (table, column) → the rule a form applies to it. The one map of what restore checks
#: beyond the cell's type; every Date column is checked against the stored-date window as
#: well (found from the schema, so a new date column is covered with no change here).
VALUE_RULES: dict[tuple[str, str], Rule] = {
    ("profile", "name"): _length(values.NAME_MAX),
    ("profile", "brand"): _length(values.NAME_MAX),
    ("profile", "reach"): _reach,
    ("contacts", "name"): _length(values.NAME_MAX),
    ("contacts", "tier"): _choice(Tier),
    ("contacts", "reach"): _reach,
    ("contacts", "notes"): _length(values.NOTE_MAX),
    ("feeds", "kind"): _choice(FeedKind, blank=True),
    ("feeds", "owner"): _choice(FeedOwner),
    ("feeds", "language"): _length(20),
    ("feeds", "itunes_author"): _length(500),
    ("feeds", "feed_people"): _people,
    ("feeds", "show_profile"): _json_object("the show profile is", _profile_problem),
    ("feeds", "show_corrections"): _json_object("the show corrections are", _corrections_problem),
    ("interactions", "direction"): _choice(Direction),
    ("interactions", "kind"): _choice(Kind),
    ("interactions", "source"): _choice(Source),
    ("interactions", "magnitude"): _magnitude,
    ("interactions", "title"): _length(values.TITLE_MAX),
    ("interactions", "link"): _length(values.LINK_MAX),
    ("interactions", "note"): _length(values.NOTE_MAX),
    ("detections", "role"): _choice(Role),
    ("detections", "status"): _choice(DetectionStatus),
    ("planned_gives", "kind"): _choice(Kind),
    ("planned_gives", "status"): _choice(GiveStatus),
    ("planned_gives", "title"): _length(values.TITLE_MAX),
    ("planned_gives", "channel"): _length(64),
    ("planned_gives", "note"): _length(values.NOTE_MAX),
    ("asks", "kind"): _choice(Kind),
    ("asks", "status"): _choice(AskStatus),
    ("asks", "title"): _length(values.TITLE_MAX),
    ("asks", "note"): _length(values.NOTE_MAX),
    ("requests", "kind"): _choice(Kind),
    ("requests", "status"): _choice(RequestStatus),
    ("requests", "title"): _length(values.TITLE_MAX),
    ("requests", "decision"): _length(values.NOTE_MAX),
    ("requests", "note"): _length(values.NOTE_MAX),
}


def _model_settings_problem(text_value: Any) -> str | None:
    """The model's settings (settings row "model"): what the Settings page would refuse."""
    try:
        data = json.loads(text_value)
        if not isinstance(data, dict):
            return "the model settings are not a JSON object"
        settings = settings_from_dict(data)
        settings_service.check(settings)
    except InvalidInput as error:
        return str(error)
    except (TypeError, ValueError) as error:
        return f"the model settings cannot be read ({error})"
    for kind, level in settings.trust_required.items():
        if problem := values.choice_problem(str(level), Trust):
            return f"trust required for {kind}: {problem}"
    return None


def rules_for(table: Table, column: Any) -> list[Rule]:
    """The rules a restored cell of ``column`` must pass (beyond its type)."""
    rules: list[Rule] = [_date] if isinstance(column.type, Date) else []
    if rule := VALUE_RULES.get((table.name, column.name)):
        rules.append(rule)
    return rules


def row_problem(table: Table, row: dict[str, Any]) -> tuple[str, str] | None:
    """(column, reason) for a rule that needs the whole row, else None."""
    is_model = table.name == "settings" and row.get("p_key") == "model"
    if is_model and row.get("p_value") and (problem := _model_settings_problem(row["p_value"])):
        return "value", problem
    return None
