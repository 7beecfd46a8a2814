"""Access property suite for hits, lookups and networks: on random worlds, no answer, inbox,
list, count, graph, page or export shows the content, id or count of a case `decide()`
hides from the viewer; "more held by others" counts exactly the HIT cases that link in.

Runs CYBERFUSION_HITS_EXAMPLES worlds per backend (default 25); raise it for a longer run.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable, Iterator

import networkx as nx
import pytest
from access_worlds import POOL, WorldSpec, store_world, worlds
from conftest import NOW
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.model import Organisation, Role
from cyberfusion.services import auth, hits, networks
from cyberfusion.services.context import Context
from cyberfusion.web.app import create_app
from cyberfusion.web.deps import SESSION_COOKIE

EXAMPLES = int(os.environ.get("CYBERFUSION_HITS_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture
def fresh(fresh: Callable[[], Context]) -> Iterator[Callable[[], Context]]:
    """The shared factory; the clients built on its context go with it."""
    yield fresh
    _APPS.clear()


class View:
    """What the viewer may see of the world, from `decide()` alone."""

    def __init__(self, world: WorldSpec, viewer: Organisation) -> None:
        self.world, self.viewer = world, viewer
        live = [i for i, s in enumerate(world.cases) if not s.revoked]
        self.level = {world.case_ids[i]: world.access(viewer, i, NOW) for i in live}
        self.full = {c for c, lv in self.level.items() if lv is Access.FULL}
        self.hit = {c for c, lv in self.level.items() if lv is Access.HIT}
        self.hidden_titles = [s.title for i, s in enumerate(world.cases)
                              if world.access(viewer, i, NOW) is not Access.FULL]
        self.values = {world.case_ids[i]: set(s.values) for i, s in enumerate(world.cases)}

    def holders(self, value: int, level: Access) -> set[int]:
        """Live cases holding POOL[value] at `level`."""
        return {c for c, lv in self.level.items() if lv is level and value in self.values[c]}

    def parts(self, clusters: dict[str, frozenset[int]]) -> set[tuple[frozenset[int], int]]:
        """(readable cases, HIT count) of each part, by union-find within each cluster."""
        found = set()
        for members in clusters.values():
            seen = [c for c in members if c in self.full | self.hit]
            group = {c: c for c in seen}
            for a in seen:
                for b in seen:
                    if a < b and self.values[a] & self.values[b] & self._linking(members):
                        group[_root(group, b)] = _root(group, a)
            by_root: dict[int, set[int]] = {}
            for c in seen:
                by_root.setdefault(_root(group, c), set()).add(c)
            for part in by_root.values():
                full = frozenset(part & self.full)
                if full and len(part) > 1:
                    found.add((full, len(part & self.hit)))
        return found

    def _linking(self, members: frozenset[int]) -> set[int]:
        """Values held by two members of the cluster (every pool value links: few holders)."""
        counts: dict[int, int] = {}
        for c in members:
            for v in self.values[c]:
                counts[v] = counts.get(v, 0) + 1
        return {v for v, n in counts.items() if n >= 2}


_APPS: dict[int, TestClient] = {}


def _root(group: dict[int, int], case: int) -> int:
    """The representative of `case` in a union-find forest."""
    while group[case] != case:
        case = group[case]
    return case


def client_for(ctx: Context, viewer: Organisation) -> tuple[TestClient, dict[str, str]]:
    """An in-process client (one app per context) with a token and a session for the viewer."""
    with ctx.db.write() as tx:
        user = tx.users.add(f"{viewer.id}.viewer", viewer.id,
                            frozenset({Role.ANALYST, Role.AUDITOR}), "unused-hash", NOW)
        principal = auth.principal_for(tx, user)
    token = auth.issue_token(ctx, principal, "t", frozenset({"read", "write"})).secret
    client = _APPS.get(id(ctx))
    if client is None:
        client = _APPS[id(ctx)] = TestClient(create_app(ctx))
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, auth.start_session(ctx, user).cookie)
    return client, {"Authorization": f"Bearer {token}"}


def land_in_order(ctx: Context, world: WorldSpec) -> None:
    """Submission hits as if each case had been filed in turn, then the networks."""
    owned: dict[str, list[int]] = {}
    for i, spec in enumerate(world.cases):
        owned.setdefault(spec.owner, []).append(world.case_ids[i])
    with ctx.db.write() as tx:
        for owner, case_ids in owned.items():
            hits.on_cases_landed(tx, ctx, owner, case_ids, older_only=True)
    networks.recompute(ctx, full=True)


@given(data=st.data())
@SETTINGS
def test_hits_lookups_and_networks_leak_nothing(fresh: Callable[[], Context],
                                                data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(worlds(NOW.date()))
    store_world(ctx, world)
    land_in_order(ctx, world)
    viewer = data.draw(st.sampled_from(world.orgs))
    view = View(world, viewer)
    client, headers = client_for(ctx, viewer)
    check_lookup(client, headers, view)
    check_hit_lists(client, headers, view)
    check_networks(ctx, client, headers, view)
    check_pages(client, view)
    check_case_pages(client, headers, view)


def check_lookup(client: TestClient, h: dict[str, str], view: View) -> None:
    body = {"values": [{"type": o.type.value, "value": o.value} for o in POOL] + ["not@@ok"]}
    answers = client.post("/api/v1/lookups", json=body, headers=h).json()["answers"]
    keys = {frozenset(a) for a in answers}
    assert keys == {frozenset({"input", "type", "value", "error", "cases", "hits",
                               "warninglists"})}
    for v, answer in enumerate(answers[:-1]):
        assert {c["id"] for c in answer["cases"]} == view.holders(v, Access.FULL)
        owners = {view.world.cases[view.world.case_ids.index(c)].owner
                  for c in view.holders(v, Access.HIT)}
        assert {x["owner"] for x in answer["hits"]} == owners
        assert len(answer["hits"]) == len(owners)


def check_hit_lists(client: TestClient, h: dict[str, str], view: View) -> None:
    sent = client.get("/api/v1/hits", params={"direction": "outgoing"}, headers=h).json()
    for item in sent["items"]:
        assert item["searcher"] == view.viewer.id and item["answer"] in ("full", "hit")
        assert item["case"] is None or item["case"]["id"] in view.full
    per_line = {(i["owner"], i["value"], i["source_case"]) for i in sent["items"]
                if i["case"] is None}
    assert len(per_line) == len([i for i in sent["items"] if i["case"] is None])
    inbox = client.get("/api/v1/hits/inbox", headers=h).json()
    children = {o.id for o in view.world.orgs if o.parent_id == view.viewer.id}
    for notice in inbox["items"]:
        hit = notice["hit"]
        assert hit["owner"] == view.viewer.id or hit["owner"] in children
        if hit["case"] is not None:
            assert hit["case"]["id"] in view.full
        if hit["owner"] != view.viewer.id and hit["case"] is None:
            assert hit["value"] is None
    incoming = client.get("/api/v1/hits", params={"direction": "incoming"}, headers=h).json()
    assert all(i["owner"] == view.viewer.id for i in incoming["items"])


def check_networks(ctx: Context, client: TestClient, h: dict[str, str], view: View) -> None:
    with ctx.db.read() as tx:
        clusters = tx.networks.live_clusters()
    listed = client.get("/api/v1/networks", params={"limit": 500}, headers=h).json()
    assert listed["total"] == len(listed["items"])
    seen = set()
    for item in listed["items"]:
        detail = client.get(f"/api/v1/networks/{item['ref']}", headers=h).json()
        ids = {c["id"] for c in detail["items"]}
        assert ids <= view.full and item["cases"] == len(ids)
        seen.add((frozenset(ids), item["more_held_by_others"]))
        graph = client.get(f"/api/v1/networks/{item['ref']}/graph", headers=h).json()
        nodes = {int(e["data"]["case"]) for e in graph["elements"] if "case" in e["data"]}
        assert nodes == ids
        export = client.get(f"/api/v1/networks/{item['ref']}/export",
                            params={"format": "graphml"}, headers=h).text
        assert {int(n.split("-")[1]) for n in nx.read_graphml(io.StringIO(export)).nodes} \
            == ids
        stix = client.get(f"/api/v1/networks/{item['ref']}/export", headers=h).text
        for title in view.hidden_titles:
            assert title not in stix and title not in json.dumps(detail)
    assert seen == view.parts(clusters)


def check_pages(client: TestClient, view: View) -> None:
    pages = [client.get(url).text for url in ("/hits", "/hits?tab=sent", "/hits?tab=received",
                                              "/networks")]
    pages += [client.get(f"/networks/{ref}").text for ref in
              re.findall(r'data-network="(n[0-9]+-[0-9a-f]+)"', pages[-1])]
    for html in pages:
        for title in view.hidden_titles:
            assert title not in html
    for html in pages[4:]:  # a network's name is a value one of its readable cases holds
        name = re.search(r'<h1 data-network="[^"]+"><bdi>([^<]*)</bdi>', html)
        readable = {int(c) for c in re.findall(r'<tr data-case="(\d+)">', html)}
        assert name is not None and readable <= view.full
        held = {POOL[v].value[:23] for c in readable for v in view.values[c]}
        assert name.group(1).startswith("n") or any(v in name.group(1) for v in held)


def check_case_pages(client: TestClient, h: dict[str, str], view: View) -> None:
    """What a submission matched names only readable cases and owners of HIT cases; the
    header's unread count is the inbox's; a case says it is read under a grant exactly when
    its handling alone would not admit the viewer."""
    world = view.world
    hit_owners = {world.cases[world.case_ids.index(c)].owner for c in view.hit}
    own = [c for i, c in enumerate(world.case_ids)
           if world.cases[i].owner == view.viewer.id and not world.cases[i].revoked]
    for case_id in own[:3]:
        html = client.get(f"/cases/{case_id}", params={"stored": 1}).text
        feedback = html.split('id="submission-feedback"')[1].split("</section>")[0]
        assert {int(c) for c in re.findall(r'href="/cases/(\d+)"', feedback)} <= view.full
        assert set(re.findall(r'data-held-by="([^"]+)"', feedback)) <= hit_owners
        for title in view.hidden_titles:
            assert title not in html
    others = [i for i, c in enumerate(world.case_ids) if c in view.full
              and world.cases[i].owner != view.viewer.id]
    for i in others[:3]:
        spec = world.cases[i]
        alone = decide(view.viewer, GovernedItem(world.handling_ids[i], spec.owner,
                                                 spec.handling), NOW, [])
        html = client.get(f"/cases/{world.case_ids[i]}").text
        assert ("data-grant-until=" in html) == (alone is not Access.FULL)
    unread = client.get("/api/v1/hits/inbox", params={"unread": "true"}, headers=h).json()
    shown = re.search(r'data-unread="hits">(\d+)<', client.get("/cases").text)
    assert (int(shown.group(1)) if shown else 0) == len(unread["items"])
