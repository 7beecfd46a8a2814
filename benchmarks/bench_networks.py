"""Network discovery on a graph of about a million links, beside networkx on the same graph.

Run: .venv/bin/python benchmarks/bench_networks.py [--links 1000000] [--seed 7] [--no-networkx]

The graph is generated from (case, value) holdings, as a run reads them from the store:
planted groups of 3-60 cases that share a few strong values (wallets, servers, mule
accounts), plus chance contacts (a value two unrelated cases happen to share). It is grown
until the projected case graph has `--links` distinct links.

Measured, on the same holdings:
* ours: `domain.networks.discover` (projection with 1/sqrt(n-1) weights, connected
  components, Leiden under the constant Potts model, cluster values and link counts), then
  `match_ids` against the previous run (stable ids), then bridges of every cluster;
* networkx: the same weighted graph built with networkx, `connected_components` and
  `louvain_communities` (networkx 3, seeded) — the usual pure-Python peer;
* planted-group recovery (share of groups found as one cluster with precision and recall
  of at least 0.95), for both.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import igraph

from cyberfusion.domain.networks import Params, build_graph, discover, linking_holders, match_ids

Holding = tuple[int, int]


def generate(links: int, seed: int) -> tuple[list[Holding], list[frozenset[int]]]:
    """Holdings whose projection has about `links` links, and the planted groups."""
    rng = random.Random(seed)
    holdings: list[Holding] = []
    groups: list[frozenset[int]] = []
    case = value = 0
    estimate = 0
    while estimate < links:
        size = rng.choice((3, 4, 5, 6, 8, 10, 12, 16, 20, 30, 45, 60))
        members = list(range(case, case + size))
        case += size
        pairs: set[tuple[int, int]] = set()
        for _ in range(max(2, size // 3)):
            holders = rng.sample(members, rng.randint(2, min(size, 25)))
            holdings += [(c, value) for c in holders]
            pairs.update((a, b) for a in holders for b in holders if a < b)
            value += 1
        for c in members:  # make sure every member shares something
            holdings += [(c, value), (rng.choice(members), value)]
            value += 1
        estimate += len(pairs) + size
        groups.append(frozenset(members))
    for _ in range(case // 25):  # chance contacts between unrelated cases
        holdings += [(rng.randrange(case), value), (rng.randrange(case), value)]
        value += 1
    return holdings, groups


def timed(fn: Callable[[], Any]) -> tuple[Any, tuple[float, float]]:
    """The result, and the (wall, CPU) seconds it took (CPU shows through a busy machine)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, (time.perf_counter() - started, time.process_time() - cpu)


def recovered(found: list[frozenset[int]], groups: list[frozenset[int]]) -> float:
    """Share of planted groups found as one cluster with precision and recall >= 0.95."""
    owner = {c: i for i, members in enumerate(found) for c in members}
    good = 0
    for group in groups:
        counts: dict[int, int] = defaultdict(int)
        for c in group:
            if c in owner:
                counts[owner[c]] += 1
        if not counts:
            continue
        best, shared = max(counts.items(), key=lambda kv: kv[1])
        if shared / len(found[best]) >= 0.95 and shared / len(group) >= 0.95:
            good += 1
    return good / len(groups)


def ours(holdings: list[Holding]) -> dict[str, Any]:
    params = Params()
    clusters, seconds = timed(lambda: discover(holdings, params))
    members = [c.members for c in clusters]
    previous = {f"n{i}": m for i, m in enumerate(members)}
    shuffled = members[1:] + members[:1]
    _, match_seconds = timed(lambda: match_ids(previous, shuffled))
    _, bridge_seconds = timed(lambda: all_bridges(holdings, clusters))
    return {"clusters": members, "discover": seconds, "match": match_seconds,
            "bridges": bridge_seconds}


def all_bridges(holdings: list[Holding], clusters: list[Any]) -> int:
    """Bridges inside every cluster, in one igraph call over the intra-cluster links."""
    graph = build_graph(linking_holders(holdings, None, Params().max_cases))
    g = igraph.Graph(n=len(graph.cases), edges=graph.edges)
    g.simplify()
    label = {c: i for i, cl in enumerate(clusters) for c in cl.members}
    keep = [e for e, (a, b) in enumerate(g.get_edgelist())
            if label.get(graph.cases[a], -1) == label.get(graph.cases[b], -2)]
    return len(g.subgraph_edges(keep, delete_vertices=False).bridges())


def peer(holdings: list[Holding], seed: int) -> dict[str, Any]:
    import networkx as nx

    graph = build_graph(linking_holders(holdings, None, Params().max_cases))

    def build() -> Any:
        g = nx.Graph()
        for (a, b), w in zip(graph.edges, graph.weights, strict=True):
            u, v = graph.cases[a], graph.cases[b]
            if g.has_edge(u, v):
                g[u][v]["weight"] += w
            else:
                g.add_edge(u, v, weight=w)
        return g

    g, build_seconds = timed(build)
    components, cc_seconds = timed(lambda: list(nx.connected_components(g)))
    communities, louvain_seconds = timed(
        lambda: nx.community.louvain_communities(g, weight="weight", seed=seed))
    return {"clusters": [frozenset(c) for c in communities if len(c) > 1], "build": build_seconds,
            "cc": cc_seconds, "louvain": louvain_seconds, "components": len(components),
            "links": g.number_of_edges()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-networkx", action="store_true", help="skip the networkx peer")
    args = parser.parse_args()
    target = args.links
    while True:  # grow the generator's target until the graph has `--links` links
        (holdings, groups), (gen_seconds, _) = timed(lambda t=target: generate(t, args.seed))
        graph = build_graph(linking_holders(holdings, None, Params().max_cases))
        links = len({(min(a, b), max(a, b)) for a, b in graph.edges})
        if links >= args.links:
            break
        target = int(target * args.links / links * 1.01)
    print(f"holdings {len(holdings):,}, cases {len(graph.cases):,}, links {links:,}, "
          f"planted groups {len(groups):,} (generated in {gen_seconds:.1f} s)")
    result = ours(holdings)
    rows = [("cyberfusion (igraph Leiden/CPM)", "discover: project + components + Leiden",
             result["discover"], len(result["clusters"]),
             recovered(result["clusters"], groups)),
            ("", "stable ids (Jaccard match)", result["match"], None, None),
            ("", "bridges of every cluster", result["bridges"], None, None)]
    if not args.no_networkx:
        other = peer(holdings, args.seed)
        total = tuple(sum(x) for x in zip(other["build"], other["cc"], other["louvain"],
                                          strict=True))
        rows += [("networkx 3 (Louvain)", "build weighted graph", other["build"], None, None),
                 ("", "connected_components", other["cc"], other["components"], None),
                 ("", "louvain_communities", other["louvain"], len(other["clusters"]),
                  recovered(other["clusters"], groups)),
                 ("", "total", total, None, None)]
    print(f"{'tool':32} {'step':42} {'wall s':>8} {'CPU s':>8} {'clusters':>9} "
          f"{'groups found':>12}")
    for tool, step, (wall, cpu), count, share in rows:
        print(f"{tool:32} {step:42} {wall:8.2f} {cpu:8.2f} "
              f"{'' if count is None else f'{count:,}':>9} "
              f"{'' if share is None else f'{share:.1%}':>12}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

