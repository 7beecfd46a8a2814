"""Presenter of a batch lookup answer: one per value, the same keys for every value."""

from __future__ import annotations

from typing import Any

from cyberfusion.presenters.search import hit_line_json, match_json
from cyberfusion.services.lookups import LookupAnswer


def lookup_answer_json(item: LookupAnswer) -> dict[str, Any]:
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
