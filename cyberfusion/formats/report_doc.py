"""A cyber activity report as one JSON document: what is frozen at approval, what each
recipient's copy is cut from, and what the HTML, PDF and STIX outputs are written from.

The same content gives the same bytes (`dumps`): keys sorted, lists in a fixed order, times
taken from the report's as-of date, never from the clock.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from typing_extensions import TypedDict

from cyberfusion.domain.reports import Content

#: Version of the document's shape (readers check it).
DOC_VERSION = 1


class RecipientDoc(TypedDict):
    """A recipient organisation of a report and its country."""

    org_id: str
    country: str


class CaseRefDoc(TypedDict):
    """A case a report draws on."""

    owner_org_id: str
    id: int


class ReportDocument(TypedDict):
    """A report's document: its head typed, each section as its dataclass's fields. `document`
    returns a plain dict (renderers add and drop keys); the API checks it against this at
    run time (`response_model`)."""

    version: int
    report_id: int | None
    title: str
    as_of: str
    scope: dict[str, Any]
    recipients: list[RecipientDoc]
    audience: str
    tlp: str
    assessment: str
    empty: str
    key_figures: dict[str, Any]
    trend: list[dict[str, Any]]
    families: list[dict[str, Any]]
    actors: list[dict[str, Any]]
    sectors: list[dict[str, Any]]
    victim_countries: list[dict[str, Any]]
    infrastructure_countries: list[dict[str, Any]]
    networks: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    annexes: list[dict[str, Any]]
    cases: list[CaseRefDoc]


def document(content: Content, report_id: int | None = None) -> dict[str, Any]:
    """The JSON-ready document of built content."""
    spec = content.spec
    return {
        "version": DOC_VERSION,
        "report_id": report_id,
        "title": spec.title,
        "as_of": spec.as_of.isoformat(),
        "scope": spec.scope.to_json(),
        "recipients": [{"org_id": r, "country": content.recipient_countries.get(r, "")}
                       for r in spec.recipients],
        "audience": content.audience,
        "tlp": content.tlp.value,
        "assessment": spec.assessment,
        "empty": content.empty,
        "key_figures": asdict(content.figures),
        "trend": [asdict(t) for t in content.trend],
        "families": [_actor(a) for a in content.families],
        "actors": [_actor(a) for a in content.actors],
        "sectors": [asdict(r) for r in content.sectors],
        "victim_countries": [asdict(r) for r in content.victim_countries],
        "infrastructure_countries": [asdict(r) for r in content.infrastructure_countries],
        "networks": [_lists(asdict(n)) for n in content.networks],
        "actions": [asdict(a) for a in content.actions],
        "indicators": [asdict(i) for i in content.indicators],
        "annexes": [_annex(a) for a in content.annexes],
        "cases": [{"owner_org_id": o, "id": i} for o, i in content.case_refs],
    }


def _actor(actor: Any) -> dict[str, Any]:
    data = asdict(actor)
    data["techniques"] = [dict(t) for t in data["techniques"]]
    data["tlp"] = actor.tlp.value
    return data


def _lists(data: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def _annex(annex: Any) -> dict[str, Any]:
    victims = [{**asdict(c), "first_seen": c.first_seen.isoformat() if c.first_seen else None}
               for c in annex.victims]
    return {"country": annex.country, "victims": victims, "victim_cases": annex.victim_cases,
            "infrastructure_values": annex.infrastructure_values,
            "infrastructure": [asdict(i) for i in annex.infrastructure]}


#: What a recipient's copy says of a network scope: the author's name for a network holds a
#: case id the recipient may not read.
NETWORK_SCOPE = "one network (named in the hub's copy)"


def for_recipient(doc: dict[str, Any], org_id: str) -> dict[str, Any]:
    """One recipient's copy: only the annex of its own country, and no author-side name of
    a network scope."""
    country = next((r["country"] for r in doc["recipients"] if r["org_id"] == org_id), "")
    annexes = [a for a in doc["annexes"] if country and a["country"] == country]
    scope = doc["scope"]
    if scope.get("network"):
        scope = {**scope, "network": NETWORK_SCOPE}
    return {**doc, "scope": scope, "annexes": annexes, "audience": org_id}


def dumps(doc: dict[str, Any]) -> bytes:
    """The document's bytes: sorted keys, UTF-8, one trailing newline."""
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=2, default=str)
    return (text + "\n").encode("utf-8")


def loads(data: str | bytes) -> dict[str, Any]:
    """A document written by `dumps`; ValueError when it is not one."""
    doc = json.loads(data)
    if not isinstance(doc, dict) or doc.get("version") != DOC_VERSION:
        raise ValueError("not a cyber activity report document")
    return doc
