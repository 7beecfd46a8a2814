"""Presenter of a search answer: readable cases in full, other holders as HIT lines.

A batch lookup answers each value with the same parts (see `presenters.lookups`), so the
case and HIT lines are shaped here once for both.
"""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.domain.hits import hit_message
from cyberfusion.services.search import SearchAnswer


class MatchDoc(TypedDict):
    """A readable case holding the value, and the value's role in it."""

    id: int
    title: str
    owner: str
    role: str
    crime_type: str
    tlp: str


class HitLineDoc(TypedDict):
    """A holder the caller may not read: who, the reference to ask on, and what to do."""

    owner: str
    reference: str
    message: str


class SearchQueryDoc(TypedDict):
    """The value as searched (normalised), and the warning lists it is on."""

    type: str
    value: str
    warninglists: list[str]


class SearchAnswerDoc(TypedDict):
    """Who holds a value: readable cases in full, other holders as HIT lines."""

    query: SearchQueryDoc
    cases: list[MatchDoc]
    hits: list[HitLineDoc]


def match_json(case_id: int, title: str, owner_org_id: str, role: str, crime_type: str,
               tlp: str) -> MatchDoc:
    """A readable case holding the value."""
    return {"id": case_id, "title": title, "owner": owner_org_id, "role": role,
            "crime_type": crime_type, "tlp": tlp}


def hit_line_json(owner_org_id: str, reference: str) -> HitLineDoc:
    """'A match is held by <owner>; request disclosure', with the reference to ask on."""
    return {"owner": owner_org_id, "reference": reference,
            "message": hit_message(owner_org_id)}


def search_answer_json(answer: SearchAnswer) -> SearchAnswerDoc:
    """A search answer; the same keys whether or not anything matched."""
    return {
        "query": {"type": answer.observable.type.value, "value": answer.observable.value,
                  "warninglists": list(answer.warninglists)},
        "cases": [match_json(m.case_id, m.title, m.owner_org_id, m.role, m.crime_type,
                             m.tlp.value) for m in answer.full],
        "hits": [hit_line_json(h.owner_org_id, h.reference) for h in answer.hits],
    }
