"""The Ledger page's table: one page of filtered ledger rows, filtered, counted and paged
in SQL, so that a ledger of a million rows costs what the hundred rows on screen cost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from planner.domain import goodwill, words
from planner.services.workspace import Workspace
from planner.storage.schema import ContactRow, InteractionRow

#: Rows on one page of the table.
PAGE_SIZE = 100

COLUMNS = [
    "id",
    "date",
    "contact",
    "audience",
    "direction",
    "kind",
    "magnitude",
    "base",
    "value",
    "source",
    "title",
    "link",
    "note",
]


#: The table on screen: the machine columns (kept by the download and the export) in words.
SHOWN_COLUMNS = {
    "id": "Id",
    "date": "Date",
    "contact": "Contact",
    "direction": "Direction",
    "kind": "Kind",
    "magnitude": "Magnitude",
    "base": "Points",
    "value": "Points today",
    "source": "Source",
    "title": "Title",
    "link": "Link",
    "note": "Note",
}
AUDIENCE_WORDS = "My audience"


@dataclass(frozen=True, slots=True)
class LedgerFilter:
    """What the table shows: one contact's rows (or the audience's), a direction, kinds,
    from a day on. Empty fields filter nothing."""

    contact_id: int | None = None
    audience: bool = False
    direction: str = ""
    kinds: tuple[str, ...] = ()
    since: date | None = None


@dataclass(frozen=True, slots=True)
class LedgerPage:
    frame: pd.DataFrame
    #: Rows matching the filter, on every page.
    total: int
    page: int
    pages: int


def _conditions(f: LedgerFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if f.audience:
        found.append(InteractionRow.contact_id.is_(None))
    elif f.contact_id is not None:
        found.append(InteractionRow.contact_id == f.contact_id)
    if f.direction:
        found.append(InteractionRow.direction == f.direction)
    if f.kinds:
        found.append(InteractionRow.kind.in_(f.kinds))
    if f.since is not None:
        found.append(InteractionRow.occurred_on >= f.since)
    return found


def _count(s: Session, f: LedgerFilter) -> int:
    query = select(func.count()).select_from(InteractionRow).where(*_conditions(f))
    return int(s.execute(query).scalar_one() or 0)


def page_of(
    ws: Workspace,
    f: LedgerFilter,
    *,
    page: int = 1,
    size: int = PAGE_SIZE,
    as_of: date | None = None,
) -> LedgerPage:
    """Page ``page`` (from 1; clamped to the last) of the rows matching ``f``, newest first,
    each with its decayed value as of ``as_of`` (default today)."""
    with ws.read() as s:
        total = _count(s, f)
        pages = max(1, -(-total // size))
        page = min(max(1, page), pages)
        frame = _rows(ws, s, f, as_of=as_of or ws.today(), limit=size, offset=(page - 1) * size)
    return LedgerPage(frame, total, page, pages)


def every_row(
    ws: Workspace, f: LedgerFilter, *, as_of: date | None = None, newest_first: bool = True
) -> pd.DataFrame:
    """Every row matching ``f``, newest first unless asked otherwise (for a download or
    an export: built only when asked)."""
    with ws.read() as s:
        return _rows(ws, s, f, as_of=as_of or ws.today(), limit=None, newest_first=newest_first)


def _rows(
    ws: Workspace,
    s: Session,
    f: LedgerFilter,
    *,
    as_of: date,
    limit: int | None,
    offset: int = 0,
    newest_first: bool = True,
) -> pd.DataFrame:
    half_life = ws.settings(s).half_life_days
    query = (
        select(InteractionRow, ContactRow.name)
        .outerjoin(ContactRow, ContactRow.id == InteractionRow.contact_id)
        .where(*_conditions(f))
        .order_by(
            *(
                (InteractionRow.occurred_on.desc(), InteractionRow.id.desc())
                if newest_first
                else (InteractionRow.occurred_on, InteractionRow.id)
            )
        )
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = [
        {
            "id": r.id,
            "date": r.occurred_on.isoformat(),
            "contact": name or "",
            "audience": r.contact_id is None,
            "direction": r.direction,
            "kind": r.kind,
            "magnitude": r.magnitude,
            "base": round(r.base, 3),
            "value": round(r.base * goodwill.decay((as_of - r.occurred_on).days, half_life), 3),
            "source": r.source,
            "title": r.title,
            "link": r.link,
            "note": r.note,
        }
        for r, name in s.execute(query).all()
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Ledger rows as a person reads them: dates as dates, direction, kind and source in
    words, points to one decimal (as text), the audience named, column names in words."""
    out = frame.assign(
        date=frame["date"].map(lambda d: words.day(date.fromisoformat(d))),
        contact=[
            AUDIENCE_WORDS if audience else name
            for name, audience in zip(frame["contact"], frame["audience"], strict=True)
        ],
        direction=frame["direction"].map(words.word),
        kind=frame["kind"].map(words.word),
        base=frame["base"].map(words.points),
        value=frame["value"].map(words.points),
        source=frame["source"].map(words.word),
    )
    return out.drop(columns=["audience"]).rename(columns=SHOWN_COLUMNS)


def row_label(row: pd.Series) -> str:
    """``#12 · 6 Dec 2026 · I gave · Interview · Ada Lovelace``: one row of :func:`shown`
    in a select box."""
    return " · ".join(
        [
            f"#{row['Id']}",
            str(row["Date"]),
            str(row["Direction"]),
            str(row["Kind"]),
            str(row["Contact"]),
        ]
    )
