"""Ledger: every interaction given and received; filter, add by hand, delete."""

from datetime import timedelta

import streamlit as st

from planner.domain.model import Direction, Kind
from planner.services import contacts, exports, ledger
from planner.services.ledger import LedgerInput
from planner.ui import download_csv, run_action, safe_link, workspace

ws = workspace()
st.title("Ledger")
AUDIENCE = "— my audience —"
people = contacts.list_contacts(ws)
choices = [AUDIENCE, *[c.name for c in people]]
KINDS = [k.value for k in Kind]

with (
    st.expander("Add an interaction", icon=":material/add_circle:"),
    st.form("add_interaction", clear_on_submit=True),
):
    a1, a2, a3 = st.columns(3)
    who = a1.selectbox("Contact", choices, index=1 if len(choices) > 1 else 0, key="ledger_contact")
    direction = a2.radio(
        "Direction",
        [d.value for d in Direction],
        horizontal=True,
        key="ledger_direction",
        format_func=lambda d: "I gave" if d == "gave" else "I received",
    )
    kind = a3.selectbox("Kind", KINDS, index=KINDS.index("mention"), key="ledger_kind")
    day = a1.date_input("Date", value=ws.today(), key="ledger_date", format="YYYY-MM-DD")
    magnitude = a2.number_input(
        "Magnitude", min_value=0.0, value=1.0, step=0.5, key="ledger_magnitude"
    )
    title = a3.text_input("Title", key="ledger_title")
    link = a1.text_input("Link", key="ledger_link")
    note = a2.text_input("Note", key="ledger_note")
    if st.form_submit_button("Add", type="primary", key="ledger_submit"):
        run_action(
            lambda: ledger.add(
                ws,
                LedgerInput(
                    contact=None if who == AUDIENCE else who,
                    direction=direction,
                    kind=kind,
                    occurred_on=day,
                    magnitude=magnitude,
                    title=title,
                    link=link,
                    note=note,
                ),
            ),
            success="Interaction added",
        )

f1, f2, f3, f4 = st.columns(4)
who_filter = f1.selectbox("Contact", ["All", *choices], key="filter_contact")
dir_filter = f2.selectbox("Direction", ["All", "gave", "received"], key="filter_direction")
kind_filter = f3.multiselect("Kinds", KINDS, key="filter_kinds")
since = f4.date_input(
    "Since", value=ws.today() - timedelta(days=548), key="filter_since", format="YYYY-MM-DD"
)

frame = exports.ledger_frame(ws)
if who_filter == AUDIENCE:
    frame = frame[frame["audience"]]
elif who_filter != "All":
    frame = frame[frame["contact"] == who_filter]
if dir_filter != "All":
    frame = frame[frame["direction"] == dir_filter]
if kind_filter:
    frame = frame[frame["kind"].isin(kind_filter)]
frame = frame[frame["date"] >= since.isoformat()].sort_values(["date", "id"], ascending=False)

st.caption(f"{len(frame)} interaction(s); value = decayed points as of today")
st.dataframe(
    frame.assign(link=frame["link"].map(safe_link)),
    hide_index=True,
    key="ledger_table",
    column_config={"link": st.column_config.LinkColumn("link")},
)
download_csv(frame, "ledger.csv", key="dl_ledger")

with st.expander("Delete an interaction", icon=":material/delete:"):
    ids = frame["id"].tolist()
    if ids:
        labels = {
            int(r.id): f"#{r.id} {r.date} {r.direction} {r.kind} {r.contact or 'audience'}"
            for r in frame.itertuples()
        }
        target = st.selectbox(
            "Interaction", list(labels), format_func=labels.get, key="delete_pick"
        )
        sure = st.checkbox("Yes, delete it", key="delete_confirm")
        if st.button("Delete", disabled=not sure, key="delete_button", type="primary"):
            run_action(lambda: ledger.delete(ws, int(target)), success=f"Deleted #{target}")
            st.rerun()
