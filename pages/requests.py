"""Requests: what contacts ask of me, and whether to say yes, later or no."""

import streamlit as st

from planner.domain.model import Kind, RequestStatus
from planner.domain.words import day, word
from planner.services import help_requests, plan, plan_tables
from planner.services.help_requests import RequestInput
from planner.ui import budget_notice, download_csv, plain, run_action, workspace
from planner.ui.links import open_page, select_linked
from planner.ui.mail_history import request_messages
from planner.ui.request_editor import NEXT_PICK, request_editor

ws = workspace()
st.title("Requests")
today = ws.today()
KINDS = [k.value for k in Kind]
WIDE = {
    "Why": st.column_config.TextColumn("Why", width="large"),
    "Title": st.column_config.TextColumn("Title", width="medium"),
    "#": st.column_config.NumberColumn("#", width="small", pinned=True),
    "From": st.column_config.TextColumn("From", pinned=True),  # stays while scrolling to Why
}

snap = plan.snapshot(ws)
people = sorted((c for c in snap.contacts.values() if not c.archived), key=lambda c: c.name.lower())

with (
    st.expander("Record a request", icon=":material/add_circle:", expanded=not snap.requests),
    st.form("add_request", clear_on_submit=True),
):
    if not people:
        st.caption("Add the contact on the Contacts page first.")
    r1, r2, r3 = st.columns(3)
    who = r1.selectbox("From", [c.name for c in people], key="request_contact")
    kind = r2.selectbox(
        "They ask for", KINDS, index=KINDS.index("promotion"), format_func=word, key="request_kind"
    )
    received = r3.date_input("Received", value=today, key="request_date", format="YYYY-MM-DD")
    title = st.text_input("What they ask", key="request_title")
    note = st.text_input("Note", key="request_note")
    if st.form_submit_button("Record", type="primary", key="request_submit"):
        data = RequestInput(
            contact=who or "", kind=kind, received_on=received, title=title, note=note
        )
        added = run_action(lambda: help_requests.add_once(ws, data), success="Request recorded")
        if added is not None:
            st.session_state[NEXT_PICK] = added.id  # a second click finds it recorded
            st.rerun()

views = help_requests.review_from(snap)
if not views:
    st.info("No requests yet.", icon=":material/info:")
    st.stop()

st.dataframe(
    plan_tables.requests_shown(views), hide_index=True, column_config=WIDE, key="requests_table"
)
download_csv(plan_tables.requests_table(views), "requests.csv", key="dl_requests")

# --- the decision helper ---------------------------------------------------------------
st.subheader("Decide")
by_id = {v.id: v for v in views}
if NEXT_PICK in st.session_state:
    st.session_state["request_pick"] = st.session_state.pop(NEXT_PICK)
select_linked("request", "request_pick")
if st.session_state.get("request_pick") not in by_id:
    st.session_state.pop("request_pick", None)
chosen = st.selectbox(
    "Request", list(by_id), format_func=lambda i: by_id[i].label, key="request_pick"
)
view = by_id[chosen]
flash = st.session_state.pop("request_flash", None)
if flash is not None:
    st.success(plain(flash[0]), icon=":material/check_circle:")
    for warning in flash[1]:
        st.warning(plain(warning), icon=":material/campaign:")
ratio = view.summary.reciprocity_ratio
m = st.columns(4)
m[0].metric("Balance", f"{view.balance:+.1f}", help="+: they owe me; −: I owe them")
m[1].metric("Do I owe them?", view.owe)
m[2].metric(
    "Reciprocity",
    "—" if ratio is None else f"{ratio:.2f}",
    help="Lifetime received ÷ lifetime given (undecayed)",
)
m[3].metric("One-sided", "yes" if view.one_sided else "no")
if view.budget is not None:
    budget_notice(view.budget)
advice = view.advice  # open requests only: a decided one shows its decision
if advice is not None:
    verdict = {"yes": st.success, "later": st.info, "decline": st.warning}[advice.recommendation]
    said = plan_tables.RECOMMENDATION_WORDS[advice.recommendation]
    verdict(plain(f"Recommendation: {said} — {advice.reason}"))
else:
    st.info(plain(f"{word(view.request.status)}: {view.request.decision}"), icon=":material/gavel:")
request_messages(ws, chosen)  # their mail about it and my answers

week = st.date_input(
    "Week to do it in (for accept)",
    value=(advice.suggested_week if advice else None) or today,
    key=f"request_week_{chosen}",
    format="YYYY-MM-DD",
)
a1, a2, a3, a4 = st.columns(4)
accepted_already = view.request.status == RequestStatus.ACCEPTED
if a1.button(
    "Accept",
    key="request_accept",
    type="primary",
    icon=":material/check:",
    disabled=accepted_already,  # a second click plans no second give
):
    accepted = run_action(lambda: help_requests.accept(ws, chosen, week=week))
    if accepted is not None:
        # shown after the rerun, next to the updated tables
        st.session_state["request_flash"] = (
            f"Accepted: give #{accepted.give.id} planned for "
            f"{day(accepted.give.due_date)} (see Plan)",
            list(accepted.warnings),
        )
        st.rerun()
if a2.button("Later", key="request_later", icon=":material/schedule:") and run_action(
    lambda: help_requests.later(ws, chosen), success="Marked for later"
):
    st.rerun()
if a3.button("Decline", key="request_decline", icon=":material/close:") and run_action(
    lambda: help_requests.decline(ws, chosen), success="Declined"
):
    st.rerun()
if (
    view.request.status != RequestStatus.OPEN
    and a4.button("Reopen", key="request_reopen", icon=":material/undo:")
    and run_action(lambda: help_requests.reopen(ws, chosen), success="Reopened")
):
    st.rerun()

declining = (advice is not None and advice.template == "decline_request") or (
    view.request.status == RequestStatus.DECLINED
)
if declining and st.button("Draft the graceful decline", key="request_draft_decline"):
    open_page(
        "outreach", contact=view.request.contact_id, template="decline_request", request=chosen
    )

request_editor(ws, view)
