"""Hostile documents from THREATS §2.2, generated (never stored as files)."""

from __future__ import annotations

#: THREATS F1: feed addresses refused before any I/O (no open, no fetch).
F1_REFUSED_URLS = (
    "file:///etc/passwd",
    "/etc/passwd",
    "/dev/zero",
    "ftp://x/",
    "feed:file:///etc/passwd",
    "http://user:pw@host.example/",
)


def quad_payload(n: int = 10_000, m: int = 3_000) -> bytes:
    """QUAD: one "safe" entity of n A's referenced m times (19 KB → 30 MB if unguarded)."""
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY a "'
        + b"A" * n
        + b'">\n]>\n<rss version="2.0"><channel><title>q</title><description>'
        + b"&a;" * m
        + b"</description></channel></rss>"
    )


def billion_laughs(oneline: bool = False) -> bytes:
    """LOL: the classic nested entity bomb, multi-line or with the subset on one line."""
    sep = b"" if oneline else b"\n "
    entities = [b'<!ENTITY lol "lol">'] + [
        b'<!ENTITY lol%d "' % i + (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10 + b'">'
        for i in range(1, 10)
    ]
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss ['
        + sep
        + sep.join(entities)
        + (b"" if oneline else b"\n")
        + b']>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>x</title>'
        b"</item></channel></rss>"
    )
