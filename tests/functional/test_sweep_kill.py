"""Killing the server in the middle of a sweep loses and duplicates nothing.

`cyberfusion serve` runs as a subprocess over a SQLite file holding 80 flash requests sent
two hours ago, so 240 escalation steps are due. The server is SIGKILLed while its sweep is
half-way through the steps, started again, SIGKILLed again while it delivers the e-mails,
and started a third time. Afterwards every step exists exactly once (and its audit event),
and the real SMTP server got every e-mail: exactly once for everything queued by the
interrupted escalation sweep, and at most one repeat (same Message-ID, same delivery key)
for the e-mail in flight at the second kill. Delivery is at-least-once by design.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from channel_helpers import admin, load_duty, send
from channel_servers import Mailbox, free_port, smtp_server
from worlds import build_world

from cyberfusion.config import Settings
from cyberfusion.services import directory
from cyberfusion.services.context import build_context
from cyberfusion.store import schema

REQUESTS = 80
STEPS = 3 * REQUESTS


def prepare(data: Path) -> None:
    """A world whose 80 flash requests to four addressees are two hours old."""
    ctx = build_context(Settings(data_dir=data), fast_hashing=True)
    schema.upgrade(ctx.db)
    past = datetime.now(UTC) - timedelta(hours=2)
    ctx.clock = lambda: past
    ctx.settings.smtp_host = "127.0.0.1"
    world = build_world(ctx)
    targets = ("de-cyber", "br-cyber", "de-ncb", "br-ncb")
    load_duty(ctx, "hub", *targets)
    directory.set_prefs(ctx, admin(world, "fr-cyber"), {"flash": []})
    for i in range(REQUESTS):
        send(ctx, world.principals["fr-cyber"], to=targets[i % len(targets)])
    ctx.db.dispose()


def count(db: Path, sql: str) -> int:
    """One number from the database, read while the server writes (WAL)."""
    with sqlite3.connect(db, timeout=30) as conn:
        return int(conn.execute(sql).fetchone()[0])


def start(data: Path, smtp_port: int) -> subprocess.Popen[bytes]:
    """`cyberfusion serve` with a fast in-process sweep and small batches."""
    env = {**os.environ, "CYBERFUSION_SWEEP_INTERVAL_SECONDS": "0.2",
           "CYBERFUSION_SWEEP_BATCH": "5", "CYBERFUSION_SMTP_HOST": "127.0.0.1",
           "CYBERFUSION_SMTP_PORT": str(smtp_port), "CYBERFUSION_OUTBOX_LEASE_SECONDS": "2",
           "CYBERFUSION_IMPORT_WORKERS": "0"}
    env.pop("CYBERFUSION_DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "cyberfusion", "--data-dir", str(data),
                             "serve", "--port", str(free_port())], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_when(server: subprocess.Popen[bytes], ready: Callable[[], bool], what: str) -> None:
    """SIGKILL the server as soon as `ready()` holds."""
    deadline = time.monotonic() + 60
    while not ready():
        assert server.poll() is None, "the server died on its own"
        assert time.monotonic() < deadline, f"never reached: {what}"
        time.sleep(0.003)
    server.send_signal(signal.SIGKILL)
    server.wait(10)


def wait_for(ready: Callable[[], bool], what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_kill_mid_sweep_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    prepare(tmp_path)
    db = tmp_path / "cyberfusion.db"
    steps = lambda: count(db, "SELECT count(*) FROM channel_escalation")  # noqa: E731
    sent = lambda: count(db, "SELECT count(*) FROM outbox WHERE status = 'sent'")  # noqa: E731
    total = count(db, "SELECT count(*) FROM outbox")
    with smtp_server() as (box, port):
        first = start(tmp_path, port)
        kill_when(first, lambda: 0 < steps() < STEPS, "half-way through the steps")
        at_kill = steps()
        assert 0 < at_kill < STEPS and len(box.messages) == 0
        second = start(tmp_path, port)
        wait_for(lambda: steps() == STEPS, "every escalation step")
        queued = count(db, "SELECT count(*) FROM outbox")
        kill_when(second, lambda: 0 < sent() < queued - 20, "half-way through the e-mails")
        third = start(tmp_path, port)
        try:
            wait_for(lambda: sent() == queued, "every e-mail")
        finally:
            third.send_signal(signal.SIGTERM)
            third.wait(20)
        check(db, box, queued, total)


def check(db: Path, box: Mailbox, queued: int, before: int) -> None:
    """Exactly one step per (thread, addressee, rung); every e-mail delivered."""
    assert count(db, "SELECT count(*) FROM channel_escalation") == STEPS
    assert count(db, "SELECT count(DISTINCT thread_id || '/' || step) "
                     "FROM channel_escalation") == STEPS
    assert count(db, "SELECT count(*) FROM audit_event "
                     "WHERE action = 'channel.escalate'") == STEPS
    assert count(db, "SELECT count(*) FROM channel_deadline WHERE kind = 'escalate' "
                     "AND done_at IS NULL") == 0
    assert queued == before + 4 * REQUESTS  # officer, backup, hub desk and hub officer
    keys = Counter(str(m["X-Cyberfusion-Delivery"]) for _, m in box.messages)
    with sqlite3.connect(db) as conn:
        stored = {k for (k,) in conn.execute("SELECT key FROM outbox")}
    assert set(keys) == stored
    repeats = sum(n - 1 for n in keys.values())
    assert repeats <= 1, keys.most_common(3)
    escalation_keys = [k for k in stored if k.startswith("esc:")]
    assert len(escalation_keys) == 4 * REQUESTS


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
