"""The post-incident document: checklist with who and when, progress, candidates, and the
reporter-only parts left out for other readers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.incidents import (
    AnswerRef,
    ChecklistStep,
    Incident,
    IncidentDraft,
    PaymentStop,
)
from cyberfusion.domain.model import CrimeType
from cyberfusion.domain.post_incident import post_incident_document, progress
from cyberfusion.domain.ransomware import Candidate, Evidence, Identification

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
HANDLING = Handling(TLP.AMBER, frozenset({"country:FR"}), date(2030, 1, 1))
STEPS = (ChecklistStep(1, "Isolate", datetime(2026, 5, 20, 7, tzinfo=UTC), "fr.analyst", "fr"),
         ChecklistStep(2, "Preserve"),
         ChecklistStep(3, "Identify", datetime(2026, 5, 20, 9, 30, tzinfo=UTC), "fr.duty", "fr"))
INCIDENT = Incident(4, "fr", 9, HANDLING, IncidentDraft("Port", CrimeType.RANSOMWARE, "FR",
                                                        HANDLING), "LockBit", NOW,
                    steps=STEPS)
FOUND = Identification((Candidate("LockBit", ("ABCD",), 0.91,
                                  (Evidence("extension", ".lockbit", 0.5),)),))
HITS = (AnswerRef("bc1q", "btc_wallet", None, "de", "HIT-1"),)
STOPS = (PaymentStop(11, "bc1q", None, ("de-ncb",), "sent", overdue=True),)


def document(is_owner: bool) -> dict[str, object]:
    return post_incident_document(INCIDENT, FOUND, HITS, STOPS, ("restore",), ("mfa",),
                                  "Recovering", is_owner, NOW)


def test_progress_counts_steps_done_and_their_span() -> None:
    assert progress(STEPS) == {"done": 2, "total": 3, "first": "2026-05-20 07:00 UTC",
                               "last": "2026-05-20 09:30 UTC"}
    assert progress(())["first"] == ""


def test_the_document_keeps_who_did_what_and_when() -> None:
    doc = document(True)
    checklist = doc["checklist"]
    assert isinstance(checklist, list)
    assert checklist[0]["by"] == "fr.analyst (fr)" and checklist[1]["at"] == ""
    assert doc["tlp"] == "amber" and doc["recommendations"] == {
        "title": "Recovering", "recovery": ["restore"], "resilience": ["mfa"]}
    identification = doc["identification"]
    assert isinstance(identification, list)
    assert identification[0]["evidence"] == ["extension: .lockbit"]
    assert doc["hits"] == [{"type": "btc_wallet", "value": "bc1q", "owner": "de",
                            "answer": "held by de", "reference": "HIT-1"}]
    stops = doc["payment_stops"]
    assert isinstance(stops, list) and stops[0]["status"] == "sent (overdue)"


def test_other_readers_get_no_hits_and_no_payment_stops() -> None:
    doc = document(False)
    assert doc["hits"] == [] and doc["payment_stops"] == [] and doc["is_owner"] is False
