"""One clock under test: $PLANNER_CLOCK freezes "today" for everything that opens a workspace
by itself (the app, the CLI), and the suite sets it to TODAY for the whole run."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner.errors import InvalidInput
from planner.services import open_workspace
from planner.services.workspace import CLOCK_ENV, clock_from_env
from tests.conftest import ROOT, TODAY, fixed_clock


def test_a_date_freezes_noon_utc_the_moment_the_fixtures_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(CLOCK_ENV, "2031-02-28")
    clock = clock_from_env()
    assert clock is not None
    assert clock() == datetime(2031, 2, 28, 12, tzinfo=UTC)
    assert clock() == clock(), "frozen: it does not tick"
    assert fixed_clock(date(2031, 2, 28))() == clock()


def test_a_date_time_keeps_its_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CLOCK_ENV, "2031-03-01T00:30:00+02:00")
    clock = clock_from_env()
    assert clock is not None
    moment = clock()
    assert moment.utcoffset() == timedelta(hours=2)
    assert moment.astimezone(UTC) == datetime(2031, 2, 28, 22, 30, tzinfo=UTC)


def test_unset_means_the_real_clock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CLOCK_ENV)
    assert clock_from_env() is None
    ws = open_workspace(f"sqlite:///{tmp_path / 'real.db'}")
    try:
        assert abs(ws.clock() - datetime.now(UTC)) < timedelta(minutes=5)
    finally:
        ws.engine.dispose()


@pytest.mark.parametrize(
    "value", ["25/11/2026", "2026-11-31", "tomorrow", "2026-11-25T10:00:00", "2026-11-25 10:00"]
)
def test_a_malformed_value_is_refused_by_name_before_the_database_is_touched(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    monkeypatch.setenv(CLOCK_ENV, value)
    db = tmp_path / "untouched.db"
    with pytest.raises(InvalidInput, match=CLOCK_ENV) as caught:
        open_workspace(f"sqlite:///{db}")
    assert caught.value.field == CLOCK_ENV
    assert not db.exists(), "refused before the database was created or migrated"


def test_an_explicit_clock_wins_over_the_variable(tmp_path: Path) -> None:
    later = datetime(2030, 6, 1, 9, tzinfo=timezone.utc)  # noqa: UP017 (both spellings)
    ws = open_workspace(f"sqlite:///{tmp_path / 'w.db'}", clock=lambda: later)
    try:
        assert ws.today() == date(2030, 6, 1)
    finally:
        ws.engine.dispose()


def test_the_suite_runs_on_one_day() -> None:
    ws_clock = clock_from_env()
    assert ws_clock is not None, "tests/conftest.py sets $PLANNER_CLOCK for the whole run"
    assert ws_clock() == fixed_clock()()
    assert ws_clock().date() == TODAY


def test_the_app_under_apptest_runs_on_the_test_clock(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.date_input(key="dashboard_as_of").value == TODAY


def test_the_app_names_a_malformed_clock_instead_of_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv(CLOCK_ENV, "next tuesday")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    shown = [e.value.replace("\\", "") for e in at.error]  # markdown-escaped on screen
    assert any(CLOCK_ENV in text and "'next tuesday'" in text for text in shown), shown


def test_the_cli_in_a_subprocess_stamps_its_work_with_the_test_clock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    out = tmp_path / "backup.zip"
    done = subprocess.run(
        [sys.executable, "-m", "planner", "--database", url, "backup", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["created_at"] == f"{TODAY.isoformat()}T12:00:00Z"
