"""Normalisers for network observables: refang, IP addresses, CIDR, domains, URLs, e-mail.

Each `normalise_*` takes the raw text and returns the canonical form, or raises `Rejected`
with a human reason. Domains follow UTS 46 + IDNA 2008 for non-ASCII labels (via `idna`);
all-ASCII labels follow the DNS LDH rules plus underscore, because real hostnames such as
`r3---sn-abc.googlevideo.com` or `_dmarc.example.org` break IDNA 2008's hyphen rules.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

import idna

from cyberfusion.domain.observable_fast import is_canonical_domain
from cyberfusion.domain.observable_fold import fold_digits
from cyberfusion.domain.observable_types import Rejected, sized

# --- refang -----------------------------------------------------------------------------------

_BRACKETED = re.compile(
    r"\s*[\[({<]\s*(\.|dot|://|:|//|/|@|at)\s*[\])}>]\s*|\\(\.)",
    re.IGNORECASE,
)
_BRACKET_MAP = {
    ".": ".", "dot": ".", "://": "://", ":": ":", "//": "//", "/": "/", "@": "@", "at": "@",
}  # fmt: skip
_SCHEME_DEFANG = re.compile(r"\b(?:h(?:xx|\*\*)p|fxp)(s?)(?=[:\[(])", re.IGNORECASE)
_DEFANG_HINT = frozenset("[({<\\*xX")


def _bracket_sub(match: re.Match[str]) -> str:
    token = match.group(1)
    if token is None:
        return "."
    return _BRACKET_MAP[token.lower()]


def _scheme_sub(match: re.Match[str]) -> str:
    word = match.group(0).lower()
    base = "ftp" if word.startswith("f") else "http"
    return base + match.group(1).lower()


def refang(text: str) -> str:
    """Undo defanging: `[.]` `(dot)` `{.}` `hxxp` `hXXps` `[:]//` `[@]` `(at)` `\\.` and kin."""
    if _DEFANG_HINT.isdisjoint(text):
        return text
    text = _BRACKETED.sub(_bracket_sub, text)
    return _SCHEME_DEFANG.sub(_scheme_sub, text)


# --- IP addresses -----------------------------------------------------------------------------

_LEADING_ZERO = re.compile(r"(?:^|[.:])0\d")


def _ipv4_reason(text: str) -> str:
    if ":" in text:
        return (
            "this is an IPv6 address (use type ipv6)" if _is_ipv6(text) else "not an IPv4 address"
        )
    if _LEADING_ZERO.search(text):
        return "an octet has a leading zero, which is ambiguous (octal?)"
    return "expected four decimal octets 0-255 separated by dots"


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def ipv4_text(text: str) -> str:
    """Canonical dotted-quad text of an IPv4 address; leading zeros are rejected."""
    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        raise Rejected(_ipv4_reason(text)) from None


def _ipv6_str(address: ipaddress.IPv6Address) -> str:
    """RFC 5952 text; IPv4-mapped addresses in dotted form (§5), whatever the Python version."""
    mapped = address.ipv4_mapped
    return f"::ffff:{mapped}" if mapped is not None else str(address)


def ipv6_text(text: str) -> str:
    """Canonical RFC 5952 text (compressed, lower-case) of an IPv6 address."""
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if "%" in text:
        raise Rejected("zone index ('%…') is not allowed")
    try:
        return _ipv6_str(ipaddress.IPv6Address(text))
    except ValueError:
        try:
            ipaddress.IPv4Address(text)
        except ValueError:
            raise Rejected("not a valid IPv6 address (RFC 4291 text form)") from None
        raise Rejected("this is an IPv4 address (use type ipv4)") from None


def normalise_ipv4(raw: str) -> str:
    """Dotted quad, no leading zeros, via `ipaddress`."""
    return ipv4_text(refang(raw).strip())


def normalise_ipv6(raw: str) -> str:
    """Compressed lower-case IPv6 (RFC 5952), brackets accepted."""
    return ipv6_text(refang(raw).strip())


def normalise_cidr(raw: str) -> str:
    """Network with prefix length; host bits must be zero; a bare address gets /32 or /128."""
    text = refang(raw).strip()
    if "/" not in text:
        return f"{ipv6_text(text)}/128" if ":" in text else f"{ipv4_text(text)}/32"
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        if "host bits set" in str(exc):
            loose = ipaddress.ip_network(text, strict=False).with_prefixlen
            raise Rejected(f"host bits are set (the network is {loose})") from None
        address, _, prefix = text.partition("/")
        if ":" in address:
            ipv6_text(address)
        else:
            ipv4_text(address)
        raise Rejected(f"invalid prefix length {prefix!r}") from None
    if isinstance(network, ipaddress.IPv6Network):
        return f"{_ipv6_str(network.network_address)}/{network.prefixlen}"
    return network.with_prefixlen


# --- domains (UTS 46, IDNA 2008) -------------------------------------------------------------

_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_ASCII_LABEL = re.compile(_LABEL)


def domain_text(text: str) -> str:
    """Canonical A-label (punycode) lower-case domain of an already refanged, stripped name."""
    if text.endswith("."):
        text = text[:-1]
    if text.isascii() and is_canonical_domain(name := text.lower()):
        return name  # plain LDH labels: already the A-label form
    return _domain_slow(text)


def _domain_slow(text: str) -> str:
    """Full path: UTS 46 mapping, then per-label checks with precise reasons."""
    if not text:
        raise Rejected("empty domain name")
    if text.isascii():
        mapped = text.lower()
    else:
        try:
            mapped = idna.uts46_remap(text, std3_rules=False, transitional=False)
        except idna.IDNAError as exc:
            raise Rejected(f"not a valid internationalised name (UTS 46): {exc}") from None
        mapped = mapped.removesuffix(".")
    labels = mapped.split(".")
    if len(labels) < 2:
        raise Rejected("a domain needs at least two labels (name.tld)")
    name = ".".join(_label_text(label) for label in labels)
    sized(name, "domain", 253)
    if labels[-1].isdigit():
        raise Rejected("the top-level label is all-numeric")
    return name


def _label_text(label: str) -> str:
    """One label as lower-case ASCII: LDH/underscore, verified punycode, or IDNA 2008 A-label."""
    if not label:
        raise Rejected("empty label (two dots in a row, or a leading dot)")
    if not label.isascii():
        try:
            label = idna.alabel(label).decode("ascii")
        except idna.IDNAError as exc:
            raise Rejected(f"label {label!r} is not valid IDNA 2008: {exc}") from None
    elif label.startswith("xn--"):
        # Only labels of legal length are cached, so hostile input cannot bloat the cache.
        check = _punycode_error if len(label) <= 63 else _punycode_error.__wrapped__
        error = check(label)
        if error is not None:
            raise Rejected(f"label {label!r} is not valid punycode/IDNA 2008: {error}")
    if len(label) > 63:
        raise Rejected(f"label {label[:20]!r}… is {len(label)} characters long, the maximum is 63")
    if not label.startswith("xn--") and not _ASCII_LABEL.fullmatch(label):
        if label.startswith("-") or label.endswith("-"):
            raise Rejected(f"label {label!r} starts or ends with a hyphen")
        raise Rejected(f"label {label!r} has characters other than letters, digits, '-' and '_'")
    return label


@lru_cache(maxsize=4096)
def _punycode_error(label: str) -> str | None:
    """Why an `xn--` label fails IDNA 2008, or None; cached: ~15 µs each, and IDN labels recur."""
    try:
        idna.ulabel(label)
    except idna.IDNAError as exc:
        return str(exc)
    return None


def normalise_domain(raw: str) -> str:
    """Refang, strip the trailing dot, lower-case, IDNA 2008 A-label form (UTS 46 mapping)."""
    return domain_text(refang(raw).strip())


# --- URLs (RFC 3986) --------------------------------------------------------------------------

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*)://")
_URL_BAD = re.compile(r"[\x00-\x20\x7f]")
_AUTHORITY_END = re.compile(r"[/?]")
_PCT = re.compile(r"%([0-9a-fA-F]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_DEFAULT_PORTS = {"http": "80", "https": "443", "ftp": "21", "ws": "80", "wss": "443"}
_IPV4_LIKE = re.compile(r"[0-9.]+")


def _pct_sub(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _pct_normalise(text: str) -> str:
    """RFC 3986 §6.2.2: upper-case percent-escapes, decode escaped unreserved characters."""
    return _PCT.sub(_pct_sub, text) if "%" in text else text


def _url_host(host: str) -> str:
    if host.startswith("["):
        return f"[{ipv6_text(host[1:-1])}]"
    if not host:
        raise Rejected("URL has no host")
    if _IPV4_LIKE.fullmatch(digits := fold_digits(host)):
        return ipv4_text(digits)  # an IPv4 host written with Arabic-Indic digits too
    return domain_text(host)


def _url_authority(scheme: str, authority: str) -> str:
    userinfo, at, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        end = hostport.find("]") + 1
        if not end:
            raise Rejected("unterminated '[' in the URL host")
        host, port = hostport[:end], hostport[end:]
        if port and not port.startswith(":"):
            raise Rejected("unexpected text after the IPv6 host")
        port = port[1:]
    else:
        host, _, port = hostport.partition(":")
    host = _url_host(host)
    if port:
        if not port.isascii() or not port.isdigit() or int(port) > 65535:
            raise Rejected(f"invalid port {port!r}")
        port = str(int(port))
    if port and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return f"{userinfo}@{host}" if at else host


def normalise_url(raw: str) -> str:
    """Refang; lower-case scheme and host (IDNA), drop default port and fragment; keep path case."""
    text = refang(raw).strip()
    if not text:
        raise Rejected("empty URL")
    if _URL_BAD.search(text):
        raise Rejected("URL contains whitespace or control characters")
    match = _SCHEME.match(text)
    if match is None:
        text = "http://" + text
        match = _SCHEME.match(text)
        assert match is not None
    scheme = match.group(1).lower()
    rest = text[match.end() :].partition("#")[0]
    split = _AUTHORITY_END.search(rest)
    cut = split.start() if split else len(rest)
    authority = _url_authority(scheme, rest[:cut])
    path, _, query = rest[cut:].partition("?")
    path = _pct_normalise(path) or "/"
    query = _pct_normalise(query)
    return f"{scheme}://{authority}{path}?{query}" if query else f"{scheme}://{authority}{path}"


# --- e-mail -----------------------------------------------------------------------------------

_LOCAL_BAD = re.compile(r"[\s\x00-\x1f\x7f<>()\[\],;:\\\"@]")


def normalise_email(raw: str) -> str:
    """Refang; lower-case local part and domain (providers match case-insensitively); IDNA."""
    text = refang(raw).strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    local, at, domain = text.rpartition("@")
    if not at:
        raise Rejected("missing '@'")
    sized(local, "local part", 64)
    if _LOCAL_BAD.search(local):
        raise Rejected("local part contains whitespace, control or special characters")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise Rejected("local part has a leading, trailing or doubled dot")
    return sized(f"{local.lower()}@{domain_text(domain)}", "address", 254)
