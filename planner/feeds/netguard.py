"""The SSRF guard: is this resolved address one we may connect to?

Called at connect time by :mod:`planner.feeds.transport` for every hop, with the
addresses ``getaddrinfo`` returned; the socket then connects to exactly the vetted
address (THREATS F2/F3: a pre-flight check on the URL string is bypassed by
``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``127.1`` and DNS rebinding).

Python's ``is_global`` is not enough on its own: on 3.11 it calls ``64:ff9b::7f00:1``
(NAT64 of 127.0.0.1), ``2002:7f00:1::`` (6to4 of 127.0.0.1) and multicast global, so
embedded IPv4 addresses are unwrapped first and classified themselves.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field

from planner.feeds.errors import FetchRefused, PrivateAddressRefused

__all__ = [
    "AddressPolicy",
    "IPAddress",
    "classify_address",
    "is_public_address",
    "resolve",
    "unwrap_address",
    "vet_addresses",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215 local-use translation
_IPV4_COMPAT = ipaddress.IPv6Network("::/96")  # deprecated ::a.b.c.d form
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_BENCHMARK = ipaddress.IPv4Network("198.18.0.0/15")
_METADATA = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS/GCP/Azure/OpenStack metadata
        ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
        ipaddress.ip_address("fd00:ec2::254"),  # AWS IMDS over IPv6
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud metadata
    }
)
# Never reachable, whatever the settings say: these are not "self-hosted feeds".
_ALWAYS_REFUSED = frozenset({"cloud metadata", "unspecified", "multicast", "broadcast"})


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which non-public addresses a fetch may reach.

    ``allow_private`` is the user's "self-hosted feeds" switch (loopback, RFC 1918,
    link-local, ULA...). Cloud metadata, unspecified, multicast and broadcast stay
    refused even then. ``allow_addresses`` is a **test-only** allow-list of exact
    ``(ip, port)`` pairs (THREATS §4: the first hop is allow-listed so that the test
    proves the *redirect* hop is what gets refused); production keeps it empty.
    """

    allow_private: bool = False
    allow_addresses: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    def allows(self, address: IPAddress, port: int) -> bool:
        for ip_text, allowed_port in self.allow_addresses:
            if allowed_port == port and _same_address(ip_text, address):
                return True
        return False


def _same_address(ip_text: str, address: IPAddress) -> bool:
    try:
        return ipaddress.ip_address(ip_text) in (address, unwrap_address(address))
    except ValueError:
        return False


def unwrap_address(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, compat), else itself."""
    if isinstance(address, ipaddress.IPv4Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _IPV4_COMPAT and int(address) > 1:  # not :: or ::1
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def classify_address(address: IPAddress | str) -> str | None:
    """Why an address is not public (e.g. ``"loopback"``), or ``None`` when it is public."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    inner = unwrap_address(ip)
    if inner is not ip:
        reason = classify_address(inner)
        return f"{reason}, embedded in {_show(ip)}" if reason else None
    return _special_use(ip) or _family_range(ip) or _scope(ip)


def _special_use(ip: IPAddress) -> str | None:
    if ip in _METADATA:
        return "cloud metadata"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    return None


def _family_range(ip: IPAddress) -> str | None:
    """Ranges that only one address family has, which the stdlib flags do not name."""
    if isinstance(ip, ipaddress.IPv4Address):
        if ip == ipaddress.IPv4Address("255.255.255.255"):
            return "broadcast"
        if ip in _SHARED:
            return "shared (carrier-grade NAT)"
        if ip in _BENCHMARK:
            return "benchmarking"
    elif ip in _NAT64_LOCAL:
        return "local NAT64"
    return None


def _scope(ip: IPAddress) -> str | None:
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "not globally routable"
    return None


def _show(ip: IPAddress) -> str:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return f"::ffff:{ip.ipv4_mapped}"
    return str(ip)


def is_public_address(address: IPAddress | str) -> bool:
    """True when a feed fetch may connect to ``address`` with the default policy."""
    return classify_address(address) is None


def resolve(host: str, port: int) -> list[tuple[int, IPAddress]]:
    """``getaddrinfo`` for a TCP connection: (family, address) pairs, duplicates removed.

    Numeric forms such as ``2130706433`` or ``0x7f.1`` come back as what the C
    library makes of them (127.0.0.1), which is exactly what gets vetted.
    """
    seen: dict[IPAddress, int] = {}
    for family, _type, _proto, _canon, sockaddr in socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM
    ):
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip_text = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        seen.setdefault(ipaddress.ip_address(ip_text), family)
    return [(family, ip) for ip, family in seen.items()]


#: What lifts a refusal of a private address, for a feed (callers for other servers
#: pass their own).
FEED_PRIVATE_HINT = "allow private addresses in Settings for self-hosted feeds"


def vet_addresses(
    url: str,
    host: str,
    port: int,
    addresses: list[IPAddress],
    policy: AddressPolicy,
    *,
    private_hint: str = FEED_PRIVATE_HINT,
) -> None:
    """Refuse the connection when ANY resolved address is not allowed.

    All addresses are checked, not just the one we would connect to: a host that
    resolves to a public and a private address is a rebinding setup, not a feed.

    Raises:
        PrivateAddressRefused: an address the user's settings could allow (loopback,
            private, link-local…), naming the host, the address and why.
        FetchRefused: an address never allowed (cloud metadata, multicast…), likewise.
    """
    if not addresses:
        raise FetchRefused(url, f"refused: {host} resolves to no IPv4/IPv6 address")
    for ip in addresses:
        reason = classify_address(ip)
        if reason is None or policy.allows(ip, port):
            continue
        kind = reason.split(",", 1)[0]
        if policy.allow_private and kind not in _ALWAYS_REFUSED:
            continue
        hint = "never allowed" if kind in _ALWAYS_REFUSED else private_hint
        where = (
            f"{host} is a non-public address"
            if _is_literal(host, ip)
            else f"{host} resolves to non-public address {_show(ip)}"
        )
        message = f"refused: {where} ({reason}; {hint})"
        if kind in _ALWAYS_REFUSED:
            raise FetchRefused(url, message)
        # The settings could allow this one: say so by the type, for callers to tell a
        # refusal by the user's own settings from a server's failure.
        raise PrivateAddressRefused(url, message, host=host, port=port)


def _is_literal(host: str, ip: IPAddress) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")) == ip
    except ValueError:
        return False
