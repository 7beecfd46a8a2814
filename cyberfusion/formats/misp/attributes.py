"""MISP attribute types <-> our observable types, both ways, and the role of each value.

Import: `observable_parts(attribute, obj)` says which observables one MISP attribute holds
(a composite such as `domain|ip` or `filename|md5` holds two). `ip-src`/`ip-dst` values
are split into ipv4, ipv6 or CIDR by their shape (`/32` and `/128` count as addresses).
Inside an object, some `text` attributes are typed by their relation (`username`,
`account-name`, `handle`, the `name` of a `*-account`, phone `msisdn`) and `coin-address`
addresses by the `symbol`. Numeric account ids (`id`) are not usernames and stay out.
Types we hold no observable for (`port`, `regkey`, `text`, `yara` …) land in the kept
source event only. A `uri` that is a bare path is not an error: it is just not a URL.
MISP file names may carry a path (`%TEMP%\\a.exe`): the file name observable is its last
part; the full path stays in the kept event.

Export: `misp_type_for(type, role)` picks the MISP type and category, reusing the category
and type recorded in the role (`Network activity / ip-src`) when they fit the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cyberfusion.domain.observables import ObservableType

T = ObservableType
IP = "ip"  # an IP attribute: ipv4, ipv6 or CIDR, decided by the value

_Kind = ObservableType | str

#: Single-value MISP types.
SIMPLE: dict[str, _Kind] = {
    "ip-src": IP, "ip-dst": IP,
    "domain": T.DOMAIN, "hostname": T.DOMAIN,
    "url": T.URL, "link": T.URL, "uri": T.URL,
    "email": T.EMAIL, "email-src": T.EMAIL, "email-dst": T.EMAIL, "email-reply-to": T.EMAIL,
    "whois-registrant-email": T.EMAIL, "dns-soa-email": T.EMAIL,
    "md5": T.MD5, "sha1": T.SHA1, "sha256": T.SHA256, "sha512": T.SHA512, "ssdeep": T.SSDEEP,
    "x509-fingerprint-md5": T.MD5, "x509-fingerprint-sha1": T.SHA1,
    "x509-fingerprint-sha256": T.SHA256,
    "ja3-fingerprint-md5": T.JA3,
    "filename": T.FILE_NAME, "email-attachment": T.FILE_NAME, "attachment": T.FILE_NAME,
    "btc": T.BTC_WALLET, "xmr": T.XMR_WALLET, "iban": T.IBAN,
    "phone-number": T.PHONE, "whois-registrant-phone": T.PHONE,
    "AS": T.ASN, "user-agent": T.USER_AGENT,
    "github-username": T.USERNAME, "jabber-id": T.USERNAME, "twitter-id": T.USERNAME,
}  # fmt: skip

_FILE_HASHES: dict[str, ObservableType] = {
    "md5": T.MD5, "sha1": T.SHA1, "sha256": T.SHA256, "sha512": T.SHA512, "ssdeep": T.SSDEEP,
}  # fmt: skip

#: Composite `a|b` types: what each side holds (None: a side we keep no observable for).
COMPOSITE: dict[str, tuple[_Kind | None, _Kind | None]] = {
    "ip-src|port": (IP, None), "ip-dst|port": (IP, None),
    "hostname|port": (T.DOMAIN, None), "domain|ip": (T.DOMAIN, IP),
    "malware-sample": (T.FILE_NAME, T.MD5),
    **{f"filename|{name}": (T.FILE_NAME, kind) for name, kind in _FILE_HASHES.items()},
}  # fmt: skip

#: Composite types whose right side is a hash we hold no type for: keep the file name.
_FILENAME_ONLY = ("filename|",)

#: Types whose values are often not of our kind at all; a failure there is not reported.
LENIENT = frozenset({"uri"})

#: `text` relations inside objects that hold an account name.
_USERNAME_RELATIONS = frozenset(
    {"username", "user-name", "account-name", "handle", "twitter_username", "verified-username"}
)
_COIN_SYMBOLS: dict[str, ObservableType] = {
    "BTC": T.BTC_WALLET, "XBT": T.BTC_WALLET, "ETH": T.ETH_WALLET, "XMR": T.XMR_WALLET,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Part:
    """One observable inside a MISP attribute: its type, its raw text, where it came from."""

    type: ObservableType
    raw: str
    strict: bool = True


def ip_part(raw: str) -> tuple[ObservableType, str]:
    """The observable type of an IP attribute value, and the text to normalise."""
    text = raw.strip()
    address, slash, prefix = text.partition("/")
    family = T.IPV6 if ":" in address else T.IPV4
    if not slash:
        return family, text
    full = "128" if family is T.IPV6 else "32"
    return (family, address) if prefix.strip() == full else (T.CIDR, text)


def file_base(raw: str) -> str:
    """The last part of a Windows or POSIX path (`%TEMP%\\a.exe` -> `a.exe`)."""
    text = raw.strip()
    return text.replace("\\", "/").rstrip("/").rpartition("/")[2] or text


def _part(kind: _Kind, raw: str, strict: bool) -> Part:
    if kind == IP:
        otype, text = ip_part(raw)
        return Part(otype, text, strict)
    assert isinstance(kind, ObservableType)
    return Part(kind, file_base(raw) if kind is T.FILE_NAME else raw, strict)


def _split(misp_type: str, value: str) -> tuple[str, str]:
    """Split a composite value: file names may hold `|`, so those split on the last one."""
    if misp_type.startswith("filename|") or misp_type == "malware-sample":
        left, _, right = value.rpartition("|")
        return (left, right) if left else (value, "")
    left, _, right = value.partition("|")
    return left, right


def _object_kind(attribute: dict[str, Any], obj: dict[str, Any] | None) -> _Kind | None:
    """The observable type given by an object's relation, where the MISP type says too little."""
    if obj is None:
        return None
    relation = str(attribute.get("object_relation") or "")
    name = str(obj.get("name") or "")
    if name == "coin-address" and relation in ("address", "address-crypto"):
        return _COIN_SYMBOLS.get(_coin_symbol(obj), T.BTC_WALLET if relation == "address" else None)
    if attribute.get("type") != "text":
        return None
    if relation in _USERNAME_RELATIONS or (relation == "name" and name.endswith("-account")):
        return T.USERNAME
    if name == "phone" and relation == "msisdn":
        return T.PHONE
    return None


def _coin_symbol(obj: dict[str, Any]) -> str:
    for item in obj.get("Attribute") or ():
        if isinstance(item, dict) and item.get("object_relation") == "symbol":
            return str(item.get("value") or "").strip().upper()
    return "BTC"


def observable_parts(attribute: dict[str, Any], obj: dict[str, Any] | None = None) -> list[Part]:
    """The observables held by one MISP attribute (none for types we do not model)."""
    misp_type = str(attribute.get("type") or "")
    value = attribute.get("value")
    if not isinstance(value, str) or not value.strip():
        return []
    strict = misp_type not in LENIENT
    kind = _object_kind(attribute, obj)
    if kind is not None:
        return [_part(kind, value, strict)]
    if misp_type in SIMPLE:
        return [_part(SIMPLE[misp_type], value, strict)]
    if misp_type in COMPOSITE:
        sides = zip(COMPOSITE[misp_type], _split(misp_type, value), strict=True)
        return [_part(k, raw, strict) for k, raw in sides if k is not None and raw.strip()]
    if misp_type.startswith(_FILENAME_ONLY):
        left = _split(misp_type, value)[0]
        return [_part(T.FILE_NAME, left, strict)] if left.strip() else []
    return []


def role_of(attribute: dict[str, Any], obj: dict[str, Any] | None = None) -> str:
    """`Category / type` for a plain attribute, `object / relation` inside an object."""
    if obj is not None:
        role = f"{obj.get('name') or 'object'} / {attribute.get('object_relation') or '?'}"
    else:
        role = f"{attribute.get('category') or 'Other'} / {attribute.get('type') or '?'}"
    return role[:64]


# --- export -----------------------------------------------------------------------------------

_PAYLOAD = ("Payload delivery", "Artifacts dropped", "Payload installation", "External analysis")
_NETWORK = ("Network activity", "Payload delivery", "External analysis")

#: Our type -> (MISP type, the categories MISP allows for it; the first is the default).
EXPORT_TYPES: dict[ObservableType, tuple[str, tuple[str, ...]]] = {
    T.IPV4: ("ip-dst", _NETWORK), T.IPV6: ("ip-dst", _NETWORK), T.CIDR: ("ip-dst", _NETWORK),
    T.DOMAIN: ("domain", _NETWORK), T.URL: ("url", _NETWORK),
    T.EMAIL: ("email", ("Payload delivery", "Network activity", "Attribution",
                        "Social network", "Person")),
    T.MD5: ("md5", _PAYLOAD), T.SHA1: ("sha1", _PAYLOAD), T.SHA256: ("sha256", _PAYLOAD),
    T.SHA512: ("sha512", _PAYLOAD[:3]), T.SSDEEP: ("ssdeep", _PAYLOAD[:3]),
    T.FILE_NAME: ("filename", (*_PAYLOAD[:3], "Persistence mechanism", "External analysis")),
    T.BTC_WALLET: ("btc", ("Financial fraud",)), T.XMR_WALLET: ("xmr", ("Financial fraud",)),
    T.IBAN: ("iban", ("Financial fraud",)),
    T.PHONE: ("phone-number", ("Person", "Financial fraud", "Other")),
    T.ASN: ("AS", _NETWORK), T.JA3: ("ja3-fingerprint-md5", _NETWORK),
    T.USER_AGENT: ("user-agent", _NETWORK),
}  # fmt: skip

#: Our types MISP has no plain attribute for: exported as (object name, relation, MISP type).
EXPORT_OBJECTS: dict[ObservableType, tuple[str, str, str]] = {
    T.USERNAME: ("user-account", "username", "text"),
    T.ETH_WALLET: ("coin-address", "address-crypto", "text"),
}

_ALIASES: dict[str, tuple[str, ...]] = {
    "ip-dst": ("ip-src", "ip-dst"), "domain": ("domain", "hostname"),
    "email": ("email", "email-src", "email-dst", "email-reply-to"),
    "url": ("url", "link"), "phone-number": ("phone-number",),
}  # fmt: skip


def misp_type_for(otype: ObservableType, role: str) -> tuple[str, str] | None:
    """(MISP type, category) for a plain attribute, or None when an object is needed."""
    if otype not in EXPORT_TYPES:
        return None
    default_type, categories = EXPORT_TYPES[otype]
    category, _, hinted = (part.strip() for part in role.partition(" / "))
    misp_type = hinted if hinted in _ALIASES.get(default_type, (default_type,)) else default_type
    return misp_type, category if category in categories else categories[0]


_ACCOUNT_TYPES = ("github-username", "jabber-id", "twitter-id")


def username_type_for(role: str) -> str | None:
    """The MISP account type named in a username's role (`Social network / twitter-id`)."""
    hinted = role.partition(" / ")[2].strip()
    return hinted if hinted in _ACCOUNT_TYPES else None
