"""TLP marking ids (TLP 1.0 in STIX 2.1 section 7.2.1.4, TLP 2.0 OASIS extension) both ways."""

from __future__ import annotations

from typing import Any

import pytest

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.imports import Severity
from cyberfusion.formats.stix.markings import (
    TLP1_IDS,
    TLP2_EXTENSION,
    TLP2_IDS,
    TLP_BY_ID,
    MarkingIndex,
    is_bogus_tlp_id,
    tlp2_marking_definition,
    tlp_of_definition,
)

# Written out here on purpose (not taken from the module): the ids as published.
PUBLISHED = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLP.CLEAR,  # TLP 1.0 WHITE
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLP.GREEN,  # TLP 1.0
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLP.AMBER,  # TLP 1.0
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLP.RED,  # TLP 1.0
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": TLP.CLEAR,  # TLP 2.0
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": TLP.GREEN,
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": TLP.AMBER,
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": TLP.AMBER_STRICT,
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": TLP.RED,
}
BOGUS = "marking-definition--939a9414-2ddd-4d32-a254-099d340a1628"


def test_all_nine_ids_map_exactly() -> None:
    assert TLP_BY_ID == PUBLISHED
    assert set(TLP2_IDS.values()) | set(TLP1_IDS.values()) == set(PUBLISHED)


def test_stix2_library_agrees_on_the_tlp1_ids() -> None:
    from stix2.v21 import common

    for marking in (common.TLP_WHITE, common.TLP_GREEN, common.TLP_AMBER, common.TLP_RED):
        assert marking.id in TLP_BY_ID


@pytest.mark.parametrize("tlp", list(TLP))
def test_tlp2_definitions_as_the_extension_defines_them(tlp: TLP) -> None:
    obj = tlp2_marking_definition(tlp)
    assert obj == {
        "type": "marking-definition", "spec_version": "2.1", "id": TLP2_IDS[tlp],
        "created": "2022-10-01T00:00:00.000Z", "name": f"TLP:{tlp.value.upper()}",
        "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension",
                                        "tlp_2_0": tlp.value}},
    }
    assert tlp_of_definition(obj) is tlp


def test_the_bogus_amber_strict_id_is_no_tlp() -> None:
    assert is_bogus_tlp_id(BOGUS)
    assert BOGUS not in TLP_BY_ID
    assert not is_bogus_tlp_id(TLP2_IDS[TLP.AMBER_STRICT])
    index = MarkingIndex()
    # a definition under the bogus id is not learned as TLP, even if it claims to be one
    claim = {"type": "marking-definition", "id": BOGUS, "definition_type": "tlp",
             "definition": {"tlp": "amber"}}
    assert index.learn(claim) is None
    assert BOGUS not in index.learned
    assert index.strictest([BOGUS]) == (TLP.AMBER_STRICT, True)


def test_each_id_on_an_object_gives_its_tlp(stix: Any) -> None:
    objects = [stix.indicator(stix.uid(n), "[ipv4-addr:value = '198.51.100.7']",
                              object_marking_refs=[ref]) for n, ref in enumerate(PUBLISHED)]
    out = stix.decode(stix.bundle(*objects))
    got = {o.body["object_marking_refs"][0]: o.tlp for o in out.objects}
    assert got == PUBLISHED
    assert not out.issues


def test_bogus_id_on_an_object_is_flagged_and_fails_closed(stix: Any) -> None:
    obj = stix.indicator(stix.uid(1), "[domain-name:value = 'evil.example']",
                         object_marking_refs=[BOGUS])
    out = stix.decode(stix.bundle(obj))
    assert out.objects[0].tlp is TLP.AMBER_STRICT
    warning = out.severities(Severity.WARNING)[0]
    assert warning.location == "t.json:objects[0].object_marking_refs"
    assert "a254" in warning.message
    assert out.cases[0].draft.handling.tlp is TLP.AMBER_STRICT


def test_bogus_definition_is_flagged(stix: Any) -> None:
    definition = {"type": "marking-definition", "spec_version": "2.1", "id": BOGUS,
                  "created": stix.ts, "name": "TLP:AMBER+STRICT",
                  "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension",
                                                  "tlp_2_0": "amber+strict"}}}
    out = stix.decode(stix.bundle(definition))
    assert [i.location for i in out.severities(Severity.WARNING)] == ["t.json:objects[0].id"]


def _custom_tlp(n: int, label: str) -> dict[str, Any]:
    return {"type": "marking-definition", "spec_version": "2.1",
            "id": f"marking-definition--{'0' * 8}-0000-4000-8000-{n:012d}",
            "created": "2024-01-01T00:00:00.000Z", "definition_type": "tlp",
            "definition": {"tlp": label}}


def test_granular_and_custom_tlp_markings_take_the_strictest(stix: Any) -> None:
    red = _custom_tlp(77, "red")
    obj = stix.indicator(
        stix.uid(2), "[url:value = 'http://evil.example/x']",
        object_marking_refs=[TLP2_IDS[TLP.GREEN]],
        granular_markings=[{"marking_ref": red["id"], "selectors": ["description"]}])
    out = stix.decode(stix.bundle(red, obj))
    assert out.by_ref()[obj["id"]].tlp is TLP.RED
    assert [i.location for i in out.issues] == ["t.json:objects[0].id"]  # INFO: own-id TLP


def test_a_marking_defined_after_use_still_narrows_the_case(stix: Any) -> None:
    red = _custom_tlp(78, "red")
    obj = stix.indicator(stix.uid(3), "[ipv4-addr:value = '203.0.113.9']",
                         object_marking_refs=[red["id"]])
    out = stix.decode(stix.bundle(obj, red))
    assert out.objects[0].tlp is None  # not known yet when the object streamed past
    assert out.cases[0].draft.handling.tlp is TLP.RED


def test_statement_markings_are_no_tlp(stix: Any) -> None:
    statement = {"type": "marking-definition", "spec_version": "2.1",
                 "id": "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168",
                 "created": "2017-06-01T00:00:00.000Z", "definition_type": "statement",
                 "definition": {"statement": "Copyright 2017, The MITRE Corporation"}}
    obj = stix.indicator(stix.uid(4), "[ipv4-addr:value = '203.0.113.10']",
                         object_marking_refs=[statement["id"]])
    out = stix.decode(stix.bundle(statement, obj))
    assert out.objects[1].tlp is None
    assert out.cases[0].draft.handling.tlp is TLP.CLEAR  # the defaults' TLP
