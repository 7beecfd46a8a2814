"""TAXII 2.1 reads: the caller's collections and pages of their objects, manifests and
versions (sections 4-5 of docs.oasis-open.org/cti/taxii/v2.1/os).

The objects are what the STIX 2.1 export writes: the shared definitions, an identity per
owner, each case's objects and the kept knowledge. Every pooled row comes from a store query
filtered by the SQL form of `decide()` and the collection's view, in (date_added, kind, key)
order, so a page is the next `limit` objects after a position and `next` is that position:
stable under concurrent writes, with no server-side session.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.gateway import TAXII_CONTENT, Direction
from cyberfusion.domain.model import CaseFilter, Organisation, Principal, Region
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.domain.taxii import (
    VOCABULARY_ADDED,
    Collection,
    Kind,
    ObjectQuery,
    Position,
    collections_for,
    version_of,
)
from cyberfusion.errors import NotFound, PermissionDenied
from cyberfusion.formats.base import ExportContext
from cyberfusion.formats.stix.encode import gathered, vocabulary
from cyberfusion.formats.stix.generated import org_identity
from cyberfusion.services import audit, gateway
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.taxii import PoolRow
from cyberfusion.store.tx import Tx

#: Types of the objects a case generates (its other objects are kept source objects).
GENERATED = frozenset({"report", "indicator", "x-cyberfusion-value"})
_VOCABULARY = vocabulary()
_SHARED = frozenset(str(o["id"]) for o in _VOCABULARY)


@dataclass(frozen=True, slots=True)
class Item:
    """One object of a page with its date_added and version."""

    obj: dict[str, Any]
    added: datetime
    version: str
    owner: str = ""


@dataclass(frozen=True, slots=True)
class Page:
    """A page of objects; `next` is where the following page starts (None: no more)."""

    items: list[Item]
    next: Position | None


def collections(ctx: Context, principal: Principal) -> list[Collection]:
    """The caller's collections (section 5.1)."""
    require(principal, Permission.TAXII_READ)
    with ctx.db.read() as tx:
        regions = sorted({o.region for o in tx.orgs.all() if o.region is not None})
    return collections_for(principal.org, list[Region](regions))


def collection(ctx: Context, principal: Principal, collection_id: str) -> Collection:
    """One of the caller's collections; NotFound for any other id (section 5.2)."""
    for found in collections(ctx, principal):
        if found.id == collection_id:
            return found
    raise NotFound(f"no collection {collection_id}")


def objects(ctx: Context, principal: Principal, collection_id: str,
            query: ObjectQuery) -> Page:
    """A page of the collection's objects the caller may read (sections 5.3, 5.6)."""
    chosen = collection(ctx, principal, collection_id)
    now = ctx.now()
    with ctx.db.write() as tx:
        agreement = gateway.release(tx, ctx, principal.org, TAXII_CONTENT)
        names = {o.id: o.name for o in tx.orgs.all()}
        page = _page(tx, principal.org, now, chosen, query, names)
        _audit(tx, ctx, principal, chosen, page)
        gateway.record_transfer(tx, ctx, principal, principal.org_id, agreement,
                                Direction.OUTBOUND, f"taxii:{chosen.alias}",
                                {"objects": len(page.items)})
    return page


def one_object(ctx: Context, principal: Principal, collection_id: str, object_id: str,
               query: ObjectQuery) -> Page:
    """A page of the versions of one object (section 5.5); NotFound if none is readable."""
    page = objects(ctx, principal, collection_id, replace(query, ids=frozenset({object_id})))
    if not page.items and query.after.ordinal == 0 and query.after.key == "":
        raise NotFound(f"no object {object_id} in collection {collection_id}")
    return page


def versions(ctx: Context, principal: Principal, collection_id: str, object_id: str,
             query: ObjectQuery) -> Page:
    """A page of an object's versions (section 5.8), oldest first."""
    every = replace(query, ids=frozenset({object_id}), versions=frozenset({"all"}))
    return one_object(ctx, principal, collection_id, object_id, every)


def _page(tx: Tx, org: Organisation, now: datetime, chosen: Collection, q: ObjectQuery,
          names: dict[str, str], whole_rows: bool = False) -> Page:
    """The next `q.limit` wanted objects from `q.after`, and where the next page starts
    (`whole_rows`: a page ends only between rows, so a case's objects stay together)."""
    found: list[Item] = []
    pos, chunk = q.after, q.limit + 1
    while True:
        rows = _rows(tx, org, now, chosen, pos, q, chunk)
        expanded = _expand(tx, org, now, rows, names)
        for row, (owner, objs) in zip(rows, expanded, strict=True):
            here = (row.added, row.kind, row.key) == (pos.added, pos.kind, pos.key)
            start = pos.ordinal if here else 0
            if whole_rows and len(found) >= q.limit:
                return Page(found, Position(row.added, row.kind, row.key, start))
            for index in range(start, len(objs)):
                obj = objs[index]
                if not q.wants(obj, row.added):
                    continue
                if len(found) == q.limit and not whole_rows:
                    return Page(found, Position(row.added, row.kind, row.key, index))
                found.append(Item(obj, row.added, version_of(obj, row.added), owner))
        if len(rows) < chunk:
            return Page(found, None)
        last = rows[-1]
        pos = Position(last.added, last.kind, last.key, len(expanded[-1][1]))


def _rows(tx: Tx, org: Organisation, now: datetime, chosen: Collection, pos: Position,
          q: ObjectQuery, limit: int) -> list[PoolRow]:
    """The first `limit` pooled rows at or after `pos`, merged from each kind's query."""
    scope, after = chosen.scope, q.added_after
    narrow = _kept_only(q)
    branches: list[Iterable[PoolRow]] = [
        _vocabulary_rows(pos, after),
        tx.taxii.owner_rows(org, now, scope, pos, after, limit),
        tx.taxii.case_rows(org, now, scope, pos, after, limit, *narrow),
        tx.taxii.knowledge_rows(org, now, scope, pos, after, limit, q.ids, q.types),
    ]
    # Within a kind the store's order stands (a stable merge on date_added and kind).
    merged = heapq.merge(*branches, key=lambda r: (r.added, int(r.kind)))
    return [row for _, row in zip(range(limit), merged, strict=False)]


def _kept_only(q: ObjectQuery) -> tuple[frozenset[str], frozenset[str]]:
    """Ids and types that only a case's kept objects can have (none a case generates)."""
    ids = q.ids if q.ids and not {i.split("--")[0] for i in q.ids} & GENERATED \
        else frozenset()
    types = q.types if q.types and not q.types & GENERATED else frozenset()
    return ids, types


def _vocabulary_rows(pos: Position, added_after: datetime | None) -> list[PoolRow]:
    """The shared definitions at or after `pos`."""
    if added_after is not None and added_after >= VOCABULARY_ADDED:
        return []
    start = (pos.added, pos.kind, int(pos.key or 0) if pos.kind is Kind.VOCABULARY else 0)
    return [PoolRow(VOCABULARY_ADDED, Kind.VOCABULARY, str(i))
            for i in range(len(_VOCABULARY))
            if (VOCABULARY_ADDED, Kind.VOCABULARY, i) >= start]


def _expand(tx: Tx, org: Organisation, now: datetime, rows: list[PoolRow],
            names: dict[str, str]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The owner and STIX objects of each pooled row, in a fixed order."""
    case_ids = [int(r.key) for r in rows if r.kind is Kind.CASE]
    cases = {c.id: c for c in tx.cases.many(case_ids)} if case_ids else {}
    kept = tx.source_objects.of_cases(case_ids, org, now) if case_ids else {}
    context = ExportContext(kept, names, org.id)
    found: list[tuple[str, list[dict[str, Any]]]] = []
    for row in rows:
        if row.kind is Kind.VOCABULARY:
            found.append(("", [_VOCABULARY[int(row.key)]]))
        elif row.kind is Kind.OWNER:
            found.append(("", [org_identity(row.key, names)]))
        elif row.kind is Kind.CASE:
            case = cases[int(row.key)]
            own = org_identity(case.owner_org_id, {})["id"]
            found.append((case.owner_org_id, [o for o in gathered([case], context)
                                              if o["id"] not in _SHARED and o["id"] != own]))
        else:
            assert row.kept is not None
            found.append((row.kept.owner_org_id, gathered([], ExportContext(kept=[row.kept]))))
    return found


def _audit(tx: Tx, ctx: Context, principal: Principal, chosen: Collection, page: Page) -> None:
    """One event for the reader, and one per other owner whose cases or objects were read."""
    if not page.items:
        return
    audit.record(tx, ctx, principal, AuditAction.EXPORT, "taxii", chosen.id, principal.org_id,
                 {"format": "taxii", "collection": chosen.alias, "count": len(page.items)})
    owners: dict[str, int] = {}
    for item in page.items:
        if item.owner and item.owner != principal.org_id:
            owners[item.owner] = owners.get(item.owner, 0) + 1
    for owner in sorted(owners):
        audit.record(tx, ctx, principal, AuditAction.EXPORT, "taxii", chosen.id, owner,
                     {"format": "taxii", "collection": chosen.alias, "count": owners[owner]})


def refuse_write(chosen: Collection) -> None:
    """PermissionDenied unless the collection takes objects (section 5.4)."""
    if not chosen.can_write:
        raise PermissionDenied(f"collection {chosen.alias} takes no objects; add to your inbox")


def readable(tx: Tx, org: Organisation, now: datetime, scope: CaseFilter,
             query: ObjectQuery) -> Page:
    """A page of what `org` may read in full within `scope`, in pool order, never splitting
    a case: what a push sends to the organisation behind a destination (the same SQL
    access decision)."""
    names = {o.id: o.name for o in tx.orgs.all()}
    chosen = Collection("push", "push", "push", "", scope)
    return _page(tx, org, now, chosen, query, names, whole_rows=True)
