"""Refuse XML that declares a DTD internal subset or entities, before any parser sees it.

Why (THREATS P2): feedparser keeps "safe" internal entities and, after expat stops on
its amplification limit, its loose parser expands them with no limit: an 80 KB feed
became a 400 MB string. Real feeds never need an internal subset, so the prolog (what
comes before the root element) must not contain ``<!ENTITY`` or ``<!DOCTYPE … [``.

Only the prolog is scanned, so ``<![CDATA[ … <!ENTITY … ]]>`` inside an item passes.
The prolog ends at the first element start tag outside comments and processing
instructions, which is never earlier than where feedparser itself stops looking
(its ``replace_doctype`` splits at the first ``<\\w``, comments included).
"""

from __future__ import annotations

import codecs
import re

__all__ = ["prolog_problem"]

_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
_NEXT = re.compile(rb"<!--|<\?|<[A-Za-z_:]")
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# "<?" / "<" spelled in UTF-16/32 without a BOM, and EBCDIC "<?xm" (feedparser reads it).
_WIDE_STARTS = (
    (b"\x00\x00\x00\x3c", "utf-32-be"),
    (b"\x3c\x00\x00\x00", "utf-32-le"),
    (b"\x00\x3c\x00\x3f", "utf-16-be"),
    (b"\x3c\x00\x3f\x00", "utf-16-le"),
    (b"\x00\x3c", "utf-16-be"),
    (b"\x3c\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),
)


def _as_ascii_compatible(data: bytes) -> bytes:
    """Re-encode wide encodings to UTF-8 so one byte regex sees the markup."""
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace").encode("utf-8")
    for start, codec in _WIDE_STARTS:
        if data.startswith(start):
            return data.decode(codec, "replace").encode("utf-8")
    return data


def _prolog(data: bytes) -> bytes:
    pos = 0
    while True:
        match = _NEXT.search(data, pos)
        if match is None:
            return data
        token = match.group()
        if token == b"<!--":
            end = data.find(b"-->", match.end())
        elif token == b"<?":
            end = data.find(b"?>", match.end())
        else:
            return data[: match.start()]
        if end < 0:
            return data
        pos = end + 2


def prolog_problem(data: bytes) -> str | None:
    """A message when the prolog declares entities or a DTD internal subset, else None."""
    head = _prolog(_as_ascii_compatible(data))
    if _ENTITY.search(head):
        return "DTD internal subset not allowed: the document declares entities (<!ENTITY)"
    if _DOCTYPE_SUBSET.search(head):
        return "DTD internal subset not allowed: <!DOCTYPE … [ … ]> in the prolog"
    return None
