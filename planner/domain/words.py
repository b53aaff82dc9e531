"""Words a person reads on screen for the domain's codes, numbers and times.

Every table, select box and caption shows these instead of the stored codes
(``guest_post`` is "Guest post", 10.877 is "10.9", a timestamp is "6 Dec 2026, 13:43"),
so the app speaks one language everywhere. Messages to contacts have their own words
(planner/outreach/labels.py): a draft says "a guest post", a table says "Guest post".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from planner.domain.mail import ExchangeDirection, OutboxStatus
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
)

KIND_WORDS: dict[Kind, str] = {
    Kind.SHARE: "Share",
    Kind.MENTION: "Mention",
    Kind.LINK: "Link",
    Kind.REWARD: "Reward",
    Kind.PURCHASE: "Purchase",
    Kind.TESTIMONIAL: "Testimonial",
    Kind.FEATURE: "Feature",
    Kind.INTRO: "Introduction",
    Kind.HELP: "Help",
    Kind.PROMOTION: "Promotion",
    Kind.INTERVIEW: "Interview",
    Kind.GUEST_POST: "Guest post",
    Kind.JV: "Joint venture",
    Kind.SPEAKING: "Speaking slot",
    Kind.FREE_REPORT: "Free report",
    Kind.REFERRAL: "Referral",
    Kind.AFFILIATE_PROMO: "Affiliate promotion",
    Kind.FREE_PRODUCT: "Free product",
    Kind.CONTENT: "Post or episode",
}

TIER_WORDS: dict[Tier, str] = {
    Tier.CELL: "Inner circle",
    Tier.DEEP: "Close",
    Tier.ACTIVE: "Active",
    Tier.NETWORK: "Network",
}

#: One line per tier: who belongs there (the cadence comes from the settings).
TIER_MEANINGS: dict[Tier, str] = {
    Tier.CELL: "the handful of people you would call first",
    Tier.DEEP: "close peers you work with often",
    Tier.ACTIVE: "people you exchange with now and then",
    Tier.NETWORK: "everyone else you know",
}

TRUST_WORDS: dict[Trust, str] = {
    Trust.NEW: "New",
    Trust.ACQUAINTED: "Acquainted",
    Trust.TRUSTED: "Trusted",
}

#: What earns the next trust level (the rule is in domain/goodwill.py: exchanges both ways).
TRUST_MEANINGS: dict[Trust, str] = {
    Trust.NEW: "no two-way exchange yet",
    Trust.ACQUAINTED: "favours have gone both ways",
    Trust.TRUSTED: "a long record of favours both ways",
}

ASK_STATUS_WORDS: dict[AskStatus, str] = {
    AskStatus.IDEA: "Idea",
    AskStatus.PLANNED: "Planned",
    AskStatus.SENT: "Sent",
    AskStatus.REPLIED: "Replied",
    AskStatus.ACCEPTED: "Accepted",
    AskStatus.DECLINED: "Declined",
    AskStatus.DONE: "Done",
}

GIVE_STATUS_WORDS: dict[GiveStatus, str] = {
    GiveStatus.IDEA: "Idea",
    GiveStatus.PLANNED: "Planned",
    GiveStatus.DONE: "Done",
    GiveStatus.DROPPED: "Dropped",
}

REQUEST_STATUS_WORDS: dict[RequestStatus, str] = {
    RequestStatus.OPEN: "Open",
    RequestStatus.ACCEPTED: "Accepted",
    RequestStatus.LATER: "Later",
    RequestStatus.DECLINED: "Declined",
}

DIRECTION_WORDS: dict[Direction, str] = {
    Direction.GAVE: "I gave",
    Direction.RECEIVED: "I received",
}

ROLE_WORDS: dict[Role, str] = {
    Role.GUEST: "Guest",
    Role.GUEST_POST: "Guest post",
    Role.FEATURE: "Featured",
    Role.LINK: "Linked",
    Role.MENTION: "Mentioned",
}

SOURCE_WORDS: dict[Source, str] = {
    Source.MANUAL: "Typed in",
    Source.FEED: "From a feed",
    Source.IMPORT: "Imported",
    Source.PLAN: "From the plan",
    Source.ASK: "From an ask",
    Source.REQUEST: "From a request",
    Source.DEMO: "Demo",
}

DETECTION_STATUS_WORDS: dict[DetectionStatus, str] = {
    DetectionStatus.AUTO: "Confirmed automatically",
    DetectionStatus.PENDING: "To review",
    DetectionStatus.CONFIRMED: "Confirmed",
    DetectionStatus.DISMISSED: "Dismissed",
}

FEED_KIND_WORDS: dict[FeedKind, str] = {FeedKind.BLOG: "Blog", FeedKind.PODCAST: "Podcast"}

FEED_OWNER_WORDS: dict[FeedOwner, str] = {
    FeedOwner.ME: "Mine",
    FeedOwner.CONTACT: "A contact's",
    FeedOwner.INDUSTRY: "Industry",
}

#: An e-mail between me and a contact (a table on a timeline says "Sent" / "Received").
EXCHANGE_DIRECTION_WORDS: dict[ExchangeDirection, str] = {
    ExchangeDirection.SENT: "Sent",
    ExchangeDirection.RECEIVED: "Received",
}

OUTBOX_STATUS_WORDS: dict[OutboxStatus, str] = {
    OutboxStatus.QUEUED: "Queued",
    OutboxStatus.SENDING: "Sending (check your Sent folder)",
    OutboxStatus.SENT: "Sent",
    OutboxStatus.CANCELLED: "Cancelled",
}

_ALL: tuple[Mapping[Any, str], ...] = (
    KIND_WORDS,
    TIER_WORDS,
    TRUST_WORDS,
    ASK_STATUS_WORDS,
    GIVE_STATUS_WORDS,
    REQUEST_STATUS_WORDS,
    DIRECTION_WORDS,
    ROLE_WORDS,
    SOURCE_WORDS,
    DETECTION_STATUS_WORDS,
    FEED_KIND_WORDS,
    FEED_OWNER_WORDS,
    EXCHANGE_DIRECTION_WORDS,
    OUTBOX_STATUS_WORDS,
)

#: Every code's words, the first table that knows a code winning (a table cell shows
#: thousands of codes: one look-up each, not a walk through every table).
_FIRST_WORDS: dict[str, str] = {
    str(code): shown for words in reversed(_ALL) for code, shown in words.items()
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def word(code: StrEnum | str | None, table: Mapping[Any, str] | None = None) -> str:
    """The words for a stored code: from ``table`` when given, else from the first table
    that knows it. An unknown code is shown with its underscores as spaces, capitalised,
    never raw; None is empty."""
    if code is None:
        return ""
    text = str(code)
    # a StrEnum hashes and compares as its value, so the tables answer a plain str too
    shown = (table if table is not None else _FIRST_WORDS).get(text)
    if shown is not None:
        return shown
    spaced = text.replace("_", " ").strip()
    return spaced[:1].upper() + spaced[1:]


def tier_line(tier: Tier | str, cadence_days: int) -> str:
    """``Close: close peers you work with often; in touch every 30 days``."""
    known = Tier(tier)
    return f"{TIER_WORDS[known]}: {TIER_MEANINGS[known]}; in touch every {cadence_days} days"


def points(value: float | None) -> str:
    """Goodwill points to one decimal; ``−0.0`` never shows."""
    if value is None:
        return ""
    rounded = round(float(value), 1)
    return f"{rounded + 0.0:.1f}"


def day(when: date | datetime | None) -> str:
    """``6 Dec 2026``: a date as a person writes it (locale-free)."""
    if when is None:
        return ""
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


def moment(when: datetime | None) -> str:
    """``6 Dec 2026, 13:43``: a timestamp to the minute, never ISO with a ``T``."""
    if when is None:
        return ""
    return f"{day(when)}, {when:%H:%M}"
