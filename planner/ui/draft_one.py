"""The Outreach page's "One draft" tab: a draft for one contact, as .eml or a mailto link,
or sent (or queued) through the mail account (planner/ui/outbox.py).

A link can choose what the draft is: ``?contact=ID``, ``?template=NAME``, ``?ask=ID``,
``?request=ID`` (planner/ui/links.py; an ask or request alone selects its contact too).
A draft of an ask that is not ready says why and
waits for "Draft anyway"."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from planner.services import contacts, outreach
from planner.services.workspace import Workspace
from planner.ui import plain, run_action
from planner.ui.contact_picker import contact_picker
from planner.ui.drafts import TemplateChoices, pick, show_message
from planner.ui.links import linked, linked_id
from planner.ui.outbox import KEEP, send_buttons

#: The template a first draft starts with.
_DEFAULT = "featured_you"


@dataclass(frozen=True)
class _Wanted:
    """What a link or another page chose for the draft (each may be None)."""

    template: str | None
    contact: int | None
    ask: int | None
    request: int | None


def _wanted(ws: Workspace) -> _Wanted:
    """Take the choice from the URL (once)."""
    template = linked("template")
    ask, request = linked_id("ask"), linked_id("request")
    contact = linked_id("contact")
    if contact is None:
        contact = outreach.owner_of(ws, ask_id=ask, request_id=request)
    return _Wanted(template, contact, ask, request)


def _handed_over(ws: Workspace, templates: TemplateChoices) -> None:
    """Make what a link or a "Draft" button elsewhere chose the pickers' choices, in
    session state before they are drawn: a rerun that interrupts this one (the URL is
    taken once) still finds them there. After a send, the choices it was made with."""
    for key, value in st.session_state.pop(KEEP, {}).items():
        st.session_state[key] = value
    wanted = _wanted(ws)
    if wanted.template in templates.by_name:
        st.session_state["draft_template"] = wanted.template
    elif st.session_state.get("draft_template") not in templates.by_name:
        st.session_state["draft_template"] = templates.names[templates.index_of(_DEFAULT)]
    cid = wanted.contact
    if cid is not None and contacts.name_of(ws, cid) is not None:
        st.session_state["draft_contact"] = cid
        if wanted.ask in dict(outreach.asks_for(ws, cid)):
            st.session_state[f"draft_ask_{cid}"] = wanted.ask
        if wanted.request in dict(outreach.requests_for(ws, cid)):
            st.session_state[f"draft_request_{cid}"] = wanted.request


def _about(ws: Workspace, contact_id: int) -> tuple[int | None, int | None, int | None, str]:
    """What the draft is about: an ask of mine, a request of theirs, a planned give."""
    c3, c4, c5 = st.columns(3)
    with c3:
        ask_id = pick("About my ask", outreach.asks_for(ws, contact_id), f"draft_ask_{contact_id}")
    with c4:
        request_id = pick(
            "Answering their request",
            outreach.requests_for(ws, contact_id),
            f"draft_request_{contact_id}",
        )
    with c5:
        give_id = pick(
            "About a planned give", outreach.gives_for(ws, contact_id), f"draft_give_{contact_id}"
        )
    reason = ""
    if ask_id is not None:
        reason = st.text_input(
            "Why you are asking, in words for them (goes into the message)",
            key="draft_reason",
            placeholder="It goes live in two weeks, and a few early readers would help.",
        )
    return ask_id, request_id, give_id, reason


def _anyway(ws: Workspace, ask_id: int | None) -> bool | None:
    """True to draft an ask that is not ready, False when it is ready (or no ask), None
    to wait: the ask is not ready and "Draft anyway" is not ticked."""
    why = run_action(lambda: outreach.not_ready_reason(ws, ask_id) or "")
    if not why:
        return False
    st.warning(
        f"This ask is not ready: {plain(why)}. Give first; a draft now asks before "
        "the goodwill is there.",
        icon=":material/front_hand:",
    )
    if st.checkbox("Draft anyway", key=f"draft_anyway_{ask_id}"):
        return True
    return None


def _show_draft(draft: outreach.Draft) -> None:
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


def one_draft_tab(ws: Workspace, templates: TemplateChoices) -> None:
    """Pick a template and a contact (and what it is about), see and take the draft."""
    if not contacts.count_active(ws):
        st.info("Add a contact first (Contacts page): drafts are written to someone.")
        return
    _handed_over(ws, templates)
    c1, c2 = st.columns(2)
    template = c1.selectbox(
        "Template", templates.names, format_func=templates.label, key="draft_template"
    )
    with c2:
        contact_id = contact_picker(ws, "Contact", key="draft_contact")
    if contact_id is None:
        return
    st.caption(plain(templates.by_name[template].description))
    ask_id, request_id, give_id, reason = _about(ws, contact_id)
    anyway = _anyway(ws, ask_id)
    if anyway is None:
        return
    draft = run_action(
        lambda: outreach.render_draft(
            ws,
            template,
            contact_id,
            ask_id=ask_id,
            request_id=request_id,
            give_id=give_id,
            ask_reason=reason,
            anyway=anyway,
        )
    )
    if draft is not None:
        _show_draft(draft)
        send_buttons(
            ws, draft, ask_id=ask_id, request_id=request_id, give_id=give_id, anyway=anyway
        )
