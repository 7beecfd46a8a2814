"""Pages for knowledge: the entity list, one entity with its graph, and the owner's edits."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from cyberfusion.domain.handling import TLP, strictest_tlp
from cyberfusion.domain.knowledge import (
    EntityDetail,
    EntityKind,
    ExternalRef,
    RelationshipType,
    RelationshipView,
)
from cyberfusion.domain.permissions import Permission, allowed, needs
from cyberfusion.services import knowledge
from cyberfusion.web.api.entities import entity_filter
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.params import FormId, Id, Offset
from cyberfusion.web.ui.entity_graph import layout, one_hop
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)
PAGE = 50
ATTACK = re.compile(r"^T(\d{4})(?:\.(\d{3}))?$")


def ref_url(ref: ExternalRef) -> str:
    """Where a reference points: its own http(s) URL, else ATT&CK's page for a technique id."""
    if ref.url and urlsplit(ref.url).scheme in ("http", "https"):
        return ref.url
    found = ATTACK.match(ref.external_id) if "attack" in ref.source_name else None
    if found is None:
        return ""
    return "https://attack.mitre.org/techniques/" + "/".join(p for p in found.groups() if p)


def by_type(relationships: tuple[RelationshipView, ...]) -> dict[str, list[RelationshipView]]:
    """Relationships grouped by type, types in alphabetical order."""
    groups: dict[str, list[RelationshipView]] = defaultdict(list)
    for r in relationships:
        groups[r.type].append(r)
    return dict(sorted(groups.items()))


def page_tlp(d: EntityDetail) -> TLP:
    """The banner of an entity page: the strictest TLP of all it shows."""
    return strictest_tlp([d.entity.tlp, *(r.tlp for r in d.relationships),
                          *(c.tlp for c in d.cases)])


@router.get("/entities")
@needs(Permission.ENTITY_READ)
def entities_page(request: Request, ctx: CtxDep, principal: UiPrincipal, q: str = "",
                  kind: str = "", offset: Offset = 0) -> Response:
    """Entities you may read, by kind and by name or alias."""
    offset = max(0, offset)
    result = knowledge.list_entities(ctx, principal, entity_filter(q, kind), offset, PAGE)
    base = {k: v for k, v in {"q": q, "kind": kind}.items() if v}
    return page(request, "entities/list.html", strictest_tlp(e.tlp for e in result.items),
                principal, page=result, q=q, kind=kind, kinds=list(EntityKind),
                prev_url="/entities?" + urlencode({**base, "offset": max(0, offset - PAGE)}),
                next_url="/entities?" + urlencode({**base, "offset": offset + PAGE}))


@router.get("/entities/{entity_id}")
@needs(Permission.ENTITY_READ)
def entity_page(request: Request, ctx: CtxDep, principal: UiPrincipal, entity_id: Id,
                case_offset: Offset = 0) -> Response:
    """One entity: what it is, what it relates to, the cases you read, its small graph."""
    case_offset = max(0, case_offset)
    d = knowledge.entity_detail(ctx, principal, entity_id, case_offset, PAGE)
    if d.entity.id != entity_id:  # merged into another: its page is the canonical one
        return RedirectResponse(f"/entities/{d.entity.id}", status_code=303)
    here = f"/entities/{entity_id}?case_offset="
    return page(request, "entities/entity.html", page_tlp(d), principal, d=d, e=d.entity,
                groups=by_type(d.relationships), refs=[(r, ref_url(r)) for r in d.external_refs],
                drawing=layout(one_hop(d), f"entity:{d.entity.id}"),
                can_edit=allowed(principal, Permission.ENTITY_EDIT),
                link_types=list(RelationshipType), case_offset=case_offset, limit=PAGE,
                prev_url=here + str(max(0, case_offset - PAGE)),
                next_url=here + str(case_offset + PAGE))


@router.post("/entities/{entity_id}/edit")
@needs(Permission.ENTITY_EDIT)
def edit_entity(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, entity_id: Id,
                aliases: Annotated[str, Form()] = "", description: Annotated[str, Form()] = ""
                ) -> Response:
    """Save the owner's corrections: aliases one a line, and the description."""
    names = [a.strip() for a in aliases.splitlines() if a.strip()]
    knowledge.edit_entity(ctx, principal, entity_id, names, description.strip())
    return RedirectResponse(f"/entities/{entity_id}", status_code=303)


@router.post("/entities/{entity_id}/merge")
@needs(Permission.ENTITY_EDIT)
def merge_entity(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, entity_id: Id,
                 other_id: FormId) -> Response:
    """Fold another entity into this one; both names stay as aliases."""
    kept = knowledge.merge_entities(ctx, principal, entity_id, other_id)
    return RedirectResponse(f"/entities/{kept.id}", status_code=303)


@router.post("/entities/{entity_id}/link")
@needs(Permission.ENTITY_EDIT)
def link_case(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, entity_id: Id,
              case_id: FormId,
              type: Annotated[RelationshipType, Form()] = RelationshipType.RELATED_TO
              ) -> Response:
    """Link one of the cases you read to this entity."""
    knowledge.link_case(ctx, principal, entity_id, case_id, type.value)
    return RedirectResponse(f"/entities/{entity_id}", status_code=303)


@router.post("/entities/{entity_id}/unlink")
@needs(Permission.ENTITY_EDIT)
def unlink_case(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, entity_id: Id,
                case_id: FormId) -> Response:
    """Withdraw your organisation's links between a case it owns and this entity."""
    knowledge.unlink_case(ctx, principal, entity_id, case_id)
    return RedirectResponse(f"/entities/{entity_id}", status_code=303)
