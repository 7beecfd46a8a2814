"""JSON of a ransomware identification: `{"candidates": [...]}`, best first (API, CLI --json)."""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.ransomware import Candidate, Evidence, Identification


def evidence_json(e: Evidence) -> dict[str, Any]:
    """One matched clue: its kind, what matched, its weight and a note."""
    return {"clue": e.clue, "matched": e.matched, "weight": e.weight, "detail": e.detail}


def candidate_json(c: Candidate) -> dict[str, Any]:
    """One candidate family with its aliases, score and evidence."""
    return {"family": c.family, "aliases": list(c.aliases), "score": c.score,
            "evidence": [evidence_json(e) for e in c.evidence]}


def identification_json(found: Identification) -> dict[str, Any]:
    """Exactly `{"candidates": [...]}`, best first."""
    return {"candidates": [candidate_json(c) for c in found.candidates]}
