"""The Plan page's auto-plan: proposed gives to tick and accept, with budget warnings."""

from __future__ import annotations

import streamlit as st

from planner.domain.words import day
from planner.services import plan, plan_tables
from planner.services.workspace import Workspace
from planner.ui import download_csv, plain, run_action


def _ticked(proposal: plan.PlanView) -> list[int]:
    """One box per proposal (all ticked at first, "Select all" toggles them); the ticked."""
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
    return [
        p.index
        for p in proposal.proposals
        if st.checkbox(
            f"Accept {p.index}: {plain(p.title)} in the week of {day(p.proposal.week_start)}",
            key=keys[p.index],
        )
    ]


def _proposals(ws: Workspace, proposal: plan.PlanView) -> None:
    st.dataframe(
        plan_tables.plan_shown(proposal),
        hide_index=True,
        column_config={"Why": st.column_config.TextColumn("Why", width="large")},
        key="plan_proposals",
    )
    picked = _ticked(proposal)
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


def auto_plan_panel(ws: Workspace, n_weeks: int) -> None:
    """Proposals that make every planned or sent ask ready in time, within capacity."""
    st.subheader("Auto-plan")
    st.caption(
        "Gives proposed so that every planned or sent ask is ready on its target date, within "
        "your weekly capacity (Settings). Tick the ones to plan."
    )
    proposal = plan.make_plan(ws, weeks=n_weeks)
    if proposal.proposals:
        _proposals(ws, proposal)
    else:
        st.text("Nothing to propose: every planned or sent ask is ready in time, or unreachable.")
    if proposal.already_ready:
        st.caption(f"Already projected ready: {len(proposal.already_ready)} ask(s).")
    if proposal.unreachable:
        st.text("Asks the plan cannot make ready:")
        st.dataframe(
            plan_tables.unreachable_table(proposal),
            hide_index=True,
            column_config={"Why": st.column_config.TextColumn("Why", width="large")},
            key="plan_unreachable",
        )
