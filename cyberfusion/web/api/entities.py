"""API: knowledge entities as the caller may read them, their relationships, linked cases and
graph; owner analysts edit, merge and link them to cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from cyberfusion.domain.knowledge import EntityFilter, EntityKind, RelationshipType
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.presenters.common import Page
from cyberfusion.presenters.entities import (
    EntityDetailDoc,
    EntityDoc,
    EntityGraphDoc,
    LinkedCaseDoc,
    RelationshipDoc,
    RelationshipsDoc,
    entity_detail_json,
    entity_json,
    entity_page_json,
    graph_json,
    linked_cases_json,
    relationship_json,
    relationships_json,
)
from cyberfusion.services import knowledge
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.params import Id, Offset, RowId

router = APIRouter(prefix="/entities")

Limit = Annotated[int, Query(ge=1, le=500)]


def entity_filter(q: str = "", kind: str = "", country: str = "",
                  sector: str = "") -> EntityFilter:
    """Query parameters as an EntityFilter (shared with the pages); a located error for an
    unknown kind."""
    chosen = None
    if kind.strip():
        try:
            chosen = EntityKind(kind.strip().lower())
        except ValueError:
            raise InvalidInput("unknown entity kind", [Issue(
                "kind", f"{kind!r} is not one of {', '.join(k.value for k in EntityKind)}")]
            ) from None
    return EntityFilter(text=q.strip(), kind=chosen, country=country.strip().upper(),
                        sector=sector.strip())


@router.get("")
@needs(Permission.ENTITY_READ)
def list_entities(ctx: CtxDep, principal: PrincipalDep, q: str = "", kind: str = "",
                  country: str = "", sector: str = "", offset: Offset = 0,
                  limit: Limit = 50) -> Page[EntityDoc]:
    """Entities the caller may read, by name or alias (`q`), kind, country or sector."""
    flt = entity_filter(q, kind, country, sector)
    return entity_page_json(knowledge.list_entities(ctx, principal, flt, offset, limit))


@router.get("/{entity_id}")
@needs(Permission.ENTITY_READ)
def get_entity(ctx: CtxDep, principal: PrincipalDep, entity_id: Id,
               case_offset: Offset = 0, case_limit: Limit = 50) -> EntityDetailDoc:
    """One entity as the caller may read it, with a page of its readable linked cases."""
    detail = knowledge.entity_detail(ctx, principal, entity_id, case_offset, case_limit)
    return entity_detail_json(detail, case_offset, case_limit)


@router.get("/{entity_id}/relationships")
@needs(Permission.ENTITY_READ)
def entity_relationships(ctx: CtxDep, principal: PrincipalDep,
                         entity_id: Id) -> RelationshipsDoc:
    """The entity's readable relationships to other entities and cases."""
    detail = knowledge.entity_detail(ctx, principal, entity_id, 0, 1)
    return relationships_json(detail.relationships, detail.withheld)


@router.get("/{entity_id}/cases")
@needs(Permission.ENTITY_READ)
def entity_cases(ctx: CtxDep, principal: PrincipalDep, entity_id: Id, offset: Offset = 0,
                 limit: Limit = 50) -> Page[LinkedCaseDoc]:
    """Cases linked to the entity that the caller may read, newest first."""
    detail = knowledge.entity_detail(ctx, principal, entity_id, offset, limit)
    return linked_cases_json(detail, offset, limit)


@router.get("/{entity_id}/graph")
@needs(Permission.ENTITY_READ)
def entity_graph(ctx: CtxDep, principal: PrincipalDep, entity_id: Id,
                 hops: Annotated[int, Query(ge=1, le=2)] = 1,
                 cap: Annotated[int, Query(ge=1, le=200)] = 60) -> EntityGraphDoc:
    """The readable neighbourhood of the entity (one or two hops, capped)."""
    return graph_json(knowledge.entity_graph(ctx, principal, entity_id, hops, cap))


class EditIn(BaseModel):
    """What an owner analyst corrects; absent fields stay as they are."""

    aliases: list[Annotated[str, Field(max_length=200)]] | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=20000)


@router.patch("/{entity_id}")
@needs(Permission.ENTITY_EDIT)
def edit_entity(ctx: CtxDep, principal: PrincipalDep, entity_id: Id,
                body: EditIn) -> EntityDoc:
    """Correct an entity's aliases or description (analysts of its owner)."""
    return entity_json(knowledge.edit_entity(ctx, principal, entity_id, body.aliases,
                                             body.description))


class MergeIn(BaseModel):
    """The entity to fold into this one (its names become aliases)."""

    other_id: RowId


@router.post("/{entity_id}/merge")
@needs(Permission.ENTITY_EDIT)
def merge_entity(ctx: CtxDep, principal: PrincipalDep, entity_id: Id,
                 body: MergeIn) -> EntityDoc:
    """Merge another entity into this one; both names are kept as aliases."""
    return entity_json(knowledge.merge_entities(ctx, principal, entity_id, body.other_id))


class LinkIn(BaseModel):
    """A case to link to the entity, and how they relate."""

    case_id: RowId
    type: RelationshipType = RelationshipType.RELATED_TO


@router.post("/{entity_id}/cases", status_code=201)
@needs(Permission.ENTITY_EDIT)
def link_case(ctx: CtxDep, principal: PrincipalDep, entity_id: Id,
              body: LinkIn) -> RelationshipDoc:
    """Link a case to the entity as `related-to`, `targets`, … (analysts of its readers)."""
    return relationship_json(knowledge.link_case(ctx, principal, entity_id, body.case_id,
                                                 body.type.value))


@router.delete("/{entity_id}/cases/{case_id}", status_code=204)
@needs(Permission.ENTITY_EDIT)
def unlink_case(ctx: CtxDep, principal: PrincipalDep, entity_id: Id, case_id: Id) -> Response:
    """Withdraw your organisation's links between a case it owns and the entity."""
    knowledge.unlink_case(ctx, principal, entity_id, case_id)
    return Response(status_code=204)
