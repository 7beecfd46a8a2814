"""Reference data from the bundled MISP galaxies: ransomware families and threat actors."""

from __future__ import annotations

from collections import Counter

from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.formats import reference


def test_ransomware_and_threat_actor_galaxies() -> None:
    entities = list(reference.galaxy_entities())
    kinds = Counter(e.kind for e in entities)
    assert kinds[EntityKind.RANSOMWARE] >= 2000
    assert kinds[EntityKind.THREAT_ACTOR] >= 500
    ransomware = [e for e in entities if e.kind is EntityKind.RANSOMWARE]
    assert sum(1 for e in ransomware if e.aliases) >= 200  # 207 in pymispgalaxies 1.1.1
    assert len({e.ref for e in entities}) == len(entities)
    assert all(e.ref.startswith("misp-galaxy:") and e.source == "misp-galaxy" for e in entities)
    lockbit = next(e for e in ransomware if e.name == "LockBit")
    assert lockbit.ref == "misp-galaxy:8eda8bf1-db5a-412d-8511-45e2f7621d51"
    assert lockbit.aliases and lockbit.description
    assert all(e.name not in e.aliases for e in entities)


def test_streams_only_the_named_galaxies() -> None:
    kinds = {e.kind for e in reference.galaxy_entities(["threat-actor"])}
    assert kinds == {EntityKind.THREAT_ACTOR}
    first = next(reference.galaxy_entities(["ransomware"]))
    assert first.kind is EntityKind.RANSOMWARE


def test_galaxy_kinds_and_cluster_values() -> None:
    assert reference.galaxy_kind("mitre-enterprise-attack-intrusion-set") is (
        EntityKind.INTRUSION_SET)
    assert reference.galaxy_kind("mitre-mobile-attack-malware") is EntityKind.MALWARE
    assert reference.galaxy_kind("sector") is None
    made = reference.cluster_entity("tool", {"value": "Cobalt Strike",
                                             "meta": {"synonyms": "CS"}})
    assert made is not None and made.aliases == ("CS",) and made.kind is EntityKind.TOOL
    again = reference.cluster_entity("tool", {"value": "Cobalt Strike"})
    assert again is not None and again.ref == made.ref
    assert reference.cluster_entity("tool", {"value": " "}) is None


def test_countries() -> None:
    assert reference.country_code("France") == "FR"
    assert reference.country_name("de") == "germany"
    assert reference.country_code("Atlantis") is None
