"""The one table of detections the pages show (Contacts' "Found in feeds", Review's queue).

Each page picks its columns from the same definitions, so a column means the same thing
and is shown the same way everywhere; the CSV export (services) keeps its own raw form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from planner.domain.model import DetectionStatus, Kind, Role
from planner.domain.words import (
    DETECTION_STATUS_WORDS,
    KIND_WORDS,
    ROLE_WORDS,
    day,
    word,
)
from planner.services import detections
from planner.services.detections import DetectionView
from planner.services.workspace import Workspace
from planner.ui import safe_link

#: Rows of a paged detections table.
PAGE_ROWS = 100

#: Column name → how a detection fills it, codes in words ("Guest", "To review", "6 Dec
#: 2026"). Links are clickable only when http(s).
COLUMNS: dict[str, Callable[[DetectionView], object]] = {
    "select": lambda d: False,
    "id": lambda d: d.id,
    "date": lambda d: day(d.published),
    "entry": lambda d: d.entry_title,
    "feed": lambda d: d.feed_title,
    "contact": lambda d: d.contact,
    "direction": lambda d: word(d.direction),  # "I gave", "Context"
    "role": lambda d: ROLE_WORDS[Role(d.role)],
    "kind": lambda d: KIND_WORDS[Kind(d.kind)] if d.kind else "",
    "status": lambda d: DETECTION_STATUS_WORDS[DetectionStatus(d.status)],
    "confidence": lambda d: round(d.confidence, 2),
    "evidence": lambda d: d.marked_snippet,
    "link": lambda d: safe_link(d.entry_link),
}

#: The Contacts page's columns: what the feeds found about one contact.
CONTACT_COLUMNS = (
    "date",
    "entry",
    "feed",
    "direction",
    "role",
    "status",
    "confidence",
    "evidence",
    "link",
)
#: The Review page's columns: a tick box to select, and who each detection names.
REVIEW_COLUMNS = (
    "select",
    "id",
    "date",
    "entry",
    "feed",
    "contact",
    "role",
    "kind",
    "confidence",
    "evidence",
    "link",
)

#: The Review page's decided detections: what became of each.
DECIDED_COLUMNS = (
    "id",
    "status",
    "date",
    "entry",
    "contact",
    "direction",
    "role",
    "confidence",
    "evidence",
)


#: What each column is called on screen (the frame keeps the short names the code uses).
HEADERS: dict[str, str] = {
    "select": "✓",
    "id": "#",
    "date": "Date",
    "entry": "Entry",
    "feed": "Feed",
    "contact": "Contact",
    "direction": "Direction",
    "role": "Role",
    "kind": "Kind",
    "status": "Status",
    "confidence": "Confidence",
    "evidence": "Evidence (matches «marked»)",
    "link": "Link",
}


def column_config(columns: Sequence[str]) -> dict[str, Any]:
    """Streamlit column settings for ``columns``: worded headers, confidence as a bar,
    links clickable."""
    config: dict[str, Any] = {name: HEADERS[name] for name in columns}
    special: dict[str, Any] = {
        "select": st.column_config.CheckboxColumn("✓", help="select for a bulk action"),
        "id": st.column_config.NumberColumn("#", width="small"),
        "confidence": st.column_config.ProgressColumn(
            "Confidence", min_value=0.0, max_value=1.0, format="%.2f"
        ),
        "evidence": st.column_config.TextColumn(HEADERS["evidence"], width="large"),
        "link": st.column_config.LinkColumn("Link"),
    }
    config.update({name: value for name, value in special.items() if name in columns})
    return config


def detection_table(items: Sequence[DetectionView], columns: Sequence[str]) -> pd.DataFrame:
    """One row per detection with ``columns`` (names from :data:`COLUMNS`), in that order;
    an empty list gives the columns with no rows."""
    rows = [{name: COLUMNS[name](d) for name in columns} for d in items]
    return pd.DataFrame(rows, columns=list(columns))


@dataclass(frozen=True, slots=True)
class DetectionPage:
    """The detections of one page, where it is and how many match in all."""

    items: list[DetectionView]
    key: str
    total: int
    page: int
    pages: int


def detection_page(
    ws: Workspace, *, key: str, statuses: Sequence[str] = (), directions: Sequence[str] = ()
) -> DetectionPage:
    """The page ``st.session_state[key + "_page"]`` of the detections the filters match:
    the database filters, counts and pages (LIMIT/OFFSET)."""
    total = detections.count_detections(ws, statuses=statuses, directions=directions)
    pages = max(1, -(-total // PAGE_ROWS))
    page_key = f"{key}_page"
    page = min(max(1, int(st.session_state.get(page_key, 1))), pages)
    st.session_state[page_key] = page
    items = detections.list_detections(
        ws,
        statuses=statuses,
        directions=directions,
        limit=PAGE_ROWS,
        offset=(page - 1) * PAGE_ROWS,
    )
    return DetectionPage(items, key, total, page, pages)


def page_number(shown: DetectionPage) -> None:
    """The page number input (when there is more than one page) and which rows are shown."""
    if shown.pages <= 1:
        return
    p1, p2 = st.columns([1, 3])
    p1.number_input("Page", min_value=1, max_value=shown.pages, step=1, key=f"{shown.key}_page")
    first = (shown.page - 1) * PAGE_ROWS + 1
    last = first + len(shown.items) - 1
    total = shown.total
    p2.caption(f"Rows {first}–{last} of {total}")


def paged_detections(
    ws: Workspace,
    *,
    key: str,
    columns: Sequence[str],
    statuses: Sequence[str] = (),
    directions: Sequence[str] = (),
) -> list[DetectionView]:
    """A table of one page of the detections the filters match, with a page number when
    there are more. Returns the detections shown."""
    shown = detection_page(ws, key=key, statuses=statuses, directions=directions)
    st.dataframe(
        detection_table(shown.items, columns),
        hide_index=True,
        key=key,
        column_config=column_config(columns),
    )
    page_number(shown)
    return shown.items
