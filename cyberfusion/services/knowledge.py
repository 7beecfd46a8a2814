"""Knowledge: entity lists, pages, graphs, search, case entities, edits, links and merges.

A reader sees an entity folded from the rows `decide()` gives them in full; relationships and
linked cases only where it gives FULL on the relationship and on both ends. Every query
filters with the SQL form of the decision (store/repositories/knowledge.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.entity_merge import fold, span
from cyberfusion.domain.gateway import KNOWLEDGE_CONTENT, Direction
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.knowledge import (
    End,
    EndKind,
    Entity,
    EntityDetail,
    EntityFilter,
    EntityGraph,
    EntityKind,
    EntitySummary,
    ExternalRef,
    GraphEdge,
    GraphNode,
    LinkedCase,
    Relationship,
    RelationshipType,
    RelationshipView,
)
from cyberfusion.domain.model import Principal
from cyberfusion.domain.paging import Page
from cyberfusion.domain.permissions import Permission, allowed, require
from cyberfusion.errors import InvalidInput, Issue, NotFound, PermissionDenied
from cyberfusion.services import audit, gateway
from cyberfusion.services.cases import access_to
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.imports import owner_ref
from cyberfusion.store.repositories.knowledge import CaseLink, LinkRow, NewRelationship
from cyberfusion.store.tx import Tx

MAX_PAGE = 500
MAX_HOPS = 2


#: One page of folded entities and the total the reader may see.
EntityPage = Page[EntitySummary]


def list_entities(ctx: Context, principal: Principal, flt: EntityFilter, offset: int = 0,
                  limit: int = 50) -> EntityPage:
    """A page of the entities with a row the reader may read in full, folded."""
    require(principal, Permission.ENTITY_READ)
    offset, limit = max(0, offset), max(1, min(limit, MAX_PAGE))
    with ctx.db.read() as tx:
        agreement = gateway.release(tx, ctx, principal.org, KNOWLEDGE_CONTENT)
        groups, total = tx.knowledge.page(principal.org, ctx.now(), flt, offset, limit)
    gateway.record_read(ctx, principal, agreement, "entities", {"entities": len(groups)})
    return EntityPage([fold(rows) for rows in groups], total, offset, limit)


def find_entities(ctx: Context, principal: Principal, text: str,
                  limit: int = 10) -> list[EntitySummary]:
    """Entities whose name, alias or external id matches `text` (search, autocomplete)."""
    require(principal, Permission.ENTITY_READ)
    if not text.strip():
        return []
    with ctx.db.read() as tx:
        agreement = gateway.release(tx, ctx, principal.org, KNOWLEDGE_CONTENT)
        groups, _ = tx.knowledge.page(principal.org, ctx.now(), EntityFilter(text=text), 0,
                                      max(1, min(limit, MAX_PAGE)))
    gateway.record_read(ctx, principal, agreement, "entity-names", {"entities": len(groups)})
    return [fold(rows) for rows in groups]


def _group(tx: Tx, ctx: Context, principal: Principal, entity_id: int) -> list[Entity]:
    """The readable rows of an entity's group; NotFound when none (as for a missing id)."""
    canonical = tx.knowledge.canonical_of(entity_id)
    rows = None
    if canonical is not None:
        rows = tx.knowledge.groups(principal.org, ctx.now(), [canonical]).get(canonical)
    if not rows:
        raise NotFound(f"no entity {entity_id}")
    return rows


def entity_detail(ctx: Context, principal: Principal, entity_id: int, case_offset: int = 0,
                  case_limit: int = 50) -> EntityDetail:
    """An entity page: folded rows, readable relationships and cases, what is withheld."""
    require(principal, Permission.ENTITY_READ)
    org, now = principal.org, ctx.now()
    with ctx.db.write() as tx:
        agreement = gateway.release(tx, ctx, principal.org, KNOWLEDGE_CONTENT)
        rows = _group(tx, ctx, principal, entity_id)
        ids = [r.id for r in rows]
        links = tx.knowledge.links(org, now, ids)
        tlps = {i: g.handling.tlp for i, g in
                tx.handlings.get_many(lk.handling_id for lk in links).items()}
        summary = tx.knowledge.case_summary(org, now, ids)
        withheld = tx.knowledge.link_count(ids) - len({lk.id for lk in links}) - summary.links
        cases = tx.knowledge.linked_cases(org, now, ids, max(0, case_offset),
                                          max(1, min(case_limit, MAX_PAGE)))
        foreign = sorted({r.owner_org_id for r in rows} - {principal.org_id})
        if foreign:
            audit.record(tx, ctx, principal, AuditAction.ENTITY_READ, "entity", entity_id,
                         foreign[0], {"rows": len(rows)})
        gateway.record_transfer(tx, ctx, principal, principal.org_id, agreement,
                                Direction.OUTBOUND, "entity",
                                {"entity": entity_id, "relationships": len(links)})
    countries, sectors, days = summary.countries, summary.sectors, summary.seen
    own = next((r for r in rows if r.owner_org_id == principal.org_id), None)
    _targets(links, countries, sectors)
    first, last = span(rows)
    return EntityDetail(
        entity=fold(rows), external_refs=_refs(rows),
        relationships=tuple(_view(lk, tlps[lk.handling_id]) for lk in links),
        cases=tuple(_linked(c) for c in cases), cases_total=summary.cases,
        countries=tuple(sorted(countries)), sectors=tuple(sorted(sectors, key=str.casefold)),
        first_seen=_earliest(first, days), last_seen=_latest(last, days),
        withheld=max(0, withheld), stix_ids=tuple(sorted({r.stix_id for r in rows if r.stix_id})),
        own_row=own, editable=own is not None and allowed(principal, Permission.ENTITY_EDIT),
    )


def _targets(links: Sequence[LinkRow], countries: set[str], sectors: set[str]) -> None:
    """Countries and sectors an entity targets: `targets` to locations and identities."""
    for link in links:
        if link.type != RelationshipType.TARGETS or not link.outgoing:
            continue
        if link.other_kind == EntityKind.LOCATION and link.other_country:
            countries.add(link.other_country)
        elif link.other_kind == EntityKind.IDENTITY:
            sectors.update(link.other_sectors)
            if link.other_identity_class == "class" and not link.other_sectors:
                sectors.add(link.other_name)


def _refs(rows: Sequence[Entity]) -> tuple[ExternalRef, ...]:
    """Every row's external references, once each."""
    return tuple(dict.fromkeys(ref for r in rows for ref in r.external_refs))


def _view(link: LinkRow, tlp: TLP) -> RelationshipView:
    return RelationshipView(link.id, link.type, link.outgoing,
                            End(EndKind.ENTITY, link.other_id), link.other_name, link.other_kind,
                            tlp, link.description)


def _linked(case: CaseLink) -> LinkedCase:
    return LinkedCase(case.case_id, case.title, case.owner_org_id, case.crime_type,
                      case.countries, TLP(case.tlp), case.created_at)


def _earliest(moment: datetime | None, days: Sequence[date]) -> datetime | None:
    found = [moment] if moment else []
    found += [datetime.combine(min(days), time(), UTC)] if days else []
    return min(found) if found else None


def _latest(moment: datetime | None, days: Sequence[date]) -> datetime | None:
    found = [moment] if moment else []
    found += [datetime.combine(max(days), time(), UTC)] if days else []
    return max(found) if found else None


def entity_graph(ctx: Context, principal: Principal, entity_id: int, hops: int = 1,
                 cap: int = 60) -> EntityGraph:
    """The readable neighbourhood of an entity: groups and cases, at most `cap` nodes."""
    require(principal, Permission.ENTITY_READ)
    org, now = principal.org, ctx.now()
    cap = max(2, min(cap, 500))
    with ctx.db.read() as tx:
        agreement = gateway.release(tx, ctx, principal.org, KNOWLEDGE_CONTENT)
        start = _group(tx, ctx, principal, entity_id)
        graph = _Graph(cap)
        frontier = {start[0].canonical_id: start}
        graph.node(_entity_node(start))
        for _ in range(max(1, min(hops, MAX_HOPS))):
            ids = [r.id for rows in frontier.values() for r in rows]
            keys = {r.id: graph.key_of(rows) for rows in frontier.values() for r in rows}
            links = tx.knowledge.links(org, now, ids)
            found = tx.knowledge.groups(org, now, sorted({lk.other_canonical for lk in links}))
            fresh = {c: rows for c, rows in found.items() if graph.key_of(rows) not in graph.nodes}
            for link in links:
                here = keys.get(link.here_id)
                there = found.get(link.other_canonical)
                if here is None or not there or not graph.node(_entity_node(there)):
                    continue
                graph.edge(here, graph.key_of(there), link)
            frontier = fresh
            if not frontier or graph.truncated:
                break
        for case in tx.knowledge.linked_cases(org, now, [r.id for r in start], 0, cap):
            key = f"case:{case.case_id}"
            if graph.node(GraphNode(key, case.title, "case")):
                graph.edges.append(GraphEdge(graph.key_of(start), key, "related-to"))
    gateway.record_read(ctx, principal, agreement, "entity-graph",
                        {"entity": entity_id, "nodes": len(graph.nodes)})
    return EntityGraph(tuple(graph.nodes.values()), tuple(dict.fromkeys(graph.edges)),
                       graph.truncated)


class _Graph:
    """Nodes and edges gathered so far, capped."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.nodes: dict[str, GraphNode] = {}
        self.edges: list[GraphEdge] = []
        self.truncated = False

    @staticmethod
    def key_of(rows: Sequence[Entity]) -> str:
        """A group's node key: the smallest id the reader may read (never a hidden one)."""
        return f"entity:{min(r.id for r in rows)}"

    def node(self, node: GraphNode) -> bool:
        """Add a node unless the cap is reached; True if it is in the graph."""
        if node.key in self.nodes:
            return True
        if len(self.nodes) >= self.cap:
            self.truncated = True
            return False
        self.nodes[node.key] = node
        return True

    def edge(self, here: str, there: str, link: LinkRow) -> None:
        """Add an edge in the relationship's own direction."""
        source, target = (here, there) if link.outgoing else (there, here)
        self.edges.append(GraphEdge(source, target, link.type))


def _entity_node(rows: Sequence[Entity]) -> GraphNode:
    summary = fold(rows)
    return GraphNode(_Graph.key_of(rows), summary.name, summary.kind.value)


def case_entities(ctx: Context, principal: Principal, case_id: int) -> list[EntitySummary]:
    """The entities linked to a case the reader may read, by readable relationships."""
    require(principal, Permission.ENTITY_READ)
    with ctx.db.read() as tx:
        agreement = gateway.release(tx, ctx, principal.org, KNOWLEDGE_CONTENT)
        case = tx.cases.get(case_id)
        if case is None or access_to(tx, ctx, principal.org, case) is not Access.FULL:
            raise NotFound(f"no case {case_id}")
        canonical = tx.knowledge.of_case(principal.org, ctx.now(), case_id)
        groups = tx.knowledge.groups(principal.org, ctx.now(), canonical)
    found = [fold(groups[c]) for c in canonical if c in groups]
    gateway.record_read(ctx, principal, agreement, "case-entities",
                        {"case": case_id, "entities": len(found)})
    return sorted(found, key=lambda s: (s.kind.value, s.name.casefold(), s.id))


def _own_row(tx: Tx, ctx: Context, principal: Principal, entity_id: int) -> Entity:
    """A row the principal reads in full (NotFound otherwise)."""
    row = tx.knowledge.row(entity_id)
    if row is None or decide(principal, _governed(row), ctx.now()) is not Access.FULL:
        raise NotFound(f"no entity {entity_id}")
    return row


def _governed(row: Entity) -> GovernedItem:
    return GovernedItem(row.handling_id, row.owner_org_id, row.handling)


def edit_entity(ctx: Context, principal: Principal, entity_id: int,
                aliases: Sequence[str] | None = None,
                description: str | None = None) -> EntitySummary:
    """Correct one row's aliases and description (analysts of its owner only; audited)."""
    require(principal, Permission.ENTITY_EDIT)
    with ctx.db.write() as tx:
        row = _own_row(tx, ctx, principal, entity_id)
        if row.owner_org_id != principal.org_id:
            raise PermissionDenied("only the organisation that holds this entity row edits it")
        tx.knowledge.update_entity(entity_id, aliases, description, ctx.now())
        tx.entities.merge([entity_id])
        audit.record(tx, ctx, principal, AuditAction.ENTITY_EDIT, "entity", entity_id,
                     row.owner_org_id, {"aliases": aliases is not None,
                                        "description": description is not None})
        rows = _group(tx, ctx, principal, entity_id)
    return fold(rows)


def link_case(ctx: Context, principal: Principal, entity_id: int, case_id: int,
              type: str = "related-to") -> Relationship:
    """Link a case to an entity; the link takes the case's handling (audited)."""
    require(principal, Permission.ENTITY_EDIT)
    if type not in set(RelationshipType):
        raise InvalidInput("not a relationship type", [Issue("type", f"{type!r} is unknown")])
    with ctx.db.write() as tx:
        row = _own_row(tx, ctx, principal, entity_id)
        case = tx.cases.get(case_id)
        if case is None or access_to(tx, ctx, principal.org, case) is not Access.FULL:
            raise NotFound(f"no case {case_id}")
        key = owner_ref(case.owner_org_id, f"link:{case_id}:{entity_id}:{type}")
        tx.knowledge.upsert_relationships([NewRelationship(
            key, type, case.handling_id, source_case_id=case_id, target_entity_id=entity_id,
            target_stix=row.stix_id)], ctx.now())
        link_id = tx.knowledge.relationship_id(key)
        assert link_id is not None
        audit.record(tx, ctx, principal, AuditAction.ENTITY_LINK, "entity", entity_id,
                     case.owner_org_id, {"case_ids": [case_id], "type": type})
    return Relationship(link_id, type, End(EndKind.CASE, case_id),
                        End(EndKind.ENTITY, entity_id, row.stix_id), case.owner_org_id,
                        case.handling_id, case.handling)


def unlink_case(ctx: Context, principal: Principal, entity_id: int, case_id: int) -> int:
    """Withdraw your organisation's links between a case it owns and an entity: a wrong
    link is corrected, not deleted (audited); how many links were withdrawn."""
    require(principal, Permission.ENTITY_EDIT)
    with ctx.db.write() as tx:
        rows = _group(tx, ctx, principal, entity_id)
        case = tx.cases.get(case_id)
        if case is None or access_to(tx, ctx, principal.org, case) is not Access.FULL:
            raise NotFound(f"no case {case_id}")
        if case.owner_org_id != principal.org_id:
            raise PermissionDenied("only the organisation that owns a case removes its links")
        removed = tx.knowledge.unlink_case(case_id, [r.id for r in rows], principal.org_id,
                                           ctx.now())
        if not removed:
            raise NotFound(f"case {case_id} is not linked to entity {entity_id}")
        audit.record(tx, ctx, principal, AuditAction.ENTITY_UNLINK, "entity", entity_id,
                     case.owner_org_id, {"case_ids": [case_id], "removed": removed})
    return removed


def merge_entities(ctx: Context, principal: Principal, keep_id: int,
                   other_id: int) -> EntitySummary:
    """Merge two entities the reader reads, one row of them their own (audited)."""
    require(principal, Permission.ENTITY_EDIT)
    with ctx.db.write() as tx:
        keep, other = (_own_row(tx, ctx, principal, i) for i in (keep_id, other_id))
        if principal.org_id not in (keep.owner_org_id, other.owner_org_id):
            raise PermissionDenied("merge entities only where one row is your organisation's")
        canonical = min(keep.canonical_id, other.canonical_id)
        for group in {keep.canonical_id, other.canonical_id} - {canonical}:
            tx.entities.set_canonical(group, canonical)
        audit.record(tx, ctx, principal, AuditAction.ENTITY_MERGE, "entity", keep_id,
                     keep.owner_org_id, {"other": other_id, "canonical": canonical})
        rows = _group(tx, ctx, principal, keep_id)
    return fold(rows)
