"""A small workspace for the mail loop's tests: me, Ann (a ready ask) and Bob (an ask that
needs trust), each with an address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from planner.services import Workspace, asks, contacts, ledger, outreach, settings
from tests.conftest import TODAY

ME = "me@example.test"
ANN = "ann@example.test"
BOB = "bob@example.test"


@dataclass(frozen=True)
class World:
    ann: int
    bob: int
    #: Ann's share ask: ready (I gave her a guest post, a feature and an interview).
    ready_ask: int
    #: Bob's guest-post ask: needs trust (we never exchanged anything).
    unready_ask: int


def make_world(ws: Workspace, *, me: str = ME) -> World:
    settings.save_profile(ws, name="Me Myself", email=me)
    ann = contacts.add(ws, contacts.ContactInput(name="Ann Lee", email=ANN)).id
    bob = contacts.add(ws, contacts.ContactInput(name="Bob Ray", email=BOB)).id
    for kind in ("guest_post", "feature", "interview"):
        ledger.add(
            ws,
            ledger.LedgerInput(
                contact=ann, direction="gave", kind=kind, occurred_on=TODAY - timedelta(days=5)
            ),
        )
    ready = asks.add(
        ws, asks.AskInput(kind="share", contact=ann, status="planned", title="Share my launch")
    )
    unready = asks.add(ws, asks.AskInput(kind="guest_post", contact=bob, status="planned", cost=10))
    return World(ann, bob, ready.id, unready.id)


def ask_draft(
    ws: Workspace, contact_id: int, ask_id: int, *, anyway: bool = False
) -> outreach.Draft:
    return outreach.render_draft(ws, "ask_share", contact_id, ask_id=ask_id, anyway=anyway)
