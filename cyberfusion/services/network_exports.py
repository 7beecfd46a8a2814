"""A network as the viewer may see it, drawn and exported: cytoscape elements, GraphML and
a STIX 2.1 bundle with a `grouping` of the readable cases' reports and the readable knowledge
their objects name (each export audited for the exporter and for every other owner whose
cases left).
"""

from __future__ import annotations

import importlib
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import orjson

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.handling import strictest_tlp
from cyberfusion.domain.model import Case, Principal
from cyberfusion.domain.networks import graph_elements, graphml, grouping, pair_values
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.formats import base
from cyberfusion.formats.stix.markings import TLP2_IDS, tlp2_marking_definition
from cyberfusion.services import audit
from cyberfusion.services.context import Context
from cyberfusion.services.exports import readable_knowledge
from cyberfusion.services.networks import Detail, Summary, network_detail


def graph(ctx: Context, principal: Principal, ref: str) -> list[dict[str, dict[str, str]]]:
    """Cytoscape elements of the network as the viewer sees it."""
    detail = network_detail(ctx, principal, ref)
    cases = [{"case": str(c.id), "label": f"#{c.id} {c.title}"[:80], "owner": c.owner_org_id,
              "crime_type": c.crime_type, "countries": ",".join(c.countries), "tlp": c.tlp}
             for c in detail.cases]
    values = [{"value_id": str(v.id), "label": v.value[:60], "type": v.type}
              for v in detail.values]
    return graph_elements(cases, values, detail.holdings, detail.hit_holdings,
                          detail.summary.more)


def export_graphml(ctx: Context, principal: Principal, ref: str) -> str:
    """GraphML of the readable cases and the values they share (audited like an export)."""
    require(principal, Permission.EXPORT)
    detail = network_detail(ctx, principal, ref)
    names = {v.id: v.value for v in detail.values}
    nodes = [(f"case-{c.id}", {"title": c.title, "owner": c.owner_org_id,
                               "crime_type": c.crime_type, "countries": ",".join(c.countries),
                               "first_seen": _day(c.first_seen), "last_seen": _day(c.last_seen),
                               "tlp": c.tlp}) for c in detail.cases]
    pairs = pair_values(detail.holdings, [c.id for c in detail.cases])
    edges = [(f"case-{a}", f"case-{b}", {"values": "; ".join(sorted(names[v] for v in shared)),
                                         "weight": str(len(shared))})
             for (a, b), shared in sorted(pairs.items())]
    _audit_export(ctx, principal, detail, "graphml")
    return graphml(nodes, edges)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def export_stix(ctx: Context, principal: Principal, ref: str) -> dict[str, Any]:
    """A STIX 2.1 bundle: the readable cases' reports and a grouping of them (audited)."""
    require(principal, Permission.EXPORT)
    detail = network_detail(ctx, principal, ref)
    with ctx.db.read() as tx:
        found = [c for c in (tx.cases.get(f.id) for f in detail.cases) if c is not None]
        objects = tx.source_objects.of_cases([c.id for c in found], principal.org, ctx.now())
        knowledge = readable_knowledge(tx, principal.org, ctx.now(), objects.values())
        names = {o.id: o.name for o in tx.orgs.all()}
    context = base.ExportContext(objects, names, principal.org_id, knowledge)
    bundle = stix_bundle(found, context, detail.summary, ctx.now())
    _audit_export(ctx, principal, detail, "stix21")
    return bundle


def _audit_export(ctx: Context, principal: Principal, detail: Detail, fmt: str) -> None:
    """One event for the exporter and one per other owner whose cases left."""
    by_owner: dict[str, list[int]] = defaultdict(list)
    for case in detail.cases:
        by_owner[case.owner_org_id].append(case.id)
    with ctx.db.write() as tx:
        audit.record(tx, ctx, principal, AuditAction.EXPORT, "network", detail.summary.ref,
                     principal.org_id, {"format": fmt, "count": len(detail.cases)})
        for owner, ids in sorted(by_owner.items()):
            if owner != principal.org_id:
                audit.record(tx, ctx, principal, AuditAction.EXPORT, "network",
                             detail.summary.ref, owner, {"format": fmt, "case_ids": ids})


def _case_objects(cases: Sequence[Case], context: base.ExportContext) -> list[dict[str, Any]]:
    """The cases as the registered STIX exporter writes them (reports and what they name)."""
    importlib.import_module("cyberfusion.formats.stix")
    exporter = base.EXPORTERS["stix21"]
    data = b"".join(exporter().export(cases, context))
    found: list[dict[str, Any]] = orjson.loads(data)["objects"]
    return found


def stix_bundle(cases: Sequence[Case], context: base.ExportContext, summary: Summary,
                now: datetime) -> dict[str, Any]:
    """A bundle of the cases' objects plus a `grouping` (STIX 2.1 §4.4) of their reports."""
    objects = _case_objects(cases, context)
    tlp = strictest_tlp(c.handling.tlp for c in cases)
    if TLP2_IDS[tlp] not in {o.get("id") for o in objects}:
        objects.append(tlp2_marking_definition(tlp))
    description = (f"{summary.cases} cases; countries {', '.join(summary.countries) or '-'}; "
                   f"crime types {', '.join(summary.crime_types) or '-'}; seen "
                   f"{summary.first_seen or '?'} to {summary.last_seen or '?'}")
    reports = [o["id"] for o in objects if o.get("type") == "report"]
    group = grouping(summary.ref, description, reports, TLP2_IDS[tlp], now)
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [*objects, group]}
