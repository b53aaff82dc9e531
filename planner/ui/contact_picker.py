"""A contact picker that searches instead of holding every contact.

A small "Find" box and a selectbox of the first matches (the database searches and
limits: ``contacts.find``); the current choice stays among the options whatever the
search, so typing never loses it. With few contacts the selectbox simply lists them all.
The chosen id is ``st.session_state[key]`` (the selectbox's own state), so a page or a
test sets or reads it there.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from planner.services import contacts
from planner.services.workspace import Workspace

ALL_UP_TO = 200  # with this many contacts or fewer the selectbox lists them all
MATCHES = 50  # otherwise: this many matches of the search


def contact_picker(
    ws: Workspace,
    label: str,
    *,
    key: str,
    allow_none: str | None = None,
    exclude: Iterable[int] = (),
    default: int | None = None,
    help: str | None = None,
    include_archived: bool = False,
) -> int | None:
    """The id of the contact chosen (None when ``allow_none`` is its label and it is chosen,
    or when there is no contact to choose).

    ``default`` is chosen until the user chooses; ``exclude`` are never offered.
    """
    skipped = {int(i) for i in exclude}
    current = st.session_state.get(key, default)
    total = contacts.count_active(ws, include_archived=include_archived)
    text = ""
    if total > ALL_UP_TO:
        text = st.text_input(
            "Find",
            key=f"{key}_find",
            placeholder="part of a name",
            help=f"Type part of a name: the first {MATCHES} matches are listed.",
        )
    limit = ALL_UP_TO if total <= ALL_UP_TO else MATCHES
    found = contacts.find(ws, text, limit=limit, include_archived=include_archived, exclude=skipped)
    names = {c.id: c.name for c in found}
    if isinstance(current, int) and current not in names and current not in skipped:
        kept = contacts.choices_for_ids(ws, [current])
        names = {**{c.id: c.name for c in kept}, **names}
    options: list[int | None] = [*([None] if allow_none is not None else []), *names]
    # once the widget has a state, that state decides (it is among the options)
    fresh = key not in st.session_state and default in options
    index = options.index(default) if fresh else 0
    chosen: int | None = st.selectbox(
        label,
        options,
        index=index if options else None,
        format_func=lambda i: (allow_none or "") if i is None else names.get(i, str(i)),
        key=key,
        help=help,
        placeholder="No contact matches" if text else "No contacts yet",
    )
    if total > ALL_UP_TO and len(found) == limit:
        st.caption(f"The first {limit} matches: type more of the name to narrow them.")
    return chosen
