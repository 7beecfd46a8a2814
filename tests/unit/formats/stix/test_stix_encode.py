"""The STIX 2.1 exporter: kept objects round-trip exactly; generated bundles validate."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from stix2validator import ValidationOptions, validate_instance, validate_string

from cyberfusion.domain.handling import TLP, Handling, HitPolicy
from cyberfusion.domain.imports import KeptObject
from cyberfusion.domain.model import Case, CrimeType, Occurrence
from cyberfusion.domain.observables import normalise
from cyberfusion.formats import base
from cyberfusion.formats.base import ExportContext
from cyberfusion.formats.stix import StixExporter
from cyberfusion.formats.stix.extension import EXTENSION_ID, handling_extension
from cyberfusion.formats.stix.markings import TLP2_IDS, tlp2_marking_definition

ROUND_TRIP = [
    "oasis-cti-documentation/apt1.json", "oasis-cti-documentation/poisonivy.json",
    "oasis-cti-documentation/sighting-of-observed-data.json",
    "oasis-cti-python-stix2/sco-examples-bundle.json",
    "misp-stix/test_event2_stix21.json", "misp-stix/test_objects_collection_stix21.json",
]


def _export(cases: list[Case], stored: dict[int, list[dict[str, Any]]] | None = None,
            kept: list[KeptObject] | None = None) -> bytes:
    context = ExportContext(stored or {}, {"fr-cyber": "FR national cyber unit"}, "fr-cyber",
                            kept)
    return b"".join(StixExporter().export(cases, context))


def _first_versions(path: Path) -> dict[str, dict[str, Any]]:
    doc = orjson.loads(path.read_bytes())
    objects = doc if isinstance(doc, list) else doc["objects"]
    first: dict[str, dict[str, Any]] = {}
    for obj in objects:
        first.setdefault(obj["id"], obj)
    return first


def _errors(data: bytes) -> list[str]:
    result = validate_string(data.decode(), ValidationOptions(version="2.1"))
    return [str(e) for e in result.errors]


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_round_trip_of_kept_objects(stix: Any, name: str) -> None:
    path = stix.fixtures / name
    decoded = stix.decode_bytes(path.read_bytes(), name=path.name)
    cases, stored = stix.cases_from(decoded)
    assert cases, "every round-trip sample holds at least one case"
    data = _export(cases, stored, stix.knowledge_from(decoded))
    exported = orjson.loads(data)
    assert exported["type"] == "bundle"
    source = _first_versions(path)
    linked = {m for c in decoded.cases for m in c.members if m in source}
    ours = [o for o in exported["objects"] if o["id"] not in source]
    assert linked <= {o["id"] for o in exported["objects"]}
    for obj in exported["objects"]:
        if obj["id"] in source:  # id, type and every property, as STIX 2.1
            assert stix.faithful(obj, source[obj["id"]]), obj["id"]
    # a case kept without a report of its own gets one (ours) that names its objects
    reports = [o for o in ours if o["type"] == "report"]
    assert len(reports) == sum(1 for c in decoded.cases if c.ref.startswith("stix-file:"))
    assert all(set(r["object_refs"]) & linked for r in reports)
    assert _errors(data) == []


def _case(handling: Handling, *values: tuple[str, str, str]) -> Case:
    occurrences = []
    for obs_type, raw, role in values:
        obs = normalise(obs_type, raw)
        occurrences.append(Occurrence(obs.type.value, obs.value, obs.key, role, "seen in logs"))
    when = datetime(2026, 4, 1, 9, 30, 15, 123456, tzinfo=UTC)
    return Case(7, "fr-cyber", "Ransom payments to a mixer", CrimeType.RANSOMWARE,
                "Victims paid into these wallets.", handling, countries=("FR",),
                first_seen=date(2026, 3, 1), last_seen=date(2026, 3, 20), victim_count=3,
                victim_sectors=("health",), occurrences=tuple(occurrences), created_at=when,
                updated_at=when)


HANDLING = Handling(TLP.AMBER_STRICT, frozenset({"country:FR", "org:de-bka"}), date(2028, 1, 1),
                    exclude=frozenset({"country:RU"}), hit_policy=HitPolicy.HIT,
                    reliability="B", credibility=2)
EVERY_TYPE = [
    ("ipv4", "198.51.100.1", "C2 server"), ("ipv6", "2001:db8::1", ""),
    ("cidr", "203.0.113.0/24", ""), ("domain", "pay.evil.example", "phishing domain"),
    ("url", "http://pay.evil.example/it's", "malicious-activity"),
    ("email", "boss@evil.example", "sender"), ("md5", "a" * 32, ""), ("sha1", "b" * 40, ""),
    ("sha256", "c" * 64, ""), ("sha512", "d" * 128, ""),
    ("ssdeep", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C", ""),
    ("file_name", "invoice.pdf.exe", ""), ("asn", "AS64500", ""), ("username", "mule01", ""),
    ("user_agent", "Mozilla/5.0 (evil)", ""), ("ja3", "e" * 32, ""),
    ("btc_wallet", "1E38kt7ryhbRXUzbam6iQ6sd93VHUUdjEE", "ransom wallet"),
    ("eth_wallet", "0x52908400098527886E0F7030069857D2E4169EE7", ""),
    ("iban", "DE89370400440532013000", "mule account"), ("phone", "+33612345678", ""),
]


def test_generated_bundle_validates_with_no_errors() -> None:
    data = _export([_case(HANDLING, *EVERY_TYPE)])
    assert _errors(data) == []
    doc = orjson.loads(data)
    for obj in doc["objects"]:
        result = validate_instance(obj, ValidationOptions(version="2.1"))
        assert result.is_valid, (obj["id"], [str(e) for e in result.errors])


def test_generated_objects(stix: Any) -> None:
    doc = orjson.loads(_export([_case(HANDLING, *EVERY_TYPE)]))
    by_type: dict[str, list[dict[str, Any]]] = {}
    for obj in doc["objects"]:
        by_type.setdefault(obj["type"], []).append(obj)
    assert by_type["marking-definition"] == [tlp2_marking_definition(TLP.AMBER_STRICT)]
    assert [d["id"] for d in by_type["extension-definition"]] == [
        EXTENSION_ID, "extension-definition--3c1f6a52-9d4e-4f0b-8e27-5b6a1d9c0e73"]
    report = by_type["report"][0]
    assert (report["name"], report["labels"]) == ("Ransom payments to a mixer", ["ransomware"])
    assert report["object_marking_refs"] == [TLP2_IDS[TLP.AMBER_STRICT]]
    assert report["extensions"][EXTENSION_ID] == handling_extension(HANDLING)
    assert report["created"] == "2026-04-01T09:30:15.123Z"
    owner = next(i for i in by_type["identity"] if i["name"] == "FR national cyber unit")
    assert report["created_by_ref"] == owner["id"]
    assert len(by_type["indicator"]) == 15 and len(by_type["x-cyberfusion-value"]) == 5
    assert set(report["object_refs"]) == {owner["id"]} | {
        o["id"] for o in by_type["indicator"] + by_type["x-cyberfusion-value"]}
    for obj in by_type["indicator"]:
        assert obj["object_marking_refs"] == [TLP2_IDS[TLP.AMBER_STRICT]]
        assert obj["valid_from"] == "2026-03-01T00:00:00Z"


def test_ids_are_deterministic() -> None:
    first = orjson.loads(_export([_case(HANDLING, *EVERY_TYPE)]))
    again = orjson.loads(_export([_case(HANDLING, *EVERY_TYPE)]))
    assert [o["id"] for o in first["objects"]] == [o["id"] for o in again["objects"]]
    assert first["id"] != again["id"]  # bundles are transient


def test_generated_bundle_imports_back(stix: Any) -> None:
    case = _case(HANDLING, *EVERY_TYPE)
    again = stix.decode_bytes(_export([case]), defaults=stix.clear_defaults("de-cyber"))
    assert not again.issues
    back = again.cases[0]
    assert {o.key for o in back.draft.occurrences} == {o.key for o in case.occurrences}
    assert back.draft.handling.tlp is TLP.AMBER_STRICT
    assert back.draft.handling.release == HANDLING.release
    assert back.draft.handling.exclude == HANDLING.exclude
    assert back.draft.handling.grading == "B2"
    assert (back.draft.title, back.draft.crime_type) == (case.title, case.crime_type)


def test_kept_objects_marked_wider_than_the_case_are_not_passed_on(stix: Any) -> None:
    path = stix.fixtures / "oasis-cti-documentation" / "poisonivy.json"
    decoded = stix.decode_bytes(path.read_bytes())
    cases, stored = stix.cases_from(decoded)
    amber = [replace(c, handling=replace(c.handling, tlp=TLP.AMBER)) for c in cases]
    doc = orjson.loads(_export(amber, stored))
    ids = {o["id"] for o in doc["objects"]}
    source_report = decoded.cases[0].ref
    assert source_report not in ids  # unmarked source objects would widen AMBER
    [report] = [o for o in doc["objects"] if o["type"] == "report"]
    assert [r["external_id"] for r in report["external_references"]] == [source_report]
    assert _errors(orjson.dumps(doc)) == []


def test_kept_objects_marked_strictly_enough_pass(stix: Any) -> None:
    marked = stix.indicator(stix.uid(1), "[ipv4-addr:value = '198.51.100.1']",
                            object_marking_refs=[TLP2_IDS[TLP.RED]])
    decoded = stix.decode(stix.bundle(marked))
    cases, stored = stix.cases_from(decoded)
    assert cases[0].handling.tlp is TLP.RED
    doc = orjson.loads(_export(cases, stored))
    assert doc["objects"][0] == marked  # as given, then our report naming it
    report = next(o for o in doc["objects"] if o["type"] == "report")
    assert marked["id"] in report["object_refs"]
    assert report["object_marking_refs"] == [TLP2_IDS[TLP.RED]]
    assert _errors(orjson.dumps(doc)) == []


def test_export_streams_in_chunks() -> None:
    many = [("ipv4", f"198.51.{n // 250}.{n % 250 + 1}", "") for n in range(3000)]
    chunks = list(StixExporter().export([_case(HANDLING, *many)], ExportContext()))
    assert len(chunks) > 3 and all(len(c) < 200_000 for c in chunks)
    assert len(orjson.loads(b"".join(chunks))["objects"]) > 3000


def test_registered() -> None:
    base.load_builtins()
    assert base.EXPORTERS["stix21"] is StixExporter
    assert StixExporter.media_type == "application/stix+json;version=2.1"
    assert StixExporter.extension == "json"


def test_exported_bytes_are_one_json_document(stix: Any) -> None:
    data = _export([_case(HANDLING, *EVERY_TYPE), replace(_case(HANDLING), id=8)])
    assert orjson.loads(io.BytesIO(data).read())["type"] == "bundle"


def test_objects_with_the_bogus_tlp_id_are_not_passed_on(stix: Any) -> None:
    bogus = "marking-definition--939a9414-2ddd-4d32-a254-099d340a1628"
    marked = stix.indicator(stix.uid(1), "[ipv4-addr:value = '198.51.100.1']",
                            object_marking_refs=[bogus])
    decoded = stix.decode(stix.bundle(marked))
    cases, stored = stix.cases_from(decoded)
    assert cases[0].handling.tlp is TLP.AMBER_STRICT
    doc = orjson.loads(_export(cases, stored))
    assert marked["id"] not in {o["id"] for o in doc["objects"]}
    assert all(bogus not in o.get("object_marking_refs", []) for o in doc["objects"])
    assert _errors(orjson.dumps(doc)) == []
