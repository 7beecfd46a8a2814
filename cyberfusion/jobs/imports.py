"""The import worker: a background thread that runs pending import jobs from the database."""

from __future__ import annotations

import logging
import threading

from cyberfusion.services import intake
from cyberfusion.services.context import Context

log = logging.getLogger("cyberfusion.jobs.imports")


class ImportWorker:
    """Runs pending jobs when woken (after an upload) or every `interval` seconds."""

    def __init__(self, ctx: Context, interval: float = 5.0) -> None:
        self.ctx = ctx
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="import-worker", daemon=True)

    def start(self) -> None:
        """Put jobs a dead process left running back to pending, then start the loop."""
        recovered = intake.recover(self.ctx)
        if recovered:
            log.info("re-running %d import job(s) left running", recovered)
        self._thread.start()

    def wake(self) -> None:
        """Look for pending jobs now."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the current batch's job loop and stop."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                intake.run_pending(self.ctx)
            except Exception:  # keep the worker alive; the job row says what failed
                log.exception("import worker failed")
            self._wake.wait(self.interval)
            self._wake.clear()
