"""The one definition of what a stored value may be.

Every door checks values against these rules — the forms and the CLI (through
planner.services.validate), CSV imports, restore, and what a feed says — so that a backup
or an import is refused for exactly what a form refuses. Each ``*_problem`` function returns
``None`` for an acceptable value, else a short reason without the field's name, for the
caller to place ("line 7, column date: …", "date …").

The date window is fixed rather than relative to today, so a backup that restores today
restores on any later day, and the goodwill maths (planner.domain.goodwill) can rely on it.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

#: The earliest and latest day any stored date (ledger, asks, gives, requests) may hold.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2199, 12, 31)

#: A magnitude scales one interaction's weight; beyond this it is a typo, not a favour.
MAX_MAGNITUDE = 1_000.0
#: An audience larger than everyone online is a typo too.
MAX_REACH = 10_000_000_000
#: Half-lives outside this range make every balance 0 within weeks or never decay at all.
MIN_HALF_LIFE_DAYS = 14.0
MAX_HALF_LIFE_DAYS = 36_500.0
#: A kind's weight and the exposure bounds scale every value; past these they are typos
#: (an interview weighs 5 by default, exposure is clamped to 0.25..2).
MAX_WEIGHT = 1_000.0
MAX_EXPOSURE = 100.0

NAME_MAX = 200
TEXT_MAX = 500
TITLE_MAX = 2_000
LINK_MAX = 2_000
NOTE_MAX = 10_000


def date_problem(day: date) -> str | None:
    """What is wrong with ``day`` (outside the dates the app handles), or None."""
    if day < EARLIEST_DATE:
        return f"{day.isoformat()} is before {EARLIEST_DATE.isoformat()}"
    if day > LATEST_DATE:
        return f"{day.isoformat()} is after {LATEST_DATE.isoformat()}"
    return None


def magnitude_problem(magnitude: float) -> str | None:
    """What is wrong with a give's magnitude, or None."""
    if not math.isfinite(magnitude):
        return "must be a finite number"
    if magnitude <= 0:
        return "must be greater than 0"
    if magnitude > MAX_MAGNITUDE:
        return f"{magnitude:g} is larger than {MAX_MAGNITUDE:g}; a typo?"
    return None


def reach_problem(reach: float) -> str | None:
    """What is wrong with an audience reach, or None."""
    if not math.isfinite(reach) or reach != int(reach):
        return "must be a whole number"
    if reach < 0:
        return "must not be negative"
    if reach > MAX_REACH:
        return f"{reach:,.0f} is larger than {MAX_REACH:,}; a typo?"
    return None


def half_life_problem(days: float) -> str | None:
    """What is wrong with a half-life in days, or None."""
    if not math.isfinite(days):
        return "must be a finite number of days"
    if days < MIN_HALF_LIFE_DAYS:
        return f"must be at least {MIN_HALF_LIFE_DAYS:g} days"
    if days > MAX_HALF_LIFE_DAYS:
        return f"must be at most {MAX_HALF_LIFE_DAYS:g} days"
    return None


def weight_problem(weight: float) -> str | None:
    """What is wrong with a kind's weight, or None."""
    if not math.isfinite(weight):
        return "must be a finite number"
    if weight < 0:
        return "must not be negative"
    if weight > MAX_WEIGHT:
        return f"{weight:g} is larger than {MAX_WEIGHT:g}; a typo?"
    return None


def exposure_problem(low: float, high: float) -> str | None:
    """What is wrong with the exposure bounds, or None."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "must be finite numbers"
    if not 0 < low <= 1 <= high <= MAX_EXPOSURE:
        return f"must satisfy 0 < min ≤ 1 ≤ max ≤ {MAX_EXPOSURE:g}"
    return None


def choice_problem(value: str, enum: type[StrEnum]) -> str | None:
    """What is wrong with ``value`` as a member of ``enum``, or None."""
    allowed = [member.value for member in enum]
    if value in allowed:
        return None
    return f"{value[:40]!r} is not one of: {', '.join(allowed)}"


def length_problem(text: str, max_len: int) -> str | None:
    """What is wrong with ``text``'s length, or None."""
    if len(text) > max_len:
        return f"is longer than {max_len:,} characters"
    return None


#: A published entry cannot be from the future: a feed entry dated more than this after it
#: was fetched has a wrong date (the slack covers time zones and clocks a little off).
PUBLISHED_FUTURE_SLACK_DAYS = 2


def published_problem(published: datetime, fetched_at: datetime) -> str | None:
    """Why a feed entry's publication time cannot be its date, or None.

    Outside the stored-date window (:func:`date_problem`), or more than
    ``PUBLISHED_FUTURE_SLACK_DAYS`` after ``fetched_at``. Aware times are compared in UTC;
    naive ones are taken as UTC (as stored).
    """
    published, fetched_at = _naive_utc(published), _naive_utc(fetched_at)
    problem = date_problem(published.date())
    if problem:
        return problem
    if published - fetched_at > timedelta(days=PUBLISHED_FUTURE_SLACK_DAYS):
        return (
            f"{published.date().isoformat()} is more than {PUBLISHED_FUTURE_SLACK_DAYS} days "
            f"after it was fetched ({fetched_at.date().isoformat()})"
        )
    return None


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:  # within hours of year 1 or 9999: far outside the window anyway
        return moment.replace(tzinfo=None)
