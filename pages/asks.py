"""Asks: what I want from whom, whether each ask is ready, and the cheapest gives that
would make it ready."""

import streamlit as st

from planner.domain.model import AskStatus
from planner.domain.words import word
from planner.services import asks, plan_tables
from planner.ui import as_of_picker, download_csv, run_action, workspace
from planner.ui.ask_editor import ask_editor
from planner.ui.mail_history import ask_messages

ws = workspace()
st.title("Asks")
today = ws.today()
STATUSES = [s.value for s in AskStatus]
WIDE = {
    "Why": st.column_config.TextColumn("Why", width="large"),
    "Cheapest gives": st.column_config.TextColumn("Cheapest gives", width="large"),
    "Title": st.column_config.TextColumn("Title", width="medium"),
    "#": st.column_config.NumberColumn("#", width="small", pinned=True),
    "Of": st.column_config.TextColumn("Of", pinned=True),  # stays while scrolling to Why
}

as_of = as_of_picker("asks_as_of")
views = asks.assess(ws, as_of=as_of)
by_id = {v.id: v for v in views}

if views:
    m = st.columns(4)
    open_views = [v for v in views if v.state != "closed"]
    m[0].metric("Open asks", len(open_views))
    m[1].metric("Ready", sum(v.ready for v in open_views))
    m[2].metric(
        "Short or over-committed", sum(v.state in ("short", "over_committed") for v in views)
    )
    m[3].metric("Need trust", sum(v.state == "needs_trust" for v in views))
    st.dataframe(
        plan_tables.asks_shown(views),
        hide_index=True,
        column_config=WIDE,
        key="asks_table",
    )
    download_csv(plan_tables.asks_table(views), f"asks-{as_of}.csv", key="dl_asks")
else:
    st.info("No asks yet: add one below.", icon=":material/info:")

# --- close the gap ---------------------------------------------------------------------
with_options = [v for v in views if v.options]
if with_options:
    st.subheader("Close the gap")
    st.caption(
        "The least-effort gives, made this week, that cover what is missing on the target date "
        "(the balance keeps decaying until then)."
    )
    ids = [v.id for v in with_options]
    chosen = st.selectbox(
        "Ask",
        ids,
        format_func=lambda i: (
            f"#{i} {by_id[i].contact}: {by_id[i].title} ({plan_tables.readiness_words(by_id[i])})"
        ),
        key="ask_gap_pick",
    )
    view = by_id[chosen]
    st.text(view.reason)
    st.dataframe(
        plan_tables.options_shown(view),
        hide_index=True,
        column_config={"Why": st.column_config.TextColumn("Why", width="large")},
        key="ask_options",
    )
    option = st.selectbox(
        "Give to schedule",
        [o.kind.value for o in view.options],
        format_func=word,
        key="ask_option_kind",
    )
    if st.button("Schedule this give", key="ask_schedule", icon=":material/event:") and run_action(
        lambda: asks.schedule_option(ws, chosen, option), success="Give planned (see Plan)"
    ):
        st.rerun()

# --- add, edit or delete ----------------------------------------------------------------
ask_editor(ws, by_id)

# --- status ----------------------------------------------------------------------------
if views:
    st.subheader("Move an ask along")
    st.caption("Sent records the day; done logs what you received in the ledger.")
    s1, s2, s3 = st.columns([3, 1, 1])
    target_id = s1.selectbox(
        "Ask",
        list(by_id),
        format_func=lambda i: (
            f"#{i} {by_id[i].contact or 'My audience'}: {by_id[i].title} "
            f"({word(by_id[i].ask.status)})"
        ),
        key="ask_status_pick",
    )
    new_status = s2.selectbox(
        "New status", STATUSES, index=STATUSES.index("sent"), format_func=word, key="ask_new_status"
    )
    when = s3.date_input("On", value=today, key="ask_status_date", format="YYYY-MM-DD")
    ask_messages(ws, target_id)  # sent from here or found in the mailbox, and the replies
    if st.button("Set status", key="ask_status_button", type="primary") and run_action(
        lambda: asks.set_status(ws, target_id, new_status, day=when),
        success=f"Ask #{target_id} is now {word(new_status).lower()}",
    ):
        st.rerun()
