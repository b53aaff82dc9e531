"""Tables and computed views as pandas frames, for CSV export and the pages.

Every exportable table is in :data:`TABLES` by name, one literal table: the CLI's
``planner export NAME`` and the pages' download buttons read from here. The frames of the
stored tables (balances, contacts, ledger, profile) are built here; the others are their
owners' (feeds, detections, the plan tables, the templates). This module imports them;
they never import it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
from sqlalchemy import select

from planner.domain.model import Tier, Trust
from planner.domain.words import TIER_WORDS, TRUST_WORDS, day
from planner.errors import InvalidInput
from planner.files.csv_export import CONTACT_COLUMNS
from planner.services import balances, exchanges, ledger_tables, plan_tables
from planner.services.detections import detections_frame, suggestions_frame
from planner.services.feeds import entries_frame, feeds_frame
from planner.services.ledger_tables import LedgerFilter
from planner.services.outreach.templates import templates_frame
from planner.services.view_cache import cached
from planner.services.workspace import Workspace
from planner.storage.schema import ContactRow, ProfileRow

#: A table's frame from the workspace; options (``as_of``, ``weeks``, ``feed_id``) by
#: keyword, and every exporter ignores the options it does not take.
Exporter = Callable[..., pd.DataFrame]


def _joined(values: object) -> str:
    return "|".join(str(v) for v in values) if isinstance(values, list | tuple) else ""


def balances_frame(ws: Workspace, *, as_of: date | None = None, **_: object) -> pd.DataFrame:
    """Decayed given/received/balance as of a date, with reciprocity, trust and flags (built
    once per data version and day; the frame is the caller's own copy)."""
    as_of = as_of or ws.today()
    return cached(ws, ("balances_frame", as_of), lambda: _balances_frame(ws, as_of)).copy()


#: The balances frame's columns as a page shows them (the CSV keeps the machine names).
BALANCE_WORDS: dict[str, str] = {
    "contact": "Contact",
    "tier": "Tier",
    "given": "Given",
    "received": "Received",
    "balance": "Balance",
    "reciprocity_ratio": "Reciprocity",
    "trust": "Trust",
    "one_sided": "One-sided",
    "lifetime_given": "Given (lifetime)",
    "lifetime_received": "Received (lifetime)",
    "gives": "Gives",
    "receives": "Receives",
    "last_interaction": "Last exchange",
}


def balances_for_people(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``columns`` of a :func:`balances_frame` for a page: tiers and trust in words, the
    last exchange as a date ("6 Dec 2026"), column names in words (:data:`BALANCE_WORDS`).
    Points stay numbers (a page formats them to one decimal)."""
    shown = frame[columns].copy()
    if "tier" in shown:
        shown["tier"] = shown["tier"].map(_tier_words)
    if "trust" in shown:
        shown["trust"] = shown["trust"].map(_trust_words)
    if "last_interaction" in shown:
        shown["last_interaction"] = shown["last_interaction"].map(_day_words)
    return shown.rename(columns=BALANCE_WORDS)


def _tier_words(code: str) -> str:
    return TIER_WORDS[Tier(code)]


def _trust_words(code: str) -> str:
    return TRUST_WORDS[Trust(code)]


def _day_words(iso: str) -> str:
    return day(date.fromisoformat(iso)) if iso else ""


def _balances_frame(ws: Workspace, as_of: date) -> pd.DataFrame:
    rows = []
    for b in balances.all_balances(ws, as_of=as_of):
        s = b.summary
        ratio = s.reciprocity_ratio
        rows.append(
            {
                "contact_id": b.contact.id,
                "contact": b.contact.name,
                "tier": b.contact.tier.value,
                "given": round(s.given, 3),
                "received": round(s.received, 3),
                "balance": round(s.balance, 3),
                "reciprocity_ratio": round(ratio, 3) if ratio is not None else None,
                "trust": b.trust.value,
                "one_sided": b.one_sided,
                "lifetime_given": round(s.lifetime_given, 3),
                "lifetime_received": round(s.lifetime_received, 3),
                "gives": s.gives_count,
                "receives": s.receives_count,
                "last_interaction": s.last_on.isoformat() if s.last_on else "",
            }
        )
    columns = [
        "contact_id",
        "contact",
        "tier",
        "given",
        "received",
        "balance",
        "reciprocity_ratio",
        "trust",
        "one_sided",
        "lifetime_given",
        "lifetime_received",
        "gives",
        "receives",
        "last_interaction",
    ]
    return pd.DataFrame(rows, columns=columns)


def contacts_frame(ws: Workspace, **_: object) -> pd.DataFrame:
    """Contacts in the import format (multi-values joined with |), plus id and archived."""
    with ws.read() as s:
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "aliases": _joined(r.aliases),
                "email": r.email,
                "domains": _joined(r.domains),
                "handles": _joined(r.handles),
                "tier": r.tier,
                "reach": r.reach,
                "tags": _joined(r.tags),
                "notes": r.notes,
                "archived": r.archived,
            }
            for r in s.scalars(select(ContactRow).order_by(ContactRow.id))
        ]
    columns = ["id", *CONTACT_COLUMNS, "archived"]
    return pd.DataFrame(rows, columns=columns).astype({"reach": "Int64"})


def ledger_frame(ws: Workspace, *, as_of: date | None = None, **_: object) -> pd.DataFrame:
    """Every interaction with its base and decayed value as of a date, oldest first."""
    return ledger_tables.every_row(ws, LedgerFilter(), as_of=as_of, newest_first=False)


def profile_frame(ws: Workspace, **_: object) -> pd.DataFrame:
    """My profile, one row (lists joined with |)."""
    with ws.read() as s:
        row = s.scalars(select(ProfileRow).limit(1)).first()
        rows = []
        if row is not None:
            rows.append(
                {
                    "name": row.name,
                    "brand": row.brand,
                    "email": row.email,
                    "domains": "|".join(map(str, row.domains or ())),
                    "handles": "|".join(map(str, row.handles or ())),
                    "aliases": "|".join(map(str, row.aliases or ())),
                    "reach": row.reach,
                }
            )
    columns = ["name", "brand", "email", "domains", "handles", "aliases", "reach"]
    return pd.DataFrame(rows, columns=columns).astype({"reach": "Int64"})


#: Every exportable table by name (``planner export NAME``, the pages' downloads).
TABLES: dict[str, Exporter] = {
    "asks": plan_tables.asks_frame,
    "balances": balances_frame,
    "contacts": contacts_frame,
    "detections": detections_frame,
    "entries": entries_frame,
    "exchanges": exchanges.export_frame,
    "feeds": feeds_frame,
    "gives": plan_tables.gives_frame,
    "guest_suggestions": suggestions_frame,
    # The ledger under the name of its stored table, for whoever looks for that one.
    "interactions": ledger_frame,
    "ledger": ledger_frame,
    "next_moves": plan_tables.next_moves_frame,
    "plan": plan_tables.plan_frame,
    "profile": profile_frame,
    "requests": plan_tables.requests_frame,
    "templates": templates_frame,
}


#: What each table is, in words (the Import & export page's choice; the name stays the file's).
TABLE_WORDS: dict[str, str] = {
    "asks": "Asks, with their readiness",
    "balances": "Balances per contact",
    "contacts": "Contacts",
    "detections": "What the feeds found (detections)",
    "entries": "Feed entries",
    "exchanges": "Mail exchanges with contacts",
    "feeds": "Feeds",
    "gives": "Planned gives",
    "guest_suggestions": "Suggested new contacts",
    "interactions": "Ledger (under its stored name, interactions)",
    "ledger": "Ledger",
    "next_moves": "Next moves",
    "plan": "The plan, week by week",
    "profile": "My profile",
    "requests": "Requests, with the recommendation",
    "templates": "Outreach templates",
}


def table_words(name: str) -> str:
    """An exportable table's name in words: ``next_moves`` → "Next moves"."""
    return TABLE_WORDS.get(name) or name.replace("_", " ").capitalize()


def tables() -> dict[str, Exporter]:
    """Every exportable table by name."""
    return TABLES


def export_frame(ws: Workspace, table: str, **options: object) -> pd.DataFrame:
    """The frame of ``table`` with ``options``.

    Raises:
        InvalidInput: an unknown table (the message lists the known ones).
    """
    known = tables()
    if table not in known:
        raise InvalidInput(f"unknown table {table!r} (one of: {', '.join(sorted(known))})")
    return known[table](ws, **options)
