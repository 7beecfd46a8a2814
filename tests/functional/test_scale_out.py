"""Two `cyberfusion serve` processes on one PostgreSQL database share the background work
exactly once, and one of them is SIGKILLed half-way without anything being lost.

Before the servers start, the database holds 6 pending import jobs (distinct STIX bundles),
40 urgent requests sent seven hours ago (so all three rungs of their escalation ladders
are due: 120 steps) and 10 cases past their review date and grace. Both servers run one
import worker, the channel sweep (small batches, short outbox lease) and the retention
sweep every few seconds, and e-mail a real SMTP server. Process A is SIGKILLed while it
holds an import lease; B must finish everything. Then: every import is done once (its
objects stored once, no job counted twice, one finish event each), every escalation step
and its audit event exist once, every notification row once and every e-mail was sent
(at-least-once delivery: only an e-mail in flight at the kill may repeat), every expired
case was purged once, and the retention sweep ran once per period between the two.

PostgreSQL only (SQLite has one writer host): skipped without CYBERFUSION_TEST_POSTGRES;
each run creates and drops its own database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import admin, load_duty, send
from channel_servers import Mailbox, free_port, smtp_server
from conftest import postgres_url
from kill_support import make_bundle
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from worlds import build_world, case_doc

from cyberfusion.config import Settings
from cyberfusion.domain.channel import Priority
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, directory, imports
from cyberfusion.services.context import build_context
from cyberfusion.store import schema

REQUESTS, STEPS = 40, 120
IMPORTS, OBJECTS = 6, 600
EXPIRED = 10
RETENTION_PERIOD = 4.0  # seconds
TARGETS = ("de-cyber", "br-cyber", "de-ncb", "br-ncb")

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A database of its own for this run, dropped afterwards."""
    base = postgres_url()
    if not base:
        pytest.skip("PostgreSQL not configured: set CYBERFUSION_TEST_POSTGRES")
    name = f"scale_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def prepare(url: str, data: Path) -> None:
    """Pending imports, due escalations and expired cases, written before any server runs."""
    ctx = build_context(Settings(database_url=url, data_dir=data, warninglists=False,
                                 import_workers=0), fast_hashing=True)
    schema.upgrade(ctx.db)
    past = datetime.now(UTC) - timedelta(hours=7)
    ctx.clock = lambda: past
    ctx.settings.smtp_host = "127.0.0.1"
    world = build_world(ctx)
    load_duty(ctx, "hub", *TARGETS)
    directory.set_prefs(ctx, admin(world, "fr-cyber"), {"urgent": []})
    analyst = world.principals["fr-cyber"]
    for i in range(REQUESTS):
        send(ctx, analyst, to=TARGETS[i % len(TARGETS)], priority=Priority.URGENT)
    for i in range(EXPIRED):
        cases.create_case(ctx, analyst, parse_case(case_doc(f"expired {i}"), past.date(), 5))
    for i in range(IMPORTS):
        bundle = data / f"bundle-{i}.json"
        make_bundle(bundle, OBJECTS, 100 + i)
        imports.submit_path(ctx, analyst, bundle, imports.ImportOptions())
    ctx.db.dispose()
    run(url, "UPDATE handling SET review_by = '2000-01-01' WHERE id IN "
             "(SELECT handling_id FROM intel_case WHERE title LIKE 'expired %')")


def run(url: str, sql: str) -> None:
    """One statement, committed."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Every row of a query, read with a short-lived connection."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def one(url: str, sql: str) -> int:
    return int(rows(url, sql)[0][0] or 0)


def start(url: str, data: Path, smtp_port: int) -> subprocess.Popen[bytes]:
    """`cyberfusion serve` with one import worker and fast sweeps."""
    env = {**os.environ, "CYBERFUSION_DATABASE_URL": url, "CYBERFUSION_FAST_HASHING": "1",
           "CYBERFUSION_WARNINGLISTS": "0", "CYBERFUSION_IMPORT_WORKERS": "1",
           "CYBERFUSION_IMPORT_LEASE_SECONDS": "3", "CYBERFUSION_SWEEP_INTERVAL_SECONDS": "0.2",
           "CYBERFUSION_SWEEP_BATCH": "5", "CYBERFUSION_SMTP_HOST": "127.0.0.1",
           "CYBERFUSION_SMTP_PORT": str(smtp_port), "CYBERFUSION_OUTBOX_LEASE_SECONDS": "3",
           "CYBERFUSION_RETENTION_SWEEP_HOURS": str(RETENTION_PERIOD / 3600)}
    return subprocess.Popen([sys.executable, "-m", "cyberfusion", "--data-dir", str(data),
                             "serve", "--port", str(free_port())], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(ready: Callable[[], bool], what: str, alive: subprocess.Popen[bytes],
             seconds: float = 45) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert alive.poll() is None, f"the server died while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_two_servers_share_the_work_once_and_survive_a_kill(pg_url: str,
                                                            tmp_path: Path) -> None:
    prepare(pg_url, tmp_path)
    with smtp_server() as (box, port):
        a, b = start(pg_url, tmp_path, port), start(pg_url, tmp_path, port)
        try:
            held_by_a = ("SELECT count(*) FROM import_job WHERE status = 'running' AND "
                         f"bytes_done > 0 AND lease_holder LIKE '%:{a.pid}:%'")
            wait_for(lambda: one(pg_url, held_by_a) > 0, "A half-way through an import", a)
            a.send_signal(signal.SIGKILL)
            a.wait(10)
            killed_at = time.monotonic()
            wait_for(lambda: one(pg_url, "SELECT count(*) FROM import_job "
                                         "WHERE status = 'done'") == IMPORTS, "every import", b)
            wait_for(lambda: one(pg_url, "SELECT count(*) FROM channel_escalation") == STEPS,
                     "every escalation step", b)
            wait_for(lambda: one(pg_url, "SELECT count(*) FROM outbox WHERE status <> 'sent'")
                     == 0, "every e-mail", b)
            time.sleep(max(0.0, killed_at + 2.5 * RETENTION_PERIOD - time.monotonic()))
        finally:
            for proc in (a, b):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(20)
        check_imports(pg_url)
        check_channel(pg_url, box)
        check_retention(pg_url)


def check_imports(url: str) -> None:
    """Each job done once: objects stored once, counted once, one finish event."""
    jobs = rows(url, "SELECT id, status, created, updated, unchanged, rejected FROM import_job")
    assert len(jobs) == IMPORTS and {j[1] for j in jobs} == {"done"}
    assert all(j[3] == 0 and j[4] == 0 for j in jobs), jobs  # nothing landed twice
    rejected = sum(j[5] for j in jobs)
    assert one(url, "SELECT count(*) FROM source_object") + rejected == IMPORTS * OBJECTS
    finishes = Counter(r[0] for r in rows(url, "SELECT item_id FROM audit_event "
                                               "WHERE action = 'import.finish'"))
    assert finishes == Counter({str(j[0]): 1 for j in jobs})
    took_over = one(url, "SELECT count(*) FROM import_job WHERE attempts > 1")
    assert took_over >= 1  # the job A held was finished by B


def check_channel(url: str, box: Mailbox) -> None:
    """One step per (thread, addressee, rung), one audit event each, every e-mail sent."""
    assert one(url, "SELECT count(DISTINCT (thread_id, org_id, step)) "
                    "FROM channel_escalation") == STEPS
    assert one(url, "SELECT count(*) FROM audit_event WHERE action = 'channel.escalate'") \
        == STEPS
    assert one(url, "SELECT count(*) FROM channel_deadline WHERE kind = 'escalate' "
                    "AND done_at IS NULL") == 0
    # the addressee's rung (or the hub) and the sender hear of each step, once (unique key)
    assert one(url, "SELECT count(*) FROM notification WHERE key LIKE 'esc:%'") == 2 * STEPS
    stored = Counter(r[0] for r in rows(url, "SELECT key FROM outbox"))
    assert max(stored.values()) == 1
    keys = Counter(str(m["X-Cyberfusion-Delivery"]) for _, m in box.messages)
    assert set(keys) == set(stored)
    repeats = sum(n - 1 for n in keys.values())
    assert repeats <= 5, keys.most_common(6)  # at most the batch A had in flight


def check_retention(url: str) -> None:
    """Every expired case purged once; sweeps at least a period apart, across processes."""
    assert one(url, "SELECT count(*) FROM intel_case WHERE title LIKE 'expired %'") == 0
    purged = Counter(r[0] for r in rows(url, "SELECT item_id FROM audit_event "
                                             "WHERE action = 'case.purge'"))
    assert len(purged) == EXPIRED and set(purged.values()) == {1}
    runs = [r[0] for r in rows(url, "SELECT at FROM audit_event "
                                    "WHERE action = 'retention.sweep' ORDER BY seq")]
    assert len(runs) >= 2
    gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(runs)]
    assert min(gaps) >= 0.9 * RETENTION_PERIOD - 0.05, gaps
