"""The Gateway agreement document (API body, CLI and form fields end up here):

    {"reference": "GW-2026-ACME-01", "partner": "acme-sec",
     "valid_from": "2026-01-01", "valid_until": "2027-12-31",
     "categories": {"technical_indicators": "both", "threat_knowledge": "both",
                    "case_summaries": "outbound", "personal_data": "inbound"},
     "onward_sharing": {"allowed": false, "terms": "No onward sharing without consent."},
     "contact": "gateway@acme.example"}
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cyberfusion.domain.gateway import AgreementDraft, DataCategory, Direction
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.handling_json import read_choice, read_text


def parse_agreement(doc: Any, edit: bool = False) -> AgreementDraft:
    """An agreement draft from its document, or InvalidInput with every located issue (an
    edit may leave the partner out: it stays the agreement's own)."""
    if not isinstance(doc, dict):
        raise InvalidInput("an agreement is a JSON object", [Issue("$", "must be an object")])
    issues: list[Issue] = []
    onward = doc.get("onward_sharing") or {}
    if not isinstance(onward, dict):
        issues.append(Issue("onward_sharing", "must be an object"))
        onward = {}
    draft = AgreementDraft(
        reference=read_text(doc.get("reference"), "reference", issues),
        partner_org_id=read_text(doc.get("partner"), "partner", issues),
        valid_from=_day(doc.get("valid_from"), "valid_from", issues),
        valid_until=_day(doc.get("valid_until"), "valid_until", issues),
        categories=_categories(doc.get("categories"), issues),
        onward_terms=read_text(onward.get("terms"), "onward_sharing.terms", issues),
        onward_allowed=onward.get("allowed") is True,
        contact=read_text(doc.get("contact"), "contact", issues))
    if not draft.partner_org_id and not edit:
        issues.append(Issue("partner", "name the partner organisation"))
    if issues:
        raise InvalidInput("the agreement document has errors", issues)
    return draft


def _day(value: Any, loc: str, issues: list[Issue]) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        issues.append(Issue(loc, "a date as YYYY-MM-DD"))
        return date.min


def _categories(value: Any, issues: list[Issue]) -> dict[DataCategory, Direction]:
    if not isinstance(value, dict):
        issues.append(Issue("categories", "an object of category: direction"))
        return {}
    found: dict[DataCategory, Direction] = {}
    for key, way in value.items():
        loc = f"categories.{key}"
        category = read_choice(DataCategory, key, loc, issues)
        direction = read_choice(Direction, way, loc, issues)
        if category is not None and direction is not None:
            found[category] = direction
        elif category is not None and direction is None and not way:
            issues.append(Issue(loc, f"one of {', '.join(d.value for d in Direction)}"))
    return found
