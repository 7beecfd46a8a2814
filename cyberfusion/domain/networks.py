"""Networks: cases linked by strong shared values, found by graph clustering (igraph).

Discovery projects (case, value) holdings onto a case graph, where each linking value held
by `n` cases adds 1/sqrt(n-1) to the weight of every pair it joins (a value shared by two
cases says more than one shared by forty). Connected components are refined with Leiden
under the constant Potts model: a community must be denser than `resolution`, which
splits chance contacts (a popular IP touching a real network) without splitting a
cohesive network, and which decomposes over components, so recomputing only the touched
components gives what a full run would. Stable ids: a new cluster keeps the id of the old
one it overlaps with a Jaccard index of at least 0.5.

`visible_parts` is the per-viewer view: only cases the viewer reads (FULL) or may learn of
(HIT), linked only through values they hold, so a hidden case never joins two parts.
"""

from __future__ import annotations

import itertools
import math
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from xml.etree import ElementTree as ET

from cyberfusion import collector
from cyberfusion.domain.access import Access
from cyberfusion.domain.correlation import DEFAULT_MAX_CASES

DEFAULT_RESOLUTION = 0.05
#: Links from which Leiden runs two refinement rounds instead of running until stable.
LARGE_GRAPH = 200_000
KEEP_ID_JACCARD = 0.5
_SEED = 2026

Holding = tuple[int, int]
"""(case id, value id): a case holds a value."""


@dataclass(frozen=True, slots=True)
class Params:
    """What a network run uses: the over-correlation limit and the Leiden resolution."""

    max_cases: int = DEFAULT_MAX_CASES
    resolution: float = DEFAULT_RESOLUTION


@dataclass(frozen=True, slots=True)
class Cluster:
    """A found network: member cases and the values that hold it together (value -> holders)."""

    members: frozenset[int]
    values: Mapping[int, int]
    links: int


@dataclass
class Graph:
    """The weighted case graph of a set of holdings."""

    cases: list[int]
    edges: list[tuple[int, int]]
    weights: list[float]
    holders: dict[int, list[int]] = field(default_factory=dict)


def value_weight(holders: int) -> float:
    """What one shared value adds to each pair of its holders."""
    return 1.0 / math.sqrt(holders - 1)


def linking_holders(holdings: Iterable[Holding], counts: Mapping[int, int] | None,
                    max_cases: int) -> dict[int, list[int]]:
    """value -> sorted holders, for values held by 2..max_cases cases (`counts` if given)."""
    holders: dict[int, list[int]] = defaultdict(list)
    for case_id, value_id in holdings:
        holders[value_id].append(case_id)
    result = {}
    for value_id, cases in holders.items():
        unique = sorted(set(cases))
        total = counts.get(value_id, len(unique)) if counts is not None else len(unique)
        if len(unique) >= 2 and total <= max_cases:
            result[value_id] = unique
    return result


def build_graph(holders: Mapping[int, list[int]]) -> Graph:
    """Project value holders onto a weighted case graph (pairs summed per case pair)."""
    cases = sorted({c for members in holders.values() for c in members})
    index = {c: i for i, c in enumerate(cases)}
    pairs: list[tuple[int, int]] = []
    weights: list[float] = []
    for members in holders.values():
        n = len(members)
        local = [index[c] for c in members]
        pairs.extend(itertools.combinations(local, 2))
        weights.extend(itertools.repeat(value_weight(n), n * (n - 1) // 2))
    return Graph(cases, pairs, weights, dict(holders))


def _graph_library() -> Any:
    """`igraph`, imported on first use: it pulls in matplotlib (about a second) through its
    drawing modules, which no command but clustering needs."""
    import igraph  # type: ignore[import-untyped]

    return igraph


def _igraph(graph: Graph) -> Any:
    g = _graph_library().Graph(n=len(graph.cases), edges=graph.edges,
                               edge_attrs={"weight": graph.weights})
    g.simplify(combine_edges="sum")
    return g


def discover(holdings: Iterable[Holding], params: Params,
             counts: Mapping[int, int] | None = None) -> list[Cluster]:
    """Clusters of at least two cases, largest first (ties by smallest case id)."""
    with collector.paused():
        return _discover(holdings, params, counts)


def _discover(holdings: Iterable[Holding], params: Params,
              counts: Mapping[int, int] | None) -> list[Cluster]:
    holders = linking_holders(holdings, counts, params.max_cases)
    graph = build_graph(holders)
    if not graph.cases:
        return []
    g = _igraph(graph)
    _graph_library().set_random_number_generator(random.Random(_SEED))
    rounds = -1 if g.ecount() < LARGE_GRAPH else 2  # until stable; two rounds on big graphs
    partition = g.community_leiden(objective_function="CPM", weights="weight",
                                   resolution=params.resolution, n_iterations=rounds)
    membership = partition.membership
    community = {case: membership[i] for i, case in enumerate(graph.cases)}
    return _clusters(community, holders, _internal_links(g, membership))


def _internal_links(g: Any, membership: list[int]) -> dict[int, int]:
    """Links inside each community: contract communities, count the loops (all in C)."""
    contracted = g.copy()
    contracted.es["n"] = 1
    contracted.contract_vertices(membership, combine_attrs="first")
    contracted.simplify(multiple=True, loops=False, combine_edges={"n": "sum"})
    return {e.source: int(e["n"]) for e in contracted.es if e.source == e.target}


def _clusters(community: Mapping[int, int], holders: Mapping[int, list[int]],
              internal: Mapping[int, int]) -> list[Cluster]:
    """Group cases by community, with each community's linking values (held twice inside)."""
    groups: dict[int, list[int]] = defaultdict(list)
    for case_id, label in community.items():
        groups[label].append(case_id)
    values: dict[int, dict[int, int]] = defaultdict(dict)
    for value_id, cases in holders.items():
        for label, inside in Counter(community[c] for c in cases).items():
            if inside >= 2:
                values[label][value_id] = len(cases)
    clusters = [Cluster(frozenset(members), values[label], internal.get(label, 0))
                for label, members in groups.items() if len(members) > 1]
    clusters.sort(key=lambda c: (-len(c.members), min(c.members)))
    return clusters


def match_ids(old: Mapping[str, frozenset[int]], new: Sequence[frozenset[int]],
              threshold: float = KEEP_ID_JACCARD) -> list[str | None]:
    """For each new cluster, the old id it keeps (Jaccard >= threshold, best pairs first)."""
    owner = {case: cid for cid, members in old.items() for case in members}
    candidates = []
    for position, members in enumerate(new):
        for cid in {owner[c] for c in members if c in owner}:
            shared = len(members & old[cid])
            jaccard = shared / len(members | old[cid])
            if jaccard >= threshold:
                candidates.append((-jaccard, position, cid))
    candidates.sort()
    kept: list[str | None] = [None] * len(new)
    taken: set[str] = set()
    for _, position, cid in candidates:
        if kept[position] is None and cid not in taken:
            kept[position] = cid
            taken.add(cid)
    return kept


# --- the viewer's view ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    """What one viewer sees of a cluster: readable cases, the count of HIT cases, values."""

    full: tuple[int, ...]
    hit: tuple[int, ...]
    values: tuple[int, ...]

    @property
    def anchor(self) -> int:
        """The smallest readable case id: it names the part for this viewer."""
        return self.full[0]


def _find(parent: dict[int, int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def visible_parts(levels: Mapping[int, str], holdings: Iterable[Holding]) -> list[Part]:
    """Parts of a cluster linked through FULL and HIT cases only, each with a FULL case.

    A value links the visible cases holding it; a part is shown when it has a readable
    case and at least one other case. Listed values are those a readable case holds.
    """
    seen = {c for c, level in levels.items() if level in (Access.FULL.value, Access.HIT.value)}
    holders: dict[int, list[int]] = defaultdict(list)
    for case_id, value_id in holdings:
        if case_id in seen:
            holders[value_id].append(case_id)
    parent = {c: c for c in seen}
    for cases in holders.values():
        for other in cases[1:]:
            parent[_find(parent, other)] = _find(parent, cases[0])
    groups: dict[int, list[int]] = defaultdict(list)
    for case_id in sorted(seen):
        groups[_find(parent, case_id)].append(case_id)
    parts = []
    for members in groups.values():
        full = tuple(c for c in members if levels[c] == Access.FULL.value)
        if not full or len(members) < 2:
            continue
        readable = set(full)
        values = tuple(sorted(v for v, cases in holders.items()
                              if len(cases) >= 2 and readable.intersection(cases)
                              and cases[0] in members))
        parts.append(Part(full, tuple(c for c in members if c not in readable), values))
    parts.sort(key=lambda p: (-len(p.full), p.anchor))
    return parts


def pair_values(holdings: Iterable[Holding], cases: Iterable[int]) -> dict[tuple[int, int],
                                                                              list[int]]:
    """(a, b) with a < b -> the values both cases hold, among `cases` only."""
    keep = set(cases)
    holders: dict[int, list[int]] = defaultdict(list)
    for case_id, value_id in holdings:
        if case_id in keep:
            holders[value_id].append(case_id)
    pairs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for value_id, members in holders.items():
        for a, b in itertools.combinations(sorted(set(members)), 2):
            pairs[(a, b)].append(value_id)
    return dict(pairs)


def bridges(pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Links whose removal splits the graph they belong to, sorted."""
    edges = sorted(set(pairs))
    if not edges:
        return []
    nodes = sorted({n for e in edges for n in e})
    index = {n: i for i, n in enumerate(nodes)}
    g = _graph_library().Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in edges])
    return sorted(edges[i] for i in g.bridges())


# --- exports --------------------------------------------------------------------------------

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
Attributes = Mapping[str, str]


def graphml(nodes: Sequence[tuple[str, Attributes]],
            edges: Sequence[tuple[str, str, Attributes]]) -> str:
    """An undirected GraphML document with string attributes on nodes and edges."""
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS})
    for domain, items in (("node", [a for _, a in nodes]), ("edge", [a for *_, a in edges])):
        for name in sorted({k for attrs in items for k in attrs}):
            ET.SubElement(root, "key", {"id": f"{domain}_{name}", "for": domain,
                                        "attr.name": name, "attr.type": "string"})
    graph = ET.SubElement(root, "graph", {"id": "network", "edgedefault": "undirected"})
    for ident, attrs in nodes:
        node = ET.SubElement(graph, "node", {"id": ident})
        for name, value in sorted(attrs.items()):
            ET.SubElement(node, "data", {"key": f"node_{name}"}).text = value
    for number, (source, target, attrs) in enumerate(edges):
        edge = ET.SubElement(graph, "edge", {"id": f"e{number}", "source": source,
                                             "target": target})
        for name, value in sorted(attrs.items()):
            ET.SubElement(edge, "data", {"key": f"edge_{name}"}).text = value
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def graph_elements(cases: Sequence[Attributes], values: Sequence[Attributes],
                   holdings: Iterable[Holding], hit_holdings: Iterable[Holding],
                   more: int) -> list[dict[str, dict[str, str]]]:
    """Cytoscape elements: readable cases, shared values, one node for the HIT cases."""
    elements = [{"data": {**c, "id": f"c{c['case']}", "kind": "case"}} for c in cases]
    elements += [{"data": {**v, "id": f"v{v['value_id']}", "kind": "value"}} for v in values]
    shown = {v["value_id"] for v in values}
    edges = {(f"c{c}", f"v{v}") for c, v in holdings if str(v) in shown}
    if more:
        elements.append({"data": {"id": "more", "kind": "more",
                                  "label": f"{more} more held by others"}})
        edges |= {("more", f"v{v}") for _, v in hit_holdings if str(v) in shown}
    elements += [{"data": {"id": f"{s}-{t}", "source": s, "target": t}}
                 for s, t in sorted(edges)]
    return elements


_NAMESPACE = uuid.UUID("5b6f5d8e-1f3e-4c55-9d7a-2c0b8f7e1a10")


def grouping(ref: str, description: str, object_refs: Sequence[str], marking: str,
             now: datetime) -> dict[str, Any]:
    """A STIX 2.1 `grouping` (section 4.4) of a network's reports, with a stable id."""
    uid = uuid.UUID(bytes=uuid.uuid5(_NAMESPACE, f"network:{ref}").bytes, version=4)
    moment = now.astimezone(UTC)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return {"type": "grouping", "spec_version": "2.1", "id": f"grouping--{uid}",
            "created": stamp, "modified": stamp, "name": f"Network {ref}",
            "description": description, "context": "suspicious-activity",
            "object_refs": list(object_refs), "object_marking_refs": [marking]}


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What a network view shows of a readable case."""

    id: int
    title: str
    owner_org_id: str
    crime_type: str
    countries: tuple[str, ...]
    first_seen: date | None
    last_seen: date | None
    created_at: datetime
    tlp: str


@dataclass(frozen=True, slots=True)
class NetworkState:
    """Settings and progress of network runs."""

    version: int
    indexed_upto: int
    max_cases: int
    resolution: float
    last_run_at: datetime | None
    last_full_at: datetime | None


@dataclass(frozen=True, slots=True)
class Run:
    """What one recomputation did."""

    kind: str
    started_at: datetime
    seconds: float
    cases: int
    links: int
    clusters: int
    created: int
    kept: int
    dissolved: int
    max_cases: int
    resolution: float
