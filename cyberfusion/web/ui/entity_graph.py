"""The small relationship graph of an entity page, laid out for a server-drawn SVG.

The entity sits in the middle; what is one hop away sits on an inner ring, two hops on an
outer one. No script runs: the page draws circles, lines and labels where this puts them.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from cyberfusion.domain.knowledge import (
    EndKind,
    EntityDetail,
    EntityGraph,
    GraphEdge,
    GraphNode,
)

SIZE = 520
RINGS = (0.0, 150.0, 235.0)
LABEL = 22
#: Nodes the page draws at most (the API's graph goes further: two hops, a larger cap).
PAGE_CAP = 40


@dataclass(frozen=True, slots=True)
class Placed:
    """A node where the SVG draws it, with the label it shows and its page, if any."""

    node: GraphNode
    x: float
    y: float
    ring: int
    short: str
    href: str


@dataclass(frozen=True, slots=True)
class Line:
    """An edge between two placed nodes."""

    x1: float
    y1: float
    x2: float
    y2: float
    type: str


@dataclass(frozen=True, slots=True)
class Drawing:
    """Everything the template draws."""

    nodes: tuple[Placed, ...]
    lines: tuple[Line, ...]
    size: int
    truncated: bool


def node_href(node: GraphNode) -> str:
    """The page of a node: `/cases/<id>` for a case, `/entities/<id>` for an entity."""
    prefix, _, number = node.key.rpartition(":")
    if not number.isdigit():
        return ""
    return f"/cases/{number}" if node.kind == "case" or prefix == "case" else \
        f"/entities/{number}"


def rings(graph: EntityGraph, root: str) -> dict[str, int]:
    """Hops from `root` to each node (breadth first; unreachable nodes on the outer ring)."""
    around: dict[str, set[str]] = {n.key: set() for n in graph.nodes}
    for edge in graph.edges:
        around.setdefault(edge.source, set()).add(edge.target)
        around.setdefault(edge.target, set()).add(edge.source)
    hops = {root: 0}
    queue = deque([root])
    while queue:
        key = queue.popleft()
        for other in sorted(around.get(key, ())):
            if other not in hops:
                hops[other] = hops[key] + 1
                queue.append(other)
    last = len(RINGS) - 1
    return {n.key: min(hops.get(n.key, last), last) for n in graph.nodes}


def layout(graph: EntityGraph, root: str) -> Drawing:
    """Place the root in the middle and each ring's nodes evenly around it."""
    depth = rings(graph, root)
    centre = SIZE / 2
    placed: dict[str, Placed] = {}
    for ring in range(len(RINGS)):
        members = [n for n in graph.nodes if depth[n.key] == ring]
        for i, node in enumerate(members):
            angle = 2 * math.pi * i / max(1, len(members)) - math.pi / 2 + ring * 0.3
            placed[node.key] = Placed(
                node, round(centre + RINGS[ring] * math.cos(angle), 1),
                round(centre + RINGS[ring] * math.sin(angle), 1), ring,
                node.label if len(node.label) <= LABEL else node.label[: LABEL - 1] + "…",
                node_href(node))
    lines = tuple(Line(placed[e.source].x, placed[e.source].y, placed[e.target].x,
                       placed[e.target].y, e.type)
                  for e in graph.edges if e.source in placed and e.target in placed)
    return Drawing(tuple(placed.values()), lines, SIZE, graph.truncated)


def one_hop(d: EntityDetail, cap: int = PAGE_CAP) -> EntityGraph:
    """The page's graph, from what the page already read: the entity, the entities it
    relates to and its first linked cases (no second query on a page that must be quick)."""
    root = f"entity:{d.entity.id}"
    nodes = {root: GraphNode(root, d.entity.name, d.entity.kind.value)}
    edges: list[GraphEdge] = []
    for r in d.relationships:
        key = f"{'case' if r.other.kind is EndKind.CASE else 'entity'}:{r.other.id}"
        if key not in nodes and len(nodes) >= cap:
            continue
        nodes.setdefault(key, GraphNode(key, r.other_name, r.other_kind))
        edges.append(GraphEdge(root, key, r.type) if r.outgoing else GraphEdge(key, root, r.type))
    for c in d.cases[: max(0, cap - len(nodes))]:
        key = f"case:{c.case_id}"
        nodes.setdefault(key, GraphNode(key, f"#{c.case_id} {c.title}", "case"))
        edges.append(GraphEdge(key, root, "related-to"))
    others = {(r.other.kind, r.other.id) for r in d.relationships}
    truncated = len(nodes) - 1 < len(others) + d.cases_total
    return EntityGraph(tuple(nodes.values()), tuple(dict.fromkeys(edges)), truncated)
