"""Scheduled TAXII source runs: a loop that claims due sources from the database.

Each source's next run time lives in its row; claiming moves it on in one conditional
update, so several processes may run this loop and each scheduled run happens once.
"""

from __future__ import annotations

import logging

from cyberfusion.jobs.loop import PeriodicWorker
from cyberfusion.services import sources

log = logging.getLogger("cyberfusion.jobs.sources")


class SourceWorker(PeriodicWorker):
    """Runs every source that is due, every `interval` seconds."""

    name = "sources"

    def run(self) -> None:
        """Pull or push each due source (a failed run is recorded on the run)."""
        ran = sources.run_due(self.ctx)
        if ran:
            log.info("ran %d scheduled TAXII source(s)", ran)
