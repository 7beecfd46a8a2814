"""Access property suite: on random worlds, the SQL form agrees with `decide()`, and no read
path (list, get, search, count, autocomplete, export, pages) returns or counts what it denies.

Runs CYBERFUSION_ACCESS_EXAMPLES worlds (default 200); raise it for a longer run.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from access_worlds import POOL, WorldSpec, client_of, store_world, worlds
from conftest import NOW
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cyberfusion.domain.access import Access
from cyberfusion.domain.model import CaseFilter, Organisation, Role
from cyberfusion.services import auth, misp_feed
from cyberfusion.services.context import Context
from cyberfusion.store.access_sql import level_expr
from cyberfusion.store.tables import HandlingRow

EXAMPLES = int(os.environ.get("CYBERFUSION_ACCESS_EXAMPLES", "200"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


def sql_levels(ctx: Context, org: Organisation) -> dict[int, str]:
    """handling id -> level according to the SQL form."""
    with ctx.db.read() as tx:
        rows = tx.session.execute(select(HandlingRow.id, level_expr(org, NOW)))
        return dict(rows.all())


@given(data=st.data())
@SETTINGS
def test_sql_form_agrees_with_decide(fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(worlds(NOW.date()))
    store_world(ctx, world)
    for org in world.orgs:
        levels = sql_levels(ctx, org)
        for i, hid in enumerate(world.handling_ids):
            assert levels[hid] == world.access(org, i, NOW).value, (org.id, world.cases[i])


class Expect:
    """What a viewer may see of a world, computed with `decide()` only."""

    def __init__(self, world: WorldSpec, viewer: Organisation) -> None:
        self.world = world
        self.viewer = viewer
        self.levels = [world.access(viewer, i, NOW) for i in range(len(world.cases))]
        live = [i for i, s in enumerate(world.cases) if not s.revoked]
        self.full = {world.case_ids[i] for i in live if self.levels[i] is Access.FULL}
        self.readable = {world.case_ids[i] for i, lv in enumerate(self.levels)
                         if lv is Access.FULL}
        self.hidden_titles = [world.cases[i].title for i, lv in enumerate(self.levels)
                              if lv is not Access.FULL]

    def holders(self, value: int, level: Access) -> list[int]:
        """Indexes of live cases holding POOL[value] at `level`."""
        return [i for i, s in enumerate(self.world.cases)
                if not s.revoked and value in s.values and self.levels[i] is level]


def client_for(ctx: Context, viewer: Organisation) -> tuple[TestClient, dict[str, str]]:
    """An in-process client with a bearer token and a web session for the viewer."""
    with ctx.db.write() as tx:
        user = tx.users.add(f"{viewer.id}.viewer", viewer.id,
                            frozenset({Role.ANALYST, Role.AUDITOR}), "unused-hash", NOW)
        principal = auth.principal_for(tx, user)
    token = auth.issue_token(ctx, principal, "t", frozenset({"read"})).secret
    client = client_of(ctx, auth.start_session(ctx, user).cookie)
    return client, {"Authorization": f"Bearer {token}"}


@given(data=st.data())
@SETTINGS
def test_no_read_path_leaks(fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(worlds(NOW.date()))
    store_world(ctx, world)
    viewer = data.draw(st.sampled_from(world.orgs))
    expect = Expect(world, viewer)
    client, headers = client_for(ctx, viewer)
    check_lists_and_counts(client, headers, expect)
    check_gets(client, headers, world, expect)
    check_search(client, headers, world, expect)
    check_pages(client, expect)
    check_misp_feed(ctx, expect)


def check_misp_feed(ctx: Context, expect: Expect) -> None:
    """The MISP feed folder holds one event per readable case and nothing else."""
    with ctx.db.read() as tx:
        user = tx.users.by_username(f"{expect.viewer.id}.viewer")
        assert user is not None
        principal = auth.principal_for(tx, user)
    with tempfile.TemporaryDirectory() as folder:
        misp_feed.write_folder(ctx, principal, CaseFilter(), Path(folder))
        manifest = json.loads((Path(folder) / "manifest.json").read_text())
    titles = [expect.world.cases[i].title for i, cid in enumerate(expect.world.case_ids)
              if cid in expect.full]
    assert sorted(entry["info"] for entry in manifest.values()) == sorted(titles)


def check_lists_and_counts(client: TestClient, h: dict[str, str], expect: Expect) -> None:
    listed = client.get("/api/v1/cases", params={"limit": 500}, headers=h).json()
    assert {c["id"] for c in listed["items"]} == expect.full
    assert listed["total"] == len(expect.full)
    texts = client.get("/api/v1/cases", params={"q": "zq"}, headers=h).json()
    assert {c["id"] for c in texts["items"]} == expect.full
    stats = client.get("/api/v1/stats", headers=h).json()
    assert stats["cases"] == len(expect.full)
    held = sum(len(s.values) for i, s in enumerate(expect.world.cases)
               if expect.world.case_ids[i] in expect.full)
    assert stats["occurrences"] == held
    own = {expect.world.case_ids[i] for i, s in enumerate(expect.world.cases)
           if s.owner == expect.viewer.id and not s.revoked}
    due = client.get("/api/v1/reviews", params={"within_days": 3650}, headers=h).json()
    assert {c["id"] for c in due["items"]} == own
    lines = [json.loads(ln) for ln in
             client.get("/api/v1/export/cases", headers=h).text.splitlines()]
    assert {ln["id"] for ln in lines if ln["kind"] == "case"} == expect.full
    check_export_walk(client, h, expect)
    check_exports(client, h, expect)


def check_export_walk(client: TestClient, h: dict[str, str], expect: Expect) -> None:
    """Export pages of three, walked by their `next` cursors, give each readable case once."""
    seen: list[int] = []
    params = {"limit": "3"}
    while True:
        response = client.get("/api/v1/export/cases", params=params, headers=h)
        seen += [json.loads(ln)["id"] for ln in response.text.splitlines()
                 if json.loads(ln)["kind"] == "case"]
        if "x-next-cursor" not in response.headers:
            break
        params["after"] = response.headers["x-next-cursor"]
    assert sorted(seen) == sorted(expect.full)


def check_exports(client: TestClient, h: dict[str, str], expect: Expect) -> None:
    """Every export format carries the readable titles and none of the hidden ones."""
    shown = {expect.world.cases[i].title for i, cid in enumerate(expect.world.case_ids)
             if cid in expect.full}
    for fmt in ("stix21", "misp", "csv"):
        body = client.get("/api/v1/export/cases", params={"format": fmt}, headers=h).text
        assert all(title in body for title in shown), fmt
        assert not [t for t in expect.hidden_titles if t in body], fmt


def check_gets(client: TestClient, h: dict[str, str], world: WorldSpec, expect: Expect) -> None:
    for case_id in world.case_ids:
        wanted = 200 if case_id in expect.readable else 404
        for suffix in ("", "/access", "/versions"):
            got = client.get(f"/api/v1/cases/{case_id}{suffix}", headers=h)
            assert got.status_code == wanted, (case_id, suffix)


def check_search(client: TestClient, h: dict[str, str], world: WorldSpec, expect: Expect) -> None:
    for v, obs in enumerate(POOL):
        answer = client.get("/api/v1/search", params={"value": obs.value, "type": obs.type.value},
                            headers=h).json()
        assert set(answer) == {"query", "cases", "hits"}
        full = {world.case_ids[i] for i in expect.holders(v, Access.FULL)}
        assert {c["id"] for c in answer["cases"]} == full
        hit_owners = {world.cases[i].owner for i in expect.holders(v, Access.HIT)}
        assert {x["owner"] for x in answer["hits"]} == hit_owners
        assert all(set(x) == {"owner", "reference", "message"} for x in answer["hits"])
        done = client.get("/api/v1/autocomplete", params={"prefix": obs.value[:3], "limit": 50},
                          headers=h).json()["items"]
        allowed = {POOL[x].value for i in expect.holders(v, Access.FULL)
                   for x in world.cases[i].values}
        allowed |= {world.cases[i].title for i, s in enumerate(world.cases)
                    if world.case_ids[i] in expect.full}
        visible_here = {obs.value} if expect.holders(v, Access.FULL) else set()
        assert visible_here <= set(done)
        assert set(done) <= allowed | {POOL[x].value for i, s in enumerate(world.cases)
                                       if world.case_ids[i] in expect.full for x in s.values}


def check_pages(client: TestClient, expect: Expect) -> None:
    pages = [client.get("/").text, client.get("/cases").text,
             client.get("/cases", params={"q": "zq"}).text]
    pages += [client.get("/search", params={"value": o.value, "type": o.type.value}).text
              for o in POOL]
    for html in pages:
        for title in expect.hidden_titles:
            assert title not in html
