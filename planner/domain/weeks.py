"""Weeks and short dates: the calendar vocabulary of plans and their explanations.

A plan is made of weeks that start on Monday. A give planned for a week is assumed to
happen on its first day that is not in the past (today for the current week): the earliest
day is the one with the most decay before a target, so projections never flatter a plan.
"""

from __future__ import annotations

from datetime import date, timedelta

ONE_WEEK = timedelta(days=7)


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def give_day(week: date, today: date) -> date:
    """The day a give planned for ``week`` is assumed to happen: its first day not past."""
    return max(week, today)


def short_date(day: date, today: date | None = None) -> str:
    """``Jun 3``; the year is added when it is not ``today``'s (``Jan 5, 2027``)."""
    text = f"{day:%b} {day.day}"
    if today is not None and day.year != today.year:
        text += f", {day.year}"
    return text


def when(week: date, today: date) -> str:
    """``this week``, ``next week`` or ``in the week of Jun 10``, seen from ``today``."""
    this = week_start(today)
    if week <= this:
        return "this week"
    if week == this + ONE_WEEK:
        return "next week"
    return f"in the week of {short_date(week, today)}"
