"""What was sent and answered by e-mail: a contact's exchanges beside their ledger rows, and
the messages of one ask or request ("Sent 6 Dec 2026 · Message-ID <…>", "Replied 8 Dec
2026: Re: …").

Subjects and Message-IDs come from mail: they are shown with st.text and st.dataframe only.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from planner.domain.mail import ExchangeDirection
from planner.domain.words import EXCHANGE_DIRECTION_WORDS, day, word
from planner.services import exchanges
from planner.services.exchanges import ExchangeView
from planner.services.workspace import Workspace

EXCHANGE_COLUMNS = ["Date", "Which way", "Subject", "About"]


def about_words(view: ExchangeView) -> str:
    """``Ask #3``, ``Request #5``, ``Give #7`` or empty."""
    for label, record in (
        ("Ask", view.ask_id),
        ("Request", view.request_id),
        ("Give", view.give_id),
    ):
        if record is not None:
            return f"{label} #{record}"
    return ""


def exchanges_table(views: Sequence[ExchangeView]) -> pd.DataFrame:
    """A contact's e-mails in words, newest first."""
    rows = [
        {
            "Date": day(v.when),
            "Which way": word(v.direction, EXCHANGE_DIRECTION_WORDS),
            "Subject": v.subject,
            "About": about_words(v),
        }
        for v in views
    ]
    return pd.DataFrame(rows, columns=EXCHANGE_COLUMNS)


def message_line(view: ExchangeView, *, answer: str) -> str:
    """One message of an ask or request: mine with its Message-ID, theirs with its subject
    (``answer`` is what theirs is called: "Replied" on an ask, "Received" on a request)."""
    if view.direction == ExchangeDirection.SENT:
        return f"Sent {day(view.when)} · Message-ID {view.message_id}"
    return f"{answer} {day(view.when)}: {view.subject}"


def contact_exchanges(ws: Workspace, contact_id: int) -> None:
    """The contact's e-mails (from the mailbox, an import or sent from here), under the
    ledger rows of the timeline: they count for keeping in touch, not for the balance."""
    views = exchanges.for_contact(ws, contact_id)
    st.markdown("**E-mail**")
    if not views:
        st.caption(
            "No e-mail with them recorded: send from Outreach, or read your mailbox "
            "(Outreach → Outbox) to see what was sent and answered."
        )
        return
    st.caption(
        "Messages to and from them: each keeps you in touch (the last exchange) but moves "
        "no goodwill."
    )
    st.dataframe(exchanges_table(views), hide_index=True, key="contact_exchanges")


def _lines(views: Sequence[ExchangeView], answer: str, key: str) -> None:
    st.markdown("**Messages**")
    if not views:
        st.caption("No message about it sent or received yet.")
        return
    # oldest first: the message, then its replies
    with st.container(key=key):
        for view in reversed(views):
            st.text(message_line(view, answer=answer))


def ask_messages(ws: Workspace, ask_id: int) -> None:
    """The ask's messages: the draft sent and the replies."""
    _lines(exchanges.for_ask(ws, ask_id), "Replied", "ask_messages")


def request_messages(ws: Workspace, request_id: int) -> None:
    """The request's messages: theirs and my answers."""
    _lines(exchanges.for_request(ws, request_id), "Received", "request_messages")
