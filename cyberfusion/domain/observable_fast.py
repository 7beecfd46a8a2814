"""Already-canonical shapes: cheap checks that let normalisation skip refang, IDNA and ipaddress.

Each `is_canonical_*` accepts only text that its type's full normaliser returns unchanged,
so a value that passes is its own canonical form. The checks are deliberately narrower than
the canonical forms: whatever they do not vouch for (other spellings, punycode labels,
percent-escapes of unreserved characters, default ports …) goes to the full normaliser,
which also supplies the rejection reasons. Pure ASCII patterns, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = [
    "Check",
    "hex_checker",
    "ipv4_network",
    "is_canonical_domain",
    "is_canonical_email",
    "is_canonical_ipv4",
    "is_canonical_url",
    "with_fast_path",
]

Check = Callable[[str], object]
"""A canonical-shape test: truthy when the text is already canonical."""

# Possessive quantifiers (`*+`, `{m,n}+`, `++`) keep the engine from saving backtracking
# points it can never use; every repeated class stops at a character it cannot contain.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
# LDH/underscore label of 1-63 characters, not starting or ending with '-' (as domain_text).
_LABEL = r"(?!-)[a-z0-9_-]{1,63}+(?<!-)"
# Two or more labels; the last one must not be all digits (a numeric TLD is rejected).
_DOMAIN = rf"(?:{_LABEL}\.)++(?![0-9]++(?![a-z0-9_-])){_LABEL}"
# No `xn--` anywhere in the host that follows: punycode labels need IDNA validation.
_NO_PUNYCODE = r"(?![a-z0-9_.-]*xn--)"
# Local-part characters `normalise_email` keeps as they are: lower-case atext without braces
# (refang reads `{.}` and `{at}`), so no refang pattern, no `mailto:`, no case folding applies.
_ATEXT = r"[a-z0-9!#$%&'*+/=?^_`|~-]"
_EMAIL = (
    rf"(?=.{{3,254}}+\Z)(?=[^@]{{1,64}}+@)"
    rf"{_ATEXT}++(?:\.{_ATEXT}++)*+@{_NO_PUNYCODE}{_DOMAIN}"
)
_PORT = r"(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
# Path characters kept as they are: no ':', '[' or '(' (refang's `hxxp:`/`[.]`/`(dot)` need
# one), no '{', '<', backslash, '#', '?' or space; '%' only in an escape `_pct_normalise` keeps,
# i.e. upper-case hex of a character that is not unreserved (A-Z a-z 0-9 - . _ ~).
_PCHARS = r"A-Za-z0-9._~!$&'*+,;=@/-"
_ESCAPE = r"%(?:[0189A-F][0-9A-F]|2[0-9A-CF]|3[A-F]|40|5[B-E]|60|7[B-DF])"
_PATH = rf"/[{_PCHARS}]*+(?:{_ESCAPE}[{_PCHARS}]*+)*+"
_QUERY = rf"\?(?!\Z)[?{_PCHARS}]*+(?:{_ESCAPE}[?{_PCHARS}]*+)*+"
# http(s), canonical host of ≤253 characters, a port unless it is the scheme's default (group
# 1 is the `s` of https), then a path and an optional non-empty query. A port after a host
# ending in `xp`/`xps` would read as a defanged scheme (`a.hxxp:81` -> `a.http:81`).
_URL = (
    rf"http(s)?://{_NO_PUNYCODE}(?=[a-z0-9_.-]{{1,253}}+[:/])(?:{_DOMAIN}|{_IPV4})"
    rf"(?::(?<!xp:)(?<!xps:)(?(1)(?!443/)|(?!80/)){_PORT})?{_PATH}(?:{_QUERY})?"
)

is_canonical_ipv4: Check = re.compile(_IPV4).fullmatch
"""Dotted quad of decimal octets 0-255 without leading zeros."""

is_canonical_domain: Check = re.compile(rf"{_NO_PUNYCODE}(?=.{{1,253}}+\Z){_DOMAIN}").fullmatch
"""Lower-case LDH/underscore name of 2+ labels, ≤253 characters, no punycode label."""

is_canonical_email: Check = re.compile(_EMAIL).fullmatch
"""Lower-case dot-atom local part of ≤64 characters, '@', canonical domain; ≤254 in all."""

is_canonical_url: Check = re.compile(_URL).fullmatch
"""`http(s)://` canonical host, non-default port, path and query of characters kept as is."""


def hex_checker(length: int) -> Check:
    """Test for exactly `length` lower-case hex digits (a canonical digest)."""
    return re.compile(f"[0-9a-f]{{{length}}}").fullmatch


def with_fast_path(is_canonical: Check, slow: Callable[[str], str]) -> Callable[[str], str]:
    """A normaliser that returns already-canonical text as it is and hands the rest to `slow`."""

    def normalise(raw: str) -> str:
        return raw if is_canonical(raw) else slow(raw)

    normalise.__doc__ = slow.__doc__
    return normalise


def ipv4_network(address: str, prefix: int) -> str:
    """`a.b.c.d/prefix` with the host bits cleared, for a canonical dotted quad."""
    a, b, c, d = address.split(".")
    bits = 32 - prefix
    number = (int(a) << 24 | int(b) << 16 | int(c) << 8 | int(d)) >> bits << bits
    return f"{number >> 24}.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}/{prefix}"
