"""Our JSON lines: sniffed before STIX (its lines hold STIX ids), read back, problems located."""

from __future__ import annotations

import io
from datetime import date

import orjson

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.imports import ImportDefaults, Severity
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
