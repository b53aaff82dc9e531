"""Asks: what I want from whom, whether each ask is ready, and the cheapest gives that
would make it ready."""

import pandas as pd
import streamlit as st

from planner.domain.model import AskStatus, Kind
from planner.services import asks, plan_tables
from planner.services.asks import AskInput
from planner.ui import as_of_picker, download_csv, run_action, workspace
from planner.ui.contact_picker import contact_picker
from planner.ui.links import select_linked

ws = workspace()
st.title("Asks")
today = ws.today()
AUDIENCE = "— my audience —"
KINDS = [k.value for k in Kind]
STATUSES = [s.value for s in AskStatus]

as_of = as_of_picker("asks_as_of")
views = asks.assess(ws, as_of=as_of)
by_id = {v.id: v for v in views}
table = plan_tables.asks_table(views)

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
        table[
            [
                "id",
                "contact",
                "kind",
                "label",
                "reason",
                "cheapest_gives",
                "target_date",
                "cost",
                "priority",
                "status",
                "title",
            ]
        ].rename(columns={"label": "readiness"}),
        hide_index=True,
        key="asks_table",
    )
    download_csv(table, f"asks-{as_of}.csv", key="dl_asks")
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
        format_func=lambda i: f"#{i} {by_id[i].contact}: {by_id[i].title} ({by_id[i].label})",
        key="ask_gap_pick",
    )
    view = by_id[chosen]
    st.text(view.reason)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "give": o.kind.value,
                    "on": o.give_on.isoformat(),
                    "adds by target": round(o.value_on_target, 2),
                    "effort": o.effort,
                    "explanation": o.explanation,
                }
                for o in view.options
            ]
        ),
        hide_index=True,
        key="ask_options",
    )
    option = st.selectbox(
        "Give to schedule", [o.kind.value for o in view.options], key="ask_option_kind"
    )
    if st.button("Schedule this give", key="ask_schedule", icon=":material/event:") and run_action(
        lambda: asks.schedule_option(ws, chosen, option), success="Give planned (see Plan)"
    ):
        st.rerun()

# --- add or edit -----------------------------------------------------------------------
st.subheader("Add or edit an ask")
if select_linked("ask", "ask_pick") not in (None, *by_id):  # a link to an ask not shown
    st.session_state.pop("ask_pick", None)
pick = st.selectbox(
    "Ask",
    ["new", *by_id],
    format_func=lambda i: (
        "New ask" if i == "new" else f"#{i} {by_id[i].contact or 'audience'}: {by_id[i].title}"
    ),
    key="ask_pick",
)
current = by_id.get(pick) if pick != "new" else None
who = contact_picker(
    ws,
    "Of",
    key=f"ask_contact_{pick}",
    allow_none=AUDIENCE,
    default=current.ask.contact_id if current else None,
)
with st.form(f"ask_form_{pick}"):
    f1, f2, f3 = st.columns(3)
    kind = f1.selectbox(
        "Kind",
        KINDS,
        index=KINDS.index(current.ask.kind.value if current else "link"),
        key=f"ask_kind_{pick}",
    )
    target = f2.date_input(
        "Target date",
        value=(current.ask.target_date if current and current.ask.target_date else today),
        key=f"ask_target_{pick}",
        format="YYYY-MM-DD",
    )
    cost = f3.text_input(
        "Cost (points; empty = the weight of the kind)",
        f"{current.ask.cost:g}" if current else "",
        key=f"ask_cost_{pick}",
    )
    priority = f1.selectbox(
        "Priority",
        [1, 2, 3],
        index=(current.ask.priority - 1) if current else 1,
        format_func={1: "1 high", 2: "2 normal", 3: "3 low"}.get,
        key=f"ask_priority_{pick}",
    )
    status = f2.selectbox(
        "Status",
        STATUSES,
        index=STATUSES.index(current.ask.status.value if current else "idea"),
        key=f"ask_status_{pick}",
    )
    title = st.text_input("Title", current.ask.title if current else "", key=f"ask_title_{pick}")
    note = st.text_input("Note", current.ask.note if current else "", key=f"ask_note_{pick}")
    if st.form_submit_button("Save ask", type="primary", key=f"ask_submit_{pick}"):
        data = AskInput(
            kind=kind,
            contact=who,
            target=target,
            cost=cost,
            priority=priority,
            title=title,
            note=note,
            status=status,
        )
        saved = run_action(
            lambda: asks.add(ws, data) if current is None else asks.update(ws, pick, data),
            success="Ask saved",
        )
        if saved is not None:
            st.rerun()

# --- status ----------------------------------------------------------------------------
if views:
    st.subheader("Move an ask along")
    st.caption("Sent records the day; done logs what you received in the ledger.")
    s1, s2, s3 = st.columns([3, 1, 1])
    target_id = s1.selectbox(
        "Ask",
        list(by_id),
        format_func=lambda i: (
            f"#{i} {by_id[i].contact or 'audience'}: {by_id[i].title} ({by_id[i].ask.status.value})"
        ),
        key="ask_status_pick",
    )
    new_status = s2.selectbox(
        "New status", STATUSES, index=STATUSES.index("sent"), key="ask_new_status"
    )
    day = s3.date_input("On", value=today, key="ask_status_date", format="YYYY-MM-DD")
    if st.button("Set status", key="ask_status_button", type="primary") and run_action(
        lambda: asks.set_status(ws, target_id, new_status, day=day),
        success=f"Ask #{target_id} is {new_status}",
    ):
        st.rerun()
