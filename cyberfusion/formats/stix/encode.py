"""The STIX 2.1 exporter: a bundle (section 8, docs.oasis-open.org/cti/stix/v2.1/os), streamed.

A case whose source objects were kept is written with those objects exactly as imported,
provided each is marked at least as strictly as the case (otherwise passing them on would
widen our handling); if none of them is a report or grouping, a generated report names them.
Any other case is written as generated objects with deterministic
(UUIDv5) ids: the owner's identity, a report, an indicator per observable that a STIX
pattern can state, a custom SCO for the others, the TLP 2.0 marking definitions and our
handling extension on every generated object. The readable knowledge kept outside cases
follows, then the readable entity rows and relationships that no kept object states
(`generated`: MISP galaxy clusters, analysts' case links; a case end is the case's report or
grouping). An entity row an analyst edited replaces its kept original with a newer version.
Only STIX objects go in (a kept MISP event never does), each once per version and
as STIX 2.1 (`upgrade`), and the bundle is closed: every reference resolves in it
(`closure`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.imports import stricter
from cyberfusion.domain.knowledge import EndKind
from cyberfusion.domain.model import Case, Occurrence
from cyberfusion.formats.base import ExportContext, Exporter, register_exporter
from cyberfusion.formats.stix.closure import closed
from cyberfusion.formats.stix.extension import (
    EXTENSION_ID,
    extension_definition,
    project_identity,
    read_extension,
)
from cyberfusion.formats.stix.generated import (
    edited,
    entity_id,
    entity_object,
    marked,
    org_identity,
    relationship_id,
    relationship_object,
    stable_uuid,
    stamp,
)
from cyberfusion.formats.stix.markings import (
    TLP2_IDS,
    MarkingIndex,
    marking_refs,
    tlp2_marking_definition,
)
from cyberfusion.formats.stix.upgrade import is_stix, repaired, upgraded
from cyberfusion.formats.stix.values import (
    VALUE_EXTENSION_ID,
    pattern_for,
    value_extension_definition,
    value_sco,
)

_CHUNK = 1 << 16
_DEFINITIONS = frozenset({"marking-definition", "extension-definition"})
_CASE_TYPES = frozenset({"report", "grouping"})
_INDICATOR_TYPES = frozenset({"anomalous-activity", "anonymization", "benign", "compromised",
                              "malicious-activity", "attribution", "unknown"})


@register_exporter
class StixExporter(Exporter):
    """Cases as one STIX 2.1 bundle."""

    name = "stix21"
    media_type = "application/stix+json;version=2.1"
    extension = "json"

    def export(self, cases: Iterable[Case], context: ExportContext) -> Iterator[bytes]:
        """Yield the bundle in chunks: its head, then the objects one by one, then its end."""
        objects = closed(gathered(cases, context))
        writer = _Writer()
        yield b'{"type":"bundle","id":"bundle--' + str(uuid.uuid4()).encode() + b'","objects":['
        for obj in objects:
            chunk = writer.add(obj)
            if chunk:
                yield chunk
        yield writer.rest() + b"]}"


def gathered(cases: Iterable[Case], context: ExportContext) -> list[dict[str, Any]]:
    """Every object of the bundle, as STIX 2.1, once per version: cases, then knowledge."""
    collected = _Collected()
    reports: dict[int, str] = {}
    for case in cases:
        stored = [o for o in context.source_objects.get(case.id) or [] if is_stix(o)]
        if stored and passes_on(case, stored):
            objects: Iterable[dict[str, Any]] = kept(case, context, collected, stored)
        else:
            objects = generated(case, context, collected, stored)
        for obj in objects:
            collected.add(obj)
            if obj.get("type") in _CASE_TYPES:
                reports.setdefault(case.id, str(obj["id"]))
    for body in context.knowledge:
        if is_stix(body):
            collected.add(body)
    for obj in knowledge_rows(context, collected, reports):
        collected.add(obj)
    return collected.objects


def knowledge_rows(context: ExportContext, collected: _Collected,
                   reports: dict[int, str]) -> Iterator[dict[str, Any]]:
    """Entity rows and relationships with no kept object written, generated from the rows;
    an edited row's kept original is replaced by its newer version."""
    ids = {row.id: entity_id(row) for row in context.entities}
    for row in context.entities:
        if collected.has(ids[row.id]):
            newer = edited(collected.latest(ids[row.id]), row)
            if newer is not None:
                collected.replace(newer)
            continue
        obj = entity_object(row, _owner_id(row.owner_org_id))
        if obj is not None:
            yield from _creator(row.owner_org_id, row.handling.tlp, context, collected)
            yield obj
    for link in context.relationships:
        ends = [ids.get(e.id, e.stix_id) if e.kind is EndKind.ENTITY else reports.get(e.id, "")
                for e in (link.source, link.target)]
        if collected.has(relationship_id(link)) or not all(ends):
            continue
        yield from _creator(link.owner_org_id, link.handling.tlp, context, collected)
        yield relationship_object(link, ends[0], ends[1], _owner_id(link.owner_org_id))


def _owner_id(org_id: str) -> str:
    return str(org_identity(org_id, {})["id"])


def _creator(org_id: str, tlp: TLP, context: ExportContext,
             collected: _Collected) -> Iterator[dict[str, Any]]:
    """The definitions and the owner's identity a generated object names, once each."""
    yield from _definitions(tlp, collected)
    if not collected.has(_owner_id(org_id)):
        yield _identity(org_id, context)


class _Collected:
    """The objects gathered so far, each (by id and version) once, upgraded to STIX 2.1."""

    def __init__(self) -> None:
        self.marks: set[tuple[str, str]] = set()
        self.objects: list[dict[str, Any]] = []
        self.newest: dict[str, tuple[str, int]] = {}

    def has(self, ident: str) -> bool:
        """True if some version of `ident` was gathered."""
        return (ident, "") in self.marks

    def latest(self, ident: str) -> dict[str, Any]:
        """The newest version of `ident` gathered."""
        return self.objects[self.newest[ident][1]]

    def replace(self, obj: dict[str, Any]) -> None:
        """Put `obj` where the newest version of its id stands (it supersedes that one)."""
        ident, version = str(obj["id"]), str(obj["modified"])
        self.marks.add((ident, version))
        self.objects[self.newest[ident][1]] = obj
        self.newest[ident] = (version, self.newest[ident][1])

    def add(self, obj: dict[str, Any]) -> None:
        """Gather an object (and the SCOs its upgrade lifts out) once per version."""
        for whole in upgraded(obj):
            item = repaired(whole)
            if item is None:
                continue
            version = str(item.get("modified") or item.get("created") or "")
            mark = (str(item.get("id")), version)
            if mark not in self.marks:
                self.marks.update((mark, (mark[0], "")))
                held = self.newest.get(mark[0])
                if held is None or version > held[0]:
                    self.newest[mark[0]] = (version, len(self.objects))
                self.objects.append(item)


class _Writer:
    """Serialises objects, in chunks of about 64 KiB."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.first = True

    def add(self, obj: dict[str, Any]) -> bytes:
        """Write an object; return a chunk when 64 KiB are ready."""
        if not self.first:
            self.buffer += b","
        self.first = False
        self.buffer += orjson.dumps(obj)
        return self.rest() if len(self.buffer) >= _CHUNK else b""

    def rest(self) -> bytes:
        """What is buffered, emptied."""
        data, self.buffer = bytes(self.buffer), bytearray()
        return data


def passes_on(case: Case, stored: list[dict[str, Any]]) -> bool:
    """True if each kept object is marked at least as strictly as the case (section 7.2)."""
    # Marking and extension definitions are vocabulary and always pass; an unmarked object
    # passes only when the case is TLP:CLEAR; one marked with the bogus AMBER+STRICT id
    # never does (a recipient would not read it as TLP).
    wanted = case.handling.tlp
    if wanted is TLP.CLEAR:
        return True
    markings = MarkingIndex()
    for obj in stored:
        if obj.get("type") == "marking-definition":
            markings.learn(obj)
    for obj in stored:
        if obj.get("type") in _DEFINITIONS:
            continue
        tlp, bogus = markings.strictest(marking_refs(obj))
        tlp = _with_extension(tlp, obj)
        if bogus or tlp is None or stricter(tlp, wanted) is not tlp:
            return False
    return True


def _with_extension(tlp: TLP | None, obj: dict[str, Any]) -> TLP | None:
    """The TLP our handling extension states on the object, if stricter."""
    extensions = obj.get("extensions")
    if not isinstance(extensions, dict) or EXTENSION_ID not in extensions:
        return tlp
    source, problems = read_extension(extensions[EXTENSION_ID])
    if source is None or problems or source.tlp is None:
        return tlp
    return stricter(tlp, source.tlp) if tlp else source.tlp


def kept(case: Case, context: ExportContext, writer: _Collected,
         stored: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The kept objects as imported; a case kept without a report gets one naming them."""
    yield from stored
    if any(obj.get("type") in _CASE_TYPES for obj in stored):
        return
    yield from _definitions(case.handling.tlp, writer)
    owner = _identity(case.owner_org_id, context)
    yield owner
    names = [owner["id"]] + [o["id"] for o in stored if isinstance(o.get("id"), str)]
    yield _report(case, _common(case, owner["id"]), list(dict.fromkeys(names)))


def _definitions(tlp: TLP, writer: _Collected) -> Iterator[dict[str, Any]]:
    """Our extension definition (and its creator) and a TLP 2.0 marking, once."""
    if not writer.has(EXTENSION_ID):
        yield project_identity()
        yield extension_definition()
    if not writer.has(TLP2_IDS[tlp]):
        yield tlp2_marking_definition(tlp)


def generated(case: Case, context: ExportContext, writer: _Collected,
              stored: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The objects that state one case: shared definitions first, then its own objects."""
    yield from _definitions(case.handling.tlp, writer)
    owner = _identity(case.owner_org_id, context)
    yield owner
    common = _common(case, owner["id"])
    refs: list[str] = [owner["id"]]
    for occurrence in case.occurrences:
        obj = _indicator(case, occurrence, common) or value_sco(occurrence.type, occurrence.value)
        if obj is None:
            continue
        if obj["type"] == "x-cyberfusion-value" and not writer.has(VALUE_EXTENSION_ID):
            yield value_extension_definition()
        refs.append(obj["id"])
        yield obj
    report = _report(case, common, refs)
    sources = [o["id"] for o in stored if o.get("type") in _CASE_TYPES]
    if sources:  # the source's report is not passed on: say where ours came from
        report["external_references"] = [
            {"source_name": "stix", "external_id": ident,
             "description": "the source report this case was imported from"}
            for ident in sources]
    yield report


def _identity(org_id: str, context: ExportContext) -> dict[str, Any]:
    """The owner organisation as an identity (section 4.5), with a deterministic id."""
    return org_identity(org_id, context.org_names)


def vocabulary() -> list[dict[str, Any]]:
    """The definitions generated objects share: our identity and extension definitions, and
    the TLP 2.0 marking definitions."""
    return [project_identity(), extension_definition(), value_extension_definition(),
            *(tlp2_marking_definition(tlp) for tlp in TLP)]


def _common(case: Case, owner_id: str) -> dict[str, Any]:
    """Properties every generated object of the case shares: creator, times, markings."""
    created = stamp(case.created_at)
    return {
        "spec_version": "2.1", "created": created,
        "modified": max(created, stamp(case.updated_at or case.created_at)),
        **marked(case.handling, owner_id),
    }


def _indicator(case: Case, occ: Occurrence, common: dict[str, Any]) -> dict[str, Any] | None:
    """An indicator (section 4.7) whose pattern states the observable, if STIX can."""
    pattern = pattern_for(occ.type, occ.value)
    if pattern is None:
        return None
    ident = f"indicator--{stable_uuid(f'case:{case.owner_org_id}:{case.id}:{occ.key}')}"
    valid_from = common["created"]
    if case.first_seen is not None:
        valid_from = f"{case.first_seen.isoformat()}T00:00:00Z"
    obj: dict[str, Any] = {
        "type": "indicator", "id": ident, **common, "name": f"{occ.type} {occ.value}"[:250],
        "description": _describe(occ), "pattern": pattern, "pattern_type": "stix",
        "pattern_version": "2.1", "valid_from": valid_from,
    }
    if occ.role in _INDICATOR_TYPES:
        obj["indicator_types"] = [occ.role]
    return obj


def _describe(occ: Occurrence) -> str:
    """An indicator's description: the observable's role and comment."""
    parts = [f"Role: {occ.role}." if occ.role else "", occ.comment]
    return " ".join(p for p in parts if p) or f"{occ.type} observed in the case"


def _report(case: Case, common: dict[str, Any], refs: list[str]) -> dict[str, Any]:
    """The case as a report (section 4.16) with a deterministic id."""
    ident = f"report--{stable_uuid(f'case:{case.owner_org_id}:{case.id}')}"
    obj: dict[str, Any] = {
        "type": "report", "id": ident, **common, "name": case.title,
        "published": common["modified"], "report_types": ["threat-report"],
        "labels": [case.crime_type.value], "object_refs": refs,
    }
    if case.summary:
        obj["description"] = case.summary
    return obj
