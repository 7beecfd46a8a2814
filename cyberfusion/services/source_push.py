"""Push to a remote TAXII collection what the organisation may release to its destination.

What leaves is what the destination's organisation (the source's `peer_org_id`, as known
here) may read in full of this organisation's data: the TAXII pool read with the SQL form
of `decide()` for that organisation (so exclusions, partners and personal data hold), less
anything TLP:RED, which is never federated. Each object version the remote accepted is
recorded, so a re-run sends nothing it sent before; what stayed pending is sent again.
"""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.model import CaseFilter, Organisation
from cyberfusion.domain.sources import PAGE_LIMIT, RunCounts, Source, SourceRun
from cyberfusion.domain.taxii import START, ObjectQuery, Position
from cyberfusion.formats.stix.federation import is_red
from cyberfusion.services import taxii
from cyberfusion.services.context import Context
from cyberfusion.services.source_runs import finish, progress, start
from cyberfusion.services.taxii import Item
from cyberfusion.services.taxii_remote import Remote, RemoteError

Key = tuple[str, str]


def push(ctx: Context, source: Source, trigger: str) -> SourceRun:
    """Send every releasable object version not sent before, page by page."""
    run = start(ctx, source, trigger)
    counts = RunCounts()
    try:
        with ctx.db.read() as tx:
            peer = tx.orgs.get(source.peer_org_id)
        if peer is None:
            raise RemoteError(f"no organisation {source.peer_org_id} to decide what leaves")
        remote = Remote(source, ctx.settings.source_timeout_seconds)
        _send_all(ctx, source, peer, remote, run.id, counts)
    except RemoteError as exc:
        counts.stop(str(exc))
    except Exception as exc:  # recorded on the run; the worker carries on
        counts.stop(f"{type(exc).__name__}: {exc}")
    return finish(ctx, run.id, counts)


def outgoing(ctx: Context, org_id: str, peer: Organisation, after: Position,
             limit: int = PAGE_LIMIT) -> tuple[list[Item], int, Position | None]:
    """A page of what `org_id` may send to `peer`: its data `peer` may read in full (the SQL
    access decision), never TLP:RED (left out in SQL by its handling, and any object still
    marked RED is dropped and counted); and where the next page starts."""
    now = ctx.now()
    with ctx.db.read() as tx:
        page = taxii.readable(tx, peer, now, CaseFilter(owner_org_id=org_id, federable=True),
                              ObjectQuery(limit=limit, after=after))
    sendable = [i for i in page.items if not is_red(i.obj, now.date())]
    return sendable, len(page.items) - len(sendable), page.next


def _send_all(ctx: Context, source: Source, peer: Organisation, remote: Remote,
              run_id: int, counts: RunCounts) -> None:
    """Walk the releasable pool and send each page's new object versions."""
    after: Position | None = START
    while after is not None:
        items, red, after = outgoing(ctx, source.org_id, peer, after)
        keys = [_key(i.obj, i.version) for i in items]
        with ctx.db.read() as tx:
            sent = tx.sources.pushed(source.id, keys)
        counts.fetched += len(items) + red
        counts.refused += red
        counts.pages += 1
        counts.unchanged += sum(1 for k in keys if k in sent)
        fresh = {k: i.obj for k, i in zip(keys, items, strict=True) if k not in sent}
        if fresh:
            _send(ctx, source, remote, fresh, counts)
        with ctx.db.write() as tx:
            progress(tx, ctx, source.id, run_id, counts)


def _key(obj: dict[str, Any], version: str) -> Key:
    """(id, version) of an object as pushed."""
    return str(obj["id"]), version


def _send(ctx: Context, source: Source, remote: Remote, fresh: dict[Key, dict[str, Any]],
          counts: RunCounts) -> None:
    """One add-objects request; record the versions the remote accepted (an object shared
    by several cases may come in more than one version)."""
    status = remote.add(list(fresh.values()), ctx.settings.source_status_wait_seconds)
    accepted = {str(d.get("id")) for d in status.get("successes") or []}
    done = [key for key in fresh if key[0] in accepted]
    for detail in status.get("failures") or []:
        counts.refused += 1
        counts.error(f"the remote refused {detail.get('id')}: {detail.get('message', '')}")
    pending = len(status.get("pendings") or [])
    if pending:
        counts.error(f"{pending} object(s) still pending at the remote; sent again next run")
    counts.pushed += len(done)
    with ctx.db.write() as tx:
        tx.sources.mark_pushed(source.id, done, ctx.now())

