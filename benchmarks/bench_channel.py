"""Secure-channel throughput over HTTP on loopback: 50 concurrent senders, live recipients.

Run: .venv/bin/python benchmarks/bench_channel.py [--senders 50] [--per-sender 20]
                                                    [--postgres URL] [--timeout 180]

Starts the real server (`cyberfusion serve`, uvicorn, one process) in a subprocess on
SQLite, and on PostgreSQL when --postgres or CYBERFUSION_TEST_POSTGRES gives a URL (in a
throw-away schema). Each sender (its own user and API token) sends signed routine
messages to other organisations with `POST /api/v1/threads`; meanwhile each recipient
organisation polls `GET /api/v1/threads?box=in&status=sent`, which delivers what it lists
(receipt, signature check, status `delivered`).

* sent/s: messages accepted (201) per second of the sending phase; p50/p99 of the POST;
* delivered/s: messages seen by their recipient per second, from the first send to the
  last delivery; p50/p99 from the POST's answer to the poll that delivered it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from cyberfusion.config import Settings
from cyberfusion.domain.model import Organisation, OrgKind, Region, Role
from cyberfusion.services import auth, orgs
from cyberfusion.services.context import Context, build_context
from cyberfusion.store import schema

COUNTRIES = ["FR", "DE", "NL", "ES", "PL", "BR", "JP", "KE", "AE", "US"]
PASSWORD = "bench-password-1"


@dataclass
class Run:
    """What one backend measured."""

    backend: str
    sent_at: dict[str, float] = field(default_factory=dict)
    send_ms: list[float] = field(default_factory=list)
    delivered_at: dict[str, float] = field(default_factory=dict)
    errors: int = 0
    send_seconds: float = 0.0
    started: float = 0.0


def prepare(settings: Settings, senders: int) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Organisations, one sender per slot and one reader per organisation, with tokens."""
    ctx = build_context(settings, fast_hashing=True)
    schema.upgrade(ctx.db)
    orgs.create_org(ctx, None, Organisation("hub", "Hub", OrgKind.HUB))
    ids = []
    for cc in COUNTRIES:
        org_id = f"{cc.lower()}-ncb"
        orgs.create_org(ctx, None, Organisation(org_id, f"NCB {cc}", OrgKind.NCB, cc,
                                                Region.EUROPE))
        ids.append(org_id)
    send_tokens, read_tokens = [], {}
    for i in range(senders):
        org_id = ids[i % len(ids)]
        send_tokens.append((org_id, _token(ctx, f"sender{i}", org_id)))
    for org_id in ids:
        read_tokens[org_id] = _token(ctx, f"reader.{org_id}", org_id)
    ctx.db.dispose()
    return send_tokens, read_tokens


def _token(ctx: Context, username: str, org_id: str) -> str:
    """A read-write API token for a new analyst of `org_id`."""
    user = orgs.create_user(ctx, None, username, org_id, frozenset({Role.ANALYST}), PASSWORD)
    with ctx.db.read() as tx:
        principal = auth.principal_for(tx, user)
    return auth.issue_token(ctx, principal, "bench", frozenset({"read", "write"})).secret


@contextmanager
def server(data: Path, url: str | None) -> Iterator[str]:
    """`cyberfusion serve` in a subprocess; yields its base URL once it answers."""
    port = _free_port()
    env = {**os.environ, "CYBERFUSION_IMPORT_WORKERS": "0", "CYBERFUSION_WARNINGLISTS": "0",
           "CYBERFUSION_SWEEP_INTERVAL_SECONDS": "15"}
    env.pop("CYBERFUSION_DATABASE_URL", None)
    if url:
        env["CYBERFUSION_DATABASE_URL"] = url
    log = (data / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "cyberfusion", "--data-dir", str(data),
                             "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def sender(client: httpx.AsyncClient, run: Run, org_id: str, token: str,
                 others: list[str], count: int, rng: random.Random) -> None:
    """Send `count` messages one after another, timing each."""
    headers = {"Authorization": f"Bearer {token}"}
    for n in range(count):
        doc = {"to": [rng.choice([o for o in others if o != org_id])], "type": "message",
               "priority": "routine", "subject": f"bench {org_id} {n}",
               "body": "Routine coordination message. " * 8}
        began = time.perf_counter()
        try:
            answer = await client.post("/api/v1/threads", json=doc, headers=headers)
        except httpx.HTTPError:  # e.g. a keep-alive connection the server just closed
            run.errors += 1
            continue
        done = time.perf_counter()
        if answer.status_code != 201:
            run.errors += 1
            continue
        run.send_ms.append((done - began) * 1000)
        run.sent_at[str(answer.json()["id"])] = done


async def reader(client: httpx.AsyncClient, run: Run, token: str, stop: asyncio.Event) -> None:
    """Poll the inbox for undelivered threads; listing them delivers them."""
    headers = {"Authorization": f"Bearer {token}"}
    while True:
        finished = stop.is_set()
        try:
            answer = await client.get("/api/v1/threads", headers=headers,
                                      params={"box": "in", "status": "sent", "limit": 200})
        except httpx.HTTPError:
            run.errors += 1
            continue
        now = time.perf_counter()
        if answer.status_code != 200:
            run.errors += 1
            await asyncio.sleep(0.05)
            continue
        items = answer.json().get("items", [])
        for item in items:
            run.delivered_at.setdefault(str(item["id"]), now)
        if finished and not items:
            return
        if not items:
            await asyncio.sleep(0.05)


async def measure(base: str, backend: str, send_tokens: list[tuple[str, str]],
                  read_tokens: dict[str, str], per_sender: int, timeout: float) -> Run:
    """Run the senders and readers against one server."""
    run = Run(backend)
    limits = httpx.Limits(max_connections=len(send_tokens) + len(read_tokens) + 10)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        stop = asyncio.Event()
        readers = [asyncio.create_task(reader(client, run, t, stop))
                   for t in read_tokens.values()]
        rng = random.Random(7)
        run.started = time.perf_counter()
        sends = [sender(client, run, org, token, list(read_tokens), per_sender,
                        random.Random(rng.random())) for org, token in send_tokens]
        await asyncio.wait_for(asyncio.gather(*sends), timeout)
        run.send_seconds = time.perf_counter() - run.started
        stop.set()
        await asyncio.wait_for(asyncio.gather(*readers), timeout)
    return run


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of `values`."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def report(runs: list[Run], senders: int) -> None:
    """Print the result table."""
    print(f"{'backend':<11} {'messages':>8} {'senders':>7} {'sent/s':>7} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'delivered/s':>11} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
    for r in runs:
        lag = [(r.delivered_at[k] - r.sent_at[k]) * 1000 for k in r.sent_at
               if k in r.delivered_at]
        last = max(r.delivered_at.values(), default=r.started)
        delivered_rate = len(lag) / max(1e-9, last - r.started)
        print(f"{r.backend:<11} {len(r.sent_at):>8} {senders:>7} "
              f"{len(r.sent_at) / r.send_seconds:>7.0f} {statistics.median(r.send_ms):>7.0f} "
              f"{percentile(r.send_ms, 99):>7.0f} {delivered_rate:>11.0f} "
              f"{percentile(lag, 50):>7.0f} {percentile(lag, 99):>7.0f} {r.errors:>6}")
        missing = len(r.sent_at) - len(lag)
        if missing:
            print(f"  {missing} message(s) were not seen delivered")


@contextmanager
def pg_schema(pg_url: str) -> Iterator[str]:
    """A throw-away PostgreSQL schema: its URL."""
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    sep = "&" if "?" in pg_url else "?"
    try:
        yield f"{pg_url}{sep}options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def bench(backend: str, url: str | None, args: argparse.Namespace) -> Run:
    """Prepare a database, start the server on it, measure."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        settings = Settings(data_dir=data, database_url=url or "")
        send_tokens, read_tokens = prepare(settings, args.senders)
        with server(data, url) as base:
            run = asyncio.run(measure(base, backend, send_tokens, read_tokens,
                                      args.per_sender, args.timeout))
        if run.errors:
            log = (data / "server.log").read_text()
            print(log[-3000:] or "(the server logged nothing)", file=sys.stderr)
        return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--per-sender", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--postgres", default=os.environ.get("CYBERFUSION_TEST_POSTGRES"))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    runs = [] if args.skip_sqlite else [bench("sqlite", None, args)]
    if args.postgres:
        with pg_schema(args.postgres) as url:
            runs.append(bench("postgresql", url, args))
    report(runs, args.senders)


if __name__ == "__main__":
    main()
