"""Typed, normalised observables: one canonical form and one stable key per value.

`normalise(type, raw)` is the single entry point used by ingest, search and the API: it
refangs where the type allows it, validates (checksums included) and returns an
`Observable` whose `key` is equal for every equivalent spelling of the same value. Invalid
input raises `InvalidObservable` with a human reason. Pure Python, no I/O.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from cyberfusion.domain import observable_fast as fast
from cyberfusion.domain import observable_fold as fold
from cyberfusion.domain import observable_net as net
from cyberfusion.domain import observable_types as kinds
from cyberfusion.domain.checksums import ChecksumError
from cyberfusion.errors import InvalidObservable

__all__ = [
    "MAX_RAW_LENGTH",
    "Observable",
    "ObservableType",
    "guess_type",
    "normalise",
    "normalise_many",
    "observable_key",
    "refang",
]

refang = net.refang

MAX_RAW_LENGTH = 8192
"""Longest raw input accepted for any type (URLs are the longest legitimate values)."""


class ObservableType(StrEnum):
    """The kinds of observable the pool knows; values are the stored type names."""

    IPV4 = "ipv4"
    IPV6 = "ipv6"
    CIDR = "cidr"
    DOMAIN = "domain"
    URL = "url"
    EMAIL = "email"
    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"
    SHA512 = "sha512"
    SSDEEP = "ssdeep"
    FILE_NAME = "file_name"
    BTC_WALLET = "btc_wallet"
    ETH_WALLET = "eth_wallet"
    XMR_WALLET = "xmr_wallet"
    IBAN = "iban"
    PHONE = "phone"
    USERNAME = "username"
    ASN = "asn"
    JA3 = "ja3"
    USER_AGENT = "user_agent"


#: Types whose values name or reach a person (an address, a number, an account, a handle):
#: personal data that never goes into a public product such as a prevention bulletin.
PERSONAL_TYPES = frozenset({ObservableType.EMAIL, ObservableType.PHONE, ObservableType.IBAN,
                            ObservableType.USERNAME})


@dataclass(frozen=True, slots=True)
class Observable:
    """A normalised value: its type, canonical form and stable key."""

    type: ObservableType
    value: str
    key: str


_T = ObservableType
# The full normalisers: refang, parse, validate, explain. Kept apart so tests can compare.
_SLOW_NORMALISERS: dict[ObservableType, Callable[[str], str]] = {
    _T.IPV4: net.normalise_ipv4,
    _T.IPV6: net.normalise_ipv6,
    _T.CIDR: net.normalise_cidr,
    _T.DOMAIN: net.normalise_domain,
    _T.URL: net.normalise_url,
    _T.EMAIL: net.normalise_email,
    _T.MD5: kinds.hex_normaliser("md5", 32),
    _T.SHA1: kinds.hex_normaliser("sha1", 40),
    _T.SHA256: kinds.hex_normaliser("sha256", 64),
    _T.SHA512: kinds.hex_normaliser("sha512", 128),
    _T.SSDEEP: kinds.normalise_ssdeep,
    _T.FILE_NAME: kinds.normalise_file_name,
    _T.BTC_WALLET: kinds.normalise_btc_wallet,
    _T.ETH_WALLET: kinds.normalise_eth_wallet,
    _T.XMR_WALLET: kinds.normalise_xmr_wallet,
    _T.IBAN: kinds.normalise_iban,
    _T.PHONE: kinds.normalise_phone,
    _T.USERNAME: kinds.normalise_username,
    _T.ASN: kinds.normalise_asn,
    _T.JA3: kinds.hex_normaliser("ja3", 32),
    _T.USER_AGENT: kinds.normalise_user_agent,
}

# Types whose values are ASCII whatever the script around them: a spelling with Arabic-Indic
# or full-width digits, no-break spaces or direction marks is the same value (see
# observable_fold). True: digits are folded too; False: domain names keep Arabic-Indic
# digits (letters of an Arabic label), and the URL host folds them only for an IPv4 host.
_FOLDED: dict[ObservableType, bool] = {
    **dict.fromkeys((_T.IPV4, _T.IPV6, _T.CIDR, _T.MD5, _T.SHA1, _T.SHA256, _T.SHA512,
                     _T.SSDEEP, _T.BTC_WALLET, _T.ETH_WALLET, _T.XMR_WALLET, _T.IBAN,
                     _T.PHONE, _T.ASN, _T.JA3), True),
    **dict.fromkeys((_T.DOMAIN, _T.URL, _T.EMAIL), False),
}


def _folding(slow: Callable[[str], str], digits: bool) -> Callable[[str], str]:
    """`slow` applied to the ASCII spelling of non-ASCII input (see observable_fold)."""

    def normalise(raw: str) -> str:
        return slow(raw if raw.isascii() else fold.fold_value(raw, digits))

    normalise.__doc__ = slow.__doc__
    return normalise


_SLOW_NORMALISERS = {
    t: _folding(slow, _FOLDED[t]) if t in _FOLDED else slow
    for t, slow in _SLOW_NORMALISERS.items()
}

# Shapes that are their own canonical form: bulk ingest mostly sees these, so they skip
# refang, IDNA and ipaddress (see observable_fast; anything else takes the full path).
_CANONICAL_SHAPES: dict[ObservableType, fast.Check] = {
    _T.IPV4: fast.is_canonical_ipv4,
    _T.DOMAIN: fast.is_canonical_domain,
    _T.URL: fast.is_canonical_url,
    _T.EMAIL: fast.is_canonical_email,
    _T.MD5: fast.hex_checker(32),
    _T.SHA1: fast.hex_checker(40),
    _T.SHA256: fast.hex_checker(64),
    _T.SHA512: fast.hex_checker(128),
    _T.JA3: fast.hex_checker(32),
}

_NORMALISERS: dict[ObservableType, Callable[[str], str]] = {
    t: fast.with_fast_path(_CANONICAL_SHAPES[t], slow) if t in _CANONICAL_SHAPES else slow
    for t, slow in _SLOW_NORMALISERS.items()
}

# Types whose key is computed from a folded form of the canonical value.
_KEY_FORMS: dict[ObservableType, Callable[[str], str]] = {
    _T.FILE_NAME: kinds.file_name_key_form,
    _T.ETH_WALLET: kinds.eth_key_form,
}


# SHA-256 states after `type \x1f`, one per type: copying one is cheaper than a fresh hash.
_KEY_STATES = {t: hashlib.sha256(f"{t.value}\x1f".encode()) for t in ObservableType}


def observable_key(obs_type: ObservableType, canonical: str) -> str:
    """First 32 hex digits of SHA-256 over `type \\x1f canonical`."""
    digest = _KEY_STATES[obs_type].copy()
    digest.update(canonical.encode())
    return digest.hexdigest()[:32]


_Setter = Callable[[Observable, object], None]
_new = object.__new__
_set_type: _Setter = Observable.__dict__["type"].__set__
_set_value: _Setter = Observable.__dict__["value"].__set__
_set_key: _Setter = Observable.__dict__["key"].__set__


def _observable(obs_type: ObservableType, value: str, key: str) -> Observable:
    """`Observable(obs_type, value, key)` through the slots, skipping the frozen `__init__`."""
    made: Observable = _new(Observable)
    _set_type(made, obs_type)
    _set_value(made, value)
    _set_key(made, key)
    return made


_BY_NAME: dict[str, ObservableType] = {t.value: t for t in ObservableType}


def _coerce_type(obs_type: ObservableType | str, raw: str, location: str) -> ObservableType:
    if isinstance(obs_type, ObservableType):
        return obs_type
    found = _BY_NAME.get(obs_type) if isinstance(obs_type, str) else None
    if found is None and isinstance(obs_type, str):
        found = _BY_NAME.get(obs_type.strip().lower())
    if found is None:
        reason = f"unknown observable type {obs_type!r}"
        raise InvalidObservable(str(obs_type), raw, reason, location)
    return found


def normalise(obs_type: ObservableType | str, raw: str, location: str = "value") -> Observable:
    """Validate `raw` as `obs_type` and return its canonical form and key, else raise."""
    otype = _coerce_type(obs_type, raw, location)
    if type(raw) is not str:
        if not isinstance(raw, str):
            raise InvalidObservable(otype.value, repr(raw), "value must be a string", location)
        raw = str.__str__(raw)  # a plain str, so the fast path never hands back a subclass
    if len(raw) > MAX_RAW_LENGTH:
        reason = f"value is {len(raw)} characters long, the maximum is {MAX_RAW_LENGTH}"
        raise InvalidObservable(otype.value, raw[:64], reason, location)
    try:
        value = _NORMALISERS[otype](raw)
    except (kinds.Rejected, ChecksumError) as exc:
        raise InvalidObservable(otype.value, raw, str(exc), location) from None
    key_form = _KEY_FORMS.get(otype)
    return _observable(otype, value, observable_key(otype, key_form(value) if key_form else value))


def normalise_many(obs_type: ObservableType, raws: Iterable[str]
                   ) -> list[Observable | InvalidObservable]:
    """`normalise` over many values of one type, the per-value lookups done once (batch
    lookups); each bad value gets its error in place instead of raising."""
    fast_form, key_form = _NORMALISERS[obs_type], _KEY_FORMS.get(obs_type)
    state, name = _KEY_STATES[obs_type], obs_type.value
    made: list[Observable | InvalidObservable] = []
    for raw in raws:
        if type(raw) is not str or len(raw) > MAX_RAW_LENGTH:
            made.append(_normalised_or_error(obs_type, raw))
            continue
        try:
            value = fast_form(raw)
        except (kinds.Rejected, ChecksumError) as exc:
            made.append(InvalidObservable(name, raw, str(exc), "value"))
            continue
        digest = state.copy()
        digest.update((key_form(value) if key_form else value).encode())
        made.append(_observable(obs_type, value, digest.hexdigest()[:32]))
    return made


def _normalised_or_error(obs_type: ObservableType, raw: str) -> Observable | InvalidObservable:
    try:
        return normalise(obs_type, raw)
    except InvalidObservable as exc:
        return exc


# --- guessing ---------------------------------------------------------------------------------

_HEX_ONLY = re.compile(r"[0-9a-fA-F]+")
_HEX_TYPES = {32: _T.MD5, 40: _T.SHA1, 64: _T.SHA256, 128: _T.SHA512}
_SSDEEP_SHAPE = re.compile(r"[0-9]+:[0-9A-Za-z/+]+:[0-9A-Za-z/+]*")
_CIDR_SHAPE = re.compile(r"[0-9a-fA-F:.]+/[0-9]{1,3}")
_ASN_SHAPE = re.compile(r"ASN?\s*[0-9][0-9.]*", re.IGNORECASE)
_IBAN_SHAPE = re.compile(r"[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 ]{8,}")
_PHONE_SHAPE = re.compile(r"(?:\+|00)[0-9 ()./-]{6,}")
_UA_SHAPE = re.compile(r"[A-Za-z][\w.-]*/[\w.]+(?:[ (].*)?")
_FILE_EXTENSIONS = frozenset(
    {
        "exe", "dll", "scr", "sys", "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js",
        "jse", "wsf", "hta", "lnk", "msi", "msp", "cpl", "jar", "apk", "elf", "so", "dylib",
        "bin", "dmg", "pkg", "iso", "img", "vhd", "vhdx", "zip", "rar", "7z", "gz", "tgz",
        "tar", "xz", "cab", "doc", "docx", "docm", "dot", "dotm", "xls", "xlsx", "xlsm",
        "xlsb", "ppt", "pptx", "pptm", "rtf", "pdf", "one", "txt", "csv", "html", "htm", "svg",
    }
)  # fmt: skip


def _valid(obs_type: ObservableType, text: str) -> bool:
    try:
        _NORMALISERS[obs_type](text)
    except (kinds.Rejected, ChecksumError):
        return False
    return True


def _guess_fixed(text: str) -> ObservableType | None:
    """Shapes that are unambiguous on sight: digests, wallets, ssdeep, ASN, IBAN, phone."""
    if len(text) in _HEX_TYPES and _HEX_ONLY.fullmatch(text):
        return _HEX_TYPES[len(text)]
    candidates: list[ObservableType] = []
    if text[:2] in ("0x", "0X"):
        candidates.append(_T.ETH_WALLET)
    if _SSDEEP_SHAPE.fullmatch(text):
        candidates.append(_T.SSDEEP)
    if _ASN_SHAPE.fullmatch(text):
        candidates.append(_T.ASN)
    if _PHONE_SHAPE.fullmatch(text):
        candidates.append(_T.PHONE)
    if _IBAN_SHAPE.fullmatch(text):
        candidates.append(_T.IBAN)
    if len(text) in (95, 106):
        candidates.append(_T.XMR_WALLET)
    if 25 <= len(text) <= 90 and " " not in text:
        candidates.append(_T.BTC_WALLET)
    return next((t for t in candidates if _valid(t, text)), None)


def _guess_network(text: str) -> ObservableType | None:
    """URLs, e-mail, handles, addresses, networks."""
    if "://" in text:
        return _T.URL if _valid(_T.URL, text) else None
    if text.startswith("@"):
        return _T.USERNAME if _valid(_T.USERNAME, text) else None
    if "@" in text:
        return _T.EMAIL if _valid(_T.EMAIL, text) else None
    for candidate in (_T.IPV4, _T.IPV6):
        if _valid(candidate, text):
            return candidate
    address = text.partition("/")[0]
    family = _T.IPV6 if ":" in address else _T.IPV4
    if _CIDR_SHAPE.fullmatch(text) and _valid(family, address):
        return _T.CIDR  # even with host bits set: normalise then explains what is wrong
    return None


def _guess_names(text: str) -> ObservableType | None:
    """Domains, URLs without a scheme, file names and user agents."""
    extension = text.rpartition(".")[2].lower()
    if extension in _FILE_EXTENSIONS and "/" not in text and _valid(_T.FILE_NAME, text):
        return _T.FILE_NAME
    if " " not in text:
        if "/" in text and "." in text.partition("/")[0] and _valid(_T.URL, text):
            return _T.URL
        if _valid(_T.DOMAIN, text):
            return _T.DOMAIN
    if _UA_SHAPE.fullmatch(text) and _valid(_T.USER_AGENT, text):
        return _T.USER_AGENT
    return None


def guess_type(raw: str) -> ObservableType | None:
    """Best-effort type of a search-box value after refanging; None when nothing fits.

    Ambiguous shapes resolve to the commoner type: 32 hex digits are md5 (never ja3),
    a name ending in a common file extension (`invoice.pdf.exe`) is a file name.
    """
    text = refang(fold.fold_value(raw)).strip()  # Arabic-Indic digits too (observable_fold)
    if not text or len(text) > MAX_RAW_LENGTH:
        return None
    for guesser in (_guess_fixed, _guess_network, _guess_names):
        found = guesser(text)
        if found is not None:
            return found
    return None
