"""Sending from the Outreach page: "Send now" / "Queue" for one draft, "Send all" / "Queue
all" for a batch, and the Outbox tab (queued and sent messages, the daily limit, "Send
queued now", "Cancel", "Read mail now").

A result is kept in session state and shown after the rerun that redraws the page with the
new state (a toast made just before ``st.rerun`` is lost). Addresses, subjects and the
servers' answers are data: they are shown with st.text, st.dataframe or escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from planner.domain.mail import OutboxStatus
from planner.domain.words import OUTBOX_STATUS_WORDS, moment, word
from planner.errors import PlannerError
from planner.mail.errors import MailError
from planner.services import asks, mail_read, mail_settings, outbox, outreach
from planner.services.workspace import Workspace
from planner.ui import plain
from planner.ui.links import PAGES

#: Session key of the results waiting for the next run: a list of (level, text).
RESULTS = "mail_results"
#: Session key of the draft pickers' choices to keep across the rerun after a send: an
#: ask's label in its picker changes ("(Planned)" → "(Sent)"), and the browser would
#: otherwise hold on to the old label and lose the choice.
KEEP = "draft_keep"
_PICKERS = ("draft_ask_", "draft_request_", "draft_give_")
#: Where the ask a draft is about stands, said above its send buttons.
ASK_STATE = {
    "idea": "This ask is an idea: not sent yet.",
    "planned": "This ask is planned: not sent yet.",
    "sent": "This ask was sent.",
    "replied": "They replied to this ask.",
    "accepted": "They accepted this ask.",
    "declined": "They declined this ask.",
    "done": "This ask is done.",
}
#: How many sent messages the Outbox tab lists.
RECENT_SENT = 50


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def remember(level: str, text: str) -> None:
    """Keep a result for the next run: level ok, warn or error."""
    st.session_state.setdefault(RESULTS, []).append((level, _capital(text)))


def show_results() -> None:
    """Show the results the last action left, once: a toast for each success, an error
    or warning box for each failure (the server's answer stays on screen)."""
    for level, text in st.session_state.pop(RESULTS, []):
        if level == "ok":
            st.success(plain(text), icon=":material/check_circle:")
        elif level == "warn":
            st.warning(plain(text), icon=":material/warning:")
        else:
            st.error(plain(text), icon=":material/error:")


def attempt(action: Callable[[], Any]) -> Any:
    """Run a service call; a refusal (PlannerError) or a server's answer (MailError) is
    remembered for the next run. Returns the result or None."""
    try:
        return action()
    except (PlannerError, MailError) as error:
        remember("error", str(error))
        return None


def keep_draft_choices() -> None:
    """Hand the draft pickers' choices to the next run (see :data:`KEEP`)."""
    st.session_state[KEEP] = {
        key: value
        for key, value in st.session_state.items()
        if isinstance(key, str) and key.startswith(_PICKERS)
    }


def remember_sent(result: outbox.SendResult) -> None:
    """One message's outcome in words."""
    if result.outcome == "sent":
        # Its address and Message-ID are in the Outbox tab's table (as text: markdown
        # would make links of them).
        remember("ok", f"Sent to {result.contact_name}: it is in the Outbox tab's Sent list")
        if result.warning:
            remember("warn", f"Sent, but {result.warning}")
    elif result.outcome == "failed":
        remember("error", f"Not sent, still queued: {result.sentence}")
    else:
        remember("warn", result.line())


def no_account(protocol: str = "smtp") -> None:
    """What to do when the account is missing, with a link to Settings."""
    if protocol == "smtp":
        st.info(
            "To send from here, set up the mail account (the SMTP server) in Settings → Mail "
            "account; until then, download the .eml draft and send it from your mail app.",
            icon=":material/mail:",
        )
    else:
        st.info(
            "To read your mailbox, set up the IMAP server in Settings → Mail account.",
            icon=":material/mail:",
        )
    st.page_link(PAGES["settings"], label="Open Settings", icon=":material/settings:")


def smtp_ready(ws: Workspace) -> bool:
    """An SMTP server is configured (the password is checked when sending)."""
    return mail_settings.load(ws).smtp.configured


def send_buttons(
    ws: Workspace,
    draft: outreach.Draft,
    *,
    ask_id: int | None,
    request_id: int | None,
    give_id: int | None,
    anyway: bool,
) -> None:
    """Send now and Queue for one draft; a sentence and a link when no SMTP account.
    The ask's status is shown above them (it becomes sent, then replied)."""
    if ask_id is not None:
        state = ASK_STATE[str(asks.get(ws, ask_id).status)]
        st.caption(plain(state))
    if not smtp_ready(ws):
        no_account()
        return
    if not draft.has_email:
        return  # the draft already says there is no address to send to

    def queued() -> outbox.OutboxView:
        return outbox.queue(
            ws, draft, ask_id=ask_id, request_id=request_id, give_id=give_id, anyway=anyway
        )

    s1, s2 = st.columns(2)
    if s1.button("Send now", key="draft_send", type="primary", icon=":material/send:"):
        view = attempt(queued)
        result = view and attempt(lambda: outbox.send(ws, view.id, anyway=anyway))
        if result is not None:
            remember_sent(result)
        keep_draft_choices()
        st.rerun()
    if s2.button("Queue", key="draft_queue", icon=":material/schedule_send:"):
        view = attempt(queued)
        if view is not None:
            remember("ok", f"Queued for {view.contact_name}: send it from the Outbox tab")
        keep_draft_choices()
        st.rerun()


def batch_buttons(
    ws: Workspace, made: outreach.DraftBatch, recipients: Sequence[outreach.Recipient]
) -> None:
    """Send all and Queue all for a made batch of drafts."""
    if not smtp_ready(ws):
        no_account()
        return
    b1, b2 = st.columns(2)
    send_all = b1.button("Send all", key="batch_send", type="primary", icon=":material/send:")
    if not (send_all or b2.button("Queue all", key="batch_queue", icon=":material/schedule_send:")):
        return
    batch = attempt(lambda: outbox.queue_batch(ws, made, recipients))
    if batch is not None:
        for name, why in batch.problems:
            remember("warn", f"Not queued for {name}: {why}")
        if send_all:
            for view in batch.queued:
                result = attempt(partial(outbox.send, ws, view.id))
                if result is not None:
                    remember_sent(result)
        else:
            remember("ok", f"{len(batch.queued)} message(s) queued: send them from the Outbox tab")
        st.session_state.pop("batch_result", None)  # made again to send again: no double
    st.rerun()


def queued_table(views: Sequence[outbox.OutboxView]) -> pd.DataFrame:
    """The messages waiting, in words."""
    rows = [
        {
            "To": f"{v.contact_name} <{v.to_addr}>",
            "Subject": v.subject,
            "Status": word(v.status, OUTBOX_STATUS_WORDS),
            "Queued": moment(v.created_at),
            "Attempts": v.attempts,
            "Last error": v.last_error or "",
        }
        for v in views
    ]
    columns = ["To", "Subject", "Status", "Queued", "Attempts", "Last error"]
    return pd.DataFrame(rows, columns=columns)


def sent_table(views: Sequence[outbox.OutboxView]) -> pd.DataFrame:
    """The messages sent, newest first, in words."""
    rows = [
        {
            "To": f"{v.contact_name} <{v.to_addr}>",
            "Subject": v.subject,
            "Status": word(v.status, OUTBOX_STATUS_WORDS),
            "Message-ID": v.message_id,
            "Sent": moment(v.sent_at),
        }
        for v in views
    ]
    return pd.DataFrame(rows, columns=["To", "Subject", "Status", "Message-ID", "Sent"])


def _queue_actions(ws: Workspace, queued: Sequence[outbox.OutboxView], can_send: bool) -> None:
    c1, c2 = st.columns([3, 1])
    if can_send and c1.button(
        "Send queued now", key="outbox_send_queued", type="primary", icon=":material/send:"
    ):
        report = attempt(lambda: outbox.send_queued(ws))
        if report is not None:
            for result in report.results:
                remember_sent(result)
            if report.limit_note:
                remember("warn", report.limit_note)
            if not report.results and not report.limit_note:
                remember("warn", "nothing queued to send")
        keep_draft_choices()
        st.rerun()
    by_id = {v.id: v for v in queued}
    chosen = c1.selectbox(
        "Queued message",
        list(by_id),
        format_func=lambda i: f"{by_id[i].contact_name}: {by_id[i].subject}",
        key="outbox_pick",
    )
    if c2.button("Cancel", key="outbox_cancel", icon=":material/cancel:") and chosen is not None:
        cancelled = attempt(lambda: outbox.cancel(ws, chosen))
        if cancelled is not None:
            remember("ok", f"Cancelled the message to {cancelled.contact_name}")
        st.rerun()


def _read_mail(ws: Workspace) -> None:
    st.subheader("Read mail")
    if not mail_settings.load(ws).imap.configured:
        no_account("imap")
        return
    st.caption(
        "Reads what is new in your inbox and Sent folder: replies are matched to the asks "
        "and requests they answer; every message with a contact goes on their timeline."
    )
    if st.button("Read mail now", key="outbox_read", icon=":material/mark_email_read:"):
        with st.status("Reading the mailbox …") as box:
            counter = st.empty()

            def progress(folder: str, count: int) -> None:
                counter.text(f"{folder}: {count:,} messages read")

            report = attempt(lambda: mail_read.read_mailbox(ws, progress=progress))
            box.update(state="complete" if report is not None else "error")
        if report is not None:
            remember("ok", report.line())
        keep_draft_choices()  # a reply changes an ask's label in its picker
        st.rerun()


def outbox_tab(ws: Workspace) -> None:
    """The queue, what was sent, the daily limit, and reading the mailbox."""
    config = mail_settings.load(ws)
    if config.smtp.configured:
        sent_today, left, limit = (
            outbox.sent_today(ws),
            outbox.remaining_today(ws),
            config.daily_limit,
        )
        st.caption(
            f"{sent_today} sent today; {left} more may go today "
            f"(daily limit {limit}, Settings → Mail account)."
        )
    else:
        no_account()
    # A message left "sending" by a send that was stopped is listed with the queue: the
    # user sees it, may cancel it, and the next read of the Sent folder settles it.
    queued = outbox.list_outbox(ws, status=OutboxStatus.QUEUED.value) + outbox.list_outbox(
        ws, status=OutboxStatus.SENDING.value
    )
    st.subheader("Queued")
    if queued:
        st.dataframe(queued_table(queued), hide_index=True, key="outbox_queued")
        _queue_actions(ws, queued, config.smtp.configured)
    else:
        st.caption("Nothing waits to be sent.")
    sent = outbox.list_outbox(ws, status=OutboxStatus.SENT.value)[:RECENT_SENT]
    st.subheader("Sent")
    if sent:
        st.dataframe(sent_table(sent), hide_index=True, key="outbox_sent")
    else:
        st.caption("Nothing sent from here yet.")
    _read_mail(ws)
