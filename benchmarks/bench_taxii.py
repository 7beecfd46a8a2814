"""TAXII 2.1 paging GET throughput over loopback HTTP: our server for a reader who may read
everything and one (a partner) who may read 10%, and medallion 3.0 (memory backend) on the
same 2,000 objects in the same run.

Run: .venv/bin/python benchmarks/bench_taxii.py [--objects N] [--page 1000]

Objects are kept STIX attack-patterns outside cases (SQLite, in a temporary folder), 10% of
them also released to the partner; each reader walks a collection with `limit` and `next`
(a `requests` session with keep-alive, Bearer token). medallion gets the 2,000 objects
through its own add-objects endpoint and is walked the same way (HTTP Basic).
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
import uvicorn

from cyberfusion.config import Settings
from cyberfusion.domain.gateway import AgreementDraft, DataCategory, Direction
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.imports import SourceObject
from cyberfusion.domain.model import Organisation, OrgKind, Region, Role
from cyberfusion.domain.taxii import MEDIA_TAXII
from cyberfusion.services import auth, orgs
from cyberfusion.services.context import Context, build_context
from cyberfusion.store import schema
from cyberfusion.web.app import create_app

NOW = datetime.now(UTC)
ORGS = [Organisation("fr-cyber", "FR NCB", OrgKind.NCB, "FR", Region.EUROPE),
        Organisation("de-cyber", "DE NCB", OrgKind.NCB, "DE", Region.EUROPE),
        Organisation("acme", "Acme Security", OrgKind.PARTNER)]
COMPARED = 2000


def technique(index: int) -> dict[str, Any]:
    """A STIX attack-pattern with a stable id."""
    stamp = "2026-01-01T00:00:00.000Z"
    return {"type": "attack-pattern", "spec_version": "2.1",
            "id": f"attack-pattern--{uuid.uuid5(uuid.NAMESPACE_URL, str(index))}",
            "created": stamp, "modified": stamp, "name": f"technique {index}"}


def partner_agreement(partner: str, today: date) -> AgreementDraft:
    """A Gateway agreement letting the partner receive everything but personal data."""
    both = {c: Direction.BOTH for c in DataCategory if c is not DataCategory.PERSONAL_DATA}
    return AgreementDraft(f"GW-{partner}", partner, today - timedelta(days=1),
                          today + timedelta(days=365), both, contact="bench")


def world(folder: Path, count: int) -> tuple[Context, dict[str, str]]:
    """A database holding `count` objects of fr-cyber; a token per reader."""
    settings = Settings(database_url=f"sqlite:///{folder / 'bench.db'}", data_dir=folder,
                        warninglists=False, import_workers=0)
    ctx = build_context(settings, fast_hashing=True)
    schema.upgrade(ctx.db)
    tokens = {}
    for org in ORGS:
        orgs.create_org(ctx, None, org)
        user = orgs.create_user(ctx, None, f"{org.id}.reader", org.id,
                                frozenset({Role.READER}), "bench-password-1")
        with ctx.db.read() as tx:
            tokens[org.id] = auth.issue_token(ctx, auth.principal_for(tx, user), "bench",
                                              frozenset({"read"})).secret
    review = NOW.date() + timedelta(days=365)
    with ctx.db.write() as tx:
        tx.agreements.add(partner_agreement("acme", NOW.date()), NOW)
        wide = tx.handlings.add("fr-cyber", Handling(TLP.GREEN, frozenset({"members"}), review))
        shared = tx.handlings.add("fr-cyber", Handling(TLP.GREEN, frozenset({"members"}),
                                                       review, partners=frozenset({"acme"})))
    for start in range(0, count, 20_000):
        with ctx.db.write() as tx:
            items = [(SourceObject(str(b["id"]), b["type"], NOW, False, b),
                      shared if i % 10 == 0 else wide)
                     for i in range(start, min(count, start + 20_000)) for b in [technique(i)]]
            tx.source_objects.upsert_many("fr-cyber", items, None, NOW)
    return ctx, tokens


@contextmanager
def serving(app: Any, port: int) -> Iterator[str]:
    """Our app under uvicorn on loopback."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def walk(session: requests.Session, url: str, page: int) -> tuple[int, float]:
    """Objects seen and seconds taken walking every page of a collection."""
    seen, params = 0, {"limit": str(page)}
    started = time.perf_counter()
    while True:
        body = session.get(url, params=params, timeout=600).json()
        seen += len(body.get("objects", []))
        if not body.get("more"):
            return seen, time.perf_counter() - started
        params = {"limit": str(page), "next": body["next"]}


def ours(base: str, token: str, page: int) -> tuple[int, float]:
    """Walk the caller's 'all' collection."""
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {token}", "Accept": MEDIA_TAXII})
    found = session.get(f"{base}/taxii2/pool/collections/", timeout=60).json()["collections"]
    everything = next(c for c in found if c["alias"] == "all")
    return walk(session, f"{base}/taxii2/pool/collections/{everything['id']}/objects/", page)


def medallion_walk(folder: Path, port: int, page: int) -> tuple[int, float]:
    """Load 2,000 objects into medallion through its add endpoint, then walk them."""
    from medallion import application_instance, register_blueprints, set_config
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    collection = str(uuid.uuid4())
    data = {"/discovery": {"title": "bench", "api_roots": [f"http://127.0.0.1:{port}/api1/"]},
            "api1": {"information": {"title": "api1", "versions": [MEDIA_TAXII],
                                     "max_content_length": 100_000_000},
                     "status": [], "collections": [{
                         "id": collection, "title": "bench", "can_read": True,
                         "can_write": True, "media_types": [], "objects": [],
                         "manifest": []}]}}
    (folder / "medallion.json").write_text(json.dumps(data))
    config = {"backend": {"module": "medallion.backends.memory_backend",
                          "module_class": "MemoryBackend",
                          "filename": str(folder / "medallion.json")},
              "users": {"bench": "bench-pass"}, "taxii": {"max_page_size": page}}
    for name in ("users", "taxii", "backend"):
        set_config(application_instance, name, config)
    register_blueprints(application_instance)
    server = make_server("127.0.0.1", port, application_instance, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    session = requests.Session()
    session.auth = ("bench", "bench-pass")
    session.headers.update({"Accept": MEDIA_TAXII, "Content-Type": MEDIA_TAXII})
    url = f"http://127.0.0.1:{port}/api1/collections/{collection}/objects/"
    body = json.dumps({"objects": [technique(i) for i in range(COMPARED)]})
    session.post(url, data=body, timeout=600).raise_for_status()
    try:
        return walk(session, url, page)
    finally:
        server.shutdown()


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--page", type=int, default=1000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in (args.objects, COMPARED):
            folder = Path(tmp) / str(count)
            folder.mkdir()
            ctx, tokens = world(folder, count)
            with serving(create_app(ctx), 18_000 + count % 1000) as base:
                for who, label in (("de-cyber", "reads all"), ("acme", "reads 10%")):
                    seen, took = ours(base, tokens[who], args.page)
                    rows.append(("cyberfusion", count, label, seen, took))
            ctx.db.dispose()
        seen, took = medallion_walk(Path(tmp), 18_999, args.page)
        rows.append(("medallion 3.0.0", COMPARED, "reads all", seen, took))
    print(f"{'server':<16} {'pool':>8} {'reader':<10} {'objects':>8} {'seconds':>8} "
          f"{'objects/s':>10}")
    for server, pool, label, seen, took in rows:
        print(f"{server:<16} {pool:>8} {label:<10} {seen:>8} {took:>8.2f} "
              f"{seen / took:>10.0f}")


if __name__ == "__main__":
    main()
