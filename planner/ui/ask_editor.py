"""The Asks page's editor: pick an ask (or "New ask"), see why it is (not) ready, edit,
delete it; what a deep link (``?ask=ID``, ``?contact=ID&kind=share``) opens.

A saved new ask becomes the picked one, so a second click on "Save ask" edits it instead
of adding another; the service also returns the first of two identical new asks made
within a minute (:func:`planner.services.asks.add_once`), for a double click that reaches
the server before the page has switched.
"""

from __future__ import annotations

import streamlit as st

from planner.domain.model import AskStatus, Kind
from planner.domain.words import word
from planner.services import asks, contacts, plan_tables
from planner.services.asks import AskInput, AskView
from planner.services.workspace import Workspace
from planner.ui import plain, run_action
from planner.ui.ask_trust import trust_panel
from planner.ui.contact_picker import contact_picker
from planner.ui.links import linked, linked_id, select_linked

AUDIENCE = "— my audience —"
KINDS = [k.value for k in Kind]
STATUSES = [s.value for s in AskStatus]
#: The pick to switch to on the next run (set after a save or a delete, before the rerun).
NEXT_PICK = "ask_pick_next"
#: What a ``?contact=ID`` link pre-fills in the new ask's form.
PREFILL = "ask_prefill"
FORM_FIELDS = ("kind", "target", "cost", "priority", "status", "title", "note")


def _take_links(ws: Workspace, by_id: dict[int, AskView]) -> None:
    """Apply a pending switch and the URL's ``?ask=`` / ``?contact=`` before the picker."""
    if NEXT_PICK in st.session_state:
        st.session_state["ask_pick"] = st.session_state.pop(NEXT_PICK)
    ask = select_linked("ask", "ask_pick")
    if ask not in (None, *by_id):  # a link to an ask not shown
        st.session_state.pop("ask_pick", None)
    contact = linked_id("contact")  # with ?ask= too, it names the ask's contact: taken
    kind = linked("kind")
    if contact is None or ask is not None or contacts.name_of(ws, contact) is None:
        return
    st.session_state["ask_pick"] = "new"
    st.session_state["ask_contact_new"] = contact
    for name in FORM_FIELDS:  # the link decides what the new form shows
        st.session_state.pop(f"ask_{name}_new", None)
    if kind in KINDS:
        st.session_state[PREFILL] = {"kind": kind, "title": f"A first small ask: {word(kind)}"}


def ask_editor(ws: Workspace, by_id: dict[int, AskView]) -> None:
    """The picker, the picked ask's readiness (and the way to earn trust), its form and
    its deletion."""
    st.subheader("Add or edit an ask")
    _take_links(ws, by_id)
    choices: list[int | str] = ["new", *by_id]
    picked = st.selectbox(
        "Ask",
        choices,
        format_func=lambda i: (
            "New ask"
            if i == "new"
            else f"#{i} {by_id[int(i)].contact or 'My audience'}: {by_id[int(i)].title}"
        ),
        key="ask_pick",
    )
    pick: int | str = picked if picked is not None else "new"
    current = by_id.get(pick) if isinstance(pick, int) else None
    if current is not None:
        st.text(f"{plan_tables.readiness_words(current)}: {current.reason}")
        if current.trust_step is not None:
            trust_panel(ws, current)
    who = contact_picker(
        ws,
        "Of",
        key=f"ask_contact_{pick}",
        allow_none=AUDIENCE,
        default=current.ask.contact_id if current else None,
    )
    _ask_form(ws, pick, current, who)
    if current is not None:
        _delete(ws, current)


def _ask_form(ws: Workspace, pick: int | str, current: AskView | None, who: int | None) -> None:
    prefill: dict[str, str] = st.session_state.get(PREFILL, {}) if current is None else {}
    with st.form(f"ask_form_{pick}"):
        f1, f2, f3 = st.columns(3)
        kind = f1.selectbox(
            "Kind",
            KINDS,
            index=KINDS.index(current.ask.kind.value if current else prefill.get("kind", "link")),
            format_func=word,
            key=f"ask_kind_{pick}",
        )
        target = f2.date_input(
            "Target date",
            value=(current.ask.target_date if current and current.ask.target_date else ws.today()),
            key=f"ask_target_{pick}",
            format="YYYY-MM-DD",
        )
        cost = f3.text_input(
            "Cost (points; empty = the weight of the kind)",
            f"{current.ask.cost:g}" if current else "",
            key=f"ask_cost_{pick}",
        )
        priority = f1.selectbox(
            "Priority",
            [1, 2, 3],
            index=(current.ask.priority - 1) if current else 1,
            format_func=lambda p: plan_tables.PRIORITY_WORDS[p],
            key=f"ask_priority_{pick}",
        )
        status = f2.selectbox(
            "Status",
            STATUSES,
            index=STATUSES.index(current.ask.status.value if current else "idea"),
            format_func=word,
            key=f"ask_status_{pick}",
        )
        title = st.text_input(
            "Title",
            current.ask.title if current else prefill.get("title", ""),
            key=f"ask_title_{pick}",
        )
        note = st.text_input("Note", current.ask.note if current else "", key=f"ask_note_{pick}")
        if st.form_submit_button("Save ask", type="primary", key=f"ask_submit_{pick}"):
            data = AskInput(kind, who, target, cost, priority or 2, title, note, status)
            saved = run_action(
                lambda: (
                    asks.add_once(ws, data)
                    if current is None
                    else asks.update(ws, current.id, data)
                ),
                success="Ask saved",
            )
            if saved is not None:
                st.session_state.pop(PREFILL, None)
                st.session_state[NEXT_PICK] = saved.id  # a second click edits it
                st.rerun()


def _delete(ws: Workspace, current: AskView) -> None:
    """Delete the picked ask, once a checkbox that says what goes with it is ticked."""
    gone = asks.deletion(ws, current.id)
    sure = st.checkbox(gone.sentence, key=f"ask_delete_sure_{current.id}")
    clicked = st.button("Delete ask", key="ask_delete", disabled=not sure, icon=":material/delete:")
    if clicked and run_action(lambda: asks.delete_ask(ws, current.id)) is not None:
        st.toast(plain(f"Ask #{current.id} deleted"), icon=":material/check_circle:")
        st.session_state[NEXT_PICK] = "new"
        st.rerun()
