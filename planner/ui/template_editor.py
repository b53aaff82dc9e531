"""The Outreach page's "Templates" tab: edit, preview, save and revert a template."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from planner.errors import PlannerError
from planner.services import outreach
from planner.services.workspace import Workspace
from planner.ui import plain, run_action
from planner.ui.contact_picker import contact_picker
from planner.ui.drafts import TemplateChoices, show_message

NEW = "__new__"


def _chosen(ws: Workspace, templates: TemplateChoices) -> tuple[str, str, outreach.TemplateSource]:
    """The pick (a name or NEW), the template's name (typed when new) and its source."""
    if "tpl_pick_next" in st.session_state:
        st.session_state["tpl_pick"] = st.session_state.pop("tpl_pick_next")
    choice = st.selectbox(
        "Template to edit",
        [*templates.names, NEW],
        format_func=lambda n: "New template…" if n == NEW else templates.label(n),
        key="tpl_pick",
    )
    if choice == NEW:
        name = st.text_input(
            "Name of the new template (lower-case letters, digits, _ and -)", key="tpl_new_name"
        ).strip()
        empty = outreach.TemplateSource(
            name="", subject="", body="", html="", stored=False, builtin=False
        )
        return choice, name, empty
    source = outreach.get_template(ws, choice)
    if source.stored and source.builtin:
        st.caption("Your version: it replaces the built-in template of this name.")
    elif source.stored:
        st.caption("Your own template.")
    else:
        st.caption("Built-in template: saving stores your version; you can revert later.")
    return choice, choice, source


def _preview(ws: Workspace, name: str, parts: dict[str, str]) -> str:
    """Show the template rendered for a contact; returns the problem that stops it, if any."""
    preview_contact = contact_picker(
        ws, "Preview for", key="tpl_preview_contact", allow_none="A made-up contact (Jane Doe)"
    )
    if not name:
        return ""
    try:
        preview = outreach.preview_template(
            ws,
            name,
            subject=parts["subject"],
            body=parts["body"],
            html=parts["html"],
            contact_id=preview_contact,
        )
    except PlannerError as error:
        st.error(plain(error), icon=":material/error:")
        return str(error)
    show_message(preview)
    return ""


def _revert_button(
    ws: Workspace,
    templates: TemplateChoices,
    choice: str,
    source: outreach.TemplateSource,
    keys: dict[str, str],
) -> None:
    label = "Revert to the built-in version" if source.builtin else "Delete this template"
    if not st.button(label, key="tpl_revert", icon=":material/undo:"):
        return
    done = run_action(lambda: outreach.delete_template(ws, choice))
    if done:
        for key in keys.values():
            st.session_state.pop(key, None)
        if not source.builtin:
            first = templates.names[0]
            st.session_state["tpl_pick_next"] = first if first != choice else NEW
        st.toast(plain(done), icon=":material/check_circle:")
        st.rerun()


def template_editor_tab(ws: Workspace, templates: TemplateChoices) -> None:
    """Edit a template's subject, body and HTML with a live preview; save or revert it."""
    choice, name, source = _chosen(ws, templates)
    keys = {part: f"tpl_{part}_{choice}" for part in ("subject", "body", "html")}
    parts = {
        "subject": st.text_input("Subject", value=source.subject, key=keys["subject"]),
        "body": st.text_area("Body (plain text)", value=source.body, height=320, key=keys["body"]),
        "html": st.text_area(
            "HTML version (optional; every value is escaped)",
            value=source.html,
            height=160,
            key=keys["html"],
        ),
    }
    problem = _preview(ws, name, parts)
    e1, e2 = st.columns(2)
    if e1.button(
        "Save my version",
        type="primary",
        key="tpl_save",
        disabled=not name or bool(problem),
        icon=":material/save:",
    ):
        saved = run_action(
            lambda: outreach.save_template(ws, name, **parts),
            success=f"Saved the template {outreach.title_of(name)}",
        )
        if saved is not None:
            st.session_state["tpl_pick_next"] = saved.name
            st.rerun()
    if source.stored:
        with e2:
            _revert_button(ws, templates, choice, source, keys)
    with st.expander("Variables a template can use", icon=":material/data_object:"):
        variables = [{"variable": k, "meaning": v} for k, v in outreach.context_doc().items()]
        st.dataframe(pd.DataFrame(variables), hide_index=True, key="tpl_variables")
