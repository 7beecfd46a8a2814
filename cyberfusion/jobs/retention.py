"""The retention sweep as a job: run from cron (`cyberfusion retention sweep`) or a worker."""

from __future__ import annotations

import logging

from cyberfusion.services import retention
from cyberfusion.services.context import Context

log = logging.getLogger("cyberfusion.jobs.retention")


def sweep(ctx: Context) -> int:
    """Delete records past review and grace; log and return how many went."""
    purged = retention.purge_expired(ctx)
    log.info("retention sweep deleted %d case(s)", purged)
    return purged
