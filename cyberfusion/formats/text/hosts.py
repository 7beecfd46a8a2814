"""Host names and URLs as written in reports: TLD checks, sloppy defangs repaired, parts split.

Free text is noisy, so a host name counts only when its last label is an IANA top-level
domain written in one case (`example.com`, `EXAMPLE.COM`, not `end.It`). URLs with a
scheme get a few more repairs than `refang` does, because analysts defang by hand:
half brackets (`example[.com`), a stray bracket after the scheme (`http://[example.com`),
commas for dots in the host (`example,com`) and IPv6 hosts without brackets.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from urllib.parse import unquote

from cyberfusion.domain.observables import Observable, ObservableType, normalise, refang
from cyberfusion.errors import InvalidObservable
from cyberfusion.formats.text.patterns import DOT
from cyberfusion.formats.warninglists import iana_tlds

T = ObservableType

_DOT = re.compile(DOT)

#: Special-use names that are not in the IANA root but name real hosts in reports
#: (Tor and I2P services, RFC 2606 examples, internal zones).
SPECIAL_USE_TLDS = frozenset({"onion", "i2p", "example", "test", "invalid", "local",
                              "internal"})
_AUTHORITY_END = re.compile(r"[/?#]")
_CUT = re.compile(r"[,;|]")
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def tld_ok(raw_host: str) -> bool:
    """True if the last label of `raw_host` (defanged or not) is a known TLD in one case."""
    last = _DOT.split(raw_host)[-1]
    if not last or not (last.islower() or last.isupper()):
        return False
    label = last.lower()
    if not label.isascii():
        try:
            label = label.encode("idna").decode("ascii")
        except UnicodeError:
            return False
    return label in iana_tlds() or label in SPECIAL_USE_TLDS


def host_length(raw_host: str) -> int:
    """Length of the longest prefix of `raw_host` that is a name with a known TLD, else 0.

    `example.com.Next` (a missing space after a full stop) gives `example.com`.
    """
    if tld_ok(raw_host):
        return len(raw_host)
    cuts = [m.start() for m in _DOT.finditer(raw_host)]
    for cut in reversed(cuts[1:]):
        if tld_ok(raw_host[:cut]):
            return cut
    return 0


def trim_url(raw: str) -> str:
    """Drop trailing punctuation and closing brackets that the URL does not open."""
    while raw:
        last = raw[-1]
        if last in ".,;:!?*'\"" or (last in ")]}>" and raw.count(last) > raw.count(_OPENERS[last])):
            raw = raw[:-1]
        else:
            break
    return raw


_OPENERS = {")": "(", "]": "[", "}": "{", ">": "<"}


def url_value(raw: str) -> Observable | None:
    """Canonical form of a URL as written (defanged, sloppy), or None if it is not one."""
    text = refang(raw).replace("\\/", "/")
    candidates = [_repair(text)]
    cut = _CUT.search(text)
    if cut is not None:
        candidates.append(_repair(text[: cut.start()]))
    for candidate in candidates:
        try:
            return normalise(T.URL, candidate)
        except InvalidObservable:
            continue
    return None


def _repair(text: str) -> str:
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text
    end = _AUTHORITY_END.search(rest)
    cut = end.start() if end else len(rest)
    return f"{scheme}://{_repair_authority(rest[:cut])}{rest[cut:]}"


def _repair_authority(authority: str) -> str:
    userinfo, at, host = authority.rpartition("@")
    closing = host.find("]")
    if host.startswith("[") and closing > 0 and ":" in host[:closing]:
        return authority
    host = host.replace("[", "").replace("]", "")
    if host.count(":") >= 2:
        with contextlib.suppress(ValueError):
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
    if "," in host:
        dotted = host.replace(",", ".")
        name = dotted.partition(":")[0]
        if _DOTTED_QUAD.fullmatch(name) or tld_ok(name):
            host = dotted
    return f"{userinfo}{at}{host}"


def url_parts(value: str) -> tuple[str, str, str]:
    """Host, percent-decoded path and percent-decoded query of a canonical URL."""
    rest = value.partition("://")[2]
    end = _AUTHORITY_END.search(rest)
    cut = end.start() if end else len(rest)
    host = rest[:cut].rpartition("@")[2]
    host = host[1 : host.find("]")] if host.startswith("[") else host.partition(":")[0]
    path, _, query = rest[cut:].partition("#")[0].partition("?")
    return host, unquote(path), unquote(query)


def host_observable(host: str) -> Observable | None:
    """The host of a URL as an IP address or domain observable."""
    if not host:
        return None
    if ":" in host:
        otype = T.IPV6
    elif _DOTTED_QUAD.fullmatch(host):
        otype = T.IPV4
    else:
        otype = T.DOMAIN
    try:
        return normalise(otype, host)
    except InvalidObservable:
        return None
