"""The Contacts page's tables: contacts with their balance and trust, a contact's timeline
and the rows that explain their balance."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from planner.domain.model import Contact
from planner.services import balances, ledger
from planner.services.workspace import Workspace

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
TIMELINE_COLUMNS = ["date", "direction", "kind", "title", "link", "source", "note"]
EXPLAIN_COLUMNS = [
    "date",
    "direction",
    "kind",
    "weight",
    "magnitude",
    "exposure",
    "decay",
    "value",
    "title",
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


def timeline_table(ws: Workspace, contact_id: int) -> pd.DataFrame:
    """A contact's interactions, newest as the ledger lists them; ``link`` is raw (the
    page makes it clickable only when it is http(s))."""
    rows = [
        {
            "date": i.occurred_on,
            "direction": i.direction.value,
            "kind": i.kind.value,
            "title": i.title,
            "link": i.link,
            "source": i.source.value,
            "note": i.note,
        }
        for i in ledger.list_interactions(ws, contact_id=contact_id)
    ]
    return pd.DataFrame(rows, columns=TIMELINE_COLUMNS)


def explain_table(ws: Workspace, contact_id: int) -> pd.DataFrame:
    """Every term of a contact's balance: weight × magnitude × exposure × decay = value."""
    rows = [
        {
            "date": r.interaction.occurred_on,
            "direction": r.interaction.direction.value,
            "kind": r.interaction.kind.value,
            "weight": r.weight,
            "magnitude": r.interaction.magnitude,
            "exposure": round(r.exposure, 3),
            "decay": round(r.decay, 3),
            "value": round(r.value, 3),
            "title": r.interaction.title,
        }
        for r in balances.explain_balance(ws, contact_id)
    ]
    return pd.DataFrame(rows, columns=EXPLAIN_COLUMNS)
