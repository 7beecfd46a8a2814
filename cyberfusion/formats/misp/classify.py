"""What an event's tags and galaxies say: crime type, countries, sectors, named entities.

Machine tags are `namespace:predicate="value"`. The crime type is guessed from tags and
galaxies first (`ecsirt:malicious-code="ransomware"`, `misp-galaxy:ransomware="LockBit"`,
`circl:incident-classification="phishing"` …), then from the event's `info`; our own
`cyberfusion:crime-type="…"` tag (written by the exporter) is taken as is. Countries come
from `country:"FR"` style tags and the `country` galaxy; sectors from the `sector` galaxy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cyberfusion.domain.imports import ImportedEntity
from cyberfusion.domain.model import CrimeType
from cyberfusion.formats import reference

C = CrimeType
_TAG = re.compile(r'^\s*([^:="]+)(?::([^=]*))?(?:="?(.*?)"?)?\s*$')
_MITRE_ID = re.compile(r"\s+-\s+[A-Z]{1,2}\d{4}(?:\.\d{3})?$")

#: Keyword patterns in priority order: the first that matches decides.
_CRIME_PATTERNS: list[tuple[CrimeType, re.Pattern[str]]] = [
    (C.RANSOMWARE, re.compile(r"ransom")),
    (C.CSAM, re.compile(r"\bcsam\b|child[ -]sexual|child[ -]abuse")),
    (C.SEXTORTION, re.compile(r"sextortion")),
    (C.BEC, re.compile(r"\bbec\b|business[ -]e-?mail[ -]compromise|ceo[ -]fraud")),
    (C.PHISHING, re.compile(r"phish|smish")),
    (C.DDOS, re.compile(r"\bd?dos\b|denial[ -]of[ -]service")),
    (C.CRYPTO_FRAUD, re.compile(r"crypto[ -]?(currency[ -])?(fraud|scam)|investment[ -]scam")),
    (C.FRAUD, re.compile(r"fraud|\bscam")),
    (C.DATA_THEFT, re.compile(r"exfiltration|data[ -](leak|breach|theft)|stealer")),
    (C.INTRUSION, re.compile(
        r"intrusion|\bapt\s?\d*\b|compromise|threat-actor|activity-group|tidal-(groups|campaigns)")),
    (C.MALWARE, re.compile(
        r"malware|malicious-code|trojan|\brat\b|banker|botnet|backdoor|malpedia"
        r"|misp-galaxy:(tool|exploit-kit|android|cryptominers|tidal-software|mitre-.*tool)")),
]


@dataclass
class Findings:
    """What the tags and galaxies of one event (and its attributes) name."""

    crime_words: list[str] = field(default_factory=list)
    crime_type: CrimeType | None = None
    countries: dict[str, None] = field(default_factory=dict)
    sectors: dict[str, None] = field(default_factory=dict)
    entity_names: dict[str, None] = field(default_factory=dict)
    entities: dict[str, ImportedEntity] = field(default_factory=dict)


def split_tag(name: str) -> tuple[str, str, str]:
    """(namespace, predicate, value) of a machine tag; plain tags give (name, '', '')."""
    match = _TAG.match(name)
    if match is None:
        return name.strip(), "", ""
    namespace, predicate, value = (g or "" for g in match.groups())
    return namespace.strip(), predicate.strip().strip('"'), value.strip()


def entity_name(value: str) -> str:
    """A galaxy value as an entity name: MITRE ids dropped (`APT32 - G0050` -> `APT32`)."""
    return _MITRE_ID.sub("", value).strip()


def read_tags(findings: Findings, tags: Iterable[str]) -> None:
    """Add what a list of tag names says."""
    for name in tags:
        namespace, predicate, value = split_tag(name)
        lowered = namespace.lower()
        if lowered == "cyberfusion" and predicate == "crime-type":
            findings.crime_type = _crime(value) or findings.crime_type
        elif lowered == "country":
            _add_country(findings, predicate or value, by_code=True)
        elif lowered == "misp-galaxy":
            _galaxy_value(findings, predicate, value, None)
            continue
        findings.crime_words.append(name.lower())


def read_galaxies(findings: Findings, galaxies: Any) -> None:
    """Add what an event's or attribute's `Galaxy` list says."""
    for galaxy in galaxies if isinstance(galaxies, list) else ():
        if not isinstance(galaxy, dict):
            continue
        gtype = str(galaxy.get("type") or "")
        for cluster in galaxy.get("GalaxyCluster") or ():
            if isinstance(cluster, dict) and cluster.get("value"):
                _galaxy_value(findings, gtype, str(cluster["value"]), cluster)


def _galaxy_value(findings: Findings, gtype: str, value: str, body: dict[str, Any] | None) -> None:
    if reference.galaxy_kind(gtype) is not None:  # the galaxy, not the name, says the crime
        findings.crime_words.append(f"misp-galaxy:{gtype}".lower())
    if gtype == "country":
        meta = (body or {}).get("meta") or {}
        code = meta.get("ISO") if isinstance(meta, dict) else None
        _add_country(findings, str(code or value), by_code=bool(code))
    elif gtype == "sector":
        findings.sectors[value[:64]] = None
    elif reference.galaxy_kind(gtype) is not None:
        name = entity_name(value)
        if name:
            findings.entity_names[name] = None
        entity = reference.cluster_entity(gtype, {**(body or {}), "value": name})
        if entity is not None:  # a bare tag gets a ref derived from galaxy and name
            findings.entities[entity.ref] = entity


def _add_country(findings: Findings, text: str, by_code: bool) -> None:
    text = text.strip()
    code = text.upper() if by_code and len(text) == 2 and text.isalpha() else None
    code = code or reference.country_code(text)
    if code:
        findings.countries[code] = None


def _crime(value: str) -> CrimeType | None:
    try:
        return CrimeType(value.strip().lower())
    except ValueError:
        return None


def guess_crime_type(findings: Findings, info: str) -> CrimeType:
    """The crime type the tags and galaxies point at, else the event title, else OTHER."""
    if findings.crime_type is not None:
        return findings.crime_type
    for texts in (findings.crime_words, [info.lower()]):
        for crime, pattern in _CRIME_PATTERNS:
            if any(pattern.search(text) for text in texts):
                return crime
    return CrimeType.OTHER


def iter_tagged(event: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The event, its attributes and its objects' attributes: everything that carries tags."""
    yield event
    for attribute in event.get("Attribute") or ():
        if isinstance(attribute, dict):
            yield attribute
    for obj in event.get("Object") or ():
        if isinstance(obj, dict):
            yield obj
            yield from (a for a in obj.get("Attribute") or () if isinstance(a, dict))
