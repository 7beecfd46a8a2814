"""The import worker: a background thread that runs pending import jobs from the database."""

from __future__ import annotations

import logging

from cyberfusion.jobs.loop import PeriodicWorker
from cyberfusion.services import imports
from cyberfusion.services.context import Context

log = logging.getLogger("cyberfusion.jobs.imports")


class ImportWorker(PeriodicWorker):
    """Runs pending jobs when woken (after an upload) or every `interval` seconds."""

    name = "imports"

    def __init__(self, ctx: Context, interval: float = 5.0) -> None:
        super().__init__(ctx, interval)

    def start(self) -> None:
        """Put jobs a dead process left running back to pending, then start the loop."""
        recovered = imports.recover(self.ctx)
        if recovered:
            log.info("re-running %d import job(s) left running", recovered)
        super().start()

    def run(self) -> None:
        """Land every pending import."""
        imports.run_pending(self.ctx)
