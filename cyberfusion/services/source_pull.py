"""Pull a remote TAXII collection: page with `limit`/`next`/`more` from the `added_after`
bookmark, land each page through the STIX import in one transaction with the bookmark.

Each object is checked on arrival (formats/stix/federation): TLP:RED and what its handling
does not release to us are refused; our own objects coming back are skipped. The rest
lands with our extension's handling combined with the source's defaults (the stricter
wins), or the defaults alone. A server that times out, repeats pages or says `more`
without sending anything stops the run with a recorded error; nothing after the last
landed page is bookmarked, and landing is idempotent, so a re-run duplicates nothing.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson

from cyberfusion import collector
from cyberfusion.domain.imports import ImportDefaults, Severity
from cyberfusion.domain.model import Organisation
from cyberfusion.domain.sources import MAX_PAGES, PAGE_LIMIT, Bookmark, RunCounts, Source, SourceRun
from cyberfusion.domain.taxii import version_of
from cyberfusion.errors import InvalidInput
from cyberfusion.formats import base
from cyberfusion.formats.stix.federation import created_by, refusal
from cyberfusion.formats.stix.generated import org_identity
from cyberfusion.services import hits, imports
from cyberfusion.services.context import Context
from cyberfusion.services.flags import matcher_for
from cyberfusion.services.landing import Lander
from cyberfusion.services.source_runs import finish, progress, start
from cyberfusion.services.taxii_remote import Remote, RemoteError, RemotePage

#: Most pages held back while a report waits for the objects it names.
HOLD = 8


class Stop(Exception):
    """The walk stops here, for the reason given (recorded on the run)."""


@dataclass
class Walk:
    """One pull's state: the bookmark as landed, what this run has seen, the counts."""

    source: Source
    run_id: int
    bookmark: Bookmark
    receiver: Organisation
    defaults: ImportDefaults
    counts: RunCounts = field(default_factory=RunCounts)
    seen: set[tuple[str, str]] = field(default_factory=set)


def pull(ctx: Context, source: Source, trigger: str) -> SourceRun:
    """Walk the remote collection from the bookmark, landing page by page."""
    run = start(ctx, source, trigger)
    with ctx.db.read() as tx:
        receiver = tx.orgs.get(source.org_id)
    assert receiver is not None
    walk = Walk(source, run.id, source.bookmark, receiver,
                imports.org_defaults(ctx, source.org_id, options_of(source)))
    try:
        remote = Remote(source, ctx.settings.source_timeout_seconds)
        with collector.relaxed():
            _walk(ctx, remote, walk)
    except (RemoteError, Stop, InvalidInput) as exc:
        walk.counts.stop(str(exc) + _located(exc))
    except Exception as exc:  # recorded on the run; the worker carries on
        walk.counts.stop(f"{type(exc).__name__}: {exc}")
    return finish(ctx, run.id, walk.counts)


def options_of(source: Source) -> imports.ImportOptions:
    """The import options a source was configured with."""
    d = source.defaults
    return imports.ImportOptions(
        codec="stix21", tlp=str(d.get("tlp", "amber")),
        release=tuple(d.get("release") or ("members",)), partners=tuple(d.get("partners", ())),
        hit_policy=str(d.get("hit_policy", "hit")),
        purpose=str(d.get("purpose", "investigation")), tlp_floor=str(d.get("tlp_floor", "")))


def _located(exc: Exception) -> str:
    """The first located issue of an InvalidInput, as ` (where: what)`."""
    issues = getattr(exc, "issues", None)
    return f" ({issues[0].location}: {issues[0].message})" if issues else ""


def _walk(ctx: Context, remote: Remote, walk: Walk) -> None:
    """Fetch and land pages until the remote says there is no more. A page whose report
    names objects still to come is held and landed with the next (at most HOLD pages), so
    a case split by the remote's paging lands whole; the bookmark moves only after both."""
    resumed = bool(walk.bookmark.next)
    cursor = walk.bookmark.next
    held: list[RemotePage] = []
    while True:
        if walk.counts.pages >= MAX_PAGES:
            raise Stop(f"stopped after {MAX_PAGES} pages; the next run goes on")
        try:
            page = remote.page(walk.bookmark.added_after, cursor, PAGE_LIMIT)
        except RemoteError:
            if not resumed:
                raise
            # A `next` kept from an earlier run may have expired: walk again from added_after
            walk.bookmark = Bookmark(walk.bookmark.added_after)
            resumed, cursor = False, ""
            continue
        resumed = False
        _check(page, walk)
        held.append(page)
        cursor = page.next
        if page.more and len(held) < HOLD and _awaits(held):
            continue
        _land(ctx, held, walk)
        held = []
        if not walk.bookmark.next:
            return


def _awaits(pages: list[RemotePage]) -> bool:
    """True if a report of these pages names objects they do not hold (yet)."""
    have = {str(o.get("id")) for p in pages for o in p.objects}
    for page in pages:
        for obj in page.objects:
            refs = obj.get("object_refs") if obj.get("type") == "report" else None
            if isinstance(refs, list) and any(str(r) not in have for r in refs):
                return True
    return False


def _check(page: RemotePage, walk: Walk) -> None:
    """Stop on a server that lies about `more` or repeats itself."""
    if page.more and not page.objects:
        raise Stop("the server said `more` but sent no objects")
    if page.more and not page.next:
        raise Stop("the server said `more` but gave no `next` to go on with")
    keys = {(str(o.get("id")), _version(o)) for o in page.objects}
    if keys and keys <= walk.seen:
        raise Stop("the server repeats a page (the same objects came again)")
    walk.seen |= keys


def _version(obj: dict[str, Any]) -> str:
    """An object's version as sent (modified, else created)."""
    found = obj.get("modified") or obj.get("created") or ""
    return str(found)


def _land(ctx: Context, pages: list[RemotePage], walk: Walk) -> None:
    """Land fetched pages together and move the bookmark in the same transaction."""
    counts = walk.counts
    objects = [o for p in pages for o in p.objects]
    counts.pages += len(pages)
    counts.fetched += len(objects)
    kept = _admitted(ctx, objects, walk)
    moved = walk.bookmark
    for page in pages:
        moved = moved.after_page(page.more, page.next, page.last)
    name = f"taxii-{walk.source.name}.json"
    bundle = orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": kept})
    base.load_builtins()
    codec = base.CODECS["stix21"]()
    with ctx.db.write() as tx:
        held = tx.taxii.kept_versions(walk.source.org_id, sorted({str(o["id"]) for o in kept}))
        fresh = sum(1 for o in kept if not _held(held.get(str(o["id"])), _version(o)))
        lander = Lander(tx, walk.defaults, None, None, ctx.now(), matcher_for(ctx),
                        f"taxii:{walk.source.name}")
        rejected = 0
        for batch in codec.decode(io.BytesIO(bundle), name, walk.defaults) if kept else ():
            done = lander.land(batch)
            hits.on_cases_landed(tx, ctx, walk.source.org_id, done.case_ids, None)
            rejected += done.rejected
            for issue in batch.issues:
                if issue.severity is Severity.ERROR:
                    counts.error(f"{issue.location}: {issue.message}")
        counts.refused += rejected
        counts.landed += max(0, fresh - rejected)
        counts.unchanged += len(kept) - fresh
        tx.sources.set_bookmark(walk.source.id, moved)
        progress(tx, ctx, walk.source.id, walk.run_id, counts)
    walk.bookmark = moved


def _held(stored: str | None, version: str) -> bool:
    """True if this version (or a newer one) of the object is kept already."""
    return stored is not None and bool(version) and stored >= version


def _admitted(ctx: Context, objects: list[dict[str, Any]], walk: Walk) -> list[dict[str, Any]]:
    """The objects that may land here: not ours coming back, not refused by their handling."""
    ours = org_identity(walk.source.org_id, {})["id"]
    now = ctx.now()
    kept: list[dict[str, Any]] = []
    for obj in objects:
        if created_by(obj) == ours or obj.get("id") == ours:
            walk.counts.unchanged += 1
            continue
        why = refusal(obj, walk.receiver, now)
        if why:
            walk.counts.refused += 1
            walk.counts.error(f"refused {obj.get('id')} ({version_of(obj, now)}): {why}")
            continue
        kept.append(obj)
    return kept
