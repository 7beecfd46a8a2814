"""API: networks as the caller may see them, their graph and exports; recompute (hub admins)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.services import network_exports, networks
from cyberfusion.web.deps import CtxDep, PrincipalDep

router = APIRouter(prefix="/networks")


def summary_json(s: networks.Summary) -> dict[str, Any]:
    """A network as listed: counts over readable cases, plus HIT cases that link in."""
    return {"ref": s.ref, "cases": s.cases, "more_held_by_others": s.more,
            "countries": list(s.countries), "crime_types": list(s.crime_types),
            "first_seen": s.first_seen.isoformat() if s.first_seen else None,
            "last_seen": s.last_seen.isoformat() if s.last_seen else None,
            "others": list(s.owners)}


def detail_json(d: networks.Detail) -> dict[str, Any]:
    """A network's page as JSON."""
    return {
        **summary_json(d.summary),
        "items": [{"id": c.id, "title": c.title, "owner": c.owner_org_id,
                   "crime_type": c.crime_type, "countries": list(c.countries),
                   "first_seen": c.first_seen.isoformat() if c.first_seen else None,
                   "last_seen": c.last_seen.isoformat() if c.last_seen else None,
                   "tlp": c.tlp} for c in d.cases],
        "shared_values": [{"type": v.type, "value": v.value, "readable_cases": v.readable,
                           "cases_held_by_others": v.others} for v in d.values],
        "bridges": [{"cases": [b.a, b.b], "values": list(b.values)} for b in d.bridges],
        "weak_links": [{"case": w.case_id, "other_case": w.other_case_id, "value": w.value,
                        "via": w.via} for w in d.weak],
        "not_linking": [{"case": q.case_id, "type": q.type, "value": q.value,
                         "reason": q.reason} for q in d.quiet],
    }


@router.get("")
@needs(Permission.NETWORK_READ)
def list_networks(ctx: CtxDep, principal: PrincipalDep,
                  offset: Annotated[int, Query(ge=0)] = 0,
                  limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    """Networks with a case the caller reads, largest first; `total` counts only those."""
    items, total = networks.list_networks(ctx, principal, offset, limit)
    return {"items": [summary_json(s) for s in items], "total": total, "offset": offset,
            "limit": limit}


@router.get("/status")
@needs(Permission.NETWORK_READ)
def network_status(ctx: CtxDep, principal: PrincipalDep) -> dict[str, Any]:
    """When networks were last computed, with which settings (run figures: hub only)."""
    state, run = networks.status(ctx, principal)
    return {"max_cases": state.max_cases, "resolution": state.resolution,
            "last_run_at": state.last_run_at.isoformat() if state.last_run_at else None,
            "last_full_at": state.last_full_at.isoformat() if state.last_full_at else None,
            "last_run": {"kind": run.kind, "seconds": round(run.seconds, 3), "cases": run.cases,
                         "links": run.links, "clusters": run.clusters, "created": run.created,
                         "kept": run.kept, "dissolved": run.dissolved} if run else None}


class RecomputeIn(BaseModel):
    """A recomputation; new settings make it a full one."""

    full: bool = False
    max_cases: int | None = None
    resolution: float | None = None


@router.post("/recompute")
@needs(Permission.NETWORK_MANAGE)
def recompute(ctx: CtxDep, principal: PrincipalDep, body: RecomputeIn) -> dict[str, Any]:
    """Recompute now (hub administrators)."""
    full = body.full
    if body.max_cases is not None or body.resolution is not None:
        state, _ = networks.status(ctx, principal)
        networks.configure(ctx, principal, body.max_cases or state.max_cases,
                           body.resolution or state.resolution)
        full = True
    report = networks.recompute(ctx, full, principal)
    return {"ran": report is not None, "report": _report(report) if report else None}


def _report(report: networks.RunReport) -> dict[str, Any]:
    return {"kind": report.kind, "cases": report.cases, "links": report.links,
            "clusters": report.clusters, "created": report.created, "kept": report.kept,
            "dissolved": report.dissolved, "seconds": round(report.seconds, 3)}


@router.get("/{ref}")
@needs(Permission.NETWORK_READ)
def get_network(ctx: CtxDep, principal: PrincipalDep, ref: str) -> dict[str, Any]:
    """One network as the caller may see it."""
    return detail_json(networks.network_detail(ctx, principal, ref))


@router.get("/{ref}/graph")
@needs(Permission.NETWORK_READ)
def network_graph(ctx: CtxDep, principal: PrincipalDep, ref: str) -> Response:
    """Cytoscape elements: readable cases, shared values, one node for HIT cases."""
    return Response(orjson.dumps({"elements": network_exports.graph(ctx, principal, ref)}),
                    media_type="application/json")


@router.get("/{ref}/export")
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
