"""JSON of a ransomware identification: `{"candidates": [...]}`, best first (API, CLI --json)."""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.domain.ransomware import Candidate, Evidence, Identification


class EvidenceDoc(TypedDict):
    """One matched clue: its kind, what matched, its weight and a note."""

    clue: str
    matched: str
    weight: float
    detail: str


class CandidateDoc(TypedDict):
    """One candidate family with its aliases, score and evidence."""

    family: str
    aliases: list[str]
    score: float
    evidence: list[EvidenceDoc]


class IdentificationDoc(TypedDict):
    """Candidate families, best first."""

    candidates: list[CandidateDoc]


def evidence_json(e: Evidence) -> EvidenceDoc:
    """One matched clue: its kind, what matched, its weight and a note."""
    return {"clue": e.clue, "matched": e.matched, "weight": e.weight, "detail": e.detail}


def candidate_json(c: Candidate) -> CandidateDoc:
    """One candidate family with its aliases, score and evidence."""
    return {"family": c.family, "aliases": list(c.aliases), "score": c.score,
            "evidence": [evidence_json(e) for e in c.evidence]}


def identification_json(found: Identification) -> IdentificationDoc:
    """Exactly `{"candidates": [...]}`, best first."""
    return {"candidates": [candidate_json(c) for c in found.candidates]}
