"""The channel sweep as a job: escalate what is overdue, then deliver the outbox.

`run_once` is what tests call with a fixed clock and what `cyberfusion sweep` runs; the
`Sweeper` thread runs it every `sweep_interval_seconds` inside `cyberfusion serve`. Any
number of processes may sweep one PostgreSQL database at once (SKIP LOCKED).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from cyberfusion.services import escalation, notify
from cyberfusion.services.context import Context

log = logging.getLogger("cyberfusion.jobs.channel")


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one run did."""

    sweep: escalation.SweepReport
    delivered: int


def run_once(ctx: Context) -> RunReport:
    """Act on due deadlines, then send due e-mails and webhook calls."""
    report = escalation.sweep(ctx)
    delivered = 0
    while True:
        sent = notify.deliver_due(ctx)
        delivered += sent
        if sent == 0:
            break
    if report.escalated or report.reminded or delivered:
        log.info("channel sweep: %d escalated, %d reminded, %d settled, %d delivered",
                 report.escalated, report.reminded, report.settled, delivered)
    return RunReport(report, delivered)


class Sweeper:
    """A daemon thread running `run_once` every `interval` seconds until stopped."""

    def __init__(self, ctx: Context, interval: float) -> None:
        self.ctx = ctx
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cyberfusion-sweep",
                                        daemon=True)

    def start(self) -> None:
        """Start sweeping in the background."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to end and wait for the current run."""
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_once(self.ctx)
            except Exception:  # keep sweeping: a bad row must not stop escalation
                log.exception("channel sweep failed; retrying in %.0f s", self.interval)
            self._stop.wait(self.interval)
