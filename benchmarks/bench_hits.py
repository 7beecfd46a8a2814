"""Hits at scale on SQLite: batch lookup and single-lookup latency over 10M occurrences.

Run: .venv/bin/python benchmarks/bench_hits.py [--occurrences 10000000] [--lookup 100000]
     [--requests 2000] [--db PATH]

1. Build: a migrated SQLite database with 24 organisations and 500,000 cases holding
   `--occurrences` observable occurrences, written straight into the tables with the raw
   sqlite3 driver (`executemany`, one transaction per table, journal off while loading;
   the store's own bulk path, `tx.cases.add_many`, runs at ~35,000 occurrences/s, too
   slow for ten million). Values are canonical ipv4, domain, url, email and sha256; half
   the occurrences draw from a shared pool of a million values (about five cases each),
   half are values seen once. Case handling mixes released, hit-only, silent and RED records.
   `--db PATH` keeps the database and reuses it on the next run, after clearing the hits
   that earlier runs recorded (they would slow every later run down).
2. Batch lookup: `services.lookups.lookup` (what POST /api/v1/lookups and `cyberfusion
   lookup` run) of `--lookup` typed values, 10 % and then 1 % held in the pool: normalise,
   match, record every hit, notify owners, answer per value. Then the same through the
   HTTP API in-process (JSON in and out).
3. Single lookups through the API: GET /api/v1/search over HTTP with a bearer token,
   against the app under uvicorn in its own process (as `cyberfusion serve` runs it), one
   request at a time on a keep-alive connection, alternating held and unheld values;
   p50 / p99 / max latency.

4. Floors: normalisation alone of the same kind of batch, which every batch lookup does
   before it touches the database; and normalising plus probing a bare indexed table of the
   pool's keys with the same batches (issue 17's floor), with each service lookup's ratio
   to it from the same run.

The store's SQLite settings apply (page cache, background checkpoints). Batch lookups run
with the memory map at 2 GB (`sqlite_mmap_mb`, off by default) and again without it;
single lookups run with the defaults (the map made their tail worse, measured).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import socket
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from cyberfusion import collector
from cyberfusion.config import Settings
from cyberfusion.demo.world import build_orgs
from cyberfusion.domain.model import Principal, Role
from cyberfusion.domain.observables import ObservableType
from cyberfusion.services import auth, lookups
from cyberfusion.services.context import Context, build_context
from cyberfusion.store import schema

CASES = 500_000
MMAP_MB = 2048
SHARED = 1_000_000
TYPES = ("ipv4", "domain", "url", "email", "sha256")
TLDS = ("com", "net", "org", "info", "ru", "top", "xyz", "io", "co.uk", "de")
_WORDS = ("pay", "secure", "login", "cloud", "update", "mail", "bank", "crypto", "shop",
          "track", "support", "verify", "portal", "wallet", "invoice", "docs", "cdn", "api")


def key(obs_type: str, value: str) -> str:
    """The observable key (`domain.observables.observable_key`), inlined for speed."""
    return hashlib.sha256(f"{obs_type}\x1f{value}".encode()).hexdigest()[:32]


def value_of(rng: random.Random, obs_type: str, n: int) -> str:
    """A canonical value of `obs_type`, unique per `n`."""
    if obs_type == "ipv4":
        x = (n * 2654435761 + 16777216) % 3707764736 + 16777216
        return f"{x >> 24 & 255}.{x >> 16 & 255}.{x >> 8 & 255}.{x & 255}"
    name = f"{rng.choice(_WORDS)}-{rng.choice(_WORDS)}{n}.{rng.choice(TLDS)}"
    if obs_type == "domain":
        return name
    if obs_type == "url":
        return f"http://{name}/{rng.choice(_WORDS)}/{n % 997}.php"
    if obs_type == "email":
        return f"{rng.choice(_WORDS)}{n % 9973}@{name}"
    return hashlib.sha256(str(n).encode()).hexdigest()


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - started, time.process_time() - cpu


# --- building the pool -----------------------------------------------------------------------


def _handlings(rng: random.Random, orgs: list[Any], review: date) -> Iterator[tuple[Any, ...]]:
    """(owner, tlp, hit policy, release tokens) per case: a realistic mix."""
    public = [o for o in orgs if o.kind.value in ("unit", "ncb")]
    for _ in range(CASES):
        owner = rng.choice(public)
        roll = rng.random()
        if roll < 0.55:
            yield owner.id, "amber", "visible", ("members",)
        elif roll < 0.80:
            yield owner.id, "amber", "hit", (f"country:{owner.country}",)
        elif roll < 0.90:
            yield owner.id, "red", "hit", (f"org:{owner.id}",)
        else:
            yield owner.id, "amber", "silent", (f"country:{owner.country}",)


def build(path: Path, occurrences: int, seed: int) -> dict[str, list[tuple[str, str]]]:
    """Fill the database; return a sample of held values per type (for lookups)."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                       "PRAGMA cache_size=-3000000; PRAGMA temp_store=MEMORY;")
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    orgs = build_orgs()
    conn.executemany("INSERT INTO organisation (id, name, kind, country, region, parent_id, "
                     "timezone, created_at) VALUES (?,?,?,?,?,?,?,?)",
                     [(o.id, o.name, o.kind.value, o.country,
                       o.region.value if o.region else None, o.parent_id, o.timezone, now)
                      for o in orgs])
    review = date.today() + timedelta(days=900)
    handlings = list(_handlings(rng, orgs, review))
    conn.executemany("INSERT INTO handling (id, owner_org_id, tlp, hit_policy, purpose, "
                     "review_by, personal_data) VALUES (?,?,?,?,'investigation',?,0)",
                     [(i + 1, h[0], h[1], h[2], review.isoformat())
                      for i, h in enumerate(handlings)])
    conn.executemany("INSERT INTO handling_token (handling_id, kind, token) "
                     "VALUES (?, 'release', ?)",
                     [(i + 1, t) for i, h in enumerate(handlings) for t in h[3]])
    conn.executemany("INSERT INTO intel_case (id, handling_id, title, crime_type, summary, "
                     "countries, victim_count, victim_sectors, version, revoked, created_at, "
                     "updated_at) VALUES (?,?,?,'ransomware','','',0,'',1,0,?,?)",
                     [(i + 1, i + 1, f"bench case {i + 1}", now, now) for i in range(CASES)])
    conn.commit()
    sample = _fill_values(conn, rng, occurrences)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return sample


def _fill_values(conn: sqlite3.Connection, rng: random.Random,
                 occurrences: int) -> dict[str, list[tuple[str, str]]]:
    """Observables and occurrences: half from a skewed shared pool, half seen once."""
    shared = [(t, value_of(rng, t, n)) for n, t in
              ((n, TYPES[n % len(TYPES)]) for n in range(SHARED))]
    obs_rows: list[tuple[int, str, str, str]] = [
        (i + 1, t, v, key(t, v)) for i, (t, v) in enumerate(shared)]
    occ_rows: list[tuple[int, int]] = []
    next_id, unique = SHARED + 1, SHARED
    per_case = occurrences // CASES
    for case in range(1, CASES + 1):
        held: set[int] = set()
        while len(held) < per_case:
            if rng.random() < 0.5:
                held.add(rng.randrange(1, SHARED + 1))
            else:
                t = TYPES[unique % len(TYPES)]
                v = value_of(rng, t, unique)
                obs_rows.append((next_id, t, v, key(t, v)))
                held.add(next_id)
                next_id, unique = next_id + 1, unique + 1
        occ_rows += [(case, o) for o in held]
    conn.executemany("INSERT INTO observable (id, type, value, key, warninglists) "
                     "VALUES (?,?,?,?,'')", obs_rows)
    conn.executemany("INSERT INTO occurrence (case_id, observable_id, role, comment) "
                     "VALUES (?,?,'','')", occ_rows)
    held_ids = {o for _, o in occ_rows[:: max(1, len(occ_rows) // 400_000)]}
    sample: dict[str, list[tuple[str, str]]] = {t: [] for t in TYPES}
    for row in obs_rows:
        if row[0] in held_ids:
            sample[row[1]].append((row[1], row[2]))
    print(f"  {len(obs_rows):,} observables, {len(occ_rows):,} occurrences")
    return sample


# --- measuring -------------------------------------------------------------------------------


def clear_hits(path: Path) -> None:
    """Forget the hits, queries and notices earlier runs recorded: every run starts alike."""
    conn = sqlite3.connect(path)
    with conn:
        for table in ("hit_notice", "hit", "hit_query"):
            conn.execute(f"DELETE FROM {table}")
    conn.execute("VACUUM")
    conn.close()


def principal(ctx: Context, org_id: str) -> Principal:
    with ctx.db.write() as tx:
        user = tx.users.by_username(f"{org_id}.bench")
        if user is None:
            user = tx.users.add(f"{org_id}.bench", org_id, frozenset({Role.ANALYST}), "x",
                                datetime.now(UTC))
        return auth.principal_for(tx, user)


def lookup_items(rng: random.Random, sample: dict[str, list[tuple[str, str]]], count: int,
                 held_every: int = 10) -> list[tuple[ObservableType | None, str]]:
    """`count` typed values, one in `held_every` held in the pool, the rest new."""
    items: list[tuple[ObservableType | None, str]] = []
    for n in range(count):
        t = TYPES[n % len(TYPES)]
        if n % held_every == 0 and sample[t]:
            items.append((ObservableType(t), rng.choice(sample[t])[1]))
        else:
            items.append((ObservableType(t), value_of(rng, t, 50_000_000 + n)))
    return items


def bench_batch(ctx: Context, who: Principal, sample: dict[str, list[tuple[str, str]]],
                count: int, held_rates: tuple[int, ...] = (10, 100), label: str = "",
                http: bool = True) -> list[tuple[str, ...]]:
    rows = []
    for held_every in held_rates:
        runs = []
        for seed in range(3):  # three fresh batches; the median run is shown
            batch = lookup_items(random.Random(held_every * 10 + seed), sample, count,
                                 held_every)
            answers, wall, cpu = timed(lambda: lookups.lookup(ctx, who, batch))  # noqa: B023
            runs.append((wall, cpu, sum(1 for a in answers
                                        if a.answer and (a.answer.full or a.answer.hits))))
        wall, cpu, matched = sorted(runs)[1]
        rows.append((f"batch, service, {100 // held_every}% held, median of 3{label}",
                     f"{count:,}",
                     f"{wall:.2f} s", f"{cpu:.2f} s", f"{count / wall:,.0f}",
                     f"{matched:,} answered"))
    if not http:
        return rows
    from fastapi.testclient import TestClient

    from cyberfusion.web.app import create_app

    items = lookup_items(random.Random(7), sample, count)
    token = auth.issue_token(ctx, who, "bench", frozenset({"read"})).secret
    body = {"values": [{"type": t.value if t else None, "value": v} for t, v in items]}
    with TestClient(create_app(ctx)) as client:
        response, wall, cpu = timed(lambda: client.post(
            "/api/v1/lookups", json=body, headers={"Authorization": f"Bearer {token}"}))
    assert response.status_code == 200, response.text[:500]
    rows.append(("batch, HTTP API JSON, 10% held", f"{count:,}", f"{wall:.2f} s",
                 f"{cpu:.2f} s", f"{count / wall:,.0f}", "in-process"))
    return rows


def bench_floor(sample: dict[str, list[tuple[str, str]]], count: int) -> tuple[str, ...]:
    """Normalisation alone (`lookups.prepare`) of the 1 % held batches: no query at all.

    Every batch lookup first normalises its values, so its rate is bounded by this one.
    """
    runs = []
    for seed in range(3):
        batch = lookup_items(random.Random(1000 + seed), sample, count, 100)
        with collector.paused():
            _, wall, cpu = timed(lambda: lookups.prepare(batch))  # noqa: B023
        runs.append((wall, cpu))
    wall, cpu = sorted(runs)[1]
    return ("floor: normalisation alone (prepare), 1% held, median", f"{count:,}",
            f"{wall:.2f} s", f"{cpu:.2f} s", f"{count / wall:,.0f}", "no database work")


def bare_table(path: Path, folder: Path) -> Path:
    """A SQLite file with one indexed table holding every observable key of the pool."""
    bare = folder / "bare.db"
    bare.unlink(missing_ok=True)
    conn = sqlite3.connect(bare)
    conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                       "CREATE TABLE bare (key TEXT PRIMARY KEY) WITHOUT ROWID;")
    conn.execute("ATTACH DATABASE ? AS pool", (str(path),))
    conn.execute("INSERT INTO bare SELECT key FROM pool.observable ORDER BY key")
    conn.commit()
    conn.execute("DETACH DATABASE pool")
    conn.close()
    return bare


def bench_probe_floor(sample: dict[str, list[tuple[str, str]]], count: int, bare: Path,
                      held_every: int) -> tuple[tuple[str, ...], float]:
    """The issue's floor: normalise the batch, then probe a bare indexed table of the pool's
    keys with the same values (500 keys a statement), nothing recorded; median of 3."""
    conn = sqlite3.connect(bare)
    conn.execute("PRAGMA cache_size=-500000")
    runs = []
    for seed in range(3):
        batch = lookup_items(random.Random(held_every * 10 + seed), sample, count, held_every)

        def probe() -> int:
            keys = [p.observable.key for p in lookups.prepare(batch)  # noqa: B023
                    if p.observable is not None]
            found = 0
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                found += len(conn.execute(f"SELECT key FROM bare WHERE key IN ({marks})",
                                          chunk).fetchall())
            return found

        with collector.paused():
            found, wall, cpu = timed(probe)
        runs.append((wall, cpu, found))
    conn.close()
    wall, cpu, found = sorted(runs)[1]
    return ((f"floor: normalise + probe a bare indexed table, {100 // held_every}% held",
             f"{count:,}", f"{wall:.2f} s", f"{cpu:.2f} s", f"{count / wall:,.0f}",
             f"{found:,} found"), count / wall)


def ratio_rows(rows: list[tuple[str, ...]], floors: dict[int, float]) -> list[tuple[str, ...]]:
    """Each service batch lookup (mmap on) as a fraction of its floor from the same run."""
    out = []
    for held_every, floor in floors.items():
        name = f"batch, service, {100 // held_every}% held, median of 3"
        ours = next(float(r[4].replace(",", "")) for r in rows if r[0] == name)
        out.append((f"ratio to the floor, {100 // held_every}% held (goal >= 0.5)", "", "",
                    "", f"{ours / floor:.2f}x", f"{ours:,.0f} / {floor:,.0f} values/s"))
    return out


def _serve(path: str, port: int) -> None:
    """The API under uvicorn in its own process, as `cyberfusion serve` runs it."""
    import uvicorn

    from cyberfusion.web.app import create_app

    settings = Settings(database_url=f"sqlite:///{path}", data_dir=Path(path).parent,
                        warninglists=False, import_workers=0)  # store defaults: no mmap
    ctx = build_context(settings, fast_hashing=True)
    ctx.clock = lambda: datetime.now(UTC)  # no network or sweep workers beside the timing
    uvicorn.run(create_app(ctx), host="127.0.0.1", port=port, log_level="warning")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def bench_single(ctx: Context, who: Principal, sample: dict[str, list[tuple[str, str]]],
                 requests: int, path: Path, lookup: int) -> list[tuple[str, ...]]:
    """GET /api/v1/search over HTTP against a server process, one request at a time."""
    import httpx

    port = _free_port()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(str(path), port))
    server.start()
    token = auth.issue_token(ctx, who, "bench", frozenset({"read"})).secret
    rng = random.Random(11)
    latencies = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}",
                          headers={"Authorization": f"Bearer {token}"}) as client:
            _wait_until_up(client)
            for n in range(requests + 100):
                t = TYPES[n % len(TYPES)]
                value = rng.choice(sample[t])[1] if n % 2 else value_of(rng, t, 70_000_000 + n)
                started = time.perf_counter()
                response = client.get("/api/v1/search", params={"value": value, "type": t})
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.text[:300]
                if n >= 100:  # warm-up done
                    latencies.append(elapsed * 1000)
            batch = http_batch(client, sample, lookup)
    finally:
        server.terminate()
        server.join()
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return [("single, GET /api/v1/search over HTTP", f"{requests:,}", f"p50 {p50:.2f} ms",
             f"p99 {p99:.2f} ms", f"max {latencies[-1]:.1f} ms",
             "uvicorn process, keep-alive client, half held"), batch]


def http_batch(client: Any, sample: dict[str, list[tuple[str, str]]],
               count: int) -> tuple[str, ...]:
    """POST /api/v1/lookups of the service run's 10 % held batches to the server process,
    bodies encoded beforehand (the client's work is not the server's); median of 3."""
    import orjson

    runs = []
    for seed in range(3):
        items = lookup_items(random.Random(100 + seed), sample, count, 10)
        body = orjson.dumps({"values": [{"type": t.value if t else None, "value": v}
                                        for t, v in items]})
        started = time.perf_counter()
        response = client.post("/api/v1/lookups", content=body, timeout=600,
                               headers={"Content-Type": "application/json"})
        runs.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text[:300]
    wall = sorted(runs)[1]
    return ("batch, HTTP API over loopback, 10% held, median of 3", f"{count:,}",
            f"{wall:.2f} s", "(server)", f"{count / wall:,.0f}", "uvicorn process")


def cli_batch(path: Path, sample: dict[str, list[tuple[str, str]]],
              count: int) -> tuple[str, ...]:
    """`cyberfusion lookup FILE --json` as a process (start-up, reading the file, printing
    NDJSON to /dev/null) on the HTTP run's batches; median of 3."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "CYBERFUSION_DATABASE_URL": f"sqlite:///{path}",
           "CYBERFUSION_WARNINGLISTS": "0", "CYBERFUSION_IMPORT_WORKERS": "0",
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    runs = []
    for seed in range(3):
        items = lookup_items(random.Random(100 + seed), sample, count, 10)
        values = path.parent / f"lookup-{seed}.txt"
        values.write_text("".join(f"{t.value if t else ''},{v}\n" for t, v in items))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cyberfusion", "--data-dir", str(path.parent),
                        "lookup", str(values), "--as", "fr-cyber.bench", "--json"],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        runs.append(time.perf_counter() - started)
    wall = sorted(runs)[1]
    return ("batch, CLI process `lookup --json`, 10% held, median of 3", f"{count:,}",
            f"{wall:.2f} s", "(process)", f"{count / wall:,.0f}", "start-up included")


def http_ratio(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """How much slower the HTTP batch lookup is than the CLI, and than the bare service."""
    def rate(name: str) -> float:
        return next(float(r[4].replace(",", "")) for r in rows if r[0] == name)

    service = rate("batch, service, 10% held, median of 3")
    cli = rate("batch, CLI process `lookup --json`, 10% held, median of 3")
    http = rate("batch, HTTP API over loopback, 10% held, median of 3")
    return [("HTTP batch time over the CLI's, 10% held (goal <= 1.5)", "", "", "",
             f"{cli / http:.2f}x", f"{http:,.0f} / {cli:,.0f} values/s"),
            ("HTTP batch time over the bare service's, 10% held", "", "", "",
             f"{service / http:.2f}x", f"{http:,.0f} / {service:,.0f} values/s")]


def _wait_until_up(client: Any) -> None:
    import httpx

    for _ in range(200):
        try:
            client.get("/api/v1/health")
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--occurrences", type=int, default=10_000_000)
    parser.add_argument("--lookup", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--db", type=Path, help="keep the built database here and reuse it")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        fresh = not path.exists()
        settings = Settings(database_url=f"sqlite:///{path}", data_dir=path.parent,
                            warninglists=False, import_workers=0, sqlite_mmap_mb=MMAP_MB)
        ctx = build_context(settings, fast_hashing=True)
        schema.upgrade(ctx.db)
        if fresh:
            ctx.db.dispose()
            print(f"building {args.occurrences:,} occurrences in {path} …")
            sample, wall, _ = timed(lambda: build(path, args.occurrences, args.seed))
            print(f"  built in {wall:.0f} s")
            (path.parent / f"{path.stem}-sample.txt").write_text(
                "\n".join(f"{t},{v}" for vs in sample.values() for t, v in vs))
            ctx = build_context(settings, fast_hashing=True)
        else:
            ctx.db.dispose()
            clear_hits(path)
        lines = (path.parent / f"{path.stem}-sample.txt").read_text().splitlines()
        sample = {t: [] for t in TYPES}
        for line in lines:
            t, _, v = line.partition(",")
            sample[t].append((t, v))
        ctx.db.dispose()
        ctx = build_context(settings, fast_hashing=True)
        # A clock that is not `utcnow` itself: the app then starts no background workers
        # (network recomputation, channel sweep) that would compete with the measurement.
        ctx.clock = lambda: datetime.now(UTC)
        who = principal(ctx, "fr-cyber")
        rows = bench_batch(ctx, who, sample, args.lookup)
        rows += bench_single(ctx, who, sample, args.requests, path, args.lookup)
        ctx.db.dispose()
        plain = build_context(settings.model_copy(update={"sqlite_mmap_mb": 0}), True)
        plain.clock = ctx.clock
        rows += bench_batch(plain, who, sample, args.lookup, (10, 100), ", mmap off", False)
        plain.db.dispose()
        rows.append(bench_floor(sample, args.lookup))
        bare = bare_table(path, Path(tmp))
        floors = {}
        for held_every in (10, 100):
            row, floors[held_every] = bench_probe_floor(sample, args.lookup, bare, held_every)
            rows.append(row)
        rows += ratio_rows(rows, floors)
        rows.append(cli_batch(path, sample, args.lookup))
        rows += http_ratio(rows)
    print(f"\n{'measure':56} {'values':>9} {'wall':>12} {'CPU':>12} {'values/s':>12}  note")
    for name, count, wall, cpu, rate, note in rows:
        print(f"{name:56} {count:>9} {wall:>12} {cpu:>12} {rate:>12}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
