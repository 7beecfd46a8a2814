"""Our incident JSON (API, CLI, the report form): dict -> `IncidentDraft`, every problem
located (`timeline[2].at`, `observables[0].value`, `handling.tlp` …)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from cyberfusion.domain.incidents import (
    MAX_STEP_CHARS,
    IncidentDraft,
    IncidentObservable,
    TimelineEntry,
    VictimSize,
    check_amount,
    draft_issues,
)
from cyberfusion.domain.model import CrimeType
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.case_json import Reader, read_case_handling, read_observable


def parse_incident(data: Any, today: date, review_years: int) -> IncidentDraft:
    """Read an incident document; raise InvalidInput listing every located problem."""
    if not isinstance(data, dict):
        raise InvalidInput("an incident is a JSON object", [Issue("$", "expected an object")])
    r = Reader()
    handling = read_case_handling(r, data.get("handling"), today, review_years)
    fields: dict[str, Any] = {
        "title": r.text(data, "title", "", required=True, limit=300),
        "incident_type": r.choice(data, "type", "", CrimeType, CrimeType.OTHER),
        "country": r.text(data, "country", "", required=True, limit=2).upper(),
        "victim_sector": r.text(data, "victim_sector", "", limit=100),
        "victim_size": r.choice(data, "victim_size", "", VictimSize, None),
        "summary": r.text(data, "summary", "", limit=100_000),
        "timeline": _timeline(r, data.get("timeline", [])),
        "observables": _observables(r, data.get("observables", [])),
        "note_text": r.text(data, "note_text", "", limit=200_000),
        "note_file_name": r.text(data, "note_file_name", "", limit=255),
        "extension": r.text(data, "extension", "", limit=255),
        "ransom_amount": _amount(r, data.get("ransom_amount")),
        "currency": r.text(data, "currency", "", limit=8).upper(),
        "wallet": r.text(data, "wallet", "", limit=128),
        "infrastructure_countries": tuple(c.upper() for c in r.strings(
            data, "infrastructure_countries", "")),
        "assistance": r.text(data, "assistance", "", limit=4000),
    }
    if r.issues or handling is None:
        raise InvalidInput(f"the incident has {len(r.issues)} problem(s)", r.issues)
    draft = IncidentDraft(handling=handling, **fields)
    issues = draft_issues(draft)
    if issues:
        raise InvalidInput(f"the incident has {len(issues)} problem(s)", issues)
    return draft


def _amount(r: Reader, value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        r.fail("ransom_amount", "a number such as 250000 or 1.5")
        return None
    try:
        return check_amount(str(value))
    except InvalidInput as exc:
        r.issues.extend(exc.issues)
        return None


def _timeline(r: Reader, items: Any) -> tuple[TimelineEntry, ...]:
    if not isinstance(items, list):
        r.fail("timeline", "must be a list of {at, text}")
        return ()
    found = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            r.fail(f"timeline[{i}]", "must be an object {at, text}")
            continue
        text = r.text(item, "text", f"timeline[{i}].", required=True, limit=MAX_STEP_CHARS * 4)
        at = _moment(r, item.get("at"), f"timeline[{i}].at")
        if at is not None and text:
            found.append(TimelineEntry(at, text))
    return tuple(sorted(found, key=lambda t: t.at))


def _moment(r: Reader, value: Any, loc: str) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        r.fail(loc, "an ISO 8601 time such as 2026-05-01T08:30:00Z")
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        r.fail(loc, f"{value!r} is not an ISO 8601 time such as 2026-05-01T08:30:00Z")
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _observables(r: Reader, items: Any) -> tuple[IncidentObservable, ...]:
    if not isinstance(items, list):
        r.fail("observables", "must be a list of {type, value, role}")
        return ()
    found: dict[str, IncidentObservable] = {}
    for i, item in enumerate(items):
        read = read_observable(r, item, f"observables[{i}]")
        if read is not None:
            obs, role = read
            found.setdefault(obs.key, IncidentObservable(obs.type.value, obs.value, obs.key,
                                                         role))
    return tuple(found.values())
