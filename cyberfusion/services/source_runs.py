"""The record of one source run: started, its counts kept as pages land, finished."""

from __future__ import annotations

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.sources import RunCounts, Source, SourceRun
from cyberfusion.services import audit
from cyberfusion.services.context import Context


def start(ctx: Context, source: Source, trigger: str) -> SourceRun:
    """Record a run as running (earlier runs a dead process left running: interrupted)."""
    with ctx.db.write() as tx:
        return tx.sources.start_run(source, trigger, ctx.now())


def finish(ctx: Context, run_id: int, counts: RunCounts) -> SourceRun:
    """Store the run's final counts and errors, with an audit event."""
    status = "failed" if counts.failed else "done"
    with ctx.db.write() as tx:
        tx.sources.record_run(run_id, counts, status, ctx.now())
        found = tx.sources.get_run(run_id)
        assert found is not None
        source = tx.sources.get(found.source_id)
        audit.record(tx, ctx, None, AuditAction.SOURCE_RUN, "source", found.source_id,
                     source.org_id if source else None,
                     {"run": run_id, "direction": found.direction, "status": status,
                      **counts.as_dict(), "errors": counts.errors[:5]})
    return found
