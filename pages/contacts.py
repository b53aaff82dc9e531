"""Contacts: search and filter, add, edit, archive, merge; a contact's timeline, balance
explained and what the feeds found about them."""

import pandas as pd
import streamlit as st

from planner.domain.model import Tier
from planner.services import balances, contacts, detections, ledger, merge
from planner.services.contacts import ContactInput
from planner.ui import download_csv, plain, run_action, safe_link, workspace

ws = workspace()
st.title("Contacts")
TIERS = [t.value for t in Tier]

with (
    st.expander("Add a contact", icon=":material/person_add:"),
    st.form("add_contact", clear_on_submit=True),
):
    c1, c2, c3 = st.columns(3)
    name = c1.text_input("Name", key="new_name")
    tier = c2.selectbox("Tier", TIERS, index=TIERS.index("network"), key="new_tier")
    reach = c3.text_input("Reach (audience size)", key="new_reach")
    email = c1.text_input("Email", key="new_email")
    domains = c2.text_input("Website domains (separate with |)", key="new_domains")
    handles = c3.text_input("Handles (@name, separate with |)", key="new_handles")
    aliases = c1.text_input("Aliases (separate with |)", key="new_aliases")
    tags = c2.text_input("Tags (separate with |)", key="new_tags")
    notes = st.text_area("Notes", key="new_notes")
    if st.form_submit_button("Add contact", type="primary", key="add_contact_submit"):
        added = run_action(
            lambda: contacts.add(
                ws,
                ContactInput(
                    name=name,
                    tier=tier,
                    reach=reach,
                    email=email,
                    aliases=aliases,
                    domains=domains,
                    handles=handles,
                    tags=tags,
                    notes=notes,
                ),
            ),
        )
        if added:
            st.session_state["selected_contact"] = added.id
            st.toast(plain(f"Added {added.name}"), icon=":material/check_circle:")

f1, f2, f3 = st.columns([3, 2, 1])
search = f1.text_input(
    "Search", placeholder="name, alias, email, domain, handle, tag", key="contact_search"
)
tier_filter = f2.multiselect("Tiers", TIERS, key="contact_tiers")
show_archived = f3.toggle("Archived too", key="contact_archived")

found = contacts.list_contacts(ws, search=search, tiers=tier_filter, include_archived=show_archived)
by_id = {b.contact.id: b for b in balances.all_balances(ws, include_archived=True)}
table = pd.DataFrame(
    [
        {
            "id": c.id,
            "name": c.name,
            "tier": c.tier.value,
            "reach": c.reach,
            "balance": round(by_id[c.id].balance, 1) if c.id in by_id else 0.0,
            "trust": by_id[c.id].trust.value if c.id in by_id else "new",
            "email": c.email,
            "domains": " | ".join(c.domains),
            "handles": " | ".join(c.handles),
            "tags": " | ".join(c.tags),
            "archived": c.archived,
        }
        for c in found
    ],
    columns=[
        "id",
        "name",
        "tier",
        "reach",
        "balance",
        "trust",
        "email",
        "domains",
        "handles",
        "tags",
        "archived",
    ],
)
st.caption(f"{len(found)} contact(s)")
st.dataframe(table, hide_index=True, key="contacts_table")
download_csv(table, "contacts.csv", key="dl_contacts")

if not found:
    st.stop()

names = {c.id: c.name for c in found}
ids = list(names)
current = st.session_state.get("selected_contact")
selected = st.selectbox(
    "Open a contact",
    ids,
    format_func=lambda i: names[i],
    index=ids.index(current) if current in ids else 0,
    key="contact_pick",
)
contact = contacts.get(ws, selected)
b = balances.balance_of(ws, contact.id)

st.header(plain(contact.name))
m = st.columns(5)
m[0].metric("Balance", f"{b.balance:+.1f}")
m[1].metric("Given (decayed)", f"{b.summary.given:.1f}")
m[2].metric("Received (decayed)", f"{b.summary.received:.1f}")
ratio = b.summary.reciprocity_ratio
m[3].metric(
    "Reciprocity",
    "—" if ratio is None else f"{ratio:.2f}",
    help="Lifetime received ÷ lifetime given (undecayed)",
)
m[4].metric("Trust", b.trust.value)
if b.one_sided:
    st.warning(
        "One-sided: much given over a long time and little came back.", icon=":material/warning:"
    )

tab_timeline, tab_explain, tab_found, tab_edit, tab_merge = st.tabs(
    ["Timeline", "Balance explained", "Found in feeds", "Edit", "Merge"]
)
with tab_timeline:
    history = ledger.list_interactions(ws, contact_id=contact.id)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "date": i.occurred_on,
                    "direction": i.direction.value,
                    "kind": i.kind.value,
                    "title": i.title,
                    "link": safe_link(i.link),
                    "source": i.source.value,
                    "note": i.note,
                }
                for i in history
            ],
            columns=["date", "direction", "kind", "title", "link", "source", "note"],
        ),
        hide_index=True,
        key="contact_timeline",
        column_config={"link": st.column_config.LinkColumn("link")},
    )
with tab_explain:
    rows = balances.explain_balance(ws, contact.id)
    st.caption("value = weight × magnitude × exposure × decay; gives count +, receipts −.")
    explained = pd.DataFrame(
        [
            {
                "date": r.interaction.occurred_on,
                "direction": r.interaction.direction.value,
                "kind": r.interaction.kind.value,
                "weight": r.weight,
                "magnitude": r.interaction.magnitude,
                "exposure": round(r.exposure, 3),
                "decay": round(r.decay, 3),
                "value": round(r.value, 3),
                "title": r.interaction.title,
            }
            for r in rows
        ],
        columns=[
            "date",
            "direction",
            "kind",
            "weight",
            "magnitude",
            "exposure",
            "decay",
            "value",
            "title",
        ],
    )
    st.dataframe(explained, hide_index=True, key="contact_explain")
    st.caption(f"Sum of values: {explained['value'].sum():+.2f} = balance {b.balance:+.2f}")
with tab_found:
    found_in_feeds = detections.list_detections(ws, contact_id=contact.id)
    st.caption(
        "Every entry of your feeds, their feeds and industry feeds that names this contact. "
        "Gives and receipts reach the ledger when auto-confirmed or confirmed (Review page); "
        "context never does."
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "date": d.published,
                    "entry": d.entry_title,
                    "feed": d.feed_title,
                    "direction": d.direction,
                    "role": d.role,
                    "status": d.status,
                    "confidence": round(d.confidence, 2),
                    "evidence": d.marked_snippet,
                    "link": safe_link(d.entry_link),
                }
                for d in found_in_feeds
            ],
            columns=[
                "date",
                "entry",
                "feed",
                "direction",
                "role",
                "status",
                "confidence",
                "evidence",
                "link",
            ],
        ),
        hide_index=True,
        key="contact_found",
        column_config={"link": st.column_config.LinkColumn("link")},
    )
with tab_edit:
    with st.form("edit_contact"):
        e1, e2, e3 = st.columns(3)
        name_e = e1.text_input("Name", contact.name, key="edit_name")
        tier_e = e2.selectbox("Tier", TIERS, index=TIERS.index(contact.tier.value), key="edit_tier")
        reach_e = e3.text_input(
            "Reach", "" if contact.reach is None else str(contact.reach), key="edit_reach"
        )
        email_e = e1.text_input("Email", contact.email, key="edit_email")
        domains_e = e2.text_input("Domains", "|".join(contact.domains), key="edit_domains")
        handles_e = e3.text_input("Handles", "|".join(contact.handles), key="edit_handles")
        aliases_e = e1.text_input("Aliases", "|".join(contact.aliases), key="edit_aliases")
        tags_e = e2.text_input("Tags", "|".join(contact.tags), key="edit_tags")
        notes_e = st.text_area("Notes", contact.notes, key="edit_notes")
        if st.form_submit_button("Save", type="primary", key="edit_save"):
            saved = run_action(
                lambda: contacts.update(
                    ws,
                    contact.id,
                    ContactInput(
                        name=name_e,
                        tier=tier_e,
                        reach=reach_e,
                        email=email_e,
                        aliases=aliases_e,
                        domains=domains_e,
                        handles=handles_e,
                        tags=tags_e,
                        notes=notes_e,
                    ),
                ),
                success="Saved",
            )
            if saved:
                st.rerun()
    label = "Restore" if contact.archived else "Archive"
    if st.button(label, key="archive_toggle", icon=":material/archive:"):
        run_action(
            lambda: contacts.set_archived(ws, contact.id, not contact.archived),
            success=f"{label}d {contact.name}",
        )
        st.rerun()

with tab_merge:
    st.caption(
        "Two records of the same person? Merge the other one into this contact: its names "
        "become aliases, its ledger rows, detections, asks, gives, requests and feeds move "
        "here (balances add up) and it is archived. The last merge can be undone."
    )
    others = {c.id: c.name for c in contacts.list_contacts(ws) if c.id != contact.id}
    if others and not contact.archived:
        other_id = st.selectbox(
            "Contact to merge into this one",
            list(others),
            format_func=lambda i: others.get(i, str(i)),
            key="merge_other",
        )
        sure = st.checkbox(
            "Yes, they are the same person: merge them", key="merge_confirm", value=False
        )
        if st.button(
            "Merge", key="merge_submit", type="primary", disabled=not sure, icon=":material/merge:"
        ):
            result = run_action(lambda: merge.merge_contacts(ws, contact.id, other_id))
            if result is not None:
                st.session_state["selected_contact"] = contact.id
                st.toast(plain(result.describe()), icon=":material/check_circle:")
                st.rerun()
    last = merge.last_merge(ws)
    if last is not None:
        st.text(f"Last merge: {last[1]}")
        if st.button("Undo the last merge", key="merge_undo", icon=":material/undo:"):
            undone = run_action(lambda: merge.undo_last_merge(ws))
            if undone is not None:
                st.toast(plain(undone.describe()), icon=":material/check_circle:")
                st.rerun()
