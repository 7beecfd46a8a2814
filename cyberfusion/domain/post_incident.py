"""The post-incident report of an incident: what happened, what the checklist shows was done
and when, the hits, the family identification, the payment stops, and the recovery and
resilience recommendations for its type. Pure: the service gathers the parts (for a reader
who may read the incident; hits and payment stops only for its reporter) and this module
lays them out as one JSON-ready document the HTML and PDF are written from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from cyberfusion.domain.incidents import AnswerRef, ChecklistStep, Incident, PaymentStop
from cyberfusion.domain.ransomware import Identification

#: Family candidates listed (best first).
CANDIDATE_ROWS = 5


class PostIncidentFormat(StrEnum):
    """What a post-incident report is written out as."""

    JSON = "json"
    HTML = "html"
    PDF = "pdf"


def _at(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def checklist_rows(steps: Sequence[ChecklistStep]) -> list[dict[str, Any]]:
    """Each step with who ticked it and when (blank when not done)."""
    return [{"position": s.position, "text": s.text, "done": s.done, "at": _at(s.done_at),
             "by": f"{s.done_by} ({s.done_by_org})" if s.done else ""} for s in steps]


def progress(steps: Sequence[ChecklistStep]) -> dict[str, Any]:
    """How much of the checklist was done, and from when to when."""
    done = sorted(s.done_at for s in steps if s.done_at is not None)
    return {"done": len(done), "total": len(steps), "first": _at(done[0] if done else None),
            "last": _at(done[-1] if done else None)}


def identification_rows(found: Identification) -> list[dict[str, Any]]:
    """The family candidates with score and evidence, best first."""
    return [{"family": c.family, "aliases": list(c.aliases), "score": round(c.score, 3),
             "evidence": [f"{e.clue}: {e.matched}" for e in c.evidence]}
            for c in found.candidates[:CANDIDATE_ROWS]]


def hit_rows(answers: Sequence[AnswerRef]) -> list[dict[str, Any]]:
    """The values that matched the pool: a readable case, or a match held by an owner."""
    return [{"type": a.type, "value": a.value, "owner": a.owner_org_id,
             "answer": f"case #{a.case_id}" if a.case_id else f"held by {a.owner_org_id}",
             "reference": a.title or a.reference} for a in answers]


def payment_stop_rows(stops: Sequence[PaymentStop]) -> list[dict[str, Any]]:
    """Each payment-stop request with its deadline, status and outcome."""
    return [{"request": s.thread_id, "target": s.target, "to": list(s.to),
             "deadline": _at(s.deadline), "status": s.status + (" (overdue)" if s.overdue
                                                                 else ""),
             "outcome": s.outcome} for s in stops]


def post_incident_document(
    incident: Incident, found: Identification, answers: Sequence[AnswerRef],
    stops: Sequence[PaymentStop], recovery: Sequence[str], resilience: Sequence[str],
    recommendations_title: str, is_owner: bool, now: datetime,
) -> dict[str, Any]:
    """The report as one JSON-ready document (carries the incident's TLP)."""
    d = incident.draft
    demand = f"{d.ransom_amount} {d.currency}" if d.ransom_amount is not None else ""
    return {
        "kind": "post-incident report", "incident_id": incident.id,
        "title": f"Post-incident report: {incident.title}",
        "tlp": incident.handling.tlp.value, "generated_at": _at(now),
        "owner": incident.owner_org_id, "reported_at": _at(incident.created_at),
        "type": d.incident_type.value, "country": d.country, "victim_sector": d.victim_sector,
        "victim_size": d.victim_size.value if d.victim_size else "", "summary": d.summary,
        "demand": demand, "wallet": d.wallet, "family": incident.family,
        "infrastructure_countries": list(d.infrastructure_countries),
        "timeline": [{"at": _at(t.at), "text": t.text} for t in d.timeline],
        "checklist": checklist_rows(incident.steps), "progress": progress(incident.steps),
        "identification": identification_rows(found),
        "identified": found.identified,
        "is_owner": is_owner, "hits": hit_rows(answers) if is_owner else [],
        "payment_stops": payment_stop_rows(stops) if is_owner else [],
        "recommendations": {"title": recommendations_title, "recovery": list(recovery),
                            "resilience": list(resilience)},
    }
