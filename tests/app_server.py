"""Start the app with `streamlit run` on a free loopback port, as `make run` does.

Shared by the real-browser test, the X3 browser check and the server probes of THREATS
S1-S4: the project folder's .streamlit/config.toml decides (no STREAMLIT_* variables of
the caller's environment leak in), only the port and the database change.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tests.conftest import ROOT

HEALTHY_WITHIN_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """No STREAMLIT_* overrides from the caller's environment: the shipped config decides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    return {**env, **extra}


@dataclass(frozen=True)
class RunningApp:
    port: int
    pid: int

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        return f"http://{self.host}"


@contextmanager
def running_app(database_url: str, *, env: dict[str, str] | None = None) -> Iterator[RunningApp]:
    """The app serving ``database_url``; stopped (killed if it must be) on exit. ``env``
    adds variables to the app's environment (a mail password, a test CA file)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port)],
        cwd=ROOT,
        env=clean_env(PLANNER_DATABASE_URL=database_url, **(env or {})),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    app = RunningApp(port, proc.pid)
    try:
        deadline = time.monotonic() + HEALTHY_WITHIN_S
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{app.base}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"streamlit exited with {proc.returncode}")
                time.sleep(0.3)
        else:
            pytest.fail(f"streamlit did not become healthy in {HEALTHY_WITHIN_S} s")
        yield app
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
