"""Presenters of incidents: as listed, as shown (with hits, candidates and checklist)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from cyberfusion.domain.incidents import (
    AnswerRef,
    ChecklistStep,
    FamilyRow,
    Incident,
    PaymentStop,
    WalletRow,
)
from cyberfusion.formats.case_json import HandlingDoc, handling_to_json
from cyberfusion.presenters.common import Page, iso, page_json
from cyberfusion.presenters.ransomware import IdentificationDoc, identification_json
from cyberfusion.services.incidents import IncidentPage, IncidentView


class ChecklistStepDoc(TypedDict):
    """One checklist step: its text, and who ticked it when."""

    position: int
    text: str
    done: bool
    done_at: str | None
    done_by: str | None
    done_by_org: str | None


class FullAnswerDoc(TypedDict):
    """A hit on an incident's value in a case the reader may read."""

    value: str
    type: str
    answer: Literal["full"]
    case_id: int
    owner: str
    title: str


class HitAnswerDoc(TypedDict):
    """A hit on an incident's value held by someone to ask."""

    value: str
    type: str
    answer: Literal["hit"]
    owner: str
    reference: str


class IncidentDoc(TypedDict):
    """An incident as a list shows it, and the fields every view shares."""

    id: int
    title: str
    type: str
    country: str
    owner: str
    victim_sector: str
    victim_size: str | None
    family: str | None
    wallet: str | None
    ransom_amount: str | None
    currency: str | None
    tlp: str
    created_at: str | None
    steps_done: int
    steps: int


class TimelineDoc(TypedDict):
    """A dated line of an incident's timeline."""

    at: str | None
    text: str


class IncidentObservableDoc(TypedDict):
    """A value an incident names."""

    type: str
    value: str
    role: str


class VerdictIdentificationDoc(IdentificationDoc):
    """Candidate families and the verdict drawn from them."""

    verdict: str


class PaymentStopDoc(TypedDict):
    """A payment-stop request: what, to whom, by when, where it stands and its outcome."""

    thread: int
    target: str
    deadline: str | None
    to: list[str]
    status: str
    outcome: str | None
    overdue: bool


class IncidentDetailDoc(IncidentDoc):
    """An incident in full, as one reader sees it."""

    summary: str
    created_by: str | None
    timeline: list[TimelineDoc]
    observables: list[IncidentObservableDoc]
    note_text: str
    note_file_name: str
    extension: str
    assistance: str
    infrastructure_countries: list[str]
    handling: HandlingDoc
    assistance_thread: int | None
    hits: list[FullAnswerDoc | HitAnswerDoc]
    identification: VerdictIdentificationDoc
    checklist: list[ChecklistStepDoc]
    payment_stops: list[PaymentStopDoc]


class WalletDoc(TypedDict):
    """A wallet across incidents."""

    wallet: str
    currencies: list[str]
    families: list[str]
    countries: list[str]
    incidents: list[int]


class FamilyDoc(TypedDict):
    """A ransomware family across incidents."""

    family: str
    countries: list[str]
    wallets: list[str]
    incidents: list[int]


class WalletBoardDoc(TypedDict):
    """Wallets and families across the incidents the caller may read."""

    wallets: list[WalletDoc]
    families: list[FamilyDoc]


def step_json(s: ChecklistStep) -> ChecklistStepDoc:
    """One checklist step: its text, and who ticked it when."""
    return {"position": s.position, "text": s.text, "done": s.done,
            "done_at": iso(s.done_at), "done_by": s.done_by or None,
            "done_by_org": s.done_by_org or None}


def answer_json(a: AnswerRef) -> FullAnswerDoc | HitAnswerDoc:
    """A hit on one of the incident's values: a readable case, or whom to ask."""
    if a.case_id is not None:
        return {"value": a.value, "type": a.type, "answer": "full", "case_id": a.case_id,
                "owner": a.owner_org_id, "title": a.title}
    return {"value": a.value, "type": a.type, "answer": "hit", "owner": a.owner_org_id,
            "reference": a.reference}


def incident_json(i: Incident) -> IncidentDoc:
    """An incident as a list shows it, and the fields every view shares."""
    d = i.draft
    return {"id": i.id, "title": d.title, "type": d.incident_type.value, "country": d.country,
            "owner": i.owner_org_id, "victim_sector": d.victim_sector,
            "victim_size": d.victim_size.value if d.victim_size else None,
            "family": i.family or None, "wallet": d.wallet or None,
            "ransom_amount": str(d.ransom_amount) if d.ransom_amount is not None else None,
            "currency": d.currency or None, "tlp": i.handling.tlp.value,
            "created_at": iso(i.created_at),
            "steps_done": sum(s.done for s in i.steps), "steps": len(i.steps)}


def incident_detail_json(v: IncidentView) -> IncidentDetailDoc:
    """An incident in full, as one reader sees it."""
    i, d = v.incident, v.incident.draft
    return {**incident_json(i), "summary": d.summary, "created_by": i.created_by or None,
            "timeline": [{"at": iso(t.at), "text": t.text} for t in d.timeline],
            "observables": [{"type": o.type, "value": o.value, "role": o.role}
                            for o in d.observables],
            "note_text": d.note_text, "note_file_name": d.note_file_name,
            "extension": d.extension, "assistance": d.assistance,
            "infrastructure_countries": list(d.infrastructure_countries),
            "handling": handling_to_json(i.handling),
            "assistance_thread": i.thread_id, "hits": [answer_json(a) for a in v.answers],
            "identification": {**identification_json(v.identification),
                               "verdict": v.identification.verdict},
            "checklist": [step_json(s) for s in i.steps],
            "payment_stops": [payment_stop_json(p) for p in v.payment_stops]}


def payment_stop_json(p: PaymentStop) -> PaymentStopDoc:
    """A payment-stop request: what, to whom, by when, where it stands and its outcome."""
    return {"thread": p.thread_id, "target": p.target, "deadline": iso(p.deadline),
            "to": list(p.to), "status": p.status, "outcome": p.outcome or None,
            "overdue": p.overdue}


def wallet_board_json(wallets: list[WalletRow], families: list[FamilyRow]) -> WalletBoardDoc:
    """Wallets and families across the incidents the caller may read."""
    return {"wallets": [{"wallet": w.wallet, "currencies": list(w.currencies),
                         "families": list(w.families), "countries": list(w.countries),
                         "incidents": list(w.incident_ids)} for w in wallets],
            "families": [{"family": f.family, "countries": list(f.countries),
                          "wallets": list(f.wallets), "incidents": list(f.incident_ids)}
                         for f in families]}


def incident_page_json(page: IncidentPage) -> Page[IncidentDoc]:
    """A page of readable incidents with the total the caller may read."""
    return page_json([incident_json(i) for i in page.items], page.total, page.offset,
                     page.limit)
