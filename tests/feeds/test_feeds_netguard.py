"""The address classifier and vetting behind the SSRF guard (THREATS F2)."""

from __future__ import annotations

import ipaddress
import re

import pytest

from planner.feeds.errors import FetchRefused
from planner.feeds.netguard import (
    AddressPolicy,
    classify_address,
    is_public_address,
    resolve,
    unwrap_address,
    vet_addresses,
)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("64:ff9b::7f00:1", "loopback, embedded in 64:ff9b::7f00:1"),  # NAT64 of 127.0.0.1
        ("2002:7f00:1::", "loopback, embedded in 2002:7f00:1::"),  # 6to4 of 127.0.0.1
        ("::ffff:127.0.0.1", "loopback, embedded in ::ffff:127.0.0.1"),
        ("::7f00:1", "loopback, embedded in ::7f00:1"),  # deprecated IPv4-compatible
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("::ffff:169.254.169.254", "cloud metadata, embedded in ::ffff:169.254.169.254"),
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("255.255.255.255", "broadcast"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.10.10", "link-local"),
        ("fe80::1", "link-local"),
        ("198.18.0.1", "benchmarking"),
        ("192.0.2.1", "private"),  # TEST-NET-1 (documentation)
        ("2001:db8::1", "private"),  # documentation
        ("64:ff9b:1::a00:1", "local NAT64"),
    ],
)
def test_non_public_addresses(address: str, reason: str) -> None:
    assert classify_address(address) == reason
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "2606:4700::1111",
        "64:ff9b::808:808",
        "2002:808:808::",
        "93.184.216.34",
    ],
)
def test_public_addresses(address: str) -> None:
    assert classify_address(address) is None
    assert is_public_address(address)


def test_unwrap_address() -> None:
    assert unwrap_address(ipaddress.ip_address("::ffff:10.0.0.1")) == ipaddress.ip_address(
        "10.0.0.1"
    )
    assert unwrap_address(ipaddress.ip_address("2002:c0a8:101::1")) == ipaddress.ip_address(
        "192.168.1.1"
    )
    plain = ipaddress.ip_address("2606:4700::1111")
    assert unwrap_address(plain) is plain


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "0177.0.0.1", "127.1", "0x7f000001"])
def test_numeric_forms_resolve_to_loopback_and_are_refused(host: str) -> None:
    """String blocklists miss these; the C resolver turns them into 127.0.0.1 (F2)."""
    addresses = [ip for _, ip in resolve(host, 80)]
    assert addresses == [ipaddress.ip_address("127.0.0.1")]
    with pytest.raises(FetchRefused, match=r"refused: .* non-public address 127\.0\.0\.1"):
        vet_addresses(f"http://{host}/", host, 80, addresses, AddressPolicy())


def test_any_bad_address_refuses_the_host() -> None:
    mixed = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.5")]
    with pytest.raises(
        FetchRefused, match=re.escape("feed.example resolves to non-public address 10.0.0.5")
    ):
        vet_addresses("http://feed.example/", "feed.example", 80, mixed, AddressPolicy())


def test_refusal_message_offers_the_setting() -> None:
    with pytest.raises(FetchRefused) as info:
        vet_addresses(
            "http://feed.example/",
            "feed.example",
            80,
            [ipaddress.ip_address("127.0.0.1")],
            AddressPolicy(),
        )
    assert str(info.value) == (
        "refused: feed.example resolves to non-public address 127.0.0.1 "
        "(loopback; allow private addresses in Settings for self-hosted feeds)"
    )
    assert info.value.url == "http://feed.example/"


def test_allow_private_lets_lan_through_but_never_metadata() -> None:
    policy = AddressPolicy(allow_private=True)
    for ok in ("127.0.0.1", "10.0.0.1", "192.168.1.10", "fd00::1", "::1"):
        vet_addresses("http://nas/", "nas", 80, [ipaddress.ip_address(ok)], policy)
    for never in ("169.254.169.254", "0.0.0.0", "224.0.0.1", "::ffff:169.254.169.254"):
        with pytest.raises(FetchRefused, match="never allowed"):
            vet_addresses("http://x/", "x", 80, [ipaddress.ip_address(never)], policy)


def test_allow_addresses_is_exact_ip_and_port() -> None:
    policy = AddressPolicy(allow_addresses=frozenset({("127.0.0.1", 8000)}))
    vet_addresses(
        "http://127.0.0.1:8000/", "127.0.0.1", 8000, [ipaddress.ip_address("127.0.0.1")], policy
    )
    with pytest.raises(FetchRefused):
        vet_addresses(
            "http://127.0.0.1:8001/", "127.0.0.1", 8001, [ipaddress.ip_address("127.0.0.1")], policy
        )
    with pytest.raises(FetchRefused):
        vet_addresses(
            "http://127.0.0.2:8000/", "127.0.0.2", 8000, [ipaddress.ip_address("127.0.0.2")], policy
        )


def test_no_address_is_refused() -> None:
    with pytest.raises(FetchRefused, match="no IPv4/IPv6 address"):
        vet_addresses("http://x/", "x", 80, [], AddressPolicy())
