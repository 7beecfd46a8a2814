"""The retention sweep as a job: run from cron (`cyberfusion retention sweep`) or by the
worker `cyberfusion serve` starts, so data past review and grace goes even without cron."""

from __future__ import annotations

import logging

from cyberfusion.jobs.loop import PeriodicWorker
from cyberfusion.services import retention
from cyberfusion.services.context import Context

log = logging.getLogger("cyberfusion.jobs.retention")


def sweep(ctx: Context) -> int:
    """Delete records past review and grace; log and return how many went."""
    purged = retention.purge_expired(ctx)
    log.info("retention sweep deleted %d case(s)", purged)
    return purged


class RetentionWorker(PeriodicWorker):
    """Runs the retention sweep at start and then every `interval` seconds."""

    name = "retention"

    def run(self) -> None:
        """One sweep."""
        sweep(self.ctx)
