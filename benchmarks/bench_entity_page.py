"""An entity page with 10,000 linked cases: how long the server takes to render it.

Run: .venv/bin/python benchmarks/bench_entity_page.py [--cases 10000] [--runs 30]
     [--database-url postgresql+psycopg://…/empty_db]

A fresh SQLite database (or the empty database `--database-url` names) gets a small world
(hub, two units), one ransomware family landed from a STIX bundle, and `--cases` cases
linked to it (a third of them under a handling the reader may not read, so the page also
counts what it withholds). The page is then fetched in-process over HTTP (FastAPI's test
client, a logged-in session) `--runs` times, with the API's entity resource and its linked
cases for comparison. The target (issue 12) is a page in under 300 ms; this prints the
figures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from cyberfusion.config import Settings
from cyberfusion.domain.knowledge import EntityFilter
from cyberfusion.domain.model import Organisation, OrgKind, Principal, Region, Role
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import auth, imports, knowledge, orgs
from cyberfusion.services.context import Context, build_context
from cyberfusion.store import schema
from cyberfusion.store.repositories.cases import NewCase
from cyberfusion.store.repositories.imports import owner_ref
from cyberfusion.store.repositories.knowledge import NewRelationship
from cyberfusion.web.app import create_app

PASSWORD = "bench-password-1"
BATCH = 1000
TARGET_MS = 300.0
FAMILY = "malware--6a5c9fbd-2f73-4f3c-bd6b-7c1e8b3c8d01"


def principals(ctx: Context) -> dict[str, Principal]:
    """Hub, a French and a German unit (with their NCBs), each unit with an analyst."""
    found = {}
    for org in (Organisation("hub", "Hub", OrgKind.HUB),
                Organisation("fr-ncb", "FR NCB", OrgKind.NCB, "FR", Region.EUROPE),
                Organisation("fr-cyber", "FR unit", OrgKind.UNIT, "FR", Region.EUROPE, "fr-ncb"),
                Organisation("de-ncb", "DE NCB", OrgKind.NCB, "DE", Region.EUROPE),
                Organisation("de-cyber", "DE unit", OrgKind.UNIT, "DE", Region.EUROPE,
                             "de-ncb")):
        orgs.create_org(ctx, None, org)
        user = orgs.create_user(ctx, None, f"{org.id}.analyst", org.id,
                                frozenset({Role.ANALYST}), PASSWORD)
        with ctx.db.read() as tx:
            found[org.id] = auth.principal_for(tx, user)
    return found


def land_family(ctx: Context, hub: Principal, folder: Path) -> int:
    """LockBit, from a CLEAR bundle of the hub's; its entity id."""
    path = folder / "family.json"
    path.write_text(json.dumps({"type": "bundle", "id": "bundle--" + FAMILY.split("--")[1],
                                "objects": [{"type": "malware", "spec_version": "2.1",
                                             "id": FAMILY, "name": "LockBit", "is_family": True,
                                             "aliases": ["ABCD ransomware"],
                                             "created": "2026-01-01T00:00:00.000Z",
                                             "modified": "2026-01-01T00:00:00.000Z",
                                             "malware_types": ["ransomware"]}]}))
    job = imports.submit_path(ctx, hub, path, imports.ImportOptions(codec="stix21", tlp="clear"))
    imports.run(ctx, job.id)
    page = knowledge.list_entities(ctx, hub, EntityFilter(text="LockBit"))
    return next(e.id for e in page.items if e.name == "LockBit")


def add_cases(ctx: Context, owner: Principal, count: int) -> list[int]:
    """`count` cases of `owner`: two of three for all members, one of three for its unit."""
    today, now = ctx.now().date(), ctx.now()
    ids: list[int] = []
    for start in range(0, count, BATCH):
        items = []
        for n in range(start, min(count, start + BATCH)):
            release = ["members"] if n % 3 else [f"org:{owner.org_id}"]
            doc = {"title": f"LockBit affiliate case {n}", "crime_type": "ransomware",
                   "countries": ["FR"], "summary": "Encrypted; ransom note left.",
                   "handling": {"tlp": "amber", "release": release},
                   "observables": [{"type": "ipv4", "value": f"10.{n // 65536 % 256}."
                                    f"{n // 256 % 256}.{n % 256}", "role": "c2"}]}
            items.append(NewCase(owner.org_id, parse_case(doc, today, 5),
                                 now - timedelta(minutes=n), owner.user.id))
        with ctx.db.write() as tx:
            ids += tx.cases.add_many(items)
    return ids


def link_all(ctx: Context, owner: Principal, entity_id: int, case_ids: list[int]) -> None:
    """Link every case to the entity as `link_case` would (each link under its case's
    handling), in batches straight through the store: 10,000 service calls add nothing."""
    for start in range(0, len(case_ids), BATCH):
        with ctx.db.write() as tx:
            rows = []
            for case_id in case_ids[start:start + BATCH]:
                case = tx.cases.get(case_id)
                assert case is not None
                rows.append(NewRelationship(
                    owner_ref(owner.org_id, f"link:{case_id}:{entity_id}:related-to"),
                    "related-to", case.handling_id, source_case_id=case_id,
                    target_entity_id=entity_id))
            tx.knowledge.upsert_relationships(rows, ctx.now())


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of each of `runs` calls (after one warm-up call)."""
    fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def log_in(client: TestClient, username: str) -> None:
    """A session through the login form, CSRF token included."""
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token.group(1), "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def fetch(client: TestClient, path: str, headers: dict[str, str] | None = None
          ) -> Callable[[], object]:
    """A GET that must answer 200."""
    def get() -> object:
        response = client.get(path, headers=headers or {})
        assert response.status_code == 200, (path, response.status_code)
        return response
    return get


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default="", help="an empty database (default: "
                        "a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
        ctx = build_context(Settings(database_url=url,
                                     data_dir=folder, warninglists=False, import_workers=0,
                                     sweep_interval_seconds=0), True)
        # A clock of its own keeps the app's background network worker off the measurement.
        ctx = replace(ctx, clock=lambda: datetime.now(UTC))
        schema.upgrade(ctx.db)
        who = principals(ctx)
        started = time.perf_counter()
        entity_id = land_family(ctx, who["hub"], folder)
        case_ids = add_cases(ctx, who["fr-cyber"], args.cases)
        link_all(ctx, who["fr-cyber"], entity_id, case_ids)
        print(f"{len(case_ids):,} cases linked to entity {entity_id} in "
              f"{time.perf_counter() - started:.1f} s")
        token = auth.issue_token(ctx, who["de-cyber"], "bench", frozenset({"read"})).secret
        bearer = {"Authorization": f"Bearer {token}"}
        reader = who["de-cyber"]
        services = [("service entity_detail", timed(
                        lambda: knowledge.entity_detail(ctx, reader, entity_id), args.runs)),
                    ("service entity_graph", timed(
                        lambda: knowledge.entity_graph(ctx, reader, entity_id), args.runs))]
        with TestClient(create_app(ctx)) as client:
            log_in(client, "de-cyber.analyst")
            page = client.get(f"/entities/{entity_id}").text
            shown = re.search(r'data-count="cases">(\d+)<', page)
            rows = [("page GET /entities/{id}", timed(fetch(client, f"/entities/{entity_id}"),
                                                      args.runs)),
                    ("API GET /api/v1/entities/{id}",
                     timed(fetch(client, f"/api/v1/entities/{entity_id}", bearer), args.runs)),
                    ("API GET .../{id}/cases?offset=5000",
                     timed(fetch(client, f"/api/v1/entities/{entity_id}/cases?offset=5000",
                                 bearer), args.runs)), *services]
        ctx.db.dispose()
    print(f"database: {url.split(':', 1)[0]}")
    print(f"reader de-cyber: {shown.group(1) if shown else '?'} readable linked cases shown "
          f"as a total, the rest withheld; {args.runs} runs each")
    print(f"{'request':38} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'< 300 ms':>9}")
    for name, ms in rows:
        p95 = sorted(ms)[max(0, int(len(ms) * 0.95) - 1)]
        print(f"{name:38} {statistics.median(ms):10.1f} {p95:8.1f} {max(ms):8.1f} "
              f"{'yes' if p95 < TARGET_MS else 'NO':>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
