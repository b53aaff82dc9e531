"""Outreach: a draft for one contact (preview, .eml, mailto), drafts for many as a zip, and
the template editor. Messages are shown with st.code / st.text only: names and titles
come from feeds and files, so they are never rendered as markdown."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from planner.domain.model import Tier
from planner.errors import PlannerError
from planner.services import contacts, outreach
from planner.ui import plain, run_action, workspace

ws = workspace()
st.title("Outreach")

templates = outreach.list_templates(ws)
by_name = {t.name: t for t in templates}
NAMES = list(by_name)
people = contacts.list_contacts(ws)
names = {c.id: c.name for c in people}
TIERS = [t.value for t in Tier]


def template_label(name: str) -> str:
    t = by_name.get(name)
    if t is None:
        return name
    return f"{name} (yours)" if t.stored else name


def show_message(draft: object) -> None:
    """Subject and text of a draft or preview, shown literally."""
    st.text("Subject")
    st.code(getattr(draft, "subject", ""), language=None, wrap_lines=True)
    st.text("Message")
    st.code(getattr(draft, "text", ""), language=None, wrap_lines=True)
    html = getattr(draft, "html", None)
    if html:
        with st.expander("HTML version (source)", icon=":material/code:"):
            st.code(html, language="html", wrap_lines=True)


def pick(label: str, options: list[tuple[int, str]], key: str) -> int | None:
    labels = dict(options)
    return st.selectbox(
        label,
        [None, *labels],
        format_func=lambda i: "— none —" if i is None else labels[i],
        key=key,
    )


tab_one, tab_many, tab_edit = st.tabs(["One draft", "Many drafts", "Templates"])

# --- one draft ------------------------------------------------------------------------
with tab_one:
    if not people:
        st.info("Add a contact first (Contacts page): drafts are written to someone.")
    else:
        # A "Draft" button elsewhere (dashboard next moves, requests) hands over its choice;
        # dropping the widgets' state lets the new defaults take effect.
        wanted_template = st.session_state.pop("outreach_template", None)
        wanted_contact = st.session_state.pop("outreach_contact_id", None)
        if wanted_template in NAMES:
            st.session_state.pop("draft_template", None)
        if wanted_contact in names:
            st.session_state.pop("draft_contact", None)
        default_template = wanted_template if wanted_template in NAMES else "featured_you"
        contact_ids = list(names)
        c1, c2 = st.columns(2)
        template = c1.selectbox(
            "Template",
            NAMES,
            index=NAMES.index(default_template) if default_template in NAMES else 0,
            format_func=template_label,
            key="draft_template",
        )
        contact_id = c2.selectbox(
            "Contact",
            contact_ids,
            index=contact_ids.index(wanted_contact) if wanted_contact in names else 0,
            format_func=lambda i: names[i],
            key="draft_contact",
        )
        st.caption(plain(by_name[template].description))
        c3, c4, c5 = st.columns(3)
        with c3:
            ask_id = pick(
                "About my ask", outreach.asks_for(ws, contact_id), f"draft_ask_{contact_id}"
            )
        with c4:
            request_id = pick(
                "Answering their request",
                outreach.requests_for(ws, contact_id),
                f"draft_request_{contact_id}",
            )
        with c5:
            give_id = pick(
                "About a planned give",
                outreach.gives_for(ws, contact_id),
                f"draft_give_{contact_id}",
            )
        reason = ""
        if ask_id is not None:
            reason = st.text_input(
                "Why you are asking, in words for them (goes into the message)",
                key="draft_reason",
                placeholder="It goes live in two weeks, and a few early readers would help.",
            )
        draft = run_action(
            lambda: outreach.render_draft(
                ws,
                template,
                contact_id,
                ask_id=ask_id,
                request_id=request_id,
                give_id=give_id,
                ask_reason=reason,
            )
        )
        if draft is not None:
            if draft.has_email:
                st.text(f"To: {draft.contact_name} <{draft.to_addr}>")
            else:
                st.warning(
                    "No e-mail address on file for this contact: the draft has no recipient. "
                    "Add it in your mail app, or on the Contacts page.",
                    icon=":material/warning:",
                )
            show_message(draft)
            b1, b2 = st.columns(2)
            b1.download_button(
                "Download .eml draft",
                data=draft.eml,
                file_name=draft.filename,
                mime="message/rfc822",
                key="draft_download",
                icon=":material/download:",
            )
            link = outreach.mailto(draft)
            if link:
                b2.link_button("Open in my mail app", link, icon=":material/mail:")
            else:
                b2.caption("Too long for a mailto: link: download the .eml draft instead.")

# --- many drafts ----------------------------------------------------------------------
MODES = {
    "tier": "Every contact of a tier",
    "ready": "One per ready ask",
    "featured": "Everyone I featured since a date",
}
DEFAULT_TEMPLATE = {"tier": "help_offer", "ready": "ask_share", "featured": "featured_you"}
with tab_many:
    mode = st.radio(
        "Who", list(MODES), format_func=MODES.__getitem__, horizontal=True, key="batch_mode"
    )
    if mode == "tier":
        tier = st.selectbox("Tier", TIERS, key="batch_tier")
        recipients = outreach.select_tier(ws, tier)
        signature: tuple[object, ...] = (mode, tier)
    elif mode == "ready":
        ready = outreach.ready_asks(ws)
        recipients = outreach.select_ready_asks(ws)
        signature = (mode,)
        if ready:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "ask": a.ask_id,
                            "contact": a.contact,
                            "kind": a.kind,
                            "title": a.title,
                            "target": a.target_date,
                            "why ready": a.reason,
                        }
                        for a in ready
                    ]
                ),
                hide_index=True,
                key="batch_ready_table",
            )
    else:
        since = st.date_input(
            "Featured, interviewed, mentioned or linked since",
            value=ws.today() - timedelta(days=30),
            key="batch_since",
            format="YYYY-MM-DD",
        )
        recipients = outreach.select_featured_since(ws, since)
        signature = (mode, since)
    default = DEFAULT_TEMPLATE[mode]
    batch_template = st.selectbox(
        "Template",
        NAMES,
        index=NAMES.index(default) if default in NAMES else 0,
        format_func=template_label,
        key=f"batch_template_{mode}",
    )
    batch_reason = ""
    if mode == "ready":
        batch_reason = st.text_input(
            "Why you are asking, in words for them (the same for every message; may be empty)",
            key="batch_reason",
        )
    signature = (*signature, batch_template, batch_reason)
    st.caption(f"{len(recipients)} contact(s) selected")
    if recipients:
        chosen = [names.get(r.contact_id, "") for r in recipients]
        st.dataframe(pd.DataFrame({"contact": chosen}), hide_index=True, key="batch_recipients")
    if st.button(
        "Make the drafts", key="batch_make", disabled=not recipients, icon=":material/drafts:"
    ):
        made = run_action(
            lambda: outreach.drafts_zip(ws, batch_template, recipients, ask_reason=batch_reason)
        )
        if made is not None:
            st.session_state["batch_result"] = (signature, made)
    stored = st.session_state.get("batch_result")
    if stored and stored[0] == signature:
        made = stored[1]
        st.text(made.describe())
        if made.drafts:
            st.download_button(
                "Download the drafts (.zip)",
                data=made.zip,
                file_name=f"drafts-{batch_template}-{ws.today().isoformat()}.zip",
                mime="application/zip",
                key="batch_download",
                icon=":material/download:",
            )

# --- template editor ------------------------------------------------------------------
NEW = "__new__"
with tab_edit:
    if "tpl_pick_next" in st.session_state:
        st.session_state["tpl_pick"] = st.session_state.pop("tpl_pick_next")
    choice = st.selectbox(
        "Template to edit",
        [*NAMES, NEW],
        format_func=lambda n: "New template…" if n == NEW else template_label(n),
        key="tpl_pick",
    )
    if choice == NEW:
        name = st.text_input(
            "Name of the new template (lower-case letters, digits, _ and -)", key="tpl_new_name"
        ).strip()
        source = outreach.TemplateSource(
            name="", subject="", body="", html="", stored=False, builtin=False
        )
    else:
        name = choice
        source = outreach.get_template(ws, choice)
        if source.stored and source.builtin:
            st.caption("Your version: it replaces the built-in template of this name.")
        elif source.stored:
            st.caption("Your own template.")
        else:
            st.caption("Built-in template: saving stores your version; you can revert later.")
    keys = {part: f"tpl_{part}_{choice}" for part in ("subject", "body", "html")}
    subject = st.text_input("Subject", value=source.subject, key=keys["subject"])
    body = st.text_area("Body (plain text)", value=source.body, height=320, key=keys["body"])
    html = st.text_area(
        "HTML version (optional; every value is escaped)",
        value=source.html,
        height=160,
        key=keys["html"],
    )
    preview_contact = st.selectbox(
        "Preview for",
        [None, *names],
        format_func=lambda i: "A made-up contact (Jane Doe)" if i is None else names[i],
        key="tpl_preview_contact",
    )
    problem = ""
    if name:
        try:
            preview = outreach.preview_template(
                ws, name, subject=subject, body=body, html=html, contact_id=preview_contact
            )
        except PlannerError as error:
            problem = str(error)
            st.error(plain(problem), icon=":material/error:")
        else:
            show_message(preview)
    e1, e2 = st.columns(2)
    if e1.button(
        "Save my version",
        type="primary",
        key="tpl_save",
        disabled=not name or bool(problem),
        icon=":material/save:",
    ):
        saved = run_action(
            lambda: outreach.save_template(ws, name, subject=subject, body=body, html=html),
            success=f"Saved template {name}",
        )
        if saved is not None:
            st.session_state["tpl_pick_next"] = saved.name
            st.rerun()
    if source.stored:
        label = "Revert to the built-in version" if source.builtin else "Delete this template"
        if e2.button(label, key="tpl_revert", icon=":material/undo:"):
            done = run_action(lambda: outreach.delete_template(ws, choice))
            if done:
                for key in keys.values():
                    st.session_state.pop(key, None)
                if not source.builtin:
                    st.session_state["tpl_pick_next"] = NAMES[0] if NAMES[0] != choice else NEW
                st.toast(plain(done), icon=":material/check_circle:")
                st.rerun()
    with st.expander("Variables a template can use", icon=":material/data_object:"):
        st.dataframe(
            pd.DataFrame(
                [{"variable": k, "meaning": v} for k, v in outreach.context_doc().items()]
            ),
            hide_index=True,
            key="tpl_variables",
        )
