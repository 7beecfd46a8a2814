"""One MISP event -> one case (two when part of it is narrower), its source object, entities.

Every attribute (plain or in an object) gets a `Scope` from its event, object and own
distribution and tags (see `distribution`). Elements whose handling would be narrower than
the event's go to a second case, `misp:<uuid>:restricted`, with the narrower handling;
both cases keep their part of the event as a `misp-event` source object (a member of the
case, same ref), so neither source object holds what its case may not show. A kept part
that is for the importing organisation only carries the case's TLP (at least
AMBER+STRICT) as its source TLP, so the kept JSON is as closed as the case. Sightings
stay inside the kept event (no separate source objects, no issues) and widen the case's
first/last seen dates; proposals (`ShadowAttribute`) and deleted attributes land no
observables.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from cyberfusion.domain.handling import Handling
from cyberfusion.domain.imports import (
    Batch,
    ImportDefaults,
    ImportedCase,
    ImportIssue,
    Severity,
    SourceObject,
    handling_for,
)
from cyberfusion.domain.model import CaseDraft, Occurrence
from cyberfusion.domain.observables import normalise
from cyberfusion.errors import InvalidObservable
from cyberfusion.formats.misp import attributes as types
from cyberfusion.formats.misp import classify
from cyberfusion.formats.misp import distribution as dist

MAX_OBSERVABLES = 100_000
MAX_SUMMARY = 100_000
_NAMESPACE = uuid.UUID("a4b0c3c2-3f1e-4c55-8a7e-0f0d6f5e9b21")


@dataclass
class EventInput:
    """An event header plus its attributes and objects, each with its JSON path."""

    loc: str
    header: dict[str, Any]
    attributes: list[tuple[str, Any]] = field(default_factory=list)
    objects: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class _Element:
    loc: str
    attribute: dict[str, Any]
    obj: dict[str, Any] | None
    scope: dist.Scope


@dataclass
class _Part:
    """The elements, reports and objects that share one handling."""

    elements: list[_Element] = field(default_factory=list)
    attributes: list[dict[str, Any]] = field(default_factory=list)
    objects: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)
    scopes: list[dist.Scope] = field(default_factory=list)


def join(loc: str, key: str) -> str:
    """`response[3].Event` + `Attribute[2]`, or just `Attribute[2]` at the top."""
    return f"{loc}.{key}" if loc else key


def from_event(loc: str, event: dict[str, Any]) -> EventInput:
    """An `EventInput` for a whole event dict found at `loc`."""
    attributes = event.get("Attribute") or []
    objects = event.get("Object") or []
    header = {k: v for k, v in event.items() if k not in ("Attribute", "Object")}
    return EventInput(
        loc, header,
        [(join(loc, f"Attribute[{i}]"), a) for i, a in enumerate(_listed(attributes))],
        [(join(loc, f"Object[{i}]"), o) for i, o in enumerate(_listed(objects))],
    )


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def event_uuid(header: dict[str, Any]) -> str | None:
    """The event's own uuid, or None when it has none."""
    value = header.get("uuid")
    return str(value).strip().lower() if isinstance(value, str) and value.strip() else None


def content_uuid(*parts: Any) -> str:
    """A stable uuid derived from JSON content, for events that carry none."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return str(uuid.uuid5(_NAMESPACE, text))


def to_datetime(value: Any) -> datetime | None:
    """A MISP epoch timestamp (string or number) or ISO text as an aware datetime."""
    if value in (None, "", "0", 0):
        return None
    try:
        return datetime.fromtimestamp(int(str(value)), UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def to_date(value: Any) -> date | None:
    """A MISP date (`2020-10-25`), timestamp or ISO datetime as a date."""
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    moment = to_datetime(value)
    return moment.date() if moment else None


class EventReader:
    """Reads events from one source with one set of import defaults."""

    def __init__(self, source: str, defaults: ImportDefaults) -> None:
        self.source = source
        self.defaults = defaults

    def issue(self, out: Batch, severity: Severity, loc: str, message: str) -> None:
        """Record a located issue."""
        out.issues.append(ImportIssue(severity, f"{self.source}:{loc}", message))

    def read(self, item: EventInput) -> Batch:
        """Decode one event into its cases, source objects, entities and issues."""
        out = Batch()
        uid = event_uuid(item.header)
        if uid is None:
            uid = content_uuid(item.header, item.attributes, item.objects)
            self.issue(out, Severity.INFO, join(item.loc, "uuid"),
                       f"the event has no uuid; its reference is derived from its content: {uid}")
        scope = self._event_scope(item, out)
        main, narrow = self._split(item, scope, out)
        self._land(out, item, uid, main, scope, "")
        if narrow.elements or narrow.reports or narrow.objects:
            self._land(out, item, uid, narrow, scope, ":restricted")
        return out

    def _event_scope(self, item: EventInput, out: Batch) -> dist.Scope:
        level = dist.parse_level(item.header.get("distribution"))
        problem = dist.level_problem(level, item.header, is_event=True)
        if problem:
            self.issue(out, Severity.WARNING, join(item.loc, "distribution"), problem)
        own = dist.element_own_org(level) or level == dist.INHERIT
        return dist.Scope(own, dist.tlp_of(dist.tag_names(item.header)))

    def _scope(self, parent: dist.Scope, element: dict[str, Any], loc: str,
               out: Batch) -> dist.Scope:
        level = dist.parse_level(element.get("distribution"))
        problem = dist.level_problem(level, element, is_event=False)
        if problem:
            self.issue(out, Severity.WARNING, join(loc, "distribution"), problem)
        return parent.narrowed(dist.element_own_org(level), dist.tlp_of(dist.tag_names(element)))

    def handling(self, scope: dist.Scope) -> Handling:
        """The handling of data with this scope."""
        return handling_for(self.defaults, scope.tlp, own_org_only=scope.own_org_only)

    def _split(self, item: EventInput, scope: dist.Scope,
               out: Batch) -> tuple[_Part, _Part]:
        main, narrow = _Part(), _Part()
        wide = self.handling(scope)
        for loc, attribute in item.attributes:
            if not self._is_object(attribute, loc, "attribute", out):
                continue
            element = _Element(loc, attribute, None, self._scope(scope, attribute, loc, out))
            part = main if self.handling(element.scope) == wide else narrow
            part.elements.append(element)
            part.attributes.append(attribute)
            part.scopes.append(element.scope)
        for loc, obj in item.objects:
            if self._is_object(obj, loc, "object", out):
                self._split_object(loc, obj, self._scope(scope, obj, loc, out), wide,
                                   (main, narrow), out)
        for i, report in enumerate(_listed(item.header.get("EventReport") or [])):
            if isinstance(report, dict):
                rscope = self._scope(scope, report, join(item.loc, f"EventReport[{i}]"), out)
                part = main if self.handling(rscope) == wide else narrow
                part.reports.append(report)
                part.scopes.append(rscope)
        return main, narrow

    def _split_object(self, loc: str, obj: dict[str, Any], scope: dist.Scope, wide: Handling,
                      parts: tuple[_Part, _Part], out: Batch) -> None:
        own_side = 0 if self.handling(scope) == wide else 1
        kept: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
        for i, attribute in enumerate(_listed(obj.get("Attribute") or [])):
            aloc = f"{loc}.Attribute[{i}]"
            if not self._is_object(attribute, aloc, "attribute", out):
                continue
            element = _Element(aloc, attribute, obj, self._scope(scope, attribute, aloc, out))
            side = 0 if self.handling(element.scope) == wide else 1
            parts[side].elements.append(element)
            parts[side].scopes.append(element.scope)
            kept[side].append(attribute)
        for side, attrs in enumerate(kept):
            if attrs or (side == own_side and not kept[0] and not kept[1]):
                parts[side].objects.append({**obj, "Attribute": attrs})

    def _is_object(self, value: Any, loc: str, what: str, out: Batch) -> bool:
        if isinstance(value, dict):
            return True
        self.issue(out, Severity.WARNING, loc, f"expected a MISP {what} (a JSON object); skipped")
        return False

    def _land(self, out: Batch, item: EventInput, uid: str, part: _Part,
              event_scope: dist.Scope, suffix: str) -> None:
        scope = event_scope
        for inner in part.scopes if suffix else ():
            scope = scope.narrowed(inner.own_org_only, inner.tlp)
        findings = self._findings(item.header, part)
        handling = self.handling(scope)
        body = self._body(item.header, part)
        ref = f"misp:{uid}{suffix}"
        modified = to_datetime(item.header.get("timestamp"))
        out.cases.append(ImportedCase(
            ref=ref, modified=modified, revoked=False,
            draft=self._draft(out, item, part, findings, handling, suffix),
            members=(ref,), entities=tuple(findings.entities),
        ))
        kept_tlp = handling.tlp if scope.own_org_only else scope.tlp
        out.objects.append(SourceObject(ref, "misp-event", modified, False, body, kept_tlp))
        out.entities.extend(e for e in findings.entities.values()
                            if all(held.ref != e.ref for held in out.entities))

    def _findings(self, header: dict[str, Any], part: _Part) -> classify.Findings:
        findings = classify.Findings()
        classify.read_tags(findings, dist.tag_names(header))
        classify.read_galaxies(findings, header.get("Galaxy"))
        seen: set[int] = set()
        for element in part.elements:
            for tagged in (element.obj, element.attribute):
                if tagged is not None and id(tagged) not in seen:
                    seen.add(id(tagged))
                    classify.read_tags(findings, dist.tag_names(tagged))
                    classify.read_galaxies(findings, tagged.get("Galaxy"))
        return findings

    def _body(self, header: dict[str, Any], part: _Part) -> dict[str, Any]:
        body = dict(header)
        body["Attribute"] = part.attributes
        body["Object"] = part.objects
        if "EventReport" in header:
            body["EventReport"] = part.reports
        return body

    def _draft(self, out: Batch, item: EventInput, part: _Part,
               findings: classify.Findings, handling: Handling, suffix: str) -> CaseDraft:
        info = str(item.header.get("info") or "").strip() or "MISP event"
        title = f"{info} (restricted part)" if suffix else info
        first, last = self._seen(item.header, part)
        return CaseDraft(
            title=title if len(title) <= 300 else title[:299] + "…",
            crime_type=classify.guess_crime_type(findings, info),
            summary=_summary(part),
            handling=handling,
            countries=tuple(findings.countries),
            first_seen=first, last_seen=last,
            victim_sectors=tuple(findings.sectors),
            occurrences=self._occurrences(out, part),
        )

    def _seen(self, header: dict[str, Any], part: _Part) -> tuple[date | None, date | None]:
        days = [d for d in (to_date(header.get("date")),) if d]
        for element in part.elements:
            attribute = element.attribute
            for key in ("first_seen", "last_seen"):
                day = to_date(attribute.get(key))
                if day:
                    days.append(day)
            for sighting in _listed(attribute.get("Sighting") or []):
                if isinstance(sighting, dict):
                    day = to_date(sighting.get("date_sighting"))
                    days.extend([day] if day else [])
        return (min(days), max(days)) if days else (None, None)

    def _occurrences(self, out: Batch, part: _Part) -> tuple[Occurrence, ...]:
        found: dict[str, Occurrence] = {}
        for element in part.elements:
            if element.attribute.get("deleted") in (True, "1", 1):
                continue
            for occurrence in self._observe(out, element):
                if len(found) >= MAX_OBSERVABLES and occurrence.key not in found:
                    self.issue(out, Severity.WARNING, element.loc,
                               f"more than {MAX_OBSERVABLES} observables; the rest is left out")
                    return tuple(found.values())
                found.setdefault(occurrence.key, occurrence)
        return tuple(found.values())

    def _observe(self, out: Batch, element: _Element) -> list[Occurrence]:
        attribute, role = element.attribute, types.role_of(element.attribute, element.obj)
        comment = str(attribute.get("comment") or "")[:1000]
        occurrences = []
        for part in types.observable_parts(attribute, element.obj):
            try:
                obs = normalise(part.type, part.raw, location=f"{element.loc}.value")
            except InvalidObservable as exc:
                if part.strict:
                    self.issue(out, Severity.WARNING, f"{element.loc}.value",
                               f"{attribute.get('type')} {_short(part.raw)}: {exc.detail}")
                continue
            occurrences.append(Occurrence(obs.type.value, obs.value, obs.key, role, comment))
        return occurrences


def _short(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _summary(part: _Part) -> str:
    """Event reports, then `comment` attributes, as the case summary."""
    texts = []
    for report in part.reports:
        if report.get("deleted") in (True, "1", 1):
            continue
        name, content = str(report.get("name") or ""), str(report.get("content") or "")
        texts.append(f"{name}\n\n{content}".strip() if name else content.strip())
    for element in part.elements:
        attribute = element.attribute
        if element.obj is None and attribute.get("type") == "comment":
            texts.append(str(attribute.get("value") or "").strip())
    summary = "\n\n".join(t for t in texts if t)
    return summary if len(summary) <= MAX_SUMMARY else summary[: MAX_SUMMARY - 1] + "…"

