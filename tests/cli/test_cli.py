"""The `planner` command: real invocations of main() on a throwaway database."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from planner.services import Workspace, balances, contacts
from tests.conftest import ROOT
from tests.conftest import run_cli as run


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_init_then_demo_if_empty_loads_once(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    code, out, _ = run(capsys, db_url, "init", "--demo-if-empty")
    assert code == 0 and "demo workspace loaded" in out
    code, out, _ = run(capsys, db_url, "init", "--demo-if-empty")
    assert code == 0 and "demo workspace loaded" not in out
    code, _, err = run(capsys, db_url, "demo")
    assert code == 2 and "already holds data" in err


def test_demo_remove_keeps_what_i_added_unless_everything(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    run(capsys, db_url, "demo")
    assert contacts.count_active(ws) > 20
    contacts.add(ws, contacts.ContactInput(name="My Own Contact"))
    code, _, err = run(capsys, db_url, "demo", "--everything")
    assert code == 2 and "--everything goes with --remove" in err
    code, out, _ = run(capsys, db_url, "demo", "--remove")
    assert code == 0 and "demo removed" in out
    assert [c.name for c in contacts.list_contacts(ws)] == ["My Own Contact"]
    code, out, _ = run(capsys, db_url, "demo", "--remove", "--everything")
    assert code == 0 and "everything removed (1 contacts)" in out
    assert contacts.count_active(ws) == 0


def test_contacts_add_with_repeatable_options(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    code, out, _ = run(
        capsys,
        db_url,
        "contacts",
        "add",
        "--name",
        "Jane Doe",
        "--tier",
        "deep",
        "--reach",
        "12000",
        "--email",
        "jane@doe.example",
        "--domain",
        "janedoe.example",
        "--domain",
        "jane.substack.com",
        "--alias",
        "JD",
        "--alias",
        "Janie",
        "--handle",
        "@janedoe",
    )
    assert code == 0, out
    jane = contacts.list_contacts(ws, search="Jane Doe")[0]
    assert jane.domains == ("janedoe.example", "jane.substack.com")
    assert jane.aliases == ("JD", "Janie")
    assert jane.handles == ("@janedoe",)
    assert jane.tier == "deep" and jane.reach == 12000


def test_ledger_add_and_export_balances_as_of(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    run(capsys, db_url, "contacts", "add", "--name", "Jane Doe")
    code, out, err = run(
        capsys,
        db_url,
        "ledger",
        "add",
        "--contact",
        "jane doe",
        "--direction",
        "gave",
        "--kind",
        "interview",
        "--date",
        "2026-01-01",
    )
    assert code == 0, err
    code, out, _ = run(capsys, db_url, "export", "balances", "--as-of", "2026-06-30")
    assert code == 0
    [row] = rows(out)
    # interview weight 5, decay 0.5^(180/180) = 0.5 → 2.5
    assert float(row["given"]) == pytest.approx(2.5)
    assert float(row["balance"]) == pytest.approx(2.5)
    assert row["trust"] == "new"
    assert row["one_sided"] == "false"
    code, out, _ = run(capsys, db_url, "export", "balances", "--as-of", "2025-12-31")
    assert float(rows(out)[0]["balance"]) == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (
            [
                "ledger",
                "add",
                "--contact",
                "Nobody",
                "--direction",
                "gave",
                "--kind",
                "mention",
                "--date",
                "2026-01-01",
            ],
            "no contact named 'Nobody'",
        ),
        (["contacts", "add", "--name", "X", "--reach", "many"], "reach"),
        (["export", "nonsense"], "unknown table"),
        (["contacts", "import", "/nonexistent/file.csv"], "cannot read"),
    ],
)
def test_mistakes_give_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], db_url: str, args: list[str], message: str
) -> None:
    code, _, err = run(capsys, db_url, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_bad_argument_exits_2_without_traceback(db_url: str) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "planner",
            "--database",
            db_url,
            "ledger",
            "add",
            "--contact",
            "A",
            "--direction",
            "sideways",
            "--kind",
            "mention",
            "--date",
            "2026-01-01",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_export_contacts_and_ledger_to_files(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    run(capsys, db_url, "demo")
    for table in ("contacts", "ledger", "balances"):
        out = tmp_path / f"{table}.csv"
        code, _, _ = run(capsys, db_url, "export", table, "--out", str(out))
        assert code == 0
        data = out.read_bytes()
        assert b"\r\n" in data
        assert len(rows(data.decode("utf-8"))) > 10


def test_demo_balances_match_the_service(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    run(capsys, db_url, "demo")
    _, out, _ = run(capsys, db_url, "export", "balances", "--as-of", ws.today().isoformat())
    exported = {r["contact"]: float(r["balance"]) for r in rows(out)}
    for b in balances.all_balances(ws):
        assert exported[b.contact.name] == pytest.approx(b.balance, abs=1e-3)
