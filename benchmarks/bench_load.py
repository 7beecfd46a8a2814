"""Concurrent load on a real `cyberfusion serve`: open-loop arrivals, 80% reads, 20% case writes.

Run: .venv/bin/python benchmarks/bench_load.py [--cases N] [--rate R] [--seconds S]
                                                [--postgres URL] [--sweep] [--sqlite-only]

A demo world of `--cases` cases (default 5000) is generated and loaded into a fresh SQLite
file (and a throw-away PostgreSQL database when --postgres or CYBERFUSION_TEST_POSTGRES
gives a URL); `cyberfusion serve` then runs as a subprocess on a loopback port, as in
production. 50 simulated clients, each with its own keep-alive connection and API token,
send requests at Poisson arrival times (open loop: a request leaves at its time whether or
not the previous one returned, and its latency counts from that time, so a slow server
cannot slow the clock). The mix: 40% GET /api/v1/search, 25% GET /api/v1/cases/{id},
15% POST /api/v1/lookups (20 values), 20% POST /api/v1/cases (2-12 observables).

Printed per backend and kind: requests, throughput, p50/p95/p99/max and errors, beside
the goals (search p99 < 250 ms, write p99 < 500 ms). --sweep raises the offered rate step
by step and reports the highest rate that still meets both goals (the saturation point).
Afterwards every write is read back: each 201 must be a case the server returns.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

SEARCH_GOAL_MS, WRITE_GOAL_MS = 250.0, 500.0
MIX = (("search", 0.40), ("case_read", 0.25), ("lookup", 0.15), ("write", 0.20))
HOST = "127.0.0.1"


@dataclass
class Seeded:
    """What the clients need from the seeded world."""

    tokens: list[str]
    values: list[tuple[str, str]]
    crime_types: list[str]


@dataclass
class Result:
    """Latencies (ms) and errors per kind, plus every case id a write created."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    written: list[int] = field(default_factory=list)
    #: (scheduled second, kind, latency ms) of every answered request, for --timeline
    samples: list[tuple[float, str, float]] = field(default_factory=list)
    seconds: float = 0.0
    offered: float = 0.0


def seed(url: str, data: Path, cases: int, clients: int) -> Seeded:
    """Migrate, load a demo world and issue one read+write API token per client."""
    from cyberfusion.config import Settings
    from cyberfusion.demo import generate_world
    from cyberfusion.domain.model import Role
    from cyberfusion.services import auth
    from cyberfusion.services.context import build_context
    from cyberfusion.services.seed import seed_demo
    from cyberfusion.store import schema

    ctx = build_context(Settings(database_url=url, data_dir=data), fast_hashing=True)
    schema.upgrade(ctx.db)
    world = generate_world(seed=2026, cases=cases, today=date.today())
    seed_demo(ctx, world)
    writers = [u for u in world.users if Role.ANALYST in u.roles]
    tokens = []
    for n in range(clients):
        demo_user = writers[n % len(writers)]
        with ctx.db.read() as tx:
            user = tx.users.by_username(demo_user.username)
        assert user is not None
        who = auth.principal_of(ctx, user)
        tokens.append(auth.issue_token(ctx, who, f"load-{n}", frozenset({"read", "write"}))
                      .secret)
    values = sorted({(o.type, o.value) for c in world.cases for o in c.draft.occurrences})
    crime_types = sorted({c.draft.crime_type.value for c in world.cases})
    ctx.db.dispose()
    return Seeded(tokens, values, crime_types)


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(url: str, data: Path, extra_env: dict[str, str] | None = None
           ) -> Iterator[str]:
    """`cyberfusion serve` on a loopback port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "CYBERFUSION_DATABASE_URL": url, **(extra_env or {})}
    log = open(data / "serve.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "cyberfusion", "--data-dir", str(data),
                             "serve", "--host", HOST, "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    try:
        wait_up(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    """Poll the health endpoint until the server answers."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def case_body(rng: random.Random, seeded: Seeded, n: int) -> dict[str, Any]:
    """A realistic case document: 2-12 observables, half already known, half new."""
    observables = []
    for i in range(rng.randint(2, 12)):
        if i % 2 == 0:
            kind, value = rng.choice(seeded.values)
        else:
            kind, value = "domain", f"load-{n}-{i}-{rng.randrange(10**9)}.example"
        observables.append({"type": kind, "value": value, "role": "seen in load test"})
    return {"title": f"Load test case {n}", "crime_type": rng.choice(seeded.crime_types),
            "summary": "Phishing kit hosted on a compromised server; victims reported "
                       "losses through the payment page. " * 3,
            "countries": ["FR", "DE"], "first_seen": "2026-05-01", "last_seen": "2026-05-20",
            "victims": {"count": rng.randint(1, 40), "sectors": ["finance"]},
            "handling": {"tlp": rng.choice(["green", "amber"]), "release": ["members"]},
            "observables": observables}


class Client:
    """One simulated analyst: a token, a keep-alive connection and the cases it can read."""

    def __init__(self, base: str, token: str, seeded: Seeded, rng: random.Random) -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=60,
                                      headers={"Authorization": f"Bearer {token}"},
                                      limits=httpx.Limits(max_connections=8))
        self.seeded, self.rng, self.case_ids = seeded, rng, [1]

    async def prepare(self) -> None:
        """Learn some readable case ids (not timed)."""
        r = await self.http.get("/api/v1/cases", params={"limit": 100})
        r.raise_for_status()
        self.case_ids = [c["id"] for c in r.json()["items"]] or [1]

    async def request(self, kind: str, n: int) -> tuple[int, int | None]:
        """Send one request of `kind`; (status, created case id)."""
        rng, values = self.rng, self.seeded.values
        if kind == "search":
            kind_, value = rng.choice(values)
            r = await self.http.get("/api/v1/search", params={"value": value, "type": kind_})
        elif kind == "case_read":
            r = await self.http.get(f"/api/v1/cases/{rng.choice(self.case_ids)}")
        elif kind == "lookup":
            body = {"values": [{"type": t, "value": v} for t, v in rng.sample(values, 20)]}
            r = await self.http.post("/api/v1/lookups", json=body)
        else:
            r = await self.http.post("/api/v1/cases", json=case_body(rng, self.seeded, n))
            if r.status_code == 201:
                case_id = int(r.json()["id"])
                self.case_ids.append(case_id)
                return r.status_code, case_id
        return r.status_code, None


def schedule(rate: float, seconds: float, limit: int, clients: int, rng: random.Random
             ) -> list[tuple[float, int, str]]:
    """Poisson arrivals per client (rate/clients each): (time, client, kind), time-ordered."""
    kinds, weights = zip(*MIX, strict=True)
    arrivals = []
    for c in range(clients):
        t = rng.expovariate(rate / clients)
        while t < seconds:
            arrivals.append((t, c, rng.choices(kinds, weights)[0]))
            t += rng.expovariate(rate / clients)
    arrivals.sort()
    return arrivals[:limit]


async def drive(base: str, seeded: Seeded, rate: float, seconds: float, limit: int,
                seed_no: int = 7) -> Result:
    """Open-loop load: every arrival is sent at its time; latency counts from that time."""
    rng = random.Random(seed_no)
    clients = [Client(base, tok, seeded, random.Random(seed_no * 1000 + i))
               for i, tok in enumerate(seeded.tokens)]
    await asyncio.gather(*(c.prepare() for c in clients))
    arrivals = schedule(rate, seconds, limit, len(clients), rng)
    result = Result(offered=rate)
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def one(at: float, who: int, kind: str, n: int) -> None:
        await asyncio.sleep(max(0.0, start + at - loop.time()))
        try:
            status, created = await clients[who].request(kind, n)
        except httpx.HTTPError as exc:
            result.errors[kind].append(type(exc).__name__)
            return
        took = (loop.time() - start - at) * 1000
        result.latencies[kind].append(took)
        result.samples.append((at, kind, took))
        if status >= 400:
            result.errors[kind].append(str(status))
        if created is not None:
            result.written.append(created)

    await asyncio.gather(*(one(at, who, kind, n)
                           for n, (at, who, kind) in enumerate(arrivals)))
    result.seconds = loop.time() - start
    await verify_writes(clients[0], result)
    await asyncio.gather(*(c.http.aclose() for c in clients))
    return result


async def verify_writes(client: Client, result: Result) -> None:
    """Every case a write created is there (read back through its owner would also do;
    the members-release means any client may read it)."""
    missing = []
    for case_id in result.written:
        r = await client.http.get(f"/api/v1/cases/{case_id}")
        if r.status_code != 200:
            missing.append(case_id)
    if missing:
        result.errors["write_readback"].extend(str(i) for i in missing)


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of sorted `values`."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def meets(result: Result) -> bool:
    """Both tails under their goals and no errors."""
    return (pct(result.latencies["search"], 0.99) < SEARCH_GOAL_MS
            and pct(result.latencies["write"], 0.99) < WRITE_GOAL_MS
            and not any(result.errors.values()))


def print_table(backend: str, result: Result) -> None:
    """One block of the result table."""
    total = sum(len(v) for v in result.latencies.values())
    print(f"\n{backend}: offered {result.offered:.0f} req/s, achieved "
          f"{total / result.seconds:.1f} req/s over {result.seconds:.1f} s, "
          f"{len(result.written)} writes landed")
    print(f"  {'kind':<10} {'n':>6} {'req/s':>7} {'p50':>8} {'p95':>8} {'p99':>8} "
          f"{'max':>8} {'errors':>6}  goal")
    for kind, _ in MIX:
        lat = result.latencies[kind]
        goal = {"search": f"p99 < {SEARCH_GOAL_MS:.0f} ms",
                "write": f"p99 < {WRITE_GOAL_MS:.0f} ms"}.get(kind, "")
        print(f"  {kind:<10} {len(lat):>6} {len(lat) / result.seconds:>7.1f} "
              f"{pct(lat, .5):>6.1f}ms {pct(lat, .95):>6.1f}ms {pct(lat, .99):>6.1f}ms "
              f"{max(lat, default=float('nan')):>6.1f}ms {len(result.errors[kind]):>6}  {goal}")
    failures = {k: dict(Counter(v).most_common(3)) for k, v in result.errors.items() if v}
    if failures:
        print(f"  errors: {failures}")
    if result.errors.get("write_readback"):
        print(f"  writes NOT read back: {len(result.errors['write_readback'])}")
    print(f"  goals met: {'yes' if meets(result) else 'NO'}")


def print_timeline(result: Result) -> None:
    """Per second of the run: requests sent and their worst latency (finds stalls)."""
    worst: dict[int, float] = defaultdict(float)
    sent: dict[int, int] = defaultdict(int)
    for at, _, took in result.samples:
        worst[int(at)] = max(worst[int(at)], took)
        sent[int(at)] += 1
    print("  second: sent/worst ms  " + "  ".join(
        f"{s}:{sent[s]}/{worst[s]:.0f}" for s in sorted(worst)))


@contextmanager
def backend_db(name: str, pg_url: str | None) -> Iterator[tuple[str, Path]]:
    """(database URL, data folder) of a fresh database for one backend."""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        data = Path(tmp)
        if name == "sqlite":
            yield f"sqlite:///{data / 'cyberfusion.db'}", data
            return
        assert pg_url is not None
        with pg_database(pg_url) as url:
            yield url, data


@contextmanager
def pg_database(admin_url: str) -> Iterator[str]:
    """A throw-away PostgreSQL database next to the one `admin_url` names."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_backend(name: str, args: argparse.Namespace, pg_url: str | None) -> list[Result]:
    """Seed, serve and drive one backend (one rate, or the sweep's rates)."""
    with backend_db(name, pg_url) as (url, data):
        started = time.perf_counter()
        seeded = seed(url, data, args.cases, args.clients)
        print(f"[{name}] seeded {args.cases} cases in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
        rates = sweep_rates(args) if args.sweep else [args.rate]
        results = []
        with server(url, data, {"CYBERFUSION_IMPORT_WORKERS": "0"}) as base:
            # Warm-up, not reported: the start-up work of `serve` (ransomware index, first
            # network and retention runs) and the first statements of each kind.
            asyncio.run(drive(base, seeded, 20, 8, 400))
            for rate in rates:
                result = asyncio.run(drive(base, seeded, rate, args.seconds, args.max_requests))
                results.append(result)
                print_table(name, result)
                if args.timeline:
                    print_timeline(result)
                # tails are noisy on a shared machine: stop after two misses in a row
                if args.sweep and len(results) > 1 and not any(map(meets, results[-2:])):
                    break
        return results


def sweep_rates(args: argparse.Namespace) -> list[float]:
    """The offered rates the sweep tries, lowest first."""
    rates, rate = [], args.rate / 2
    while rate <= args.sweep_max:
        rates.append(rate)
        rate += args.sweep_step
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=float, default=100.0, help="offered requests/s")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("CYBERFUSION_TEST_POSTGRES"))
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--sweep", action="store_true", help="raise the rate to saturation")
    parser.add_argument("--sweep-step", type=float, default=25.0)
    parser.add_argument("--timeline", action="store_true",
                        help="print each second's worst latency")
    parser.add_argument("--sweep-max", type=float, default=400.0)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    print(f"load average before: {os.getloadavg()}, cpus: {os.cpu_count()}")
    backends = ["sqlite"] + ([] if args.sqlite_only or not args.postgres else ["postgresql"])
    failed = False
    for name in backends:
        results = run_backend(name, args, args.postgres)
        if args.sweep:
            ok = [r.offered for r in results if meets(r)]
            print(f"\n{name} saturation: highest offered rate meeting both goals: "
                  f"{max(ok) if ok else 'none'} req/s")
        failed |= any(r.errors.get("write_readback") for r in results)
    print(f"load average after: {os.getloadavg()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
