"""Exports of cases the principal may read in full; every export is audited per owner.

Formats are the registered exporters (STIX 2.1, MISP, CSV …) plus our own JSON lines.
Source objects kept from imports travel with their case when the caller may read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.model import Case, CaseFilter, Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats import base
from cyberfusion.services import audit
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx

JSONL = "jsonl"
MAX_EXPORT = 10_000


def formats() -> list[str]:
    """Every export format name."""
    base.load_builtins()
    return [JSONL, *sorted(base.EXPORTERS)]


@dataclass
class Export:
    """The cases to write and what exporters need besides them."""

    fmt: str
    cases: list[Case]
    context: base.ExportContext


def export_cases(ctx: Context, principal: Principal, filters: CaseFilter, fmt: str) -> Export:
    """Readable cases (with observables and readable source objects) matching `filters`."""
    require(principal, Permission.EXPORT)
    if fmt not in formats():
        raise InvalidInput("unknown export format", [Issue("format", f"one of {formats()}")])
    now = ctx.now()
    with ctx.db.write() as tx:
        page, total = tx.cases.page(principal.org, now, filters, 0, MAX_EXPORT)
        found = [c for c in (tx.cases.get(p.id) for p in page) if c is not None]
        objects = tx.source_objects.of_cases([c.id for c in found], principal.org, now)
        names = {o.id: o.name for o in tx.orgs.all()}
        _audit(tx, ctx, principal, fmt, found, total)
    return Export(fmt, found, base.ExportContext(objects, names, principal.org_id))


def _audit(tx: Tx, ctx: Context, principal: Principal, fmt: str, found: list[Case],
           total: int) -> None:
    """One event for the exporter, and one per other owner whose cases left."""
    audit.record(tx, ctx, principal, AuditAction.EXPORT, "case", "", principal.org_id,
                 {"format": fmt, "count": len(found), "total": total})
    by_owner: dict[str, list[int]] = {}
    for case in found:
        by_owner.setdefault(case.owner_org_id, []).append(case.id)
    for owner, ids in sorted(by_owner.items()):
        if owner != principal.org_id:
            audit.record(tx, ctx, principal, AuditAction.EXPORT, "case", "", owner,
                         {"format": fmt, "case_ids": ids})
