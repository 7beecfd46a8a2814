"""Our own case JSON (API and CLI): dict <-> `CaseDraft`, with every problem located."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, NotRequired

from typing_extensions import TypedDict

from cyberfusion.domain.handling import (
    TLP,
    Handling,
    HitPolicy,
    Purpose,
    validate_handling,
)
from cyberfusion.domain.model import MAX_INTEGER, Case, CaseDraft, CrimeType, Occurrence
from cyberfusion.domain.observables import Observable, normalise
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.handling_json import read_choice, read_day, read_handling

MAX_OBSERVABLES = 100_000


class _Reader:
    """Collects located issues while reading a JSON object."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def fail(self, location: str, message: str) -> None:
        self.issues.append(Issue(location, message))

    def text(self, obj: dict[str, Any], key: str, loc: str, required: bool = False,
             limit: int = 10_000) -> str:
        value = obj.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(f"{loc}{key}", "must be a string")
            return ""
        if required and not value.strip():
            self.fail(f"{loc}{key}", "is required")
        if len(value) > limit:
            self.fail(f"{loc}{key}", f"longer than {limit} characters")
        return value.strip()

    def strings(self, obj: dict[str, Any], key: str, loc: str) -> tuple[str, ...]:
        value = obj.get(key, [])
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{loc}{key}", "must be a list of strings")
            return ()
        return tuple(v.strip() for v in value if v.strip())

    def day(self, obj: dict[str, Any], key: str, loc: str) -> date | None:
        return read_day(obj.get(key), f"{loc}{key}", self.issues)

    def choice(self, obj: dict[str, Any], key: str, loc: str, enum: Any, default: Any) -> Any:
        found = read_choice(enum, obj.get(key), f"{loc}{key}", self.issues)
        return default if found is None else found


def parse_case(data: Any, today: date, review_years: int) -> CaseDraft:
    """Read a case document; raise InvalidInput listing every located problem."""
    if not isinstance(data, dict):
        raise InvalidInput("a case is a JSON object", [Issue("$", "expected an object")])
    r = _Reader()
    title = r.text(data, "title", "", required=True, limit=300)
    crime_type = r.choice(data, "crime_type", "", CrimeType, CrimeType.OTHER)
    summary = r.text(data, "summary", "", limit=100_000)
    countries = tuple(c.upper() for c in r.strings(data, "countries", ""))
    for i, c in enumerate(countries):
        if len(c) != 2 or not c.isalpha():
            r.fail(f"countries[{i}]", "ISO 3166 alpha-2 code expected")
    first_seen, last_seen = r.day(data, "first_seen", ""), r.day(data, "last_seen", "")
    if first_seen and last_seen and last_seen < first_seen:
        r.fail("last_seen", "is before first_seen")
    victims = data.get("victims") or {}
    count, sectors = _victims(r, victims)
    handling = _handling(r, data.get("handling"), today, review_years)
    occurrences = _observables(r, data.get("observables", []))
    if r.issues:
        raise InvalidInput(f"the case has {len(r.issues)} problem(s)", r.issues)
    assert handling is not None
    return CaseDraft(title=title, crime_type=crime_type, summary=summary, handling=handling,
                     countries=countries, first_seen=first_seen, last_seen=last_seen,
                     victim_count=count, victim_sectors=sectors, occurrences=occurrences)


def _victims(r: _Reader, victims: Any) -> tuple[int, tuple[str, ...]]:
    if not isinstance(victims, dict):
        r.fail("victims", "must be an object {count, sectors}")
        return 0, ()
    count = victims.get("count", 0) or 0
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_INTEGER:
        r.fail("victims.count", f"must be a whole number from 0 to {MAX_INTEGER}")
        count = 0
    return count, r.strings(victims, "sectors", "victims.")


def _handling(r: _Reader, data: Any, today: date, review_years: int) -> Handling | None:
    fields, issues = read_handling(data, "handling")
    r.issues.extend(issues)
    if fields is None or issues:
        return None
    handling = Handling(
        tlp=fields.tlp or TLP.AMBER, release=frozenset(fields.release or ("members",)),
        exclude=frozenset(fields.exclude or ()), partners=frozenset(fields.partners or ()),
        hit_policy=fields.hit_policy or HitPolicy.HIT,
        purpose=fields.purpose or Purpose.INVESTIGATION,
        review_by=fields.review_by or today + timedelta(days=365 * review_years),
        reliability=fields.reliability, credibility=fields.credibility,
        personal_data=bool(fields.personal_data),
    )
    try:
        return validate_handling(handling)
    except InvalidInput as exc:
        r.issues.extend(exc.issues)
        return None


def _observables(r: _Reader, items: Any) -> tuple[Occurrence, ...]:
    if not isinstance(items, list):
        r.fail("observables", "must be a list")
        return ()
    if len(items) > MAX_OBSERVABLES:
        r.fail("observables", f"at most {MAX_OBSERVABLES} per case")
        return ()
    found: dict[str, Occurrence] = {}
    for i, item in enumerate(items):
        loc = f"observables[{i}]"
        read = read_observable(r, item, loc)
        if read is None:
            continue
        obs, role = read
        comment = r.text(item, "comment", f"{loc}.")
        found.setdefault(obs.key, Occurrence(obs.type.value, obs.value, obs.key, role, comment))
    return tuple(found.values())


def read_observable(r: _Reader, item: Any, loc: str) -> tuple[Observable, str] | None:
    """One `{type, value, role}` entry at `loc`: its normalised observable and role, or None
    with the located issues added to `r` (an unknown type is located at `.type`)."""
    if not isinstance(item, dict):
        r.fail(loc, "must be an object {type, value, role}")
        return None
    try:
        obs = normalise(str(item.get("type", "")), str(item.get("value", "")),
                        location=f"{loc}.value")
    except InvalidInput as exc:
        for issue in exc.issues:
            where = f"{loc}.type" if "unknown observable type" in issue.message else \
                issue.location
            r.fail(where, issue.message)
        return None
    return obs, r.text(item, "role", f"{loc}.", limit=64)


#: The located-issue reader and the handling block of a case, shared by records that carry
#: the same fields (incidents).
Reader = _Reader
read_case_handling = _handling


class HandlingDoc(TypedDict):
    """The handling record as JSON: TLP, release, partners, purpose, review date, grading."""

    tlp: str
    release: list[str]
    exclude: list[str]
    partners: list[str]
    hit_policy: str
    purpose: str
    review_by: str
    grading: str
    personal_data: bool


class VictimsDoc(TypedDict):
    """How many victims, and in which sectors."""

    count: int
    sectors: list[str]


class ObservableEntryDoc(TypedDict):
    """An observable as a case holds it, with the warning lists its value is on."""

    type: str
    value: str
    role: str
    comment: str
    warninglists: list[str]


class CaseDoc(TypedDict):
    """A case as the API returns it; a list leaves out `observables`."""

    id: int
    owner: str
    title: str
    crime_type: str
    summary: str
    countries: list[str]
    first_seen: str | None
    last_seen: str | None
    victims: VictimsDoc
    handling: HandlingDoc
    version: int
    revoked: bool
    revoked_at: str | None
    created_at: str | None
    updated_at: str | None
    observables: NotRequired[list[ObservableEntryDoc]]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def case_to_json(case: Case, with_observables: bool = True) -> CaseDoc:
    """A case as the API returns it (the caller has already passed `decide()`)."""
    doc: CaseDoc = {
        "id": case.id, "owner": case.owner_org_id, "title": case.title,
        "crime_type": case.crime_type.value, "summary": case.summary,
        "countries": list(case.countries),
        "first_seen": _iso(case.first_seen), "last_seen": _iso(case.last_seen),
        "victims": {"count": case.victim_count, "sectors": list(case.victim_sectors)},
        "handling": handling_to_json(case.handling), "version": case.version,
        "revoked": case.revoked, "revoked_at": _iso(case.revoked_at),
        "created_at": _iso(case.created_at), "updated_at": _iso(case.updated_at),
    }
    if with_observables:
        doc["observables"] = [{"type": o.type, "value": o.value, "role": o.role,
                               "comment": o.comment,
                               "warninglists": [w for w in o.warninglists.split("; ") if w]}
                              for o in case.occurrences]
    return doc


def handling_to_json(h: Handling) -> HandlingDoc:
    """The handling record as JSON."""
    return {"tlp": h.tlp.value, "release": sorted(h.release), "exclude": sorted(h.exclude),
            "partners": sorted(h.partners), "hit_policy": h.hit_policy.value,
            "purpose": h.purpose.value, "review_by": h.review_by.isoformat(),
            "grading": h.grading, "personal_data": h.personal_data}
