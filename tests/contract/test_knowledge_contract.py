"""Knowledge landing and services: ATT&CK for ICS kept by kind and merged, MISP galaxies and
STIX families as one entity, bad input located, edits, links and merges audited."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW
from ext_data import attack_ics
from sqlalchemy import select
from worlds import PASSWORD, World, build_world, case_doc

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.knowledge import EntityFilter, EntityKind
from cyberfusion.domain.model import Role
from cyberfusion.errors import NotFound, PermissionDenied
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import audit, auth, cases, imports, knowledge, orgs
from cyberfusion.services.context import Context
from cyberfusion.store.tables import AuditRow

UID = "{:08d}-0000-4000-8000-000000000000"


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def _import(world: World, path: Path, org: str = "hub", tlp: str = "amber") -> imports.ImportJob:
    job = imports.submit_path(world.ctx, world.principals[org], path,
                              imports.ImportOptions(tlp=tlp))
    done = imports.run(world.ctx, job.id)
    assert done is not None and done.status == "done", done
    return done


def test_attack_ics_keeps_every_kind_merged_and_clear(world: World) -> None:
    job = _import(world, attack_ics())
    with world.ctx.db.read() as tx:
        rows = {k: tx.entities.count(k.value) for k in EntityKind}
        groups = {k: tx.entities.count_canonical(k.value) for k in EntityKind}
    assert {k.value: n for k, n in rows.items() if n} == {
        "attack-pattern": 95, "course-of-action": 52, "malware": 30, "intrusion-set": 16,
        "campaign": 8, "identity": 1}
    # EKANS, Stuxnet, Industroyer, Bad Rabbit, Conficker, KillDisk twice under two ids;
    # Dragonfly 2.0 and APT34 are revoked aliases of Dragonfly and OilRig
    assert groups[EntityKind.MALWARE] == 24 and groups[EntityKind.INTRUSION_SET] == 14
    issues = imports.job_issues(world.ctx, world.principals["hub"], job.id, 0, 1000)
    assert any("x-mitre-asset" in i.message for i in issues)
    reader = world.principals["br-cyber"]
    page = knowledge.list_entities(world.ctx, reader, EntityFilter(kind=EntityKind.MALWARE))
    assert page.total == 24 and all(s.tlp is TLP.CLEAR for s in page.items)
    [ekans] = knowledge.find_entities(world.ctx, reader, "snakehose")
    detail = knowledge.entity_detail(world.ctx, reader, ekans.id)
    assert detail.entity.name == "EKANS" and detail.entity.sources == 2
    assert len(detail.stix_ids) == 2 and detail.relationships and detail.withheld == 0
    graph = knowledge.entity_graph(world.ctx, reader, ekans.id, hops=2, cap=10)
    assert len(graph.nodes) == 10 and graph.truncated


def _bundle(tmp: Path, name: str, objects: list[dict[str, Any]]) -> Path:
    stamp = "2026-01-01T00:00:00.000Z"
    full = [{"spec_version": "2.1", "created": stamp, "modified": stamp, **o} for o in objects]
    path = tmp / name
    path.write_text(json.dumps({"type": "bundle", "id": "bundle--" + UID.format(99),
                                "objects": full}))
    return path


def test_misp_galaxy_and_stix_family_are_one_entity_linked_to_the_case(
        world: World, tmp_path: Path) -> None:
    stix = _bundle(tmp_path, "lockbit.json", [
        {"type": "malware", "id": "malware--" + UID.format(1), "name": "LockBit 3.0",
         "is_family": True, "malware_types": ["ransomware"], "aliases": ["LockBit Black"]},
        {"type": "malware", "id": "malware--" + UID.format(2), "name": "lockbit black",
         "is_family": True, "aliases": ["LockBit"]}])
    _import(world, stix, "fr-cyber", "green")
    event = {"Event": {"uuid": UID.format(3), "info": "Hospital encrypted", "distribution": "3",
                       "Tag": [{"name": 'misp-galaxy:ransomware="LockBit"'}, {"name": "tlp:green"}],
                       "Attribute": [{"type": "domain", "value": "lockbit-leaks.example"}]}}
    misp = tmp_path / "event.json"
    misp.write_text(json.dumps(event))
    _import(world, misp, "de-cyber", "green")
    reader = world.principals["br-cyber"]
    [family] = knowledge.find_entities(world.ctx, reader, "lockbit")
    assert family.kind is EntityKind.RANSOMWARE and family.is_family and family.sources == 3
    assert {"LockBit", "LockBit Black"} <= {family.name, *family.aliases}
    detail = knowledge.entity_detail(world.ctx, reader, family.id)
    assert detail.cases_total == 1
    case_id = detail.cases[0].case_id
    assert [s.id for s in knowledge.case_entities(world.ctx, reader, case_id)] == [family.id]


def test_bad_knowledge_is_located_and_nothing_half_lands(world: World, tmp_path: Path) -> None:
    path = _bundle(tmp_path, "bad.json", [
        {"type": "intrusion-set", "id": "intrusion-set--" + UID.format(1), "name": "Alpha",
         "aliases": ["Beta"]},
        {"type": "intrusion-set", "id": "intrusion-set--" + UID.format(2), "name": "Beta",
         "aliases": ["Alpha"]},  # an alias loop
        {"type": "tool", "id": "tool--" + UID.format(3), "name": "Gamma",
         "external_references": [{"source_name": "mitre-attack", "external_id": "S9999"}]},
        {"type": "attack-pattern", "id": "attack-pattern--" + UID.format(4), "name": "Delta",
         "external_references": [{"source_name": "mitre-attack", "external_id": "S9999"}]},
        {"type": "relationship", "id": "relationship--" + UID.format(5),
         "relationship_type": "uses", "source_ref": "intrusion-set--" + UID.format(1),
         "target_ref": "malware--" + UID.format(77)},
        {"type": "relationship", "id": "relationship--" + UID.format(6),
         "relationship_type": "uses", "source_ref": "x-thing--" + UID.format(8),
         "target_ref": "tool--" + UID.format(3)},
        {"type": "relationship", "id": "relationship--" + UID.format(7),
         "relationship_type": "uses", "source_ref": "intrusion-set--" + UID.format(2),
         "target_ref": "tool--" + UID.format(3)}])
    job = _import(world, path)
    messages = [i.message for i in imports.job_issues(world.ctx, world.principals["hub"],
                                                      job.id, 0, 100)]
    assert any("S9999" in m and "kept apart" in m for m in messages)
    assert any("is not in this import" in m for m in messages)
    assert any("'x-thing'" in m for m in messages)
    reader = world.principals["hub"]
    [alpha] = knowledge.find_entities(world.ctx, reader, "alpha")
    assert alpha.sources == 2
    assert len(knowledge.find_entities(world.ctx, reader, "S9999")) == 2
    detail = knowledge.entity_detail(world.ctx, reader, alpha.id)
    assert [r.other_name for r in detail.relationships] == ["Gamma"]


def test_edit_link_and_merge_are_for_readers_and_owners(world: World, tmp_path: Path) -> None:
    path = _bundle(tmp_path, "two.json", [
        {"type": "threat-actor", "id": "threat-actor--" + UID.format(1), "name": "Wizard Spider"},
        {"type": "intrusion-set", "id": "intrusion-set--" + UID.format(2), "name": "UNC1878"},
        {"type": "report", "id": "report--" + UID.format(3), "name": "Ryuk wave",
         "published": "2026-01-01T00:00:00Z", "report_types": ["ransomware"],
         "object_refs": ["threat-actor--" + UID.format(1)]}])
    _import(world, path, "fr-cyber", "amber")
    owner, other = world.principals["fr-cyber"], world.principals["br-cyber"]
    [spider] = knowledge.find_entities(world.ctx, owner, "wizard")
    [unc] = knowledge.find_entities(world.ctx, owner, "unc1878")
    with pytest.raises(PermissionDenied):
        knowledge.edit_entity(world.ctx, other, spider.id, aliases=["Grim Spider"])
    edited = knowledge.edit_entity(world.ctx, owner, spider.id, aliases=["Grim Spider"])
    assert edited.aliases == ("Grim Spider",)
    merged = knowledge.merge_entities(world.ctx, owner, spider.id, unc.id)
    assert merged.sources == 2 and "UNC1878" in merged.aliases
    case_id = knowledge.entity_detail(world.ctx, owner, spider.id).cases[0].case_id
    link = knowledge.link_case(world.ctx, owner, unc.id, case_id, "attributed-to")
    assert link.handling.tlp is TLP.AMBER
    detail = knowledge.entity_detail(world.ctx, owner, unc.id)
    assert detail.cases_total == 1
    with pytest.raises(NotFound):  # a partner not named in `partners` reads none of it
        knowledge.entity_detail(world.ctx, world.principals["acme-sec"], spider.id)
    with world.ctx.db.read() as tx:
        actions = set(tx.session.scalars(select(AuditRow.action)))
    assert {"entity.edit", "entity.merge", "entity.link"} <= actions


def test_the_case_owner_withdraws_a_wrong_link_and_nobody_else_can(
        world: World, tmp_path: Path) -> None:
    path = _bundle(tmp_path, "one.json", [
        {"type": "threat-actor", "id": "threat-actor--" + UID.format(1), "name": "Wizard Spider"},
        {"type": "report", "id": "report--" + UID.format(3), "name": "Ryuk wave",
         "published": "2026-01-01T00:00:00Z", "report_types": ["ransomware"],
         "object_refs": ["threat-actor--" + UID.format(1)]}])
    _import(world, path, "fr-cyber", "green")
    owner, other = world.principals["fr-cyber"], world.principals["de-cyber"]
    [spider] = knowledge.find_entities(world.ctx, owner, "wizard")
    case_id = knowledge.entity_detail(world.ctx, owner, spider.id).cases[0].case_id
    knowledge.link_case(world.ctx, owner, spider.id, case_id, "attributed-to")
    with pytest.raises(PermissionDenied):  # it reads the case, but the case is not its own
        knowledge.unlink_case(world.ctx, other, spider.id, case_id)
    assert knowledge.unlink_case(world.ctx, owner, spider.id, case_id) == 2
    assert knowledge.entity_detail(world.ctx, owner, spider.id).cases == ()
    assert knowledge.case_entities(world.ctx, owner, case_id) == []
    with pytest.raises(NotFound):  # nothing left to withdraw
        knowledge.unlink_case(world.ctx, owner, spider.id, case_id)
    _import(world, path, "fr-cyber", "green")  # the same file again brings nothing back
    assert knowledge.case_entities(world.ctx, owner, case_id) == []
    with world.ctx.db.read() as tx:
        assert "entity.unlink" in set(tx.session.scalars(select(AuditRow.action)))


def test_the_detail_names_the_readers_own_row_and_whether_they_may_edit(
        world: World, tmp_path: Path) -> None:
    spider = {"type": "threat-actor", "id": "threat-actor--" + UID.format(1),
              "name": "Wizard Spider"}
    _import(world, _bundle(tmp_path, "hub.json", [spider]), "hub", "clear")
    _import(world, _bundle(tmp_path, "fr.json", [{**spider, "aliases": ["Grim Spider"]}]),
            "fr-cyber", "amber")
    owner = world.principals["fr-cyber"]
    user = orgs.create_user(world.ctx, None, "fr-cyber.reader", "fr-cyber",
                            frozenset({Role.READER}), PASSWORD)
    with world.ctx.db.read() as tx:
        reader = auth.principal_for(tx, user)
    [found] = knowledge.find_entities(world.ctx, owner, "wizard")
    detail = knowledge.entity_detail(world.ctx, owner, found.id)
    assert found.sources == 2 and detail.editable
    assert detail.own_row is not None and detail.own_row.owner_org_id == "fr-cyber"
    assert detail.own_row.id != detail.entity.id, "not the smallest id: the hub's row is"
    assert detail.own_row.aliases == ("Grim Spider",)
    seen_by_reader = knowledge.entity_detail(world.ctx, reader, found.id)
    assert seen_by_reader.own_row == detail.own_row and not seen_by_reader.editable
    elsewhere = knowledge.entity_detail(world.ctx, world.principals["de-cyber"], found.id)
    assert elsewhere.own_row is None and not elsewhere.editable


def test_a_link_in_another_owners_case_leaves_the_linkers_audit_view_with_the_case(
        world: World, tmp_path: Path) -> None:
    path = _bundle(tmp_path, "one.json", [
        {"type": "threat-actor", "id": "threat-actor--" + UID.format(1), "name": "Wizard Spider"},
        {"type": "report", "id": "report--" + UID.format(3), "name": "Ryuk wave",
         "published": "2026-01-01T00:00:00Z", "report_types": ["ransomware"],
         "object_refs": ["threat-actor--" + UID.format(1)]}])
    _import(world, path, "de-cyber", "green")
    owner, linker = world.principals["fr-cyber"], world.principals["de-cyber"]
    draft = parse_case(case_doc("Lille clinic"), NOW.date(), 5)
    created = cases.create_case(world.ctx, owner, draft)
    case_id = created.id
    [spider] = knowledge.find_entities(world.ctx, linker, "wizard")
    knowledge.link_case(world.ctx, linker, spider.id, case_id, "attributed-to")

    def seen() -> list[dict[str, Any]]:
        return [e.detail for e in audit.org_trail(world.ctx, linker, ["entity.link"])]

    assert seen() == [{"case_ids": [case_id], "type": "attributed-to"}]
    narrowed = replace(draft, handling=replace(draft.handling, tlp=TLP.RED,
                                               release=frozenset({"org:fr-cyber"})))
    cases.update_case(world.ctx, owner, case_id, narrowed, created.version)
    assert seen() == [{"withheld": True}]  # de-cyber may no longer read the case it named
