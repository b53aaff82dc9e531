"""Feed URL rules: which user-supplied URLs we fetch at all, and one canonical spelling.

Only ``http``/``https`` URLs with a host and without credentials pass (THREATS F1):
``file://``, bare paths, ``feed:``, ``ftp:`` and friends are refused before any I/O, so
a path can never reach feedparser (which would open it) or our fetcher. Whether the host
is a *public* address is decided later, at connect time (:mod:`planner.feeds.netguard`),
because only the resolved address counts.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from planner.feeds.errors import FeedURLError

__all__ = ["MAX_URL_LENGTH", "http_url_or_empty", "normalize_url", "validate_feed_url"]

MAX_URL_LENGTH = 2048
ALLOWED_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# C0 controls, DEL and whitespace inside a URL: browsers silently drop tab/CR/LF
# ("jav\tascript:"), so a URL carrying them is either hostile or broken.
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_C0_AND_SPACE = "".join(chr(i) for i in range(0x21))
# scheme://host[:port] then a path/query/fragment of printable ASCII only, no userinfo.
_PLAIN_HTTP = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][\x21-\x7e]*)?\Z", re.I)
_LOOKS_LIKE_HOST = re.compile(r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/|$)")


def _refuse(url: str, why: str) -> FeedURLError:
    return FeedURLError(url, f"scheme/host not allowed: {why} ({_shorten(url)})")


def _shorten(url: str, limit: int = 120) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"


def _split(url: str) -> SplitResult:
    if not isinstance(url, str):
        raise FeedURLError(repr(url), "scheme/host not allowed: the feed URL must be text")
    text = url.strip()
    if not text:
        raise FeedURLError(url, "scheme/host not allowed: the feed URL is empty")
    if len(text) > MAX_URL_LENGTH:
        raise _refuse(text, f"URL longer than {MAX_URL_LENGTH} characters")
    if _CONTROL.search(text):
        raise _refuse(text, "URL contains spaces or control characters")
    try:
        parts = urlsplit(text)
    except ValueError as e:  # e.g. an unbalanced "[" in the host
        raise _refuse(text, f"malformed URL: {e}") from e
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        if not scheme:
            hint = (
                f"; did you mean https://{text}?"
                if _LOOKS_LIKE_HOST.match(text)
                else "; local paths are never read"
            )
            raise _refuse(text, f"no scheme, only http:// and https:// URLs are fetched{hint}")
        raise _refuse(text, f"'{scheme}:' URLs are not fetched, only http and https")
    if "@" in parts.netloc:
        raise _refuse(text, "user name or password in the URL")
    if "\\" in parts.netloc:
        raise _refuse(text, "backslash in the host")
    if not parts.hostname:
        raise _refuse(text, "the URL has no host")
    try:
        port = parts.port
    except ValueError as e:
        raise _refuse(text, "invalid port") from e
    if port == 0:
        raise _refuse(text, "invalid port 0")
    return parts


def _canonical_host(host: str) -> str:
    """Lower-case and IDNA-encode a host name; IPv6 literals get their brackets back."""
    if ":" in host:  # IPv6 literal (urlsplit removed the brackets)
        return f"[{host.lower()}]"
    host = host.rstrip(".").lower() if host.endswith(".") and host != "." else host.lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as e:
        raise ValueError(f"invalid host name {host!r}") from e


def normalize_url(url: str) -> str:
    """Return the canonical spelling of an acceptable feed URL.

    Lower-cases scheme and host, IDNA-encodes the host, drops a default port, the
    fragment and a trailing dot on the host, and gives an empty path ``/``. Path and
    query are kept as written: servers may treat them case- and order-sensitively.

    Raises:
        FeedURLError: the URL is not an acceptable feed URL (see :func:`validate_feed_url`).
    """
    parts = _split(url)
    scheme = parts.scheme.lower()
    hostname = parts.hostname or ""
    try:
        host = _canonical_host(hostname)
    except ValueError as e:
        raise _refuse(url, str(e)) from e
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def validate_feed_url(url: str) -> str:
    """Check a user-supplied feed URL and return its normalised form.

    Raises:
        FeedURLError: not http/https, no host, credentials, control characters, bad port.
            The message starts with "scheme/host not allowed".
    """
    return normalize_url(url)


def http_url_or_empty(value: object, base: str = "") -> str:
    """An absolute http(s) URL from untrusted feed data, or ``""``.

    Used for links, enclosures and hrefs inside feed text: a ``javascript:``/``data:``
    URL (also when split by tabs or newlines, which browsers strip) never survives.
    Relative values are resolved against ``base`` when one is given.
    """
    if not isinstance(value, str) or not value:
        return ""
    if _PLAIN_HTTP.match(value):  # the common case, a clean absolute URL: no parsing
        return value
    text = _as_a_browser_reads_it(value)
    if not text or len(text) > MAX_URL_LENGTH:
        return ""
    if base and not text.lower().startswith(("http://", "https://")):
        try:
            text = urljoin(base, text)
        except ValueError:
            return ""
    return text if _is_clean_http(text) else ""


def _as_a_browser_reads_it(value: str) -> str:
    """Browsers drop leading/trailing C0+space and every tab/CR/LF; do the same first so
    the scheme we check is the scheme a browser would see."""
    text = value.strip(_C0_AND_SPACE)
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    if " " in text:  # what a browser would send for an unencoded space
        text = text.replace(" ", "%20")
    return text


def _is_clean_http(text: str) -> bool:
    """An absolute http(s) URL with a host, no credentials and no control characters."""
    low = text[:8].lower()
    if not (low.startswith("http://") or low.startswith("https://")):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return bool(parts.netloc) and "@" not in parts.netloc and not _CONTROL.search(text)
