"""API: networks as the caller may see them, their graph and exports; recompute (hub admins)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.presenters.common import Page
from cyberfusion.presenters.networks import (
    NetworkDetailDoc,
    NetworkStatusDoc,
    NetworkSummaryDoc,
    RecomputeDoc,
    detail_json,
    network_page_json,
    report_json,
    status_json,
)
from cyberfusion.services import network_exports, networks
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.openapi_doc import STIX_BUNDLE, TEXT, media_answer
from cyberfusion.web.params import Offset

router = APIRouter(prefix="/networks")
GRAPH: dict[str, Any] = {"schema": {
    "type": "object", "required": ["elements"],
    "properties": {"elements": {"type": "array", "description": "Cytoscape.js elements",
                                "items": {"type": "object", "required": ["data"],
                                          "properties": {"data": {"type": "object"}}}}}}}


@router.get("")
@needs(Permission.NETWORK_READ)
def list_networks(ctx: CtxDep, principal: PrincipalDep,
                  offset: Offset = 0,
                  limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Page[NetworkSummaryDoc]:
    """Networks with a case the caller reads, largest first; `total` counts only those."""
    items, total = networks.list_networks(ctx, principal, offset, limit)
    return network_page_json(items, total, offset, limit)


@router.get("/status")
@needs(Permission.NETWORK_READ)
def network_status(ctx: CtxDep, principal: PrincipalDep) -> NetworkStatusDoc:
    """When networks were last computed, with which settings (run figures: hub only)."""
    return status_json(*networks.status(ctx, principal))


class RecomputeIn(BaseModel):
    """A recomputation; new settings make it a full one."""

    full: bool = False
    max_cases: int | None = None
    resolution: float | None = None


@router.post("/recompute")
@needs(Permission.NETWORK_MANAGE)
def recompute(ctx: CtxDep, principal: PrincipalDep, body: RecomputeIn) -> RecomputeDoc:
    """Recompute now (hub administrators)."""
    full = body.full
    if body.max_cases is not None or body.resolution is not None:
        state, _ = networks.status(ctx, principal)
        networks.configure(ctx, principal, body.max_cases or state.max_cases,
                           body.resolution or state.resolution)
        full = True
    report = networks.recompute(ctx, full, principal)
    return {"ran": report is not None, "report": report_json(report) if report else None}


@router.get("/{ref}")
@needs(Permission.NETWORK_READ)
def get_network(ctx: CtxDep, principal: PrincipalDep, ref: str) -> NetworkDetailDoc:
    """One network as the caller may see it."""
    return detail_json(networks.network_detail(ctx, principal, ref))


@router.get("/{ref}/graph", response_class=Response,
            responses=media_answer("Cytoscape elements", {"application/json": GRAPH}))
@needs(Permission.NETWORK_READ)
def network_graph(ctx: CtxDep, principal: PrincipalDep, ref: str) -> Response:
    """Cytoscape elements: readable cases, shared values, one node for HIT cases."""
    return Response(orjson.dumps({"elements": network_exports.graph(ctx, principal, ref)}),
                    media_type="application/json")


@router.get("/{ref}/export", response_class=Response, responses=media_answer(
    "A STIX 2.1 bundle, or GraphML", {"application/stix+json;version=2.1": STIX_BUNDLE,
                                     "application/graphml+xml": TEXT}))
@needs(Permission.EXPORT)
def export_network(ctx: CtxDep, principal: PrincipalDep, ref: str,
                   format: Literal["stix21", "graphml"] = "stix21") -> Response:
    """The readable part as a STIX 2.1 bundle with a grouping, or as GraphML (audited)."""
    if format == "graphml":
        return Response(network_exports.export_graphml(ctx, principal, ref),
                        media_type="application/graphml+xml", headers=_attach(ref, "graphml"))
    return Response(orjson.dumps(network_exports.export_stix(ctx, principal, ref)),
                    media_type="application/stix+json;version=2.1",
                    headers=_attach(ref, "json"))


def _attach(ref: str, ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="network-{ref}.{ext}"'}
