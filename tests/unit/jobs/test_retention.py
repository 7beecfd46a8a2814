"""The retention worker: `cyberfusion serve` deletes data past review even without cron."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from cyberfusion.config import Settings
from cyberfusion.jobs.retention import RetentionWorker
from cyberfusion.services.context import Context, build_context
from cyberfusion.web.app import background_workers


def test_serve_runs_the_retention_worker_daily_unless_turned_off(tmp_path: Path) -> None:
    for hours, expected in ((24.0, [86_400.0]), (0.0, [])):
        settings = Settings(data_dir=tmp_path, retention_sweep_hours=hours,
                            warninglists=False, import_workers=0)
        ctx = build_context(settings)
        workers = background_workers(FastAPI(), ctx)
        assert [w.interval for w in workers if isinstance(w, RetentionWorker)] == expected
        ctx.db.dispose()


def test_a_context_with_its_own_clock_gets_no_retention_worker(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, warninglists=False, import_workers=0)
    ctx = build_context(settings)
    ctx.clock = lambda: datetime.now(UTC)  # equal to the real clock, yet not `utcnow`
    assert not any(isinstance(w, RetentionWorker) for w in background_workers(FastAPI(), ctx))
    ctx.db.dispose()


def test_the_worker_sweeps_once_per_period_between_processes(sqlite_ctx: Context) -> None:
    from datetime import timedelta

    from cyberfusion.jobs.retention import sweep_if_due

    start = sqlite_ctx.now()
    day = timedelta(hours=24)
    assert sweep_if_due(sqlite_ctx, day) == 0  # first: runs (nothing to delete)
    sqlite_ctx.clock = lambda: start + timedelta(hours=3)  # another process, 3 h later
    assert sweep_if_due(sqlite_ctx, day) is None
    sqlite_ctx.clock = lambda: start + day
    assert sweep_if_due(sqlite_ctx, day) == 0
    with sqlite_ctx.db.read() as tx:
        runs = [e for e, _ in tx.audit.walk() if e.action == "retention.sweep"]
    assert [r.at for r in runs] == [start, start + day]
