"""Objects we generate: deterministic ids and times, the owner's identity, and entity rows
and relationships kept without a STIX body (MISP galaxy clusters, analysts' case links) as
STIX 2.1 objects (sections 4 and 5.1).

An entity row's object takes the row's STIX id where it has one, else a UUIDv5 of its source
ref, so exporting twice gives the same ids. A row that an analyst edited after import is
newer than its kept original: `edited()` writes the original with the row's aliases,
description and version instead (a new version of the same object, section 3.6).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from cyberfusion.domain.handling import Handling
from cyberfusion.domain.knowledge import Entity, EntityKind, ExternalRef, Relationship
from cyberfusion.formats.stix.extension import EXTENSION_ID, ID_NAMESPACE, handling_extension
from cyberfusion.formats.stix.mapping import read_stamp
from cyberfusion.formats.stix.markings import TLP2_IDS

K = EntityKind
#: When no version is known (the fixed time of our own definitions).
DEFINED = datetime(2026, 1, 1, tzinfo=UTC)
#: Types whose STIX 2.1 definition has `aliases`.
_ALIASED = frozenset({"attack-pattern", "campaign", "infrastructure", "intrusion-set",
                      "malware", "threat-actor", "tool"})
#: Types with `first_seen` / `last_seen`.
_SEEN = frozenset({"campaign", "infrastructure", "intrusion-set", "malware", "threat-actor"})
_ATTACK_ID = re.compile(r"^(T|TA|G|S|M|C|DS)\d{4}(\.\d{3})?$")
_CVE = re.compile(r"^CVE-\d{4}-\d{4,}$", re.IGNORECASE)
_CAPEC = re.compile(r"^CAPEC-\d+$")


def stable_uuid(name: str) -> str:
    """Deterministic id: UUIDv5 (SHA-1) bits in the UUIDv4 form STIX 2.1 asks of non-SCOs."""
    return str(uuid.UUID(bytes=uuid.uuid5(ID_NAMESPACE, name).bytes, version=4))


def stamp(moment: datetime | None) -> str:
    """A STIX timestamp precise to the millisecond, in UTC."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def org_identity(org_id: str, names: dict[str, str]) -> dict[str, Any]:
    """An organisation as an identity (section 4.5), with a deterministic id."""
    return {
        "type": "identity", "spec_version": "2.1",
        "id": f"identity--{stable_uuid(f'org:{org_id}')}", "created": stamp(DEFINED),
        "modified": stamp(DEFINED), "name": names.get(org_id, org_id),
        "identity_class": "organization",
    }


def marked(handling: Handling, owner_id: str) -> dict[str, Any]:
    """Creator, TLP 2.0 marking and our handling extension of a generated object."""
    return {"created_by_ref": owner_id, "object_marking_refs": [TLP2_IDS[handling.tlp]],
            "extensions": {EXTENSION_ID: handling_extension(handling)}}


def entity_id(row: Entity) -> str:
    """The row's STIX id, or one derived from its source ref."""
    return row.stix_id or f"{row.kind.stix_type}--{stable_uuid(f'entity:{row.ref or row.id}')}"


def relationship_id(link: Relationship) -> str:
    """The relationship's STIX id, or one derived from its key."""
    return link.stix_id or f"relationship--{stable_uuid(f'relationship:{link.ref or link.id}')}"


def entity_object(row: Entity, owner_id: str) -> dict[str, Any] | None:
    """An entity row as a STIX 2.1 domain object (None for a location with no place)."""
    stype = row.kind.stix_type
    version = stamp(row.modified or DEFINED)
    obj: dict[str, Any] = {"type": stype, "spec_version": "2.1", "id": entity_id(row),
                           "created": version, "modified": version, "name": row.name,
                           **marked(row.handling, owner_id)}
    if not _kind_properties(row, obj):
        return None
    if row.description:
        obj["description"] = row.description
    if stype in _ALIASED and row.aliases:
        obj["aliases"] = list(row.aliases)
    if stype in _SEEN:
        _seen(obj, row.first_seen, row.last_seen, "first_seen", "last_seen")
    refs = external_references(row)
    if refs:
        obj["external_references"] = refs
    if row.revoked:
        obj["revoked"] = True
    return obj


def _kind_properties(row: Entity, obj: dict[str, Any]) -> bool:
    """Add what the kind asks for; False when the row cannot make a valid object."""
    if row.kind in (K.MALWARE, K.RANSOMWARE):
        obj["is_family"] = row.is_family or row.kind is K.RANSOMWARE
        if row.kind is K.RANSOMWARE:
            obj["malware_types"] = ["ransomware"]
    elif row.kind is K.IDENTITY:
        obj["identity_class"] = row.identity_class or "unknown"
        if row.sectors:
            obj["sectors"] = list(row.sectors)
    elif row.kind is K.LOCATION:
        if not (row.country or row.region):
            return False
        obj.update({k: v for k, v in (("country", row.country), ("region", row.region)) if v})
    return True


def _seen(obj: dict[str, Any], first: datetime | None, last: datetime | None,
          first_key: str, last_key: str) -> None:
    """First and last seen (or start and stop time), the second only if it is later."""
    if first:
        obj[first_key] = stamp(first)
    if last and (first is None or last > first):
        obj[last_key] = stamp(last)


def external_references(row: Entity) -> list[dict[str, str]]:
    """The row's external references, and its ATT&CK id or CVE when none carries it."""
    found = [_reference(r) for r in row.external_refs if r.external_id or r.url]
    if row.external_id and not any(r.get("external_id") == row.external_id for r in found):
        found.append(_reference(ExternalRef(_id_source(row), row.external_id)))
    return found


def _reference(ref: ExternalRef) -> dict[str, str]:
    return {k: v for k, v in (("source_name", ref.source_name or "unknown"),
                              ("external_id", ref.external_id), ("url", ref.url)) if v}


def _id_source(row: Entity) -> str:
    """Where an external id comes from: ATT&CK, CVE, CAPEC (the validator holds the last two
    to their own source names), or the row's source."""
    if _ATTACK_ID.match(row.external_id):
        return "mitre-attack"
    if _CVE.match(row.external_id):
        return "cve"
    if _CAPEC.match(row.external_id):
        return "capec"
    return row.source or "cyberfusion"


def relationship_object(link: Relationship, source: str, target: str,
                        owner_id: str) -> dict[str, Any]:
    """A relationship (section 5.1) between two objects of the bundle."""
    created = stamp(link.created or link.modified or DEFINED)
    obj: dict[str, Any] = {
        "type": "relationship", "spec_version": "2.1", "id": relationship_id(link),
        "created": created, "modified": max(created, stamp(link.modified or link.created)),
        "relationship_type": link.type, "source_ref": source, "target_ref": target,
        **marked(link.handling, owner_id)}
    if link.description:
        obj["description"] = link.description
    _seen(obj, link.first_seen, link.last_seen, "start_time", "stop_time")
    return obj


def edited(original: dict[str, Any], row: Entity) -> dict[str, Any] | None:
    """The kept original as the row's newer version (an analyst's edit), or None when the
    row is not newer than it."""
    version = stamp(row.modified) if row.modified else ""
    if not version or not _newer(row.modified, original.get("modified")):
        return None
    found = {**original, "modified": version}
    if row.description:
        found["description"] = row.description
    else:
        found.pop("description", None)
    if str(original.get("type")) in _ALIASED:
        if row.aliases:
            found["aliases"] = list(row.aliases)
        else:
            found.pop("aliases", None)
    return found


def _newer(moment: datetime | None, version: object) -> bool:
    """True if `moment` is after the STIX timestamp `version` (or that reads as none)."""
    if moment is None:
        return False
    known = read_stamp(version)
    return known is None or moment > known
