"""The Contacts page's tables: contacts with their balance and trust, a contact's timeline
and the rows that explain their balance."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import ColumnElement, Text, cast, func, or_, select

from planner.domain import words
from planner.domain.model import Contact, Tier, Trust
from planner.services import balances, ledger
from planner.services.workspace import Workspace
from planner.storage.convert import contact_from_row
from planner.storage.schema import ContactRow

CONTACT_COLUMNS = [
    "id",
    "name",
    "tier",
    "reach",
    "balance",
    "trust",
    "email",
    "domains",
    "handles",
    "tags",
    "archived",
]
#: Rows of the contacts table a page shows at a time.
PAGE_ROWS = 100
#: The contacts table on screen: the machine columns (kept by the download) in words.
SHOWN_CONTACT_COLUMNS = {
    "id": "Id",
    "name": "Name",
    "tier": "Tier",
    "reach": "Reach",
    "balance": "Balance",
    "trust": "Trust",
    "email": "Email",
    "domains": "Websites",
    "handles": "Handles",
    "tags": "Tags",
    "archived": "Archived",
}
TIMELINE_COLUMNS = ["Date", "Direction", "Kind", "Title", "Link", "Source", "Note"]
EXPLAIN_COLUMNS = [
    "Date",
    "Direction",
    "Kind",
    "Weight",
    "Magnitude",
    "Exposure",
    "Decay",
    "Value",
    "Title",
]


def contacts_table(ws: Workspace, found: Sequence[Contact]) -> pd.DataFrame:
    """One row per contact with its balance (one decimal) and trust; a contact with no
    balance yet shows 0.0 and "new"."""
    by_id = {b.contact.id: b for b in balances.all_balances(ws, include_archived=True)}
    rows = [
        {
            "id": c.id,
            "name": c.name,
            "tier": c.tier.value,
            "reach": c.reach,
            "balance": round(by_id[c.id].balance, 1) if c.id in by_id else 0.0,
            "trust": by_id[c.id].trust.value if c.id in by_id else "new",
            "email": c.email,
            "domains": " | ".join(c.domains),
            "handles": " | ".join(c.handles),
            "tags": " | ".join(c.tags),
            "archived": c.archived,
        }
        for c in found
    ]
    return pd.DataFrame(rows, columns=CONTACT_COLUMNS)


def shown_contacts(table: pd.DataFrame) -> pd.DataFrame:
    """The contacts table as a person reads it: tiers and trust in words, the balance to one
    decimal (as text, so no renderer adds digits), column names in words."""
    out = table.assign(
        tier=table["tier"].map(words.word),
        trust=table["trust"].map(words.word),
        balance=table["balance"].map(words.points),
    )
    return out.rename(columns=SHOWN_CONTACT_COLUMNS)


def tier_help(cadences: dict[str, int]) -> str:
    """One line per tier, for the help of a Tier select box: who belongs and how often to
    be in touch (``cadences``: the settings' keep-in-touch days by tier)."""
    return "\n\n".join(words.tier_line(t, cadences.get(t.value, 0)) for t in Tier)


def trust_line(trust: Trust | str) -> str:
    """``Acquainted: favours have gone both ways``."""
    known = Trust(trust)
    return f"{words.TRUST_WORDS[known]}: {words.TRUST_MEANINGS[known]}"


@dataclass(frozen=True, slots=True)
class ContactsPage:
    """One page of the contacts table and how many contacts match in all."""

    table: pd.DataFrame
    total: int
    page: int
    pages: int
    per_page: int

    @property
    def first_id(self) -> int | None:
        return None if self.table.empty else int(self.table["id"].iloc[0])


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matching(
    search: str, tiers: Iterable[str], include_archived: bool
) -> list[ColumnElement[bool]]:
    """The filters of the Contacts page as SQL: name, email or notes hold the text, or an
    alias, domain, handle or tag does (those are JSON lists: their stored text is searched,
    the needle also as JSON writes it, so "é" finds "\\u00e9")."""
    where: list[ColumnElement[bool]] = []
    if not include_archived:
        where.append(ContactRow.archived.is_(False))
    wanted = [t for t in tiers if t]
    if wanted:
        where.append(ContactRow.tier.in_(wanted))
    needle = search.strip().lower()
    if needle:
        likes = {f"%{_escaped(needle)}%", f"%{_escaped(json.dumps(needle)[1:-1].lower())}%"}
        texts = [ContactRow.name, ContactRow.email, ContactRow.notes]
        lists = [ContactRow.aliases, ContactRow.domains, ContactRow.handles, ContactRow.tags]
        columns = [func.lower(c) for c in texts] + [func.lower(cast(c, Text)) for c in lists]
        where.append(or_(*(c.like(like, escape="\\") for c in columns for like in likes)))
    return where


def contacts_page(
    ws: Workspace,
    *,
    search: str = "",
    tiers: Iterable[str] = (),
    include_archived: bool = False,
    page: int = 1,
    per_page: int | None = None,
) -> ContactsPage:
    """Page ``page`` (from 1) of the contacts table: the filters, the count and the page
    are found by the database (COUNT, then LIMIT/OFFSET by name); only that page's
    contacts are read."""
    per_page = per_page or PAGE_ROWS
    where = _matching(search, list(tiers), include_archived)
    with ws.read() as s:
        total = int(s.scalar(select(func.count()).select_from(ContactRow).where(*where)) or 0)
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        query = (
            select(ContactRow)
            .where(*where)
            .order_by(func.lower(ContactRow.name), ContactRow.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        found = [contact_from_row(r) for r in s.scalars(query)]
    return ContactsPage(contacts_table(ws, found), total, page, pages, per_page)


def contacts_csv_table(
    ws: Workspace, *, search: str = "", tiers: Iterable[str] = (), include_archived: bool = False
) -> pd.DataFrame:
    """Every contact the filters match (the download), by name."""
    where = _matching(search, list(tiers), include_archived)
    query = select(ContactRow).where(*where).order_by(func.lower(ContactRow.name), ContactRow.id)
    with ws.read() as s:
        found = [contact_from_row(r) for r in s.scalars(query)]
    return contacts_table(ws, found)


def timeline_table(ws: Workspace, contact_id: int) -> pd.DataFrame:
    """A contact's interactions in words, newest as the ledger lists them; ``Link`` is raw
    (the page makes it clickable only when it is http(s))."""
    rows = [
        {
            "Date": words.day(i.occurred_on),
            "Direction": words.word(i.direction),
            "Kind": words.word(i.kind),
            "Title": i.title,
            "Link": i.link,
            "Source": words.word(i.source),
            "Note": i.note,
        }
        for i in ledger.list_interactions(ws, contact_id=contact_id)
    ]
    return pd.DataFrame(rows, columns=TIMELINE_COLUMNS)


def explain_table(ws: Workspace, contact_id: int) -> pd.DataFrame:
    """Every term of a contact's balance: weight × magnitude × exposure × decay = value
    (``Value``: points to one decimal, as every table shows them)."""
    rows = [
        {
            "Date": words.day(r.interaction.occurred_on),
            "Direction": words.word(r.interaction.direction),
            "Kind": words.word(r.interaction.kind),
            "Weight": r.weight,
            "Magnitude": r.interaction.magnitude,
            "Exposure": round(r.exposure, 3),
            "Decay": round(r.decay, 3),
            "Value": words.points(r.value),
            "Title": r.interaction.title,
        }
        for r in balances.explain_balance(ws, contact_id)
    ]
    return pd.DataFrame(rows, columns=EXPLAIN_COLUMNS)
