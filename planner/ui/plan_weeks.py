"""The Plan page's overview: the audience promotion budget and the weeks ahead."""

from __future__ import annotations

import streamlit as st

from planner.domain.words import day, word
from planner.services import plan, plan_tables
from planner.services.workspace import Workspace
from planner.ui import budget_notice, plain


def budget_panel(snap: plan.Snapshot) -> None:
    """Promotions in 30 days, the give:ask ratio and when the next promotion fits."""
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
    b3.metric("Next promotion fits", day(budget.next_free_day))
    budget_notice(budget)


def weeks_panel(ws: Workspace, n_weeks: int) -> None:
    """One expander per week (the first two open): its gives, ask targets and capacity."""
    st.subheader("Week by week")
    for i, week in enumerate(plan.calendar(ws, weeks=n_weeks)):
        label = (
            f"Week of {day(week.start)} · {len(week.gives)} give(s), {len(week.asks)} ask target(s)"
        )
        with st.expander(label, expanded=i < 2, icon=":material/calendar_month:"):
            st.dataframe(plan_tables.week_table(week), hide_index=True, key=f"plan_week_{i}")
            st.text(f"Capacity used: {week.usage()}")
            if week.over:
                st.warning(
                    plain("Over capacity: " + ", ".join(plan.SLOT_LABELS[s] for s in week.over)),
                    icon=":material/warning:",
                )


def capacity_panel(ws: Workspace) -> None:
    """Tiers against their capacity, and the contacts losing touch."""
    st.subheader("Tiers and keeping in touch")
    cap = plan.capacity(ws)
    st.dataframe(plan_tables.tiers_table(cap), hide_index=True, key="plan_tiers")
    over = [t for t in cap.tiers if t.state.over]
    if over:
        st.warning(
            plain("Over capacity: " + ", ".join(word(t.state.tier) for t in over)),
            icon=":material/group:",
        )
    touch = plan_tables.losing_touch_table(cap)
    st.text(f"Losing touch: {len(touch)} contact(s) past their tier's cadence")
    st.dataframe(touch, hide_index=True, key="plan_losing_touch")
