"""Checks for values that end up in e-mail headers (and e-mail columns of imports).

Header values are refused, never repaired (THREATS E1/E2): CR, LF and every other
control character, Unicode line/paragraph separators, bidi overrides, and RFC 2047
encoded-words (``=?UTF-8?Q?=0A?=``), which an unpatched ``email`` package decodes into a
real line break (CVE-2024-6923; this project's Python 3.11.7 is affected).
"""

from __future__ import annotations

import re
import unicodedata

from planner.outreach.errors import HeaderInjectionError, InvalidAddressError

__all__ = ["check_addr_spec", "check_header_value", "header_value_problem", "is_valid_addr_spec"]

_ENCODED_WORD = re.compile(r"=\?.*?\?=", re.DOTALL)
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"^{_ATEXT}(?:\.{_ATEXT})*$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
MAX_ADDRESS_LENGTH = 254
MAX_HEADER_LENGTH = 998


def header_value_problem(value: str) -> str | None:
    """Why ``value`` cannot go into a header, or None when it can."""
    for ch in value:
        if ch in "\r\n":
            return "line breaks are not allowed"
        category = unicodedata.category(ch)
        if category == "Cc" or category in ("Zl", "Zp"):
            return f"control character U+{ord(ch):04X} is not allowed"
        if ch in _BIDI:
            return f"text-direction control U+{ord(ch):04X} is not allowed"
    if _ENCODED_WORD.search(value):
        return "encoded-words (=?...?=) are not allowed"
    if len(value) > MAX_HEADER_LENGTH:
        return f"longer than {MAX_HEADER_LENGTH} characters"
    return None


def check_header_value(field: str, value: str) -> str:
    """``value`` with outer spaces trimmed and inner runs of spaces collapsed.

    Raises:
        HeaderInjectionError: see :func:`header_value_problem`.
    """
    problem = header_value_problem(value)
    if problem:
        raise HeaderInjectionError(field, problem)
    return " ".join(value.split())


def is_valid_addr_spec(value: str) -> bool:
    """A plain ``local@domain`` address: dot-atom local part, dotted host name.

    Deliberately stricter than RFC 5322 (no quoted local parts, comments or IP literals):
    every address we write must parse back as exactly that one address (THREATS E3).
    """
    if not value or len(value) > MAX_ADDRESS_LENGTH or value.count("@") != 1:
        return False
    local, domain = value.split("@")
    if not _LOCAL.match(local) or len(local) > 64:
        return False
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_domain.split(".")
    return len(labels) >= 2 and all(_LABEL.match(label) for label in labels)


def check_addr_spec(field: str, value: str) -> str:
    """The address, trimmed, with an internationalised domain in its ASCII (IDNA) form.

    Without ``SMTPUTF8`` a non-ASCII domain would be written as an encoded-word, which
    is not a valid address; the ``xn--`` form is what every mail client understands.

    Raises:
        HeaderInjectionError: control characters or encoded-words.
        InvalidAddressError: not one plain address.
    """
    value = check_header_value(field, value)
    if not is_valid_addr_spec(value):
        raise InvalidAddressError(field, f"{value!r} is not a plain e-mail address (name@domain)")
    local, _, domain = value.partition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"
