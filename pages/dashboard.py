"""Dashboard: key figures, next moves, the balances of the top contacts, who owes whom."""

import altair as alt
import streamlit as st

from planner.services import balances, exports, plan, plan_tables
from planner.ui import as_of_picker, budget_notice, download_csv, workspace
from planner.ui.links import open_page

#: The page each action opens, with its ask or contact selected.
LINKS = {"plan_give": "plan", "open_ask": "asks", "review_tier": "contacts"}

#: Points to one decimal, reciprocity as a percentage, in every balances table.
NUMBERS = {
    name: st.column_config.NumberColumn(format="%.1f")
    for name in ("Balance", "Given", "Received", "Given (lifetime)", "Received (lifetime)")
} | {"Reciprocity": st.column_config.NumberColumn(format="percent")}

ws = workspace()
st.title("Dashboard")
as_of = as_of_picker("dashboard_as_of")
frame = exports.balances_frame(ws, as_of=as_of)

if frame.empty:
    st.info(
        "No contacts yet. To start: add the people you know on **Contacts** (or import a CSV "
        "on **Import & export**), follow their blogs and podcasts on **Feeds**, and note what "
        "you gave and received on **Ledger**. The next moves appear here as soon as there "
        "is someone to give to.",
        icon=":material/info:",
    )
    st.stop()

active = frame[(frame["gives"] + frame["receives"]) > 0]
cols = st.columns(5)
cols[0].metric("Contacts", len(frame))
cols[1].metric(
    "Goodwill given",
    f"{frame['given'].sum():.1f}",
    help="Decayed points given to all contacts, as of the date above",
)
cols[2].metric("Goodwill received", f"{frame['received'].sum():.1f}")
cols[3].metric(
    "I owe",
    len(balances.i_owe_them(frame)),
    help="Contacts whose gives to me exceed mine by more than half a point",
)
cols[4].metric(
    "One-sided",
    int(frame["one_sided"].sum()),
    help="I gave a lot for a long time and little came back, or many requests and no give",
)

st.subheader("Next moves")
snap = plan.snapshot(ws, as_of=as_of)
budget_notice(snap.budget)
moves = plan.moves(ws, as_of=as_of)
for i, mv in enumerate(moves[:8]):
    text_col, action_col = st.columns([5, 1])
    text_col.text(f"{mv.move.title}\n{mv.move.reason}")
    if (mv.template or mv.move.action in LINKS) and action_col.button(mv.label, key=f"move_{i}"):
        if mv.template:
            open_page(
                "outreach",
                contact=mv.move.contact_id,
                template=mv.template,
                ask=mv.move.ask_id,
            )
        open_page(LINKS[mv.move.action], ask=mv.move.ask_id, contact=mv.move.contact_id)
if len(moves) > 8:
    with st.expander(f"All {len(moves)} next moves"):
        st.dataframe(
            plan_tables.moves_table(moves, for_people=True), hide_index=True, key="df_moves"
        )
download_csv(
    plan_tables.moves_table(moves),
    f"next-moves-{as_of}.csv",
    key="dl_moves",
    label="Download next moves CSV",
)

st.subheader("Balances of the top contacts")
top = active.reindex(active["balance"].abs().sort_values(ascending=False).index).head(15)
chart = (
    alt.Chart(
        exports.balances_for_people(
            top, ["contact", "tier", "given", "received", "balance", "trust"]
        )
    )
    .mark_bar()
    .encode(
        x=alt.X("Balance:Q", title="Balance (points; + I may ask, − I owe)"),
        y=alt.Y("Contact:N", sort="-x", title=None),
        color=alt.condition(alt.datum.Balance >= 0, alt.value("#2f7d5b"), alt.value("#c0504d")),
        tooltip=[
            "Contact",
            "Tier",
            alt.Tooltip("Given:Q", format=".1f"),
            alt.Tooltip("Received:Q", format=".1f"),
            alt.Tooltip("Balance:Q", format=".1f"),
            "Trust",
        ],
    )
)
st.altair_chart(chart, width="stretch")

OWE_COLUMNS = ["contact", "tier", "balance", "trust", "reciprocity_ratio"]
left, right = st.columns(2)
with left:
    st.subheader("They owe me")
    st.caption("Highest balance first: goodwill I built up and may draw on.")
    st.dataframe(
        exports.balances_for_people(balances.they_owe_me(frame), OWE_COLUMNS),
        hide_index=True,
        column_config=NUMBERS,
        key="df_owed",
    )
with right:
    st.subheader("I owe them")
    st.caption("They gave more than I returned: reciprocate before asking.")
    st.dataframe(
        exports.balances_for_people(balances.i_owe_them(frame), OWE_COLUMNS),
        hide_index=True,
        column_config=NUMBERS,
        key="df_owing",
    )

one_sided = frame[frame["one_sided"]]
if not one_sided.empty:
    st.subheader("One-sided relationships")
    st.caption("Much given, little back: think twice before giving more.")
    st.dataframe(
        exports.balances_for_people(
            one_sided,
            ["contact", "tier", "lifetime_given", "lifetime_received", "reciprocity_ratio"],
        ),
        hide_index=True,
        column_config=NUMBERS,
        key="df_one_sided",
    )

download_csv(frame, f"balances-{as_of}.csv", key="dl_balances", label="Download balances CSV")
