"""The knowledge lines of our JSON lines: entity rows no kept object states as they stand,
and relationships with a case end, written and read back (see `formats.jsonl`).

An entity line carries the row as a STIX 2.1 object (the kept original with the analyst's
edits when there is one, else the generated object) and what STIX does not say: the row's
ref in its source (so re-reading lands on the row its object or MISP event gives), its kind,
TLP, whether it is public reference data, its source and external id. A link line names its
ends by an entity line's ref or a case line's `case:<owner>:<id>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from cyberfusion.domain.handling import TLP, Handling, HitPolicy, Purpose
from cyberfusion.domain.imports import ImportedEntity, ImportedRelationship
from cyberfusion.domain.knowledge import End, EndKind, Entity, EntityKind
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.base import ExportContext
from cyberfusion.formats.stix.generated import (
    edited,
    entity_id,
    entity_object,
    org_identity,
    relationship_id,
)
from cyberfusion.formats.stix.mapping import entity_of, read_stamp
from cyberfusion.formats.stix.upgrade import is_stix

_TLPS = {t.value: t for t in TLP}
_KINDS = {k.value: k for k in EntityKind}


def case_ref(owner: object, case_id: object) -> str:
    """The ref a case line lands under, and that link lines name it by."""
    return f"case:{owner}:{case_id}"


def entity_lines(context: ExportContext) -> Iterator[dict[str, Any]]:
    """One line per readable entity row that no kept object states as it stands."""
    originals = _newest_kept(context)
    for row in context.entities:
        original = originals.get(entity_id(row))
        if original is not None:
            obj = edited(original, row)
        else:
            obj = entity_object(row, str(org_identity(row.owner_org_id, {})["id"]))
        if obj is None:
            continue
        yield {"kind": "entity", "ref": row_ref(row), "entity_kind": row.kind.value,
               "tlp": row.handling.tlp.value, "reference": _is_reference(row.handling),
               "source": row.source, "external_id": row.external_id,
               "modified": _iso(row.modified), "object": obj}


def link_lines(context: ExportContext, cases: dict[int, str]) -> Iterator[dict[str, Any]]:
    """One line per readable relationship with an exported case at one end."""
    refs = {row.id: row_ref(row) for row in context.entities}
    for link in context.relationships:
        if EndKind.CASE not in (link.source.kind, link.target.kind):
            continue
        source, target = (_end_ref(e, refs, cases) for e in (link.source, link.target))
        if source and target:
            yield {"kind": "link", "ref": relationship_id(link), "type": link.type,
                   "tlp": link.handling.tlp.value, "source": source, "target": target,
                   "description": link.description, "first_seen": _iso(link.first_seen),
                   "last_seen": _iso(link.last_seen), "modified": _iso(link.modified)}


def row_ref(row: Entity) -> str:
    """The row's ref in its source (its key without the owner), or its STIX id."""
    return row.ref.partition("|")[2] or entity_id(row)


def read_entity(doc: dict[str, Any], where: str) -> ImportedEntity:
    """An entity line as the entity it lands; InvalidInput located within the line."""
    ref, obj, kind = doc.get("ref"), doc.get("object"), _KINDS.get(str(doc.get("entity_kind")))
    if not isinstance(ref, str) or not ref:
        raise InvalidInput("bad entity line", [Issue("ref", "a non-empty string is required")])
    if kind is None:
        raise InvalidInput("bad entity line", [Issue("entity_kind", f"one of {sorted(_KINDS)}")])
    if not isinstance(obj, dict) or not is_stix(obj) or obj.get("type") != kind.stix_type:
        raise InvalidInput("bad entity line", [Issue(
            "object", f"a STIX object of type {kind.stix_type!r} is required")])
    modified = _when(doc["modified"]) if "modified" in doc else read_stamp(obj.get("modified"))
    found = entity_of(obj, ref, modified, obj.get("revoked") is True)
    if found is None:
        raise InvalidInput("bad entity line", [Issue("object.name", "the entity has no name")])
    return replace(found, kind=kind, is_family=found.is_family or kind is EntityKind.RANSOMWARE,
                   source=_text(doc.get("source")) or found.source,
                   external_id=_text(doc.get("external_id")) or found.external_id,
                   tlp=_TLPS.get(str(doc.get("tlp"))),
                   reference=doc.get("reference") is True or found.reference, location=where)


def read_link(doc: dict[str, Any], where: str) -> ImportedRelationship:
    """A link line as the relationship it lands; InvalidInput located within the line."""
    problems = [Issue(key, "a non-empty string is required")
                for key in ("ref", "type", "source", "target")
                if not isinstance(doc.get(key), str) or not doc[key]]
    if problems:
        raise InvalidInput("bad link line", problems)
    return ImportedRelationship(
        doc["ref"], doc["type"][:64], doc["source"], doc["target"],
        description=_text(doc.get("description")), first_seen=_when(doc.get("first_seen")),
        last_seen=_when(doc.get("last_seen")), modified=_when(doc.get("modified")),
        tlp=_TLPS.get(str(doc.get("tlp"))), location=where)


def _newest_kept(context: ExportContext) -> dict[str, dict[str, Any]]:
    """The newest kept STIX body of each id."""
    found: dict[str, dict[str, Any]] = {}
    for body in (k.body for k in context.kept):
        ident = body.get("id")
        if not isinstance(ident, str) or not is_stix(body):
            continue
        held = found.get(ident)
        if held is None or _later(body.get("modified"), held.get("modified")):
            found[ident] = body
    return found


def _later(value: object, than: object) -> bool:
    moment, other = read_stamp(value), read_stamp(than)
    return moment is not None and (other is None or moment > other)


def _end_ref(end: End, entities: dict[int, str], cases: dict[int, str]) -> str:
    if end.kind is EndKind.CASE:
        return cases.get(end.id, "")
    return entities.get(end.id, end.stix_id)


def _is_reference(handling: Handling) -> bool:
    """Handled as public reference data is (visible, for analysis)."""
    return handling.hit_policy is HitPolicy.VISIBLE and handling.purpose is Purpose.ANALYSIS


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _when(value: object) -> datetime | None:
    return read_stamp(value) if isinstance(value, str) else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""

