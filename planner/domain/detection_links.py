"""Who owns a link: websites, profile URLs and handles, looked up in constant time.

Rules (they are the link part of :mod:`planner.domain.detection`):

* A contact's website domain owns itself and every subdomain: ``janedoe.com`` owns
  ``www.janedoe.com`` and ``blog.janedoe.com``. Parent domains are found by walking the
  link's host label by label, so ``notjanedoe.com`` and ``janedoe.com.evil.net`` never
  reach ``janedoe.com`` (a suffix trap is not a parent domain).
* A shared platform (YouTube, Substack, Medium, X/Twitter, LinkedIn, …; see
  :data:`SHARED_PLATFORMS`) is never owned as a whole: only a path on it
  (``substack.com/@jane``, ``linkedin.com/in/jane``) or a personal subdomain
  (``jane.substack.com``) is. Paths compare segment by segment, so ``x.com/jane`` does not
  own ``x.com/jane_fan``.
* Any domain entry written with a path (``forbes.com/sites/janedoe``) owns that path only.
* A handle (``@jane``, ``jane``, ``twitter:@jane`` or a profile URL) gives the profile URL
  on the network it names; a bare handle is taken as an X/Twitter handle first (high
  confidence) and as the same name on the other @-networks (lower confidence: someone else
  may hold it there).
* ``www.``, ``m.`` and ``mobile.`` prefixes, ports, letter case, a trailing dot, the
  query and the fragment never matter.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from planner.domain.names import word_set

#: Hosts shared by many people: owning one needs a path or a personal subdomain.
SHARED_PLATFORMS: frozenset[str] = word_set(
    """
    youtube.com youtu.be substack.com medium.com twitter.com x.com linkedin.com github.com
    github.io gitlab.com instagram.com facebook.com fb.com tiktok.com podcasts.apple.com
    apple.com music.apple.com open.spotify.com spotify.com threads.net bsky.app
    mastodon.social reddit.com pinterest.com soundcloud.com vimeo.com patreon.com
    gumroad.com linktr.ee wordpress.com blogspot.com tumblr.com ghost.io beehiiv.com
    buttondown.email buttondown.com convertkit.com kit.com notion.site carrd.co wixsite.com
    squarespace.com webflow.io netlify.app vercel.app pages.dev google.com docs.google.com
    drive.google.com amazon.com goodreads.com eventbrite.com meetup.com twitch.tv
    discord.gg discord.com t.me telegram.me wikipedia.org en.wikipedia.org quora.com
    stackoverflow.com dev.to hashnode.dev producthunt.com behance.net dribbble.com
    anchor.fm podbean.com buzzsprout.com libsyn.com simplecast.com transistor.fm
    overcast.fm pca.st castbox.fm
    """
)

_STRIP_PREFIXES = ("www.", "m.", "mobile.")

#: Profile URL shapes per network, for a handle ``h``; the first ones of a bare handle
#: are the X/Twitter ones.
_NETWORK_PROFILES: dict[str, tuple[str, ...]] = {
    "x": ("x.com/{h}", "twitter.com/{h}"),
    "twitter": ("x.com/{h}", "twitter.com/{h}"),
    "instagram": ("instagram.com/{h}",),
    "ig": ("instagram.com/{h}",),
    "threads": ("threads.net/@{h}",),
    "tiktok": ("tiktok.com/@{h}",),
    "youtube": ("youtube.com/@{h}",),
    "yt": ("youtube.com/@{h}",),
    "medium": ("medium.com/@{h}",),
    "substack": ("substack.com/@{h}", "{h}.substack.com"),
    "github": ("github.com/{h}",),
    "linkedin": ("linkedin.com/in/{h}",),
    "facebook": ("facebook.com/{h}",),
    "bluesky": ("bsky.app/profile/{h}",),
    "bsky": ("bsky.app/profile/{h}",),
}
#: Networks on which people write ``@handle`` in running text.
_AT_NETWORKS = word_set("x twitter instagram ig threads tiktok youtube yt medium substack github")
_BARE_HANDLE_OTHER_NETWORKS = ("instagram", "threads", "tiktok", "youtube")

LINK_CONFIDENCE = 0.95
BARE_HANDLE_TWITTER_CONFIDENCE = 0.93
BARE_HANDLE_OTHER_CONFIDENCE = 0.8

_HANDLE_RE = re.compile(r"^@?([\w.\-]+)(@[\w.\-]+)?$")


def normalise_host(host: str) -> str:
    """Lower-case host without port, trailing dot or a www./m./mobile. prefix."""
    host = host.strip().lower().rstrip(".")
    if ":" in host:
        host = host.split(":", 1)[0]
    if host.startswith("xn--") or ".xn--" in host:
        with contextlib.suppress(UnicodeError):
            host = host.encode("ascii").decode("idna")
    for prefix in _STRIP_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    return host


def split_url(url: str) -> tuple[str, tuple[str, ...]]:
    """(host, lower-case path segments) of an http(s) URL or a bare ``host/path``."""
    url = url.strip()
    if not url:
        return "", ()
    if "://" not in url and _OTHER_SCHEME.match(url):
        return "", ()  # mailto:, tel:, javascript: … are not sites
    if "://" not in url:
        quick = _split_bare(url.lstrip("/"))
        if quick is not None:
            return quick
        url = "https://" + url.lstrip("/")
    else:
        plain = _PLAIN_HTTP.fullmatch(url)
        if plain is not None:  # the common case, as urlsplit would split it (below)
            host, path = plain.groups()
            segments = tuple(unquote(s).lower() for s in path.split("/") if s) if path else ()
            return normalise_host(host.lower()), segments
    try:
        parts = urlsplit(url)
    except ValueError:
        return "", ()
    if parts.scheme not in ("http", "https"):
        return "", ()
    host = normalise_host(parts.hostname or "")
    segments = tuple(unquote(s).lower() for s in parts.path.split("/") if s)
    return host, segments


_OTHER_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*:(?!\d)")
_PLAIN_HOST = re.compile(r"[a-z0-9.\-]+")
#: An http(s) URL with a plain host (no user, no IPv6 brackets), an optional port, and no
#: tab or line break (urlsplit would remove those): (host, path). Detection splits every
#: link of every entry, so these skip urlsplit; anything else takes the full parser.
_PLAIN_HTTP = re.compile(
    r"[hH][tT][tT][pP][sS]?://([A-Za-z0-9.\-]+)(?::[0-9]*)?(/[^?#\t\r\n]*)?(?:[?#][^\t\r\n]*)?"
)


def _split_bare(text: str) -> tuple[str, tuple[str, ...]] | None:
    """``host/path`` without a scheme, when it is plain enough to skip urlsplit (a build
    splits tens of thousands of these); None when it needs the full parser."""
    host, _, path = text.partition("/")
    host = host.lower()
    if not _PLAIN_HOST.fullmatch(host):
        return None
    path = path.split("?", 1)[0].split("#", 1)[0]
    return normalise_host(host), tuple(unquote(s).lower() for s in path.split("/") if s)


def parent_domains(host: str) -> Iterable[str]:
    """``a.b.example.com`` → itself, ``b.example.com``, ``example.com`` (never a bare TLD)."""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        yield ".".join(labels[i:])


@dataclass(frozen=True, slots=True)
class SiteOwner:
    """Someone a site or profile belongs to (``owner`` None means the user, "me")."""

    owner: int | None
    confidence: float
    site: str  # what was registered, for explanations


@dataclass(frozen=True, slots=True)
class ParsedHandle:
    """A handle entry: the ``@name`` written in text (if any) and its profile URLs."""

    at_form: str  # "@jane" or "" when the network has no @-mentions
    profiles: tuple[tuple[str, float], ...]


def parse_handle(raw: str) -> ParsedHandle | None:
    """Understand ``@jane``, ``jane``, ``twitter:@jane``, ``x.com/jane``, ``https://…``."""
    raw = raw.strip()
    if not raw:
        return None
    if "://" in raw or ("/" in raw and not raw.startswith("@")):
        return _handle_from_url(raw)
    network, raw = _split_network(raw)
    match = _HANDLE_RE.match(raw)
    if not match:
        return None
    name = match.group(1).lower()
    if match.group(2):  # @user@server (Mastodon and friends)
        server = match.group(2)[1:].lower()
        return ParsedHandle(f"@{name}@{server}", ((f"{server}/@{name}", LINK_CONFIDENCE),))
    if network:
        return _network_handle(network, name)
    return _bare_handle(name)


def _split_network(raw: str) -> tuple[str, str]:
    """``twitter:@jane`` → ("twitter", "@jane"); a handle without a network → ("", raw)."""
    if ":" in raw and not raw.startswith("@"):
        network, handle = (p.strip() for p in raw.split(":", 1))
        return network.lower(), handle
    return "", raw


def _network_handle(network: str, name: str) -> ParsedHandle:
    """A handle on a named network: its profile URLs there (an @-form where it has them)."""
    shapes = _NETWORK_PROFILES.get(network, ())
    at_form = f"@{name}" if network in _AT_NETWORKS or not shapes else ""
    return ParsedHandle(at_form, tuple((s.format(h=name), LINK_CONFIDENCE) for s in shapes))


def _bare_handle(name: str) -> ParsedHandle:
    """A handle with no network: most likely X/Twitter, possibly one of the others."""
    profiles = [(s.format(h=name), BARE_HANDLE_TWITTER_CONFIDENCE) for s in _NETWORK_PROFILES["x"]]
    for net in _BARE_HANDLE_OTHER_NETWORKS:
        profiles += [
            (s.format(h=name), BARE_HANDLE_OTHER_CONFIDENCE) for s in _NETWORK_PROFILES[net]
        ]
    return ParsedHandle(f"@{name}", tuple(profiles))


def _handle_from_url(url: str) -> ParsedHandle | None:
    host, segments = split_url(url)
    if not host:
        return None
    at_form = ""
    if host in ("x.com", "twitter.com", "instagram.com", "threads.net") and len(segments) == 1:
        at_form = "@" + segments[0].lstrip("@")
    elif host in ("tiktok.com", "youtube.com", "medium.com") and segments:
        at_form = segments[0] if segments[0].startswith("@") else ""
    profiles = [(url, LINK_CONFIDENCE)]
    if host in ("x.com", "twitter.com") and segments:
        other = "twitter.com" if host == "x.com" else "x.com"
        profiles.append((f"{other}/{'/'.join(segments)}", LINK_CONFIDENCE))
    return ParsedHandle(at_form, tuple(profiles))


class SiteIndex:
    """Sites and profile paths → owners; a lookup costs a few dict probes per link."""

    def __init__(self, shared_platforms: frozenset[str] = SHARED_PLATFORMS) -> None:
        self._platforms = shared_platforms
        self._hosts: dict[str, list[SiteOwner]] = {}
        self._paths: dict[tuple[str, ...], list[SiteOwner]] = {}
        self._path_hosts: set[str] = set()
        self._max_depth = 0

    def is_platform(self, host: str) -> bool:
        """Is ``host`` a shared platform (many people's pages on one host)?"""
        return host in self._platforms

    def add(self, owner: int | None, site: str, confidence: float = LINK_CONFIDENCE) -> bool:
        """Register a domain or profile URL; False when it cannot own anything alone."""
        host, segments = split_url(site)
        if not host or "." not in host:
            return False
        entry = SiteOwner(owner, confidence, site.strip())
        if segments:
            key = (host, *segments)
            self._paths.setdefault(key, []).append(entry)
            self._path_hosts.add(host)
            self._max_depth = max(self._max_depth, len(segments))
            return True
        if host in self._platforms:
            return False  # nobody owns all of YouTube
        self._hosts.setdefault(host, []).append(entry)
        return True

    def lookup(self, url: str) -> list[SiteOwner]:
        """Owners of ``url``: the most specific registration wins."""
        return self.lookup_split(*split_url(url))

    def lookup_split(self, host: str, segments: tuple[str, ...]) -> list[SiteOwner]:
        """:meth:`lookup` of a URL already split by :func:`split_url`."""
        if not host:
            return []
        for domain in parent_domains(host):
            found = self._lookup_paths(domain, segments)
            if found:
                return found
            if domain in self._hosts:
                return list(self._hosts[domain])
            if domain in self._platforms:
                return []  # never climb from jane.substack.com to substack.com
        return []

    def _lookup_paths(self, domain: str, segments: tuple[str, ...]) -> list[SiteOwner]:
        if domain not in self._path_hosts or not segments:
            return []
        for depth in range(min(len(segments), self._max_depth), 0, -1):
            found = self._paths.get((domain, *segments[:depth]))
            if found:
                return list(found)
        return []


def compact(text: str) -> str:
    """Letters and digits only, for comparing a host with a name ("jane-doe.net" ~ "Jane Doe")."""
    return "".join(c for c in text.lower() if c.isalnum())


def host_label(url: str) -> str:
    """The host of ``url`` without dots and hyphens ("" for shared platforms' bare host)."""
    host, _ = split_url(url)
    return compact(host)
