"""The Plan page's gives: add or edit a planned give, mark one done, drop or reopen it."""

from __future__ import annotations

import streamlit as st

from planner.domain.model import GiveStatus, Kind
from planner.domain.words import word
from planner.services import gives, plan, plan_tables
from planner.services.gives import GiveInput
from planner.services.workspace import Workspace
from planner.ui import download_csv, plain, run_action
from planner.ui.links import linked_id, select_linked

AUDIENCE = "— my audience —"
KINDS = [k.value for k in Kind]
STATUSES = [s.value for s in GiveStatus]
#: The pick to switch to on the next run (set after a save or a delete, before the rerun).
NEXT_PICK = "give_pick_next"
#: The contact a ``?contact=ID`` link chose for the new give.
PREFILL = "give_prefill_contact"


def _give_form(
    ws: Workspace, pick: int | str, current: gives.GiveView | None, people: list[str]
) -> None:
    """The form for a new give (``pick`` "new") or the picked one."""
    with st.form(f"give_form_{pick}"):
        f1, f2, f3 = st.columns(3)
        options = [AUDIENCE, *people]
        who_default = (current.contact or AUDIENCE) if current else options[min(1, len(people))]
        if current is None and st.session_state.get(PREFILL) in people:
            who_default = st.session_state[PREFILL]
        if who_default not in options:  # an archived contact
            options.insert(1, who_default)
        who = f1.selectbox(
            "For", options, index=options.index(who_default), key=f"give_contact_{pick}"
        )
        kind = f2.selectbox(
            "Kind",
            KINDS,
            index=KINDS.index(current.kind.value if current else "mention"),
            format_func=word,
            key=f"give_kind_{pick}",
        )
        due = f3.date_input(
            "Due",
            value=(current.due_date if current and current.due_date else ws.today()),
            key=f"give_due_{pick}",
            format="YYYY-MM-DD",
        )
        title = f1.text_input("Title", current.title if current else "", key=f"give_title_{pick}")
        channel = f2.text_input(
            "Channel", current.channel if current else "", key=f"give_channel_{pick}"
        )
        status = f3.selectbox(
            "Status",
            STATUSES,
            index=STATUSES.index(current.status.value if current else "planned"),
            format_func=word,
            key=f"give_status_{pick}",
        )
        note = st.text_input("Note", current.note if current else "", key=f"give_note_{pick}")
        if st.form_submit_button("Save give", type="primary", key=f"give_submit_{pick}"):
            data = GiveInput(
                kind=kind,
                contact=None if who == AUDIENCE else who,
                due=due,
                title=title,
                channel=channel,
                note=note,
                status=status,
            )
            saved = run_action(
                lambda: (
                    gives.add_once(ws, data)
                    if current is None
                    else gives.update(ws, current.id, data)
                ),
                success="Give saved",
            )
            if saved is not None:
                st.session_state[NEXT_PICK] = saved.id  # a second click edits it
                st.session_state.pop(PREFILL, None)
                st.rerun()


def _delete(ws: Workspace, current: gives.GiveView) -> None:
    """Delete the picked give once a checkbox is ticked; a done give is reopened first."""
    if current.status is GiveStatus.DONE:
        st.caption("A done give is in the ledger: reopen it first to delete it.")
        return
    sure = st.checkbox(
        f"Yes, delete give #{current.id} (nothing in the ledger goes with it)",
        key=f"give_delete_sure_{current.id}",
    )
    clicked = st.button(
        "Delete give", key="give_delete", disabled=not sure, icon=":material/delete:"
    )
    if clicked and run_action(lambda: _deleted(ws, current.id)):
        st.toast(plain(f"Give #{current.id} deleted"), icon=":material/check_circle:")
        st.session_state[NEXT_PICK] = "new"
        st.rerun()


def _deleted(ws: Workspace, give_id: int) -> bool:
    gives.delete_give(ws, give_id)
    return True


def _take_links(ws: Workspace, by_id: dict[int, gives.GiveView], snap: plan.Snapshot) -> None:
    """Apply a pending switch, ``?give=ID`` (that give) and ``?contact=ID`` (a new give for
    that contact) before the picker is drawn."""
    if NEXT_PICK in st.session_state:
        st.session_state["give_pick"] = st.session_state.pop(NEXT_PICK)
    if select_linked("give", "give_pick") not in (None, *by_id):
        st.session_state.pop("give_pick", None)
    contact = linked_id("contact")
    person = snap.contacts.get(contact) if contact is not None else None
    if person is not None and not person.archived:
        st.session_state["give_pick"] = "new"
        st.session_state.pop("give_contact_new", None)  # the link decides the new give's "For"
        st.session_state[PREFILL] = person.name


def _status_actions(ws: Workspace, all_gives: list[gives.GiveView]) -> None:
    """Pick a give (open ones first) and mark it done, drop or reopen it."""
    by_id = {g.id: g for g in all_gives}
    s1, s2 = st.columns([3, 1])
    # open gives first (by due date), then done and dropped ones
    order = sorted(all_gives, key=lambda g: g.status in (GiveStatus.DONE, GiveStatus.DROPPED))
    target = s1.selectbox(
        "Give",
        [g.id for g in order],
        format_func=lambda i: by_id[i].label,
        key="give_status_pick",
    )
    assert target is not None  # there is at least one give, and no empty choice
    done_day = s2.date_input("Done on", value=ws.today(), key="give_done_date", format="YYYY-MM-DD")
    actions = {
        "done": ("Mark done", ":material/check:", lambda: gives.done(ws, target, day=done_day)),
        "drop": (
            "Drop",
            ":material/close:",
            lambda: gives.set_status(ws, target, GiveStatus.DROPPED),
        ),
        "reopen": ("Reopen", ":material/undo:", lambda: gives.reopen(ws, target)),
    }
    for column, (name, (label, icon, action)) in zip(st.columns(3), actions.items(), strict=True):
        if column.button(label, key=f"give_{name}", icon=icon) and run_action(
            action, success=f"Give #{target}: {name}"
        ):
            st.rerun()
    download_csv(
        plan_tables.gives_table(all_gives), "gives.csv", key="dl_gives", label="Download gives CSV"
    )


def gives_panel(ws: Workspace, snap: plan.Snapshot) -> None:
    """The give form (new or the picked one) and the status actions on one give."""
    st.subheader("Gives")
    all_gives = gives.list_gives(ws)
    people = sorted(
        (c for c in snap.contacts.values() if not c.archived), key=lambda c: c.name.lower()
    )
    by_id = {g.id: g for g in all_gives}
    _take_links(ws, by_id, snap)
    choices: list[int | str] = ["new", *by_id]
    pick = st.selectbox(
        "Add or edit",
        choices,
        format_func=lambda i: "New give" if i == "new" else by_id[int(i)].label,
        key="give_pick",
    )
    current = by_id.get(pick) if isinstance(pick, int) else None
    _give_form(ws, pick if pick is not None else "new", current, [c.name for c in people])
    if current is not None:
        _delete(ws, current)
    if all_gives:
        _status_actions(ws, all_gives)
