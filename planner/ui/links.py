"""Deep links: a button that names a record opens the page with that record selected.

The record travels in the URL (``/asks?ask=12``), so the link also works when pasted or
reloaded. The target page takes it once with :func:`linked_id`, puts it into its
selection widget and drops it from the URL, so the user's next choice is not overridden.
"""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

#: The pages, by the name a link uses.
PAGES: dict[str, str] = {
    "dashboard": "pages/dashboard.py",
    "contacts": "pages/contacts.py",
    "ledger": "pages/ledger.py",
    "feeds": "pages/feeds.py",
    "review": "pages/review.py",
    "plan": "pages/plan.py",
    "asks": "pages/asks.py",
    "requests": "pages/requests.py",
    "outreach": "pages/outreach.py",
    "data": "pages/data.py",
    "settings": "pages/settings.py",
}


def open_page(page: str, **record: int | str | None) -> NoReturn:
    """Switch to ``page`` (a name in :data:`PAGES`) with the record(s) in the URL:
    ``open_page("asks", ask=12)``, ``open_page("outreach", contact=3, template="thank_you")``."""
    params = {name: str(value) for name, value in record.items() if value is not None}
    st.switch_page(PAGES[page], query_params=params)


def linked(name: str) -> str | None:
    """The value the URL carries under ``name``, taken once (removed from the URL)."""
    if name not in st.query_params:
        return None
    value = st.query_params[name]
    del st.query_params[name]
    return value


def linked_id(name: str) -> int | None:
    """A record id from the URL, taken once; None when absent or not a number."""
    value = linked(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def select_linked(name: str, widget_key: str) -> int | None:
    """Take ``?name=ID`` from the URL and make it the choice of the widget ``widget_key``
    (before the widget is drawn). Returns the id, or None when the URL names nothing."""
    record = linked_id(name)
    if record is not None:
        st.session_state[widget_key] = record
    return record
