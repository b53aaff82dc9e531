"""Words for the domain's codes, so templates read like a person wrote them.

Kept apart from the templates so every template (built-in or user-edited) says the same
thing for the same kind, and a test can check that every :class:`Kind` has its words.
"""

from __future__ import annotations

from datetime import date

from planner.domain.model import Kind, Tier

#: A noun for each kind ("a {label}").
KIND_LABELS: dict[Kind, str] = {
    Kind.SHARE: "share",
    Kind.MENTION: "mention",
    Kind.LINK: "link",
    Kind.REWARD: "reward",
    Kind.PURCHASE: "purchase",
    Kind.TESTIMONIAL: "testimonial",
    Kind.FEATURE: "feature",
    Kind.INTRO: "introduction",
    Kind.HELP: "helping hand",
    Kind.PROMOTION: "promotion",
    Kind.INTERVIEW: "interview",
    Kind.GUEST_POST: "guest post",
    Kind.JV: "joint venture",
    Kind.SPEAKING: "speaking slot",
    Kind.FREE_REPORT: "free report",
    Kind.REFERRAL: "referral",
    Kind.AFFILIATE_PROMO: "affiliate promotion",
    Kind.FREE_PRODUCT: "free product",
    Kind.CONTENT: "post",
}

#: What I did for them, to follow "I ...": "I featured you".
GAVE_PHRASES: dict[Kind, str] = {
    Kind.SHARE: "shared your work",
    Kind.MENTION: "mentioned you",
    Kind.LINK: "linked to your work",
    Kind.REWARD: "sent you a thank-you",
    Kind.PURCHASE: "bought your work",
    Kind.TESTIMONIAL: "wrote a testimonial for you",
    Kind.FEATURE: "featured you",
    Kind.INTRO: "introduced you to someone",
    Kind.HELP: "helped out",
    Kind.PROMOTION: "promoted your work",
    Kind.INTERVIEW: "interviewed you",
    Kind.GUEST_POST: "wrote a guest post for you",
    Kind.JV: "partnered with you",
    Kind.SPEAKING: "spoke at your event",
    Kind.FREE_REPORT: "sent you my free report",
    Kind.REFERRAL: "referred someone to you",
    Kind.AFFILIATE_PROMO: "promoted your offer to my readers",
    Kind.FREE_PRODUCT: "sent you a copy of my work",
    Kind.CONTENT: "wrote about your work",
}

#: What they did for me, to follow "you ...": "you featured me".
RECEIVED_PHRASES: dict[Kind, str] = {
    Kind.SHARE: "shared my work",
    Kind.MENTION: "mentioned me",
    Kind.LINK: "linked to my work",
    Kind.REWARD: "sent me a thank-you",
    Kind.PURCHASE: "bought my work",
    Kind.TESTIMONIAL: "wrote me a testimonial",
    Kind.FEATURE: "featured me",
    Kind.INTRO: "introduced me to someone",
    Kind.HELP: "helped me out",
    Kind.PROMOTION: "promoted my work",
    Kind.INTERVIEW: "interviewed me",
    Kind.GUEST_POST: "published my guest post",
    Kind.JV: "partnered with me",
    Kind.SPEAKING: "invited me to speak",
    Kind.FREE_REPORT: "shared your free report with me",
    Kind.REFERRAL: "referred someone to me",
    Kind.AFFILIATE_PROMO: "promoted my offer to your readers",
    Kind.FREE_PRODUCT: "sent me a copy of your work",
    Kind.CONTENT: "wrote about my work",
}

TIER_LABELS: dict[Tier, str] = {
    Tier.CELL: "inner circle",
    Tier.DEEP: "close",
    Tier.ACTIVE: "active",
    Tier.NETWORK: "network",
}

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def kind_label(kind: Kind | str) -> str:
    """A kind in words for a message ("free report" for ``free_report``)."""
    try:
        return KIND_LABELS[Kind(kind)]
    except ValueError:
        return str(kind).replace("_", " ")


def with_article(label: str) -> str:
    """``an interview``, ``a guest post``; empty stays empty."""
    if not label:
        return ""
    return f"{'an' if label[0].lower() in 'aeiou' else 'a'} {label}"


def human_date(day: date | None) -> str:
    """``14 March 2026``; spelled out by hand so the result never depends on the locale."""
    if day is None:
        return ""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def relative_when(day: date | None, today: date) -> str:
    """A rough "when" for prose: ``today``, ``last week``, ``3 months ago``, ``next week``."""
    if day is None:
        return ""
    days = (today - day).days
    if days < 0:
        ahead = -days
        if ahead == 1:
            return "tomorrow"
        if ahead < 7:
            return f"in {ahead} days"
        if ahead < 14:
            return "next week"
        if ahead < 60:
            return f"in {ahead // 7} weeks"
        return f"on {human_date(day)}"
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return "this week"
    if days < 14:
        return "last week"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 365:
        return f"{days // 30} months ago"
    years = days // 365
    return "a year ago" if years == 1 else f"{years} years ago"
