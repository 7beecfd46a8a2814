"""The MISP importer: real events, collection shapes, feed folders, located issues."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cyberfusion.domain.imports import Batch, ImportDefaults, Severity
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.model import CrimeType
from cyberfusion.errors import InvalidInput
from cyberfusion.formats.misp import MispCodec, decode_feed_folder

EXT = Path("/work/shared/data/ext")
Decode = Callable[..., Batch]
Merge = Callable[[list[Batch]], Batch]
PYMISP_EVENTS = sorted(
    p for p in (EXT / "pymisp" / "tests").rglob("*.json")
    if p.name not in {"git-vuln-finder-quagga.json", "search_index_result.json",
                      "sharing_groups.json", "stix2.json", "galaxy.json", "sighting.json",
                      "simple.json", "definition.json", "event_obj_attr_tag.json",
                      "event_obj_def_param.json", "event_obj_tag.json", "malware_exist.json"}
)  # the 28 files INDEX.json lists as kind "misp-event"
COLLECTIONS = sorted((EXT / "misp-stix" / "tests").glob("test_*_collection_[12].json"))
needs_ext = pytest.mark.skipif(not EXT.is_dir(), reason="shared data folder not present")


def values(batch: Any, case: int = 0) -> set[tuple[str, str]]:
    """(type, value) pairs of one decoded case."""
    return {(o.type, o.value) for o in batch.cases[case].draft.occurrences}


def event(**fields: Any) -> dict[str, Any]:
    """A small event with an uuid and info, plus the given fields."""
    return {"Event": {"uuid": "5b1f9378-46d4-494b-a4c1-044e0a00020f", "info": "Test event",
                      "date": "2026-03-01", "timestamp": "1772323200", **fields}}


@needs_ext
def test_all_28_pymisp_events_decode(decode: Decode) -> None:
    assert len(PYMISP_EVENTS) == 28
    for path in PYMISP_EVENTS:
        batch = decode(path, source=path.name)
        assert batch.cases, path
        assert not [i for i in batch.issues if i.severity is Severity.ERROR], path
        assert {o.type for o in batch.objects} == {"misp-event"}


@needs_ext
@pytest.mark.parametrize("path", COLLECTIONS, ids=lambda p: p.name)
def test_misp_stix_collections_decode(decode: Decode, path: Path) -> None:
    batch = decode(path, source=path.name)
    assert batch.cases and all(c.draft.occurrences for c in batch.cases)
    assert not [i for i in batch.issues if i.severity is not Severity.INFO]


def test_fixture_event_lands_whole(decode: Decode, fixtures: Path) -> None:
    path = fixtures / "pymisp" / "57c4445b-c548-4654-af0b-4be3950d210f.json"
    batch = decode(path, source=path.name)
    case = batch.cases[0]
    assert case.ref == "misp:57c4445b-c548-4654-af0b-4be3950d210f"
    assert case.draft.title == "Ransomware - Xorist"
    assert case.draft.crime_type is CrimeType.RANSOMWARE
    assert ("file_name", "3Z4wnG9603it23y.exe") in values(batch)
    assert ("md5", "0749bae92ca336a02c83d126e04ec628") in values(batch)
    assert "UPX packed" in case.draft.summary  # a `comment` attribute
    kept = batch.objects[0]
    assert kept.ref == case.ref and kept.type == "misp-event"
    assert len(kept.body["Attribute"]) == 9 and kept.body["uuid"] == case.ref[5:]


def test_fixture_objects_and_galaxies(decode: Decode, fixtures: Path) -> None:
    batch = decode(fixtures / "pymisp" / "to_delete3.json")
    case = batch.cases[0]
    named = {e.ref: e.name for e in batch.entities}
    assert {named[ref] for ref in case.entities} >= {"Emotet", "Qakbot"}
    assert case.draft.crime_type is CrimeType.MALWARE
    roles = {o.role for o in case.draft.occurrences}
    assert "ip-port / ip" in roles
    assert len(case.draft.occurrences) > 50
    # a Windows path in a filename attribute lands as its last part
    assert ("file_name", "Cexpalgxx.exe") in values(batch)


def test_objects_collection_without_event(decode: Decode, fixtures: Path) -> None:
    batch = decode(fixtures / "misp-stix" / "test_objects_collection_1.json", source="c.json")
    assert len(batch.cases) == 1
    assert values(batch) >= {("email", "donald.duck@disney.com"), ("email", "jdoe@random.org"),
                             ("md5", "8764605c6f388c89096b534d33565802"), ("file_name", "oui")}
    assert batch.issues[0].severity is Severity.INFO
    assert batch.issues[0].message.startswith("attributes or objects outside an event")


def test_attribute_search_results_group_by_event(decode: Decode) -> None:
    first, second = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
    doc = {"response": {"Attribute": [
        {"type": "domain", "value": "a.example", "Event": {"uuid": first, "info": "First"}},
        {"type": "domain", "value": "b.example", "event_uuid": second},
        {"type": "domain", "value": "c.example", "Event": {"uuid": first, "info": "First"}},
        {"type": "ip-dst", "value": "bad", "uuid": "33333333-3333-3333-3333-333333333333"},
    ]}}
    batch = decode(doc, source="search.json")
    refs = [c.ref for c in batch.cases]
    assert refs[:2] == [f"misp:{first}", f"misp:{second}"] and len(refs) == 3
    assert batch.cases[0].draft.title == "First" and len(values(batch, 0)) == 2
    assert batch.cases[2].draft.title == "MISP attributes from search.json"
    warnings = [i for i in batch.issues if i.severity is Severity.WARNING]
    assert [w.location for w in warnings] == ["search.json:response.Attribute[3].value"]


def test_bad_values_are_located_and_the_rest_lands(decode: Decode) -> None:
    doc = {"response": [event(Attribute=[{"type": "ip-dst", "value": "1.2.3.4"}]), event(
        uuid="6c2e4a4e-8f5e-4b0e-9d0a-1d2c3b4a5f60",
        Attribute=[{"type": "domain", "value": "good.example"},
                   {"type": "ip-src", "value": "999.1.1.1", "to_ids": False}],
        Object=[{"name": "file", "Attribute": [{"type": "md5", "object_relation": "md5",
                                                  "value": "not-a-hash"},
                                                 {"type": "sha1", "object_relation": "sha1",
                                                  "value": "a" * 40}]}])]}
    batch = decode(doc, source="feed.json")
    warnings = [i for i in batch.issues if i.severity is Severity.WARNING]
    assert [w.location for w in warnings] == [
        "feed.json:response[1].Event.Attribute[1].value",
        "feed.json:response[1].Event.Object[0].Attribute[0].value",
    ]
    assert "ip-src '999.1.1.1'" in warnings[0].message
    assert values(batch, 1) == {("domain", "good.example"), ("sha1", "a" * 40)}


def test_bare_event_paths_have_no_prefix(decode: Decode) -> None:
    batch = decode(event(Attribute=[{"type": "url", "value": "not a url"}])["Event"])
    assert batch.issues[0].location == "in.json:Attribute[0].value"


def test_to_ids_false_and_composites(decode: Decode) -> None:
    attrs = [
        {"type": "domain|ip", "value": "evil.example|2001:db8::1", "to_ids": False},
        {"type": "ip-dst|port", "value": "10.1.2.3|443"},
        {"type": "ip-src", "value": "192.0.2.0/24"},
        {"type": "ip-src", "value": "192.0.2.7/32"},
        {"type": "filename|sha256", "value": "a|b.exe|" + "c" * 64},
        {"type": "malware-sample", "value": "x.exe|" + "d" * 32},
        {"type": "AS", "value": "174"},
        {"type": "btc", "value": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"},
        {"type": "github-username", "value": "chrisr3d"},
        {"type": "uri", "value": "/just/a/path"},
        {"type": "regkey", "value": "HKLM\\Software\\x"},
        {"type": "ja3-fingerprint-md5", "value": "E7D705A3286E19EA42F587B344EE6865"},
    ]
    batch = decode(event(Attribute=attrs))
    assert not batch.issues
    assert values(batch) == {
        ("domain", "evil.example"), ("ipv6", "2001:db8::1"), ("ipv4", "10.1.2.3"),
        ("cidr", "192.0.2.0/24"), ("ipv4", "192.0.2.7"), ("file_name", "a|b.exe"),
        ("sha256", "c" * 64), ("file_name", "x.exe"), ("md5", "d" * 32), ("asn", "AS174"),
        ("btc_wallet", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"), ("username", "chrisr3d"),
        ("ja3", "e7d705a3286e19ea42f587b344ee6865"),
    }


def test_object_relations_type_text_values(decode: Decode) -> None:
    objects = [
        {"name": "credential", "Attribute": [
            {"type": "text", "object_relation": "username", "value": "misp"},
            {"type": "text", "object_relation": "password", "value": "Password1234"}]},
        {"name": "coin-address", "Attribute": [
            {"type": "btc", "object_relation": "address",
             "value": "0x52908400098527886E0F7030069857D2E4169EE7"},
            {"type": "text", "object_relation": "symbol", "value": "ETH"}]},
    ]
    batch = decode(event(Object=objects))
    assert ("username", "misp") in values(batch)
    assert {o.type for o in batch.cases[0].draft.occurrences} == {"username", "eth_wallet"}
    assert {o.role for o in batch.cases[0].draft.occurrences} == {
        "credential / username", "coin-address / address"}


def test_deleted_attributes_and_proposals_land_nothing(decode: Decode) -> None:
    attrs = [{"type": "domain", "value": "gone.example", "deleted": True,
              "ShadowAttribute": [{"type": "domain", "value": "proposed.example"}]}]
    batch = decode(event(Attribute=attrs))
    assert values(batch) == set()
    assert batch.objects[0].body["Attribute"][0]["value"] == "gone.example"


def test_case_fields_from_event(decode: Decode) -> None:
    doc = event(
        Tag=[{"name": "tlp:green"}, {"name": 'country:"DE"'},
             {"name": 'misp-galaxy:ransomware="LockBit"'},
             {"name": 'misp-galaxy:country="france"'}],
        Galaxy=[{"type": "sector", "GalaxyCluster": [{"value": "Health"}]},
                {"type": "threat-actor", "GalaxyCluster": [{
                    "value": "Wizard Spider", "uuid": "dfe4b8a7-4b7e-4e0f-9d37-4a3f24a3ed1a",
                    "description": "d", "meta": {"synonyms": ["UNC1878"]}}]}],
        EventReport=[{"name": "Report", "content": "What happened."}],
        Attribute=[{"type": "domain", "value": "x.example", "first_seen": "2026-01-05T00:00:00Z",
                    "Sighting": [{"date_sighting": "1775000000"}]}],
    )
    batch = decode(doc)
    draft, case = batch.cases[0].draft, batch.cases[0]
    assert draft.crime_type is CrimeType.RANSOMWARE
    assert set(draft.countries) == {"DE", "FR"}
    assert draft.victim_sectors == ("Health",)
    named = {e.ref: e.name for e in batch.entities}
    assert {named[ref] for ref in case.entities} == {"LockBit", "Wizard Spider"}
    assert all(e.reference for e in batch.entities)
    assert draft.summary == "Report\n\nWhat happened."
    assert str(draft.first_seen) == "2026-01-05" and str(draft.last_seen) == "2026-03-31"
    assert case.modified is not None and case.modified.year == 2026
    [entity] = [e for e in batch.entities if e.name == "Wizard Spider"]
    assert entity.ref == "misp-galaxy:dfe4b8a7-4b7e-4e0f-9d37-4a3f24a3ed1a"
    assert entity.aliases == ("UNC1878",)
    [lockbit] = [e for e in batch.entities if e.name == "LockBit"]  # a bare tag: derived ref
    assert lockbit.kind is EntityKind.RANSOMWARE and lockbit.is_family


def test_crime_type_from_info_when_tags_say_nothing(decode: Decode) -> None:
    batch = decode(event(info="Phishing wave against banks"))
    assert batch.cases[0].draft.crime_type is CrimeType.PHISHING
    own = decode(event(info="x", Tag=[{"name": 'cyberfusion:crime-type="crypto_fraud"'}]))
    assert own.cases[0].draft.crime_type is CrimeType.CRYPTO_FRAUD


def test_event_without_uuid_gets_a_stable_ref(decode: Decode) -> None:
    doc = {"info": "no uuid", "Attribute": [{"type": "domain", "value": "a.example"}]}
    first, second = decode(doc), decode(doc)
    assert first.cases[0].ref == second.cases[0].ref
    assert first.issues[0].severity is Severity.INFO


def test_shapes_list_and_event_list(decode: Decode) -> None:
    one = event()["Event"]
    two = {**one, "uuid": "6c2e4a4e-8f5e-4b0e-9d0a-1d2c3b4a5f60"}
    assert len(decode([{"Event": one}, two]).cases) == 2
    assert len(decode({"response": [{"Event": one}], "other": 1}).cases) == 1


def test_malformed_json_is_one_located_error(decode: Decode) -> None:
    batch = decode(b'{"response": [{"Event": {"uuid": "a", "info": "x"}}, {"Event": ')
    assert len(batch.cases) == 1
    [error] = [i for i in batch.issues if i.severity is Severity.ERROR]
    assert error.location.startswith("in.json:byte ")
    assert "not valid JSON" in error.message
    assert decode(b"").issues[0].severity is Severity.ERROR
    assert decode(b'"text"').issues[0].location == "in.json:$"


def test_bom_and_batches(defaults: ImportDefaults, monkeypatch: pytest.MonkeyPatch) -> None:
    from cyberfusion.formats.misp import decode as module

    monkeypatch.setattr(module, "BATCH_OBJECTS", 4)
    doc = {"response": [{"Event": {"uuid": f"00000000-0000-0000-0000-00000000000{i}",
                                   "info": "e"}} for i in range(5)]}
    raw = b"\xef\xbb\xbf" + json.dumps(doc).encode()
    batches = list(MispCodec().decode(io.BytesIO(raw), "b.json", defaults))
    assert [len(b.cases) for b in batches] == [2, 2, 1]
    assert batches[-1].bytes_read == len(raw)
    assert batches[0].bytes_read <= batches[1].bytes_read <= batches[2].bytes_read


def test_sniff() -> None:
    assert MispCodec.sniff(b'{"Event": {"info": "x"}}', "a.json")
    assert MispCodec.sniff(b'\n  {"response": [', "a.json")
    assert MispCodec.sniff(b'{"Attribute": [{"category": "x"', "a.json")
    assert not MispCodec.sniff(b'{"type": "bundle", "id": "bundle--1", "objects": [', "b.json")
    assert not MispCodec.sniff(b"ip,domain\n", "a.csv")
    assert not MispCodec.sniff(b'{"title": "case", "observables": []}', "c.json")


def test_feed_folder(tmp_path: Path, defaults: ImportDefaults, merged: Merge) -> None:
    uids = ["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222",
            "33333333-3333-3333-3333-333333333333"]
    manifest = {uid: {"info": uid, "timestamp": "1"} for uid in uids}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    for uid in uids[:2]:
        doc = {"Event": {"uuid": uid, "info": f"event {uid[:2]}",
                         "Attribute": [{"type": "ip-dst", "value": "not-an-ip"}]}}
        (tmp_path / f"{uid}.json").write_text(json.dumps(doc))
    batch = merged(list(decode_feed_folder(tmp_path, defaults)))
    assert [c.ref for c in batch.cases] == [f"misp:{u}" for u in uids[:2]]
    locations = [i.location for i in batch.issues]
    assert f"{tmp_path.name}/{uids[0]}.json:Event.Attribute[0].value" in locations
    assert f"{tmp_path.name}/{uids[2]}.json:$" in locations
    assert batch.bytes_read == sum(p.stat().st_size for p in tmp_path.glob("[12]*.json"))


def test_feed_folder_without_manifest_is_refused(tmp_path: Path,
                                                 defaults: ImportDefaults) -> None:
    with pytest.raises(InvalidInput) as refused:
        list(decode_feed_folder(tmp_path, defaults))
    assert refused.value.issues[0].location == f"{tmp_path.name}/manifest.json:$"


@pytest.mark.parametrize(("manifest", "where", "what"), [
    (["11111111-1111-1111-1111-111111111111"], "$", "not a JSON list"),
    ({"events": {"info": "x"}}, "$['events']", "not an event uuid"),
    ({"11111111-1111-1111-1111-111111111111": "x"}, "$['11111111-1111-1111-1111-111111111111']",
     "not an event summary"),
])
def test_feed_manifest_that_is_no_uuid_to_summary_map_is_refused(
        tmp_path: Path, defaults: ImportDefaults, manifest: Any, where: str, what: str) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InvalidInput) as refused:
        list(decode_feed_folder(tmp_path, defaults))
    [issue] = refused.value.issues
    assert issue.location == f"{tmp_path.name}/manifest.json:{where}" and what in issue.message
