"""When the integrity check runs at open: always when asked, else only after a session on
the SQLite file did not end cleanly (its open marker left behind by a process now gone);
and the cheap "already at head?" answer of the migrations."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from planner.services import contacts, ledger, open_workspace
from planner.services.contacts import ContactInput
from planner.services.ledger import LedgerInput
from planner.services.opening import close_workspace
from planner.services.workspace import open_database
from planner.storage import db, migrate
from planner.storage.db import make_engine
from tests.conftest import ROOT


class Spy:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, engine: object) -> list[str]:
        self.calls += 1
        return db.integrity_problems(engine)  # type: ignore[arg-type]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    found = Spy()
    monkeypatch.setattr("planner.services.workspace.integrity_problems", found)
    return found


@pytest.fixture
def path(tmp_path: Path) -> Path:
    made = tmp_path / "planner.db"
    close_workspace(open_database(f"sqlite:///{made}"))
    return made


def markers(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.glob(f"{path.name}.open-*"))


def dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def test_a_sound_close_leaves_no_marker_and_the_next_open_does_not_check(
    path: Path, spy: Spy
) -> None:
    assert markers(path) == []
    ws = open_database(f"sqlite:///{path}", check=None)
    assert markers(path) == [f"planner.db.open-{os.getpid()}"]
    assert spy.calls == 0 and ws.problems == []
    close_workspace(ws)
    assert markers(path) == []


def test_check_true_always_checks_and_false_never(path: Path, spy: Spy) -> None:
    close_workspace(open_database(f"sqlite:///{path}"))  # the default: the app, scripts
    assert spy.calls == 1
    close_workspace(open_workspace(f"sqlite:///{path}"))
    assert spy.calls == 2
    (path.parent / f"{path.name}.open-{dead_pid()}").write_text("1 1\n")
    close_workspace(open_database(f"sqlite:///{path}", check=False))
    assert spy.calls == 2 and len(markers(path)) == 1  # not checked: the marker stays


def test_a_killed_process_makes_the_next_open_check_then_its_marker_goes(
    path: Path, spy: Spy
) -> None:
    code = (
        "import os, signal\n"
        "from planner.services import open_workspace\n"
        f"open_workspace({f'sqlite:///{path}'!r}, check=False)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False)
    assert done.returncode == -signal.SIGKILL
    assert len(markers(path)) == 1  # left behind
    ws = open_database(f"sqlite:///{path}", check=None)
    assert spy.calls == 1 and ws.problems == []
    close_workspace(ws)
    assert markers(path) == []  # the check found it sound: no check next time
    close_workspace(open_database(f"sqlite:///{path}", check=None))
    assert spy.calls == 1


def test_a_live_process_holding_the_database_is_no_false_alarm(path: Path, spy: Spy) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        marker = path.parent / f"{path.name}.open-{other.pid}"
        marker.write_text(f"{other.pid} {db._process_started(other.pid)}\n")
        close_workspace(open_database(f"sqlite:///{path}", check=None))
        assert spy.calls == 0 and marker.exists()
    finally:
        other.kill()
        other.wait()


def test_a_reused_pid_is_not_taken_for_the_process_that_wrote_the_marker(
    path: Path, spy: Spy
) -> None:
    if not db._process_started(os.getpid()):
        pytest.skip("no /proc: start times are not known here")
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        # the PID is alive, but not the process that wrote the marker (it started earlier)
        (path.parent / f"{path.name}.open-{other.pid}").write_text(f"{other.pid} 1\n")
        close_workspace(open_database(f"sqlite:///{path}", check=None))
        assert spy.calls == 1
    finally:
        other.kill()
        other.wait()


def test_problems_found_after_an_unclean_end_keep_being_reported(path: Path) -> None:
    ws = open_workspace(f"sqlite:///{path}")
    kept = contacts.add(ws, ContactInput(name="Kept"))
    row = ledger.add(
        ws, LedgerInput(contact=kept.id, direction="gave", kind="mention", occurred_on="2026-11-01")
    )
    close_workspace(ws)
    raw = sqlite3.connect(path, isolation_level=None)  # foreign_keys is off here
    try:
        raw.execute("UPDATE interactions SET contact_id = 4242 WHERE id = ?", (row.id,))
    finally:
        raw.close()
    (path.parent / f"{path.name}.open-{dead_pid()}").write_text("1 1\n")
    for _ in range(2):
        ws = open_database(f"sqlite:///{path}", check=None)
        assert ws.problems == [f"interactions row {row.id}: missing contacts row"]
        close_workspace(ws)
    assert len(markers(path)) == 1


def test_the_head_read_from_the_scripts_is_alembics(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    expected = ScriptDirectory.from_config(migrate.alembic_config(engine)).get_heads()
    assert migrate.script_heads() == frozenset(expected) and expected


def test_an_older_database_is_still_upgraded_at_open(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0001")
    engine.dispose()
    ws = open_database(db_url)
    try:
        assert migrate.current_revision(ws.engine) == migrate.head_revision(ws.engine)
    finally:
        close_workspace(ws)


def test_a_stale_marker_with_this_process_pid_is_an_unclean_end(path: Path, spy: Spy) -> None:
    """A restarted container reuses PIDs: a marker with this PID but another start time is
    not this process's; this process takes it over and keeps it while open."""
    if not db._process_started(os.getpid()):
        pytest.skip("no /proc: start times are not known here")
    own = path.parent / f"{path.name}.open-{os.getpid()}"
    own.write_text(f"{os.getpid()} 1\n")
    ws = open_database(f"sqlite:///{path}", check=None)
    assert spy.calls == 1 and own.exists()
    close_workspace(ws)
    assert not own.exists()
