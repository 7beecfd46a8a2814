"""The retention sweep as a job: run from cron (`cyberfusion retention sweep`) or by the
worker `cyberfusion serve` starts, so data past review and grace goes even without cron."""

from __future__ import annotations

import logging
from datetime import timedelta

from cyberfusion.jobs.loop import PeriodicWorker
from cyberfusion.services import retention
from cyberfusion.services.context import Context

log = logging.getLogger("cyberfusion.jobs.retention")


def sweep(ctx: Context) -> int:
    """Delete records past review and grace; log and return how many went."""
    purged = retention.purge_expired(ctx)
    log.info("retention sweep deleted %d case(s)", purged)
    return purged


def sweep_if_due(ctx: Context, period: timedelta) -> int | None:
    """The worker's sweep: once per `period` across every process on the database."""
    purged = retention.sweep_once_per(ctx, period)
    if purged is not None:
        log.info("retention sweep deleted %d case(s)", purged)
    return purged


class RetentionWorker(PeriodicWorker):
    """Runs the retention sweep at start and then every `interval` seconds, unless another
    process on the same database swept within the interval."""

    name = "retention"

    def run(self) -> None:
        """One sweep, if due."""
        sweep_if_due(self.ctx, timedelta(seconds=self.interval))
