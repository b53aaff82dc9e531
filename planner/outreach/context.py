"""The render context: what an outreach template may see, as plain data only.

Templates (some user-edited, THREATS T1) get dicts, lists, strings, numbers and booleans,
never ORM rows, domain objects, settings or connections: the sandbox can only leak what it
is given. Every key exists in every context, empty when there is nothing to say, because
the environment uses ``StrictUndefined`` (a typo must fail loudly, not print blank) and a
template tests for absence with ``{% if last_give.title %}``.

Keys (the same list, one line each, is :data:`CONTEXT_DOC` and templates/README.md):

``today``, ``today_human``
    The rendering day, ISO (``2026-03-14``) and spelled out (``14 March 2026``).
``me``
    The user: ``name``, ``first_name``, ``brand``, ``email``, ``website`` (``https://``
    plus the first domain, or ""), ``domains`` and ``handles`` (lists), ``reach_text``
    (``12,000`` or ""), ``signature`` (name, brand and website on separate lines).
``contact``
    The recipient: ``name``, ``first_name``, ``email``, ``has_email``, ``tier``,
    ``tier_label``, ``website``, ``domains``, ``handles``, ``tags`` (lists), ``notes``.
``gives`` / ``received``
    Newest first, at most ``max_items``: what I gave them / what they gave me. Each item
    has ``kind``, ``kind_label`` ("guest post"), ``a_kind`` ("a guest post"),
    ``phrase`` ("featured you" after "I" in ``gives``; "featured me" after "you" in
    ``received``), ``title`` (the post's own title: the feed entry the ledger row came
    from, or a post at its link; never the ledger's description of it), ``link`` (http(s)
    only, else ""), ``date``, ``date_human``, ``when`` ("3 weeks ago"), ``days_ago``,
    ``note``, ``source``.
``last_give`` / ``last_received``
    The first item of each list, or the same shape with empty values.
``gives_total`` / ``received_total``
    How many were passed in (before the ``max_items`` cut).
``ask``, ``has_ask``
    My ask of them: ``kind``, ``kind_label``, ``a_kind``, ``title``, ``note``, ``link``
    (the first http(s) URL in the note), ``reason`` (why I am asking, in words meant for
    them), ``status``, ``target_date``, ``target_date_human``, ``target_when``, ``cost``.
``request``, ``has_request``
    Their ask of me: ``kind``, ``kind_label``, ``a_kind``, ``title``, ``note``,
    ``decision``, ``status``, ``received_on``, ``received_on_human``, ``received_when``.
``planned``, ``has_planned``
    A planned give this message is about (an interview, a reward): ``kind``,
    ``kind_label``, ``a_kind``, ``title``, ``channel``, ``note``, ``link``, ``status``,
    ``due_date``, ``due_date_human``, ``due_when``.
``balance``, ``balance_text``, ``i_owe_them``, ``they_owe_me``
    The decayed goodwill balance (given − received) rounded to 0.1, signed text
    (``+3.5``), and whether it is below / above zero. For conditions, not for prose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from planner.domain.model import (
    Ask,
    Contact,
    Direction,
    Interaction,
    Kind,
    PlannedGive,
    Profile,
    Request,
    Tier,
)
from planner.outreach.labels import (
    GAVE_PHRASES,
    RECEIVED_PHRASES,
    TIER_LABELS,
    human_date,
    kind_label,
    relative_when,
    with_article,
)

__all__ = ["CONTEXT_DOC", "build_context", "first_name"]

#: Every context key with a one-line description; templates/README.md mirrors it and a
#: test checks that the two agree.
CONTEXT_DOC: dict[str, str] = {
    "today": "rendering day, ISO: 2026-03-14",
    "today_human": "rendering day spelled out: 14 March 2026",
    "me.name": "your name (Profile)",
    "me.first_name": "your first name",
    "me.brand": "your brand, blog or show name",
    "me.email": "your e-mail address",
    "me.website": "https:// plus your first domain, or empty",
    "me.domains": "list of your domains",
    "me.handles": "list of your handles",
    "me.reach_text": "your audience size written out (12,000), or empty",
    "me.signature": "name, brand and website on separate lines",
    "contact.name": "their full name",
    "contact.first_name": "their first name (Doe, Jane → Jane; titles dropped)",
    "contact.email": "their e-mail, or empty",
    "contact.has_email": "true when an e-mail is on file",
    "contact.tier": "cell, deep, active or network",
    "contact.tier_label": "inner circle, close, active or network",
    "contact.website": "https:// plus their first domain, or empty",
    "contact.domains": "list of their domains",
    "contact.handles": "list of their handles",
    "contact.tags": "list of their tags",
    "contact.notes": "your private notes about them (do not quote them in a message)",
    "gives": "list of what you gave them, newest first (item keys below)",
    "received": "list of what they gave you, newest first (item keys below)",
    "last_give": "newest item of gives, or the same keys all empty",
    "last_received": "newest item of received, or the same keys all empty",
    "gives_total": "how many gives were passed in before the cut",
    "received_total": "how many received items were passed in before the cut",
    "item.kind": "kind code: feature, interview, link, ...",
    "item.kind_label": "kind in words: guest post, free report, ...",
    "item.a_kind": "kind in words with its article: an interview, a guest post",
    "item.phrase": "gives: 'featured you' (after 'I'); received: 'featured me' (after 'you')",
    "item.title": "the post or episode's own title (its feed entry), or empty",
    "item.link": "http(s) link, or empty",
    "item.date": "ISO date",
    "item.date_human": "date spelled out",
    "item.when": "relative: yesterday, 3 weeks ago, ...",
    "item.days_ago": "whole days before today (a number)",
    "item.note": "your ledger note (private: the built-ins never quote it)",
    "item.source": "feed, manual, import, plan, ask, request or demo",
    "ask.kind": "kind code of my ask, empty when there is no ask",
    "ask.a_kind": "the same with its article: an interview, a guest post",
    "ask.kind_label": "kind of my ask in words",
    "ask.title": "your own name for the ask (private: the built-ins never quote it)",
    "ask.note": "your note on the ask (private: the built-ins never quote it)",
    "ask.link": "the first http(s) link in the ask's note (e.g. the report to share), or empty",
    "ask.reason": "why you are asking, in words meant for them (never the points maths)",
    "ask.status": "idea, planned, sent, ...",
    "ask.target_date": "ISO date, or empty",
    "ask.target_date_human": "date spelled out, or empty",
    "ask.target_when": "relative date, or empty",
    "ask.cost": "goodwill points the ask costs (a number)",
    "has_ask": "true when there is an ask",
    "request.kind": "kind code of their request of me, empty when none",
    "request.a_kind": "the same with its article: an interview, a guest post",
    "request.kind_label": "kind of their request in words",
    "request.title": "your title for their request (private: the built-ins never quote it)",
    "request.note": "your note on the request (private)",
    "request.decision": "your decision note (private)",
    "request.status": "open, accepted, later or declined",
    "request.received_on": "ISO date",
    "request.received_on_human": "date spelled out",
    "request.received_when": "relative date",
    "has_request": "true when there is a request",
    "planned.kind": "kind code of the planned give, empty when none",
    "planned.a_kind": "the same with its article: an interview, a guest post",
    "planned.kind_label": "kind of the planned give in words",
    "planned.title": "your title of the planned give (private: the built-ins never quote it)",
    "planned.channel": "where it happens: blog, podcast, newsletter, ...",
    "planned.note": "your note on it (private)",
    "planned.link": "the first http(s) link in its note, or empty",
    "planned.status": "idea, planned, done or dropped",
    "planned.due_date": "ISO date, or empty",
    "planned.due_date_human": "date spelled out, or empty",
    "planned.due_when": "relative date, or empty",
    "has_planned": "true when there is a planned give",
    "balance": "goodwill balance (given − received, decayed), a number",
    "balance_text": "signed balance: +3.5",
    "i_owe_them": "true when the balance is below zero",
    "they_owe_me": "true when the balance is above zero",
}

_WS = re.compile(r"\s+")
_TITLES = {"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "mx.", "prof", "prof."}
_ITEM_KEYS = (
    "kind",
    "kind_label",
    "a_kind",
    "phrase",
    "title",
    "link",
    "date",
    "date_human",
    "when",
    "days_ago",
    "note",
    "source",
)


def _one_line(text: str) -> str:
    # Feed titles can hold newlines or tabs; one line keeps a subject line a subject line.
    return _WS.sub(" ", text).strip()


def _safe_link(url: str) -> str:
    # Feed links are unsanitised (THREATS §0.6): only plain http(s) reaches a draft.
    url = url.strip()
    if not url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def _first_url(text: str) -> str:
    # Asks and planned gives have no link column; the note is where users paste one.
    match = _URL.search(text)
    return _safe_link(match.group(0).rstrip(".,;:!?)")) if match else ""


def _website(domains: Sequence[str]) -> str:
    for domain in domains:
        domain = domain.strip()
        if not domain:
            continue
        url = domain if "://" in domain else f"https://{domain}"
        return _safe_link(url)
    return ""


def first_name(name: str) -> str:
    """Jane from ``Jane Doe``, ``Doe, Jane`` and ``Dr. Jane Doe``; the whole name if one word."""
    name = _one_line(name)
    if "," in name:
        before, _, after = name.partition(",")
        name = after.strip() or before.strip()
    words = [w for w in name.split(" ") if w]
    while len(words) > 1 and words[0].casefold() in _TITLES:
        words = words[1:]
    return words[0] if words else ""


def _item(row: Interaction | None, phrases: dict[Kind, str], today: date) -> dict[str, Any]:
    if row is None:
        return {key: ("" if key != "days_ago" else 0) for key in _ITEM_KEYS}
    return {
        "kind": str(row.kind),
        "kind_label": kind_label(row.kind),
        "a_kind": with_article(kind_label(row.kind)),
        "phrase": phrases.get(Kind(row.kind), kind_label(row.kind)),
        "title": _one_line(row.title),
        "link": _safe_link(row.link),
        "date": row.occurred_on.isoformat(),
        "date_human": human_date(row.occurred_on),
        "when": relative_when(row.occurred_on, today),
        "days_ago": (today - row.occurred_on).days,
        "note": row.note.strip(),
        "source": str(row.source),
    }


def _items(
    rows: Sequence[Interaction],
    direction: Direction,
    phrases: dict[Kind, str],
    today: date,
    max_items: int,
) -> list[dict[str, Any]]:
    for row in rows:
        if row.direction != direction:
            # A wrong list would put "I featured you" on something they did: refuse early.
            raise ValueError(f"interaction {row.id} is {row.direction}, expected {direction}")
    newest = sorted(rows, key=lambda r: (r.occurred_on, r.id), reverse=True)
    return [_item(row, phrases, today) for row in newest[:max_items]]


def _ask(ask: Ask | None, reason: str, today: date) -> dict[str, Any]:
    if ask is None:
        return {
            "kind": "",
            "kind_label": "",
            "a_kind": "",
            "title": "",
            "note": "",
            "link": "",
            "reason": _one_line(reason),
            "status": "",
            "target_date": "",
            "target_date_human": "",
            "target_when": "",
            "cost": 0.0,
        }
    return {
        "kind": str(ask.kind),
        "kind_label": kind_label(ask.kind),
        "a_kind": with_article(kind_label(ask.kind)),
        "title": _one_line(ask.title),
        "note": ask.note.strip(),
        "link": _first_url(ask.note),
        "reason": _one_line(reason),
        "status": str(ask.status),
        "target_date": ask.target_date.isoformat() if ask.target_date else "",
        "target_date_human": human_date(ask.target_date),
        "target_when": relative_when(ask.target_date, today),
        "cost": round(float(ask.cost), 1),
    }


def _request(request: Request | None, today: date) -> dict[str, str]:
    if request is None:
        return dict.fromkeys(
            (
                "kind",
                "kind_label",
                "a_kind",
                "title",
                "note",
                "decision",
                "status",
                "received_on",
                "received_on_human",
                "received_when",
            ),
            "",
        )
    return {
        "kind": str(request.kind),
        "kind_label": kind_label(request.kind),
        "a_kind": with_article(kind_label(request.kind)),
        "title": _one_line(request.title),
        "note": request.note.strip(),
        "decision": request.decision.strip(),
        "status": str(request.status),
        "received_on": request.received_on.isoformat(),
        "received_on_human": human_date(request.received_on),
        "received_when": relative_when(request.received_on, today),
    }


def _planned(give: PlannedGive | None, today: date) -> dict[str, str]:
    if give is None:
        return dict.fromkeys(
            (
                "kind",
                "kind_label",
                "a_kind",
                "title",
                "channel",
                "note",
                "link",
                "status",
                "due_date",
                "due_date_human",
                "due_when",
            ),
            "",
        )
    return {
        "kind": str(give.kind),
        "kind_label": kind_label(give.kind),
        "a_kind": with_article(kind_label(give.kind)),
        "title": _one_line(give.title),
        "channel": _one_line(give.channel),
        "note": give.note.strip(),
        "link": _first_url(give.note),
        "status": str(give.status),
        "due_date": give.due_date.isoformat() if give.due_date else "",
        "due_date_human": human_date(give.due_date),
        "due_when": relative_when(give.due_date, today),
    }


def _me(profile: Profile) -> dict[str, Any]:
    website = _website(profile.domains)
    name = _one_line(profile.name)
    brand = _one_line(profile.brand)
    return {
        "name": name,
        "first_name": first_name(name),
        "brand": brand,
        "email": profile.email.strip(),
        "website": website,
        "domains": [d.strip() for d in profile.domains if d.strip()],
        "handles": [h.strip() for h in profile.handles if h.strip()],
        "reach_text": f"{profile.reach:,}" if profile.reach else "",
        "signature": "\n".join(part for part in (name, brand, website) if part),
    }


def _contact(contact: Contact) -> dict[str, Any]:
    name = _one_line(contact.name)
    email = contact.email.strip()
    tier = Tier(contact.tier)
    return {
        "name": name,
        "first_name": first_name(name),
        "email": email,
        "has_email": bool(email),
        "tier": str(tier),
        "tier_label": TIER_LABELS[tier],
        "website": _website(contact.domains),
        "domains": [d.strip() for d in contact.domains if d.strip()],
        "handles": [h.strip() for h in contact.handles if h.strip()],
        "tags": [t.strip() for t in contact.tags if t.strip()],
        "notes": contact.notes.strip(),
    }


def build_context(
    *,
    profile: Profile,
    contact: Contact,
    today: date,
    gives: Sequence[Interaction] = (),
    received: Sequence[Interaction] = (),
    ask: Ask | None = None,
    ask_reason: str = "",
    request: Request | None = None,
    planned: PlannedGive | None = None,
    balance: float = 0.0,
    max_items: int = 10,
) -> dict[str, Any]:
    """The full render context for one message to one contact.

    Args:
        gives: ledger rows I gave this contact (direction ``gave``), any order.
        received: ledger rows they gave me (direction ``received``), any order.
        ask_reason: why I am asking, in words meant for the contact ("I'm launching it
            next week and early readers would help"). It is printed in the message, so
            never pass the readiness maths ("7.0 points ...") here.
        balance: the goodwill balance with this contact, as the goodwill model computes it.
        max_items: how many gives/received items to keep, newest first.

    Returns:
        A dict of plain data with every key of :data:`CONTEXT_DOC`.

    Raises:
        ValueError: an interaction in ``gives``/``received`` has the other direction.
    """
    give_items = _items(gives, Direction.GAVE, GAVE_PHRASES, today, max_items)
    received_items = _items(received, Direction.RECEIVED, RECEIVED_PHRASES, today, max_items)
    balance = round(float(balance), 1)
    return {
        "today": today.isoformat(),
        "today_human": human_date(today),
        "me": _me(profile),
        "contact": _contact(contact),
        "gives": give_items,
        "received": received_items,
        "last_give": give_items[0] if give_items else _item(None, GAVE_PHRASES, today),
        "last_received": (
            received_items[0] if received_items else _item(None, RECEIVED_PHRASES, today)
        ),
        "gives_total": len(gives),
        "received_total": len(received),
        "ask": _ask(ask, ask_reason, today),
        "has_ask": ask is not None,
        "request": _request(request, today),
        "has_request": request is not None,
        "planned": _planned(planned, today),
        "has_planned": planned is not None,
        "balance": balance,
        "balance_text": f"{balance:+.1f}",
        "i_owe_them": balance < 0,
        "they_owe_me": balance > 0,
    }
