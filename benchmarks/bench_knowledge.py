"""Entity import at ATT&CK enterprise size and entity search, on SQLite and PostgreSQL.

Run: .venv/bin/python benchmarks/bench_knowledge.py [--copies N] [--postgres URL]

The bundle is ATT&CK for ICS 18.1 (tests/fixtures/ext, gzipped) copied N times with fresh ids
(relationships point at their copy's objects), so entities, relationships and the merging
of same-named rows all grow as in the enterprise matrix (~20k objects at the default 11).
The import runs the job path (decode, land, merge per batch); search times `find_entities`
for a reader of another organisation, which filters every row with the access decision.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_cases import database

from cyberfusion.domain.model import Organisation, OrgKind, Principal, Region, Role
from cyberfusion.services import auth, imports, knowledge, orgs
from cyberfusion.services.context import Context

ICS = (Path(__file__).parents[1] / "tests" / "fixtures" / "ext" / "attack-stix-data"
       / "ics-attack-18.1.json.gz")
QUERIES = ("lock", "dragon", "S0605", "spear", "xyzzy")


@dataclass
class Row:
    """One line of the result table."""

    backend: str
    what: str
    count: int
    seconds: float


def scaled_bundle(copies: int, folder: Path) -> Path:
    """ICS copied `copies` times, every id but markings and MITRE's identity made new."""
    objects: list[dict[str, Any]] = json.loads(gzip.decompress(ICS.read_bytes()))["objects"]
    keep = {o["id"] for o in objects if o["type"] in ("marking-definition", "identity")}
    out: list[dict[str, Any]] = []
    for copy in range(copies):
        ids = {o["id"]: o["id"] if o["id"] in keep else _fresh(o, copy) for o in objects}
        for obj in objects:
            if copy and obj["id"] in keep:
                continue
            item = {**obj, "id": ids[obj["id"]]}
            for end in ("source_ref", "target_ref"):
                if end in item:
                    item[end] = ids.get(item[end], item[end])
            out.append(item)
    path = folder / "attack-scaled.json"
    path.write_text(json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
                                "objects": out}))
    return path


def _fresh(obj: dict[str, Any], copy: int) -> str:
    """A new id of the same type, the same for the same copy and object."""
    seed = f"{copy}/{obj['id']}"
    return f"{obj['type']}--{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"


def members(ctx: Context) -> tuple[Principal, Principal]:
    """An importing hub analyst and a reader in another country."""
    found = []
    for org in (Organisation("hub", "Hub", OrgKind.HUB, timezone="UTC"),
                Organisation("fr-ncb", "FR NCB", OrgKind.NCB, "FR", Region.EUROPE),
                Organisation("fr-cyber", "FR unit", OrgKind.UNIT, "FR", Region.EUROPE,
                             "fr-ncb")):
        orgs.create_org(ctx, None, org)
        user = orgs.create_user(ctx, None, f"{org.id}.analyst", org.id,
                                frozenset({Role.ANALYST}), "bench-password-1")
        with ctx.db.read() as tx:
            found.append(auth.principal_for(tx, user))
    return found[0], found[2]


def measure(ctx: Context, backend: str, path: Path, objects: int) -> list[Row]:
    """Import once, then time each search query (best of three)."""
    hub, reader = members(ctx)
    started = time.perf_counter()
    job = imports.submit_path(ctx, hub, path, imports.ImportOptions(tlp="amber"))
    done = imports.run(ctx, job.id)
    assert done is not None and done.status == "done", done
    rows = [Row(backend, "import (objects)", objects, time.perf_counter() - started)]
    with ctx.db.read() as tx:
        rows.append(Row(backend, "entity rows kept", tx.entities.count(), 0.0))
        rows.append(Row(backend, "entities after merging", tx.entities.count_canonical(), 0.0))
    for query in QUERIES:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            found = knowledge.find_entities(ctx, reader, query, 10)
            best = min(best, time.perf_counter() - started)
        rows.append(Row(backend, f"find_entities {query!r}", len(found), best))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=11, help="copies of ATT&CK for ICS")
    parser.add_argument("--postgres", default=os.environ.get("CYBERFUSION_TEST_POSTGRES"))
    args = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = scaled_bundle(args.copies, Path(tmp))
        objects = len(json.loads(path.read_text())["objects"])
        for backend in ["sqlite"] + (["postgresql"] if args.postgres else []):
            with database(backend, args.postgres) as ctx:
                rows += measure(ctx, backend, path, objects)
    print_table(rows)
    return 0


def print_table(rows: list[Row]) -> None:
    """The result table (figures quoted in docs come from here)."""
    head = f"{'backend':<11} {'measure':<28} {'count':>8} {'ms':>9} {'objects/s':>10}"
    print(head)
    print("-" * len(head))
    for r in rows:
        rate = f"{r.count / r.seconds:>10.0f}" if r.what.startswith("import") else f"{'':>10}"
        print(f"{r.backend:<11} {r.what:<28} {r.count:>8} {r.seconds * 1000:>9.1f} {rate}")


if __name__ == "__main__":
    sys.exit(main())
