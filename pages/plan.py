"""Plan: the weeks ahead, planned gives, the auto-plan's proposals, capacity and budget."""

import pandas as pd
import streamlit as st

from planner.domain.model import GiveStatus, Kind
from planner.services import gives, plan, plan_tables
from planner.services.gives import GiveInput
from planner.ui import download_csv, plain, run_action, workspace

ws = workspace()
st.title("Plan")
today = ws.today()
settings = ws.settings()
AUDIENCE = "— my audience —"
KINDS = [k.value for k in Kind]
STATUSES = [s.value for s in GiveStatus]

n_weeks = int(
    st.number_input(
        "Weeks to plan",
        min_value=1,
        max_value=plan.MAX_PLAN_WEEKS,
        value=settings.plan_weeks,
        key="plan_weeks",
    )
)
snap = plan.snapshot(ws)

# --- the audience promotion budget -------------------------------------------------------
budget = snap.budget
st.subheader("Audience promotion budget")
b1, b2, b3 = st.columns(3)
b1.metric(
    "Promotions in 30 days",
    f"{budget.promotions_30d} of {budget.max_promotions_30d}",
    help="Promotions, affiliate pitches and JVs sent to my list (ledger, my feeds, plans)",
)
b2.metric(
    "Give:ask ratio, 90 days",
    "no ask" if budget.ratio_90d is None else f"{budget.ratio_90d:.1f}:1",
    help=f"At least {budget.min_ratio:g}:1 — posts, reports and rewards per promotion",
)
b3.metric("Next promotion fits", budget.next_free_day.isoformat())
(st.success if budget.ok else st.warning)(plain(budget.explanation))

# --- the calendar ------------------------------------------------------------------------
st.subheader("Week by week")
weeks = plan.calendar(ws, weeks=n_weeks)
for i, week in enumerate(weeks):
    label = (
        f"Week of {week.start.isoformat()} · {len(week.gives)} give(s), "
        f"{len(week.asks)} ask target(s)"
    )
    with st.expander(label, expanded=i < 2, icon=":material/calendar_month:"):
        items = [
            {
                "what": "give",
                "id": g.id,
                "date": g.due_date.isoformat() if g.due_date else "",
                "contact": g.contact or "audience",
                "kind": g.kind.value,
                "title": g.title,
                "status": "overdue" if g.id in week.overdue else g.status.value,
            }
            for g in week.gives
        ] + [
            {
                "what": "ask target",
                "id": a.id,
                "date": a.target_date.isoformat(),
                "contact": a.contact or "audience",
                "kind": a.kind.value,
                "title": a.title,
                "status": a.status,
            }
            for a in week.asks
        ]
        st.dataframe(
            pd.DataFrame(
                items, columns=["what", "id", "date", "contact", "kind", "title", "status"]
            ),
            hide_index=True,
            key=f"plan_week_{i}",
        )
        st.text(f"Capacity used: {week.usage()}")
        if week.over:
            st.warning(
                plain("Over capacity: " + ", ".join(plan.SLOT_LABELS[s] for s in week.over)),
                icon=":material/warning:",
            )

# --- auto-plan -------------------------------------------------------------------------
st.subheader("Auto-plan")
st.caption(
    "Gives proposed so that every planned or sent ask is ready on its target date, within "
    "your weekly capacity (Settings). Tick the ones to plan."
)
proposal = plan.make_plan(ws, weeks=n_weeks)
if proposal.proposals:
    st.dataframe(plan_tables.plan_table(proposal), hide_index=True, key="plan_proposals")
    keys = {
        p.index: f"plan_accept_{p.proposal.ask_id}_{p.proposal.kind}_{p.proposal.week_start}"
        for p in proposal.proposals
    }
    for key in keys.values():
        st.session_state.setdefault(key, True)

    def _select_all() -> None:
        for key in keys.values():
            st.session_state[key] = st.session_state["plan_select_all"]

    st.toggle("Select all", value=True, key="plan_select_all", on_change=_select_all)
    picked = [
        p.index
        for p in proposal.proposals
        if st.checkbox(
            f"Accept {p.index}: {plain(p.title)} in the week of {p.proposal.week_start}",
            key=keys[p.index],
        )
    ]
    warnings = proposal.warnings_for(picked)
    for warning in warnings:
        st.warning(plain(warning), icon=":material/campaign:")
    force = bool(warnings) and st.checkbox(
        "Plan them anyway (break the audience budget)", key="plan_force"
    )
    if st.button(
        f"Accept {len(picked)} proposal(s)",
        type="primary",
        disabled=not picked,
        key="plan_accept_button",
    ):
        done = run_action(
            lambda: plan.apply_plan(ws, proposal, picked, allow_budget_break=force),
            success=f"Planned {len(picked)} give(s)",
        )
        if done is not None:
            st.rerun()
    download_csv(
        plan_tables.plan_table(proposal), "plan.csv", key="dl_plan", label="Download plan CSV"
    )
else:
    st.text("Nothing to propose: every planned or sent ask is ready in time, or unreachable.")
if proposal.already_ready:
    st.caption(f"Already projected ready: {len(proposal.already_ready)} ask(s).")
if proposal.unreachable:
    st.text("Asks the plan cannot make ready:")
    st.dataframe(plan_tables.unreachable_table(proposal), hide_index=True, key="plan_unreachable")

# --- add or edit a give ----------------------------------------------------------------
st.subheader("Gives")
all_gives = gives.list_gives(ws)
people = sorted((c for c in snap.contacts.values() if not c.archived), key=lambda c: c.name.lower())
choices = [AUDIENCE, *(c.name for c in people)]
by_id = {g.id: g for g in all_gives}
pick = st.selectbox(
    "Add or edit",
    ["new", *by_id],
    format_func=lambda i: "New give" if i == "new" else by_id[i].label,
    key="give_pick",
)
current = by_id.get(pick) if pick != "new" else None
with st.form(f"give_form_{pick}"):
    f1, f2, f3 = st.columns(3)
    options = list(choices)
    who_default = (current.contact or AUDIENCE) if current else options[min(1, len(people))]
    if who_default not in options:  # an archived contact
        options.insert(1, who_default)
    who = f1.selectbox("For", options, index=options.index(who_default), key=f"give_contact_{pick}")
    kind = f2.selectbox(
        "Kind",
        KINDS,
        index=KINDS.index(current.kind.value if current else "mention"),
        key=f"give_kind_{pick}",
    )
    due = f3.date_input(
        "Due",
        value=(current.due_date if current and current.due_date else today),
        key=f"give_due_{pick}",
        format="YYYY-MM-DD",
    )
    title = f1.text_input("Title", current.title if current else "", key=f"give_title_{pick}")
    channel = f2.text_input(
        "Channel", current.channel if current else "", key=f"give_channel_{pick}"
    )
    status = f3.selectbox(
        "Status",
        STATUSES,
        index=STATUSES.index(current.status.value if current else "planned"),
        key=f"give_status_{pick}",
    )
    note = st.text_input("Note", current.note if current else "", key=f"give_note_{pick}")
    if st.form_submit_button("Save give", type="primary", key=f"give_submit_{pick}"):
        data = GiveInput(
            kind=kind,
            contact=None if who == AUDIENCE else who,
            due=due,
            title=title,
            channel=channel,
            note=note,
            status=status,
        )
        saved = run_action(
            lambda: gives.add(ws, data) if current is None else gives.update(ws, pick, data),
            success="Give saved",
        )
        if saved is not None:
            st.rerun()

if all_gives:
    s1, s2 = st.columns([3, 1])
    # open gives first (by due date), then done and dropped ones
    order = sorted(all_gives, key=lambda g: g.status in (GiveStatus.DONE, GiveStatus.DROPPED))
    target = s1.selectbox(
        "Give",
        [g.id for g in order],
        format_func=lambda i: by_id[i].label,
        key="give_status_pick",
    )
    done_day = s2.date_input("Done on", value=today, key="give_done_date", format="YYYY-MM-DD")
    actions = {
        "done": ("Mark done", ":material/check:", lambda: gives.done(ws, target, day=done_day)),
        "drop": (
            "Drop",
            ":material/close:",
            lambda: gives.set_status(ws, target, GiveStatus.DROPPED),
        ),
        "reopen": ("Reopen", ":material/undo:", lambda: gives.reopen(ws, target)),
    }
    for column, (name, (label, icon, action)) in zip(st.columns(3), actions.items(), strict=True):
        if column.button(label, key=f"give_{name}", icon=icon) and run_action(
            action, success=f"Give #{target}: {name}"
        ):
            st.rerun()
    download_csv(
        plan_tables.gives_table(all_gives), "gives.csv", key="dl_gives", label="Download gives CSV"
    )

# --- capacity and keeping in touch ----------------------------------------------------
st.subheader("Tiers and keeping in touch")
cap = plan.capacity(ws)
st.dataframe(
    pd.DataFrame(
        [
            {
                "tier": t.state.tier.value,
                "contacts": t.state.count,
                "capacity": t.state.capacity,
                "over by": t.state.over_by,
                "move down": ", ".join(t.move_down),
            }
            for t in cap.tiers
        ],
        columns=["tier", "contacts", "capacity", "over by", "move down"],
    ),
    hide_index=True,
    key="plan_tiers",
)
over = [t for t in cap.tiers if t.state.over]
if over:
    st.warning(
        plain("Over capacity: " + ", ".join(t.state.tier.value for t in over)),
        icon=":material/group:",
    )
touch = pd.DataFrame(
    [
        {
            "contact": t.contact,
            "tier": t.tier,
            "days since": t.gap.days_since,
            "every (days)": t.gap.cadence,
        }
        for t in cap.losing_touch
    ],
    columns=["contact", "tier", "days since", "every (days)"],
)
st.text(f"Losing touch: {len(touch)} contact(s) past their tier's cadence")
st.dataframe(touch, hide_index=True, key="plan_losing_touch")
