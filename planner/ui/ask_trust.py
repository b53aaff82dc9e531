"""An ask that needs trust: what earns it, and the small steps that do (a first give, a
thank-you, a first small ask), each one click away."""

from __future__ import annotations

import streamlit as st

from planner.domain.words import word
from planner.services import asks
from planner.services.asks import AskView
from planner.services.workspace import Workspace
from planner.ui import plain, run_action
from planner.ui.links import open_page


def trust_panel(ws: Workspace, view: AskView) -> None:
    """The explanation and three buttons for ``view`` (an ask in state needs_trust)."""
    step = view.trust_step
    contact_id = view.ask.contact_id
    if step is None or contact_id is None:
        return
    st.info(plain(step.explanation), icon=":material/handshake:")
    b1, b2, b3 = st.columns(3)
    if b1.button(
        f"Plan a small first give ({word(step.first_give).lower()})",
        key="ask_trust_give",
        icon=":material/volunteer_activism:",
    ):
        give = run_action(lambda: asks.plan_first_give(ws, view.id))
        if give is not None:
            st.toast(
                plain(f"Give #{give.id} planned for today (see Plan)"), icon=":material/event:"
            )
            st.rerun()  # stay: a thank-you or a first small ask may follow
    if b2.button("Draft a thank-you", key="ask_trust_message", icon=":material/mail:"):
        open_page("outreach", contact=contact_id, template=step.template, ask=view.id)
    if b3.button(
        f"Add a first small ask ({word(step.small_ask).lower()})",
        key="ask_trust_small_ask",
        icon=":material/add_comment:",
    ):
        open_page("asks", contact=contact_id, kind=step.small_ask.value)
