"""The MISP feed of what an organisation reads in full: one walk shared by the feed folder
(`cyberfusion export --format misp-feed`) and the feed URL (`/api/v1/export/misp-feed/`).

Events come page by page from `exports.export_cases` (the access decision in SQL, the Gateway
check for partners, every page audited), one event per case, except that the parts of one
MISP event (split on import by distribution, or imported by several organisations) go out
as the one event they were, at the place of the first part (as `encode.merged` joins them).
So memory holds one page, and `<uuid>.json` is found by uuid without walking the events:
kept events by their source ref, generated ones by the uuid of each readable case id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from cyberfusion.domain.gateway import CASE_CONTENT
from cyberfusion.domain.model import CaseFilter, Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import NotFound
from cyberfusion.formats.misp.decode import FEED_UUID
from cyberfusion.formats.misp.encode import case_event_uuid, event_for, merged, stored_event
from cyberfusion.formats.misp.feed import event_file, feed_files, hashes_chunks, manifest_chunks
from cyberfusion.services import exports, gateway
from cyberfusion.services.context import Context

#: Cases per page of the walk, and case ids per page of a uuid look-up.
PAGE = exports.MAX_EXPORT
_SCAN = 10_000
_RESTRICTED = ":restricted"

Event = dict[str, Any]


def write_folder(ctx: Context, principal: Principal, filters: CaseFilter, folder: Path) -> int:
    """Write a MISP feed folder of every readable case `filters` pick; the events written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = -2  # the manifest and hashes.csv come last
    for name, content in feed_files(events(ctx, principal, filters)):
        (folder / name).write_bytes(content)
        written += 1
    return max(written, 0)


def manifest(ctx: Context, principal: Principal, filters: CaseFilter) -> Iterator[bytes]:
    """`manifest.json`, streamed (refused before the first byte when the caller may not)."""
    _may(ctx, principal)
    return manifest_chunks(events(ctx, principal, filters))


def hashes(ctx: Context, principal: Principal, filters: CaseFilter) -> Iterator[bytes]:
    """`hashes.csv`, streamed (refused before the first byte when the caller may not)."""
    _may(ctx, principal)
    return hashes_chunks(events(ctx, principal, filters))


def event(ctx: Context, principal: Principal, uid: str) -> bytes:
    """`<uid>.json`: the event as the feed walk writes it; NotFound unless readable."""
    _may(ctx, principal)
    if not FEED_UUID.fullmatch(uid):
        raise NotFound(f"no event {uid}")
    ids = _readable(ctx, principal, CaseFilter(), _part_cases(ctx, [uid]).get(uid, []))
    if not ids:
        ids = _scan(ctx, principal, uid)
    for found in _group(ctx, principal, CaseFilter(), ids) if ids else ():
        if found.get("uuid") == uid:
            return event_file(found)
    raise NotFound(f"no event {uid}")


def events(ctx: Context, principal: Principal, filters: CaseFilter) -> Iterator[Event]:
    """Every feed event of the readable cases `filters` pick, page by page, in id order."""
    after: str | None = ""
    while after is not None:
        page = exports.export_cases(ctx, principal, filters, "misp", PAGE, after)
        made = [(case.id, event_for(case, page.context)) for case in page.cases]
        kept = {e["uuid"] for case, e in made if _has_kept(page, case) and _valid(e)}
        held = _part_cases(ctx, sorted(kept))
        readable = set(_readable(ctx, principal, filters,
                                 sorted({i for ids in held.values() for i in ids})))
        for case_id, found in made:
            if not _valid(found):
                found["uuid"] = case_event_uuid(principal.org_id, case_id)
            parts = [i for i in held.get(found["uuid"], []) if i in readable] \
                if found["uuid"] in kept else []
            if len(parts) <= 1:
                yield found
            elif min(parts) == case_id:
                yield from _group(ctx, principal, filters, parts)
        after = page.next


def _group(ctx: Context, principal: Principal, filters: CaseFilter,
           ids: list[int]) -> list[Event]:
    """The events of these cases, parts of one event joined into one."""
    page = exports.export_cases(ctx, principal, replace(filters, case_ids=tuple(ids)),
                                "misp", PAGE, "")
    found = [event_for(case, page.context) for case in page.cases]
    for case, made in zip(page.cases, found, strict=True):
        if not _valid(made):
            made["uuid"] = case_event_uuid(principal.org_id, case.id)
    return merged(found)


def _part_cases(ctx: Context, uids: list[str]) -> dict[str, list[int]]:
    """The ids of the cases keeping a part of each MISP event (before any access check)."""
    with ctx.db.read() as tx:
        return {uid: tx.source_objects.case_ids_of_refs([f"misp:{uid}",
                                                         f"misp:{uid}{_RESTRICTED}"])
                for uid in uids}


def _readable(ctx: Context, principal: Principal, filters: CaseFilter,
              ids: list[int]) -> list[int]:
    """Which of `ids` the caller reads in full among the cases `filters` pick."""
    if not ids:
        return []
    with ctx.db.read() as tx:
        found, _ = tx.cases.ids_after(principal.org, ctx.now(),
                                      replace(filters, case_ids=tuple(ids)), 0, len(ids))
    return found


#: Generated event uuid -> case id, per producing organisation: a pure function of the two
#: (uuid5), so an entry is never wrong, only possibly absent; access is checked after.
_NAMED: dict[str, dict[str, int]] = {}
_NAMED_MAX = 1_000_000


def _scan(ctx: Context, principal: Principal, uid: str) -> list[int]:
    """The readable case whose generated event has this uuid ([] if none)."""
    named = _NAMED.setdefault(principal.org_id, {})
    if uid in named:
        return [named[uid]]
    after = 0
    while True:
        with ctx.db.read() as tx:
            ids, _ = tx.cases.ids_after(principal.org, ctx.now(), CaseFilter(), after, _SCAN)
        if sum(len(n) for n in _NAMED.values()) + len(ids) > _NAMED_MAX:
            _NAMED.clear()
            named = _NAMED.setdefault(principal.org_id, {})
        named.update((case_event_uuid(principal.org_id, i), i) for i in ids)
        if uid in named:
            return [named[uid]]
        if len(ids) < _SCAN:
            return []
        after = ids[-1]


def _has_kept(page: exports.Export, case_id: int) -> bool:
    return stored_event(page.context.source_objects.get(case_id, [])) is not None


def _valid(found: Event) -> bool:
    uid = found.get("uuid")
    return isinstance(uid, str) and FEED_UUID.fullmatch(uid) is not None


def _may(ctx: Context, principal: Principal) -> None:
    """The checks every export makes, before a streamed answer starts."""
    require(principal, Permission.EXPORT)
    with ctx.db.read() as tx:
        gateway.release(tx, ctx, principal.org, CASE_CONTENT)
