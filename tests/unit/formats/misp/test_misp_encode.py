"""The MISP exporter: generated and round-tripped events load in pymisp.MISPEvent."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pymisp import MISPEvent

from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.imports import Batch, ImportedCase
from cyberfusion.domain.model import Case, CrimeType, Occurrence
from cyberfusion.domain.observables import normalise
from cyberfusion.formats.base import ExportContext
from cyberfusion.formats.misp import MispExporter

Decode = Callable[..., Batch]
EXT = Path("/work/shared/data/ext")
REVIEW = date(2030, 1, 1)


def occ(otype: str, value: str, role: str = "", comment: str = "") -> Occurrence:
    """An occurrence of a normalised value."""
    obs = normalise(otype, value)
    return Occurrence(obs.type.value, obs.value, obs.key, role, comment)


def as_case(imported: ImportedCase, case_id: int = 1) -> Case:
    """A stored case made from a decoded one."""
    d = imported.draft
    return Case(id=case_id, owner_org_id="fr-ncb", title=d.title, crime_type=d.crime_type,
                summary=d.summary, handling=d.handling, countries=d.countries,
                first_seen=d.first_seen, last_seen=d.last_seen, occurrences=d.occurrences)


def export(cases: list[Case], context: ExportContext | None = None) -> Any:
    """Run the exporter and parse its output."""
    chunks = MispExporter().export(cases, context or ExportContext(producer_org_id="hub"))
    return json.loads(b"".join(chunks))


def loaded(doc: dict[str, Any]) -> MISPEvent:
    """The event as pymisp reads it (raises if pymisp rejects it); `doc` is left as it was."""
    event = MISPEvent()
    event.load(copy.deepcopy(doc))
    return event


def sample_case(tlp: TLP = TLP.GREEN, release: frozenset[str] = frozenset({"members"})) -> Case:
    """A case with one observable of each kind the exporter maps differently."""
    occurrences = (
        occ("ipv4", "192.0.2.1", "Network activity / ip-src"), occ("ipv6", "2001:db8::1"),
        occ("cidr", "198.51.100.0/24"), occ("domain", "evil.example", "C2 server"),
        occ("url", "https://evil.example/x"), occ("email", "a@evil.example", "sender"),
        occ("md5", "d" * 32), occ("sha1", "e" * 40), occ("sha256", "f" * 64),
        occ("sha512", "a" * 128), occ("ssdeep", "3:abc:def"), occ("file_name", "x.exe"),
        occ("btc_wallet", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
        occ("eth_wallet", "0x52908400098527886E0F7030069857D2E4169EE7"),
        occ("xmr_wallet", "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3Xjrp"
                          "DtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"),
        occ("iban", "DE89370400440532013000"), occ("phone", "+33123456789"),
        occ("username", "bad_guy"), occ("username", "evil", "Social network / twitter-id"),
        occ("asn", "AS174"), occ("ja3", "e7d705a3286e19ea42f587b344ee6865"),
        occ("user_agent", "Mozilla/5.0 evil"),
    )
    return Case(id=42, owner_org_id="fr-ncb", title="LockBit on a hospital",
                crime_type=CrimeType.RANSOMWARE, summary="What happened.",
                handling=Handling(tlp, release, REVIEW), countries=("FR",),
                first_seen=date(2026, 1, 2), occurrences=occurrences,
                updated_at=datetime(2026, 2, 1, tzinfo=UTC))


def test_generated_event_loads_in_pymisp() -> None:
    doc = export([sample_case()], ExportContext(org_names={"fr-ncb": "France"}))
    event = loaded(doc)
    assert event.info == "LockBit on a hospital" and str(event.date) == "2026-01-02"
    assert int(event.distribution) == 1
    assert {t.name for t in event.tags} == {
        "tlp:green", 'cyberfusion:crime-type="ransomware"', 'misp-galaxy:country="france"'}
    types = {a.type for a in event.attributes}
    assert {"ip-src", "ip-dst", "domain", "url", "email", "btc", "xmr", "iban", "AS",
            "phone-number", "ja3-fingerprint-md5", "user-agent", "twitter-id"} <= types
    assert sorted(o.name for o in event.objects) == ["coin-address", "user-account"]
    assert event.Orgc.name == "France"
    assert doc["Event"]["EventReport"][0]["content"] == "What happened."


def test_generated_event_is_stable_and_reimports(decode: Decode) -> None:
    case = sample_case()
    first, second = export([case]), export([case])
    assert first == second
    batch = decode(first)
    assert {(o.type, o.value) for o in batch.cases[0].draft.occurrences} == {
        (o.type, o.value) for o in case.occurrences}
    assert batch.cases[0].draft.crime_type is CrimeType.RANSOMWARE
    assert batch.cases[0].draft.countries == ("FR",)
    assert batch.cases[0].draft.summary == "Summary\n\nWhat happened."


@pytest.mark.parametrize(("tlp", "release", "level"), [
    (TLP.RED, frozenset({"members"}), "0"), (TLP.AMBER_STRICT, frozenset({"members"}), "0"),
    (TLP.AMBER, frozenset({"members"}), "1"), (TLP.CLEAR, frozenset({"members"}), "1"),
    (TLP.GREEN, frozenset({"region:europe"}), "0"),
])
def test_generated_distribution(tlp: TLP, release: frozenset[str], level: str) -> None:
    doc = export([sample_case(tlp, release)])
    assert doc["Event"]["distribution"] == level
    assert doc["Event"]["Tag"][0] == {"name": f"tlp:{tlp.value}"}


def test_collection_shapes() -> None:
    assert export([]) == {"response": []}
    doc = export([sample_case(), replace(sample_case(), id=2)])  # two cases, two uuids
    assert len(doc["response"]) == 2
    for item in doc["response"]:
        loaded(item)


def test_round_trip_exports_the_kept_event(decode: Decode, fixtures: Path) -> None:
    batch = decode(fixtures / "pymisp" / "to_delete3.json")
    case = as_case(batch.cases[0])
    kept = batch.objects[0]
    stix_first = {"type": "indicator", "id": "indicator--1", "pattern": "[x:y = 'z']"}
    context = ExportContext({case.id: [stix_first, kept.body]})  # bodies, as the store gives
    doc = export([case], context)
    assert doc["Event"]["uuid"] == kept.body["uuid"]
    assert doc["Event"]["Attribute"] == kept.body["Attribute"]
    assert doc["Event"]["Object"] == kept.body["Object"]
    event = loaded(doc)
    assert len(event.attributes) == 48 and len(event.objects) == 24
    again = decode(doc)
    assert again.cases[0].draft.occurrences == batch.cases[0].draft.occurrences


def test_round_trip_never_wider_than_the_handling(decode: Decode) -> None:
    source = {"Event": {"uuid": "5b1f9378-46d4-494b-a4c1-044e0a00020f", "info": "e",
                        "distribution": "3", "Tag": [{"name": "tlp:white"}, {"name": "osint"}]}}
    batch = decode(source)
    case = as_case(batch.cases[0])
    red = replace(case, handling=Handling(TLP.RED, frozenset({"org:fr-ncb"}), REVIEW))
    context = ExportContext({1: [{"type": "misp-event", "body": batch.objects[0].body}]})
    doc = export([red], context)["Event"]
    assert doc["distribution"] == "0"
    assert [t["name"] for t in doc["Tag"]] == ["tlp:red", "osint"]
    wide = export([case], context)["Event"]
    assert wide["distribution"] == "1"  # members: this community only, never all communities
    assert [t["name"] for t in wide["Tag"]] == ["tlp:white", "osint"]  # the source's own TLP
    loaded({"Event": doc})


def test_kept_event_given_as_a_bare_body() -> None:
    body: dict[str, object] = {"Event": {
        "uuid": "5b1f9378-46d4-494b-a4c1-044e0a00020f", "info": "kept", "distribution": "1",
        "Tag": [{"name": "tlp:red"}]}}
    case = sample_case()
    doc = export([case], ExportContext({case.id: [body]}))["Event"]
    assert doc["info"] == "kept" and doc["Tag"] == [{"name": "tlp:red"}]


@pytest.mark.skipif(not EXT.is_dir(), reason="shared data folder not present")
def test_every_shared_event_exports_both_ways(decode: Decode) -> None:
    paths = sorted((EXT / "pymisp" / "tests" / "reportlab_testfiles").glob("*.json"))
    paths += sorted((EXT / "misp-stix" / "tests").glob("test_*_collection_[12].json"))
    for path in paths:
        batch = decode(path, source=path.name)
        kept = {o.ref: o.body for o in batch.objects}
        for i, imported in enumerate(batch.cases):
            case = as_case(imported, i + 1)
            loaded(export([case]))
            context = ExportContext({case.id: [{"type": "misp-event", "body": kept[imported.ref]}]})
            loaded(export([case], context))


def test_an_event_split_by_distribution_goes_out_as_one_event(decode: Decode) -> None:
    # PyMISP's sighting_2.json: attributes with distributions 0 and 2 land as two cases
    path = Path(__file__).parents[3] / "fixtures" / "ext" / "pymisp" / "tests" / \
        "reportlab_testfiles" / "sighting_2.json"
    batch = decode(json.loads(path.read_bytes()))
    assert len(batch.cases) == 2
    cases = [as_case(c, n) for n, c in enumerate(batch.cases, start=1)]
    stored = {n: [o.body for o in batch.objects if o.ref in c.members]
              for n, c in enumerate(batch.cases, start=1)}
    for order in (cases, cases[::-1]):
        doc = export(order, ExportContext(stored))
        assert list(doc) == ["Event"]  # one event, not a response of two with one uuid
        event = doc["Event"]
        assert event["uuid"] == "5c6ab833-676c-42f3-95d2-034f0a00020f"
        assert event["distribution"] != "0"  # around the wider part
        levels = {a["value"]: a["distribution"] for a in event["Attribute"]}
        assert levels == {"Value to test": "0", "testvalue": "2"}
        again = decode({"Event": event})
        assert len(again.cases) == 2
        loaded(doc)
