"""Correlation rules: which values link cases, how strongly, and the keys derived from them.

A value's own key links the cases that hold it: strongly for types that identify one
actor's asset (wallets, hashes, accounts, infrastructure), weakly for contextual types
(file names, user agents, ASNs, TLS fingerprints, CIDR ranges). Derived keys (a URL's host
and registered domain, an e-mail's domain, an IP's network) are always weak. Warning-listed
values and values held by more than `max_cases` cases are kept but link nothing. Pure: the
public suffix list is the snapshot shipped with tldextract (see `public_suffix`).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum

from cyberfusion.domain.observable_fast import ipv4_network, is_canonical_ipv4
from cyberfusion.domain.observables import ObservableType, normalise, observable_key
from cyberfusion.domain.public_suffix import registered_domain as suffix_list_registered_domain

#: Cases a value may be held by and still link them (a setting of each network run).
DEFAULT_MAX_CASES = 50
IPV4_NETWORK_PREFIX = 24
IPV6_NETWORK_PREFIX = 48

_T = ObservableType
STRONG_TYPES = frozenset({
    _T.BTC_WALLET, _T.ETH_WALLET, _T.XMR_WALLET, _T.MD5, _T.SHA1, _T.SHA256, _T.SHA512,
    _T.SSDEEP, _T.IBAN, _T.EMAIL, _T.PHONE, _T.USERNAME, _T.URL, _T.DOMAIN, _T.IPV4, _T.IPV6,
})  # fmt: skip
WEAK_TYPES = frozenset(set(ObservableType) - STRONG_TYPES)


class Link(StrEnum):
    """How much a shared key says: strong links form networks, weak ones are only shown."""

    STRONG = "strong"
    WEAK = "weak"


class Via(StrEnum):
    """How a derived key was obtained from its value."""

    HOST = "host"
    REGISTERED_DOMAIN = "registered_domain"
    EMAIL_DOMAIN = "email_domain"
    NETWORK = "network"


@dataclass(frozen=True, slots=True)
class DerivedKey:
    """A weaker key of a value: the key the derived value would have as an observable."""

    key: str
    type: ObservableType
    value: str
    via: Via


def link_of(obs_type: ObservableType | str) -> Link:
    """STRONG or WEAK for a value's own key."""
    return Link.STRONG if ObservableType(obs_type) in STRONG_TYPES else Link.WEAK


def link_reason(obs_type: ObservableType | str, warninglists: str, common: bool,
                max_cases: int = DEFAULT_MAX_CASES) -> str:
    """Why a value does not link cases into networks, or '' when it does."""
    if warninglists:
        return f"on warning lists ({warninglists}): kept, but links no cases"
    if common:
        return f"held by more than {max_cases} cases: kept, but too common to link cases"
    if link_of(obs_type) is Link.WEAK:
        return f"{ObservableType(obs_type).value} is a weak link: shown, but forms no networks"
    return ""


def links_cases(obs_type: ObservableType | str, warninglists: str, holders: int,
                max_cases: int = DEFAULT_MAX_CASES) -> bool:
    """True if a value of this type, flags and holder count joins cases into networks."""
    return (link_of(obs_type) is Link.STRONG and not warninglists
            and 2 <= holders <= max_cases)


def registered_domain(host: str) -> str:
    """`a.b.example.co.uk` -> `example.co.uk`; '' for a bare suffix or an IP address."""
    return suffix_list_registered_domain(host)


def url_host(url: str) -> str:
    """The host of a canonical URL: a domain, a dotted quad, or a bracketed IPv6 address."""
    rest = url.partition("://")[2]
    for stop in "/?":
        rest = rest.partition(stop)[0]
    hostport = rest.rpartition("@")[2]
    if hostport.startswith("["):
        return hostport[: hostport.find("]") + 1]
    return hostport.partition(":")[0]


def _key(obs_type: ObservableType, value: str, via: Via) -> DerivedKey:
    return DerivedKey(observable_key(obs_type, value), obs_type, value, via)


def _domain_keys(host: str, via: Via) -> list[DerivedKey]:
    """The host itself (via `via`) and its registered domain when different."""
    found = [] if via is Via.REGISTERED_DOMAIN else [_key(_T.DOMAIN, host, via)]
    base = registered_domain(host)
    if base and base != host:
        found.append(_key(_T.DOMAIN, base, Via.REGISTERED_DOMAIN))
    return found


def _network_key(address: str) -> DerivedKey:
    """Key of the network around an address; a canonical dotted quad skips `ipaddress`."""
    if is_canonical_ipv4(address):
        value = ipv4_network(address, IPV4_NETWORK_PREFIX)
        return DerivedKey(observable_key(_T.CIDR, value), _T.CIDR, value, Via.NETWORK)
    ip = ipaddress.ip_address(address)
    prefix = IPV4_NETWORK_PREFIX if ip.version == 4 else IPV6_NETWORK_PREFIX
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    canonical = normalise(_T.CIDR, network.with_prefixlen)
    return DerivedKey(canonical.key, _T.CIDR, canonical.value, Via.NETWORK)


def _host_keys(host: str) -> list[DerivedKey]:
    """Keys of a URL host: the address and its network, or the domain and its base."""
    if host.startswith("["):
        address = host[1:-1]
        return [_key(_T.IPV6, address, Via.HOST), _network_key(address)]
    if host.replace(".", "").isdigit():
        return [_key(_T.IPV4, host, Via.HOST), _network_key(host)]
    return _domain_keys(host, Via.HOST) if host else []


def derived_keys(obs_type: ObservableType | str, value: str) -> list[DerivedKey]:
    """The weak keys derived from a canonical value (none for most types)."""
    kind = ObservableType(obs_type)
    if kind is _T.URL:
        return _host_keys(url_host(value))
    if kind is _T.EMAIL:
        return _domain_keys(value.rpartition("@")[2], Via.EMAIL_DOMAIN)
    if kind is _T.DOMAIN:
        return _domain_keys(value, Via.REGISTERED_DOMAIN)
    if kind in (_T.IPV4, _T.IPV6):
        return [_network_key(value)]
    return []
