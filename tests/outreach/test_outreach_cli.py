"""``planner draft`` follows the app's first rule: an ask that is not ready is refused
with the reason, and drafted with ``--anyway``."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.services import Workspace
from tests.conftest import run_cli


def test_the_cli_refuses_a_not_ready_ask_unless_anyway(
    demo_ws: Workspace, db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "jose.eml"
    args = ("draft", "ask_intro", "--contact", "José Núñez", "--ask", "5", "--out", str(out))
    code, _, err = run_cli(capsys, db_url, *args)
    assert code == 2
    assert "ask 5 is not ready: needs trust level trusted (now acquainted)" in err
    assert "--anyway" in err
    assert not out.exists()

    code, stdout, _ = run_cli(capsys, db_url, *args, "--anyway")
    assert code == 0
    assert b"Hi Jos" in out.read_bytes()
    assert "Could you introduce me to someone?" in stdout


def test_a_ready_ask_needs_no_anyway(
    demo_ws: Workspace, db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "maya.eml"
    code, stdout, err = run_cli(
        capsys, db_url, "draft", "ask_share", "--contact", "1", "--ask", "1", "--out", str(out)
    )
    assert code == 0, err
    assert out.exists() and "Something for your readers?" in stdout
