"""Decoding STIX 2.1: document shapes, located problems, cases, entities, versions."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.imports import ImportDefaults, Severity
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.model import CrimeType
from cyberfusion.formats import base
from cyberfusion.formats.base import BATCH_OBJECTS
from cyberfusion.formats.stix import StixCodec
from cyberfusion.formats.stix.markings import TLP2_IDS


def _ip(n: int, value: str) -> dict[str, Any]:
    return {"type": "ipv4-addr", "spec_version": "2.1",
            "id": f"ipv4-addr--00000000-0000-5000-8000-{n:012d}", "value": value}


def _report(n: int, refs: list[str], **extra: Any) -> dict[str, Any]:
    return {"type": "report", "spec_version": "2.1",
            "id": f"report--00000000-0000-4000-9000-{n:012d}", "created": "2026-02-01T00:00:00Z",
            "modified": "2026-02-01T00:00:00.000Z", "name": f"Report {n}",
            "published": "2026-02-02T08:00:00Z", "object_refs": refs, **extra}


# --- shapes ---------------------------------------------------------------------------------


def test_bundle_envelope_list_and_lone_object(stix: Any) -> None:
    ip = _ip(1, "198.51.100.1")
    envelope = {"more": True, "next": "abc", "objects": [ip]}
    for doc in (stix.bundle(ip), envelope, [ip], ip):
        out = stix.decode(doc)
        assert [o.body for o in out.objects] == [ip], doc
        assert not out.issues
    assert stix.decode_bytes(b"\xef\xbb\xbf  " + orjson.dumps([ip])).objects[0].ref == ip["id"]


def test_list_locations_have_no_container_name(stix: Any) -> None:
    out = stix.decode([_ip(1, "1.2.3.999")])
    assert out.issues[0].location == "t.json:[0].value"


@pytest.mark.parametrize(("data", "where"), [
    (b"", "t.json:$"), (b"hello", "t.json:$"), (b'{"type": "bundle", "objects": {}}', "t.json:$"),
    (b'{"name": "not stix"}', "t.json:$"),
])
def test_documents_that_are_not_stix(stix: Any, data: bytes, where: str) -> None:
    out = stix.decode_bytes(data)
    assert [(i.severity, i.location) for i in out.issues] == [(Severity.ERROR, where)]


def test_empty_bundle_is_fine(stix: Any) -> None:
    out = stix.decode(stix.bundle())
    assert not out.issues and not out.objects and not out.cases


def test_sniff() -> None:
    assert StixCodec.sniff(b'{"type": "bundle", "id": "bundle--1"', "x.json")
    assert StixCodec.sniff(b'\xef\xbb\xbf[{"type": "ipv4-addr", "id": "ipv4-addr--00000000-00', "")
    assert StixCodec.sniff(b'{"more": false, "objects": [{"id": "indicator--0a1b2c3d-', "")
    assert not StixCodec.sniff(b'{"Event": {"uuid": "x"}}', "e.json")
    assert not StixCodec.sniff(b"type,value\nipv4,1.2.3.4\n", "x.csv")
    base.load_builtins()
    assert base.CODECS["stix21"] is StixCodec
    assert base.sniff(b'{"type":"bundle","objects":[]}', "x.json") is StixCodec


# --- bad objects ------------------------------------------------------------------------------


def test_bad_objects_are_located_and_the_good_ones_land(stix: Any) -> None:
    good = [_ip(n, f"198.51.100.{n}") for n in range(1, 4)]
    doc = stix.bundle(
        good[0],
        {"type": "indicator", "spec_version": "2.1"},  # no id
        {"type": "Bad Type", "id": "x--00000000-0000-4000-8000-000000000001"},
        "just a string",
        {"type": "malware", "id": "tool--00000000-0000-4000-8000-000000000001"},  # id/type
        {"type": "malware", "id": "malware--not-a-uuid"},
        {"id": "malware--00000000-0000-4000-8000-000000000001"},  # no type
        good[1], good[2])
    out = stix.decode(doc)
    assert [o.ref for o in out.objects] == [g["id"] for g in good]
    errors = [(i.location, i.severity) for i in out.issues]
    assert errors == [("t.json:objects[1].id", Severity.ERROR),
                      ("t.json:objects[2].type", Severity.ERROR),
                      ("t.json:objects[3]", Severity.ERROR),
                      ("t.json:objects[4].id", Severity.ERROR),
                      ("t.json:objects[5].id", Severity.ERROR),
                      ("t.json:objects[6].type", Severity.ERROR)]
    assert len(out.cases[0].draft.occurrences) == 3


def test_unparseable_json_is_reported_at_its_position(stix: Any) -> None:
    good = orjson.dumps(stix.bundle(_ip(1, "198.51.100.1"), _ip(2, "198.51.100.2")))
    cut = good.rindex(b"]}")
    broken = good[:cut] + b', {"type": "ipv4-addr", "value": oops}' + good[cut:]
    out = stix.decode_bytes(broken)
    assert [o.ref for o in out.objects] == [_ip(1, "")["id"], _ip(2, "")["id"]]
    error = out.severities(Severity.ERROR)[0]
    assert error.location == "t.json:objects[2]"
    assert "invalid JSON" in error.message and "near byte" in error.message
    assert out.cases and len(out.cases[0].draft.occurrences) == 2  # what was read still counts


def test_truncated_file(stix: Any) -> None:
    data = orjson.dumps(stix.bundle(_ip(1, "198.51.100.1"), _ip(2, "198.51.100.2")))[:-30]
    out = stix.decode_bytes(data)
    assert len(out.objects) == 1
    assert out.severities(Severity.ERROR)[0].location == "t.json:objects[1]"


def test_bad_timestamps_are_warnings(stix: Any) -> None:
    obj = stix.indicator(stix.uid(1), "[ipv4-addr:value = '198.51.100.1']")
    obj["modified"] = "yesterday"
    out = stix.decode(stix.bundle(obj))
    assert out.objects[0].modified is None
    assert out.issues[0].location == "t.json:objects[0].modified"


def test_timestamps_with_nanoseconds(stix: Any) -> None:
    obj = stix.indicator(stix.uid(1), "[ipv4-addr:value = '198.51.100.1']")
    obj["modified"] = "2026-03-01T10:00:00.123456789Z"
    out = stix.decode(stix.bundle(obj))
    assert out.objects[0].modified == datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=UTC)


# --- objects kept, versions -------------------------------------------------------------------


def test_every_object_is_kept_as_given(stix: Any) -> None:
    custom = {"type": "x-acme-widget", "spec_version": "2.1",
              "id": "x-acme-widget--00000000-0000-4000-8000-000000000001",
              "created": stix.ts, "modified": stix.ts, "x_acme_score": 1.5,
              "nested": {"a": [1, 2, {"b": None}]}, "revoked": True}
    sighting = {"type": "sighting", "spec_version": "2.1",
                "id": "sighting--00000000-0000-4000-8000-000000000002", "created": stix.ts,
                "modified": stix.ts, "sighting_of_ref": "indicator--" + stix.uid(1)}
    ext_def = {"type": "extension-definition", "spec_version": "2.1",
               "id": "extension-definition--00000000-0000-4000-8000-000000000003",
               "created_by_ref": "identity--" + stix.uid(9), "created": stix.ts,
               "modified": stix.ts, "name": "x", "schema": "x", "version": "1",
               "extension_types": ["property-extension"]}
    out = stix.decode(stix.bundle(custom, sighting, ext_def))
    assert [o.body for o in out.objects] == [custom, sighting, ext_def]
    kept = out.objects[0]
    assert (kept.type, kept.revoked) == ("x-acme-widget", True)
    assert kept.modified == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def test_same_id_twice_keeps_the_newest(stix: Any) -> None:
    old = stix.indicator(stix.uid(1), "[ipv4-addr:value = '198.51.100.1']")
    new = dict(old, modified="2026-03-02T00:00:00.000Z",
               pattern="[ipv4-addr:value = '198.51.100.2']")
    for order in ((old, new), (new, old)):
        out = stix.decode(stix.bundle(*order))
        assert [o.body for o in out.objects] == [new]
        assert out.values(out.cases[0]) == {("ipv4", "198.51.100.2")}
        assert [i.severity for i in out.issues] == [Severity.INFO]


def test_same_report_twice_keeps_the_newest(stix: Any) -> None:
    ip = _ip(1, "198.51.100.1")
    old = _report(1, [ip["id"]])
    new = dict(old, modified="2026-05-01T00:00:00.000Z", name="Newer", revoked=True)
    out = stix.decode(stix.bundle(new, ip, old))
    assert [(c.draft.title, c.revoked) for c in out.cases] == [("Newer", True)]


def test_batches_stay_within_the_limit(stix: Any) -> None:
    objects = [{"type": "malware", "spec_version": "2.1", "id": f"malware--{stix.uid(n)}",
                "created": stix.ts, "modified": stix.ts, "name": f"m{n}", "is_family": True}
               for n in range(BATCH_OBJECTS + 10)]
    out = stix.decode(stix.bundle(*objects))
    assert all(len(b) <= BATCH_OBJECTS for b in out.batches)
    assert len(out.objects) == len(out.entities) == BATCH_OBJECTS + 10
    sizes = [b.bytes_read for b in out.batches]
    assert sizes == sorted(sizes) and sizes[-1] > 0


# --- cases ------------------------------------------------------------------------------------


def test_report_becomes_a_case(stix: Any) -> None:
    ind = stix.indicator(stix.uid(1), "[domain-name:value = 'pay.evil.example']",
                         object_marking_refs=[TLP2_IDS[TLP.GREEN]],
                         valid_from="2026-01-10T00:00:00Z")
    observed = {"type": "observed-data", "spec_version": "2.1",
                "id": "observed-data--" + stix.uid(2), "created": stix.ts, "modified": stix.ts,
                "first_observed": "2026-01-05T00:00:00Z", "last_observed": "2026-01-20T00:00:00Z",
                "number_observed": 3, "object_refs": [_ip(3, "")["id"]]}
    ip = _ip(3, "203.0.113.77")
    actor = {"type": "intrusion-set", "spec_version": "2.1", "id": "intrusion-set--" + stix.uid(4),
             "created": stix.ts, "modified": stix.ts, "name": "Ember Bear"}
    report = _report(1, [ind["id"], observed["id"], actor["id"]],
                     report_types=["threat-report"], labels=["Ransomware"],
                     description="Affiliates of a ransomware service.",
                     object_marking_refs=[TLP2_IDS[TLP.AMBER]])
    # the report comes first: its objects stream past after it
    out = stix.decode(stix.bundle(report, ind, observed, ip, actor))
    case = out.case(report["id"])
    draft = case.draft
    assert (draft.title, draft.crime_type, draft.summary) == (
        "Report 1", CrimeType.RANSOMWARE, "Affiliates of a ransomware service.")
    assert out.values(case) == {("domain", "pay.evil.example"), ("ipv4", "203.0.113.77")}
    assert (draft.first_seen, draft.last_seen) == (date(2026, 1, 5), date(2026, 1, 20))
    assert draft.handling.tlp is TLP.AMBER
    assert case.modified == datetime(2026, 2, 1, tzinfo=UTC) and not case.revoked
    assert case.members == (report["id"], ind["id"], observed["id"], actor["id"], ip["id"])
    assert case.entities == (actor["id"],)
    assert len(out.cases) == 1  # nothing left over for a synthetic case


def test_case_is_never_more_open_than_what_it_holds(stix: Any) -> None:
    red = stix.indicator(stix.uid(1), "[ipv4-addr:value = '198.51.100.1']",
                         object_marking_refs=[TLP2_IDS[TLP.RED]])
    report = _report(1, [red["id"]], object_marking_refs=[TLP2_IDS[TLP.GREEN]])
    out = stix.decode(stix.bundle(red, report))
    assert out.cases[0].draft.handling.tlp is TLP.RED


def test_the_default_tlp_is_for_unmarked_sources_and_the_floor_raises(stix: Any) -> None:
    green = _report(1, ["identity--" + stix.uid(1)], object_marking_refs=[TLP2_IDS[TLP.GREEN]])
    unmarked = _report(2, ["identity--" + stix.uid(1)])
    amber = ImportDefaults("fr-cyber", stix.review_by)  # AMBER by default
    out = stix.decode(stix.bundle(green, unmarked), defaults=amber)
    handling = {c.ref: c.draft.handling for c in out.cases}
    assert handling[green["id"]].tlp is TLP.GREEN  # the source's marking stands
    assert handling[unmarked["id"]].tlp is TLP.AMBER  # the default fills the gap
    assert handling[green["id"]].release == frozenset({"members"})
    assert handling[green["id"]].review_by == stix.review_by
    floored = replace(amber, tlp=TLP.CLEAR, tlp_floor=TLP.AMBER)
    out = stix.decode(stix.bundle(green, unmarked), defaults=floored)
    assert {c.draft.handling.tlp for c in out.cases} == {TLP.AMBER}


def test_report_without_times_uses_published(stix: Any) -> None:
    out = stix.decode(stix.bundle(_report(1, ["identity--" + stix.uid(1)])))
    assert out.cases[0].draft.first_seen == out.cases[0].draft.last_seen == date(2026, 2, 2)


def test_grouping_is_a_case_too(stix: Any) -> None:
    ip = _ip(1, "198.51.100.1")
    grouping = {"type": "grouping", "spec_version": "2.1", "id": "grouping--" + stix.uid(1),
                "created": stix.ts, "modified": stix.ts, "context": "suspicious-activity",
                "object_refs": [ip["id"]]}
    out = stix.decode(stix.bundle(grouping, ip))
    assert [c.ref for c in out.cases] == [grouping["id"]]
    assert out.cases[0].draft.title == f"STIX grouping {grouping['id']}"


def test_loose_values_go_to_one_synthetic_case(stix: Any) -> None:
    ip = _ip(1, "198.51.100.1")
    claimed = stix.indicator(stix.uid(2), "[url:value = 'http://a.example/x']")
    loose = stix.indicator(stix.uid(3), "[url:value = 'http://b.example/y']",
                           object_marking_refs=[TLP2_IDS[TLP.AMBER_STRICT]])
    report = _report(1, [claimed["id"]])
    out = stix.decode(stix.bundle(ip, claimed, loose, report), name="feed.json")
    synthetic = [c for c in out.cases if c.ref.startswith("stix-file:")]
    assert len(synthetic) == 1
    case = synthetic[0]
    digest = hashlib.sha256(f"feed.json\x1f{ip['id']}".encode()).hexdigest()[:32]
    assert case.ref == f"stix-file:{digest}"
    assert case.draft.title == "STIX objects from feed.json"
    assert case.draft.crime_type is CrimeType.OTHER
    assert out.values(case) == {("ipv4", "198.51.100.1"), ("url", "http://b.example/y")}
    assert case.members == (ip["id"], loose["id"])
    assert case.draft.handling.tlp is TLP.AMBER_STRICT
    again = stix.decode(stix.bundle(ip, claimed, loose, report), name="feed.json")
    assert [c.ref for c in again.cases] == [c.ref for c in out.cases]  # stable refs


def test_embedded_observed_data_objects(stix: Any) -> None:
    observed = {"type": "observed-data", "spec_version": "2.1",
                "id": "observed-data--" + stix.uid(1), "created": stix.ts, "modified": stix.ts,
                "first_observed": stix.ts, "last_observed": stix.ts, "number_observed": 1,
                "objects": {"0": {"type": "file", "hashes": {"SHA-256": "a" * 64},
                                  "name": "drop.exe"},
                            "1": {"type": "domain-name", "value": "bad name"}}}
    out = stix.decode(stix.bundle(observed))
    assert out.values(out.cases[0]) == {("sha256", "a" * 64), ("file_name", "drop.exe")}
    assert out.issues[0].location == "t.json:objects[0].objects.1.value"


def test_custom_value_objects(stix: Any) -> None:
    misp_btc = {"type": "x-misp-object-btc", "spec_version": "2.1",
                "id": "x-misp-object-btc--" + stix.uid(1), "created": stix.ts,
                "modified": stix.ts, "x_misp_value": "1E38kt7ryhbRXUzbam6iQ6sd93VHUUdjEE"}
    wallet = {"type": "cryptocurrency-wallet", "spec_version": "2.1",
              "id": "cryptocurrency-wallet--" + stix.uid(2),
              "value": "0x52908400098527886E0F7030069857D2E4169EE7"}
    out = stix.decode(stix.bundle(misp_btc, wallet))
    assert {o.type for o in out.cases[0].draft.occurrences} == {"btc_wallet", "eth_wallet"}


# --- entities ---------------------------------------------------------------------------------


def test_attack_objects_become_entities(stix: Any) -> None:
    out = stix.decode_bytes(
        (stix.fixtures / "mitre-attack" / "ics-attack-18.1-excerpt.json").read_bytes())
    assert not out.issues and not out.cases
    by_name = {e.name: e for e in out.entities}
    dragonfly = by_name["Dragonfly"]
    assert (dragonfly.kind, dragonfly.external_id, dragonfly.source) == (
        EntityKind.INTRUSION_SET, "G0035", "mitre-attack")
    assert "Energetic Bear" in dragonfly.aliases and "Dragonfly" not in dragonfly.aliases
    assert by_name["Stuxnet"].aliases == ("W32.Stuxnet",)  # x_mitre_aliases
    assert by_name["Loss of View"].external_id == "T0829"
    assert by_name["Dragonfly 2.0"].revoked
    assert {e.kind for e in out.entities} == {
        EntityKind.ATTACK_PATTERN, EntityKind.MALWARE, EntityKind.CAMPAIGN,
        EntityKind.INTRUSION_SET, EntityKind.COURSE_OF_ACTION, EntityKind.IDENTITY}
    assert all(e.reference for e in out.entities)  # ATT&CK: public reference data


def test_ransomware_family(stix: Any) -> None:
    malware = {"type": "malware", "spec_version": "2.1", "id": "malware--" + stix.uid(1),
               "created": stix.ts, "modified": stix.ts, "name": "LockBit", "is_family": True,
               "malware_types": ["ransomware"], "aliases": ["LockBit 3.0", "lockbit"]}
    entity = stix.decode(stix.bundle(malware)).entities[0]
    assert (entity.kind, entity.aliases, entity.source) == (
        EntityKind.RANSOMWARE, ("LockBit 3.0",), "stix")


@pytest.mark.parametrize(("labels", "crime"), [
    (["phishing"], CrimeType.PHISHING), (["Business Email Compromise"], CrimeType.BEC),
    (["ddos"], CrimeType.DDOS), (["threat-report", "malware"], CrimeType.MALWARE),
    (["online_fraud"], CrimeType.FRAUD), (["threat-report"], CrimeType.OTHER),
])
def test_crime_type_guess(stix: Any, labels: list[str], crime: CrimeType) -> None:
    out = stix.decode(stix.bundle(_report(1, ["identity--" + stix.uid(1)], labels=labels)))
    assert out.cases[0].draft.crime_type is crime


# --- robustness -------------------------------------------------------------------------------

ODD_VALUES: list[Any] = [None, 7, 2.5, True, "x", "", [], [1, None], {}, {"a": [1]},
                         ["marking-definition--" + "0" * 8], [{"marking_ref": 3}]]


def test_odd_property_values_never_break_the_decode(stix: Any) -> None:
    """Every property of real objects replaced by odd JSON values: kept or reported, no crash."""
    samples: dict[str, dict[str, Any]] = {}
    for name in ("oasis-cti-documentation/poisonivy.json", "misp-stix/test_event2_stix21.json",
                 "oasis-cti-documentation/using-granular-markings.json",
                 "oasis-cti-documentation/sighting-of-observed-data.json",
                 "mitre-attack/ics-attack-18.1-excerpt.json"):
        for obj in orjson.loads((stix.fixtures / name).read_bytes())["objects"]:
            samples.setdefault(obj["type"], obj)
    mutated = []
    for obj in samples.values():
        for key in obj:
            if key in ("type", "id"):
                continue
            for value in ODD_VALUES:
                copy = dict(obj, **{key: value})
                copy["id"] = f"{obj['type']}--{stix.uid(len(mutated))}"
                mutated.append(copy)
    mutated.append(dict(samples["indicator"], id="indicator--" + stix.uid(999_999),
                        extensions={"extension-definition--be64adbb-edff-474e-a7cc-d9a94a8c8575":
                                    {"tlp": ["red"], "release": "members"}}))
    out = stix.decode(stix.bundle(*mutated))
    assert len(out.objects) == len(mutated)
    assert not out.severities(Severity.ERROR)


def test_a_newer_version_without_values_displaces_the_older_values(stix: Any) -> None:
    old = stix.indicator(stix.uid(1), "[ipv4-addr:value = '198.51.100.1']")
    new = dict(old, modified="2026-03-02T00:00:00.000Z",
               pattern="[ipv4-addr:value = '198.51.100.1'] WITHIN 60 SECONDS")
    other = stix.indicator(stix.uid(2), "[ipv4-addr:value = '198.51.100.2']")
    out = stix.decode(stix.bundle(old, other, new))
    assert [o.body for o in out.objects] == [new, other]
    assert out.values(out.cases[0]) == {("ipv4", "198.51.100.2")}
    assert out.cases[0].members == (other["id"],)
