"""Outreach drafts as real RFC 5322 messages (.eml), mailto: links and a zip of drafts.

A draft opens in the user's mail client ready to edit and send: ``X-Unsent: 1`` asks
Outlook and friends to open it as a draft, line endings are CRLF (``policy.SMTP``).

Safety (THREATS E1–E3): every header value is checked before it is used
(:mod:`planner.outreach.addresses`), recipients are built only with
``headerregistry.Address`` (a display name with a comma stays one recipient), and the
finished bytes are parsed again with the standard parser: if the header set or any
value differs from what was intended, the draft is refused. That last check is what
keeps an unpatched ``email`` package (CVE-2024-6923) from slipping a header through.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from planner.outreach.addresses import check_addr_spec, check_header_value
from planner.outreach.errors import HeaderInjectionError

__all__ = [
    "NO_EMAIL_NOTE",
    "build_draft",
    "draft_filename",
    "mailto_link",
    "safe_filename",
    "zip_drafts",
]

#: Value of ``X-Give-First-Note`` on a draft whose contact has no address on file.
NO_EMAIL_NOTE = "no email on file: add the recipient before sending"
_FALLBACK_DOMAIN = "give-first.invalid"


def build_draft(
    *,
    from_name: str,
    from_addr: str,
    to_name: str,
    to_addr: str,
    subject: str,
    text_body: str,
    html_body: str | None = None,
    now: datetime,
) -> bytes:
    """An unsent e-mail draft, as the bytes of an .eml file.

    Args:
        from_addr: may be empty: the From header is then left out and the mail client
            fills it in.
        to_addr: may be empty ("no email on file"): the To header is left out and
            ``X-Give-First-Note`` says why.
        html_body: an HTML alternative to ``text_body`` (already escaped by its template).
        now: the Date header; a naive datetime is taken as UTC.

    Raises:
        HeaderInjectionError: a header value holds a line break, a control character or
            an encoded-word, or did not survive serialisation intact; ``.field`` names it.
        InvalidAddressError: an address is not one plain ``name@domain``.
    """
    from_name = check_header_value("from_name", from_name)
    to_name = check_header_value("to_name", to_name)
    subject = check_header_value("subject", subject)
    from_addr = check_addr_spec("from_addr", from_addr) if from_addr.strip() else ""
    to_addr = check_addr_spec("to_addr", to_addr) if to_addr.strip() else ""

    msg = EmailMessage(policy=policy.SMTP)
    if from_addr:
        msg["From"] = Address(display_name=from_name, addr_spec=from_addr)
    if to_addr:
        msg["To"] = Address(display_name=to_name, addr_spec=to_addr)
    else:
        msg["X-Give-First-Note"] = NO_EMAIL_NOTE
    msg["Subject"] = subject
    when = now if now.tzinfo else now.replace(tzinfo=UTC)
    msg["Date"] = format_datetime(when)
    domain = from_addr.rpartition("@")[2] if from_addr else _FALLBACK_DOMAIN
    # A domain is always passed: without one make_msgid asks DNS for the host name.
    msg["Message-ID"] = make_msgid(domain=domain.encode("idna").decode("ascii"))
    msg["X-Unsent"] = "1"
    msg.set_content(_normalise_newlines(text_body))
    if html_body is not None:
        msg.add_alternative(_normalise_newlines(html_body), subtype="html")

    raw = msg.as_bytes()
    _verify(raw, msg, from_name, from_addr, to_name, to_addr, subject)
    return raw


def _normalise_newlines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


def _verify(
    raw: bytes,
    built: EmailMessage,
    from_name: str,
    from_addr: str,
    to_name: str,
    to_addr: str,
    subject: str,
) -> None:
    """Parse the bytes back and refuse any header that is not exactly what was built."""
    parsed = message_from_bytes(raw, policy=policy.default)
    # Values first, so the error names the field that broke; then the header set.
    if _squash(str(parsed.get("Subject", ""))) != _squash(subject):
        raise HeaderInjectionError("subject", "the subject changed when written; refused")
    for header, field, name, addr in (
        ("From", "from", from_name, from_addr),
        ("To", "to", to_name, to_addr),
    ):
        if not addr:
            continue
        addresses: tuple[Address, ...] = (
            parsed[header].addresses if parsed[header] is not None else ()
        )
        if len(addresses) != 1:
            raise HeaderInjectionError(
                f"{field}_name", f"{header} holds {len(addresses)} addresses"
            )
        if addresses[0].addr_spec.lower() != addr.lower():
            raise HeaderInjectionError(
                f"{field}_addr", f"the {header} address changed when written"
            )
        if _squash(addresses[0].display_name) != _squash(name):
            raise HeaderInjectionError(f"{field}_name", f"the {header} name changed when written")
    intended = [key.lower() for key in built]
    found = [key.lower() for key in parsed]
    if found != intended:
        changed = sorted(set(found) ^ set(intended)) or ["order or count"]
        raise HeaderInjectionError(
            "headers", f"the headers changed when written ({', '.join(changed)}); refused"
        )


def _squash(text: str) -> str:
    return " ".join(text.split())


def mailto_link(to: str, subject: str = "", body: str = "") -> str:
    """A ``mailto:`` URL (RFC 6068) that opens a new message in the mail client.

    Everything is percent-encoded; body line breaks become ``%0D%0A``. Browsers and mail
    clients cut long URLs (around 2,000 characters is safe): for long bodies offer the
    .eml download instead.

    Raises:
        HeaderInjectionError / InvalidAddressError: as for :func:`build_draft`.
    """
    to = check_addr_spec("to_addr", to) if to.strip() else ""
    subject = check_header_value("subject", subject)
    params = []
    if subject:
        params.append("subject=" + quote(subject, safe=""))
    if body:
        crlf = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
        params.append("body=" + quote(crlf, safe=""))
    return "mailto:" + quote(to, safe="@") + ("?" + "&".join(params) if params else "")


# --- files -----------------------------------------------------------------------

_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_EXT = re.compile(r"^[a-z0-9]{1,8}$")
_MAX_STEM = 80


def safe_filename(name: str, *, default_ext: str = "eml") -> str:
    """``jane-doe-featured-you.eml`` from anything: ASCII, no separators, no dot files."""
    stem, dot, ext = name.strip().rpartition(".")
    if not dot or not stem.strip("."):
        stem, dot, ext = name.strip(), "", ""  # ".hidden" is a name, not an extension
    ext = ext.lower()
    if not _EXT.match(ext):
        stem, ext = f"{stem}.{ext}" if dot else stem, default_ext
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_DROP.sub("-", ascii_stem.lower()).strip("-")[:_MAX_STEM].strip("-")
    return f"{slug or 'draft'}.{ext}"


def draft_filename(contact_name: str, template_name: str, day: datetime | None = None) -> str:
    """A suggested .eml name: ``2026-03-14-jane-doe-featured-you.eml``."""
    prefix = f"{day:%Y-%m-%d}-" if day else ""
    return safe_filename(f"{prefix}{contact_name}-{template_name}.eml")


def zip_drafts(files: Iterable[tuple[str, bytes]], *, now: datetime | None = None) -> bytes:
    """A zip of drafts; names made safe and unique (``jane.eml``, ``jane-2.eml``, ...).

    ``now`` stamps the entries; without it they carry the zip epoch (1980-01-01), which
    keeps the archive byte-for-byte reproducible.
    """
    stamp = (now or datetime(1980, 1, 1)).timetuple()[:6]
    seen: set[str] = set()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            filename = safe_filename(name)
            stem, _, ext = filename.rpartition(".")
            candidate, counter = filename, 1
            while candidate.lower() in seen:
                counter += 1
                candidate = f"{stem}-{counter}.{ext}"
            seen.add(candidate.lower())
            info = zipfile.ZipInfo(candidate, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
