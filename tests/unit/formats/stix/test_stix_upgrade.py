"""STIX 2.0 in, STIX 2.1 out: the import says so, a 2.0 object without id is located, and the
export upgrades every object and keeps only references that resolve."""

from __future__ import annotations

from typing import Any

import orjson
from stix2validator import ValidationOptions, validate_parsed_json

from cyberfusion.domain.imports import Severity
from cyberfusion.formats.base import ExportContext
from cyberfusion.formats.stix import StixExporter
from cyberfusion.formats.stix.closure import closed
from cyberfusion.formats.stix.upgrade import is_stix, upgraded

TS = "2020-10-25T16:22:00.000Z"
V20 = {"type": "bundle", "id": "bundle--1b6c6a5a-7c8a-4f5e-9d3b-1f0f8e3c2a10",
       "spec_version": "2.0", "objects": [
           {"type": "indicator", "id": "indicator--5e396622-2a54-4c8d-b61d-159da964451a",
            "created": TS, "modified": TS, "labels": ["malicious-activity"], "valid_from": TS,
            "pattern": "[domain-name:value = 'evil.example']"},
           {"type": "malware", "id": "malware--b42378e0-f147-496f-992a-26a49705395b",
            "created": TS, "modified": TS, "name": "Poison Ivy",
            "labels": ["remote-access-trojan"]},
           {"type": "observed-data", "id": "observed-data--0853d51f-0fe7-4d35-b3cb-b96bdbc1f0ee",
            "created": TS, "modified": TS, "first_observed": TS, "last_observed": TS,
            "number_observed": 1, "objects": {
                "0": {"type": "ipv4-addr", "value": "8.8.8.8"},
                "1": {"type": "network-traffic", "src_ref": "0", "protocols": ["ipv4"]}}},
           {"type": "relationship", "created": TS, "modified": TS,
            "relationship_type": "indicates",
            "source_ref": "indicator--5e396622-2a54-4c8d-b61d-159da964451a",
            "target_ref": "malware--b42378e0-f147-496f-992a-26a49705395b"},
       ]}


def test_a_20_bundle_is_read_and_says_it_is_upgraded(stix: Any) -> None:
    out = stix.decode(V20)
    infos = [i for i in out.issues if i.severity is Severity.INFO and "STIX 2.0" in i.message]
    assert len(infos) == 1 and "3 STIX 2.0 object(s)" in infos[0].message
    [missing] = [i for i in out.issues if i.severity is Severity.ERROR]
    assert missing.location == "t.json:objects[3].id" and "'id'" in missing.message
    assert {o.type for o in out.objects} == {"indicator", "malware", "observed-data"}


def test_the_export_is_valid_21(stix: Any) -> None:
    out = stix.decode(V20)
    cases, stored = stix.cases_from(out)
    context = ExportContext(stored, kept=stix.knowledge_from(out))
    bundle = orjson.loads(b"".join(StixExporter().export(cases, context)))
    result = validate_parsed_json(bundle, ValidationOptions())
    assert [str(e) for e in result.errors] == []
    by_id = {o["id"]: o for o in bundle["objects"]}
    indicator = by_id["indicator--5e396622-2a54-4c8d-b61d-159da964451a"]
    assert (indicator["spec_version"], indicator["pattern_type"]) == ("2.1", "stix")
    assert by_id["malware--b42378e0-f147-496f-992a-26a49705395b"]["is_family"] is True
    observed = by_id["observed-data--0853d51f-0fe7-4d35-b3cb-b96bdbc1f0ee"]
    assert "objects" not in observed
    traffic = [by_id[r] for r in observed["object_refs"] if r.startswith("network-traffic")]
    assert traffic[0]["src_ref"] in observed["object_refs"]


def test_upgrade_keeps_21_objects_as_they_are() -> None:
    body = {**V20["objects"][0], "spec_version": "2.1", "pattern_type": "stix"}
    assert upgraded(body) == [body] and upgraded(body)[0] is body


def test_non_stix_bodies_and_dangling_refs_never_go_out() -> None:
    assert not is_stix({"id": "1", "info": "a MISP event", "Attribute": []})
    report = {"type": "report", "spec_version": "2.1",
              "id": "report--6cee1ea3-5d04-4d0c-9b7f-0c0fb6a3f5e1", "created": TS,
              "modified": TS, "name": "r", "published": TS, "object_refs": ["1"],
              "created_by_ref": "identity--0b3c7e2a-1d5e-4c7b-9f4e-2a8d6c1e5f30"}
    relation = {**V20["objects"][3], "spec_version": "2.1",
                "id": "relationship--7d1b0c2e-4f6a-4b8e-9c3d-5e2f1a0b6c7d"}
    assert closed([report, relation]) == []
    indicator = upgraded(V20["objects"][0])[0]
    kept = closed([{**report, "object_refs": ["1", indicator["id"]]}, indicator])
    assert kept[0]["object_refs"] == [indicator["id"]] and "created_by_ref" not in kept[0]
