"""Give First — entry point: page setup and navigation only."""

import streamlit as st

from planner.ui import require_login

st.set_page_config(
    page_title="Give First", page_icon=":material/volunteer_activism:", layout="wide"
)
require_login()

PAGES = {
    "Overview": [
        st.Page("pages/dashboard.py", title="Dashboard", icon=":material/dashboard:", default=True),
        st.Page("pages/contacts.py", title="Contacts", icon=":material/group:"),
        st.Page("pages/ledger.py", title="Ledger", icon=":material/receipt_long:"),
        st.Page("pages/feeds.py", title="Feeds", icon=":material/rss_feed:"),
        st.Page("pages/review.py", title="Review", icon=":material/fact_check:"),
    ],
    "Plan": [
        st.Page("pages/plan.py", title="Plan", icon=":material/calendar_month:"),
        st.Page("pages/asks.py", title="Asks", icon=":material/handshake:"),
        st.Page("pages/requests.py", title="Requests", icon=":material/inbox:"),
    ],
    "Act": [
        st.Page("pages/outreach.py", title="Outreach", icon=":material/outgoing_mail:"),
    ],
    "Setup": [
        st.Page("pages/data.py", title="Import & export", icon=":material/import_export:"),
        st.Page("pages/settings.py", title="Settings", icon=":material/settings:"),
    ],
}

st.navigation(PAGES).run()
