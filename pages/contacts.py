"""Contacts: search and filter, add, edit, archive, merge; a contact's timeline, balance
explained and what the feeds found about them."""

import streamlit as st

from planner.domain import words
from planner.domain.model import Tier
from planner.services import balances, contact_tables, contacts
from planner.ui import download_csv, plain, workspace
from planner.ui.contact_actions import contact_buttons, log_interaction_form, show_flash
from planner.ui.contact_form import add_contact_form, edit_contact_tab
from planner.ui.contact_picker import contact_picker
from planner.ui.contact_tabs import explain_tab, found_tab, merge_tab, timeline_tab
from planner.ui.links import select_linked

ws = workspace()
st.title("Contacts")
show_flash()
TIERS = [t.value for t in Tier]
cadences = ws.settings().keep_in_touch_days
tier_help = contact_tables.tier_help(cadences)

add_contact_form(ws, tier_help)

f1, f2, f3 = st.columns([3, 2, 1])
search = f1.text_input(
    "Search", placeholder="name, alias, email, domain, handle, tag", key="contact_search"
)
tier_filter = f2.multiselect(
    "Tiers", TIERS, key="contact_tiers", format_func=words.word, help=tier_help
)
show_archived = f3.toggle("Archived too", key="contact_archived")

page_no = int(st.session_state.get("contact_page", 1))
shown = contact_tables.contacts_page(
    ws, search=search, tiers=tier_filter, include_archived=show_archived, page=page_no
)
st.session_state["contact_page"] = shown.page  # within the pages the filters leave
n_total = shown.total
st.caption(f"{n_total} contact(s)")
st.dataframe(
    contact_tables.shown_contacts(shown.table),
    hide_index=True,
    key="contacts_table",
    column_config={"Id": None},
)
p1, p2, p3 = st.columns([1, 2, 2])
if shown.pages > 1:
    p1.number_input("Page", min_value=1, max_value=shown.pages, step=1, key="contact_page")
    first = (shown.page - 1) * shown.per_page + 1
    last = first + len(shown.table) - 1
    p2.caption(f"Rows {first}–{last} of {n_total}")
with p3:
    download_csv(
        lambda: contact_tables.contacts_csv_table(
            ws, search=search, tiers=tier_filter, include_archived=show_archived
        ),
        "contacts.csv",
        key="dl_contacts",
        help="Every contact the search and filters match, not only this page.",
    )

linked = select_linked("contact", "contact_pick")  # ?contact=ID: another page's link
if linked is not None and not contacts.choices_for_ids(ws, [linked]):
    st.session_state.pop("contact_pick", None)
    st.warning(f"No contact with id {linked:d}: it may have been merged away.")
    linked = None
wanted = st.session_state.pop("selected_contact", None)  # handed over by add or merge
if wanted is not None:
    st.session_state["contact_pick"] = wanted
if not shown.total and linked is None and wanted is None:
    st.stop()
selected = contact_picker(
    ws, "Open a contact", key="contact_pick", default=shown.first_id, include_archived=show_archived
)
if selected is None:
    st.stop()
contact = contacts.get(ws, selected)
b = balances.balance_of(ws, contact.id)

st.header(plain(contact.name))
tier_text = words.tier_line(contact.tier, int(cadences.get(contact.tier.value, 0)))
st.caption(f"{tier_text}")  # the app's own words, no user text
last_on = b.summary.last_on  # ledger rows and e-mails alike keep in touch
if last_on is not None:
    last_day = words.day(last_on)
    st.caption(f"Last exchange: {last_day}")
else:
    st.caption("No exchange yet")
m = st.columns(5)
m[0].metric("Balance", f"{b.balance:+.1f}")
m[1].metric("Given (decayed)", f"{b.summary.given:.1f}")
m[2].metric("Received (decayed)", f"{b.summary.received:.1f}")
ratio = b.summary.reciprocity_ratio
m[3].metric(
    "Reciprocity",
    "—" if ratio is None else f"{ratio:.2f}",
    help="Lifetime received ÷ lifetime given (undecayed): 1.00 is even.",
)
m[4].metric("Trust", words.word(b.trust), help=contact_tables.trust_line(b.trust))
if b.one_sided:
    st.warning(
        "One-sided: much given over a long time and little came back.", icon=":material/warning:"
    )

contact_buttons(contact)
log_interaction_form(ws, contact)

tab_timeline, tab_explain, tab_found, tab_edit, tab_merge = st.tabs(
    ["Timeline", "Balance explained", "Found in feeds", "Edit", "Merge"]
)
with tab_timeline:
    timeline_tab(ws, contact)
with tab_explain:
    explain_tab(ws, contact, b.balance)
with tab_found:
    found_tab(ws, contact)
with tab_edit:
    edit_contact_tab(ws, contact, tier_help)
with tab_merge:
    merge_tab(ws, contact)
