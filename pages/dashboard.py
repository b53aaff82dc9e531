"""Dashboard: key figures, next moves, the balances of the top contacts, who owes whom."""

import altair as alt
import streamlit as st

from planner.services import balances, exports, plan, plan_tables
from planner.ui import as_of_picker, download_csv, workspace
from planner.ui.links import open_page

#: Where each next-move action is done (draft:<template> goes to the outreach page).
MOVE_PAGES = {
    "plan_give": ("pages/plan.py", "Plan a give"),
    "open_ask": ("pages/asks.py", "Open the ask"),
    "review_tier": ("pages/contacts.py", "Review the tier"),
}

#: The page each action opens, with its ask or contact selected.
LINKS = {"plan_give": "plan", "open_ask": "asks", "review_tier": "contacts"}

ws = workspace()
st.title("Dashboard")
as_of = as_of_picker("dashboard_as_of")
frame = exports.balances_frame(ws, as_of=as_of)

if frame.empty:
    st.info(
        "No contacts yet. Add some on the Contacts page, or load the demo with `planner demo`.",
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
st.text(f"Audience promotion budget: {snap.budget.explanation}")
moves = plan.moves(ws, as_of=as_of)
for i, mv in enumerate(moves[:8]):
    text_col, action_col = st.columns([5, 1])
    text_col.text(f"{mv.move.title}\n{mv.move.reason}")
    page, label = MOVE_PAGES.get(mv.move.action, ("", ""))
    if mv.template:
        page, label = "pages/outreach.py", f"Draft ({mv.template})"
    if page and action_col.button(label, key=f"move_{i}"):
        if mv.template:
            st.session_state["outreach_template"] = mv.template
            st.session_state["outreach_contact_id"] = mv.move.contact_id
            st.switch_page(page)
        open_page(LINKS[mv.move.action], ask=mv.move.ask_id, contact=mv.move.contact_id)
if len(moves) > 8:
    with st.expander(f"All {len(moves)} next moves"):
        st.dataframe(plan_tables.moves_table(moves), hide_index=True, key="df_moves")
download_csv(
    plan_tables.moves_table(moves),
    f"next-moves-{as_of}.csv",
    key="dl_moves",
    label="Download next moves CSV",
)

st.subheader("Balances of the top contacts")
top = active.reindex(active["balance"].abs().sort_values(ascending=False).index).head(15)
chart = (
    alt.Chart(top)
    .mark_bar()
    .encode(
        x=alt.X("balance:Q", title="Balance (points; + I may ask, − I owe)"),
        y=alt.Y("contact:N", sort="-x", title=None),
        color=alt.condition(alt.datum.balance >= 0, alt.value("#2f7d5b"), alt.value("#c0504d")),
        tooltip=["contact", "tier", "given", "received", "balance", "trust"],
    )
)
st.altair_chart(chart, width="stretch")

left, right = st.columns(2)
with left:
    st.subheader("They owe me")
    st.caption("Highest balance first: goodwill I built up and may draw on.")
    owed = balances.they_owe_me(frame)
    st.dataframe(
        owed[["contact", "tier", "balance", "trust", "reciprocity_ratio"]],
        hide_index=True,
        key="df_owed",
    )
with right:
    st.subheader("I owe them")
    st.caption("They gave more than I returned: reciprocate before asking.")
    owing = balances.i_owe_them(frame)
    st.dataframe(
        owing[["contact", "tier", "balance", "trust", "reciprocity_ratio"]],
        hide_index=True,
        key="df_owing",
    )

one_sided = frame[frame["one_sided"]]
if not one_sided.empty:
    st.subheader("One-sided relationships")
    st.caption("Much given, little back: think twice before giving more.")
    st.dataframe(
        one_sided[["contact", "tier", "lifetime_given", "lifetime_received", "reciprocity_ratio"]],
        hide_index=True,
        key="df_one_sided",
    )

download_csv(frame, f"balances-{as_of}.csv", key="dl_balances", label="Download balances CSV")
