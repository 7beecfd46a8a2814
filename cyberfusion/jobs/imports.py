"""Import workers: background threads that run pending import jobs from the database."""

from __future__ import annotations

import logging

from cyberfusion.jobs.loop import PeriodicWorker
from cyberfusion.services import imports
from cyberfusion.services.context import Context

log = logging.getLogger("cyberfusion.jobs.imports")


class ImportWorker(PeriodicWorker):
    """Runs pending jobs when woken (after an upload) or every `interval` seconds."""

    name = "imports"

    def run(self) -> None:
        """Land every pending import (each job is claimed by one worker only)."""
        imports.run_pending(self.ctx)


class ImportWorkers:
    """`count` import workers: jobs a dead process left running go back to pending once,
    before any worker starts (a later recovery would hand a running job to a second one)."""

    def __init__(self, ctx: Context, count: int, interval: float = 5.0) -> None:
        self.ctx = ctx
        self.workers = [ImportWorker(ctx, interval) for _ in range(count)]

    def start(self) -> None:
        """Recover, then start every loop."""
        recovered = imports.recover(self.ctx)
        if recovered:
            log.info("re-running %d import job(s) left running", recovered)
        for worker in self.workers:
            worker.start()

    def wake(self) -> None:
        """Wake every loop; the first to claim a new job runs it."""
        for worker in self.workers:
            worker.wake()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop every loop."""
        for worker in self.workers:
            worker.stop(timeout)
