"""Networks on SQLite and PostgreSQL: full and incremental runs, stable ids, viewer views,
exports."""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx
import pytest
from stix2validator import ValidationOptions, validate_string
from worlds import World, build_world, case_doc

from cyberfusion.errors import NotFound
from cyberfusion.formats.case_json import parse_case
from cyberfusion.jobs import networks as job
from cyberfusion.services import cases, network_exports, networks
from cyberfusion.services.context import Context

WALLETS = ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
           "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"]


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def add(world: World, org: str, title: str, values: list[tuple[str, str]],
        **handling: Any) -> int:
    doc = {**case_doc(title=title, **handling),
           "observables": [{"type": t, "value": v, "role": "r"} for t, v in values]}
    return cases.create_case(world.ctx, world.principals[org],
                             parse_case(doc, world.ctx.now().date(), 5)).id


def ring(world: World, release: list[str] | None = None) -> list[int]:
    """Four cases of three owners tied by two wallets and a C2 address."""
    release = release or ["members"]
    w0, w1 = ("btc_wallet", WALLETS[0]), ("btc_wallet", WALLETS[1])
    c2 = ("ipv4", "185.220.101.4")
    return [add(world, "fr-cyber", "fr one", [w0, c2], release=release),
            add(world, "de-cyber", "de one", [w0, w1], release=release),
            add(world, "br-cyber", "br one", [w1, c2], release=release),
            add(world, "fr-cyber", "fr two", [w0, ("domain", "pay-ransom.example")],
                release=release)]


def clusters(ctx: Context) -> dict[str, frozenset[int]]:
    with ctx.db.read() as tx:
        return tx.networks.live_clusters()


def test_full_then_incremental_keeps_ids_and_grows(world: World) -> None:
    ctx = world.ctx
    members = ring(world)
    add(world, "de-cyber", "unrelated", [("sha256", "a" * 64)])
    report = networks.recompute(ctx)
    assert report is not None and report.kind == "full" and report.clusters == 1
    [(cid, found)] = clusters(ctx).items()
    assert found == frozenset(members)
    assert networks.recompute(ctx) is None  # nothing changed
    newcomer = add(world, "de-cyber", "newcomer", [("ipv4", "185.220.101.4")])
    report = job.run_once(ctx)
    assert report is not None and report.kind == "incremental" and report.kept == 1
    assert clusters(ctx) == {cid: frozenset([*members, newcomer])}


def test_a_common_value_stops_linking_when_it_passes_the_limit(world: World) -> None:
    ctx = world.ctx
    a = add(world, "fr-cyber", "a", [("domain", "shared.example")])
    b = add(world, "de-cyber", "b", [("domain", "shared.example")])
    networks.recompute(ctx)
    assert list(clusters(ctx).values()) == [frozenset({a, b})]
    networks.configure(ctx, None, max_cases=2, resolution=0.05)
    add(world, "br-cyber", "c", [("domain", "shared.example")])
    report = networks.recompute(ctx, full=True)
    assert report is not None and report.dissolved == 1 and clusters(ctx) == {}


def test_a_withdrawn_case_leaves_its_network_at_the_next_run(world: World) -> None:
    ctx = world.ctx
    a = add(world, "fr-cyber", "a", [("domain", "shared.example")])
    b = add(world, "de-cyber", "b", [("domain", "shared.example")])
    c = add(world, "br-cyber", "c", [("domain", "shared.example")])
    networks.recompute(ctx)
    assert list(clusters(ctx).values()) == [frozenset({a, b, c})]
    cases.revoke_case(ctx, world.principals["fr-cyber"], a, "sent in error")
    report = networks.recompute(ctx)
    assert report is not None and report.kind == "incremental"
    assert list(clusters(ctx).values()) == [frozenset({b, c})]


def test_incremental_equals_full(world: World) -> None:
    ctx = world.ctx
    ring(world)
    networks.recompute(ctx)
    add(world, "br-cyber", "bridge", [("ipv4", "185.220.101.4"), ("sha1", "b" * 40)])
    add(world, "de-cyber", "tail", [("sha1", "b" * 40)])
    networks.recompute(ctx)
    incremental = set(clusters(ctx).values())
    networks.recompute(ctx, full=True)
    assert set(clusters(ctx).values()) == incremental


def test_viewers_see_only_readable_cases_and_count_only_hit_cases(world: World) -> None:
    ctx = world.ctx
    w0, c2 = ("btc_wallet", WALLETS[0]), ("ipv4", "185.220.101.4")
    a = add(world, "fr-cyber", "fr open", [w0, c2], release=["members"])
    b = add(world, "de-cyber", "de open", [w0], release=["members"])
    add(world, "br-cyber", "br hit only", [c2], release=["country:BR"], hit_policy="hit")
    add(world, "br-cyber", "br silent", [w0], release=["country:BR"], hit_policy="silent")
    networks.recompute(ctx)
    [seen], total = networks.list_networks(ctx, world.principals["de-cyber"])
    assert total == 1 and (seen.cases, seen.more, seen.owners) == (2, 1, ("br-cyber",))
    detail = networks.network_detail(ctx, world.principals["de-cyber"], seen.ref)
    assert [c.id for c in detail.cases] == [a, b]
    assert {(v.value, v.readable, v.others) for v in detail.values} == {
        (WALLETS[0], 2, 0), ("185.220.101.4", 1, 1)}
    assert "br silent" not in json.dumps(network_exports.graph(
        ctx, world.principals["de-cyber"], seen.ref))
    with pytest.raises(NotFound):
        networks.network_detail(ctx, world.principals["acme-sec"], seen.ref)


def test_weak_links_come_from_keys_the_network_run_indexes(world: World) -> None:
    ctx = world.ctx
    w0 = ("btc_wallet", WALLETS[0])
    site = add(world, "fr-cyber", "pay site", [w0, ("url", "http://pay.ransom-desk.net/a")])
    add(world, "de-cyber", "pay wallet", [w0])
    networks.recompute(ctx)
    [item], _ = networks.list_networks(ctx, world.principals["fr-cyber"])
    late = add(world, "de-cyber", "same desk", [("url", "https://login.ransom-desk.net/b")])
    before = networks.network_detail(ctx, world.principals["fr-cyber"], item.ref).weak
    assert all(late not in (w.case_id, w.other_case_id) for w in before)  # not indexed yet
    networks.recompute(ctx)
    after = networks.network_detail(ctx, world.principals["fr-cyber"], item.ref).weak
    assert (site, late, "ransom-desk.net", "registered_domain") in {
        (w.case_id, w.other_case_id, w.value, w.via) for w in after}


def test_a_hidden_link_splits_the_view_into_unrelated_names(world: World) -> None:
    ctx = world.ctx
    left = add(world, "fr-cyber", "left", [("btc_wallet", WALLETS[0])])
    add(world, "br-cyber", "silent middle", [("btc_wallet", WALLETS[0]),
                                             ("btc_wallet", WALLETS[1])],
        release=["country:BR"], hit_policy="silent")
    add(world, "de-cyber", "right", [("btc_wallet", WALLETS[1]), ("sha1", "c" * 40)])
    right2 = add(world, "de-cyber", "right two", [("sha1", "c" * 40)])
    networks.recompute(ctx)
    assert len(clusters(ctx)) == 1
    items, total = networks.list_networks(ctx, world.principals["fr-cyber"])
    assert total == 1 and items[0].cases == 2  # the left case alone is no network
    assert networks.network_detail(ctx, world.principals["fr-cyber"], items[0].ref).cases[0]\
        .id != left
    assert items[0].ref.startswith(f"n{right2 - 1}-")


def test_exports_hold_readable_cases_only_and_validate(world: World) -> None:
    ctx = world.ctx
    members = ring(world)
    add(world, "br-cyber", "br hidden", [("btc_wallet", WALLETS[0])], tlp="red",
        release=["org:br-cyber"], hit_policy="hit")
    networks.recompute(ctx)
    de = world.principals["de-cyber"]
    [seen], _ = networks.list_networks(ctx, de)
    bundle = network_exports.export_stix(ctx, de, seen.ref)
    result = validate_string(json.dumps(bundle), ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for r in result.object_results for e in r.errors][:5]
    [grouping] = [o for o in bundle["objects"] if o["type"] == "grouping"]
    reports = [o for o in bundle["objects"] if o["type"] == "report"]
    assert sorted(grouping["object_refs"]) == sorted(r["id"] for r in reports)
    assert sorted(r["name"] for r in reports) == sorted(["fr one", "de one", "br one",
                                                         "fr two"])
    graph = nx.read_graphml(io.StringIO(network_exports.export_graphml(ctx, de, seen.ref)))
    assert sorted(graph.nodes) == sorted(f"case-{m}" for m in members)
    assert "br hidden" not in json.dumps(bundle)
