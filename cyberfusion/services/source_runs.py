"""The record of one source run: started, its counts kept as pages land, finished."""

from __future__ import annotations

from datetime import datetime, timedelta

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.sources import RunCounts, Source, SourceRun
from cyberfusion.errors import Conflict
from cyberfusion.services import audit
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx


def lease_end(ctx: Context) -> datetime:
    """Until when a run holds its source from now."""
    return ctx.now() + timedelta(seconds=ctx.settings.source_lease_seconds)


def start(ctx: Context, source: Source, trigger: str) -> SourceRun:
    """Hold the source and record a run as running (earlier runs a dead process left
    running: interrupted); Conflict while another run holds it."""
    with ctx.db.write() as tx:
        if not tx.sources.take_lease(source.id, ctx.now(), lease_end(ctx)):
            raise Conflict(f"a run of source {source.name} is under way; try again when it "
                           "has finished")
        return tx.sources.start_run(source, trigger, ctx.now())


def progress(tx: Tx, ctx: Context, source_id: int, run_id: int, counts: RunCounts) -> None:
    """Store the counts so far and keep holding the source (in the page's transaction)."""
    tx.sources.record_run(run_id, counts, "running", None)
    tx.sources.renew_lease(source_id, lease_end(ctx))


def finish(ctx: Context, run_id: int, counts: RunCounts) -> SourceRun:
    """Store the run's final counts and errors, with an audit event."""
    status = "failed" if counts.failed else "done"
    with ctx.db.write() as tx:
        tx.sources.record_run(run_id, counts, status, ctx.now())
        found = tx.sources.get_run(run_id)
        assert found is not None
        tx.sources.drop_lease(found.source_id)
        source = tx.sources.get(found.source_id)
        audit.record(tx, ctx, None, AuditAction.SOURCE_RUN, "source", found.source_id,
                     source.org_id if source else None,
                     {"run": run_id, "direction": found.direction, "status": status,
                      **counts.as_dict(), "errors": counts.errors[:5]})
    return found
