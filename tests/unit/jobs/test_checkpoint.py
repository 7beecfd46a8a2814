"""The checkpoint worker: SQLite's write-ahead log is copied back beside the requests."""

from __future__ import annotations

from pathlib import Path

from conftest import NOW
from fastapi import FastAPI

from cyberfusion.config import Settings
from cyberfusion.domain.model import Organisation, OrgKind
from cyberfusion.jobs.checkpoint import CheckpointWorker
from cyberfusion.services.context import Context, build_context
from cyberfusion.web.app import background_workers


def test_a_checkpoint_copies_every_logged_frame(sqlite_ctx: Context) -> None:
    with sqlite_ctx.db.write() as tx:
        tx.orgs.add(Organisation("fr-cyber", "FR", OrgKind.UNIT, "FR"), NOW)
    result = sqlite_ctx.db.checkpoint()
    assert result is not None
    busy, logged, copied = result
    assert busy == 0 and logged > 0 and copied == logged


def test_serve_runs_the_worker_on_sqlite_unless_turned_off(tmp_path: Path) -> None:
    for seconds, expected in ((2.0, True), (0.0, False)):
        settings = Settings(data_dir=tmp_path, sqlite_checkpoint_seconds=seconds,
                            warninglists=False, import_workers=0)
        ctx = build_context(settings)
        workers = background_workers(FastAPI(), ctx)
        assert any(isinstance(w, CheckpointWorker) for w in workers) is expected
        ctx.db.dispose()
