"""HTTPS through the guarded transport: verification on, and the deadline still bites.

TLS reads bypass the raw socket, so the deadline needs its own hook there
(``_DeadlineSSLSocket``); a drip over TLS proves it. Needs the ``openssl`` command to
make a throwaway certificate; skipped without it.
"""

from __future__ import annotations

import dataclasses
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.feeds.errors import FetchError, FetchTimeout
from planner.feeds.fetch import FetchOptions, fetch
from tests.feeds.httpserver import FEED, TestServer, start_server

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def tls_server(certificate: tuple[Path, Path]) -> Iterator[TestServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server = start_server(context)
    yield server
    server.stop()


@pytest.fixture
def tls_opts(tls_server: TestServer, certificate: tuple[Path, Path]) -> FetchOptions:
    tls_server.reset()
    return FetchOptions(
        connect_timeout=2,
        read_timeout=5,
        total_deadline=5,
        retries=0,
        ca_bundle=str(certificate[0]),
        allow_addresses=frozenset({("127.0.0.1", tls_server.port)}),
    )


def test_https_fetch_with_a_trusted_ca(tls_server: TestServer, tls_opts: FetchOptions) -> None:
    result = fetch(tls_server.https_url("/feed.xml"), options=tls_opts)
    assert result.status == 200 and result.body == FEED


def test_untrusted_certificate_is_a_tls_error(
    tls_server: TestServer, tls_opts: FetchOptions
) -> None:
    untrusting = dataclasses.replace(tls_opts, ca_bundle=None)
    with pytest.raises(FetchError, match=r"TLS error talking to 127\.0\.0\.1"):
        fetch(tls_server.https_url("/feed.xml"), options=untrusting)


def test_drip_over_tls_is_stopped_by_the_total_deadline(
    tls_server: TestServer, tls_opts: FetchOptions
) -> None:
    fast = dataclasses.replace(tls_opts, total_deadline=1.0)
    start = time.monotonic()
    with pytest.raises(FetchTimeout, match="longer than 1 s in total"):
        fetch(tls_server.https_url("/slow?interval=0.1&n=100"), options=fast)
    assert time.monotonic() - start < 1.6
