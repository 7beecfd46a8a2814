"""Our JSON lines: sniffed before STIX (its lines hold STIX ids), read back, problems located."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import orjson

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.imports import ImportDefaults, Severity
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.formats import base
from cyberfusion.formats.jsonl import JsonLinesCodec

DEFAULTS = ImportDefaults("de-cyber", date(2031, 1, 1), tlp=TLP.AMBER)
TECHNIQUE = {"type": "attack-pattern", "spec_version": "2.1",
             "id": "attack-pattern--0a3ead4e-6d47-4ccb-854c-a6a4f9d96b22",
             "created": "2017-05-31T21:30:19.735Z", "modified": "2017-05-31T21:30:19.735Z",
             "name": "Credential dumping",
             "external_references": [{"source_name": "mitre-attack", "external_id": "T1003"}]}
CASE = {"kind": "case", "id": 4, "owner": "fr-cyber", "title": "Ransomware on a hospital",
        "crime_type": "ransomware", "handling": {"tlp": "green", "release": ["members"]},
        "observables": [{"type": "ipv4", "value": "198.51.100.7", "role": "c2"}],
        "members": [TECHNIQUE["id"]]}


def lines(*docs: object) -> bytes:
    return b"".join(orjson.dumps(d) + b"\n" for d in docs)


def test_sniffed_before_stix() -> None:
    data = lines({"kind": "object", "ref": TECHNIQUE["id"], "type": "attack-pattern",
                  "tlp": "clear", "object": TECHNIQUE}, CASE)
    assert base.sniff(data, "export.jsonl") is JsonLinesCodec
    assert base.sniff(orjson.dumps({"type": "bundle", "objects": [TECHNIQUE]}), "b.json") \
        is not JsonLinesCodec


def test_objects_entities_and_cases_come_back() -> None:
    data = lines({"kind": "object", "ref": TECHNIQUE["id"], "type": "attack-pattern",
                  "tlp": "clear", "object": TECHNIQUE}, CASE)
    batches = list(JsonLinesCodec().decode(io.BytesIO(data), "e.jsonl", DEFAULTS))
    objects = [o for b in batches for o in b.objects]
    entities = [e for b in batches for e in b.entities]
    [case] = [c for b in batches for c in b.cases]
    assert [(o.ref, o.tlp) for o in objects] == [(TECHNIQUE["id"], TLP.CLEAR)]
    assert [e.external_id for e in entities] == ["T1003"]
    assert case.ref == "case:fr-cyber:4" and case.members == (TECHNIQUE["id"],)
    assert case.draft.handling.tlp is TLP.GREEN
    assert [o.value for o in case.draft.occurrences] == ["198.51.100.7"]


def test_bad_lines_are_located_and_skipped() -> None:
    data = lines(CASE, {"kind": "case", "title": ""}) + b"{not json\n" + lines({"kind": "x"})
    issues = [i for b in JsonLinesCodec().decode(io.BytesIO(data), "e.jsonl", DEFAULTS)
              for i in b.issues]
    assert {i.severity for i in issues} == {Severity.ERROR}
    assert [i.location for i in issues] == ["e.jsonl:line 2.title", "e.jsonl:line 3",
                                            "e.jsonl:line 4.kind"]


FAMILY = {"type": "malware", "spec_version": "2.1",
          "id": "malware--2a9f2f6e-0a0f-4d43-9f2b-5b6b7f1c9a01",
          "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
          "name": "LockBit", "is_family": True, "malware_types": ["ransomware"],
          "aliases": ["LockBit 3.0", "LockBit Black"]}
ENTITY = {"kind": "entity", "ref": "misp-galaxy:ransomware:lockbit", "entity_kind": "ransomware",
          "tlp": "clear", "reference": True, "source": "misp-galaxy", "external_id": "",
          "modified": "2026-03-04T05:06:07+00:00", "object": FAMILY}
LINK = {"kind": "link", "ref": "relationship--6f1b0c1e-7d0b-4a52-8f51-3c1f2a7f1e11",
        "type": "attributed-to", "tlp": "green", "source": "case:fr-cyber:4",
        "target": "misp-galaxy:ransomware:lockbit", "description": "ransom note",
        "first_seen": None, "last_seen": None, "modified": "2026-03-05T00:00:00+00:00"}


def test_entity_and_link_lines_come_back_after_the_cases() -> None:
    data = lines(CASE, ENTITY, LINK)
    assert base.sniff(lines(ENTITY), "export.jsonl") is JsonLinesCodec
    batches = list(JsonLinesCodec().decode(io.BytesIO(data), "e.jsonl", DEFAULTS))
    [entity] = [e for b in batches for e in b.entities]
    assert (entity.ref, entity.kind, entity.source, entity.tlp, entity.reference) == \
        ("misp-galaxy:ransomware:lockbit", EntityKind.RANSOMWARE, "misp-galaxy", TLP.CLEAR, True)
    assert entity.aliases == ("LockBit 3.0", "LockBit Black") and entity.is_family
    assert entity.modified == datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    [link] = [r for b in batches for r in b.relationships]
    assert (link.source_ref, link.target_ref, link.type, link.tlp) == \
        ("case:fr-cyber:4", "misp-galaxy:ransomware:lockbit", "attributed-to", TLP.GREEN)
    case_batch = next(i for i, b in enumerate(batches) if b.cases)
    assert case_batch < next(i for i, b in enumerate(batches) if b.relationships)


def test_an_entity_line_wins_over_the_row_its_object_gives() -> None:
    edited = {**TECHNIQUE, "modified": "2026-02-01T00:00:00.000Z", "description": "edited"}
    data = lines({"kind": "object", "ref": TECHNIQUE["id"], "type": "attack-pattern",
                  "tlp": "clear", "object": TECHNIQUE},
                 {"kind": "entity", "ref": TECHNIQUE["id"], "entity_kind": "attack-pattern",
                  "tlp": "clear", "object": edited})
    entities = [e for b in JsonLinesCodec().decode(io.BytesIO(data), "e.jsonl", DEFAULTS)
                for e in b.entities]
    assert [(e.ref, e.description, e.external_id) for e in entities] == \
        [(TECHNIQUE["id"], "edited", "T1003")]


def test_bad_entity_and_link_lines_are_located_and_skipped() -> None:
    data = lines({**ENTITY, "entity_kind": "dragon"}, {**ENTITY, "entity_kind": "tool"},
                 {**ENTITY, "object": {**FAMILY, "name": ""}}, {**LINK, "target": 7},
                 {**LINK, "ref": "", "source": None}, {**ENTITY, "ref": None})
    batches = list(JsonLinesCodec().decode(io.BytesIO(data), "e.jsonl", DEFAULTS))
    assert not [e for b in batches for e in b.entities]
    assert not [r for b in batches for r in b.relationships]
    issues = [i for b in batches for i in b.issues]
    assert {i.severity for i in issues} == {Severity.ERROR}
    assert [i.location for i in issues] == [
        "e.jsonl:line 1.entity_kind", "e.jsonl:line 2.object", "e.jsonl:line 3.object.name",
        "e.jsonl:line 4.target", "e.jsonl:line 5.ref", "e.jsonl:line 5.source",
        "e.jsonl:line 6.ref"]
    assert issues[0].message.endswith("; entity skipped")
