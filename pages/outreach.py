"""Outreach: a draft for one contact (preview, .eml, mailto, send), drafts for many as a zip
(or sent), the outbox with reading the mailbox, and the template editor. Messages are
shown with st.code / st.text only: names and titles come from feeds and files, so they
are never rendered as markdown."""

import streamlit as st

from planner.ui import workspace
from planner.ui.draft_batch import many_drafts_tab
from planner.ui.draft_one import one_draft_tab
from planner.ui.drafts import TemplateChoices
from planner.ui.outbox import outbox_tab, show_results
from planner.ui.template_editor import template_editor_tab

ws = workspace()
st.title("Outreach")
show_results()  # what the last send, queue or read did (kept across its rerun)

templates = TemplateChoices.load(ws)

tab_one, tab_many, tab_outbox, tab_edit = st.tabs(
    ["One draft", "Many drafts", "Outbox", "Templates"]
)
with tab_one:
    one_draft_tab(ws, templates)
with tab_many:
    many_drafts_tab(ws, templates)
with tab_outbox:
    outbox_tab(ws)
with tab_edit:
    template_editor_tab(ws, templates)
