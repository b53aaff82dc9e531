"""The only Streamlit glue: the cached workspace, error display and safe rendering.

Pages import from here and from planner.services; nothing below planner.ui imports
Streamlit. Feed-sourced text is shown with st.text / dataframes only, never as markdown
or HTML, so a hostile title cannot make the browser fetch or run anything.

This module holds what every page uses; each submodule is one widget group of one page
(feed_add, feed_owner, feed_refresh, feed_entries, draft_one, draft_batch, template_editor,
contact_form, contact_tabs, contact_actions, guest_suggestions, plan_weeks, auto_plan,
give_editor, ask_editor, ask_trust, request_editor, ledger_edit, feed_manage, setting_inputs,
show_profile, mail_account, outbox) or a widget or table more than one page shows
(mail_history: e-mails on a contact's timeline, an ask's and a request's messages;
detection_table; contact_picker, which searches contacts instead of listing them
all). Downloads: ``download_csv`` makes its file only when the button is clicked, and
given a function builds even the frame only then (use that for anything that grows
with the data).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from planner.domain.audience import BudgetState, budget_line
from planner.errors import PlannerError
from planner.feeds.urls import http_url_or_empty
from planner.files.csv_export import to_csv_bytes
from planner.services import Workspace, demo, open_workspace
from planner.services.view_cache import cached
from planner.services.warm_up import warm_up_in_background


@st.cache_resource(show_spinner=False)
def _workspace() -> Workspace:
    ws = open_workspace()
    warm_up_in_background(ws)
    return ws


def workspace() -> Workspace:
    """The app's workspace (migrated at first use); one engine shared by all sessions.

    Every page starts here, so the login gate is checked here too: right after a server
    start, a deep link (/plan) runs the page file without the entry point.
    """
    require_login()
    try:
        ws = _workspace()
    except PlannerError as error:  # e.g. a malformed $PLANNER_CLOCK: say so, not a traceback
        st.error(plain(f"The workspace cannot be opened: {error}"), icon=":material/error:")
        st.stop()
    if ws.problems:  # found by the integrity check at open (THREATS D4)
        shown = "; ".join(ws.problems[:5]) + (" …" if len(ws.problems) > 5 else "")
        st.warning(plain(f"The database check found problems: {shown}"), icon=":material/warning:")
    demo_banner(ws)
    return ws


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


DEMO_NOTICE = (
    "You are exploring the demo workspace: the people, ledger, asks, requests and feeds "
    "here are made up, and the profile in Settings is the demo's persona."
)
DEMO_CONFIRM = (
    "This removes every record the demo brought: its contacts with their ledger rows, "
    "asks, gives and requests, its feeds with what was found in them, and the demo "
    "persona in Settings. What you added yourself while exploring (contacts, ledger rows, "
    "feeds, settings, template edits) is kept unless you tick the box below."
)


def demo_banner(ws: Workspace) -> None:
    """While the demo is loaded: say so, and offer to start with my own data (confirmed).

    Drawn by :func:`workspace`, which every page calls once at its top (a rerun may run
    the page without the entry point), so it shows above every page.
    """
    if not cached(ws, "demo_loaded", lambda: demo.is_loaded(ws)):
        return
    with st.container(border=True, key="demo_banner"):
        st.info(plain(DEMO_NOTICE), icon=":material/science:")
        if not st.session_state.get("demo_confirm"):
            st.button(
                "Start with my own data",
                key="demo_start_own",
                on_click=_set_demo_confirm,
                args=(True,),
            )
            return
        st.warning(plain(DEMO_CONFIRM), icon=":material/warning:")
        st.checkbox("Also remove what I added while exploring", key="demo_all")
        go, cancel = st.columns(2)
        cancel.button("Keep the demo", key="demo_cancel", on_click=_set_demo_confirm, args=(False,))
        go.button(
            "Remove the demo", type="primary", key="demo_remove", on_click=_remove_demo, args=(ws,)
        )
        if st.session_state.get("demo_error"):
            st.error(plain(st.session_state.pop("demo_error")), icon=":material/error:")


def _remove_demo(ws: Workspace) -> None:
    """The confirmed removal (a button's callback: the page then draws without the demo)."""
    try:
        demo.remove(ws, keep_mine=not st.session_state.get("demo_all", False))
    except PlannerError as error:
        st.session_state["demo_error"] = str(error)
        return
    st.session_state["demo_confirm"] = False
    st.toast("Demo removed: the workspace is yours to fill", icon=":material/check_circle:")


def _set_demo_confirm(value: bool) -> None:
    st.session_state["demo_confirm"] = value


def budget_notice(budget: BudgetState) -> None:
    """The audience budget in its one wording, green with room left, amber at the limit,
    red over it."""
    line = budget_line(budget)
    show = {"ok": st.success, "full": st.warning, "over": st.error}[line.level]
    show(plain(line.text), icon=":material/campaign:")


def plain(text: object) -> str:
    """Escape markdown so text from feeds, files or users shows literally in st.markdown,
    st.error and friends: no image fetched, no link made, no LaTeX, no heading."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a PlannerError as a clear message instead of a traceback."""
    try:
        yield
    except PlannerError as error:
        st.error(plain(error), icon=":material/error:")


def run_action(action: Callable[[], Any], success: str = "") -> Any:
    """Run a service call; show its error or a success toast. Returns the result or None."""
    try:
        result = action()
    except PlannerError as error:
        st.error(plain(error), icon=":material/error:")
        return None
    if success:
        st.toast(plain(success), icon=":material/check_circle:")
    return result


def run_and_rerun(action: Callable[[], object], success: str = "") -> None:
    """Run a service call; on success rerun so the page shows the new state."""
    if run_action(action, success=success) is not None:
        st.rerun()


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (OIDC login for a team)."""
    try:
        return "auth" in st.secrets
    except StreamlitSecretNotFoundError:
        return False


def require_login() -> None:
    """Behind OIDC when configured: stop the page until the user has logged in."""
    if not auth_configured() or st.user.get("is_logged_in", False):
        return
    st.title("Give First")
    st.write("Log in to open your team's workspace.")
    st.button("Log in", on_click=st.login, type="primary", key="login_button")
    st.stop()


def download_csv(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    file_name: str,
    *,
    key: str,
    label: str = "Download CSV",
    help: str | None = None,
) -> None:
    """A download button for a frame, formula cells neutralised; BOM when Excel is chosen
    (read now, while the page runs).

    The file is made only when the user clicks (Streamlit's deferred download), not on
    every run of the page; given a function, even the frame is built only then (a table
    of a million rows costs nothing until it is asked for).
    """
    bom = bool(st.session_state.get("excel_bom", False))

    def data() -> bytes:
        return to_csv_bytes(frame() if callable(frame) else frame, bom=bom)

    st.download_button(
        label,
        data=data,
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        help=help,
    )


def as_of_picker(key: str = "as_of") -> date:
    ws = _workspace()  # the page has called workspace() (gate, banner) already
    return st.date_input("As of", value=ws.today(), key=key, format="YYYY-MM-DD")


def safe_link(url: str) -> str:
    """Only http(s) links may become clickable; anything else is shown as nothing."""
    # the cleaned form must be the stored form: a link a browser would read differently
    # (tabs, a scheme in disguise) is shown as nothing rather than "repaired"
    return url if isinstance(url, str) and http_url_or_empty(url) == url else ""


def points(value: float) -> str:
    return f"{value:+.1f}" if value else "0.0"
