"""What STIX 2.1 objects mean in our terms: observable values, entities, crime types.

Cyber-observable objects are STIX 2.1 section 6, indicators section 4.7, reports section
4.16 (docs.oasis-open.org/cti/stix/v2.1/os). A few custom SCOs that carry values we know
(OpenCTI's `cryptocurrency-wallet`, `phone-number`, `user-agent`, `bank-account`; MISP's
`x-misp-object-btc` and kin) are read too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from cyberfusion.domain.imports import ImportedEntity, ImportedRelationship
from cyberfusion.domain.knowledge import EntityKind, ExternalRef
from cyberfusion.domain.model import CrimeType
from cyberfusion.domain.observables import ObservableType
from cyberfusion.formats.stix.patterns import Comparison
from cyberfusion.formats.stix.values import VALUE_TYPE

#: (observable type or "*" marker, raw value, where in the object) for one value.
Value = tuple[str, str, str]

#: `type:path` (quotes removed) -> our observable type; `ip4`/`ip6`/`wallet` are resolved
#: by the value's shape (an address with a prefix length is a CIDR, a 0x… wallet is Ethereum).
_PATTERN_PATHS: dict[str, str] = {
    "ipv4-addr:value": "ip4",
    "ipv6-addr:value": "ip6",
    "domain-name:value": "domain",
    "url:value": "url",
    "email-addr:value": "email",
    "email-message:from_ref.value": "email",
    "email-message:sender_ref.value": "email",
    "file:name": "file_name",
    "autonomous-system:number": "asn",
    "user-account:account_login": "username",
    "network-traffic:extensions.http-request-ext.request_header.User-Agent": "user_agent",
    "cryptocurrency-wallet:value": "wallet",
    "phone-number:value": "phone",
    "user-agent:value": "user_agent",
    "bank-account:iban": "iban",
}

_HASHES = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "SHA512": "sha512",
           "SSDEEP": "ssdeep"}

#: SCO type -> (property, observable type) for objects that carry one value.
_SCO_VALUES: dict[str, tuple[str, str]] = {
    "ipv4-addr": ("value", "ip4"),
    "ipv6-addr": ("value", "ip6"),
    "domain-name": ("value", "domain"),
    "url": ("value", "url"),
    "email-addr": ("value", "email"),
    "autonomous-system": ("number", "asn"),
    "user-account": ("account_login", "username"),
    "cryptocurrency-wallet": ("value", "wallet"),
    "phone-number": ("value", "phone"),
    "user-agent": ("value", "user_agent"),
    "bank-account": ("iban", "iban"),
    "x-misp-object-btc": ("x_misp_value", "btc_wallet"),
    "x-misp-object-xmr": ("x_misp_value", "xmr_wallet"),
    "x-misp-object-iban": ("x_misp_value", "iban"),
    "x-misp-object-user-agent": ("x_misp_value", "user_agent"),
    "x-misp-object-phone-number": ("x_misp_value", "phone"),
}

#: Object types whose objects may yield values: SCOs above, `file` and our custom SCO.
VALUE_TYPES = frozenset(_SCO_VALUES) | {"file", VALUE_TYPE}
_OUR_TYPES = frozenset(t.value for t in ObservableType)


def _hash_type(name: str) -> str | None:
    """Our digest type for a STIX hash name (`SHA-256`, `'SHA256'`, `md5`)."""
    return _HASHES.get(name.upper().replace("-", "").replace("_", ""))


def resolve_type(kind: str, value: str) -> str:
    """Settle the shape-dependent kinds: CIDR versus address, which wallet."""
    if kind in ("ip4", "ip6"):
        _, slash, prefix = value.partition("/")
        if not slash:
            return "ipv4" if kind == "ip4" else "ipv6"
        full = "32" if kind == "ip4" else "128"
        return ("ipv4" if kind == "ip4" else "ipv6") if prefix.strip() == full else "cidr"
    if kind == "wallet":
        text = value.strip()
        if text[:2].lower() == "0x":
            return "eth_wallet"
        return "xmr_wallet" if len(text) in (95, 106) else "btc_wallet"
    return kind


def strip_full_prefix(obs_type: str, value: str) -> str:
    """`1.2.3.4/32` is the address `1.2.3.4` (a host route, STIX 2.1 section 6.8)."""
    if obs_type in ("ipv4", "ipv6") and "/" in value:
        return value.partition("/")[0]
    return value


def pattern_values(comparisons: Iterable[Comparison]) -> list[Value]:
    """The values a simple pattern names, for the object paths we know."""
    found: list[Value] = []
    for obj_type, path, literal in comparisons:
        if obj_type == "file" and path.startswith("hashes."):
            kind = _hash_type(path[7:])
        else:
            kind = _PATTERN_PATHS.get(f"{obj_type}:{path}")
        if kind is not None:
            found.append((kind, literal, f"{obj_type}:{path}"))
    return found


def sco_values(obj: dict[str, Any]) -> list[Value]:
    """The values a cyber-observable object carries (section 6), for the types we know."""
    otype = obj.get("type")
    if otype == "file":
        return _file_values(obj)
    if otype == VALUE_TYPE:
        kind, value = obj.get("kind"), obj.get("value")
        if kind in _OUR_TYPES and isinstance(value, str):
            return [(str(kind), value, "value")]
        return []
    spec = _SCO_VALUES.get(otype) if isinstance(otype, str) else None
    if spec is None:
        return []
    raw = obj.get(spec[0])
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return []
    return [(spec[1], str(raw), spec[0])]


def _file_values(obj: dict[str, Any]) -> list[Value]:
    """A file's hashes (known algorithms) and its name (section 6.7)."""
    found: list[Value] = []
    hashes = obj.get("hashes")
    if isinstance(hashes, dict):
        for name, raw in hashes.items():
            kind = _hash_type(str(name))
            if kind is not None and isinstance(raw, str):
                found.append((kind, raw, f"hashes.{name}"))
    name = obj.get("name")
    if isinstance(name, str):
        found.append(("file_name", name, "name"))
    return found


# --- entities --------------------------------------------------------------------------------

_ENTITY_KINDS: dict[str, EntityKind] = {
    kind.stix_type: kind for kind in EntityKind if kind is not EntityKind.RANSOMWARE}
ENTITY_TYPES = frozenset(_ENTITY_KINDS)
_ATTACK_SOURCES = frozenset({"mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"})
#: The MITRE identity that signs ATT&CK objects (its relationships carry no external id).
MITRE_IDENTITY = "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5"


def entity_of(obj: dict[str, Any], ref: str, modified: Any, revoked: bool) -> ImportedEntity | None:
    """A STIX domain object an analyst reasons with, as an entity (sections 4.1 to 4.18)."""
    kind = _ENTITY_KINDS.get(obj["type"])
    if kind is None:
        return None
    name = _entity_name(obj)
    if not name:
        return None
    is_family = obj.get("is_family") is True
    if kind is EntityKind.MALWARE and _is_ransomware(obj):
        kind, is_family = EntityKind.RANSOMWARE, True
    refs = external_refs(obj.get("external_references"))
    external_id, source = _external_id(kind, refs)
    description = obj.get("description")
    sectors = tuple(s.strip() for s in _strings(obj.get("sectors")) if s.strip())
    country = obj.get("country")
    return ImportedEntity(
        ref, kind, name, aliases=_aliases(name, obj),
        description=description if isinstance(description, str) else "",
        external_id=external_id, source=source, modified=modified, revoked=revoked,
        external_refs=refs, is_family=is_family,
        identity_class=_text(obj.get("identity_class"), 32), sectors=sectors,
        country=country.strip().upper()[:2] if isinstance(country, str) else "",
        region=_text(obj.get("region"), 64), first_seen=read_stamp(obj.get("first_seen")),
        last_seen=read_stamp(obj.get("last_seen")),
        reference=source == "mitre-attack" or MITRE_IDENTITY in (ref, obj.get("created_by_ref")),
    )


def relationship_of(obj: dict[str, Any], ref: str, modified: Any,
                    revoked: bool) -> ImportedRelationship | None:
    """A STIX relationship (section 5.1) by its two refs, or None if an end is missing."""
    source, target = obj.get("source_ref"), obj.get("target_ref")
    kind = obj.get("relationship_type")
    if not (isinstance(source, str) and isinstance(target, str) and isinstance(kind, str)):
        return None
    description = obj.get("description")
    return ImportedRelationship(
        ref, kind.strip().lower()[:64] or "related-to", source, target,
        description=description if isinstance(description, str) else "",
        first_seen=read_stamp(obj.get("start_time")), last_seen=read_stamp(obj.get("stop_time")),
        modified=modified, revoked=revoked,
        reference=obj.get("created_by_ref") == MITRE_IDENTITY,
    )


def external_refs(value: object) -> tuple[ExternalRef, ...]:
    """The usable entries of `external_references` (those with a source name)."""
    found: list[ExternalRef] = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict) and isinstance(item.get("source_name"), str):
            found.append(ExternalRef(item["source_name"][:100], _text(item.get("external_id"), 100),
                                     _text(item.get("url"), 500)))
    return tuple(found)


def _external_id(kind: EntityKind, refs: tuple[ExternalRef, ...]) -> tuple[str, str]:
    """(external id, source): the ATT&CK id, or a vulnerability's CVE."""
    for item in refs:
        if item.source_name in _ATTACK_SOURCES and item.external_id:
            return item.external_id, "mitre-attack"
    if kind is EntityKind.VULNERABILITY:
        for item in refs:
            if item.source_name.lower() == "cve" and item.external_id:
                return item.external_id.upper(), "stix"
    return "", "stix"


def _entity_name(obj: dict[str, Any]) -> str:
    """The name; a location without one is named by its country or region."""
    for key in ("name", "country", "region", "city"):
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:300]
    return ""


def _is_ransomware(obj: dict[str, Any]) -> bool:
    """`malware_types` (or, in STIX 2.0, `labels`) says ransomware."""
    words = [*_strings(obj.get("malware_types")), *_strings(obj.get("labels"))]
    return any(w.strip().lower() == "ransomware" for w in words)


def _text(value: object, limit: int) -> str:
    """A string property, trimmed and cut; anything else reads as empty."""
    return value.strip()[:limit] if isinstance(value, str) else ""


def read_stamp(value: object) -> datetime | None:
    """A STIX timestamp property as an aware datetime, or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _aliases(name: str, obj: dict[str, Any]) -> tuple[str, ...]:
    """`aliases` and `x_mitre_aliases`, without the name itself and without repeats."""
    seen = {name.strip().casefold()}
    found: list[str] = []
    for alias in [*_strings(obj.get("aliases")), *_strings(obj.get("x_mitre_aliases"))]:
        text = alias.strip()
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            found.append(text)
    return tuple(found)


def _strings(value: object) -> list[str]:
    """The strings of a list property (anything else reads as empty)."""
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str)]


# --- crime types -----------------------------------------------------------------------------

#: Keywords in report_types/labels, most specific first.
_CRIME_WORDS: tuple[tuple[str, CrimeType], ...] = (
    ("ransomware", CrimeType.RANSOMWARE),
    ("sextortion", CrimeType.SEXTORTION),
    ("csam", CrimeType.CSAM),
    ("child-sexual-abuse", CrimeType.CSAM),
    ("business-email-compromise", CrimeType.BEC),
    ("bec", CrimeType.BEC),
    ("phishing", CrimeType.PHISHING),
    ("ddos", CrimeType.DDOS),
    ("denial-of-service", CrimeType.DDOS),
    ("crypto-fraud", CrimeType.CRYPTO_FRAUD),
    ("cryptocurrency-fraud", CrimeType.CRYPTO_FRAUD),
    ("online-fraud", CrimeType.FRAUD),
    ("fraud", CrimeType.FRAUD),
    ("scam", CrimeType.FRAUD),
    ("data-theft", CrimeType.DATA_THEFT),
    ("data-breach", CrimeType.DATA_THEFT),
    ("data-leak", CrimeType.DATA_THEFT),
    ("intrusion", CrimeType.INTRUSION),
    ("malware", CrimeType.MALWARE),
)
_SEPARATORS = re.compile(r"[\s_:=\"/]+")


def crime_type_of(obj: dict[str, Any]) -> CrimeType:
    """Guess the crime type from a report's `report_types` and `labels`, else OTHER."""
    tokens = [_SEPARATORS.sub("-", t.strip().lower()).strip("-")
              for t in [*_strings(obj.get("report_types")), *_strings(obj.get("labels"))]]
    for word, crime in _CRIME_WORDS:
        for token in tokens:
            if token == word or (len(word) > 3 and word in token):
                return crime
    return CrimeType.OTHER
