"""The entity page's graph: the entity in the middle, neighbours on rings, links to pages."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.knowledge import (
    End,
    EndKind,
    EntityDetail,
    EntityGraph,
    EntityKind,
    EntitySummary,
    GraphEdge,
    GraphNode,
    LinkedCase,
    RelationshipView,
)
from cyberfusion.web.ui.entity_graph import SIZE, layout, node_href, one_hop, rings

ROOT = GraphNode("entity:1", "LockBit", "ransomware")
ACTOR = GraphNode("entity:2", "Bitwise Spider", "intrusion-set")
CASE = GraphNode("case:7", "Lyon hospital", "case")
FAR = GraphNode("entity:3", "T1486 Data Encrypted for Impact, a long technique name",
                "attack-pattern")
LONELY = GraphNode("entity:4", "Unlinked", "tool")
GRAPH = EntityGraph((ROOT, ACTOR, CASE, FAR, LONELY),
                    (GraphEdge("entity:2", "entity:1", "uses"),
                     GraphEdge("case:7", "entity:1", "related-to"),
                     GraphEdge("entity:2", "entity:3", "uses")), truncated=True)


def test_hops_put_neighbours_inside_and_unreachable_nodes_outside() -> None:
    assert rings(GRAPH, "entity:1") == {"entity:1": 0, "entity:2": 1, "case:7": 1,
                                        "entity:3": 2, "entity:4": 2}


def test_the_root_is_central_and_each_ring_keeps_its_radius() -> None:
    drawing = layout(GRAPH, "entity:1")
    by_key = {p.node.key: p for p in drawing.nodes}
    centre = SIZE / 2
    assert (by_key["entity:1"].x, by_key["entity:1"].y) == (centre, centre)
    radius = {key: math.dist((p.x, p.y), (centre, centre)) for key, p in by_key.items()}
    assert round(radius["entity:2"]) == round(radius["case:7"]) < round(radius["entity:3"])
    assert len(drawing.lines) == 3 and drawing.truncated
    assert by_key["entity:3"].short.endswith("…") and len(by_key["entity:3"].short) <= 22


def test_nodes_link_to_their_pages() -> None:
    assert node_href(CASE) == "/cases/7"
    assert node_href(ACTOR) == "/entities/2"
    assert node_href(GraphNode("sector:health", "Health", "identity")) == ""


def test_an_empty_graph_draws_nothing() -> None:
    drawing = layout(EntityGraph((), ()), "")
    assert drawing.nodes == () and drawing.lines == ()


def _detail(cases: int, total: int) -> EntityDetail:
    lockbit = EntitySummary(1, EntityKind.RANSOMWARE, "LockBit", (), "", TLP.CLEAR)
    spider = RelationshipView(5, "uses", False, End(EndKind.ENTITY, 2), "Bitwise Spider",
                              "intrusion-set", TLP.GREEN)
    t1486 = RelationshipView(6, "uses", True, End(EndKind.ENTITY, 3), "T1486",
                             "attack-pattern", TLP.CLEAR)
    linked = tuple(LinkedCase(10 + n, f"Case {n}", "fr-cyber", "ransomware", ("FR",),
                              TLP.AMBER, datetime(2026, 5, 1, tzinfo=UTC))
                   for n in range(cases))
    return EntityDetail(lockbit, (), (spider, t1486), linked, total, (), (), None, None, 0)


def test_the_page_graph_is_drawn_from_what_the_page_read() -> None:
    graph = one_hop(_detail(3, 3))
    assert [n.key for n in graph.nodes] == ["entity:1", "entity:2", "entity:3", "case:10",
                                            "case:11", "case:12"]
    assert GraphEdge("entity:2", "entity:1", "uses") in graph.edges  # incoming stays so
    assert GraphEdge("entity:1", "entity:3", "uses") in graph.edges
    assert not graph.truncated
    capped = one_hop(_detail(50, 10_000), cap=10)
    assert len(capped.nodes) == 10 and capped.truncated
    assert one_hop(_detail(3, 4)).truncated, "a linked case on a later page is not drawn"
