"""Presenters of a network: as listed, its page, and what a recomputation did."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cyberfusion.domain.networks import NetworkState, Run
from cyberfusion.presenters.common import iso, page_json
from cyberfusion.services.networks import Detail, Summary


def summary_json(s: Summary) -> dict[str, Any]:
    """A network as listed: counts over readable cases, plus HIT cases that link in."""
    return {"ref": s.ref, "cases": s.cases, "more_held_by_others": s.more,
            "countries": list(s.countries), "crime_types": list(s.crime_types),
            "first_seen": iso(s.first_seen), "last_seen": iso(s.last_seen),
            "others": list(s.owners)}


def network_page_json(items: Sequence[Summary], total: int, offset: int,
                      limit: int) -> dict[str, Any]:
    """Networks with a case the caller reads, largest first; `total` counts only those."""
    return page_json([summary_json(s) for s in items], total, offset, limit)


def detail_json(d: Detail) -> dict[str, Any]:
    """A network's page: readable cases, shared values, bridges, weak and quiet links."""
    return {
        **summary_json(d.summary),
        "items": [{"id": c.id, "title": c.title, "owner": c.owner_org_id,
                   "crime_type": c.crime_type, "countries": list(c.countries),
                   "first_seen": iso(c.first_seen), "last_seen": iso(c.last_seen),
                   "tlp": c.tlp} for c in d.cases],
        "shared_values": [{"type": v.type, "value": v.value, "readable_cases": v.readable,
                           "cases_held_by_others": v.others} for v in d.values],
        "bridges": [{"cases": [b.a, b.b], "values": list(b.values)} for b in d.bridges],
        "weak_links": [{"case": w.case_id, "other_case": w.other_case_id, "value": w.value,
                        "via": w.via} for w in d.weak],
        "not_linking": [{"case": q.case_id, "type": q.type, "value": q.value,
                         "reason": q.reason} for q in d.quiet],
    }


def report_json(report: Run) -> dict[str, Any]:
    """What one recomputation did."""
    return {"kind": report.kind, "cases": report.cases, "links": report.links,
            "clusters": report.clusters, "created": report.created, "kept": report.kept,
            "dissolved": report.dissolved, "seconds": round(report.seconds, 3)}


def status_json(state: NetworkState, run: Run | None) -> dict[str, Any]:
    """When networks were last computed and with which settings (run figures: hub only)."""
    return {"max_cases": state.max_cases, "resolution": state.resolution,
            "last_run_at": iso(state.last_run_at), "last_full_at": iso(state.last_full_at),
            "last_run": report_json(run) if run else None}
