"""Correlation rules: strong and weak links, derived keys, why a value links nothing."""

from __future__ import annotations

import pytest

from cyberfusion.domain.correlation import (
    DEFAULT_MAX_CASES,
    STRONG_TYPES,
    WEAK_TYPES,
    Link,
    Via,
    derived_keys,
    link_of,
    link_reason,
    links_cases,
    registered_domain,
    url_host,
)
from cyberfusion.domain.observables import ObservableType, normalise


def test_every_type_is_strong_or_weak() -> None:
    assert set(ObservableType) == STRONG_TYPES | WEAK_TYPES
    assert not STRONG_TYPES & WEAK_TYPES
    assert link_of("btc_wallet") is Link.STRONG
    assert link_of("file_name") is Link.WEAK


@pytest.mark.parametrize(("obs_type", "value", "expected"), [
    ("url", "https://a.evil.co.uk/pay?x=1", [("domain", "a.evil.co.uk", Via.HOST),
                                            ("domain", "evil.co.uk", Via.REGISTERED_DOMAIN)]),
    ("url", "http://185.220.101.4:8080/gate.php", [("ipv4", "185.220.101.4", Via.HOST),
                                                   ("cidr", "185.220.101.0/24", Via.NETWORK)]),
    ("url", "http://[2001:db8::1]/", [("ipv6", "2001:db8::1", Via.HOST),
                                      ("cidr", "2001:db8::/48", Via.NETWORK)]),
    ("email", "boss@mail.evil-payments.com", [
        ("domain", "mail.evil-payments.com", Via.EMAIL_DOMAIN),
        ("domain", "evil-payments.com", Via.REGISTERED_DOMAIN)]),
    ("email", "boss@evil-payments.com", [("domain", "evil-payments.com", Via.EMAIL_DOMAIN)]),
    ("domain", "login.evil-payments.com", [("domain", "evil-payments.com",
                                            Via.REGISTERED_DOMAIN)]),
    ("domain", "evil-payments.com", []),
    ("ipv4", "185.220.101.4", [("cidr", "185.220.101.0/24", Via.NETWORK)]),
    ("sha256", "a" * 64, []),
])
def test_derived_keys_are_the_keys_the_derived_values_have(
        obs_type: str, value: str, expected: list[tuple[str, str, Via]]) -> None:
    found = derived_keys(obs_type, value)
    assert [(d.type.value, d.value, d.via) for d in found] == expected
    for d in found:
        assert d.key == normalise(d.type, d.value).key


def test_public_suffixes_come_from_the_shipped_list() -> None:
    assert registered_domain("a.b.example.co.uk") == "example.co.uk"
    assert registered_domain("co.uk") == ""
    assert url_host("https://user@Example.com:8443/x") == "Example.com"


def test_warning_listed_common_and_weak_values_link_nothing_and_say_why() -> None:
    assert links_cases("ipv4", "", 2)
    assert not links_cases("ipv4", "", 1)
    assert not links_cases("ipv4", "", DEFAULT_MAX_CASES + 1)
    assert not links_cases("ipv4", "Public DNS resolvers", 3)
    assert not links_cases("file_name", "", 3)
    assert link_reason("ipv4", "", False) == ""
    assert "warning lists (Public DNS resolvers)" in link_reason("ipv4", "Public DNS resolvers",
                                                                 False)
    assert "more than 50 cases" in link_reason("ipv4", "", True)
    assert "weak link" in link_reason("user_agent", "", False)
