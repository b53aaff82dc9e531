"""Ledger: every interaction given and received; filter, add by hand, edit, delete.

The table is one page of rows, filtered, counted and paged by the database: a ledger of a
million rows shows as fast as one of a hundred. On screen it is in words; the download
keeps the machine columns scripts read.
"""

from datetime import timedelta

import streamlit as st

from planner.domain.model import Direction, Kind
from planner.domain.words import word
from planner.services import ledger, ledger_tables
from planner.services.ledger import LedgerInput
from planner.services.ledger_tables import LedgerFilter
from planner.ui import download_csv, run_action, safe_link, workspace
from planner.ui.contact_actions import flash, show_flash
from planner.ui.contact_picker import contact_picker
from planner.ui.ledger_edit import edit_or_delete

ws = workspace()
st.title("Ledger")
show_flash()
AUDIENCE = "— my audience —"
ALL = "All"
KINDS = [k.value for k in Kind]
FRESH = {
    "ledger_direction": "gave",
    "ledger_kind": "mention",
    "ledger_date": ws.today(),
    "ledger_magnitude": 1.0,
    "ledger_title": "",
    "ledger_link": "",
    "ledger_note": "",
}


def directions(d: str) -> str:
    return word(d)


if st.session_state.pop("ledger_added", False) or "ledger_kind" not in st.session_state:
    st.session_state.update(FRESH)  # a fresh form; a refused one keeps what was typed
with st.expander("Add an interaction", icon=":material/add_circle:"):
    who = contact_picker(ws, "Contact", key="ledger_contact", allow_none=AUDIENCE)
    with st.form("add_interaction", clear_on_submit=False):
        a1, a2, a3 = st.columns(3)
        direction = a1.radio(
            "Direction",
            [d.value for d in Direction],
            horizontal=True,
            key="ledger_direction",
            format_func=directions,
        )
        kind = a2.selectbox("Kind", KINDS, key="ledger_kind", format_func=word)
        day = a3.date_input("Date", key="ledger_date", format="YYYY-MM-DD")
        magnitude = a1.number_input(
            "Weight (magnitude)", min_value=0.0, step=0.5, key="ledger_magnitude"
        )
        title = a2.text_input("Title", key="ledger_title")
        link = a3.text_input("Link", key="ledger_link")
        note = a1.text_input("Note", key="ledger_note")
        if st.form_submit_button("Add", type="primary", key="ledger_submit"):
            added = run_action(
                lambda: ledger.add(
                    ws,
                    LedgerInput(
                        contact=who,
                        direction=direction,
                        kind=kind,
                        occurred_on=day,
                        magnitude=magnitude,
                        title=title,
                        link=link,
                        note=note,
                    ),
                ),
            )
            if added is not None:
                st.session_state["ledger_added"] = True
                flash("Interaction added")
                st.rerun()

f1, f2, f3, f4 = st.columns(4)
with f1:
    who_filter = contact_picker(ws, "Contact", key="filter_contact", allow_none=ALL)
audience_only = f1.checkbox("Only my audience", key="filter_audience")
dir_filter = f2.selectbox(
    "Direction",
    [ALL, "gave", "received"],
    key="filter_direction",
    format_func=lambda d: d if d == ALL else directions(d),
)
kind_filter = f3.multiselect("Kinds", KINDS, key="filter_kinds", format_func=word)
since = f4.date_input(
    "Since", value=ws.today() - timedelta(days=548), key="filter_since", format="YYYY-MM-DD"
)
shown = LedgerFilter(
    contact_id=None if audience_only else who_filter,
    audience=audience_only,
    direction="" if dir_filter == ALL else dir_filter,
    kinds=tuple(kind_filter),
    since=since,
)

view = ledger_tables.page_of(ws, shown, page=int(st.session_state.get("ledger_page", 1)))
st.session_state["ledger_page"] = view.page  # within the pages the filters leave
if view.pages > 1:
    st.number_input(f"Page (of {view.pages})", 1, view.pages, key="ledger_page", width=160)
frame = view.frame
first = (view.page - 1) * ledger_tables.PAGE_SIZE + 1
last = first + len(frame) - 1
if view.pages > 1:
    st.caption(
        f"{view.total:d} interaction(s), {first:d}–{last:d} shown; "
        "points today = decayed points as of today"
    )
else:
    st.caption(f"{view.total:d} interaction(s); points today = decayed points as of today")
table = ledger_tables.shown(frame)
st.dataframe(
    table.assign(Link=table["Link"].map(safe_link)),
    hide_index=True,
    key="ledger_table",
    column_config={"Link": st.column_config.LinkColumn("Link")},
)
download_csv(lambda: ledger_tables.every_row(ws, shown), "ledger.csv", key="dl_ledger")

edit_or_delete(ws, table, AUDIENCE)
