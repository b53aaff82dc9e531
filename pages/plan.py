"""Plan: the weeks ahead, planned gives, the auto-plan's proposals, capacity and budget."""

import streamlit as st

from planner.services import plan
from planner.ui import workspace
from planner.ui.auto_plan import auto_plan_panel
from planner.ui.give_editor import gives_panel
from planner.ui.plan_weeks import budget_panel, capacity_panel, weeks_panel

ws = workspace()
st.title("Plan")
settings = ws.settings()

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

budget_panel(snap)
weeks_panel(ws, n_weeks)
auto_plan_panel(ws, n_weeks)
gives_panel(ws, snap)
capacity_panel(ws)
