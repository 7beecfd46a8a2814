"""TAXII sources of an organisation: configure, list, remove, run (pull or push) and the
scheduled runs the source worker claims from the database.

A source names a remote API root and collection, how to authenticate (the credentials
stay in an environment variable, never in the database), a schedule, the handling of
what arrives without ours, and, for a push, the organisation whose access decides what
leaves. Each run is recorded with its counts and errors.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.domain.sources import Direction, Source, SourceDraft, SourceRun, check_draft
from cyberfusion.errors import Conflict, InvalidInput, Issue, NotFound
from cyberfusion.services import audit, imports, source_pull, source_push
from cyberfusion.services.context import Context


@dataclass(frozen=True, slots=True)
class SourceView:
    """A source with its newest runs, as lists show it."""

    source: Source
    runs: list[SourceRun]


def add(ctx: Context, principal: Principal, draft: SourceDraft,
        options: imports.ImportOptions) -> Source:
    """Configure a source for the caller's organisation."""
    require(principal, Permission.SOURCE_MANAGE)
    check_draft(draft)
    imports.org_defaults(ctx, principal.org_id, options)
    stored = replace(draft, defaults=asdict(options))
    with ctx.db.write() as tx:
        if tx.sources.by_name(principal.org_id, draft.name) is not None:
            raise InvalidInput("name taken", [Issue("name", f"{draft.name} exists already")])
        if draft.peer_org_id and tx.orgs.get(draft.peer_org_id) is None:
            raise InvalidInput("unknown organisation",
                               [Issue("peer_org", f"no organisation {draft.peer_org_id}")])
        source = tx.sources.add(principal.org_id, stored, ctx.now())
        audit.record(tx, ctx, principal, AuditAction.SOURCE_ADD, "source", source.id,
                     principal.org_id, {"name": source.name, "direction": source.direction,
                                        "url": source.collection_url})
    return source


def listing(ctx: Context, principal: Principal, runs_per_source: int = 5) -> list[SourceView]:
    """The organisation's sources with their newest runs."""
    require(principal, Permission.SOURCE_READ)
    with ctx.db.read() as tx:
        found = tx.sources.of_org(principal.org_id)
        runs = tx.sources.runs([s.id for s in found], runs_per_source * max(1, len(found)))
    return [SourceView(s, [r for r in runs if r.source_id == s.id][:runs_per_source])
            for s in found]


def get(ctx: Context, principal: Principal, name: str) -> Source:
    """One of the organisation's sources by name."""
    require(principal, Permission.SOURCE_READ)
    with ctx.db.read() as tx:
        found = tx.sources.by_name(principal.org_id, name)
    if found is None:
        raise NotFound(f"no source {name}")
    return found


def runs(ctx: Context, principal: Principal, name: str, limit: int = 50) -> list[SourceRun]:
    """The newest runs of one source."""
    source = get(ctx, principal, name)
    with ctx.db.read() as tx:
        return tx.sources.runs([source.id], min(limit, 500))


def remove(ctx: Context, principal: Principal, name: str) -> None:
    """Forget a source with its runs and its record of pushed objects."""
    require(principal, Permission.SOURCE_MANAGE)
    source = get(ctx, principal, name)
    with ctx.db.write() as tx:
        tx.sources.remove(source.id)
        audit.record(tx, ctx, principal, AuditAction.SOURCE_REMOVE, "source", source.id,
                     principal.org_id, {"name": source.name})


def run(ctx: Context, principal: Principal, name: str, direction: Direction) -> SourceRun:
    """Run one source now (`pull` or `push`, as it is configured)."""
    require(principal, Permission.SOURCE_RUN)
    source = get(ctx, principal, name)
    if source.direction is not direction:
        raise InvalidInput("wrong direction", [Issue("source", f"{name} is a "
                                               f"{source.direction.value} source")])
    return execute(ctx, source, "manual")


def queue(ctx: Context, principal: Principal, name: str) -> Source:
    """Ask for a run of one source as soon as the source worker looks (API, web page)."""
    require(principal, Permission.SOURCE_RUN)
    source = get(ctx, principal, name)
    with ctx.db.write() as tx:
        tx.sources.queue(source.id, ctx.now())
        found = tx.sources.get(source.id)
    assert found is not None
    return found


def execute(ctx: Context, source: Source, trigger: str) -> SourceRun:
    """Run a source (no permission check: callers have done it, or it is scheduled)."""
    runner = source_pull.pull if source.direction is Direction.PULL else source_push.push
    return runner(ctx, source, trigger)


def run_due(ctx: Context) -> int:
    """Run every source whose time has come, each claimed by one worker: scheduled ones,
    and those asked for through the API or the page (`queued`)."""
    ran = 0
    while True:
        with ctx.db.write() as tx:
            source = tx.sources.claim_due(ctx.now())
        if source is None:
            return ran
        try:
            execute(ctx, source, "schedule" if source.interval_seconds else "queued")
        except Conflict:  # a run of it is under way elsewhere: that one is enough
            continue
        ran += 1
