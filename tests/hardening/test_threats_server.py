"""THREATS S1-S4 and X4 on the running server, plus the version pins the rows rely on.

tests/test_ui_safety.py reads .streamlit/config.toml. These start `streamlit run` the way
`make run` does, from the project folder with the shipped config and only the port
changed, and probe it over loopback like THREATS §2.7: where it listens (S1), uploads
without the XSRF token and WebSockets from another origin (S2), a DNS-rebinding Host (S3),
and the settings Streamlit actually resolved (S4).
"""

from __future__ import annotations

import ast
import base64
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.app_server import RunningApp, clean_env, running_app
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    db = tmp_path_factory.mktemp("server") / "planner.db"
    with running_app(f"sqlite:///{db}") as app:
        yield app


def _exchange(port: int, request: str) -> tuple[int, dict[str, str]]:
    """Send raw HTTP on loopback; return the status and the (lower-cased) headers."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers: dict[str, str] = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    return status, headers


def _websocket(server: RunningApp, *, host: str, origin: str) -> int:
    key = base64.b64encode(os.urandom(16)).decode()
    status, _ = _exchange(
        server.port,
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host}\r\nOrigin: {origin}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n\r\n",
    )
    return status


# -- S1: loopback only ----------------------------------------------------------------------


def _listening(port: int) -> set[str]:
    """Local addresses listening on ``port``, from /proc/net/tcp{,6} (state 0A = LISTEN)."""
    found: set[str] = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:
                continue
            if width == 8:
                found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
            else:
                words = [bytes.fromhex(address[i : i + 8])[::-1] for i in range(0, 32, 8)]
                found.add(socket.inet_ntop(socket.AF_INET6, b"".join(words)))
    return found


def _lan_address() -> str | None:
    """This machine's address on its default route (no packet is sent), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing decision only
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def test_s1_listens_on_loopback_only(server: RunningApp) -> None:
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc/net/tcp")
    assert _listening(server.port) == {"127.0.0.1"}  # not 0.0.0.0, not ::


def test_s1_unreachable_from_the_lan_address(server: RunningApp) -> None:
    lan = _lan_address()
    if lan is None:
        pytest.skip("no non-loopback address on this machine")
    with pytest.raises(OSError), socket.create_connection((lan, server.port), timeout=3):
        pass


# -- S2: XSRF and origin checks -------------------------------------------------------------


def test_s2_upload_without_the_xsrf_token_is_refused(server: RunningApp) -> None:
    body = (
        '--b\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nname\r\nA\r\n--b--\r\n"
    )
    status, _ = _exchange(
        server.port,
        f"PUT /_stcore/upload_file/session/file HTTP/1.1\r\nHost: {server.host}\r\n"
        f"Origin: http://evil.example\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}",
    )
    assert status == 403


def test_s2_websocket_from_another_origin_is_refused(server: RunningApp) -> None:
    assert _websocket(server, host=server.host, origin=f"http://{server.host}") == 101  # control
    assert _websocket(server, host=server.host, origin="http://evil.example") == 403


def test_s2_no_cors_grant_and_a_samesite_xsrf_cookie(server: RunningApp) -> None:
    status, headers = _exchange(
        server.port,
        f"GET /_stcore/health HTTP/1.1\r\nHost: {server.host}\r\n"
        "Origin: http://evil.example\r\nConnection: close\r\n\r\n",
    )
    assert status == 200
    assert "access-control-allow-origin" not in headers
    cookie = headers.get("set-cookie", "")
    assert cookie.startswith("_streamlit_xsrf=") and "samesite=lax" in cookie.lower()


# -- S3: DNS rebinding ----------------------------------------------------------------------


def test_s3_websocket_with_a_rebound_host_is_refused(server: RunningApp) -> None:
    rebound = f"rebind.evil.example:{server.port}"
    assert _websocket(server, host=rebound, origin=f"http://{rebound}") == 403


# -- S4: what Streamlit resolved from the shipped config -------------------------------------

_SHOW = """
import json
from streamlit import config
keys = %r
print(json.dumps({k: config.get_option(k) for k in keys}))
"""


def test_s4_resolved_settings() -> None:
    keys = [
        "server.address",
        "server.headless",
        "server.enableCORS",
        "server.enableXsrfProtection",
        "server.allowedHosts",
        "server.maxUploadSize",
        "server.enableStaticServing",
        "browser.gatherUsageStats",
        "client.showErrorDetails",
    ]
    done = subprocess.run(
        [sys.executable, "-c", _SHOW % keys],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["server.address"] == "127.0.0.1"
    assert got["server.headless"] is True
    assert got["server.enableCORS"] is True and got["server.enableXsrfProtection"] is True
    assert set(got["server.allowedHosts"]) == {"localhost", "127.0.0.1"}
    # 25 MB: a backup zip is uploaded too; CSV imports have their own 20 MB cap in code.
    assert got["server.maxUploadSize"] <= 25
    assert got["server.enableStaticServing"] is False
    assert got["browser.gatherUsageStats"] is False
    assert got["client.showErrorDetails"] in ("none", "type")


def test_s4_csv_imports_stay_under_the_upload_limit() -> None:
    from planner.files.csv_import import ImportLimits

    assert ImportLimits().max_bytes <= 25 * 1024 * 1024


# -- X4: no raw HTML anywhere in the product ----------------------------------------------------

PRODUCT = [
    *sorted((ROOT / "planner").rglob("*.py")),
    *sorted((ROOT / "pages").glob("*.py")),
    ROOT / "streamlit_app.py",
]


@pytest.mark.parametrize("path", PRODUCT, ids=lambda p: str(p.relative_to(ROOT)))
def test_x4_no_html_rendering_calls(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert name not in {"html", "iframe"}, f"{path.name}:{node.lineno} {name}()"
            assert all(kw.arg != "unsafe_allow_html" for kw in node.keywords), (
                f"{path.name}:{node.lineno} unsafe_allow_html"
            )
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith("streamlit.components"), path.name


@pytest.mark.parametrize(
    "path",
    [p for p in PRODUCT if p.is_relative_to(ROOT / "planner")],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_x4_only_planner_ui_imports_streamlit(path: Path) -> None:
    """Services and adapters never render: every page goes through planner.ui and the
    AST checks of tests/test_ui_safety.py, which cover pages/ and planner/ui only."""
    from tests.test_ui_safety import PAGE_FILES

    if path.is_relative_to(ROOT / "planner" / "ui"):
        # planner.ui may import streamlit because the markdown/html checks read it
        assert path in PAGE_FILES, f"tests/test_ui_safety.py does not check {path.name}"
    else:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import streamlit|from streamlit)", source, re.M), path.name


# -- the pins the rows rely on ------------------------------------------------------------------


def _locked(package: str) -> tuple[int, ...]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(package)}==([0-9.]+)", text, re.M | re.I)
    assert match, f"{package} not pinned in requirements.lock"
    return tuple(int(x) for x in match.group(1).split("."))


def _installed(package: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version(package))[:3])


@pytest.mark.parametrize(
    ("package", "minimum", "why"),
    [
        ("jinja2", (3, 1, 6), "T1: CVE-2025-27516 (|attr('format') sandbox escape)"),
        ("streamlit", (1, 67, 0), "X4/S1-S3: st.html never reads string paths; tested config"),
        ("feedparser", (6, 0, 11), "P1: external entities off, replace_doctype"),
    ],
)
def test_pins(package: str, minimum: tuple[int, ...], why: str) -> None:
    assert _locked(package) >= minimum, why
    assert _installed(package) >= minimum, why


def test_p1_no_libxml2_sax_driver_for_feedparser() -> None:
    """feedparser prefers drv_libxml2 when importable (THREATS P1): it must not be."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8").lower()
    assert "libxml2" not in text
    with pytest.raises(ImportError):
        __import__("drv_libxml2")
