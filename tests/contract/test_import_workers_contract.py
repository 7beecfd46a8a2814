"""Several import workers on one database: every pending job is run once, by one of them."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from worlds import World, build_world

from cyberfusion.jobs.imports import ImportWorkers
from cyberfusion.services import imports
from cyberfusion.services.context import Context
from cyberfusion.services.import_runs import HOST


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def _submit(world: World, tmp_path: Path, count: int) -> list[int]:
    ids = []
    for n in range(count):
        path = tmp_path / f"iocs-{n}.txt"
        path.write_text(f"C2 at 198.51.100.{n + 1} and evil-{n}.example.net\n")
        job = imports.submit_path(world.ctx, world.principals["fr-cyber"], path,
                                  imports.ImportOptions(codec="text"))
        ids.append(job.id)
    return ids


def _wait_done(world: World, ids: list[int], seconds: float = 60.0) -> list[imports.ImportJob]:
    principal = world.principals["fr-cyber"]
    deadline = time.monotonic() + seconds
    while True:
        jobs = [imports.get_job(world.ctx, principal, i) for i in ids]
        if all(j.status not in ("pending", "running") for j in jobs) or time.monotonic() > deadline:
            return jobs
        time.sleep(0.05)


def test_three_workers_run_each_job_once(world: World, tmp_path: Path) -> None:
    ids = _submit(world, tmp_path, 6)
    workers = ImportWorkers(world.ctx, 3, interval=0.05)
    workers.start()
    try:
        workers.wake()
        jobs = _wait_done(world, ids)
    finally:
        workers.stop()
    assert [j.status for j in jobs] == ["done"] * 6, [j.error for j in jobs]
    # A job landed twice would count its case again as unchanged (or updated).
    assert [j.counts for j in jobs] == [jobs[0].counts] * 6
    assert jobs[0].counts["created"] == 1 and jobs[0].counts["unchanged"] == 0


def dead_holder() -> str:
    """A lease holder on this host whose process has exited (as after kill -9)."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return f"{HOST}:{gone.stdout.strip()}:deadbeef"


def test_jobs_left_running_are_recovered_once_before_any_worker_starts(
        world: World, tmp_path: Path) -> None:
    ids = _submit(world, tmp_path, 2)
    with world.ctx.db.write() as tx:  # a live-looking lease, held by a process now gone
        tx.imports.claim(ids[0], world.ctx.now(), dead_holder(),
                         world.ctx.now() + timedelta(hours=1))
    workers = ImportWorkers(world.ctx, 2, interval=0.05)
    workers.start()
    try:
        jobs = _wait_done(world, ids)
    finally:
        workers.stop()
    assert [j.status for j in jobs] == ["done", "done"]
