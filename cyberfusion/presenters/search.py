"""Presenter of a search answer: readable cases in full, other holders as HIT lines.

A batch lookup answers each value with the same parts (see `presenters.lookups`), so the
case and HIT lines are shaped here once for both.
"""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.hits import hit_message
from cyberfusion.presenters.observables import observable_json
from cyberfusion.services.search import SearchAnswer


def match_json(case_id: int, title: str, owner_org_id: str, role: str, crime_type: str,
               tlp: str) -> dict[str, Any]:
    """A readable case holding the value."""
    return {"id": case_id, "title": title, "owner": owner_org_id, "role": role,
            "crime_type": crime_type, "tlp": tlp}


def hit_line_json(owner_org_id: str, reference: str) -> dict[str, Any]:
    """'A match is held by <owner>; request disclosure', with the reference to ask on."""
    return {"owner": owner_org_id, "reference": reference,
            "message": hit_message(owner_org_id)}


def search_answer_json(answer: SearchAnswer) -> dict[str, Any]:
    """A search answer; the same keys whether or not anything matched."""
    return {
        "query": {**observable_json(answer.observable),
                  "warninglists": list(answer.warninglists)},
        "cases": [match_json(m.case_id, m.title, m.owner_org_id, m.role, m.crime_type,
                             m.tlp.value) for m in answer.full],
        "hits": [hit_line_json(h.owner_org_id, h.reference) for h in answer.hits],
    }
