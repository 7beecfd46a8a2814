"""Entity presenters: one shape for a list, a page, a relationship and a graph."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.knowledge import (
    End,
    EndKind,
    EntityDetail,
    EntityGraph,
    EntityKind,
    EntitySummary,
    ExternalRef,
    GraphEdge,
    GraphNode,
    LinkedCase,
    Relationship,
    RelationshipView,
)
from cyberfusion.presenters.entities import (
    entity_detail_json,
    entity_json,
    entity_page_json,
    graph_json,
    linked_cases_json,
    relationship_json,
    relationships_json,
)
from cyberfusion.services.knowledge import EntityPage

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
LOCKBIT = EntitySummary(5, EntityKind.RANSOMWARE, "LockBit", ("LockBit 3.0", "ABCD"), "",
                        TLP.CLEAR, "Ransomware as a service.", True, 2)
USES = RelationshipView(9, "uses", False, End(EndKind.ENTITY, 6, "intrusion-set--1"),
                        "Bitwise Spider", "intrusion-set", TLP.GREEN)
LINKED = LinkedCase(41, "Lyon hospital", "fr-cyber", "ransomware", ("FR", "DE"), TLP.AMBER, AT)


def _detail(cases: tuple[LinkedCase, ...], withheld: int) -> EntityDetail:
    return EntityDetail(LOCKBIT, (ExternalRef("mitre-attack", "S0372",
                                              "https://attack.mitre.org/software/S0372"),),
                        (USES,), cases, len(cases) + 10, ("FR", "DE"), ("health",), AT, None,
                        withheld, ("malware--1",))


def test_an_entity_as_listed() -> None:
    assert entity_json(LOCKBIT) == {
        "id": 5, "kind": "ransomware", "name": "LockBit", "aliases": ["LockBit 3.0", "ABCD"],
        "external_id": "", "is_family": True, "description": "Ransomware as a service.",
        "tlp": "clear", "sources": 2}
    page = entity_page_json(EntityPage([LOCKBIT], 11, 10, 1))
    assert (page["total"], page["offset"], page["limit"]) == (11, 10, 1)
    assert page["items"] == [entity_json(LOCKBIT)]


def test_an_entity_page_keeps_its_keys_with_or_without_readable_cases() -> None:
    full = entity_detail_json(_detail((LINKED,), 3), 0, 50)
    empty = entity_detail_json(_detail((), 0), 50, 50)
    assert full.keys() == empty.keys()
    assert entity_json(LOCKBIT).items() <= full.items()
    assert full["external_refs"] == [{"source_name": "mitre-attack", "external_id": "S0372",
                                      "url": "https://attack.mitre.org/software/S0372"}]
    assert full["relationships"] == [{
        "id": 9, "type": "uses", "direction": "incoming", "description": "", "tlp": "green",
        "other": {"kind": "entity", "id": 6, "stix_id": "intrusion-set--1",
                  "name": "Bitwise Spider", "entity_kind": "intrusion-set"}}]
    assert full["cases"] == {"items": [{"id": 41, "title": "Lyon hospital", "owner": "fr-cyber",
                                        "crime_type": "ransomware", "countries": ["FR", "DE"],
                                        "tlp": "amber", "created_at": AT.isoformat()}],
                             "total": 11, "offset": 0, "limit": 50}
    assert (full["withheld"], full["first_seen"], full["last_seen"]) == (3, AT.isoformat(), None)
    assert empty["cases"]["offset"] == 50 and empty["cases"]["items"] == []
    assert linked_cases_json(_detail((LINKED,), 0), 0, 50) == full["cases"]
    assert relationships_json((USES,), 3) == {"items": full["relationships"], "withheld": 3}


def test_a_relationship_to_a_case_as_stored() -> None:
    handling = Handling(TLP.AMBER, frozenset({"members"}), date(2031, 6, 1))
    link = Relationship(12, "targets", End(EndKind.ENTITY, 5), End(EndKind.CASE, 41),
                        "fr-cyber", 3, handling, "relationship--1")
    assert relationship_json(link) == {
        "id": 12, "type": "targets", "source": {"kind": "entity", "id": 5, "stix_id": ""},
        "target": {"kind": "case", "id": 41, "stix_id": ""}, "owner": "fr-cyber",
        "tlp": "amber", "stix_id": "relationship--1", "description": "", "first_seen": None,
        "last_seen": None}


def test_a_graph() -> None:
    graph = EntityGraph((GraphNode("entity:5", "LockBit", "ransomware"),
                         GraphNode("case:41", "Lyon hospital", "case")),
                        (GraphEdge("case:41", "entity:5", "related-to"),))
    assert graph_json(graph) == {
        "nodes": [{"key": "entity:5", "label": "LockBit", "kind": "ransomware"},
                  {"key": "case:41", "label": "Lyon hospital", "kind": "case"}],
        "edges": [{"source": "case:41", "target": "entity:5", "type": "related-to"}],
        "truncated": False}
