"""Network discovery, stable ids, the per-viewer view, bridges and the export builders."""

from __future__ import annotations

import io

import networkx as nx

from cyberfusion.domain.access import Access
from cyberfusion.domain.networks import (
    Params,
    bridges,
    discover,
    graph_elements,
    graphml,
    match_ids,
    pair_values,
    visible_parts,
)

FULL, HIT, NONE = Access.FULL.value, Access.HIT.value, Access.NONE.value


def clique(cases: range, values: range) -> list[tuple[int, int]]:
    """Every case holds every value."""
    return [(c, v) for c in cases for v in values]


def chain(length: int) -> list[tuple[int, int]]:
    """Cases 1..length, each sharing one value with the next."""
    return [(c, 100 + c) for c in range(1, length)] + [(c + 1, 100 + c) for c in range(1, length)]


def test_a_short_chain_stays_one_network_a_long_one_is_cut_by_density() -> None:
    [found] = discover(chain(6), Params())
    assert found.members == frozenset(range(1, 7))
    assert set(found.values) == set(range(101, 106))
    assert found.links == 5
    pieces = discover(chain(80), Params())
    assert len(pieces) > 1
    assert set().union(*(p.members for p in pieces)) == set(range(1, 81))


def test_a_chance_contact_does_not_merge_two_networks() -> None:
    kit = clique(range(1, 21), range(500, 503))          # a network sharing three values
    popular = [(c, 900) for c in range(20, 40)]          # a popular IP, one member touches it
    found = discover(kit + popular, Params())
    assert [len(c.members) for c in found] == [20, 19]
    assert found[0].members == frozenset(range(1, 21))


def test_values_held_too_often_link_nothing() -> None:
    holdings = [(c, 7) for c in range(1, 60)] + [(1, 8), (2, 8)]
    [pair] = discover(holdings, Params(max_cases=50))
    assert pair.members == frozenset({1, 2})
    assert discover(holdings, Params(max_cases=50), counts={8: 51}) == []


def test_ids_survive_when_membership_mostly_stays() -> None:
    old = {"n-a": frozenset(range(1, 11)), "n-b": frozenset({20, 21}), "n-c": frozenset({30, 31})}
    new = [frozenset(range(1, 13)), frozenset({20, 21, 22, 23, 24}), frozenset({30, 31})]
    assert match_ids(old, new) == ["n-a", None, "n-c"]
    # A cluster split in two equal halves: one half keeps the id (Jaccard 0.5), once.
    assert match_ids(old, [frozenset(range(1, 6)), frozenset(range(6, 11))]) == ["n-a", None]
    assert match_ids(old, [frozenset(range(1, 5)), frozenset(range(5, 11))]) == [None, "n-a"]


def test_hidden_cases_never_join_parts_of_a_view() -> None:
    levels = {1: FULL, 2: NONE, 3: FULL, 4: HIT, 5: FULL}
    holdings = [(1, 10), (2, 10), (2, 11), (3, 11), (3, 12), (4, 12), (5, 13), (4, 13)]
    parts = visible_parts(levels, holdings)
    assert [(p.full, p.hit) for p in parts] == [((3, 5), (4,))]
    assert parts[0].values == (12, 13)
    alone = visible_parts({1: FULL, 2: NONE}, [(1, 10), (2, 10)])
    assert alone == []


def test_bridges_and_pairs() -> None:
    holdings = [(1, 10), (2, 10), (2, 11), (3, 11), (1, 12), (2, 12), (3, 12), (4, 13), (3, 13)]
    pairs = pair_values(holdings, [1, 2, 3, 4])
    assert pairs[(1, 2)] == [10, 12]
    assert bridges(pairs) == [(3, 4)]
    assert bridges([]) == []


def test_graphml_and_graph_elements() -> None:
    text = graphml([("case-1", {"title": "A & B"}), ("case-2", {"title": "C"})],
                   [("case-1", "case-2", {"values": "x", "weight": "1"})])
    graph = nx.read_graphml(io.StringIO(text))
    assert graph.nodes["case-1"]["title"] == "A & B"
    assert graph.edges["case-1", "case-2"]["values"] == "x"
    elements = graph_elements([{"case": "1", "label": "#1"}], [{"value_id": "9", "label": "v"}],
                              [(1, 9)], [(7, 9)], more=2)
    ids = {e["data"]["id"] for e in elements}
    assert {"c1", "v9", "more", "c1-v9", "more-v9"} == ids
    assert not any("7" in i for i in ids)
