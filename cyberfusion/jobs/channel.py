"""The channel sweep as a job: escalate what is overdue, deliver the outbox, and send the
copies of approved reports that are due (first tries and retries).

`run_once` is what tests call with a fixed clock and what `cyberfusion sweep` runs; the
`Sweeper` thread runs it every `sweep_interval_seconds` inside `cyberfusion serve`. Any
number of processes may sweep one PostgreSQL database at once (SKIP LOCKED).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from cyberfusion.jobs.loop import PeriodicWorker
from cyberfusion.services import escalation, notify, report_delivery
from cyberfusion.services.context import Context

log = logging.getLogger("cyberfusion.jobs.channel")


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one run did."""

    sweep: escalation.SweepReport
    delivered: int
    reports: int = 0


def run_once(ctx: Context) -> RunReport:
    """Act on due deadlines, send due e-mails and webhook calls, then due report copies."""
    report = escalation.sweep(ctx)
    delivered = 0
    while True:
        sent = notify.deliver_due(ctx)
        delivered += sent
        if sent == 0:
            break
    copies = report_delivery.deliver_due(ctx)
    if report.escalated or report.reminded or delivered or copies:
        log.info("channel sweep: %d escalated, %d reminded, %d settled, %d delivered, "
                 "%d report copies sent", report.escalated, report.reminded, report.settled,
                 delivered, copies)
    return RunReport(report, delivered, copies)


class Sweeper(PeriodicWorker):
    """Runs the escalation and outbox sweep every `interval` seconds until stopped."""

    name = "sweep"

    def run(self) -> None:
        """One sweep: due escalations, then due deliveries."""
        run_once(self.ctx)
