"""MISP distribution levels and TLP tags -> handling; narrower attributes -> restricted case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.imports import Batch, ImportDefaults, Severity
from cyberfusion.formats.misp import distribution as dist

Decode = Callable[..., Batch]
UUID = "5b1f9378-46d4-494b-a4c1-044e0a00020f"
OWN = frozenset({"org:fr-ncb"})
MEMBERS = frozenset({"members"})


def event(distribution: Any = None, tags: tuple[str, ...] = (), **fields: Any) -> dict[str, Any]:
    """An event with the given distribution and tags."""
    body: dict[str, Any] = {"uuid": UUID, "info": "e", "Tag": [{"name": t} for t in tags],
                            **fields}
    if distribution is not None:
        body["distribution"] = distribution
    return {"Event": body}


def handling(batch: Batch, case: int = 0) -> Handling:
    """The handling of one decoded case."""
    return batch.cases[case].draft.handling


@pytest.mark.parametrize(("level", "release", "tlp"), [
    ("0", OWN, TLP.AMBER_STRICT), ("1", MEMBERS, TLP.AMBER), ("2", MEMBERS, TLP.AMBER),
    (3, MEMBERS, TLP.AMBER), (None, MEMBERS, TLP.AMBER),
])
def test_event_levels(decode: Decode, level: Any, release: frozenset[str], tlp: TLP) -> None:
    batch = decode(event(level))
    assert handling(batch).release == release and handling(batch).tlp is tlp
    assert not batch.issues
    if release == OWN:  # the kept event is as closed as the case
        assert handling(batch).partners == frozenset()
        assert batch.objects[0].tlp is TLP.AMBER_STRICT


def test_sharing_group_is_own_org_with_a_warning(decode: Decode) -> None:
    batch = decode(event("4", sharing_group_id="7", SharingGroup={"name": "LE partners"}))
    assert handling(batch).release == OWN
    [warning] = batch.issues
    assert warning.severity is Severity.WARNING
    assert warning.location == "in.json:Event.distribution"
    assert "'LE partners'" in warning.message


@pytest.mark.parametrize("level", ["5", "9", "everyone"])
def test_unknown_event_level_is_own_org(decode: Decode, level: str) -> None:
    batch = decode(event(level))
    assert handling(batch).release == OWN
    assert batch.issues[0].severity is Severity.WARNING


@pytest.mark.parametrize(("tags", "tlp"), [
    (("tlp:green",), TLP.GREEN), (("tlp:white",), TLP.CLEAR), (("tlp:clear",), TLP.CLEAR),
    (("tlp:white", "tlp:red", "tlp:green"), TLP.RED), (("tlp:amber+strict",), TLP.AMBER_STRICT),
    (("TLP:AMBER",), TLP.AMBER), (("tlp:ex:chr",), None), (("tlp:unclear",), None), ((), None),
])
def test_tlp_tags(decode: Decode, defaults: ImportDefaults, tags: tuple[str, ...],
                  tlp: TLP | None) -> None:
    open_defaults = replace(defaults, tlp=TLP.CLEAR)
    batch = decode(event("3", tags), with_defaults=open_defaults)
    assert handling(batch).tlp is (tlp or TLP.CLEAR)
    assert batch.objects[0].tlp is tlp


def test_the_default_tlp_is_for_sources_that_state_none(decode: Decode) -> None:
    # --tlp is "TLP when the source has none": a tlp:white event stays CLEAR under an AMBER
    # default, and an untagged one takes the default
    assert handling(decode(event("3", ("tlp:white",)))).tlp is TLP.CLEAR
    assert handling(decode(event("3"))).tlp is TLP.AMBER


def test_the_tlp_floor_raises_what_is_below_it(decode: Decode,
                                               defaults: ImportDefaults) -> None:
    floored = replace(defaults, tlp=TLP.CLEAR, tlp_floor=TLP.GREEN)
    assert handling(decode(event("3", ("tlp:white",)), with_defaults=floored)).tlp is TLP.GREEN
    assert handling(decode(event("3"), with_defaults=floored)).tlp is TLP.GREEN
    assert handling(decode(event("3", ("tlp:red",)), with_defaults=floored)).tlp is TLP.RED


def test_narrower_attributes_go_to_a_restricted_case(decode: Decode) -> None:
    attrs = [
        {"type": "domain", "value": "wide.example", "distribution": "5"},
        {"type": "domain", "value": "all.example", "distribution": "3"},
        {"type": "domain", "value": "own.example", "distribution": "0"},
        {"type": "domain", "value": "group.example", "distribution": "4",
         "sharing_group_id": "3"},
        {"type": "domain", "value": "red.example", "Tag": [{"name": "tlp:red"}]},
    ]
    batch = decode(event("1", ("tlp:green",), Attribute=attrs))
    main, narrow = batch.cases
    assert main.ref == f"misp:{UUID}" and narrow.ref == f"misp:{UUID}:restricted"
    assert {o.value for o in main.draft.occurrences} == {"wide.example", "all.example"}
    assert {o.value for o in narrow.draft.occurrences} == {
        "own.example", "group.example", "red.example"}
    assert main.draft.handling.release == MEMBERS and main.draft.handling.tlp is TLP.GREEN
    assert narrow.draft.handling.release == OWN and narrow.draft.handling.tlp is TLP.RED
    [warning] = batch.issues
    assert warning.location == "in.json:Event.Attribute[3].distribution"
    assert "sharing group 'id 3'" in warning.message
    kept = {o.ref: o.body for o in batch.objects}
    assert [a["value"] for a in kept[main.ref]["Attribute"]] == ["wide.example", "all.example"]
    assert len(kept[narrow.ref]["Attribute"]) == 3 and kept[narrow.ref]["uuid"] == UUID
    assert main.members == (main.ref,) and narrow.members == (narrow.ref,)
    tlps = {o.ref: o.tlp for o in batch.objects}
    assert tlps == {main.ref: TLP.GREEN, narrow.ref: TLP.RED}


def test_restricted_object_and_reports(decode: Decode) -> None:
    objects = [
        {"name": "domain-ip", "distribution": "0", "Attribute": [
            {"type": "domain", "object_relation": "domain", "value": "secret.example"},
            {"type": "ip-dst", "object_relation": "ip", "value": "192.0.2.1",
             "distribution": "3"}]},
        {"name": "domain-ip", "Attribute": [
            {"type": "domain", "object_relation": "domain", "value": "open.example"},
            {"type": "ip-dst", "object_relation": "ip", "value": "192.0.2.2",
             "distribution": "0"}]},
    ]
    reports = [{"name": "public", "content": "p"},
               {"name": "private", "content": "q", "distribution": "0"}]
    batch = decode(event("2", Object=objects, EventReport=reports))
    main, narrow = batch.cases
    assert {o.value for o in main.draft.occurrences} == {"open.example"}
    assert {o.value for o in narrow.draft.occurrences} == {
        "secret.example", "192.0.2.1", "192.0.2.2"}
    assert main.draft.summary == "public\n\np" and narrow.draft.summary == "private\n\nq"
    kept = {o.ref: o.body for o in batch.objects}
    assert [len(o["Attribute"]) for o in kept[main.ref]["Object"]] == [1]
    assert [len(o["Attribute"]) for o in kept[narrow.ref]["Object"]] == [2, 1]


def test_wider_attributes_never_widen_an_own_org_event(decode: Decode) -> None:
    attrs = [{"type": "domain", "value": "a.example", "distribution": "3"},
             {"type": "domain", "value": "b.example", "distribution": "0"}]
    batch = decode(event("0", Attribute=attrs))
    [case] = batch.cases
    assert case.draft.handling.release == OWN and len(case.draft.occurrences) == 2


def test_galaxy_on_a_restricted_attribute_stays_there(decode: Decode) -> None:
    attrs = [{"type": "domain", "value": "a.example", "distribution": "0",
              "Tag": [{"name": 'misp-galaxy:threat-actor="Secret Bear"'}]}]
    batch = decode(event("1", Attribute=attrs))
    main, narrow = batch.cases
    [entity] = batch.entities
    assert main.entities == () and narrow.entities == (entity.ref,)
    assert entity.name == "Secret Bear" and entity.ref.startswith("misp-galaxy:")


def test_fixture_with_a_distribution_0_attribute(decode: Decode, fixtures: Path) -> None:
    batch = decode(fixtures / "pymisp" / "sighting_2.json")
    assert [c.ref.endswith(":restricted") for c in batch.cases] == [False, True]
    assert batch.cases[1].draft.handling.release == OWN


def test_export_mapping() -> None:
    review = date(2030, 1, 1)
    assert dist.distribution_for(Handling(TLP.GREEN, MEMBERS, review)) == dist.COMMUNITY
    assert dist.distribution_for(Handling(TLP.AMBER, MEMBERS, review)) == dist.COMMUNITY
    assert dist.distribution_for(Handling(TLP.AMBER_STRICT, MEMBERS, review)) == dist.OWN_ORG
    assert dist.distribution_for(Handling(TLP.RED, MEMBERS, review)) == dist.OWN_ORG
    assert dist.distribution_for(Handling(TLP.GREEN, frozenset({"country:FR"}), review)) == 0
    assert [dist.tlp_tag(t) for t in TLP] == [
        "tlp:clear", "tlp:green", "tlp:amber", "tlp:amber+strict", "tlp:red"]
    assert dist.narrower_level(3, 1) == 1 and dist.narrower_level(4, 1) == 4
    assert dist.narrower_level(0, 4) == 0
