"""Asks, gives and requests in real hands: a double click adds one record, every record
can be deleted and says what goes with it, an ask that needs trust says what earns it.

Today is Wednesday 25 November 2026 (tests.conftest.TODAY). Weights: share 0.5, link 2,
guest post 3, help 4; a guest post needs trust "acquainted".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from planner.domain.model import AskStatus, GiveStatus, Kind, Settings, Trust
from planner.domain.trust_steps import small_ask_kind, trust_step
from planner.errors import Conflict, InvalidInput, NotFound
from planner.services import (
    Workspace,
    asks,
    balances,
    contacts,
    gives,
    help_requests,
    ledger,
    open_workspace,
)
from planner.storage.schema import InteractionRow
from tests.conftest import TODAY


def person(ws: Workspace, name: str) -> int:
    return contacts.add(ws, contacts.ContactInput(name=name, tier="active")).id


def rows(ws: Workspace, **where: object) -> list[InteractionRow]:
    with ws.read() as s:
        query = select(InteractionRow)
        for key, value in where.items():
            query = query.where(getattr(InteractionRow, key) == value)
        return list(s.scalars(query.order_by(InteractionRow.id)))


# --- a double click adds one -------------------------------------------------------------


def test_the_same_new_ask_twice_within_a_minute_is_one_ask(db_url: str) -> None:
    now = [datetime(2026, 11, 25, 12, 0, tzinfo=UTC)]
    ws = open_workspace(db_url, clock=lambda: now[0])
    try:
        person(ws, "Ann Lee")
        data = asks.AskInput(kind="share", contact="Ann Lee", title="Share my guide")
        first = asks.add_once(ws, data)
        now[0] += timedelta(seconds=2)
        again = asks.add_once(ws, data)  # the double click
        assert again.id == first.id and len(asks.assess(ws)) == 1
        other = asks.add_once(ws, asks.AskInput(kind="share", contact="Ann Lee", title="Other"))
        assert other.id != first.id and len(asks.assess(ws)) == 2
        now[0] += asks.REPEAT_WINDOW  # a minute later it is a new ask, on purpose
        assert asks.add_once(ws, data).id not in (first.id, other.id)
        assert len(asks.assess(ws)) == 3
    finally:
        ws.engine.dispose()


def test_the_same_new_give_and_request_twice_are_one_each(ws: Workspace) -> None:
    person(ws, "Ann Lee")
    give = gives.GiveInput(kind="link", contact="Ann Lee", due=TODAY, title="Link to Ann")
    assert gives.add_once(ws, give).id == gives.add_once(ws, give).id
    assert len(gives.list_gives(ws)) == 1
    request = help_requests.RequestInput(contact="Ann Lee", kind="help", title="Review my page")
    assert help_requests.add_once(ws, request).id == help_requests.add_once(ws, request).id
    assert len(help_requests.review(ws)) == 1


# --- deleting an ask ---------------------------------------------------------------------


def test_deleting_a_done_ask_removes_its_ledger_row_and_keeps_the_gives_toward_it(
    ws: Workspace,
) -> None:
    person(ws, "Ann Lee")
    ask = asks.add(ws, asks.AskInput(kind="link", contact="Ann Lee", title="A link from Ann"))
    give = gives.add(ws, gives.GiveInput(kind="share", contact="Ann Lee", due=TODAY, ask_id=ask.id))
    gives.done(ws, give.id)  # I gave 0.5
    asks.set_status(ws, ask.id, AskStatus.DONE)  # she linked to me: I received 2
    (bal,) = balances.all_balances(ws)
    assert bal.balance == pytest.approx(0.5 - 2.0)
    gone = asks.deletion(ws, ask.id)
    assert (gone.ledger_rows, gone.gives) == (1, 1)
    assert gone.sentence == (
        f"Yes, delete ask #{ask.id} and the ledger row it logged when done "
        "(the planned give toward it stays)"
    )
    assert asks.delete_ask(ws, ask.id) == gone
    with pytest.raises(NotFound):
        asks.get(ws, ask.id)
    assert rows(ws, source="ask") == []
    (bal,) = balances.all_balances(ws)
    assert bal.balance == pytest.approx(0.5)  # only my give is left
    kept = gives.get(ws, give.id)
    assert (kept.status, kept.ask_id) == (GiveStatus.DONE, None)
    assert [r.give_id for r in rows(ws, source="plan")] == [give.id]


def test_an_open_ask_deletes_with_nothing_else(ws: Workspace) -> None:
    person(ws, "Ann Lee")
    ask = asks.add(ws, asks.AskInput(kind="share", contact="Ann Lee"))
    assert asks.deletion(ws, ask.id).sentence == f"Yes, delete ask #{ask.id}"
    asks.delete_ask(ws, ask.id)
    assert asks.assess(ws) == []
    with pytest.raises(NotFound):
        asks.delete_ask(ws, ask.id)


# --- deleting a give ---------------------------------------------------------------------


def test_a_done_give_is_reopened_before_it_is_deleted(ws: Workspace) -> None:
    person(ws, "Ann Lee")
    g = gives.add(ws, gives.GiveInput(kind="link", contact="Ann Lee", due=TODAY))
    gives.done(ws, g.id)
    assert balances.all_balances(ws)[0].balance == pytest.approx(2.0)
    with pytest.raises(Conflict, match="reopen it"):
        gives.delete_give(ws, g.id)
    gives.reopen(ws, g.id)
    gives.delete_give(ws, g.id)
    assert gives.list_gives(ws) == [] and rows(ws) == []


# --- editing and deleting a request ------------------------------------------------------


def test_a_request_is_edited_and_deleted_with_its_planned_give(ws: Workspace) -> None:
    person(ws, "Ann Lee")
    person(ws, "Bo Berg")
    r = help_requests.add(ws, help_requests.RequestInput(contact="Ann Lee", kind="help"))
    edited = help_requests.update(
        ws,
        r.id,
        help_requests.RequestInput(
            contact="Bo Berg", kind="link", received_on=TODAY - timedelta(days=1), title="A link"
        ),
    )
    assert (edited.kind, edited.title, edited.received_on) == (
        Kind.LINK,
        "A link",
        TODAY - timedelta(days=1),
    )
    accepted = help_requests.accept(ws, r.id)
    with pytest.raises(Conflict, match="reopen the request"):
        help_requests.update(ws, r.id, help_requests.RequestInput(contact="Ann Lee", kind="link"))
    gone = help_requests.deletion(ws, r.id)
    assert (gone.open_gives, gone.done_gives) == (1, 0)
    assert gone.sentence == f"Yes, delete request #{r.id} and the planned give for it"
    help_requests.delete_request(ws, r.id)
    assert help_requests.review(ws) == []
    with pytest.raises(NotFound):
        gives.get(ws, accepted.give.id)


def test_a_done_give_for_a_deleted_request_stays_in_the_ledger(ws: Workspace) -> None:
    person(ws, "Ann Lee")
    r = help_requests.add(ws, help_requests.RequestInput(contact="Ann Lee", kind="help"))
    give = help_requests.accept(ws, r.id).give
    gives.done(ws, give.id)  # help: 4 points
    assert help_requests.deletion(ws, r.id).sentence == (
        f"Yes, delete request #{r.id} (the done give stays in the ledger)"
    )
    help_requests.delete_request(ws, r.id)
    kept = gives.get(ws, give.id)
    assert (kept.status, kept.request_id) == (GiveStatus.DONE, None)
    assert balances.all_balances(ws)[0].balance == pytest.approx(4.0)


def test_the_recommendation_is_for_open_requests_only(ws: Workspace) -> None:
    person(ws, "Ann Lee")
    r = help_requests.add(ws, help_requests.RequestInput(contact="Ann Lee", kind="help"))
    view = help_requests.decide(ws, r.id)
    assert view.advice is not None and view.advice.recommendation == "yes"
    help_requests.accept(ws, r.id)
    after = help_requests.decide(ws, r.id)
    assert after.advice is None and after.request.status == "accepted"
    assert after.label == f"#{r.id} Ann Lee: Help (Accepted)"


# --- needs trust -------------------------------------------------------------------------


def test_an_ask_that_needs_trust_says_what_earns_it_and_plans_a_first_give(
    ws: Workspace,
) -> None:
    person(ws, "Ann Lee")
    ledger.add(
        ws,
        ledger.LedgerInput(contact="Ann Lee", direction="gave", kind="link", occurred_on=TODAY),
    )
    ask = asks.add(ws, asks.AskInput(kind="guest_post", contact="Ann Lee", status="planned"))
    view = asks.assess_one(ws, ask.id)
    assert view.state == "needs_trust" and view.trust_step is not None
    assert view.trust_step.explanation == (
        "Needs trust level Acquainted: Ann Lee and you have not exchanged favours both ways "
        "yet (so far they gave you nothing and you gave them once). Earn it with a small "
        "first give, a thank-you, or a first small ask (share)."
    )
    assert (view.trust_step.first_give, view.trust_step.small_ask) == (Kind.SHARE, Kind.SHARE)
    give = asks.plan_first_give(ws, ask.id)
    assert (give.kind, give.contact, give.due_date, give.ask_id, give.status) == (
        Kind.SHARE,
        "Ann Lee",
        TODAY,
        ask.id,
        GiveStatus.PLANNED,
    )
    assert asks.plan_first_give(ws, ask.id).id == give.id  # asked twice: still one
    assert len(gives.list_gives(ws)) == 1


def test_a_ready_ask_offers_no_trust_step(ws: Workspace) -> None:
    person(ws, "Ann Lee")
    ask = asks.add(ws, asks.AskInput(kind="share", contact="Ann Lee"))
    assert asks.assess_one(ws, ask.id).trust_step is None
    with pytest.raises(InvalidInput, match="does not wait for trust"):
        asks.plan_first_give(ws, ask.id)


def test_trusted_takes_favours_over_quarters_with_mine_given_back() -> None:
    step = trust_step(
        "Bo", required=Trust.TRUSTED, now=Trust.ACQUAINTED, received=2, given=0, settings=Settings()
    )
    assert step.explanation == (
        "Needs trust level Trusted (now Acquainted): it takes 3 favours from Bo over 2 "
        "quarters, with yours given back (so far they gave you 2 times and you gave them "
        "nothing). Earn it by giving first, a thank-you, and small asks they can say yes to."
    )
    assert step.template == "first_transaction"


def test_the_first_small_ask_is_the_cheapest_kind_that_needs_no_trust() -> None:
    assert small_ask_kind(Settings()) is Kind.SHARE
    dearer = Settings(weights={**Settings().weights, Kind.SHARE: 9.0})
    assert small_ask_kind(dearer) is Kind.MENTION  # 1 point: the next cheapest


def test_scheduling_the_same_cheapest_give_twice_plans_it_once(ws: Workspace) -> None:
    person(ws, "Ann Lee")
    ask = asks.add(
        ws,
        asks.AskInput(
            kind="link", contact="Ann Lee", target=TODAY + timedelta(days=14), status="planned"
        ),
    )
    option = asks.assess_one(ws, ask.id).options[0]
    first = asks.schedule_option(ws, ask.id, option.kind)
    assert asks.schedule_option(ws, ask.id, option.kind).id == first.id
    assert [g.id for g in gives.list_gives(ws)] == [first.id]


def test_a_short_ask_past_its_target_says_the_day_in_words(ws: Workspace) -> None:
    person(ws, "Ann Lee")
    ask = asks.add(
        ws,
        asks.AskInput(kind="link", contact="Ann Lee", target=TODAY - timedelta(days=3)),
    )
    view = asks.assess_one(ws, ask.id)
    assert view.reason == (
        "short by 2.0 points (balance 0.0, cost 2.0); the target date 22 Nov 2026 has passed"
    )
