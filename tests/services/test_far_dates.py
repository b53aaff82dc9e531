"""Far dates never crash the goodwill maths (issue 13, point 1).

A stored growth value is ``base × 2^(days since 2020-01-01 / H)``; from about 2059 at the
14-day half-life that overflowed, so one row dated far ahead crashed every balance, every
ingest that logged it and every lowering of the half-life. Now the exponent is clamped,
balances outside the window where the clamped sum is exact are summed row by row, and every
door refuses a date outside planner.domain.values' window (1970-01-01..2199-12-31).

Each balance here is compared with the row-by-row sum of ``goodwill.value``: the model's
definition, with no growth column involved.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from planner.cli import main
from planner.domain import goodwill
from planner.domain.model import Settings
from planner.errors import InvalidInput
from planner.services import Workspace, balances, contacts, ledger, valuation
from planner.services import settings as settings_service
from planner.services.contacts import ContactInput
from planner.storage.schema import InteractionRow, SettingRow
from tests.conftest import TODAY

#: (day, direction, kind) of Jane's ledger, from the first allowed day to the last.
ROWS = [
    (date(1970, 1, 1), "gave", "interview"),  # 5 points
    (date(1984, 6, 1), "gave", "link"),  # 2
    (date(2026, 5, 1), "received", "feature"),  # 3
    (TODAY, "gave", "mention"),  # 1
    (date(2150, 1, 1), "gave", "promotion"),  # 5
    (date(2199, 12, 31), "received", "link"),  # 2: the last allowed day
]


def _jane_with_rows(ws: Workspace) -> int:
    jane = contacts.add(ws, ContactInput(name="Jane Doe"))
    for day, direction, kind in ROWS:
        ledger.add(ws, ledger.LedgerInput("Jane Doe", direction, kind, day))
    return jane.id


def _expected(ws: Workspace, as_of: date) -> tuple[float, float]:
    """(given, received) as of ``as_of``, row by row from goodwill.value (no reaches set)."""
    settings = ws.settings()
    given = received = 0.0
    for it in ledger.list_interactions(ws):
        points = goodwill.value(it, as_of=as_of, my_reach=None, their_reach=None, settings=settings)
        if it.direction == "gave":
            given += points
        else:
            received += points
    return given, received


def _rows(ws: Workspace) -> list[tuple[int, date, float, float, int]]:
    with ws.read() as s:
        query = select(
            InteractionRow.id,
            InteractionRow.occurred_on,
            InteractionRow.base,
            InteractionRow.growth,
            InteractionRow.quarter,
        ).order_by(InteractionRow.id)
        return [tuple(r) for r in s.execute(query)]  # type: ignore[misc]


# --------------------------------------------------------------------------- balances

AS_OF_DATES = [
    date(1970, 1, 1),  # at H = 14: 1304 half-lives before 2020, below the exact window
    date(1990, 1, 1),  # −782 half-lives: inside
    TODAY,
    date(2060, 1, 1),  # +1043: above it
    date(2199, 12, 31),  # +4696
    date(2400, 1, 1),  # an as-of date is not stored: any day works
]


@pytest.mark.parametrize("half_life", [14.0, 180.0])
@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
def test_balances_at_any_date_equal_the_row_by_row_sum(
    ws: Workspace, half_life: float, as_of: date
) -> None:
    jane = _jane_with_rows(ws)
    settings_service.update_settings(ws, half_life_days=half_life)
    given, received = _expected(ws, as_of)
    got = balances.balance_of(ws, jane, as_of=as_of).summary
    assert got.given == pytest.approx(given, rel=1e-9, abs=1e-12)
    assert got.received == pytest.approx(received, rel=1e-9, abs=1e-12)
    listed = next(b for b in balances.all_balances(ws, as_of=as_of) if b.contact.id == jane)
    assert listed.balance == pytest.approx(given - received, rel=1e-9, abs=1e-12)


def test_worked_numbers_where_the_growth_column_is_clamped(ws: Workspace) -> None:
    jane = _jane_with_rows(ws)
    settings_service.update_settings(ws, half_life_days=14)
    # As of 1970-01-01 only the interview of that day counts: 5 × 1 = 5 (its stored growth
    # is clamped to 5 × 2^-960, which the one-multiplication path would turn into 5 × 2^344).
    assert not goodwill.growth_is_exact(date(1970, 1, 1), 14)
    assert balances.balance_of(ws, jane, as_of=date(1970, 1, 1)).summary.given == 5.0
    # As of 2199-12-31: the link received that day is worth 2; the promotion of 2150-01-01
    # is 18,211 days = 1300.8 half-lives old: 5 × 2^-1300.8 underflows to 0.
    summary = balances.balance_of(ws, jane, as_of=date(2199, 12, 31)).summary
    assert (summary.received, summary.given) == (2.0, 0.0)
    # Today sits inside the exact window: the mention of today is 1, the feature of
    # 2026-05-01 (208 days = 14.857 half-lives) 3 × 2^-14.857 ≈ 0.000101
    summary = balances.balance_of(ws, jane, as_of=TODAY).summary
    assert summary.given == pytest.approx(1.0, abs=1e-12)
    assert summary.received == pytest.approx(3 * 2 ** (-208 / 14))


# --------------------------------------------------------------------------- half-life


def test_lowering_the_half_life_to_14_with_a_2199_row_works(ws: Workspace) -> None:
    _jane_with_rows(ws)
    settings_service.update_settings(ws, half_life_days=14)
    assert ws.settings().half_life_days == 14.0
    rows = {day: (base, growth) for _id, day, base, growth, _q in _rows(ws)}
    assert all(math.isfinite(growth) for _base, growth in rows.values())
    base, growth = rows[date(2199, 12, 31)]
    assert growth == base * 2.0**960  # 4696 half-lives after 2020, clamped
    base, growth = rows[TODAY]  # 2520 days = 180 half-lives: as it always was
    assert growth == base * 2.0 ** (2520 / 14)


def test_a_row_dated_9999_from_an_older_version_no_longer_blocks_the_half_life(
    ws: Workspace,
) -> None:
    # At H = 36,500 the old code could store a 9999-12-31 row (2^79.8); lowering the
    # half-life then raised OverflowError. Such a row is planted behind the doors' backs.
    jane = _jane_with_rows(ws)
    settings_service.update_settings(ws, half_life_days=36_500)
    with ws.write() as s:
        s.execute(
            update(InteractionRow)
            .where(InteractionRow.occurred_on == date(2150, 1, 1))
            .values(occurred_on=date(9999, 12, 31))
        )
    settings_service.update_settings(ws, half_life_days=14)
    assert all(math.isfinite(growth) for *_rest, growth, _q in _rows(ws))
    for as_of in (TODAY, date(9999, 12, 31)):
        given, received = _expected(ws, as_of)
        got = balances.balance_of(ws, jane, as_of=as_of).summary
        assert (got.given, got.received) == pytest.approx((given, received), abs=1e-12)
    # as of that day the promotion counts in full: 5 × 1
    assert balances.balance_of(ws, jane, as_of=date(9999, 12, 31)).summary.given == 5.0


def test_a_failure_mid_recompute_leaves_settings_and_rows_as_they_were(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _jane_with_rows(ws)
    before_settings = ws.settings()
    with ws.read() as s:
        stored_before = s.get(SettingRow, "model")
        stored_value = dict(stored_before.value) if stored_before else None
    before_rows = _rows(ws)
    # one row per UPDATE, and the third row's growth fails: two rows are already written
    # in the transaction when it does
    monkeypatch.setattr(valuation, "BATCH", 1)
    calls: list[date] = []
    real_growth = goodwill.growth

    def failing_growth(base: float, day: date, half_life: float) -> float:
        calls.append(day)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real_growth(base, day, half_life)

    monkeypatch.setattr(goodwill, "growth", failing_growth)
    with pytest.raises(RuntimeError, match="disk on fire"):
        settings_service.update_settings(ws, half_life_days=14)
    assert len(calls) == 3
    assert ws.settings() == before_settings
    assert before_settings.half_life_days == Settings().half_life_days  # 180, not 14
    with ws.read() as s:
        stored_after = s.get(SettingRow, "model")
        assert (dict(stored_after.value) if stored_after else None) == stored_value
    assert _rows(ws) == before_rows

    monkeypatch.setattr(goodwill, "growth", real_growth)  # and the same change then works
    settings_service.update_settings(ws, half_life_days=14)
    assert ws.settings().half_life_days == 14.0
    assert _rows(ws) != before_rows


# --------------------------------------------------------------------------- doors


def test_the_ledger_service_refuses_a_date_past_the_window(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Jane Doe"))
    with pytest.raises(InvalidInput, match="date 9999-12-31 is after 2199-12-31"):
        ledger.add(ws, ledger.LedgerInput("Jane Doe", "gave", "mention", "9999-12-31"))
    with pytest.raises(InvalidInput, match="date 1969-12-31 is before 1970-01-01"):
        ledger.add(ws, ledger.LedgerInput("Jane Doe", "gave", "mention", date(1969, 12, 31)))
    assert ledger.list_interactions(ws) == []


def test_planner_ledger_add_refuses_9999_with_exit_2_and_no_traceback(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    contacts.add(ws, ContactInput(name="Jane Doe"))
    args = ["ledger", "add", "--contact", "Jane Doe", "--direction", "gave"]
    code = main(["--database", db_url, *args, "--kind", "mention", "--date", "9999-12-31"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "9999-12-31 is after 2199-12-31" in err
    assert "Traceback" not in err
    assert ledger.list_interactions(ws) == []


def test_planner_ledger_import_refuses_a_9999_row_and_imports_nothing(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, tmp_path: Path
) -> None:
    contacts.add(ws, ContactInput(name="Jane Doe"))
    csv_file = tmp_path / "ledger.csv"
    csv_file.write_text(
        "contact,direction,kind,date,magnitude\n"
        "Jane Doe,gave,mention,2026-01-01,1\n"
        "Jane Doe,gave,mention,9999-12-31,1\n"
    )
    code = main(["--database", db_url, "ledger", "import", str(csv_file)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "9999-12-31" in out + err
    assert "Traceback" not in err
    assert ledger.list_interactions(ws) == []  # all or nothing: the good row is not kept
