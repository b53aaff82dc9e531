"""What a command pays for at start: the integrity check only where it matters
(``planner check``, after an unclean end), and no heavy module it does not use."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.services import Workspace, contacts, ledger, open_workspace
from planner.services.contacts import ContactInput
from planner.services.ledger import LedgerInput
from planner.services.opening import close_workspace
from planner.storage import db
from tests.conftest import ROOT
from tests.conftest import run_cli as run


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The engines the integrity check ran on, from now on."""
    seen: list[object] = []

    def spy(engine: object) -> list[str]:
        seen.append(engine)
        return db.integrity_problems(engine)  # type: ignore[arg-type]

    monkeypatch.setattr("planner.services.workspace.integrity_problems", spy)
    return seen


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'planner.db'}"


@pytest.fixture
def ws_at(sqlite_url: str) -> Iterator[Workspace]:
    ws = open_workspace(sqlite_url)
    yield ws
    close_workspace(ws)


def _plant_orphan(ws: Workspace, url: str) -> int:
    kept = contacts.add(ws, ContactInput(name="Kept"))
    row = ledger.add(
        ws, LedgerInput(contact=kept.id, direction="gave", kind="mention", occurred_on="2026-11-01")
    )
    raw = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    try:  # foreign_keys is off in this connection
        raw.execute("UPDATE interactions SET contact_id = 4242 WHERE id = ?", (row.id,))
    finally:
        raw.close()
    return row.id


def _leave_a_dead_session(url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(done.stdout)
    Path(f"{url.removeprefix('sqlite:///')}.open-{pid}").write_text(f"{pid} 1\n")


def test_a_normal_command_does_not_check_the_database(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, checks: list[object]
) -> None:
    assert run(capsys, sqlite_url, "init")[0] == 0
    code, out, _ = run(capsys, sqlite_url, "templates", "list")
    assert code == 0 and "built-in" in out
    assert checks == []


def test_planner_check_always_checks_and_reports(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, ws_at: Workspace, checks: list[object]
) -> None:
    code, out, _ = run(capsys, sqlite_url, "check")
    assert code == 0 and "database check: ok" in out and len(checks) == 1
    row = _plant_orphan(ws_at, sqlite_url)
    code, out, err = run(capsys, sqlite_url, "check")
    assert code == 1 and len(checks) == 2
    assert f"interactions row {row}: missing contacts row" in err
    assert "1 problem(s) found" in err


def test_after_an_unclean_end_a_command_checks_and_warns(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, ws_at: Workspace, checks: list[object]
) -> None:
    row = _plant_orphan(ws_at, sqlite_url)
    _leave_a_dead_session(sqlite_url)
    code, _, err = run(capsys, sqlite_url, "templates", "list")
    assert code == 0 and len(checks) == 1
    assert f"warning: database check: interactions row {row}: missing contacts row" in err


def test_the_app_checks_at_start(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    """planner.ui opens its workspace with open_workspace()'s defaults: checked."""
    import planner.ui

    opened: list[dict[str, object]] = []

    def fake(*args: object, **kwargs: object) -> object:
        opened.append(kwargs)
        return object()

    monkeypatch.setattr(planner.ui, "open_workspace", fake)
    planner.ui._workspace.clear()
    try:
        planner.ui._workspace()
    finally:
        planner.ui._workspace.clear()
    assert opened and opened[0].get("check", True) is True


#: What listing templates has no use for. (Jinja2 stays: the template library it lists is
#: Jinja2's.) A real assertion on sys.modules; the speed itself is measured by benchmarks.
HEAVY = ["pandas", "numpy", "feedparser", "requests", "listparser", "alembic", "streamlit"]


def _modules_after(argv: list[str], url: str) -> dict[str, object]:
    code = (
        "import json, sys\n"
        "from planner.cli import main\n"
        f"code = main({['--database', url, *argv]!r})\n"
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(json.dumps({'code': code, 'loaded': loaded}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_parser_is_built_without_the_services() -> None:
    code = (
        "import sys\n"
        "from planner.cli import build_parser\n"
        "build_parser().format_help()\n"
        "print([m for m in sys.modules if m.startswith(('planner.services', 'sqlalchemy'))])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    assert done.stdout.strip() == "[]"


def test_templates_list_imports_no_heavy_module(
    capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    assert run(capsys, sqlite_url, "init")[0] == 0
    assert _modules_after(["templates", "list"], sqlite_url) == {"code": 0, "loaded": []}


def test_a_reader_that_leaves_early_gets_no_traceback(sqlite_url: str) -> None:
    """`planner settings show | head -1`: the pipe closes, the command ends quietly."""
    command = f"{sys.executable} -m planner --database {sqlite_url} settings show | head -1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert len(done.stdout.splitlines()) == 1
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    assert done.returncode in (0, 141)
