"""SQLite checkpoints off the request path: a committing request never pays for one."""

from __future__ import annotations

from cyberfusion.jobs.loop import PeriodicWorker


class CheckpointWorker(PeriodicWorker):
    """Runs a passive WAL checkpoint every `interval` seconds (SQLite only)."""

    name = "checkpoint"

    def run(self) -> None:
        """One passive checkpoint."""
        self.ctx.db.checkpoint()
