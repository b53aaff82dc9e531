"""The feed adapter's error tree. Every error names the feed URL and says what went wrong.

::

    FeedError(url)                  anything that stops one feed; never stops the others
    ├── FetchError                  the HTTP exchange failed (connection, TLS, protocol, redirects)
    │   ├── FetchRefused            a non-public address or a forbidden scheme (SSRF guard)
    │   │   ├── FeedURLError        the URL itself is not acceptable (scheme, host, userinfo)
    │   │   └── PrivateAddressRefused  a private/loopback address the settings do not allow
    │   ├── FetchTooLarge           more decoded bytes than the cap
    │   ├── FetchTimeout            connect/read timeout or the total deadline
    │   └── HTTPStatusError         a 4xx/5xx answer (status, retry_after)
    └── ParseError                  the body could not be read as a feed
        ├── NotAFeedError           an HTML page, JSON, or XML that is not RSS/Atom
        └── FeedTooHostile          a DTD internal subset / entity declarations (bomb guard)

Messages are written for the person who added the feed: they name the problem and,
where there is one, the fix. ``str(error)`` is the message; ``error.url`` the feed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from planner.errors import ErrorCode


class FeedError(Exception):
    """Base class: something stopped one feed. ``url`` is the feed (or hop) concerned.

    ``code`` names the failures a caller must tell apart (a refused address), else None.
    """

    code: ErrorCode | None = None

    def __init__(self, url: str, message: str) -> None:
        super().__init__(message)
        self.url = url
        self.message = message

    def __str__(self) -> str:
        return self.message

    # Errors cross the parse child-process boundary; rebuild them from keyword state
    # because subclasses take extra constructor arguments.
    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls: type[FeedError], state: dict[str, Any]) -> FeedError:
    err = cls.__new__(cls)
    Exception.__init__(err, state.get("message", ""))
    err.__dict__.update(state)
    return err


class FetchError(FeedError):
    """Fetching failed: connection, TLS, protocol or decoding error, too many redirects."""


class FetchRefused(FetchError):
    """Refused before any byte was sent: forbidden scheme or a non-public address."""

    code = ErrorCode.ADDRESS_REFUSED


class PrivateAddressRefused(FetchRefused):
    """A private, loopback or link-local address while private addresses are not allowed.

    The user's own setting refused it, not the server: allowing private addresses
    (Settings, or ``--allow-private``) makes the same URL fetchable at once, so this is
    not a failure to back off from. Never raised for addresses that stay refused whatever
    the settings (cloud metadata, multicast…): those are plain :class:`FetchRefused`.
    ``host`` and ``port`` are where the refused connection would have gone: the feed's
    own, or a redirect's (see :meth:`is_first_hop`).
    """

    code = ErrorCode.PRIVATE_ADDRESS_REFUSED

    def __init__(self, url: str, message: str, *, host: str, port: int) -> None:
        super().__init__(url, message)
        self.host = host
        self.port = port

    def is_first_hop(self, feed_url: str) -> bool:
        """True when ``feed_url`` itself points at the refused address: the user's setting
        refused the feed. False for a redirect elsewhere (the server led us there)."""
        parts = urlsplit(feed_url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return False
        return (parts.hostname, port) == (self.host.strip("[]").lower(), self.port)


class FeedURLError(FetchRefused, ValueError):
    """The feed URL is not one we fetch: not http(s), no host, or credentials in it.

    Also raised for a redirect ``Location`` that fails the same rules, so it is a
    :class:`FetchRefused` too.
    """


class FetchTooLarge(FetchError):
    """The decoded body grew past the byte cap (also a declared Content-Length over it)."""

    def __init__(self, url: str, message: str, *, limit: int) -> None:
        super().__init__(url, message)
        self.limit = limit


class FetchTimeout(FetchError):
    """A connect/read timeout, or the total wall-clock deadline ran out."""


class HTTPStatusError(FetchError):
    """The server answered with an error status.

    ``retry_after`` (seconds, already capped) is set when a 429/503 said when to come
    back; the caller should not poll that feed again before then.
    """

    def __init__(
        self, url: str, message: str, *, status: int, retry_after: float | None = None
    ) -> None:
        super().__init__(url, message)
        self.status = status
        self.retry_after = retry_after


class ParseError(FeedError):
    """The body could not be parsed as a feed (broken XML, parser stopped or killed)."""


class NotAFeedError(ParseError):
    """The document is not RSS/Atom. ``alternates`` lists feed links an HTML page offers."""

    def __init__(self, url: str, message: str, *, alternates: tuple[str, ...] = ()) -> None:
        super().__init__(url, message)
        self.alternates = alternates


class FeedTooHostile(ParseError):
    """The document declares a DTD internal subset or entities: refused before parsing."""


__all__ = [
    "FeedError",
    "FeedTooHostile",
    "FeedURLError",
    "FetchError",
    "FetchRefused",
    "FetchTimeout",
    "FetchTooLarge",
    "HTTPStatusError",
    "NotAFeedError",
    "ParseError",
    "PrivateAddressRefused",
]
