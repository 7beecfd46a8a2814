"""Presenters of knowledge: an entity as listed, its page, a relationship, its graph.

What a reader sees of an entity is already folded by the service (only the rows `decide()`
gives them in full); these shapes add nothing and drop nothing of it.
"""

from __future__ import annotations

from collections.abc import Sequence

from typing_extensions import TypedDict

from cyberfusion.domain.knowledge import (
    End,
    EntityDetail,
    EntityGraph,
    EntitySummary,
    ExternalRef,
    LinkedCase,
    Relationship,
    RelationshipView,
)
from cyberfusion.presenters.common import Items, Page, iso, page_json
from cyberfusion.services.knowledge import EntityPage


class EntityDoc(TypedDict):
    """An entity as a list shows it: its readable rows folded into one."""

    id: int
    kind: str
    name: str
    aliases: list[str]
    external_id: str
    is_family: bool
    description: str
    tlp: str
    sources: int


class ExternalRefDoc(TypedDict):
    """A STIX external reference (ATT&CK id, CVE, URL)."""

    source_name: str
    external_id: str
    url: str


class EndDoc(TypedDict):
    """One end of a relationship: an entity or a case, by id."""

    kind: str
    id: int
    stix_id: str


class OtherEndDoc(EndDoc):
    """The other end of a relationship, named."""

    name: str
    entity_kind: str


class RelationshipViewDoc(TypedDict):
    """A readable relationship as seen from one entity."""

    id: int
    type: str
    direction: str
    other: OtherEndDoc
    description: str
    tlp: str


class RelationshipsDoc(TypedDict):
    """An entity's readable relationships, and how many others handling withholds."""

    items: list[RelationshipViewDoc]
    withheld: int


class LinkedCaseDoc(TypedDict):
    """A case linked to an entity that the reader may read in full."""

    id: int
    title: str
    owner: str
    crime_type: str
    countries: list[str]
    tlp: str
    created_at: str | None


class EntityDetailDoc(EntityDoc):
    """An entity's page: references, relationships, a page of linked cases, when seen."""

    stix_ids: list[str]
    external_refs: list[ExternalRefDoc]
    relationships: list[RelationshipViewDoc]
    cases: Page[LinkedCaseDoc]
    countries: list[str]
    sectors: list[str]
    first_seen: str | None
    last_seen: str | None
    withheld: int
    editable: bool
    own_row: int | None


class RelationshipDoc(TypedDict):
    """A relationship as stored (what linking a case answers)."""

    id: int
    type: str
    source: EndDoc
    target: EndDoc
    owner: str
    tlp: str
    stix_id: str
    description: str
    first_seen: str | None
    last_seen: str | None


class GraphNodeDoc(TypedDict):
    """A node of an entity graph."""

    key: str
    label: str
    kind: str


class GraphEdgeDoc(TypedDict):
    """An edge of an entity graph."""

    source: str
    target: str
    type: str


class EntityGraphDoc(TypedDict):
    """The readable neighbourhood of an entity: nodes, edges, and whether it was capped."""

    nodes: list[GraphNodeDoc]
    edges: list[GraphEdgeDoc]
    truncated: bool


def entity_json(e: EntitySummary) -> EntityDoc:
    """An entity as a list shows it: its readable rows folded into one."""
    return {"id": e.id, "kind": e.kind.value, "name": e.name, "aliases": list(e.aliases),
            "external_id": e.external_id, "is_family": e.is_family,
            "description": e.description, "tlp": e.tlp.value, "sources": e.sources}


def entity_list_json(items: Sequence[EntitySummary]) -> Items[EntityDoc]:
    """Entities without paging (a case's entities, name matches)."""
    return {"items": [entity_json(e) for e in items]}


def entity_page_json(page: EntityPage) -> Page[EntityDoc]:
    """A page of readable entities with the total the caller may read."""
    return page_json([entity_json(e) for e in page.items], page.total, page.offset,
                     page.limit)


def external_ref_json(ref: ExternalRef) -> ExternalRefDoc:
    """A STIX external reference (ATT&CK id, CVE, URL)."""
    return {"source_name": ref.source_name, "external_id": ref.external_id, "url": ref.url}


def end_json(end: End) -> EndDoc:
    """One end of a relationship: an entity or a case, by id."""
    return {"kind": end.kind.value, "id": end.id, "stix_id": end.stix_id}


def relationship_view_json(r: RelationshipView) -> RelationshipViewDoc:
    """A readable relationship as seen from one entity: direction, type, the other end."""
    return {"id": r.id, "type": r.type, "direction": "outgoing" if r.outgoing else "incoming",
            "other": {**end_json(r.other), "name": r.other_name, "entity_kind": r.other_kind},
            "description": r.description, "tlp": r.tlp.value}


def relationships_json(items: Sequence[RelationshipView], withheld: int) -> RelationshipsDoc:
    """An entity's readable relationships, and how many others handling withholds."""
    return {"items": [relationship_view_json(r) for r in items], "withheld": withheld}


def linked_case_json(c: LinkedCase) -> LinkedCaseDoc:
    """A case linked to an entity that the reader may read in full."""
    return {"id": c.case_id, "title": c.title, "owner": c.owner_org_id,
            "crime_type": c.crime_type, "countries": list(c.countries), "tlp": c.tlp.value,
            "created_at": iso(c.created_at)}


def linked_cases_json(d: EntityDetail, offset: int, limit: int) -> Page[LinkedCaseDoc]:
    """One page of an entity's readable linked cases (`total` counts readable ones only)."""
    return page_json([linked_case_json(c) for c in d.cases], d.cases_total, offset, limit)


def entity_detail_json(d: EntityDetail, case_offset: int = 0,
                       case_limit: int = 50) -> EntityDetailDoc:
    """An entity's page: the folded entity, references, relationships, a page of linked
    cases, what it affected, when it was seen, and the withheld count (a number only)."""
    return {**entity_json(d.entity),
            "stix_ids": list(d.stix_ids),
            "external_refs": [external_ref_json(r) for r in d.external_refs],
            "relationships": [relationship_view_json(r) for r in d.relationships],
            "cases": linked_cases_json(d, case_offset, case_limit),
            "countries": list(d.countries), "sectors": list(d.sectors),
            "first_seen": iso(d.first_seen), "last_seen": iso(d.last_seen),
            "withheld": d.withheld, "editable": d.editable,
            "own_row": d.own_row.id if d.own_row else None}


def relationship_json(r: Relationship) -> RelationshipDoc:
    """A relationship as stored (what linking a case answers)."""
    return {"id": r.id, "type": r.type, "source": end_json(r.source),
            "target": end_json(r.target), "owner": r.owner_org_id, "tlp": r.handling.tlp.value,
            "stix_id": r.stix_id, "description": r.description,
            "first_seen": iso(r.first_seen), "last_seen": iso(r.last_seen)}


def graph_json(g: EntityGraph) -> EntityGraphDoc:
    """The readable neighbourhood of an entity: nodes, edges, and whether it was capped."""
    return {"nodes": [{"key": n.key, "label": n.label, "kind": n.kind} for n in g.nodes],
            "edges": [{"source": e.source, "target": e.target, "type": e.type}
                      for e in g.edges],
            "truncated": g.truncated}
