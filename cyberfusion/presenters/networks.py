"""Presenters of a network: as listed, its page, and what a recomputation did."""

from __future__ import annotations

from collections.abc import Sequence

from typing_extensions import TypedDict

from cyberfusion.domain.networks import NetworkState, Run
from cyberfusion.presenters.common import Page, iso, page_json
from cyberfusion.services.networks import Detail, Summary


class NetworkSummaryDoc(TypedDict):
    """A network as listed: counts over readable cases, plus HIT cases that link in."""

    ref: str
    cases: int
    more_held_by_others: int
    countries: list[str]
    crime_types: list[str]
    first_seen: str | None
    last_seen: str | None
    others: list[str]


class NetworkCaseDoc(TypedDict):
    """A readable case of a network."""

    id: int
    title: str
    owner: str
    crime_type: str
    countries: list[str]
    first_seen: str | None
    last_seen: str | None
    tlp: str


class SharedValueDoc(TypedDict):
    """A value the network's cases share."""

    type: str
    value: str
    readable_cases: int
    cases_held_by_others: int


class BridgeDoc(TypedDict):
    """Two cases and the values that bridge them."""

    cases: list[int]
    values: list[str]


class WeakLinkDoc(TypedDict):
    """A link through a weak value."""

    case: int
    other_case: int
    value: str
    via: str


class QuietValueDoc(TypedDict):
    """A value that does not link, and why."""

    case: int
    type: str
    value: str
    reason: str


class NetworkDetailDoc(NetworkSummaryDoc):
    """A network's page: readable cases, shared values, bridges, weak and quiet links."""

    items: list[NetworkCaseDoc]
    shared_values: list[SharedValueDoc]
    bridges: list[BridgeDoc]
    weak_links: list[WeakLinkDoc]
    not_linking: list[QuietValueDoc]


class NetworkRunDoc(TypedDict):
    """What one recomputation did."""

    kind: str
    cases: int
    links: int
    clusters: int
    created: int
    kept: int
    dissolved: int
    seconds: float


class NetworkStatusDoc(TypedDict):
    """When networks were last computed and with which settings."""

    max_cases: int
    resolution: float
    last_run_at: str | None
    last_full_at: str | None
    last_run: NetworkRunDoc | None


class RecomputeDoc(TypedDict):
    """Whether a recomputation ran, and what it did."""

    ran: bool
    report: NetworkRunDoc | None


def summary_json(s: Summary) -> NetworkSummaryDoc:
    """A network as listed: counts over readable cases, plus HIT cases that link in."""
    return {"ref": s.ref, "cases": s.cases, "more_held_by_others": s.more,
            "countries": list(s.countries), "crime_types": list(s.crime_types),
            "first_seen": iso(s.first_seen), "last_seen": iso(s.last_seen),
            "others": list(s.owners)}


def network_page_json(items: Sequence[Summary], total: int, offset: int,
                      limit: int) -> Page[NetworkSummaryDoc]:
    """Networks with a case the caller reads, largest first; `total` counts only those."""
    return page_json([summary_json(s) for s in items], total, offset, limit)


def detail_json(d: Detail) -> NetworkDetailDoc:
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


def report_json(report: Run) -> NetworkRunDoc:
    """What one recomputation did."""
    return {"kind": report.kind, "cases": report.cases, "links": report.links,
            "clusters": report.clusters, "created": report.created, "kept": report.kept,
            "dissolved": report.dissolved, "seconds": round(report.seconds, 3)}


def status_json(state: NetworkState, run: Run | None) -> NetworkStatusDoc:
    """When networks were last computed and with which settings (run figures: hub only)."""
    return {"max_cases": state.max_cases, "resolution": state.resolution,
            "last_run_at": iso(state.last_run_at), "last_full_at": iso(state.last_full_at),
            "last_run": report_json(run) if run else None}
