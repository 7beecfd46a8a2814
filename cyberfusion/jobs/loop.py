"""One background loop for every in-process worker: run, wait (or be woken), repeat."""

from __future__ import annotations

import logging
import threading

from cyberfusion.services.context import Context

log = logging.getLogger("cyberfusion.jobs")


class PeriodicWorker:
    """A daemon thread calling `run()` every `interval` seconds, or at once when woken."""

    name = "worker"

    def __init__(self, ctx: Context, interval: float) -> None:
        self.ctx = ctx
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"cyberfusion-{self.name}",
                                        daemon=True)

    def run(self) -> None:
        """One round of work; subclasses say what."""
        raise NotImplementedError

    def start(self) -> None:
        """Start the loop."""
        self._thread.start()

    def wake(self) -> None:
        """Run now instead of at the next interval."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to end and wait for the current round."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run()
            except Exception:  # keep the loop alive: the next round retries
                log.exception("%s failed; retrying in %.0f s", self.name, self.interval)
            self._wake.wait(self.interval)
            self._wake.clear()
