"""Entity rows and relationships without a kept STIX body, exported as generated STIX 2.1."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest
from stix2validator import ValidationOptions, validate_string

from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.imports import KeptObject
from cyberfusion.domain.knowledge import End, EndKind, Entity, EntityKind, ExternalRef, Relationship
from cyberfusion.domain.model import Case, CrimeType
from cyberfusion.formats.base import ExportContext
from cyberfusion.formats.stix import StixExporter
from cyberfusion.formats.stix.generated import entity_id

K = EntityKind
CLEAR = Handling(TLP.CLEAR, frozenset({"members"}), date(2030, 1, 1))
AMBER = Handling(TLP.AMBER, frozenset({"members"}), date(2030, 1, 1))
WHEN = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)


def row(ident: int, kind: EntityKind, name: str, **extra: Any) -> Entity:
    return Entity(ident, ident, kind, name, "fr-cyber", 1, CLEAR,
                  ref=f"fr-cyber|misp-galaxy:{ident}", source="misp-galaxy", **extra)


EVERY_KIND = [
    row(1, K.RANSOMWARE, "LockBit", aliases=("LockBit 3.0", "ABCD"), is_family=True),
    row(2, K.THREAT_ACTOR, "Wizard Spider", aliases=("UNC1878",), first_seen=WHEN),
    row(3, K.INTRUSION_SET, "APT28", external_id="G0007"),
    row(4, K.MALWARE, "Emotet", first_seen=WHEN, last_seen=WHEN),
    row(5, K.TOOL, "Cobalt Strike", external_id="S0154"),
    row(6, K.ATTACK_PATTERN, "Data Encrypted for Impact", external_id="T1486"),
    row(7, K.ATTACK_PATTERN, "Flooding", external_id="CAPEC-125"),
    row(8, K.CAMPAIGN, "Operation X"),
    row(9, K.VULNERABILITY, "CVE-2023-4966", external_id="CVE-2023-4966"),
    row(10, K.IDENTITY, "Health", identity_class="class", sectors=("healthcare",)),
    row(11, K.LOCATION, "France", country="FR"),
    row(12, K.COURSE_OF_ACTION, "Back up"),
    row(13, K.INFRASTRUCTURE, "Bulletproof host"),
    row(14, K.MALWARE, "Old", external_refs=(ExternalRef("vendor", "", "https://x.example/a"),
                                             ExternalRef("empty"))),
]


def case() -> Case:
    return Case(7, "fr-cyber", "LockBit at a hospital", CrimeType.RANSOMWARE, "Encrypted.",
                AMBER, countries=("FR",), victim_count=3, created_at=WHEN, updated_at=WHEN)


def export(entities: list[Entity], links: list[Relationship] | None = None,
           cases: list[Case] | None = None,
           knowledge: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    kept = [KeptObject("fr-cyber", str(b["id"]), str(b["type"]), "clear", None, b)
            for b in knowledge or []]
    context = ExportContext({}, {"fr-cyber": "FR unit"}, "fr-cyber", kept, entities, links)
    data = b"".join(StixExporter().export(cases or [], context))
    result = validate_string(data.decode(), ValidationOptions(version="2.1"))
    assert [str(e) for e in result.errors] == []
    bundle: dict[str, Any] = orjson.loads(data)
    return bundle


def by_id(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in bundle["objects"]}


def test_every_kind_validates_with_stable_ids() -> None:
    first, second = export(EVERY_KIND), export(EVERY_KIND)
    objects = by_id(first)
    assert set(objects) == set(by_id(second))
    assert {entity_id(r) for r in EVERY_KIND} <= set(objects)
    lockbit = objects[entity_id(EVERY_KIND[0])]
    assert lockbit["type"] == "malware" and lockbit["is_family"] is True
    assert lockbit["malware_types"] == ["ransomware"]
    assert lockbit["aliases"] == ["LockBit 3.0", "ABCD"]
    refs = {o["name"]: o.get("external_references") for o in first["objects"] if "name" in o}
    assert refs["Data Encrypted for Impact"] == [{"source_name": "mitre-attack",
                                                  "external_id": "T1486"}]
    assert refs["CVE-2023-4966"] == [{"source_name": "cve", "external_id": "CVE-2023-4966"}]
    assert refs["Old"] == [{"source_name": "vendor", "url": "https://x.example/a"}]


def test_a_location_with_no_place_is_left_out() -> None:
    nowhere = row(20, K.LOCATION, "Somewhere")
    assert entity_id(nowhere) not in by_id(export([nowhere]))


def test_a_case_link_points_at_the_cases_report() -> None:
    family = EVERY_KIND[0]
    link = Relationship(9, "related-to", End(EndKind.CASE, 7), End(EndKind.ENTITY, family.id),
                        "fr-cyber", 2, AMBER, ref="fr-cyber|link:7:1:related-to", created=WHEN)
    bundle = export([family], [link], [case()])
    report = next(o for o in bundle["objects"] if o["type"] == "report")
    rel = next(o for o in bundle["objects"] if o["type"] == "relationship")
    assert (rel["source_ref"], rel["target_ref"]) == (report["id"], entity_id(family))
    assert rel["object_marking_refs"] == report["object_marking_refs"]


def test_a_link_to_a_case_not_exported_is_left_out() -> None:
    family = EVERY_KIND[0]
    link = Relationship(9, "related-to", End(EndKind.CASE, 8), End(EndKind.ENTITY, family.id),
                        "fr-cyber", 2, AMBER, ref="fr-cyber|link:8:1:related-to")
    assert not [o for o in export([family], [link], [case()])["objects"]
                if o["type"] == "relationship"]


KEPT = {"type": "malware", "spec_version": "2.1", "is_family": True, "name": "LockBit",
        "id": "malware--6a5c9fbd-2f73-4f3c-bd6b-7c1e8b3c8d01", "aliases": ["ABCD"],
        "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
        "x_source_note": "kept as imported"}


@pytest.mark.parametrize(("modified", "edited"), [
    (datetime(2026, 1, 1, tzinfo=UTC), False), (datetime(2026, 3, 1, tzinfo=UTC), True)])
def test_a_kept_original_stays_unless_an_analyst_edited_the_row(modified: datetime,
                                                                edited: bool) -> None:
    family = row(1, K.RANSOMWARE, "LockBit", stix_id=str(KEPT["id"]), modified=modified,
                 aliases=("ABCD", "LockBit Black"), description="Corrected by an analyst.")
    written = [o for o in export([family], knowledge=[KEPT])["objects"]
               if o["id"] == KEPT["id"]]
    assert len(written) == 1
    if not edited:
        assert written[0] == KEPT
        return
    assert written[0]["modified"] == "2026-03-01T00:00:00.000Z"
    assert written[0]["aliases"] == ["ABCD", "LockBit Black"]
    assert written[0]["description"] == "Corrected by an analyst."
    assert written[0]["x_source_note"] == "kept as imported"
