"""The Settings page's "Mail account" tab: the IMAP and SMTP servers, folders and limits,
whether each password is set (never its value) and a test of each connection.

The form keeps what was typed when a value is refused (stable keys, no
``clear_on_submit``): the error names the field. Passwords are not entered here: they come
from the environment or .streamlit/secrets.toml (planner.mail.config), so they never reach
the database, a backup or an export.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from planner.errors import PlannerError
from planner.mail.config import (
    PASSWORD_ENV,
    MailConfig,
    Protocol,
    Security,
    ServerConfig,
    password_for,
    where_passwords_go,
)
from planner.mail.errors import MailError
from planner.services import mail_connection, mail_settings
from planner.services.workspace import Workspace
from planner.ui import plain, run_action
from planner.ui.contact_actions import flash

SECURITIES = [s.value for s in Security]
SECURITY_WORDS = {
    Security.TLS.value: "TLS from the first byte (IMAPS 993, SMTPS 465)",
    Security.STARTTLS.value: "STARTTLS (IMAP 143, submission 587)",
    Security.PLAIN.value: "None (a test server on this machine only)",
}
PROTOCOL_WORDS: dict[Protocol, str] = {"imap": "IMAP (reading)", "smtp": "SMTP (sending)"}
PROTOCOLS: tuple[Protocol, ...] = ("imap", "smtp")
#: Widget key of each result line of "Test … connection" (kept across reruns).
TEST_RESULT = "mail_test_result_{}"


def _server_values(protocol: Protocol, server: ServerConfig) -> dict[str, Any]:
    return {
        f"mail_{protocol}_host": server.host,
        f"mail_{protocol}_port": int(server.port),
        f"mail_{protocol}_security": str(server.security),
        f"mail_{protocol}_user": server.username,
    }


def form_values(config: MailConfig) -> dict[str, Any]:
    """The form's widget values for a stored account."""
    return {
        **_server_values("imap", config.imap),
        **_server_values("smtp", config.smtp),
        "mail_inbox": config.inbox_folder,
        "mail_sent": config.sent_folder,
        "mail_save_to_sent": config.save_to_sent,
        "mail_daily_limit": int(config.daily_limit),
        "mail_match_days": int(config.match_days),
        "mail_allow_private": config.allow_private,
    }


def _server_inputs(protocol: Protocol) -> ServerConfig:
    st.markdown(f"**{plain(PROTOCOL_WORDS[protocol])}**")
    host = st.text_input("Server", key=f"mail_{protocol}_host", placeholder="mail.example.com")
    port = st.number_input(
        "Port (0: the usual one)",
        min_value=0,
        max_value=65_535,
        step=1,
        key=f"mail_{protocol}_port",
    )
    security = st.selectbox(
        "Security",
        SECURITIES,
        format_func=SECURITY_WORDS.__getitem__,
        key=f"mail_{protocol}_security",
    )
    user = st.text_input("User name", key=f"mail_{protocol}_user", placeholder="me@example.com")
    return ServerConfig(host=host, port=int(port), security=Security(security), username=user)


def _account_form(ws: Workspace) -> None:
    with st.form("mail_form", clear_on_submit=False):
        c1, c2 = st.columns(2)
        with c1:
            imap = _server_inputs("imap")
        with c2:
            smtp = _server_inputs("smtp")
        f1, f2 = st.columns(2)
        inbox = f1.text_input("Inbox folder", key="mail_inbox")
        sent = f2.text_input("Sent folder", key="mail_sent")
        daily = f1.number_input(
            "Messages sent per day at most (the rest wait in the queue)",
            min_value=0,
            max_value=mail_settings.MAX_DAILY_LIMIT,
            step=1,
            key="mail_daily_limit",
        )
        match = f2.number_input(
            "Match a message sent from another mail app to a draft within (days)",
            min_value=0,
            max_value=60,
            step=1,
            key="mail_match_days",
        )
        save_copy = f1.toggle(
            "Save a copy of each sent message to the Sent folder", key="mail_save_to_sent"
        )
        private = f2.toggle(
            "Allow mail servers on private addresses (a server at home or in the office)",
            key="mail_allow_private",
        )
        entered = MailConfig(
            imap=imap,
            smtp=smtp,
            inbox_folder=inbox,
            sent_folder=sent,
            save_to_sent=bool(save_copy),
            daily_limit=int(daily),
            match_days=int(match),
            allow_private=bool(private),
        )
        if st.form_submit_button("Save mail account", type="primary", key="mail_save"):
            saved = run_action(lambda: mail_settings.save(ws, entered))
            if saved is not None:
                st.session_state["mail_done"] = True  # refilled from what was stored
                flash("Mail account saved")
                st.rerun()


def password_line(protocol: Protocol) -> str:
    """Whether the password is set, and where it goes; never the password itself."""
    name = protocol.upper()
    if password_for(protocol):
        return (
            f"The {name} password is set (from {PASSWORD_ENV[protocol]} or "
            ".streamlit/secrets.toml); it is never stored in the database."
        )
    return f"No {name} password is set: {where_passwords_go(protocol)}."


def _connection_test(ws: Workspace, protocol: Protocol) -> None:
    key = TEST_RESULT.format(protocol)
    if st.button(f"Test {protocol.upper()} connection", key=f"mail_test_{protocol}"):
        try:
            st.session_state[key] = (True, mail_connection.test_connection(ws, protocol))
        except (MailError, PlannerError) as error:
            st.session_state[key] = (False, str(error))
    shown = st.session_state.get(key)
    if shown:
        ok, sentence = shown
        if ok:
            st.success(plain(sentence), icon=":material/check_circle:")
        else:
            st.error(plain(sentence), icon=":material/error:")


def mail_account_tab(ws: Workspace) -> None:
    """The mail account form, the passwords' note and the two connection tests."""
    if st.session_state.pop("mail_done", False) or "mail_imap_host" not in st.session_state:
        for key, value in form_values(mail_settings.load(ws)).items():
            st.session_state[key] = value
    st.caption(
        "Read your mailbox (IMAP) to see what was sent and answered; send drafts (SMTP) "
        "from the Outreach page. Save the account before testing it."
    )
    _account_form(ws)
    t1, t2 = st.columns(2)
    for protocol, column in zip(PROTOCOLS, (t1, t2), strict=True):
        with column:
            st.caption(plain(password_line(protocol)))
            _connection_test(ws, protocol)
