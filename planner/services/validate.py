"""Turning user text into clean values, with errors that name the field."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit

from planner.domain import values
from planner.errors import InvalidInput

_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
E = TypeVar("E", bound=StrEnum)


def text(value: object, field: str, *, required: bool = False, max_len: int = 500) -> str:
    out = "" if value is None else str(value).strip()
    if required and not out:
        raise InvalidInput(f"{field} is required", field=field)
    if len(out) > max_len:
        raise InvalidInput(f"{field} is longer than {max_len} characters", field=field)
    return out


def name(value: object, field: str = "name") -> str:
    out = text(value, field, required=True, max_len=200)
    if _CONTROL.search(out):
        raise InvalidInput(f"{field} contains a control character (line break or tab)", field=field)
    return out


def email(value: object) -> str:
    out = text(value, "email", max_len=320)
    if out and (not _EMAIL.match(out) or _CONTROL.search(out)):
        raise InvalidInput(f"email {out!r} is not an email address", field="email")
    return out


def choice(value: object, enum: type[E], field: str) -> E:
    raw = text(value, field).lower()
    try:
        return enum(raw)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise InvalidInput(f"unknown {field} {raw!r} (one of: {allowed})", field=field) from None


def day(value: object, field: str = "date") -> date:
    """A date in YYYY-MM-DD form within the stored-date window (planner.domain.values)."""
    if isinstance(value, date):
        out = value
    else:
        raw = text(value, field, required=True)
        try:
            out = date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(f"{field} {raw!r} is not a date (YYYY-MM-DD)", field=field) from None
    problem = values.date_problem(out)
    if problem:
        raise InvalidInput(f"{field} {problem}", field=field)
    return out


def optional_day(value: object, field: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return day(value, field)


def number(
    value: object, field: str, *, minimum: float | None = 0.0, default: float | None = None
) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            raise InvalidInput(f"{field} is required", field=field)
        return default
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(f"{field} {value!r} is not a number", field=field) from None
    if out != out or out in (float("inf"), float("-inf")):
        raise InvalidInput(f"{field} must be a finite number", field=field)
    if minimum is not None and out < minimum:
        raise InvalidInput(f"{field} must be at least {minimum:g}", field=field)
    return out


def magnitude(value: object) -> float:
    out = number(value, "magnitude", minimum=None, default=1.0)
    problem = values.magnitude_problem(out)
    if problem:
        raise InvalidInput(f"magnitude {problem}", field="magnitude")
    return out


_SUFFIX = {"k": 1_000, "m": 1_000_000}
_SHORT = re.compile(r"^(\d+(?:\.\d+)?)\s*([km])$")


def reach(value: object) -> int | None:
    """An audience size: ``12000``, ``12,000``, ``12 000``, ``12k`` or ``1.2M``; empty is None.
    Anything else is refused with its value named."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    raw = str(value).strip()
    plain = raw.replace(",", "").replace("_", "").replace(" ", "").lower()
    short = _SHORT.match(plain)
    if short:
        n = round(float(short.group(1)) * _SUFFIX[short.group(2)], 6)
    else:
        try:
            n = float(plain)
        except ValueError:
            raise InvalidInput(
                f"reach {raw!r} is not a number (write 12000, 12,000, 12k or 1.2M)",
                field="reach",
            ) from None
    problem = values.reach_problem(n)
    if problem:
        raise InvalidInput(f"reach {raw!r} {problem}", field="reach")
    return int(n)


def domain(value: str) -> str:
    """``https://www.Jane.example/path`` → ``jane.example/path`` (path kept for platforms)."""
    raw = value.strip()
    if not raw:
        return ""
    parts = urlsplit(raw if "//" in raw else "//" + raw)
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if not host or " " in host or "." not in host:
        raise InvalidInput(f"domain {value!r} is not a web domain", field="domains")
    path = parts.path.rstrip("/")
    return host + path


def handle(value: str) -> str:
    raw = value.strip()
    if not raw:
        return ""
    if raw.startswith(("http://", "https://")):
        return raw.rstrip("/")
    raw = raw if raw.startswith("@") else "@" + raw
    if not re.fullmatch(r"@[\w.\-]{1,64}", raw):
        raise InvalidInput(f"handle {value!r} is not a handle like @name", field="handles")
    return raw


def many(values: Iterable[str] | str | None, fn: Callable[[str], str] | None = None) -> list[str]:
    """Split ``a|b`` strings, strip, drop empties and duplicates (case-insensitively)."""
    if values is None:
        return []
    items = values.split("|") if isinstance(values, str) else list(values)
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        v = fn(str(item)) if fn else str(item).strip()
        if v and v.lower() not in seen:
            seen.add(v.lower())
            out.append(v)
    return out
