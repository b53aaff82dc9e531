"""A screenshot of every page of the app, from the demo, into docs/screenshots/<page>.png.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--day 2026-11-25]
    make screenshots

The demo is loaded into a fresh temporary workspace (its feeds read, as `make run` leaves a
newcomer's), the app is served with `streamlit run` on a free loopback port with its clock
fixed ($PLANNER_CLOCK) so that every date on screen, and so every image, is the same from
one run to the next, and each page of streamlit_app.py's navigation is opened in Debian's
chromium (Playwright) at a fixed viewport. A page is photographed once it has rendered: its
title heading is visible, Streamlit's running indicator is gone and every table and chart
is drawn. The files written are printed, one a line.

The helpers (``navigation``, ``serve``, ``wait_rendered``) are shared with the browser test
tests/e2e/test_pages_browser.py.
"""

from __future__ import annotations

import argparse
import ast
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "streamlit_app.py"
OUT = ROOT / "docs" / "screenshots"
#: The demo's "today": the day the test suite runs on (tests/conftest.py), noon UTC.
DAY = date(2026, 11, 25)
WIDTH, HEIGHT = 1400, 1000  # the viewport; a picture is as tall as its page
CHROMIUM = os.environ.get("PLANNER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--font-render-hinting=none",
]
MAX_HEIGHT = 12_000
#: Streamlit marks its app root with the script's state (its own end-to-end tests wait on it).
FINISHED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
#: How tall the page is: the main area's content (where Streamlit scrolls), or the document's.
MAIN_HEIGHT_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const inner = main ? main.scrollHeight : 0;
  return Math.max(inner, document.documentElement.scrollHeight, window.innerHeight);
}"""
HEALTHY_WITHIN_S = 90
RENDERED_WITHIN_MS = 90_000


@dataclass(frozen=True)
class NavPage:
    """One entry of the app's navigation: ``pages/<name>.py``, its title and its URL path."""

    name: str
    title: str
    default: bool

    @property
    def path(self) -> str:
        return "" if self.default else self.name


def navigation(app: Path = APP) -> list[NavPage]:
    """Every ``st.Page(...)`` of the entry point, in order (read from its source, so a page
    added to the navigation is photographed and tested without a change here)."""
    found: list[tuple[int, int, NavPage]] = []
    for node in ast.walk(ast.parse(app.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page"):
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        title = kw.get("title")
        default = kw.get("default")
        nav = NavPage(
            name=Path(first.value).stem,
            title=str(title.value) if isinstance(title, ast.Constant) else Path(first.value).stem,
            default=isinstance(default, ast.Constant) and default.value is True,
        )
        found.append((node.lineno, node.col_offset, nav))
    return [nav for _, _, nav in sorted(found, key=lambda f: (f[0], f[1]))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _load_demo(folder: Path, day: date) -> str:
    """A fresh demo workspace in ``folder`` with its feeds read; its database URL."""
    from planner.services import demo, ingest, open_workspace
    from planner.services.workspace import noon_utc

    url = f"sqlite:///{folder / 'planner.db'}"
    ws = open_workspace(url, clock=noon_utc(day))
    demo.load(ws)
    failures = ingest.refresh(ws).failures
    ws.engine.dispose()
    if failures:
        raise SystemExit(f"the demo's feeds could not be read: {failures}")
    return url


@contextmanager
def serve(database_url: str, day: date = DAY) -> Iterator[str]:
    """The app (`streamlit run`, the project's .streamlit/config.toml) serving
    ``database_url`` on a free loopback port with its clock at noon UTC of ``day``;
    yields its base URL and stops it on exit."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env.update(PLANNER_DATABASE_URL=database_url, PLANNER_CLOCK=day.isoformat())
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port)]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _wait_healthy(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + HEALTHY_WITHIN_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                if reply.read() == b"ok":
                    return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}") from None
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy in {HEALTHY_WITHIN_S} s")


def wait_rendered(page: Page, title: str, timeout_ms: int = RENDERED_WITHIN_MS) -> None:
    """Wait until the page titled ``title`` has run to the end: its heading is visible,
    Streamlit's running indicator is gone, and every table and chart on screen (not in a
    closed tab or expander) has drawn its canvas."""
    from playwright.sync_api import expect

    heading = page.get_by_role("heading", name=title, exact=True)
    expect(heading.first).to_be_visible(timeout=timeout_ms)
    # the heading shows once this page's run has begun; the app says when it has ended
    expect(page.locator(FINISHED)).to_be_attached(timeout=timeout_ms)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout_ms)
    for placeholder in ("stAppSkeleton", "stSkeleton", "stSkeletonElement"):  # lazy widgets
        expect(page.get_by_test_id(placeholder)).to_have_count(0, timeout=timeout_ms)
    tables = page.get_by_test_id("stDataFrame").filter(visible=True)
    for i in range(tables.count()):
        canvas = tables.nth(i).get_by_test_id("data-grid-canvas")
        expect(canvas).to_be_attached(timeout=timeout_ms)
    charts = page.get_by_test_id("stVegaLiteChart").filter(visible=True)
    for i in range(charts.count()):
        expect(charts.nth(i).locator("canvas, svg").first).to_be_visible(timeout=timeout_ms)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout_ms)


def _photograph(page: Page, title: str, target: Path) -> None:
    """The whole page: Streamlit scrolls inside its main area, not the document, so the
    window is made as tall as that area's content first (then put back)."""
    height = 0
    for _ in range(4):  # a taller window may lay out lazy parts: measure until it holds
        tall = min(MAX_HEIGHT, int(page.evaluate(MAIN_HEIGHT_JS)))
        if tall == height:
            break
        height = tall
        page.set_viewport_size({"width": WIDTH, "height": height})
        wait_rendered(page, title)
        page.wait_for_timeout(300)  # the layout settles after the resize
    page.mouse.move(0, 0)  # no hover highlight in the picture
    page.wait_for_timeout(1000)  # the grids' canvases and the charts finish painting
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


def take(base: str, out: Path, pages: list[NavPage]) -> list[Path]:
    """Open each page at ``base`` in chromium and save its full-page PNG into ``out``."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT},
            device_scale_factor=1,
            locale="en-GB",
            timezone_id="UTC",
        )
        page = context.new_page()
        for nav in pages:
            page.goto(f"{base}/{nav.path}", wait_until="domcontentloaded")
            wait_rendered(page, nav.title)
            target = out / f"{nav.name}.png"
            _photograph(page, nav.title, target)
            written.append(target)
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs")
    parser.add_argument("--day", type=date.fromisoformat, default=DAY, help="the app's today")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"chromium missing at {CHROMIUM}: `make browser` installs it", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="give-first-shots-") as folder:
        url = _load_demo(Path(folder), args.day)
        with serve(url, args.day) as base:
            written = take(base, args.out, navigation())
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
