"""Reference data from the MISP galaxies bundled with `pymispgalaxies`.

`galaxy_entities()` streams ransomware families and threat actors as `ImportedEntity`s:
the cluster value is the name, its `synonyms` the aliases, its uuid the stable ref
(`misp-galaxy:<uuid>`). `country_code()` and `country_name()` read the `country` galaxy
(used for `misp-galaxy:country="france"` tags). The files are read once, on first use.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from cyberfusion.domain.imports import ImportedEntity
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.ransomware import FamilyClues

K = EntityKind

#: Which galaxies hold which kind of entity (types as in `misp-galaxy:<type>="…"`).
GALAXY_KINDS: dict[str, EntityKind] = {
    "ransomware": K.RANSOMWARE,
    "threat-actor": K.THREAT_ACTOR, "microsoft-activity-group": K.THREAT_ACTOR,
    "tidal-groups": K.THREAT_ACTOR,
    "mitre-intrusion-set": K.INTRUSION_SET, "mitre-ics-groups": K.INTRUSION_SET,
    "mitre-malware": K.MALWARE, "malpedia": K.MALWARE, "rat": K.MALWARE, "banker": K.MALWARE,
    "botnet": K.MALWARE, "backdoor": K.MALWARE, "stealer": K.MALWARE, "android": K.MALWARE,
    "cryptominers": K.MALWARE, "tidal-software": K.MALWARE, "mitre-ics-software": K.MALWARE,
    "tool": K.TOOL, "mitre-tool": K.TOOL, "exploit-kit": K.TOOL,
    "mitre-attack-pattern": K.ATTACK_PATTERN, "mitre-ics-techniques": K.ATTACK_PATTERN,
    "tidal-technique": K.ATTACK_PATTERN,
    "tidal-campaigns": K.CAMPAIGN,
}  # fmt: skip

_MITRE_SUFFIXES = ("-intrusion-set", "-malware", "-tool", "-attack-pattern")
_MITRE_KINDS = (K.INTRUSION_SET, K.MALWARE, K.TOOL, K.ATTACK_PATTERN)

#: Namespace of the refs made up for cluster values that carry no uuid.
_NAMESPACE = uuid.UUID("6f1d3c1e-5b0a-4f64-9d47-2a7e5c0b9e11")


def galaxy_kind(galaxy_type: str) -> EntityKind | None:
    """The entity kind of a galaxy's clusters (`mitre-enterprise-attack-malware` too)."""
    if galaxy_type in GALAXY_KINDS:
        return GALAXY_KINDS[galaxy_type]
    if galaxy_type.startswith("mitre-"):
        for suffix, kind in zip(_MITRE_SUFFIXES, _MITRE_KINDS, strict=True):
            if galaxy_type.endswith(suffix):
                return kind
    return None


def cluster_entity(galaxy_type: str, value: dict[str, Any]) -> ImportedEntity | None:
    """One galaxy cluster value (the JSON form) as an entity, or None if it names nothing."""
    kind = galaxy_kind(galaxy_type)
    name = str(value.get("value") or "").strip()
    if kind is None or not name:
        return None
    ref_id = value.get("uuid") or uuid.uuid5(_NAMESPACE, f"{galaxy_type}\x1f{name}")
    meta = value.get("meta") if isinstance(value.get("meta"), dict) else {}
    return ImportedEntity(
        ref=f"misp-galaxy:{ref_id}", kind=kind, name=name[:300],
        aliases=_aliases(name, meta.get("synonyms") if meta else None),
        description=str(value.get("description") or ""),
        external_id=_external_id(meta), source="misp-galaxy",
        is_family=kind in (K.RANSOMWARE, K.MALWARE), reference=True,
    )


def _aliases(name: str, synonyms: Any) -> tuple[str, ...]:
    if isinstance(synonyms, str):
        synonyms = [synonyms]
    if not isinstance(synonyms, Iterable):
        return ()
    found = {str(s).strip() for s in synonyms if str(s).strip()}
    found.discard(name)
    return tuple(sorted(found))


def _external_id(meta: dict[str, Any] | None) -> str:
    ids = (meta or {}).get("external_id")
    if isinstance(ids, list) and ids:
        return str(ids[0])
    return str(ids) if isinstance(ids, str) else ""


def galaxy_entities(
    names: Iterable[str] = ("ransomware", "threat-actor"),
) -> Iterator[ImportedEntity]:
    """Stream the entities of the named bundled galaxies, one cluster value at a time."""
    for name in names:
        cluster = _cluster(name)
        for value in cluster.cluster_values.values():
            entity = cluster_entity(cluster.type, value.to_dict())
            if entity is not None:
                yield entity


def _cluster(name: str) -> Any:
    """One bundled galaxy's clusters; `pymispgalaxies` (and the JSON-schema format checkers it
    pulls in, about two seconds) is imported on first use, not by every command."""
    from pymispgalaxies.api import Cluster

    return Cluster(name, skip_duplicates=True)


@cache
def ransomware_clues() -> tuple[FamilyClues, ...]:
    """Each family of the bundled ransomware galaxy with its names, notes, note file names
    and extensions (read once: identification indexes them)."""
    found = []
    for value in _cluster("ransomware").cluster_values.values():
        data = value.to_dict()
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        name = str(data.get("value") or "").strip()
        if name:
            found.append(FamilyClues(
                name, _aliases(name, meta.get("synonyms")), _strings(meta.get("ransomnotes")),
                _strings(meta.get("ransomnotes-filenames")), _strings(meta.get("extensions")),
                source="galaxy", description=str(data.get("description") or "")))
    return tuple(found)


def _strings(values: Any) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        return ()
    return tuple(str(v) for v in values if str(v).strip())


@cache
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """(lower-case name -> ISO code, ISO code -> galaxy value) from the `country` galaxy."""
    by_name: dict[str, str] = {}
    by_code: dict[str, str] = {}
    for value in _cluster("country").cluster_values.values():
        meta = value.meta.to_dict() if value.meta else {}
        code = str(meta.get("ISO") or "").upper()
        if len(code) != 2:
            continue
        by_code.setdefault(code, value.value)
        for name in (value.value, value.description or ""):
            if name:
                by_name.setdefault(name.strip().lower(), code)
    return by_name, by_code


def country_code(name: str) -> str | None:
    """ISO 3166 alpha-2 code of a country galaxy value (`france` -> `FR`), or None."""
    return _countries()[0].get(name.strip().lower())


def country_name(code: str) -> str | None:
    """The country galaxy value for an ISO code (`FR` -> `france`), or None."""
    return _countries()[1].get(code.upper())
