"""Ingest of a generated STIX 2.1 bundle into SQLite and PostgreSQL, beside stix2.parse.

Run: .venv/bin/python benchmarks/bench_ingest.py [--objects 1000000] [--postgres URL]

Each backend runs in a child process (so its peak RSS is its own): it records an import
job for the bundle and lands it through the real import path (decode, handling, source
objects kept as given, cases from reports, observables, audit). The peer, `stix2.parse`,
parses a sample of the same objects; its rate is extrapolated per object. A last row,
the floor, times only parsing each object and keeping it as one SQLite row: no ingest that
keeps every object can beat it on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from stix_bundle import write_bundle

CACHE = Path(tempfile.gettempdir()) / "cyberfusion-bench"


def bundle_for(count: int) -> Path:
    """A cached bundle of `count` objects."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"bundle-{count}.json"
    if not path.exists():
        write_bundle(path, count)
    return path


def child(backend: str, path: Path, url: str) -> dict[str, object]:
    """Land the bundle on one backend; report time, counts and peak RSS."""
    from cyberfusion.config import Settings
    from cyberfusion.domain.model import Organisation, OrgKind, Role
    from cyberfusion.services import auth, imports
    from cyberfusion.services.context import build_context
    from cyberfusion.store import schema

    with tempfile.TemporaryDirectory() as tmp:
        ctx = build_context(Settings(database_url=url or f"sqlite:///{tmp}/bench.db",
                                     data_dir=Path(tmp), warninglists=False), True)
        schema.upgrade(ctx.db)
        now = ctx.now()
        with ctx.db.write() as tx:
            tx.orgs.add(Organisation("bench", "Bench", OrgKind.UNIT, "FR"), now)
            user = tx.users.add("bench", "bench", frozenset({Role.ANALYST}), "x", now)
            principal = auth.principal_for(tx, user)
        job = imports.submit_path(ctx, principal, path, imports.ImportOptions())
        started = time.perf_counter()
        done = imports.run(ctx, job.id)
        seconds = time.perf_counter() - started
        assert done is not None, "the job did not run"
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"backend": backend, "seconds": seconds, "status": done.status,
                "error": done.error, "counts": done.counts, "rss_mb": rss,
                "bytes": done.size_bytes}


def peer(path: Path, sample: int) -> float:
    """stix2.parse objects per second on the first `sample` objects of the bundle."""
    import ijson  # type: ignore[import-untyped]
    import stix2

    # Only the sample is read, streamed: loading the whole bundle is not what is timed.
    with path.open("rb") as handle:
        objs = list(islice(ijson.items(handle, "objects.item", use_float=True), sample))
    started = time.perf_counter()
    for obj in objs:
        stix2.parse(obj, allow_custom=True)
    return len(objs) / (time.perf_counter() - started)


def floor(path: Path) -> float:
    """Objects per second of the least any ingest that keeps every object must do.

    Parse each object (ijson, as imports do), serialise it back (orjson) and insert it
    as one row of a table with a single unique index on its id, in 5,000-row transactions:
    no handling, versions, observables, cases or audit. Our rate is bounded by this one.
    """
    import sqlite3

    import ijson  # type: ignore[import-untyped]
    import orjson

    from cyberfusion.store.db import SQLiteTuning

    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "floor.db")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        cache_kib = SQLiteTuning().cache_mb * 1024  # the store's default page cache
        conn.execute(f"PRAGMA cache_size={-cache_kib:d}")
        conn.execute("CREATE TABLE kept (id INTEGER PRIMARY KEY, ref TEXT UNIQUE, body TEXT)")
        insert, count, rows = "INSERT INTO kept (ref, body) VALUES (?, ?)", 0, []
        started = time.perf_counter()
        with path.open("rb") as handle:
            for obj in ijson.items(handle, "objects.item", use_float=True, buf_size=1 << 16):
                rows.append((obj["id"], orjson.dumps(obj).decode()))
                if len(rows) == 5000:
                    count += len(rows)
                    conn.executemany(insert, rows)
                    conn.commit()
                    rows = []
        conn.executemany(insert, rows)
        conn.commit()
        seconds = time.perf_counter() - started
        conn.close()
    return (count + len(rows)) / seconds


def pg_schema_url(base: str) -> tuple[str, str]:
    """A throw-away schema on the given PostgreSQL database."""
    from sqlalchemy import create_engine, text

    name = f"bench_{uuid.uuid4().hex[:10]}"
    with create_engine(base).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{name}", name


def drop_schema(base: str, name: str) -> None:
    """Remove the throw-away schema."""
    from sqlalchemy import create_engine, text

    with create_engine(base).begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))


def run_child(backend: str, path: Path, url: str) -> dict[str, object]:
    """Run one backend in a fresh interpreter and read its JSON result."""
    out = subprocess.run([sys.executable, __file__, "--child", backend, "--file", str(path),
                          "--url", url], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{backend} failed:\n{out.stderr[-3000:]}")
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("CYBERFUSION_TEST_POSTGRES"))
    parser.add_argument("--peer-sample", type=int, default=20_000)
    parser.add_argument("--child"), parser.add_argument("--file"), parser.add_argument("--url")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, Path(args.file), args.url or "")))
        return 0
    path = bundle_for(args.objects)
    rows = [run_child("sqlite", path, "")]
    if args.postgres:
        url, name = pg_schema_url(args.postgres)
        try:
            rows.append(run_child("postgresql", path, url))
        finally:
            drop_schema(args.postgres, name)
    print_table(rows, args.objects, path.stat().st_size, peer(path, args.peer_sample),
                floor(path))
    return 0


def print_table(rows: list[dict[str, object]], objects: int, size: int, peer_rate: float,
                floor_rate: float) -> None:
    """The result table (figures quoted in docs come from here)."""
    print(f"bundle: {objects:,} objects, {size / 1e6:,.0f} MB")
    head = f"{'system':<28} {'seconds':>8} {'objects/s':>10} {'MB/s':>7} {'peak RSS MB':>12} " \
           f"{'vs stix2':>9}"
    print(head)
    print("-" * len(head))
    for r in rows:
        secs = float(str(r["seconds"]))
        rate = objects / secs
        print(f"{'cyberfusion ingest ' + str(r['backend']):<28} {secs:>8.1f} {rate:>10,.0f} "
              f"{size / 1e6 / secs:>7.1f} {float(str(r['rss_mb'])):>12.0f} "
              f"{rate / peer_rate:>8.1f}x")
        print(f"  status {r['status']} counts {r['counts']} {r['error'] or ''}")
    print(f"{'stix2.parse (sample, no DB)':<28} {'':>8} {peer_rate:>10,.0f}")
    print(f"{'floor: parse + keep as rows':<28} {objects / floor_rate:>8.1f} {floor_rate:>10,.0f} "
          f"{size / 1e6 * floor_rate / objects:>7.1f} {'':>12} {floor_rate / peer_rate:>8.1f}x")
    print("  (floor: ijson parse, orjson dump, one SQLite row per object with one unique index;"
          " no domain work)")


if __name__ == "__main__":
    sys.exit(main())
