"""Presenter of a batch lookup answer: one per value, the same keys for every value."""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.presenters.search import HitLineDoc, MatchDoc, hit_line_json, match_json
from cyberfusion.services.lookups import LookupAnswer


class LookupAnswerDoc(TypedDict):
    """One value's answer; a match, no match and an invalid value have exactly these keys."""

    input: str
    type: str | None
    value: str | None
    error: str | None
    cases: list[MatchDoc]
    hits: list[HitLineDoc]
    warninglists: list[str]


class LookupsDoc(TypedDict):
    """A batch lookup's answers, one per value given, in order."""

    count: int
    answers: list[LookupAnswerDoc]


def lookup_answer_json(item: LookupAnswer) -> LookupAnswerDoc:
    """One value's answer: a match, no match and an invalid value have exactly these keys."""
    found = item.answer
    obs = found.observable if found else None
    return {
        "input": item.given, "type": obs.type.value if obs else None,
        "value": obs.value if obs else None, "error": item.error or None,
        "cases": [match_json(m.case_id, m.title, m.owner_org_id, m.role, m.crime_type, m.tlp)
                  for m in found.full] if found else [],
        "hits": [hit_line_json(h.owner_org_id, h.reference)
                 for h in found.hits] if found else [],
        "warninglists": list(found.warninglists) if found else [],
    }
