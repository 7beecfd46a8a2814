"""Network recomputation as a job: incremental after imports and submissions, full on a schedule.

Landings queue their cases (`network_dirty`) in their own transaction; `run_once` takes the
queue and recomputes the components those cases touch, and a full run every `full_every`
catches the rest (revocations, changed settings). It is what `cyberfusion network
recompute` runs from cron, and what the `NetworkWorker` thread runs inside `cyberfusion
serve`. Runs check the state's version before writing, so several processes may run it.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from cyberfusion.services import networks
from cyberfusion.services.context import Context

log = logging.getLogger("cyberfusion.jobs.networks")
#: How often a full recomputation runs even when nothing asked for one.
FULL_EVERY = timedelta(hours=24)


def run_once(ctx: Context, full_every: timedelta = FULL_EVERY) -> networks.RunReport | None:
    """An incremental run if cases changed, a full one when the last is older than `full_every`."""
    with ctx.db.read() as tx:
        state = tx.networks.state()
    due = state.last_full_at is None or ctx.now() - state.last_full_at >= full_every
    report = networks.recompute(ctx, full=due)
    if report is not None:
        log.info("networks: %s run over %d cases, %d clusters (%d new, %d kept, %d dissolved) "
                 "in %.2f s", report.kind, report.cases, report.clusters, report.created,
                 report.kept, report.dissolved, report.seconds)
    return report


class NetworkWorker:
    """A daemon thread running `run_once` every `interval` seconds, or at once when woken."""

    def __init__(self, ctx: Context, interval: float = 30.0) -> None:
        self.ctx = ctx
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cyberfusion-networks",
                                        daemon=True)

    def start(self) -> None:
        """Start the loop."""
        self._thread.start()

    def wake(self) -> None:
        """Run now (after an import, say)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to end and wait for the current run."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_once(self.ctx)
            except Exception:  # keep the worker alive; the next run retries
                log.exception("network recomputation failed")
            self._wake.wait(self.interval)
            self._wake.clear()
