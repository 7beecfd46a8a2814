"""Network recomputation as a job: incremental after imports and submissions, full on a schedule.

Landings queue their cases (`network_dirty`) in their own transaction; `run_once` takes the
queue and recomputes the components those cases touch, and a full run every `full_every`
catches the rest (revocations, changed settings). It is what `cyberfusion network
recompute` runs from cron, and what the `NetworkWorker` thread runs inside `cyberfusion
serve`. Runs check the state's version before writing, so several processes may run it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from cyberfusion.domain.networks import Run
from cyberfusion.jobs.loop import PeriodicWorker
from cyberfusion.services import networks
from cyberfusion.services.context import Context

log = logging.getLogger("cyberfusion.jobs.networks")
#: How often a full recomputation runs even when nothing asked for one.
FULL_EVERY = timedelta(hours=24)


def run_once(ctx: Context, full_every: timedelta = FULL_EVERY) -> Run | None:
    """An incremental run if cases changed, a full one when the last is older than `full_every`."""
    state = networks.state(ctx)
    due = state.last_full_at is None or ctx.now() - state.last_full_at >= full_every
    report = networks.recompute(ctx, full=due)
    if report is not None:
        log.info("networks: %s run over %d cases, %d clusters (%d new, %d kept, %d dissolved) "
                 "in %.2f s", report.kind, report.cases, report.clusters, report.created,
                 report.kept, report.dissolved, report.seconds)
    return report


class NetworkWorker(PeriodicWorker):
    """Runs `run_once` every `interval` seconds, or at once when woken (after an import)."""

    name = "networks"

    def __init__(self, ctx: Context, interval: float = 30.0) -> None:
        super().__init__(ctx, interval)

    def run(self) -> None:
        """One incremental (or due full) recomputation."""
        run_once(self.ctx)
