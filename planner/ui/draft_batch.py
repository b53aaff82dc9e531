"""The Outreach page's "Many drafts" tab: choose recipients, make a zip of drafts, send
or queue them (planner/ui/outbox.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from planner.domain.model import Tier
from planner.domain.words import day, word
from planner.services import contacts, outreach
from planner.services.workspace import Workspace
from planner.ui import run_action
from planner.ui.drafts import TemplateChoices
from planner.ui.outbox import batch_buttons

MODES = {
    "tier": "Every contact of a tier",
    "ready": "One per ready ask",
    "featured": "Everyone I featured since a date",
}
DEFAULT_TEMPLATE = {"tier": "help_offer", "ready": "ask_share", "featured": "featured_you"}
TIERS = [t.value for t in Tier]


def _ready_asks_table(ws: Workspace) -> None:
    ready = outreach.ready_asks(ws)
    if not ready:
        return
    rows = [
        {
            "Ask": a.ask_id,
            "Contact": a.contact,
            "Kind": word(a.kind),
            "Title": a.title,
            "Target": day(a.target_date),
            "Why ready": a.reason,
        }
        for a in ready
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="batch_ready_table")


def _recipients(ws: Workspace, mode: str) -> tuple[list[outreach.Recipient], tuple[object, ...]]:
    """Who gets a draft in this mode, and what the choice was (to match a made batch)."""
    if mode == "tier":
        tier = st.selectbox("Tier", TIERS, format_func=word, key="batch_tier")
        return outreach.select_tier(ws, tier), (mode, tier)
    if mode == "ready":
        recipients = outreach.select_ready_asks(ws)
        _ready_asks_table(ws)
        return recipients, (mode,)
    since: date = st.date_input(
        "Featured, interviewed, mentioned or linked since",
        value=ws.today() - timedelta(days=30),
        key="batch_since",
        format="YYYY-MM-DD",
    )
    return outreach.select_featured_since(ws, since), (mode, since)


def _made_batch(
    ws: Workspace,
    signature: tuple[object, ...],
    template: str,
    recipients: list[outreach.Recipient],
) -> None:
    """The batch made for this very choice, if any: its summary, the zip, and sending."""
    stored = st.session_state.get("batch_result")
    if not stored or stored[0] != signature:
        return
    made = stored[1]
    st.text(made.describe())
    if made.drafts:
        st.download_button(
            "Download the drafts (.zip)",
            data=made.zip,
            file_name=f"drafts-{template}-{ws.today().isoformat()}.zip",
            mime="application/zip",
            key="batch_download",
            icon=":material/download:",
        )
        batch_buttons(ws, made, recipients)


def many_drafts_tab(ws: Workspace, templates: TemplateChoices) -> None:
    """Choose recipients by tier, ready ask or featured date; make and download the zip."""
    mode = st.radio(
        "Who", list(MODES), format_func=MODES.__getitem__, horizontal=True, key="batch_mode"
    )
    recipients, signature = _recipients(ws, mode)
    template = st.selectbox(
        "Template",
        templates.names,
        index=templates.index_of(DEFAULT_TEMPLATE[mode]),
        format_func=templates.label,
        key=f"batch_template_{mode}",
    )
    reason = ""
    if mode == "ready":
        reason = st.text_input(
            "Why you are asking, in words for them (the same for every message; may be empty)",
            key="batch_reason",
        )
    signature = (*signature, template, reason)
    st.caption(f"{len(recipients)} contact(s) selected")
    if recipients:
        chosen = [c.name for c in contacts.choices_for_ids(ws, [r.contact_id for r in recipients])]
        st.dataframe(pd.DataFrame({"contact": chosen}), hide_index=True, key="batch_recipients")
    if st.button(
        "Make the drafts", key="batch_make", disabled=not recipients, icon=":material/drafts:"
    ):
        made = run_action(lambda: outreach.drafts_zip(ws, template, recipients, ask_reason=reason))
        if made is not None:
            st.session_state["batch_result"] = (signature, made)
    _made_batch(ws, signature, template, recipients)
