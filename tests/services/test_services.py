"""Services over a real database: balances with worked numbers, validation, settings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.errors import Conflict, InvalidInput, NotFound
from planner.services import Workspace, balances, contacts, exports, ledger
from planner.services import settings as settings_service
from planner.services.contacts import ContactInput
from planner.services.ledger import LedgerInput
from tests.conftest import TODAY


def _add(
    ws: Workspace, who: str | None, direction: str, kind: str, days_ago: int, magnitude: float = 1.0
) -> None:
    ledger.add(
        ws,
        LedgerInput(
            contact=who,
            direction=direction,
            kind=kind,
            occurred_on=TODAY - timedelta(days=days_ago),
            magnitude=magnitude,
        ),
    )


def test_balance_worked_example_from_the_database(ws: Workspace) -> None:
    settings_service.save_profile(ws, name="Pat Planner", reach=10_000)
    contacts.add(ws, ContactInput(name="Big Expert", reach=40_000))
    _add(ws, "Big Expert", "gave", "interview", 180)
    _add(ws, "Big Expert", "gave", "mention", 0)
    _add(ws, "Big Expert", "received", "link", 360)
    b = next(x for x in balances.all_balances(ws) if x.contact.name == "Big Expert")
    # interview I gave: weight 5 × exposure clamp(sqrt(10k/40k)=0.5) × decay 0.5^(180/180)=0.5
    #   = 1.25
    # mention today: 1 × 0.5 × 1 = 0.5                      → given = 1.75
    # link they gave: 2 × clamp(sqrt(40k/10k)=2) × 0.5^2 = 1  → received = 1.0
    assert b.summary.given == pytest.approx(1.75)
    assert b.summary.received == pytest.approx(1.0)
    assert b.balance == pytest.approx(0.75)
    # lifetime: given 2.5 + 0.5 = 3.0, received 4.0 → ratio 4/3
    assert b.summary.reciprocity_ratio == pytest.approx(4 / 3)
    assert b.trust == "acquainted"


def test_balance_as_of_a_past_date_ignores_later_events(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Ann Lee"))
    _add(ws, "Ann Lee", "gave", "link", 10)
    past = {b.contact.name: b for b in balances.all_balances(ws, as_of=TODAY - timedelta(30))}
    assert past["Ann Lee"].balance == 0
    now = {b.contact.name: b for b in balances.all_balances(ws)}
    assert now["Ann Lee"].balance == pytest.approx(2 * 0.5 ** (10 / 180))


def test_changing_weights_and_reach_recomputes_balances(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Ann Lee", reach=100))
    _add(ws, "Ann Lee", "gave", "mention", 0)
    assert balances.all_balances(ws)[0].balance == pytest.approx(1.0)
    settings_service.update_settings(ws, weights={"mention": 3.0})
    assert balances.all_balances(ws)[0].balance == pytest.approx(3.0)
    settings_service.save_profile(ws, name="Me", reach=400)  # exposure sqrt(400/100) = 2
    assert balances.all_balances(ws)[0].balance == pytest.approx(6.0)
    ann = contacts.list_contacts(ws, search="ann")[0]
    contacts.update(ws, ann.id, ContactInput(name="Ann Lee", reach=1600))  # sqrt(1/4)=.5
    assert balances.all_balances(ws)[0].balance == pytest.approx(1.5)


def test_explanation_sums_to_the_balance(demo_ws: Workspace) -> None:
    for b in balances.all_balances(demo_ws)[:10]:
        rows = balances.explain_balance(demo_ws, b.contact.id)
        assert sum(r.value for r in rows) == pytest.approx(b.balance, abs=1e-6)


def test_one_sided_flag_and_owed_contact_in_demo(demo_ws: Workspace) -> None:
    all_b = balances.all_balances(demo_ws)
    assert any(b.one_sided for b in all_b)
    assert any(b.balance < -1 for b in all_b)


def test_duplicate_names_and_bad_values_are_refused(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Ann Lee"))
    with pytest.raises(Conflict, match="already exists"):
        contacts.add(ws, ContactInput(name="ann lee"))
    with pytest.raises(InvalidInput, match="tier"):
        contacts.add(ws, ContactInput(name="B", tier="inner"))
    with pytest.raises(InvalidInput, match="reach"):
        contacts.add(ws, ContactInput(name="C", reach="lots"))
    with pytest.raises(InvalidInput, match="email"):
        contacts.add(ws, ContactInput(name="D", email="not-an-email"))
    with pytest.raises(InvalidInput, match="control character"):
        contacts.add(ws, ContactInput(name="E\r\nBcc: x@evil.example"))
    with pytest.raises(NotFound, match="Nobody"):
        ledger.add(
            ws,
            LedgerInput(
                contact="Nobody", direction="gave", kind="mention", occurred_on=date(2026, 1, 1)
            ),
        )
    with pytest.raises(InvalidInput, match="kind"):
        ledger.add(
            ws,
            LedgerInput(
                contact="Ann Lee", direction="gave", kind="hug", occurred_on=date(2026, 1, 1)
            ),
        )


def test_archived_contacts_leave_lists_but_keep_history(ws: Workspace) -> None:
    c = contacts.add(ws, ContactInput(name="Ann Lee"))
    _add(ws, "Ann Lee", "gave", "mention", 1)
    contacts.set_archived(ws, c.id)
    assert contacts.list_contacts(ws) == []
    assert len(ledger.list_interactions(ws, contact_id=c.id)) == 1
    assert contacts.list_contacts(ws, include_archived=True)[0].archived


def test_search_finds_aliases_domains_and_handles(ws: Workspace) -> None:
    contacts.add(
        ws,
        ContactInput(
            name="Maya Lindqvist", aliases="Maya L.", domains="maya.example", handles="@mayalind"
        ),
    )
    contacts.add(ws, ContactInput(name="Other Person"))
    for needle in ("lindq", "maya l.", "maya.example", "@mayalind"):
        assert [c.name for c in contacts.list_contacts(ws, search=needle)] == ["Maya Lindqvist"]


def test_balances_export_has_the_documented_columns(demo_ws: Workspace) -> None:
    frame = exports.balances_frame(demo_ws)
    for column in (
        "contact",
        "tier",
        "given",
        "received",
        "balance",
        "reciprocity_ratio",
        "trust",
        "one_sided",
    ):
        assert column in frame.columns
    assert len(frame) >= 20


def test_settings_refuse_nonsense(ws: Workspace) -> None:
    with pytest.raises(InvalidInput, match="half-life"):
        settings_service.update_settings(ws, half_life_days=3)
    with pytest.raises(InvalidInput, match="unknown setting"):
        settings_service.update_settings(ws, colour="blue")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"half_life_days": 40_000}, "half-life must be at most 36500 days"),
        ({"weights": {"interview": 5e20}}, "weight of interview 5e\\+20 is larger than 1000"),
        ({"weights": {"mention": float("nan")}}, "weight of mention must be a finite number"),
        ({"weights": {"link": -1}}, "weight of link must not be negative"),
        ({"exposure_max": 1e9}, "exposure bounds must satisfy 0 < min ≤ 1 ≤ max ≤ 100"),
        ({"exposure_min": 0}, "exposure bounds must satisfy"),
    ],
)
def test_settings_beyond_the_value_rules_are_refused_and_nothing_changes(
    ws: Workspace, changes: dict[str, object], message: str
) -> None:
    """planner.domain.values bounds every number that scales the ledger's stored values, so
    a typo cannot make every balance infinite (and restore refuses the same settings)."""
    before = ws.settings()
    with pytest.raises(InvalidInput, match=message):
        settings_service.update_settings(ws, **changes)
    assert ws.settings() == before
