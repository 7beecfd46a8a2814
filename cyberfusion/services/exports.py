"""Exports of what the principal may read in full; every export is audited per owner.

Formats are the registered exporters (STIX 2.1, MISP, CSV, JSON lines …). Source objects
kept from imports travel with their case when the caller may read them. Knowledge kept
outside any case (ATT&CK techniques, actors, relationships, identities, locations, marking
definitions, custom `x-` objects …) travels too, filtered by the access decision in the
store query: all of it the caller may read when no filter narrows the export, and otherwise
only what the exported cases' objects name (following names up to `LINK_HOPS` steps).
Entity rows and relationships (MISP galaxy clusters, analysts' case links, and the rows of
kept STIX objects) follow the same policy: every one the caller reads in full, or only the
relationships that touch the exported cases and the entity rows at their other ends.

An export is one page of a walk in case id order: at most `limit` cases after the `after`
cursor, and the `next` cursor when more remain. Only the first page of an unfiltered walk
carries all readable knowledge; later pages carry what their own cases name, so a walk
writes each case once and the knowledge once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.gateway import CASE_CONTENT, DataCategory, Direction
from cyberfusion.domain.imports import KeptObject
from cyberfusion.domain.knowledge import EndKind, Entity, Relationship
from cyberfusion.domain.model import Case, CaseFilter, Organisation, Principal
from cyberfusion.domain.paging import MAX_PAGE, decode_after, encode_after
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats import base
from cyberfusion.formats.stix.closure import named_refs
from cyberfusion.services import audit, gateway
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx

JSONL = "jsonl"
MAX_EXPORT = MAX_PAGE
#: How far knowledge named by exported cases is followed (report -> actor -> relationship …).
LINK_HOPS = 3


def formats() -> list[str]:
    """Every export format name."""
    base.load_builtins()
    return sorted(base.EXPORTERS)


@dataclass
class Export:
    """The cases to write and what exporters need besides them."""

    fmt: str
    cases: list[Case]
    context: base.ExportContext
    #: The cursor of the next page, or None on the last page.
    next: str | None = None


def narrows(filters: CaseFilter) -> bool:
    """True if the filter picks some cases rather than all the caller may read."""
    return bool(filters.text or filters.crime_type or filters.country or filters.owner_org_id
                or filters.owner_region or filters.tlp or filters.created_since
                or filters.case_ids)


#: Cases read per query (one IN list) while gathering an export.
_CHUNK = 1000


def export_cases(ctx: Context, principal: Principal, filters: CaseFilter, fmt: str,
                 limit: int = MAX_EXPORT, after: str = "") -> Export:
    """Up to `limit` readable cases past the `after` cursor (with observables and readable
    source objects) matching `filters`, and the readable knowledge that goes with them."""
    require(principal, Permission.EXPORT)
    if fmt not in formats():
        raise InvalidInput("unknown export format", [Issue("format", f"one of {formats()}")])
    if not 1 <= limit <= MAX_EXPORT:
        raise InvalidInput("export page size out of range", [Issue("limit", f"1 .. {MAX_EXPORT}")])
    start = decode_after(after, "after") if after else 0
    whole = not narrows(filters) and not after
    now = ctx.now()
    with ctx.db.write() as tx:
        agreement = gateway.release(tx, ctx, principal.org, CASE_CONTENT)
        ids, total = tx.cases.ids_after(principal.org, now, filters, start, limit + 1)
        ids, more = ids[:limit], len(ids) > limit
        found = [c for at in range(0, len(ids), _CHUNK) for c in tx.cases.many(ids[at:at + _CHUNK])]
        objects = tx.source_objects.of_cases([c.id for c in found], principal.org, now)
        knows = agreement is None or agreement.permits(DataCategory.THREAT_KNOWLEDGE,
                                                       Direction.OUTBOUND)
        knowledge = readable_knowledge(tx, principal.org, now,
                                       None if whole else objects.values()) if knows else []
        members = tx.source_objects.kept_of_cases([c.id for c in found], principal.org, now) \
            if fmt == JSONL else []
        rows, links = readable_rows(tx, principal.org, now,
                                    None if whole else [c.id for c in found]) \
            if knows else ([], [])
        names = {o.id: o.name for o in tx.orgs.all()}
        owners = [k.owner_org_id for k in knowledge] + [e.owner_org_id for e in rows] \
            + [r.owner_org_id for r in links]
        _audit(tx, ctx, principal, fmt, found, total, owners)
        gateway.record_transfer(tx, ctx, principal, principal.org_id, agreement,
                                Direction.OUTBOUND, f"export:{fmt}",
                                {"cases": len(found), "knowledge": len(owners)})
    context = base.ExportContext(objects, names, principal.org_id, [*members, *knowledge],
                                 rows, links)
    return Export(fmt, found, context, encode_after(ids[-1]) if more else None)


def readable_rows(tx: Tx, org: Organisation, now: datetime, case_ids: list[int] | None
                  ) -> tuple[list[Entity], list[Relationship]]:
    """Entity rows and relationships `org` reads in full: all, or (for exported cases) the
    relationships that touch them and the entity rows at their other ends."""
    links = tx.knowledge_export.relationships(org, now, case_ids)
    if case_ids is None:
        return tx.knowledge_export.entities(org, now), links
    ends = {end.id for link in links for end in (link.source, link.target)
            if end.kind is EndKind.ENTITY}
    return tx.knowledge_export.entities(org, now, sorted(ends)), links


def readable_knowledge(tx: Tx, org: Organisation, now: datetime,
                       linked: Iterable[list[dict[str, object]]] | None) -> list[KeptObject]:
    """Knowledge kept outside cases that `org` may read: all, or what `linked` names."""
    if linked is None:
        return tx.source_objects.knowledge(org, now)
    found: dict[str, KeptObject] = {}
    wanted = named_refs(body for bodies in linked for body in bodies)
    asked: set[str] = set()
    for _ in range(LINK_HOPS):
        wanted -= asked
        if not wanted:
            break
        asked |= wanted
        fresh = tx.source_objects.knowledge(org, now, sorted(wanted))
        for item in fresh:
            found.setdefault(f"{item.body.get('id')}|{item.body.get('modified')}", item)
        wanted = named_refs(item.body for item in fresh)
    return list(found.values())


def _audit(tx: Tx, ctx: Context, principal: Principal, fmt: str, found: list[Case],
           total: int, owners: list[str]) -> None:
    """One event for the exporter, and one per other owner whose cases or knowledge left
    (`owners`: the owner of each kept object, entity row and relationship exported)."""
    audit.record(tx, ctx, principal, AuditAction.EXPORT, "case", "", principal.org_id,
                 {"format": fmt, "count": len(found), "total": total,
                  "knowledge": len(owners)})
    by_owner: dict[str, list[int]] = {}
    for case in found:
        by_owner.setdefault(case.owner_org_id, []).append(case.id)
    kept: dict[str, int] = {}
    for owner in owners:
        kept[owner] = kept.get(owner, 0) + 1
    for owner in sorted(set(by_owner) | set(kept)):
        if owner != principal.org_id:
            audit.record(tx, ctx, principal, AuditAction.EXPORT, "case", "", owner,
                         {"format": fmt, "case_ids": by_owner.get(owner, []),
                          "knowledge": kept.get(owner, 0)})
